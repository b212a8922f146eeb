"""What a new key should be (KeySpec), where its private key goes (Destination), the key that
now exists (NewKey), or what became of it when its making failed part-way (NewKeyError)."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from kalshi_api_keys_client.models.api_key_scope import ApiKeyScope
from kalshi_api_keys_client.types import UNSET, Unset

from ._errors import KalshiError
from ._files import check_writable
from ._redact import shown
from ._signer import KeyType

__all__ = ["Destination", "KeySpec", "NewKey", "NewKeyError", "NewKeyInterrupted", "NewKeyOutcome"]


@dataclass(frozen=True)
class KeySpec:
    """What the new key should be: name, scopes (None: Kalshi's default), sub-account or FCM
    subtrader binding (at most one of the two).

    Scopes are plain strings: a rotated key keeps even scopes newer than this SDK's list.
    """

    name: str
    scopes: tuple[str, ...] | None = None
    subaccount: int | None = None
    fcm_subtrader_id: str | None = None
    #: None: RSA when we make the pair, Kalshi's default (also RSA) when Kalshi makes it.
    key_type: KeyType | None = None

    def wire_scopes(self) -> list[ApiKeyScope] | Unset:
        # Unknown scopes go through unchanged for the server to judge (see the class doc).
        return cast(list[ApiKeyScope], list(self.scopes)) if self.scopes else UNSET

    def describe(self) -> str:
        scopes = ",".join(self.scopes) if self.scopes else "read,write (default)"
        sub = "" if self.subaccount is None else f", sub-account {self.subaccount}"
        fcm = "" if self.fcm_subtrader_id is None else f", FCM subtrader {self.fcm_subtrader_id}"
        return f"{shown(self.name)}, scopes {scopes}{sub}{fcm}"

    def wire_binding(self) -> dict[str, Any]:
        """The sub-account and FCM subtrader fields of a create or generate request."""
        return {
            "subaccount": UNSET if self.subaccount is None else self.subaccount,
            "fcm_subtrader_id": UNSET if self.fcm_subtrader_id is None else self.fcm_subtrader_id,
        }


@dataclass(frozen=True)
class NewKey:
    """A key that now exists on the server, and where its private key is stored."""

    api_key_id: str
    path: Path
    how: Literal["register", "generate"]
    key_type: str = "rsa"
    #: Kalshi's warning about the new key (an FCM subtrader lacking a risk control), if any.
    warning: str | None = None


@dataclass(frozen=True)
class Destination:
    """Where a new private key goes: ``file``, or ``kalshi-<key id>.pem`` in ``directory``."""

    file: Path | None
    directory: Path

    @classmethod
    def of(cls, out: Path | None, default_directory: Path) -> Destination:
        if out is None:
            return cls(None, default_directory.expanduser().absolute())
        out = out.expanduser().absolute()  # messages name the file unmistakably
        return cls(out, out.parent)

    def check(self) -> None:
        """Refuse now, before any key exists, if the private key could not be written later."""
        check_writable(self.file or self.directory / f"kalshi-probe-{uuid.uuid4().hex}.pem")

    def pending(self) -> Path:
        """Where a key made here waits for its ID: the asked-for file itself, else a dated,
        visible ``kalshi-pending-*.pem`` that a person can recognise if it is left behind."""
        if self.file is not None:
            return self.file
        stamp = time.strftime("%Y%m%dT%H%M%S")
        return self.directory / f"kalshi-pending-{stamp}-{uuid.uuid4().hex[:6]}.pem"

    def path_for(self, api_key_id: str) -> Path:
        """The key's file: ``file``, or ``kalshi-<id>.pem`` if the ID is safe in a file name
        (it comes from the server), else a ``kalshi-pending-*`` name."""
        if self.file is not None:
            return self.file
        if api_key_id in {".", ".."} or not re.fullmatch(r"[A-Za-z0-9._-]{1,128}", api_key_id):
            return self.pending()
        return self.directory / f"kalshi-{api_key_id}.pem"


#: What became of a new key whose making failed part-way (see :class:`NewKeyError`).
NewKeyOutcome = Literal["not_made", "withdrawn", "kept", "held", "unknown"]


class NewKeyError(KalshiError):
    """Making a new key failed after Kalshi may have acted; ``outcome`` says what is left:

    - ``"not_made"``: no new key exists (the account's keys were checked);
    - ``"withdrawn"``: the new key ``api_key_id`` was deleted again, since its private key
      could not be kept; nothing is left behind;
    - ``"kept"``: the key may exist (``api_key_id`` if it was found) and its private key is
      saved at ``private_key_path``;
    - ``"held"``: the key ``api_key_id`` is live, its private key could be neither saved nor
      the key deleted: the PEM is in ``private_key_pem`` (never in the message or repr) for
      the caller to store now;
    - ``"unknown"``: the key may exist and Kalshi could not be asked; the message says how to
      find it (its name, and the IDs that existed before).

    ``interrupted`` is True when Ctrl-C (or SIGTERM) stopped the making; the CLI exits 130.
    """

    def __init__(
        self,
        message: str,
        *,
        outcome: NewKeyOutcome,
        api_key_id: str | None = None,
        private_key_path: Path | None = None,
        private_key_pem: bytes | None = None,
        interrupted: bool = False,
    ) -> None:
        super().__init__(message)
        self.outcome: NewKeyOutcome = outcome
        self.api_key_id = api_key_id
        self.private_key_path = private_key_path
        self.private_key_pem = private_key_pem
        self.interrupted = interrupted

    @classmethod
    def of(
        cls,
        message: str,
        *,
        outcome: NewKeyOutcome,
        interrupted: bool = False,
        **fields: Any,
    ) -> NewKeyError:
        """The error, a :class:`NewKeyInterrupted` (also a ``KeyboardInterrupt``) if
        ``interrupted``."""
        kind = NewKeyInterrupted if interrupted else cls
        return kind(message, outcome=outcome, interrupted=interrupted, **fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.args[0]!r}, outcome={self.outcome!r})"


class NewKeyInterrupted(NewKeyError, KeyboardInterrupt):
    """A :class:`NewKeyError` caused by Ctrl-C (or SIGTERM): still a ``KeyboardInterrupt``, so
    code that stops on interrupts stops, and told what became of the new key."""
