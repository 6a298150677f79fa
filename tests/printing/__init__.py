"""Real parts and helpers for the printing tests: a private CUPS, fake ESC/POS printers, decoders."""
