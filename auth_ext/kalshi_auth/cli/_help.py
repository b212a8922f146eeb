"""The help texts of kalshi-keys: the overview and each command's examples."""

from __future__ import annotations

__all__ = ["DESCRIPTION", "EXAMPLES"]

DESCRIPTION = """\
Manage Kalshi API keys: make, register, list, delete and rotate them.

Credentials come from --key-id/--key-file, else from KALSHI_API_KEY_ID and
KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY_PEM); an encrypted key's password
from KALSHI_PRIVATE_KEY_PASSWORD, or a prompt. A key in a PKCS#11 token (an HSM)
is --key-uri pkcs11:... (or KALSHI_PRIVATE_KEY_URI), its module from the URI or
KALSHI_PKCS11_MODULE, its PIN from the URI, KALSHI_PKCS11_PIN or a prompt. The
host is --env demo or --base-url URL, else $KALSHI_BASE_URL, else production.

exit status: 0 success, 1 the API or a key/file refused (one line on stderr),
             2 the command line is wrong, 130 interrupted (Ctrl-C or SIGTERM)

--debug (or KALSHI_KEYS_DEBUG=1) adds the traceback of an unexpected error, for bug reports."""

EXAMPLES = {
    "keygen": """\
examples:
  kalshi-keys keygen --out bot.pem                 # bot.pem (0600) and bot.pem.pub
  kalshi-keys keygen --out bot.pem --bits 4096 --encrypt
  kalshi-keys keygen --key-type ed25519 --out 'pkcs11:token=kalshi;object=bot-1'

With a pkcs11: URI the pair is made inside the token, its private half
non-extractable: it never exists in a file or in this program's memory.""",
    "register": """\
examples:
  kalshi-keys register --name bot-1 --out bot-1.pem
  kalshi-keys --env demo register --name reader --scopes read --subaccount 2
  kalshi-keys register --name fix-desk --fcm-subtrader-id 1234_desk7 --out desk7.pem
  kalshi-keys register --name bot-1 --public-key bot-1.pem.pub   # a pair from keygen
  kalshi-keys register --name hsm-1 --public-key 'pkcs11:token=kalshi;object=bot-1'
  kalshi-keys register --name hsm-2 --out 'pkcs11:token=kalshi;object=bot-2'

The key pair is made here and the private key written before Kalshi is called;
only the public key is sent. Needs the Premier usage tier (else use generate).""",
    "generate": """\
examples:
  kalshi-keys generate --name bot-1 --out bot-1.pem
  kalshi-keys generate --name trader --scopes read,write::trade --out trader.pem --json

Kalshi makes the pair and returns the private key once; it is written to --out
(mode 0600). If that fails the new key is deleted again on the server.""",
    "list": """\
examples:
  kalshi-keys list
  kalshi-keys --env demo list --json | jq -r '.api_keys[].api_key_id'
  kalshi-keys list --fcm-subtrader-id 1234_desk7""",
    "delete": """\
examples:
  kalshi-keys delete 6a1f...c2              # asks first
  kalshi-keys delete 6a1f...c2 --yes        # for scripts""",
    "rotate": """\
examples:
  kalshi-keys rotate                        # new key beside the old file, old key deleted
  kalshi-keys rotate --out ~/.kalshi/bot.pem --keep-old
  kalshi-keys rotate --out 'pkcs11:token=kalshi;object=bot-2'   # to a token key

The new key gets the old key's name, scopes and sub-account unless given. It is
tested with a real API call before the old key is deleted; if anything fails
before that, the new key is removed again and the old one keeps working.""",
    "whoami": """\
examples:
  kalshi-keys whoami
  kalshi-keys --env demo check --key-id 6a1f...c2 --key-file demo.pem
  kalshi-keys whoami --key-uri 'pkcs11:token=kalshi;object=bot-1'

On a 401 it names the likely cause: wrong key file, a key ID from the other
environment, or this machine's clock (measured against the server's Date).""",
}
