from typing import Literal

ApiKeyScope = Literal[
    "read",
    "read::block_trade_accept",
    "read::portfolio_balance",
    "write",
    "write::block_trade_accept",
    "write::fcm_risk",
    "write::trade",
    "write::transfer",
]

API_KEY_SCOPE_VALUES: set[ApiKeyScope] = {
    "read",
    "read::block_trade_accept",
    "read::portfolio_balance",
    "write",
    "write::block_trade_accept",
    "write::fcm_risk",
    "write::trade",
    "write::transfer",
}


def check_api_key_scope(value: str) -> ApiKeyScope:
    if value in API_KEY_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {API_KEY_SCOPE_VALUES!r}"
    )
