"""Secret files: written atomically with mode 0600, never over an existing file unless asked.

Through kalshi-keys (symlinked outputs, keygen's pairs): tests/cli/test_cli_keyfiles.py.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from kalshi_auth import (
    KalshiError,
)
from kalshi_auth._files import FileExistsRefusedError, check_writable, write_secret_file


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_writes_0600_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = write_secret_file(tmp_path / "key.pem", b"secret")
    assert target.read_bytes() == b"secret"
    assert mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]


def test_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsRefusedError, match="refusing to overwrite"):
        write_secret_file(target, b"new")
    assert target.read_bytes() == b"old"
    write_secret_file(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new" and mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]


def test_check_writable_fails_early_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KalshiError, match="does not exist"):
        check_writable(tmp_path / "missing-dir" / "key.pem")
    with pytest.raises(KalshiError, match="is a directory"):
        check_writable(tmp_path, overwrite=True)
    assert check_writable(tmp_path / "fresh.pem") == tmp_path / "fresh.pem"


def test_read_key_file_reads_a_regular_file(tmp_path: Path) -> None:
    from kalshi_auth._files import read_key_file

    path = tmp_path / "k.pem"
    path.write_bytes(b"key bytes")
    assert read_key_file(path) == b"key bytes"


def test_read_key_file_never_hangs_on_what_never_ends_or_never_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kalshi_auth import _files
    from kalshi_auth._files import KEY_FILE_LIMIT, read_key_file

    monkeypatch.setattr(_files, "PIPE_WAIT", 0.2)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=r"nothing arrived for 0\.2 s"):
        read_key_file(fifo)  # no writer: given up on, not waited on for ever
    with pytest.raises(OSError, match="not a key file"):
        read_key_file(Path("/dev/zero"))  # never ends: cut off at the limit
    with pytest.raises(OSError, match="a directory"):
        read_key_file(tmp_path)
    big = tmp_path / "big.pem"
    big.write_bytes(b"A" * (KEY_FILE_LIMIT + 1))
    with pytest.raises(OSError, match="not a key file"):
        read_key_file(big)


def test_read_key_file_reads_a_pipe_with_a_writer(tmp_path: Path) -> None:
    """What `--key-file <(pass show kalshi)` gives: a pipe whose writer is still writing."""

    from kalshi_auth._files import read_key_file

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write_slowly() -> None:
        with open(fifo, "wb") as writer:
            writer.write(b"first half, ")
            writer.flush()
            time.sleep(0.3)
            writer.write(b"second half")

    thread = threading.Thread(target=write_slowly)
    thread.start()
    try:
        time.sleep(0.1)  # the writer has the FIFO open
        assert read_key_file(fifo) == b"first half, second half"
    finally:
        thread.join()


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_the_target_is_refused_not_followed(tmp_path: Path, dangling: bool) -> None:
    """Failed before: a symlink planted at the target was followed and written through."""
    elsewhere = tmp_path / "elsewhere.pem"
    if not dangling:
        elsewhere.write_bytes(b"keep me")
    (tmp_path / "key.pem").symlink_to(elsewhere)
    with pytest.raises(FileExistsRefusedError, match="symbolic link"):
        write_secret_file(tmp_path / "key.pem", b"secret")
    assert elsewhere.exists() is not dangling
    if not dangling:
        assert elsewhere.read_bytes() == b"keep me"


def test_without_hard_links_the_file_is_still_written_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: without hard links the key could not be saved. Such a file system cannot be
    made here, so os.link is made to fail as it does on one."""

    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = write_secret_file(tmp_path / "key.pem", b"secret")
    assert target.read_bytes() == b"secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]
    with pytest.raises(FileExistsRefusedError):
        write_secret_file(tmp_path / "key.pem", b"other")
    assert target.read_bytes() == b"secret"


def test_the_directory_is_synced_after_the_key_is_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the directory was not synced, so a saved key could vanish in a power loss."""
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_secret_file(tmp_path / "key.pem", b"secret")
    assert synced == [False, True]  # the file's data, then the directory entry
