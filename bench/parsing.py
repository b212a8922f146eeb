"""Response parsing in-process: json bytes to typed objects, ours (json + attrs) against the
official SDK's pydantic models, at 1, 100 and 10,000 keys."""

from __future__ import annotations

import json
from collections.abc import Callable

from kalshi_api_keys_client.models import GetApiKeysResponse
from kalshi_python_sync.models import GetApiKeysResponse as OfficialGetApiKeysResponse
from report import Row
from timing import interleaved, median, ratio, us

METHOD = """\
`json.loads` + `GetApiKeysResponse.from_dict` against the official SDK's pydantic
`GetApiKeysResponse.from_json`, on the same bodies. P4 times ours alone (interleaved with
pydantic, the 10,000-key case also paid for re-faulting memory the other had just freed)."""

SIZES = (1, 100, 10_000)


def _body(keys: int) -> bytes:
    return json.dumps(
        {
            "api_keys": [
                {"api_key_id": f"{i:08d}-0000-4000-8000-000000000000", "name": f"bot-{i}",
                 "scopes": ["read", "write"], "subaccount": i % 64}
                for i in range(keys)
            ]
        }
    ).encode()  # fmt: skip


def _ours(body: bytes) -> Callable[[], object]:
    return lambda: GetApiKeysResponse.from_dict(json.loads(body))


def _official(body: bytes) -> Callable[[], object]:
    return lambda: OfficialGetApiKeysResponse.from_json(body.decode())


def bench(rounds: int) -> list[Row]:
    rows: list[Row] = []
    bodies = {keys: _body(keys) for keys in SIZES}
    for index, keys in enumerate(SIZES, start=1):
        t = interleaved({"ours": _ours(bodies[keys]), "official": _official(bodies[keys])},
                        calls=max(3, 20_000 // keys), rounds=rounds)  # fmt: skip
        ours, official = median(t["ours"]), median(t["official"])
        rows.append(
            Row(f"P{index}", f"parse a list of {keys:,} key(s): ours vs official (pydantic)",
                f"{us(ours)} ({us(ours / keys)}/key)",
                f"{us(official)} ({us(official / keys)}/key)", ratio(t, "ours", "official"))
        )  # fmt: skip
    alone = interleaved({"large": _ours(bodies[10_000]), "small": _ours(bodies[100])},
                        calls=10, rounds=rounds)  # fmt: skip
    per_key = {"large": [s / 10_000 for s in alone["large"]],
               "small": [s / 100 for s in alone["small"]]}  # fmt: skip
    rows.append(
        Row("P4", "per-key parse cost, ours alone: 10,000 keys vs 100 (flat = 1.00)",
            us(median(per_key["large"])), us(median(per_key["small"])),
            ratio(per_key, "large", "small"), note="linear if about 1")
    )  # fmt: skip
    return rows
