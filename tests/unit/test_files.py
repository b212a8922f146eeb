"""Secret files: written atomically with mode 0600, never over an existing file unless asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from kalshi_auth import KalshiError
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
    import threading
    import time

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
