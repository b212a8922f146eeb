from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiKey")


@_attrs_define
class ApiKey:
    """
    Attributes:
        api_key_id (str): Unique identifier for the API key
        name (str): User-provided name for the API key
        scopes (list[str]): Scopes granted to this API key (e.g. `read`, `write`, `write::trade`).
        subaccount (int | None | Unset): The sub-account (0-63) this key is restricted to: it may read and trade on that
            sub-account only. Absent or null means the key is unrestricted.
        fcm_subtrader_id (None | str | Unset): The FCM subtrader (`{fcm_user_id}_{suffix}`) this key is bound to. A
            bound key is that institution's trading credential for the subtrader (FIX sessions and the subtrader's margin
            WebSocket sessions) and is refused on every REST endpoint. Absent or null means the key is not bound to a
            subtrader.
    """

    api_key_id: str
    name: str
    scopes: list[str]
    subaccount: int | None | Unset = UNSET
    fcm_subtrader_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_key_id = self.api_key_id

        name = self.name

        scopes = self.scopes

        subaccount: int | None | Unset
        if isinstance(self.subaccount, Unset):
            subaccount = UNSET
        else:
            subaccount = self.subaccount

        fcm_subtrader_id: None | str | Unset
        if isinstance(self.fcm_subtrader_id, Unset):
            fcm_subtrader_id = UNSET
        else:
            fcm_subtrader_id = self.fcm_subtrader_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_key_id": api_key_id,
                "name": name,
                "scopes": scopes,
            }
        )
        if subaccount is not UNSET:
            field_dict["subaccount"] = subaccount
        if fcm_subtrader_id is not UNSET:
            field_dict["fcm_subtrader_id"] = fcm_subtrader_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_key_id = d.pop("api_key_id")

        name = d.pop("name")

        scopes = cast(list[str], d.pop("scopes"))

        def _parse_subaccount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        subaccount = _parse_subaccount(d.pop("subaccount", UNSET))

        def _parse_fcm_subtrader_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        fcm_subtrader_id = _parse_fcm_subtrader_id(d.pop("fcm_subtrader_id", UNSET))

        api_key = cls(
            api_key_id=api_key_id,
            name=name,
            scopes=scopes,
            subaccount=subaccount,
            fcm_subtrader_id=fcm_subtrader_id,
        )

        api_key.additional_properties = d
        return api_key

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
