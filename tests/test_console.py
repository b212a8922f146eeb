"""The CLI's one terminal writer (``cli/_console.py``): escaped, scrubbed, encodable.

That no command prints any other way is checked in ``test_layout.py``; what the commands
print is in ``test_cli*.py``.
"""

from __future__ import annotations

import io

from kalshi_auth.cli._console import Console

from .conftest import ed25519_private_pem


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
