"""A real PKCS#11 token for the tests: SoftHSM2 on a token directory made for the session.

Outside CI, the token tests skip when SoftHSM2 or python-pkcs11 is missing, with a reason that
says how to install them; with ``CI=true`` they fail instead, so CI always runs them (.ci/run
installs ``softhsm2``). ``SOFTHSM2_CONF`` is set before any test loads the module: SoftHSM
reads it once per process.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
HOW_TO_INSTALL = (
    "needs SoftHSM2 and python-pkcs11: `sudo apt-get install softhsm2` (Debian/Ubuntu), then "
    "`make venv` (python-pkcs11 is in requirements/dev.txt)"
)


def _missing() -> str | None:
    module = next((m for m in MODULES if os.path.exists(m)), None)
    if module is None or shutil.which("softhsm2-util") is None:
        return HOW_TO_INSTALL
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return HOW_TO_INSTALL
    return None


def require_softhsm() -> str:
    """The SoftHSM2 module's path, or skip (fail under CI) saying how to install it."""
    why = _missing()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PKCS#11 token tests: {why} (.ci/run installs softhsm2)")
        pytest.skip(why)
    return next(m for m in MODULES if os.path.exists(m))


@dataclass(frozen=True)
class Token:
    """An initialised SoftHSM2 token: its module, label, PINs and configuration file."""

    module: str
    label: str
    pin: str
    so_pin: str
    conf: Path

    def uri(self, object_label: str | None = None, *, pin: str | None = "") -> str:
        """A pkcs11: URI for an object in this token, with the module and (by default) PIN."""
        path = f"pkcs11:token={quote(self.label)}"
        if object_label is not None:
            path += f";object={quote(object_label, safe='')}"
        query = f"module-path={self.module}"
        if pin is not None:
            query += f"&pin-value={quote(pin or self.pin, safe='')}"
        return f"{path}?{query}"

    def initialise(self) -> None:
        """Make this token in the configured token directory (SoftHSM2's --init-token)."""
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", self.label,
                        "--pin", self.pin, "--so-pin", self.so_pin],
                       check=True, capture_output=True, env=self.env())  # fmt: skip

    def sibling(self, label: str) -> Token:
        """Another token beside this one (same module, PINs and configuration), initialised."""
        other = dataclasses.replace(self, label=label)
        other.initialise()
        return other

    def env(self) -> dict[str, str]:
        """What a child process needs to see this token."""
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}

    def run_python(self, code: str) -> subprocess.CompletedProcess[str]:
        """``code`` in a fresh interpreter (a process not yet logged in to the token)."""
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=self.env(),
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip

    def make_raw_key(self, label: str, kind: str) -> None:
        """A key of a kind Kalshi cannot use, made with python-pkcs11 directly: ``"p256"`` (an
        EC P-256 pair) or ``"rsa-nosign"`` (RSA whose private key may not sign)."""
        import pkcs11
        from kalshi_auth._pkcs11token import find_token, load_module, user_session
        from kalshi_auth._pkcs11uri import parse_pkcs11_uri
        from pkcs11.util.ec import encode_named_curve_parameters

        uri = parse_pkcs11_uri(self.uri())
        session = user_session(find_token(load_module(uri, {}), uri), uri, self.pin, rw=True)
        try:
            if kind == "p256":
                params = encode_named_curve_parameters("1.2.840.10045.3.1.7")
                public = {pkcs11.Attribute.EC_PARAMS: params}
                session.generate_keypair(
                    pkcs11.KeyType.EC, label=label, store=True, public_template=public
                )
            else:
                private = {pkcs11.Attribute.SIGN: False}
                session.generate_keypair(
                    pkcs11.KeyType.RSA, 2048, label=label, store=True, private_template=private
                )
        finally:
            session.close()


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Token]:
    """One SoftHSM2 token for the session, in a temporary directory."""
    module = require_softhsm()
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")  # fmt: skip
    # PINs no hex ID or base64 run could contain by chance, so "never shown" can be checked.
    token = Token(
        module=module, label="kalshi-test", pin="pin-Qz7!", so_pin="so-pin-Wq9!", conf=conf
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    token.initialise()
    yield token
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous
