"""Unit tests of ``kalshi_auth._hints``: key errors worded from their fields, per audience.

How the CLI shows them is in ``test_cli.py``; the SDK's own messages in ``test_keys.py``.
"""

from __future__ import annotations

import pickle

import pytest
from kalshi_auth import KeyLoadError
from kalshi_auth._hints import CLI_TERMS, PROBLEMS, SDK_TERMS, ValueSource, describe

FACTS = {"why": "Permission denied", "kind": "EC (secp256r1)", "bits": 1024, "min_bits": 2048,
         "length": 300, "key": "token 'kalshi', object 'bot-1'",
         "module": "'/usr/lib/softhsm/libsofthsm2.so'"}  # fmt: skip
SDK_NAMES = ("api_key_id", "private_key_path", "private_key_pem", "private_key_uri")
FLAGS = ("--key-id", "--key-file", "--password-env", "--key-uri")
SOURCES = [None, ValueSource("private_key_path", "argument"),
           ValueSource("private_key_path", "environment")]  # fmt: skip


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("source", SOURCES, ids=["no-source", "argument", "environment"])
def test_every_problem_reads_in_sdk_and_in_cli_terms(
    problem: str, source: ValueSource | None
) -> None:
    facts = {**FACTS, "path": "/keys/k.pem"} if "file" in problem else FACTS
    sdk = describe(problem, facts, source, SDK_TERMS)
    cli = describe(problem, facts, source, CLI_TERMS)
    assert not any(flag in sdk for flag in FLAGS), sdk
    assert not any(name in cli for name in SDK_NAMES), cli
    assert "{" not in sdk and "{" not in cli  # every placeholder filled


def test_an_error_keeps_its_facts_and_words_itself_for_the_cli() -> None:
    source = ValueSource("private_key_path", "environment")
    error = KeyLoadError.of("missing_file", source, path="/keys/k.pem")
    assert error.reason == "missing_file" and error.source == source
    assert str(error).startswith("private key file '/keys/k.pem' (from KALSHI_PRIVATE_KEY_PATH)")
    flagged = KeyLoadError.of("no_key", ValueSource("private_key_path", "argument"))
    assert "pass private_key_path or private_key_pem (or private_key_uri " in str(flagged)
    assert "pass --key-file (or --key-uri " in flagged.describe(CLI_TERMS)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.source == source and copy.describe(CLI_TERMS) == error.describe(CLI_TERMS)


def test_an_error_built_from_a_message_alone_reads_the_same_everywhere() -> None:
    error = KeyLoadError("invalid_key_id", "bad id")
    assert error.describe(CLI_TERMS) == "bad id" and error.source is None
