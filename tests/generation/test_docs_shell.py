"""The shell blocks of the README, CONTRIBUTING.md and every docs page: each session runs as
written against a fake exchange, twice, and leaves no key behind; each set-up command names a
make target or an extra that exists. The Python blocks: test_docs_examples.py.

How a page writes a session (CONTRIBUTING.md, "Examples in the docs"): a ``console`` block is
``$ `` commands, each followed by lines it prints (every line shown must be printed; lines may
be left out); an ``sh`` block is commands only. ``/home/me`` is the directory the session runs
in, also its HOME; ``PORT`` is the fake's port; ``6a1f0c2e-...`` is a key ID shortened. The
first line that shows a shortened ID binds it to the ID printed there, and a later command that
uses it gets that ID, as a reader would copy it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from kalshi_auth import KeyLoadError, load_private_key
from kalshi_auth.testing import FakeExchange, serve

from ..cli_support import BIN, minimal_env
from ..docs_support import ROOT, CodeBlock, code_blocks
from ..pkcs11_support import Token

SHORT_ID = re.compile(r"\b([0-9a-f]{8})-\.\.\.")
KEY_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
HOME = "/home/me"
SESSION_COMMANDS = ("kalshi-keys ", "python -m kalshi_auth.testing ", "export ", "#")
SETUP_COMMANDS = ("make ", "pip install ")


@dataclass
class Step:
    command: str
    shown: list[str] = field(default_factory=list)


def steps(block: CodeBlock) -> list[Step]:
    """A console block's commands with the lines shown after each; an sh block's commands."""
    found: list[Step] = []
    for line in block.text.splitlines():
        if block.lang == "console":
            if line.startswith("$ "):
                found.append(Step(line[2:]))
            elif line.strip():
                assert found, f"{block.where}: output shown before any command"
                found[-1].shown.append(line)
        elif line.strip() and not line.startswith("#"):
            found.append(Step(line))
    return found


BLOCKS = code_blocks("console", "sh")
SESSIONS = [b for b in BLOCKS if all(s.command.startswith(SESSION_COMMANDS) for s in steps(b))]
SETUPS = [b for b in BLOCKS if all(s.command.startswith(SETUP_COMMANDS) for s in steps(b))]


def test_every_shell_command_is_run_or_checked() -> None:
    for block in BLOCKS:
        if block not in SESSIONS and block not in SETUPS:
            known = SESSION_COMMANDS + SETUP_COMMANDS
            unknown = [s.command for s in steps(block) if not s.command.startswith(known)]
            pytest.fail(
                f"{block.where}: a block mixes sessions and set-up, or runs a command this test "
                f"cannot run: {unknown}; teach the test or split the block"
            )
    assert len(SESSIONS) >= 5 and len(SETUPS) >= 3


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))


def _extras() -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return set(project["optional-dependencies"])


@pytest.mark.parametrize("block", SETUPS, ids=lambda b: b.where)
def test_each_set_up_command_names_what_exists(block: CodeBlock) -> None:
    """make and pip are not run here (CI runs ``make generate``, ``make test`` and the rest from
    a clean clone); what they name must exist, so a renamed target or extra breaks this."""
    for step in steps(block):
        words = shlex.split(step.command, comments=True)
        if words[0] == "make":
            targets = [w for w in words[1:] if "=" not in w]
            assert targets and set(targets) <= _make_targets(), f"{block.where}: {step.command}"
        else:
            for spec in words[2:]:
                extras = re.fullmatch(r"[^\[]+(?:\[([\w,-]+)\])?", spec)
                assert extras is not None, f"{block.where}: {spec}"
                named = set(filter(None, (extras.group(1) or "").split(",")))
                assert named <= _extras(), f"{block.where}: no such extra in {spec}"


class Session:
    """One run of a block: the environment it runs in and the values its output bound."""

    def __init__(self, block: CodeBlock, home: Path, env: dict[str, str], port: str | None):
        self.block, self.home, self.env = block, home, dict(env)
        self.bound: dict[str, str] = {} if port is None else {"PORT": port}

    def expand(self, command: str) -> str:
        def key_id(match: re.Match[str]) -> str:
            assert match.group(1) in self.bound, (
                f"{self.block.where}: {match.group(0)} is used before a line shows it"
            )
            return self.bound[match.group(1)]

        command = SHORT_ID.sub(key_id, command).replace(HOME, str(self.home))
        return command.replace("PORT", self.bound.get("PORT", "PORT"))

    def pattern(self, shown: str) -> tuple[re.Pattern[str], list[str]]:
        """A regex for a shown line, and the names its groups bind."""
        parts: list[str] = []
        names: list[str] = []
        for piece in re.split(r"(\b[0-9a-f]{8}-\.\.\.|PORT|/home/me)", shown):
            name = piece[:8] if SHORT_ID.fullmatch(piece) else piece
            if piece == HOME:
                parts.append(re.escape(str(self.home)))
            elif name in self.bound:
                parts.append(re.escape(self.bound[name]))
            elif name in names:
                parts.append(f"(?P=g{names.index(name)})")
            elif piece in ("PORT",) or SHORT_ID.fullmatch(piece):
                parts.append(f"(?P<g{len(names)}>{r'[0-9]+' if piece == 'PORT' else KEY_ID})")
                names.append(name)
            else:
                parts.append(re.escape(piece))
        return re.compile("".join(parts)), names

    def find(self, shown: str, printed: list[str]) -> bool:
        regex, names = self.pattern(shown.rstrip())
        for line in printed:
            match = regex.fullmatch(line.rstrip())
            if match:
                self.bound.update({n: match.group(f"g{i}") for i, n in enumerate(names)})
                return True
        return False


def _serve_command(session: Session, step: Step, first: bool) -> None:
    """``python -m kalshi_auth.testing``: read what it shows, then Ctrl-C it, as a reader would."""
    before = set(os.listdir(session.home))
    process = subprocess.Popen(
        ["bash", "-c", "exec " + session.expand(step.command)], cwd=session.home,
        env=session.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    with process:
        assert process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()

        def read() -> None:
            for line in process.stdout or ():
                lines.put(line)

        reader = threading.Thread(target=read)
        reader.start()
        printed: list[str] = []
        with contextlib.suppress(queue.Empty):
            while len(printed) < len(step.shown):
                printed.append(lines.get(timeout=30).rstrip("\n"))
        for shown in step.shown:
            assert session.find(shown, printed), (
                f"{session.block.where}: {shown!r} not in {printed}"
                + ("" if process.poll() is None else f"; it ended: {process.communicate()[1]}")
            )
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        reader.join(10)
    assert set(os.listdir(session.home)) == before, "the fake left its key file behind"


def _run_command(session: Session, step: Step, first: bool) -> bool:
    """A command run in the session; False once one refuses (only allowed on the second run)."""
    done = subprocess.run(
        ["bash", "-c", session.expand(step.command)], cwd=session.home, env=session.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False,
    )  # fmt: skip
    where = f"{session.block.where}: $ {step.command}\n{done.stdout}"
    assert "Traceback" not in done.stdout, where
    if done.returncode != 0:
        assert not first, where
        assert done.returncode in (1, 2), where
        assert done.stdout.strip().splitlines()[-1].startswith("kalshi-keys: error: "), where
        return False
    for shown in step.shown:
        assert session.find(shown, done.stdout.splitlines()) or not first, f"{shown!r}\n{where}"
    return True


def run_block(session: Session, first: bool) -> None:
    for step in steps(session.block):
        if step.command.startswith("#"):
            continue
        if step.command.startswith("export "):
            for assignment in shlex.split(session.expand(step.command), comments=True)[1:]:
                name, _, value = assignment.partition("=")
                session.env[name] = value
        elif step.command.startswith("python -m kalshi_auth.testing "):
            _serve_command(session, step, first)
        elif not _run_command(session, step, first):
            return


@pytest.fixture
def kalshi_token(request: pytest.FixtureRequest) -> Iterator[Token]:
    """A SoftHSM2 token labelled ``kalshi``, as the docs name it, for one test."""
    base: Token = request.getfixturevalue("softhsm_token")
    token = base.sibling("kalshi")
    yield token
    subprocess.run(["softhsm2-util", "--delete-token", "--token", token.label],
                   check=True, capture_output=True, env=token.env())  # fmt: skip


def _spki(key: object) -> bytes:
    encoded: bytes = key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return encoded


#: Prints the SPKI PEM of each token key named on the command line that exists.
_TOKEN_PUBLIC_KEYS = """
import contextlib, sys
from cryptography.hazmat.primitives import serialization
from kalshi_auth import KeyLoadError
from kalshi_auth._pkcs11 import open_pkcs11_key
for uri in sys.argv[1:]:
    with contextlib.suppress(KeyLoadError):  # no such object: nothing was made under this name
        key = open_pkcs11_key(uri)
        spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        sys.stdout.write(key.public_key().public_bytes(*spki).decode())
        key.close()
