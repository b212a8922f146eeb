from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_key_scope import ApiKeyScope, check_api_key_scope
from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerateApiKeyRequest")


@_attrs_define
class GenerateApiKeyRequest:
    """
    Attributes:
        name (str): Name for the API key. This helps identify the key's purpose
        scopes (list[ApiKeyScope] | Unset): List of scopes to grant to the API key. If the broad `write` parent scope is
            included, `read` must also be included. Child scopes may be granted without the broad parent scope. Defaults to
            full access (`read`, `write`) if not provided.
        subaccount (int | Unset): If set, restricts the API key to a single sub-account (0-63) that you own. A
            restricted key may only read and trade on that sub-account; it cannot act on other sub-accounts, transfer funds
            between sub-accounts, or create sub-accounts. Omit to leave the key unrestricted.
    """

    name: str
    scopes: list[ApiKeyScope] | Unset = UNSET
    subaccount: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scopes: list[str] | Unset = UNSET
        if not isinstance(self.scopes, Unset):
            scopes = []
            for scopes_item_data in self.scopes:
                scopes_item: str = scopes_item_data
                scopes.append(scopes_item)

        subaccount = self.subaccount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if scopes is not UNSET:
            field_dict["scopes"] = scopes
        if subaccount is not UNSET:
            field_dict["subaccount"] = subaccount

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        _scopes = d.pop("scopes", UNSET)
        scopes: list[ApiKeyScope] | Unset = UNSET
        if _scopes is not UNSET:
            scopes = []
            for scopes_item_data in _scopes:
                scopes_item = check_api_key_scope(scopes_item_data)

                scopes.append(scopes_item)

        subaccount = d.pop("subaccount", UNSET)

        generate_api_key_request = cls(
            name=name,
            scopes=scopes,
            subaccount=subaccount,
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
