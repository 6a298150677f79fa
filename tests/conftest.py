"""Shared fixtures: fresh settings and folders per test, a pinned keyring, the sandbox."""
from __future__ import annotations

import os

# Before anything imports Qt or keyring.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"

pytest_plugins = ["tests.sandbox_fixtures"]
