"""Terminal I/O for kalshi-keys: results on stdout, messages on stderr, prompts, tables."""

from __future__ import annotations

import getpass
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from .._errors import KalshiError

__all__ = ["CommandError", "Console", "Interrupted", "UsageError", "safe"]


class UsageError(KalshiError):
    """The command line cannot be carried out as written; exit status 2."""


class CommandError(KalshiError):
    """The command ran and failed in a way its message fully explains; exit status 1."""


class Interrupted(CommandError):
    """Ctrl-C or SIGTERM arrived; the message says where every new key's private half is.
    Exit status 130."""


def safe(text: str) -> str:
    """``text`` with control characters escaped, so server-sent names cannot drive the terminal."""
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


class Console:
    """Where the CLI writes and reads; tests swap the streams, the code never touches sys."""

    def __init__(
        self,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        stdin: TextIO | None = None,
    ) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdin = stdin or sys.stdin

    def out(self, line: str = "") -> None:
        """A result line (stdout): what scripts read."""
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def say(self, line: str) -> None:
        """A progress or status line (stderr), kept out of the way of piped results."""
        self.stderr.write(line + "\n")
        self.stderr.flush()

    def confirm(self, question: str) -> bool:
        """Ask on stderr and read one answer line from stdin; only y/yes counts as yes."""
        self.stderr.write(f"{question} [y/N] ")
        self.stderr.flush()
        answer = self.stdin.readline()
        if not answer:
            self.stderr.write("\n")
        return answer.strip().lower() in {"y", "yes"}

    def interactive(self) -> bool:
        """Whether a person can be prompted (for a passphrase, say)."""
        return self.stdin.isatty()

    def secret(self, prompt: str) -> str:
        """Read a secret from the terminal without echo."""
        return getpass.getpass(prompt, stream=self.stderr)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Left-aligned columns, two spaces apart, every cell escaped."""
        cells = [[safe(c) for c in headers], *([safe(c) for c in row] for row in rows)]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for row in cells:
            self.out("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
