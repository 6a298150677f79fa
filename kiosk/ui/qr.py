"""A QR code drawn as a widget (the payment channel's code on screen)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.kit import metrics

QUIET_MODULES = 4


def qr_matrix(data: str) -> list[list[bool]]:
    from reportlab.graphics.barcode import qrencoder

    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(qrencoder.QR8bitByte(data))
    code.make()
    return [[bool(code.isDark(r, c)) for c in range(code.getModuleCount())]
            for r in range(code.getModuleCount())]


class QrWidget(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("qr")
        self._matrix: list[list[bool]] = []
        self.setMinimumSize(metrics().qr, metrics().qr)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def clear(self) -> None:
        self.set_payload("")

    def set_payload(self, payload: str) -> None:
        self._matrix = qr_matrix(payload) if payload else []
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if not self._matrix:
            return
        count = len(self._matrix) + 2 * QUIET_MODULES
        module = min(self.width(), self.height()) / count
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("black"))
        for r, row in enumerate(self._matrix):
            for c, dark in enumerate(row):
                if dark:
                    painter.drawRect(QRectF((c + QUIET_MODULES) * module, (r + QUIET_MODULES) * module,
                                            module + 0.5, module + 0.5))
