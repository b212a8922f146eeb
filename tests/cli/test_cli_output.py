"""What kalshi-keys shows (cli/_app, _console through _handlers): one line per failure, never a
traceback; text from a server inert; shell lines quoted. The writer alone:
tests/unit/test_console.py."""

from __future__ import annotations

import json
import shlex
import subprocess
from typing import Any

import pytest
from kalshi_auth.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, _handlers, main
from kalshi_auth.testing import FakeResponse

from ..cli_support import BIN, Shell, minimal_env


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--base-url", "http://[::1/trade-api/v2", "list"], EXIT_USAGE),
        (["--base-url", "http://127.0.0.1:99999/trade-api/v2", "list"], EXIT_USAGE),
        (["--timeout", "inf", "list"], EXIT_USAGE),
        (["--timeout", "nan", "list"], EXIT_USAGE),
        (["--timeout", "1e309", "list"], EXIT_USAGE),
    ],
)
def test_malformed_input_is_one_line(shell: Shell, argv: list[str], code: int) -> None:
    """Failed before: each ended in a traceback."""
    out, err = _run_raw(shell, argv)
    assert code == out[0]
    assert "Traceback" not in err and err.count("kalshi-keys: error:") == 1


def _run_raw(shell: Shell, argv: list[str]) -> tuple[tuple[int], str]:
    import io

    from kalshi_auth.cli._console import Console

    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(argv, environ=shell.env, console_factory=lambda: Console(stdout, stderr))
    return (code,), stderr.getvalue()


def test_an_html_success_answer_is_one_line(shell: Shell) -> None:
    """Failed before: a captive portal's HTML on a 200 ended in a traceback."""

    def portal(method: str, path: str, response: FakeResponse) -> FakeResponse:
        return FakeResponse(
            200, b"<html>Sign in to the hotel wifi</html>", {"Content-Type": "text/html"}
        )

    shell.exchange.after("GET", "/api_keys", portal)
    result = shell.run("list")
    assert result.code == EXIT_ERROR
    assert "not Kalshi's JSON" in result.err and "Traceback" not in result.err


def test_something_unexpected_is_one_line_and_debug_shows_the_traceback(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: there was no last-resort handler and no --debug."""

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(_handlers, "list_", broken)
    result = shell.run("list")
    assert result.code == EXIT_ERROR
    assert "unexpected ValueError" in result.err and "--debug" in result.err
    assert "Traceback" not in result.err
    debug = shell.run("--debug", "list")
    assert "Traceback" in debug.err and "a bug" in debug.err


def test_a_closed_stdout_ends_quietly(shell: Shell) -> None:
    """Failed before: ``kalshi-keys list | head -1`` ended with "Broken pipe"."""
    for number in range(300):
        shell.exchange.add_key(name=f"bulk-{number}")
    command = " ".join(shlex.quote(p) for p in [str(BIN / "kalshi-keys"), "--base-url",
                                                shell.base_url, "list"])  # fmt: skip
    done = subprocess.run(
        ["bash", "-c", f"{command} | head -1"], capture_output=True, text=True, timeout=60,
        env={**minimal_env(), **shell.env}, cwd=shell.home, check=False,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stdout.count("\n") == 1
    assert "Broken pipe" not in done.stderr and "Traceback" not in done.stderr


def test_server_sent_error_text_is_escaped(shell: Shell) -> None:
    """Text from a server reaches the terminal escaped, never as control sequences."""

    def hostile(method: str, path: str, response: FakeResponse) -> FakeResponse:
        body = json.dumps({"code": "bad", "message": "no\x1b]0;pwned\x07\x1b[2J"}).encode()
        return FakeResponse(400, body, {"Content-Type": "application/json"})

    shell.exchange.after("POST", "/api_keys/generate", hostile)
    result = shell.run("generate", "--name", "g", "--out", "g.pem")
    assert result.code == EXIT_ERROR
    assert "\x1b" not in result.text and "\x07" not in result.text
    assert "\\x1b]0;pwned" in result.err


def test_a_hostile_key_id_from_the_server_cannot_run_a_command(shell: Shell) -> None:
    """The export lines printed for a key ID from the server are quoted: pasted, they run
    nothing."""
    marker = shell.home / "PWNED"

    def hostile(method: str, path: str, response: FakeResponse) -> FakeResponse:
        answer = json.loads(response.body)
        answer["api_key_id"] = f"$(touch {marker})`touch {marker}`;touch {marker}"
        return FakeResponse(201, json.dumps(answer).encode(), {"Content-Type": "application/json"})

    shell.exchange.after("POST", "/api_keys", hostile)
    result = shell.run("register", "--name", "r")
    exports = [line.strip() for line in result.out.splitlines() if "export " in line]
    assert result.code == EXIT_OK, result.err
    assert len(exports) == 2
    subprocess.run(["bash", "-c", "\n".join(exports)], check=True, cwd=shell.home)
    assert not marker.exists()
    saved = [p for p in shell.home.glob("*.pem") if p.name != "bot.pem"]
    assert [p.name.startswith("kalshi-pending-") for p in saved] == [True]  # not a path from it


@pytest.mark.parametrize("argv", [["delete", "."], ["delete", ".."], ["delete", ""],
                                  ["delete", "a/b"], ["--key-id", "../etc", "list"]])  # fmt: skip
def test_impossible_key_ids_on_the_command_line_are_refused_first(
    shell: Shell, argv: list[str]
) -> None:
    """Failed before: ``.``, ``..``, an empty ID or one with ``/`` reached a request."""
    result = shell.run(*argv)
    assert result.code == EXIT_USAGE and "key ID" in result.err
    assert shell.exchange.requests == []


def test_version_and_the_rotate_help_tell_the_truth(shell: Shell) -> None:
    """Failed before: there was no --version, and rotate's help misstated the default scopes."""
    version = subprocess.run([str(BIN / "kalshi-keys"), "--version"], capture_output=True,
                             text=True, check=True)  # fmt: skip
    from kalshi_auth._version import VERSION

    assert version.stdout.startswith(f"kalshi-keys (kalshi-api-keys {VERSION};")
    helped = subprocess.run([str(BIN / "kalshi-keys"), "rotate", "--help"], capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert "exactly the old key's" in " ".join(helped.stdout.split())
