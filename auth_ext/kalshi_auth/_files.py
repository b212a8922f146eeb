"""Writing secret files: atomically, mode 0600, never over an existing file unless asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ._errors import KalshiError

__all__ = ["FileExistsRefusedError", "check_writable", "save_private_key", "write_secret_file"]


class FileExistsRefusedError(KalshiError, FileExistsError):
    """The target file exists and overwriting was not requested."""


def check_writable(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Fail now, before any key is made, if ``path`` could not be written later."""
    target = Path(path).expanduser()
    if target.exists() and not overwrite:
        raise FileExistsRefusedError(f"{str(target)!r} already exists; refusing to overwrite it")
    if target.is_dir():
        raise KalshiError(f"{str(target)!r} is a directory; give a file path")
    parent = target.parent
    if not parent.is_dir():
        raise KalshiError(f"directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KalshiError(f"directory {str(parent)!r} is not writable by this user")
    return target


def write_secret_file(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False, mode: int = 0o600
) -> Path:
    """Write ``data`` to ``path`` atomically with ``mode``: a crash leaves no partial file.

    The temporary file is created 0600 in the same directory, fsynced, then linked (no
    overwrite) or renamed (overwrite) into place.
    """
    target = check_writable(path, overwrite=overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if target appeared meanwhile: no silent overwrite
            except FileExistsError:
                raise FileExistsRefusedError(
                    f"{str(target)!r} already exists; refusing to overwrite it"
                ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return target


def save_private_key(path: str | os.PathLike[str], pem: str | bytes) -> Path:
    """Store a private key (e.g. ``GenerateApiKeyResponse.private_key``) at ``path``: atomically,
    mode 0600, never over an existing file (FileExistsRefusedError). Returns the path written."""
    return write_secret_file(path, pem.encode("ascii") if isinstance(pem, str) else pem)
