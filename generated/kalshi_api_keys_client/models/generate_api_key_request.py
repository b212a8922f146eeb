from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_scope import ApiKeyScope, check_api_key_scope
from ..models.api_key_type import ApiKeyType, check_api_key_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerateApiKeyRequest")


@_attrs_define
class GenerateApiKeyRequest:
    """
    Attributes:
        name (str): Name for the API key. This helps identify the key's purpose
        key_type (ApiKeyType | Unset): The signature algorithm of an API key pair. `rsa`: a 2048-bit RSA key; requests
            are signed with RSA-PSS and SHA-256. `ed25519`: an Ed25519 key (RFC 8032) signing the same text, much cheaper to
            sign with. A generate request without key_type gets `rsa`, so older clients keep working.
        scopes (list[ApiKeyScope] | Unset): List of scopes to grant to the API key. If the broad `write` parent scope is
            included, `read` must also be included. Child scopes may be granted without the broad parent scope. Defaults to
            full access (`read`, `write`) if not provided.
        subaccount (int | Unset): If set, restricts the API key to a single sub-account (0-63) that you own. A
            restricted key may only read and trade on that sub-account; it cannot act on other sub-accounts, transfer funds
            between sub-accounts, or create sub-accounts. Omit to leave the key unrestricted. Cannot be combined with
            fcm_subtrader_id.
        fcm_subtrader_id (str | Unset): For FCM members only: binds the key to one FCM subtrader of yours, written
            `{your_user_id}_{suffix}` where the suffix is 1-16 ASCII letters and digits (case matters). The subtrader must
            exist already. A bound key serves as the subtrader's trading credential (FIX order entry and market data, and
            margin WebSocket sessions for the subtrader's own data) and is refused on every REST endpoint, key management
            included. Cannot be combined with subaccount.
    """

    name: str
    key_type: ApiKeyType | Unset = UNSET
    scopes: list[ApiKeyScope] | Unset = UNSET
    subaccount: int | Unset = UNSET
    fcm_subtrader_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        key_type: str | Unset = UNSET
        if not isinstance(self.key_type, Unset):
            key_type = self.key_type

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item: str = scopes_item_data
                scopes.append(scopes_item)

        subaccount = self.subaccount

        fcm_subtrader_id = self.fcm_subtrader_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if key_type is not UNSET:
            field_dict["key_type"] = key_type
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if subaccount is not UNSET:
            field_dict["subaccount"] = subaccount
        if fcm_subtrader_id is not UNSET:
            field_dict["fcm_subtrader_id"] = fcm_subtrader_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        _key_type = d.pop("key_type", UNSET)
        key_type: ApiKeyType | Unset
        if isinstance(_key_type, Unset):
            key_type = UNSET
        else:
            key_type = check_api_key_type(_key_type)

        _scopes = d.pop("scopes", UNSET)
        scopes: list[ApiKeyScope] | Unset = UNSET
        if _scopes is not UNSET:
            scopes = []
            for scopes_item_data in _scopes:
                scopes_item = check_api_key_scope(scopes_item_data)

                scopes.append(scopes_item)

        subaccount = d.pop("subaccount", UNSET)

        fcm_subtrader_id = d.pop("fcm_subtrader_id", UNSET)

        generate_api_key_request = cls(
            name=name,
            key_type=key_type,
            scopes=scopes,
            subaccount=subaccount,
            fcm_subtrader_id=fcm_subtrader_id,
        )

        generate_api_key_request.additional_properties = d
        return generate_api_key_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
