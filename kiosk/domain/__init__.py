"""Pure business rules: no Qt, no I/O. Money is integer fen; times are aware."""
