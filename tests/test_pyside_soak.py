"""Soak test for the PySide6 pin (pyproject.toml: ``PySide6-Essentials>=6.8,<6.12``).

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of
a Qt method that returns nothing (``setText``, ``QTimer.start``,
``QTimer.singleShot``...). A kiosk makes such calls all day: after about 5,000
of them ``None``'s count reaches zero and the process aborts with
``Fatal Python error: none_dealloc``.

The calls run in a child process, so an abort fails this test instead of
killing pytest. The child also reports ``sys.getrefcount(None)`` before and
after, so a version that leaks without aborting at once is caught too.
"""
from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap

CALLS = 50_000
MAX_NONE_DROP = 1_000  # a leak of one per call loses ~50,000; normal churn is a few dozen
BROKEN_VERSION = "6.12.0"

# Runs in the child. Every method in CALLS_PER_ROUND returns None (checked on
# the first round), i.e. each is the kind of call 6.12.0 mis-counts.
CHILD = textwrap.dedent(
    """
    import gc
    import sys

    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

    calls_wanted = int(sys.argv[1])
    app = QApplication([])
    window = QWidget()
    label = QLabel(window)
    field = QLineEdit(window)
    timer = QTimer(window)
    holder = QObject()

    def noop():
        pass

    round_ = [
        lambda i: label.setText("¥%d.00" % (i % 100)),
        lambda i: label.clear(),
        lambda i: field.setText("3502"),
        lambda i: window.setEnabled(i % 2 == 0),
        lambda i: window.setToolTip("t"),
        lambda i: holder.setObjectName("holder"),
        lambda i: timer.setInterval(1000 + i % 7),
        lambda i: timer.start(60_000),
        lambda i: timer.stop(),
        lambda i: QTimer.singleShot(0, noop),
    ]

    gc.collect()
    before = sys.getrefcount(None)
    calls = 0
    i = 0
    while calls < calls_wanted:
        for call in round_:
            result = call(i)
            if i == 0 and result is not None:
                sys.exit(f"not a void method: call {calls} returned {result!r}")
            calls += 1
        if i % 100 == 99:
            app.processEvents()  # fire the queued single-shot timers (void as well)
            calls += 1
        i += 1
    app.processEvents()
    del result
    gc.collect()
    after = sys.getrefcount(None)
    print(f"calls {calls}")
    print(f"none_refcount_before {before}")
    print(f"none_refcount_after {after}")
    """
)


def _pyside_version() -> str:
    try:
        return importlib.metadata.version("PySide6-Essentials")
    except importlib.metadata.PackageNotFoundError:  # the full PySide6 wheel instead
        return importlib.metadata.version("PySide6")


def test_pyside6_is_not_the_version_that_leaks_none():
    version = _pyside_version()
    assert version != BROKEN_VERSION, (
        f"PySide6 {version} is installed: on Python 3.11 it drops a reference to None on every "
        "void Qt call and aborts with 'Fatal Python error: none_dealloc' after ~5,000 calls. "
        "Keep the pin 'PySide6-Essentials>=6.8,<6.12' in pyproject.toml and reinstall "
        "(pip install -e '.[test]')."
    )


def test_fifty_thousand_void_qt_calls_keep_none_alive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(CALLS)], env=env,
                          capture_output=True, text=True, timeout=60)
    report = f"PySide6 {_pyside_version()}\n--- stdout ---\n{done.stdout}--- stderr ---\n{done.stderr}"

    assert "none_dealloc" not in done.stderr, f"the child aborted on None's refcount\n{report}"
    assert "Fatal Python error" not in done.stderr, f"the child crashed\n{report}"
    assert done.returncode == 0, f"the child exited {done.returncode}\n{report}"

    values = dict(line.split(maxsplit=1) for line in done.stdout.splitlines()
                  if line.startswith(("calls ", "none_refcount_")))
    calls = int(values["calls"])
    before, after = int(values["none_refcount_before"]), int(values["none_refcount_after"])
    print(f"{calls} void Qt calls: sys.getrefcount(None) {before} -> {after} ({after - before:+d})")
    assert calls >= CALLS
    assert before - after <= MAX_NONE_DROP, (
        f"sys.getrefcount(None) fell by {before - after} over {calls} void Qt calls: this PySide6 "
        f"leaks references to None and will abort with none_dealloc\n{report}"
    )
