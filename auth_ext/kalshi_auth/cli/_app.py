"""The kalshi-keys entry point: dispatch to the command's handler, and errors as exit statuses.

The parser (arguments, types, help) is ``_parser``'s; each handler here only turns parsed
arguments into the typed inputs of one command function, and ``_HANDLERS`` maps a command's
name to its handler.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout

from .._errors import ConfigurationError, KalshiError, KeyLoadError
from .._hints import CLI_TERMS, ValueSource
from ._console import Console, Interrupted, UsageError, safe
from ._parser import PROG, build_parser

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "console_main", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _fail(console: Console, message: str, status: int) -> int:
    # safe(): messages may quote what a server sent; nothing from it may drive the terminal.
    console.say(f"{PROG}: error: {safe(message)}")
    return status


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    console_factory: Callable[[], Console] = Console,
) -> int:
    """Run kalshi-keys with ``argv`` (default: sys.argv[1:]); returns the exit status."""
    parser = build_parser()
    console = console_factory()
    try:
        stdout, stderr = console.streams()
        with redirect_stdout(stdout), redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or argparse's own usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    env = os.environ if environ is None else environ
    debug = args.debug or env.get("KALSHI_KEYS_DEBUG", "") not in ("", "0")
    try:
        # Loaded only now: --version and --help never load the HTTP stack or the models.
        from ._handlers import HANDLERS

        HANDLERS[args.handler](args, console, env)
    except (UsageError, ConfigurationError) as exc:
        parser.print_usage(console.streams()[1])
        return _fail(console, str(exc), EXIT_USAGE)
    except Interrupted as exc:
        return _fail(console, str(exc), EXIT_INTERRUPTED)
    except KeyLoadError as exc:
        # A key ID given as --key-id that cannot be one: the command line is wrong.
        flag = exc.source == ValueSource("api_key_id", "argument")
        if flag:
            parser.print_usage(console.streams()[1])
        return _fail(console, exc.describe(CLI_TERMS), EXIT_USAGE if flag else EXIT_ERROR)
    except KalshiError as exc:
        return _fail(console, str(exc), EXIT_ERROR)
    except BrokenPipeError:
        raise  # the reader went away (`kalshi-keys list | head -1`): console_main ends quietly
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(console, f"{exc.strerror or type(exc).__name__}{where}", EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail(console, "interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # the last resort: one line, never a traceback unless asked for
        if debug:
            import traceback  # only when asked for: every start would pay for it

            console.write(console.stderr, "".join(traceback.format_exception(exc)))
        return _fail(
            console,
            f"unexpected {type(exc).__name__}; this is a bug in kalshi-keys. Run again with "
            "--debug (or KALSHI_KEYS_DEBUG=1) to see the traceback, and report it.",
            EXIT_ERROR,
        )
    return EXIT_OK


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM gets the same careful unwinding as Ctrl-C


def console_main() -> None:
    """The ``kalshi-keys`` console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        status = main()
        if sys.stdout is not None:  # None: started with stdout closed (>&-)
            sys.stdout.flush()
    except BrokenPipeError:
        # stdout's reader is gone: say nothing more, and keep Python's own flush at exit quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_OK
    sys.exit(status)
