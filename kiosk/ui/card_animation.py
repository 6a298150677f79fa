"""Where the card goes: a picture of a card laid onto the reader below the screen, over and over while
the identification screen waits.

Drawn with QPainter from simple shapes (a card with its photo and lines, the reader's pad with the
contactless waves), moved by a ``QVariantAnimation`` from above the pad down onto it. The animation
runs only while the picture is shown (``showEvent``/``hideEvent``): on any other screen, and at the
desk (which has no picture), no animation and no timer run. In the elderly mode the card moves more
slowly and the picture is larger (the window's ``elderly`` property, read when it is shown).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractAnimation, QEasingCurve, QEvent, QPointF, QRectF, QSize, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.kit import metrics

#: One move of the card, in ms (the elderly mode's is slower).
STANDARD_MS, ELDERLY_MS = 1800, 2800

CARD, CARD_EDGE, PHOTO, LINES = QColor("#d6e6f5"), QColor("#0b5394"), QColor("#7a9cc0"), QColor("#0b3a67")
PAD, WAVES = QColor("#3d4852"), QColor("#ffffff")


class CardAnimation(QWidget):
    """The card moving onto the reader; ``card_position`` is where the card is drawn now."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cardAnimation")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.elderly = False
        self.animation = QVariantAnimation(self)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.setLoopCount(-1)  # until the screen is left
        self.animation.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.animation.setDuration(STANDARD_MS)
        self.animation.valueChanged.connect(self.update)
        self.retranslate()
        self._resize()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Picture: the card laid on the reader below the screen"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _side(self) -> int:
        return round(metrics().tile * (1.6 if self.elderly else 1.25))

    def _resize(self) -> None:
        self.setFixedHeight(self._side())

    def sizeHint(self) -> QSize:
        side = self._side()
        return QSize(round(side * 1.6), side)

    def minimumSizeHint(self) -> QSize:
        return QSize(round(self._side() * 1.2), self._side())

    # -- running only while shown ------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        window = self.window()
        elderly = bool(window.property("elderly")) if window is not None else False
        if elderly != self.elderly:
            self.elderly = elderly
            self._resize()
        self.animation.setDuration(ELDERLY_MS if elderly else STANDARD_MS)
        if self.animation.state() != QAbstractAnimation.State.Running:
            self.animation.start()

    def hideEvent(self, event) -> None:
        self.animation.stop()
        super().hideEvent(event)

    @property
    def running(self) -> bool:
        return self.animation.state() == QAbstractAnimation.State.Running

    # -- the picture -------------------------------------------------------------------------------
    def _progress(self) -> float:
        value = self.animation.currentValue()
        return float(value) if value is not None else 0.0

    def _geometry(self) -> tuple[QRectF, QRectF]:
        """The reader's pad and the card, where they are drawn now."""
        height = self.height()
        card_h = height * 0.42
        card_w = card_h * 1.58  # an ID card's proportions (85.6 x 54 mm)
        pad = QRectF(0, 0, card_w * 1.35, height * 0.34)
        pad.moveCenter(QPointF(self.width() / 2, height - pad.height() / 2 - 2))
        top, bottom = 2.0, pad.center().y() - card_h / 2  # from the top down onto the pad's middle
        card = QRectF(0, 0, card_w, card_h)
        card.moveTo(self.width() / 2 - card_w / 2, top + (bottom - top) * self._progress())
        return pad, card

    @property
    def card_position(self) -> QPointF:
        return self._geometry()[1].topLeft()

    def paintEvent(self, event) -> None:
        pad, card = self._geometry()
        progress = self._progress()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The reader's pad, and its waves once the card is nearly on it.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PAD)
        painter.drawRoundedRect(pad, pad.height() * 0.18, pad.height() * 0.18)
        if progress > 0.75:
            pen = QPen(WAVES, max(2.0, pad.height() * 0.06))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            centre = QPointF(pad.right() - pad.height() * 0.45, pad.center().y())
            for ring in (1, 2, 3):
                radius = pad.height() * 0.11 * ring
                painter.drawArc(QRectF(centre.x() - radius, centre.y() - radius, radius * 2, radius * 2),
                                -45 * 16, 90 * 16)
        # The card: its edge, the photo on the left, lines of text on the right.
        painter.setPen(QPen(CARD_EDGE, max(2.0, card.height() * 0.04)))
        painter.setBrush(CARD)
        radius = card.height() * 0.1
        painter.drawRoundedRect(card, radius, radius)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PHOTO)
        margin = card.height() * 0.14
        photo = QRectF(card.left() + margin, card.top() + margin, card.height() * 0.5, card.height() - 2 * margin)
        painter.drawRoundedRect(photo, radius / 2, radius / 2)
        painter.setBrush(LINES)
        line_h = card.height() * 0.08
        left = photo.right() + margin
        for row, share in enumerate((0.9, 0.7, 0.8, 0.5)):
            width = (card.right() - margin - left) * share
            painter.drawRoundedRect(QRectF(left, photo.top() + row * line_h * 2.4, width, line_h),
                                    line_h / 2, line_h / 2)
        painter.end()
