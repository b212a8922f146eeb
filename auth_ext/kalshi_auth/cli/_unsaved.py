"""What kalshi-keys says when a new key's making failed part-way (the SDK's NewKeyError)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .._keyspec import NewKeyError
from ._console import CommandError, Console, Interrupted

__all__ = ["new_key_failures"]


@contextlib.contextmanager
def new_key_failures(console: Console) -> Iterator[None]:
    """Turn a :class:`NewKeyError` into the command's failure (exit 1, or 130 if interrupted);
    a private key that could be kept nowhere else is printed once, here, and only here."""
    try:
        yield
    except NewKeyError as exc:
        stop = Interrupted if exc.interrupted else CommandError
        pem = exc.private_key_pem
        if pem is None:
            raise stop(str(exc)) from None
        console.say(
            f"WARNING: {exc}. Its private key is printed below ONCE; store it now, Kalshi "
            "cannot show it again."
        )
        console.out(pem.decode("ascii").rstrip("\n"), reveal=True)  # the one deliberate print
        raise stop(
            f"could not save the private key of the new key {exc.api_key_id}; it was printed above"
        ) from None
