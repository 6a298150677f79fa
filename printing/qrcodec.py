"""reportlab's QR encoder, without the rest of its barcode package.

``reportlab.graphics.barcode`` registers every barcode kind when it is imported (Code 128,
EAN, USPS, DataMatrix … with their widgets, shapes and charts): 6 MB of the kiosk's memory
for the one encoder its documents use, ``reportlab.graphics.barcode.qrencoder``, which needs
none of them (it imports only ``re`` and ``itertools``). :func:`qrencoder` loads that module
alone, found as the import system finds it (a file here, the frozen bundle's archive there:
``build.spec`` collects the barcode modules), under a name of its own.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from types import ModuleType

NAME = "reportlab.graphics.barcode.qrencoder"
ALIAS = "printing._reportlab_qrencoder"

_lock = threading.Lock()


def qrencoder() -> ModuleType:
    """The encoder module (loaded once per process; reportlab's own if already imported)."""
    module = sys.modules.get(NAME) or sys.modules.get(ALIAS)
    if module is not None:
        return module
    with _lock:
        module = sys.modules.get(ALIAS)
        if module is None:
            module = sys.modules[ALIAS] = _load_alone()
    return module


def _load_alone() -> ModuleType:
    import reportlab.graphics  # the parent of the barcode package: a docstring and a version

    where = [f"{path}/barcode" for path in reportlab.graphics.__path__]
    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        spec = find_spec(NAME, where) if find_spec is not None else None
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    import reportlab.graphics.barcode.qrencoder as module  # found nowhere alone: the package's way

    return module
