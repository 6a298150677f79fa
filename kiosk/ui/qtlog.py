"""Qt's own messages routed into Python logging (installed by the entry point only:
under pytest, pytest-qt owns the handler)."""
from __future__ import annotations

import logging

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# Harmless noise of the offscreen platform used headless.
_QUIET = ("This plugin does not support propagateSizeHints()",)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handler(kind, context, message: str) -> None:
    level = logging.DEBUG if message.startswith(_QUIET) else _LEVELS.get(kind, logging.WARNING)
    log.log(level, "%s", message)


def install() -> None:
    qInstallMessageHandler(_handler)
