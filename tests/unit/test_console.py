"""The CLI's one terminal writer (``cli/_console.py``): escaped, scrubbed, encodable.

That no command prints any other way is checked in ``test_layout.py``; what the commands
print is in ``test_cli*.py``, failures and server text in tests/cli/test_cli_output.py.
"""

from __future__ import annotations

import io
import shlex
import subprocess

import pytest
from kalshi_auth.cli._console import Console

from ..cli_support import BIN, Shell, minimal_env
from ..conftest import ed25519_private_pem


def narrow(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")


def written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode(stream.encoding)


def test_a_stream_that_cannot_encode_a_name_gets_backslash_escapes() -> None:
    """Failed before: 'unexpected UnicodeEncodeError; this is a bug' on a cp1252 pipe."""
    for encoding in ("cp1252", "ascii"):
        out = narrow(encoding)
        Console(stdout=out, stderr=narrow(encoding)).out("bot \u2603 \u540d")
        assert written(out) == "bot \\u2603 \\u540d\n"


def test_terminal_controls_and_bidi_marks_are_escaped_everywhere() -> None:
    out, err = io.StringIO(), io.StringIO()
    console = Console(stdout=out, stderr=err, stdin=io.StringIO("n\n"))
    hostile = "read\x1b]0;pwned\x07,write\x1b[2J \u202eevil"
    console.out(hostile)
    console.say(hostile)
    console.confirm(f"Delete key 1 (scopes {hostile})?")
    console.table(["SCOPES"], [[hostile]])
    for text in (out.getvalue(), err.getvalue()):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\\x1b" in text


def test_key_material_is_scrubbed_unless_revealed_on_purpose() -> None:
    pem = ed25519_private_pem()
    out, err = io.StringIO(), io.StringIO()
    console = Console(stdout=out, stderr=err)
    console.say(f"argument --key-file: {pem!r}")
    assert pem.splitlines()[1] not in err.getvalue() and "not shown" in err.getvalue()
    console.out(pem.rstrip("\n"), reveal=True)  # the one deliberate print: the key, whole
    assert out.getvalue() == pem


@pytest.mark.parametrize("closed", [">&-", "2>&-"], ids=["stdout", "stderr"])
@pytest.mark.parametrize(
    ("argv", "status"),
    [(["--version"], 0), (["list"], 0), (["whoami"], 0), (["delete", "no-such-key", "--yes"], 1)],
    ids=["version", "list", "whoami", "failing"],
)
def test_a_closed_stream_changes_nothing_but_what_is_seen(
    shell: Shell, closed: str, argv: list[str], status: int
) -> None:
    """Failed before: with stdout closed a successful command exited 1 with a traceback; with
    stderr closed, one that says progress on stderr exited 1 silently."""
    command = " ".join(shlex.quote(part) for part in [str(BIN / "kalshi-keys"), "--base-url",
                                                       shell.base_url, *argv])  # fmt: skip
    done = subprocess.run(
        ["bash", "-c", f"{command} {closed}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=shell.home,
        env={**minimal_env(), **shell.env},
    )
    assert done.returncode == status, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if closed == ">&-":
        assert done.stdout == ""
    else:
        assert done.stderr == ""


def test_a_revealed_secret_goes_to_stderr_when_stdout_is_closed() -> None:
    from kalshi_auth.cli import _console

    err = io.StringIO()
    console = Console(stdout=None, stderr=err, stdin=io.StringIO())
    console.stdout = _console._CLOSED
    console.out("result line")
    console.out("the one deliberate print", reveal=True)
    assert err.getvalue() == "the one deliberate print\n"
