"""Key files: read bounded, written atomically with mode 0600, never overwritten unless asked."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from ._errors import KalshiError
from ._redact import shown

_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV}
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

__all__ = [
    "KEY_FILE_LIMIT",
    "PIPE_WAIT",
    "FileExistsRefusedError",
    "check_writable",
    "read_key_file",
    "save_private_key",
    "write_secret_file",
]

#: The most a key file may hold: a 16384-bit RSA key's PEM is about 13 KB.
KEY_FILE_LIMIT = 1 << 20


def read_key_file(path: Path) -> bytes:
    """A key file's bytes, at most ``KEY_FILE_LIMIT`` of them; ``OSError`` (with a
    ``strerror`` fit for a message) for a directory, anything longer, or a pipe that sends
    nothing for ``PIPE_WAIT`` seconds. Never hangs: a FIFO with no writer reads as empty, a
    device that never ends (``/dev/zero``) is cut off at the limit, and a pipe with a writer
    (``--key-file <(pass show kalshi)``) is read as it arrives."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise OSError(errno.EISDIR, "a directory, not a key file")
        data = _read_all(fd) if stat.S_ISREG(mode) else _read_arriving(fd)
    finally:
        os.close(fd)
    if len(data) > KEY_FILE_LIMIT:
        raise OSError(errno.EFBIG, f"larger than {KEY_FILE_LIMIT // 1024} KiB: not a key file")
    return data


#: How long a pipe or device may stay silent before reading it gives up.
PIPE_WAIT = 5.0


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb", closefd=False) as reader:
        return reader.read(KEY_FILE_LIMIT + 1)


def _read_arriving(fd: int) -> bytes:
    """A pipe's or device's bytes until its end or one past the limit, waiting at most
    ``PIPE_WAIT`` seconds for each next piece."""
    import select  # only pipes and devices need it

    chunks: list[bytes] = []
    total = 0
    while total <= KEY_FILE_LIMIT:
        ready, _, _ = select.select([fd], [], [], PIPE_WAIT)
        if not ready:
            raise OSError(errno.ETIMEDOUT, f"nothing arrived for {PIPE_WAIT:g} s from the pipe")
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            continue
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


class FileExistsRefusedError(KalshiError, FileExistsError):
    """The target file exists and overwriting was not requested."""


def check_writable(path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Fail now, before any key is made, if ``path`` could not be written later."""
    target = Path(path).expanduser()
    if target.is_symlink() and not overwrite:
        raise FileExistsRefusedError(
            f"{shown(target)} is a symbolic link; refusing to write a key through it"
        )
    if target.exists() and not overwrite:
        raise FileExistsRefusedError(f"{shown(target)} already exists; refusing to overwrite it")
    if target.is_dir():
        raise KalshiError(f"{shown(target)} is a directory; give a file path")
    parent = target.parent
    if not parent.is_dir():
        raise KalshiError(f"directory {shown(parent)} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KalshiError(f"directory {shown(parent)} is not writable by this user")
    return target


def write_secret_file(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False, mode: int = 0o600
) -> Path:
    """Write ``data`` to ``path`` atomically with ``mode``: a crash leaves no partial file.

    The data goes to a file that has no name yet (``O_TMPFILE``; elsewhere a 0600 temporary
    name in the same directory), is fsynced, gets its mode through its descriptor, and is then
    linked into place, which fails rather than replace or follow anything at ``path`` (a
    symlink planted there included). On a file system without hard links the name is
    reserved with ``O_EXCL | O_NOFOLLOW`` and the file renamed over its own placeholder. The
    directory is fsynced last, so a saved key survives a power loss.
    """
    target = check_writable(path, overwrite=overwrite)
    directory = target.parent
    if not overwrite:
        fd = _unnamed_file(directory)
        if fd is not None:
            try:
                _fill(fd, data, mode)
                _link_descriptor(fd, target)
            except FileExistsError:
                raise _exists(target) from None
            except OSError:
                pass  # no /proc, or no hard links here: the named way below
            else:
                _sync_directory(directory)
                return target
            finally:
                os.close(fd)
    import tempfile  # only writers need it: reading a key file stays cheap

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        try:
            _fill(fd, data, mode)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_or_claim(tmp, target, mode)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _sync_directory(directory)
    return target


def _unnamed_file(directory: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag:
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return None  # not supported by this file system


def _link_descriptor(fd: int, target: Path) -> None:
    """Give the unnamed file behind ``fd`` the name ``target``; EEXIST if the name is taken.

    A directory descriptor makes os.link use linkat(AT_SYMLINK_FOLLOW), which follows the
    /proc/self/fd link to the file itself (plain link() would not).
    """
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", target.name, dst_dir_fd=directory, follow_symlinks=True)
    finally:
        os.close(directory)


def _fill(fd: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.fsync(fd)
    os.fchmod(fd, mode)


def _link_or_claim(tmp: str, target: Path, mode: int) -> None:
    try:
        os.link(tmp, target)  # fails if target appeared meanwhile: no silent overwrite
        return
    except FileExistsError:
        raise _exists(target) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # No hard links here (FAT, some network and FUSE file systems): claim the name, then
    # rename the finished file over that empty placeholder of ours.
    try:
        claim = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, mode)
    except FileExistsError:
        raise _exists(target) from None
    os.close(claim)
    os.replace(tmp, target)


def _exists(target: Path) -> FileExistsRefusedError:
    return FileExistsRefusedError(f"{shown(target)} already exists; refusing to overwrite it")


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def save_private_key(path: str | os.PathLike[str], pem: str | bytes) -> Path:
    """Store a private key (e.g. ``GenerateApiKeyResponse.private_key``) at ``path``: atomically,
    mode 0600, never over an existing file (FileExistsRefusedError). Returns the path written."""
    return write_secret_file(path, pem.encode("ascii") if isinstance(pem, str) else pem)
