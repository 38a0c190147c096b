"""The command line's exit codes, the same for every command (see `tasched --help`)."""

from __future__ import annotations

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_NOT_VALID", "EXIT_NO_ROTA", "EXIT_OK"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_NOT_VALID = 1  # `check` and `term`: a rota breaks a rule (scripts test for non-zero)
EXIT_INPUT = 2
EXIT_NO_ROTA = 3
EXIT_INTERRUPTED = 130
