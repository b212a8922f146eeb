"""Terminal I/O for kalshi-keys, all through one writer: results on stdout, messages on stderr.

Every string the CLI shows, prompts and argparse's own help and errors included, passes
:meth:`Console.write`: control and bidirectional characters escaped, key material scrubbed
(the one deliberate exception, a new key's private key printed once when it could be saved
nowhere else, says so with ``reveal=True``), and encoded for the stream, with
``backslashreplace`` where its encoding cannot represent a character. A stream that is closed
(``kalshi-keys ... >&-`` leaves ``sys.stdout`` None) takes nothing and fails nothing: the
command's exit status still says how it went.
"""

from __future__ import annotations

import errno
import io
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO, cast

from .._errors import KalshiError
from .._redact import scrub

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
        # sys.stdout and sys.stderr are None when the process started with them closed.
        self.stdout: TextIO = stdout or sys.stdout or _CLOSED
        self.stderr: TextIO = stderr or sys.stderr or _CLOSED
        self.stdin: TextIO = stdin or sys.stdin or io.StringIO()

    def write(self, stream: TextIO, text: str, *, reveal: bool = False) -> None:
        """The one way anything reaches the terminal (see the module docstring)."""
        if stream is _CLOSED:
            return
        shown = text if reveal else scrub(text)
        lines = [safe(line) for line in shown.split("\n")]
        encoding = getattr(stream, "encoding", None)
        out = "\n".join(lines)
        if encoding:
            out = out.encode(encoding, "backslashreplace").decode(encoding, "replace")
        try:
            stream.write(out)
            stream.flush()
        except BrokenPipeError:
            raise  # the reader went away: console_main ends quietly
        except ValueError:  # "I/O operation on closed file"
            return
        except OSError as exc:
            if exc.errno != errno.EBADF:  # closed underneath us; a full disk is an error
                raise

    def out(self, line: str = "", *, reveal: bool = False) -> None:
        """A result line (stdout): what scripts read. A revealed secret goes to stderr when
        stdout is closed: it is printed only when it could be kept nowhere else."""
        stream = self.stderr if reveal and self.stdout is _CLOSED else self.stdout
        self.write(stream, line + "\n", reveal=reveal)

    def say(self, line: str) -> None:
        """A progress or status line (stderr), kept out of the way of piped results."""
        self.write(self.stderr, line + "\n")

    def streams(self) -> tuple[TextIO, TextIO]:
        """stdout and stderr as file objects that write through :meth:`write`, for code that
        prints by itself (argparse's help, usage and errors)."""
        return _through(self, self.stdout), _through(self, self.stderr)

    def confirm(self, question: str) -> bool:
        """Ask on stderr and read one answer line from stdin; only y/yes counts as yes."""
        self.write(self.stderr, f"{question} [y/N] ")
        answer = self.stdin.readline()
        if not answer:
            self.write(self.stderr, "\n")
        return answer.strip().lower() in {"y", "yes"}

    def interactive(self) -> bool:
        """Whether a person can be prompted (for a passphrase, say)."""
        return self.stdin.isatty()

    def secret(self, prompt: str) -> str:
        """Read a secret from the terminal without echo."""
        import getpass  # only prompts need it

        return getpass.getpass(prompt, stream=_through(self, self.stderr))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """Left-aligned columns, two spaces apart, every cell escaped."""
        cells = [[safe(c) for c in headers], *([safe(c) for c in row] for row in rows)]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for row in cells:
            self.out("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


#: Stands for a standard stream the process was started without.
_CLOSED = cast(TextIO, io.StringIO())


class _Through(io.TextIOBase):
    """A text stream whose writes go through :meth:`Console.write`."""

    def __init__(self, console: Console, stream: TextIO) -> None:
        self._console, self._stream = console, stream

    def write(self, text: str) -> int:
        self._console.write(self._stream, text)
        return len(text)

    def flush(self) -> None:
        if self._stream is not _CLOSED:
            self._stream.flush()


def _through(console: Console, stream: TextIO) -> TextIO:
    return cast(TextIO, _Through(console, stream))
