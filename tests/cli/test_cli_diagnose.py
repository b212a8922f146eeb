"""kalshi-keys whoami's diagnosis (cli/_diagnose): Kalshi's own reason first, a small clock skew
as a side note, a truncated key ID not blamed on the environment."""

from __future__ import annotations

import time

from kalshi_auth.cli import EXIT_ERROR

from ..cli_support import Shell


def test_whoami_leads_with_kalshis_reason_and_notes_a_small_skew(shell: Shell) -> None:
    """Failed before: a clock skew inside Kalshi's window was the verdict, not Kalshi's own
    reason."""
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
    """Failed before: a truncated key ID was blamed on demo/production confusion."""
    env = {**shell.env, "KALSHI_API_KEY_ID": shell.key.api_key_id[:20]}
    result = shell.run("whoami", env=env)
    assert result.code == EXIT_ERROR
    assert "copied completely" in result.err and "--env" not in result.err
