"""kalshi-keys and the fake-exchange command under interrupts, hostile input and odd answers."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import create_api_key, delete_api_key, generate_api_key
from kalshi_auth import _newkey, load_private_key
from kalshi_auth.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, _handlers, _rotate, main
from kalshi_auth.testing import FakeResponse

from ..cli_support import BIN, Shell, files_in, minimal_env

INTERRUPTED = 130


def interrupt_after(original: Callable[..., Any]) -> Callable[..., Any]:
    """The call goes through (Kalshi acts on it), then Ctrl-C lands before the answer is used."""

    def call(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        raise KeyboardInterrupt

    return call


def interrupt_before(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


def new_keys(shell: Shell) -> list[Any]:
    return [k for k in shell.exchange.keys if k.api_key_id != shell.key.api_key_id]


def same_key(private_file: Path, public: Any) -> bool:
    from cryptography.hazmat.primitives import serialization

    spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    mine: bytes = load_private_key(private_file).public_key().public_bytes(*spki)
    return bool(mine == public.public_bytes(*spki))


# -- 1. interrupts never lose a key ----------------------------------------------------------


@pytest.mark.parametrize("out", [["--out", "mine.pem"], []], ids=["out", "default-name"])
def test_register_interrupted_while_waiting_keeps_the_key_where_it_says(
    shell: Shell, monkeypatch: pytest.MonkeyPatch, out: list[str]
) -> None:
    monkeypatch.setattr(
        create_api_key, "_parse_response", interrupt_after(create_api_key._parse_response)
    )
    result = shell.run("register", "--name", "bot-2", *out)
    assert result.code == INTERRUPTED
    (made,) = new_keys(shell)  # Kalshi made it
    (kept,) = [p for p in shell.home.glob("*.pem") if p.name not in {"bot.pem"}]
    assert str(kept) in result.err and "interrupted" in result.err
    assert same_key(kept, made.public_key)  # the file named holds the live key's private half
    if out:
        assert kept.name == "mine.pem"  # under the name asked for
    else:
        assert kept.name.startswith("kalshi-pending-")


def test_register_interrupted_before_sending_names_the_file_too(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(create_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("register", "--name", "bot-2", "--out", "mine.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == []
    assert str(shell.home / "mine.pem") in result.err and "may or may not" in result.err


def test_generate_interrupted_while_waiting_withdraws_the_orphan(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        generate_api_key, "_parse_response", interrupt_after(generate_api_key._parse_response)
    )
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == []  # the key whose private half never arrived is gone again
    assert "deleted again" in result.err
    assert not (shell.home / "gen.pem").exists()


def test_generate_interrupted_before_kalshi_made_anything(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert "no key was made" in result.err and new_keys(shell) == []


def test_generate_interrupted_while_saving_withdraws_the_key(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_newkey, "write_secret_file", interrupt_before)
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == [] and "deleted again on the server" in result.err
    assert files_in(shell.home) == {"bot.pem"}


def test_rotate_interrupted_during_the_proof_withdraws_the_new_key(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_rotate, "_prove", interrupt_before)
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == [] and not (shell.home / "next.pem").exists()
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)
    assert "old key is unchanged" in result.err


def test_rotate_interrupted_while_deleting_the_old_key_says_where_the_new_one_is(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delete_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    (new,) = new_keys(shell)
    assert shell.authenticates(new.api_key_id, shell.home / "next.pem")
    assert str(shell.home / "next.pem") in result.err


def test_sigterm_is_handled_like_ctrl_c(shell: Shell) -> None:
    other = shell.exchange.add_key(name="other")
    process = subprocess.Popen(
        [str(BIN / "kalshi-keys"), "--base-url", shell.base_url, "delete", other.api_key_id],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**minimal_env(), **shell.env}, cwd=shell.home,
    )  # fmt: skip
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    seen = b""
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        seen += os.read(process.stderr.fileno(), 4096)  # the confirmation prompt: it waits
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == INTERRUPTED
    assert b"kalshi-keys: error: interrupted" in seen + err and b"Traceback" not in seen + err
    assert other.api_key_id in {k.api_key_id for k in shell.exchange.keys}


# -- 2. one line, never a traceback ----------------------------------------------------------


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


# -- 3. hostile text stays inert -------------------------------------------------------------


def test_server_sent_error_text_is_escaped(shell: Shell) -> None:
    def hostile(method: str, path: str, response: FakeResponse) -> FakeResponse:
        body = json.dumps({"code": "bad", "message": "no\x1b]0;pwned\x07\x1b[2J"}).encode()
        return FakeResponse(400, body, {"Content-Type": "application/json"})

    shell.exchange.after("POST", "/api_keys/generate", hostile)
    result = shell.run("generate", "--name", "g", "--out", "g.pem")
    assert result.code == EXIT_ERROR
    assert "\x1b" not in result.text and "\x07" not in result.text
    assert "\\x1b]0;pwned" in result.err


def test_a_hostile_key_id_from_the_server_cannot_run_a_command(shell: Shell) -> None:
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
    result = shell.run(*argv)
    assert result.code == EXIT_USAGE and "key ID" in result.err
    assert shell.exchange.requests == []


# -- 4. paths are taken as given -------------------------------------------------------------


@pytest.mark.parametrize("dangling", [True, False])
@pytest.mark.parametrize("command", [["generate", "--name", "g"], ["register", "--name", "r"],
                                     ["keygen"]])  # fmt: skip
def test_an_output_symlink_is_refused_not_followed(
    shell: Shell, command: list[str], dangling: bool
) -> None:
    target = shell.home / "elsewhere.pem"
    if not dangling:
        target.write_text("keep")
    (shell.home / "out.pem").symlink_to(target)
    result = shell.run(*command, "--out", "out.pem")
    assert result.code == EXIT_ERROR and "symbolic link" in result.err
    assert shell.exchange.requests == []
    assert target.exists() is not dangling
    assert ".tmp" not in result.err and "pending" not in result.err


# -- 5. the flow closes ----------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_keygens_advice_registers_the_pair_it_made(shell: Shell, key_type: str) -> None:
    made = shell.run("keygen", "--out", "k.pem", "--key-type", key_type)
    (advice,) = [line for line in made.err.splitlines() if "kalshi-keys register" in line]
    argv = shlex.split(advice.split("Register it with: ", 1)[1].split("  (", 1)[0])[1:]
    argv[argv.index("NAME")] = "from-keygen"
    result = shell.run(*argv)
    assert result.code == EXIT_OK, result.err
    (new,) = new_keys(shell)
    assert new.name == "from-keygen" and new.key_type == key_type
    assert same_key(shell.home / "k.pem", new.public_key)
    assert f"export KALSHI_PRIVATE_KEY_PATH={shell.home / 'k.pem'}" in result.out
    assert files_in(shell.home) == {"bot.pem", "k.pem", "k.pem.pub"}  # nothing new written


def test_register_public_key_refuses_a_private_key_file(shell: Shell) -> None:
    result = shell.run("register", "--name", "x", "--public-key", "bot.pem")
    assert result.code == EXIT_ERROR and "pass its .pub file" in result.err
    assert shell.exchange.requests == []


def test_an_encrypted_key_files_password_from_a_named_variable(shell: Shell) -> None:
    env = {**shell.env, "PW": "s3cret-pass"}
    assert shell.run("keygen", "--out", "enc.pem", "--passphrase-env", "PW", env=env).code == 0
    registered = shell.run("register", "--name", "enc", "--public-key", "enc.pem.pub")
    new_id = json.loads(shell.run("list", "--json").out)["api_keys"][-1]["api_key_id"]
    assert registered.code == EXIT_OK
    uses = {"KALSHI_API_KEY_ID": new_id, "KALSHI_PRIVATE_KEY_PATH": "enc.pem", "PW": "s3cret-pass"}
    refused = shell.run("whoami", env={k: v for k, v in uses.items() if k != "PW"})
    assert refused.code == EXIT_ERROR and "--password-env" in refused.err
    assert shell.run("--password-env", "PW", "whoami", env=uses).code == EXIT_OK


def test_version_and_the_rotate_help_tell_the_truth(shell: Shell) -> None:
    version = subprocess.run([str(BIN / "kalshi-keys"), "--version"], capture_output=True,
                             text=True, check=True)  # fmt: skip
    from kalshi_auth._version import VERSION

    assert version.stdout.startswith(f"kalshi-keys (kalshi-api-keys {VERSION};")
    helped = subprocess.run([str(BIN / "kalshi-keys"), "rotate", "--help"], capture_output=True,
                            text=True, check=True)  # fmt: skip
    assert "exactly the old key's" in " ".join(helped.stdout.split())


# -- 6. timeouts mean the whole command ------------------------------------------------------


@pytest.fixture
def silent() -> Iterator[str]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/trade-api/v2"


def test_timeout_bounds_the_whole_command_retries_included(shell: Shell, silent: str) -> None:
    started = time.monotonic()
    result = shell.run("list", "--base-url", silent, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert result.code == EXIT_ERROR and "Traceback" not in result.err
    # 1 s in all; per attempt it would be 3 attempts of 1 s plus backoff, over 3 s.
    assert elapsed < 2.9, elapsed


# -- 7. diagnosis trusts the server first ----------------------------------------------------


def test_whoami_leads_with_kalshis_reason_and_notes_a_small_skew(shell: Shell) -> None:
    wrong = shell.exchange.add_key(name="decoy")
    assert wrong.private_key_pem is not None
    (shell.home / "decoy.pem").write_bytes(wrong.private_key_pem)
    shell.exchange.clock = lambda: time.time() - 3.0  # 3 s off: inside the 5 s window
    env = {"KALSHI_API_KEY_ID": shell.key.api_key_id, "KALSHI_PRIVATE_KEY_PATH": "decoy.pem"}
    result = shell.run("whoami", env=env)
    assert result.code == EXIT_ERROR
    verdict = result.err.split("Likely cause: ", 1)[1]
    assert verdict.startswith("the private key (decoy.pem) does not belong")
    assert "Also: this machine's clock" in verdict


def test_a_truncated_key_id_is_not_blamed_on_the_environment(shell: Shell) -> None:
    env = {**shell.env, "KALSHI_API_KEY_ID": shell.key.api_key_id[:20]}
    result = shell.run("whoami", env=env)
    assert result.code == EXIT_ERROR
    assert "copied completely" in result.err and "--env" not in result.err


# -- 8. the fake-exchange command ------------------------------------------------------------


def _serve_cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kalshi_auth.testing", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=30, check=False)  # fmt: skip


def test_the_fake_command_reports_ordinary_mistakes_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "taken.pem").write_text("x")
    for argv, says in [
        (["--key-out", "taken.pem"], "already exists"),
        (["--key-out", "missing/dir/k.pem"], "does not exist"),
    ]:
        done = _serve_cli(*argv, cwd=tmp_path)
        assert done.returncode == 1 and says in done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = _serve_cli("--port", str(port), "--key-out", "k.pem", cwd=tmp_path)
    assert done.returncode == 1 and "already in use" in done.stderr
    assert not (tmp_path / "k.pem").exists()  # no key file before the port is ours


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_the_fake_commands_exports_are_absolute_and_quoted(tmp_path: Path, host: str) -> None:
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    (tmp_path / "my keys").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "kalshi_auth.testing", "--host", host, "--key-out",
         "my keys/boot.pem"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if host == "::1" and "fake exchange at" not in first:
            pytest.skip("IPv6 loopback is not available on this machine")
        lines = [first.strip()] + [process.stdout.readline().strip() for _ in range(3)]
        base_url = lines[0].removeprefix("fake exchange at ")
        env = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines[1:])
        assert env["KALSHI_PRIVATE_KEY_PATH"] == str(tmp_path / "my keys" / "boot.pem")
        assert env["KALSHI_BASE_URL"] == base_url
        assert "'" in lines[3]  # the space is quoted for the shell
        with httpx2.Client() as http:
            from kalshi_auth import KalshiAuth

            auth = KalshiAuth.from_env(env)
            assert http.get(base_url + "/api_keys", auth=auth).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_the_fake_reads_chunked_bodies_and_refuses_other_methods_in_json(shell: Shell) -> None:
    from kalshi_auth import KalshiAuth

    auth = KalshiAuth.from_pem(shell.key.api_key_id, shell.key_file.read_bytes())

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "chunked",'
        yield b' "scopes": ["read"]}'

    with httpx2.Client(auth=auth) as http:
        made = http.post(shell.base_url + "/api_keys/generate", content=chunks())
        assert made.request.headers.get("Transfer-Encoding") == "chunked"
        assert made.status_code == 201, made.text
        for method in ("TRACE", "OPTIONS", "PUT"):
            refused = http.request(method, shell.base_url + "/api_keys")
            assert refused.status_code == 405 and refused.json()["code"] == "method_not_allowed"
        head = http.head(shell.base_url + "/api_keys")
        assert head.status_code == 405 and head.content == b""


def test_rotate_interrupted_after_kalshi_made_the_key_names_it_by_id(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the advice named the key by its name, which the old key has too."""
    monkeypatch.setattr(
        create_api_key, "_parse_response", interrupt_after(create_api_key._parse_response)
    )
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    (new,) = new_keys(shell)
    assert new.api_key_id in result.err and str(shell.home / "next.pem") in result.err
    assert shell.authenticates(new.api_key_id, shell.home / "next.pem")
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)  # the old key untouched
