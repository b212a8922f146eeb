from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="GenerateApiKeyResponse")


@_attrs_define
class GenerateApiKeyResponse:
    """
    Attributes:
        api_key_id (str): Unique identifier for the newly generated API key
        private_key (str): The private key as PEM: PKCS#1 (a `BEGIN RSA PRIVATE KEY` block) for an `rsa` key, PKCS#8 (a
            `BEGIN PRIVATE KEY` block) for an `ed25519` key. Store it safely: it is shown in this response only and cannot
            be fetched again.
        key_type (str | Unset): The key's signature algorithm (an ApiKeyType value: `rsa` or `ed25519`).
        warning (None | str | Unset): Set only when the new key is bound to an FCM subtrader that lacks one of its risk
            controls (the initial-margin cap for margin trading, or the daily cap for event contracts). The key is still
            made; the text names each missing control. Until a daily cap is set, the subtrader's event-contract orders are
            rejected; without an initial-margin cap, only the firm-level limits bound its margin.
    """

    api_key_id: str
    private_key: str
    key_type: str | Unset = UNSET
    warning: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_key_id = self.api_key_id

        private_key = self.private_key

        key_type = self.key_type

        warning: None | str | Unset
        if isinstance(self.warning, Unset):
            warning = UNSET
        else:
            warning = self.warning

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_key_id": api_key_id,
                "private_key": private_key,
            }
        )
        if key_type is not UNSET:
            field_dict["key_type"] = key_type
        if warning is not UNSET:
            field_dict["warning"] = warning

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        api_key_id = d.pop("api_key_id")

        private_key = d.pop("private_key")

        key_type = d.pop("key_type", UNSET)

        def _parse_warning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        warning = _parse_warning(d.pop("warning", UNSET))

        generate_api_key_response = cls(
            api_key_id=api_key_id,
            private_key=private_key,
            key_type=key_type,
            warning=warning,
        )

        generate_api_key_response.additional_properties = d
        return generate_api_key_response

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