"""


def _held(tmp_path: Path, block: CodeBlock, token_env: dict[str, str]) -> set[bytes]:
    """The public halves of every private key this test's files and token hold."""
    held = set()
    for path in tmp_path.rglob("*.pem"):
        # Not a private key file, or not one that loads without a password: it holds no key.
        with contextlib.suppress(KeyLoadError):
            held.add(_spki(load_private_key(path).public_key()))
    uris = sorted(set(re.findall(r"pkcs11:[^'\s]+", block.text)))
    if uris:
        # In a fresh process: SoftHSM2 lists a process's tokens once, and this one's may be
        # older than the docs' token.
        done = subprocess.run(
            [sys.executable, "-c", _TOKEN_PUBLIC_KEYS, *uris], env={**os.environ, **token_env},
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        held |= {pem.encode() + b"-----END PUBLIC KEY-----\n"
                 for pem in done.stdout.split("-----END PUBLIC KEY-----\n") if pem}  # fmt: skip
    return held


def _serves_itself(block: CodeBlock) -> bool:
    return steps(block)[0].command.startswith("python -m kalshi_auth.testing ")


def _environment(home: Path) -> dict[str, str]:
    return {**minimal_env(), "HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize("block", [b for b in SESSIONS if _serves_itself(b)], ids=lambda b: b.where)
def test_the_fakes_own_session_runs_as_written_twice_and_leaves_no_key_file(
    block: CodeBlock, tmp_path: Path
) -> None:
    for first in (True, False):
        run_block(Session(block, tmp_path, _environment(tmp_path), None), first)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "block", [b for b in SESSIONS if not _serves_itself(b)], ids=lambda b: b.where
)
def test_each_session_runs_as_written_twice_and_leaves_no_key_behind(
    block: CodeBlock, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    exchange = FakeExchange()
    bootstrap = exchange.add_key(name="bootstrap")
    assert bootstrap.private_key_pem is not None
    # Where the fake's own command leaves it, and what its exports say (the pages start there).
    (home / "kalshi-bootstrap.pem").write_bytes(bootstrap.private_key_pem)
    env = _environment(home)
    token_env: dict[str, str] = {}
    if "pkcs11:" in block.text:
        token: Token = request.getfixturevalue("kalshi_token")
        token_env = {"SOFTHSM2_CONF": str(token.conf), "KALSHI_PKCS11_MODULE": token.module,
                     "KALSHI_PKCS11_PIN": token.pin}  # fmt: skip
    with serve(exchange) as running:
        env |= token_env | {
            "KALSHI_BASE_URL": running.base_url,
            "KALSHI_API_KEY_ID": bootstrap.api_key_id,
            "KALSHI_PRIVATE_KEY_PATH": str(home / "kalshi-bootstrap.pem"),
        }
        port = running.base_url.split(":")[2].split("/")[0]
        for first in (True, False):
            run_block(Session(block, home, env, port), first)
    held = _held(tmp_path, block, token_env)
    orphans = [k.api_key_id for k in exchange.keys if _spki(k.public_key) not in held]
    assert orphans == [], f"{block.where}: keys whose private half nobody holds: {orphans}"
