"""A pytest plugin (listed in ``tests/conftest.py``): every document the journey tests and the
demo tour print is read back and kept for the arithmetic check.

The app under test prints to the pdf-folder back-end in the test's ``tmp_path``:
``receipts/`` (``printer_pdf_dir`` of the journey tests' settings, ``tests/conftest.py``)
and ``demo-output/`` (``kiosk demo --tour --out``, ``tests/test_demo_tour.py``). After each
test that used ``tmp_path``, the PDFs found there are read with ``pdftotext -layout`` (the
pdf-folder back-end's files carry their Unicode maps; cups-pdf's Ghostscript pass drops
them, see ``docs/printing.md``) and recorded with the test that printed them.

``tests/test_printed_documents_add_up.py`` checks them all; its test is moved to the end of
the session (:func:`pytest_collection_modifyitems`) so that it sees what every other test
printed.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The folders under ``tmp_path`` the app prints into, in the journey tests and the tour.
FOLDERS = ("receipts", "demo-output")


@dataclass(frozen=True)
class Printed:
    test: str  # the node id of the test that printed it
    name: str  # the file name
    text: str  # pdftotext -layout


_printed: list[Printed] = []


def printed() -> list[Printed]:
    """Every document printed so far in this session, in order."""
    return list(_printed)


def read(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True, encoding="utf-8", timeout=30).stdout


def runs_last(function):
    """Mark a test to run after every other test of the session."""
    function.runs_last = True
    return function


@pytest.fixture(autouse=True)
def _collect_printed_documents(request):
    yield
    tmp_path = request.node.funcargs.get("tmp_path") if hasattr(request.node, "funcargs") else None
    if tmp_path is None:
        return
    for folder in FOLDERS:
        for pdf in sorted(Path(tmp_path, folder).glob("*.pdf")):
            _printed.append(Printed(request.node.nodeid, pdf.name, read(pdf)))


def pytest_collection_modifyitems(items):
    last = [item for item in items if getattr(getattr(item, "function", None), "runs_last", False)]
    for item in last:
        items.remove(item)
        items.append(item)
