"""kalshi-keys: API-key management from the shell (keygen, register, generate, list, delete,
rotate, whoami), built on kalshi_auth. Imported only when the CLI runs, never by kalshi_auth."""

from __future__ import annotations

from ._app import EXIT_ERROR, EXIT_OK, EXIT_USAGE, build_parser, console_main, main

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "console_main", "main"]
