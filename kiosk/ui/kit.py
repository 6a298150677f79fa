"""The kit every screen is built from: one place for sizes, the page, the buttons.

* :class:`Metrics` holds every size the screens lay out with (margins, gaps, button and row
  heights, keys, the scroll bar), at the design size; ``metrics()`` is the one in use and
  ``use_metrics`` replaces it (``Metrics().scaled(f)`` for a larger or smaller screen) before
  the screens are built. Screens ask ``metrics()``, never write a number of pixels.
* :func:`make_button` makes every button a screen shows; :func:`primary_button` and
  :func:`back_button` say what a button does (its ``action`` property: ``primary`` or
  ``back``), so icons and keyboard shortcuts can be given to every screen's buttons here.
* :func:`metrics_for` is the layout of a screen size: everything in proportion to the screen
  (the shorter of its two ratios to the design size, times the screen's DPI over 96), type in
  points (``Metrics.font``, never below the design's: text does not shrink below what the
  accessibility rules ask), and ``portrait`` for the floor-standing kiosks' tall screens.
  ``kiosk/ui/theme.py`` writes the stylesheets from it.
* :func:`button_row` is a row that re-flows: its buttons side by side while each one's words
  fit, else in as many rows as it takes (a narrow or portrait screen, longer English words).
* :func:`lay_out_page` lays a screen out: its heading, then its parts top to bottom in a
  scroll area (long content scrolls, the buttons stay on screen), then the button rows.
  ``Screen.page`` (``kiosk/ui/base.py``) is how a screen calls it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

#: Page densities: (side margin, top and bottom margin, gap between parts) at the design size.
DENSITIES: dict[str, tuple[int, int, int]] = {
    "standard": (48, 32, 16),  # a list or a bill: the most on the screen
    "compact": (48, 24, 12),  # a form with a keypad or a long text
    "narrow": (64, 32, 16),  # one thing in the middle: a code, a keypad, an amount
    "airy": (64, 48, 24),  # a few lines of text in the middle: an outcome, a question
    "dense": (40, 16, 10),  # an account with everything in it
    "form": (160, 64, 24),  # a login form, alone on the screen
    "poster": (96, 64, 32),  # a notice read from a distance
}


@dataclass(frozen=True)
class Metrics:
    """Every size the screens use, in pixels at the design size (1280 x 1024 at 96 dpi) times
    ``scale``. The layout of a screen size is ``Metrics().scaled(factor)``."""

    scale: float = 1.0
    font: float = 1.0  # the type's size over the design's (points; never below 1)
    portrait: bool = False  # a tall screen: tiles and rows in fewer columns
    button: int = 72  # a button's least height
    tile: int = 120  # a journey tile on the home screen
    grid_choice: int = 96  # a choice in a grid (a department)
    choice_base: int = 40  # a button of a ChoiceList: base + line x its lines of text
    choice_line: int = 34
    training_card: int = 76  # two lines: "Demo card:", then what it stands for
    key: int = 64  # an on-screen key (the refund amount's)
    key_gap: int = 8  # between on-screen keys
    keypad_key: int = 80  # a key of the phone and code keypad
    credentials_key: int = 72  # a key of the staff number and PIN keypad
    table_row: int = 44  # a row of a table nobody taps
    elderly_row: int = 64  # a table's row in elderly mode: a tappable row is a touch target (60 px at least)
    tap_row: int = 52  # a row of a table that reacts to a tap
    cell_button_row: int = 64  # a row with a button in it
    cell_button: int = 56  # that button
    table_least: int = 240  # a table's least height
    text_least: int = 260  # a long text's least height (the consent)
    qr: int = 280  # the payment QR code, each side
    gap: int = 12  # between the items of a list or a grid
    wide_gap: int = 16  # between the choices of a grid
    section_gap: int = 24  # between the parts of a form, the tiles of the home screen
    scrollbar: int = 32  # a scroll bar wide enough for a finger
    exit_corner: int = 96  # the corner tapped for the IT exit, each side
    densities: dict[str, tuple[int, int, int]] = field(default_factory=lambda: dict(DENSITIES))

    def scaled(self, factor: float) -> Metrics:
        """The same layout ``factor`` times larger (every size, margin and gap)."""
        sizes = {f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)
                 if f.type in ("int", int)}
        densities = {k: tuple(max(0, round(v * factor)) for v in values) for k, values in self.densities.items()}
        return replace(self, scale=self.scale * factor, densities=densities, **sizes)

    def page(self, density: str) -> tuple[int, int, int]:
        return self.densities[density]


#: The size the Metrics' numbers are drawn for (landscape; a portrait screen is measured turned).
DESIGN_SIZE = (1280, 1024)
#: The smallest a touch target may become when a small screen scales the layout down (WCAG 2.5.5
#: asks 44 px; the elderly mode's stylesheet asks 60).
LEAST_TARGET = 48
#: The elderly mode's least touch target (MIIT 2021: 60 x 60 px), whatever the screen's size.
ELDERLY_TARGET = 60


def metrics_for(width: int, height: int, dpi: float = 96.0) -> Metrics:
    """The layout for a screen of ``width`` x ``height`` logical pixels at ``dpi`` (its logical
    DPI): every size in proportion to the screen (the shorter side against 1024 px, the longer
    against 1280: what fits the design fits the screen), the type in points by the same factor
    but never smaller than the design's (Qt turns points into pixels by the DPI, so the layout
    follows the DPI too). A small screen never shrinks a touch target below ``LEAST_TARGET``, an
    elderly-mode row below ``ELDERLY_TARGET``, nor the scroll bar below the design's finger width."""
    long_side, short_side = max(width, height), min(width, height)
    factor = min(long_side / DESIGN_SIZE[0], short_side / DESIGN_SIZE[1])
    scaled = Metrics().scaled(factor * dpi / 96.0)
    least = round(LEAST_TARGET * dpi / 96.0)
    targets = {name: max(least, getattr(scaled, name)) for name in (
        "button", "key", "keypad_key", "credentials_key", "tap_row", "cell_button")}
    targets["elderly_row"] = max(round(ELDERLY_TARGET * dpi / 96.0), scaled.elderly_row)
    targets["scrollbar"] = max(round(Metrics.scrollbar * dpi / 96.0), scaled.scrollbar)  # a finger's width
    return replace(scaled, font=max(1.0, factor), portrait=height > width, **targets)


_current = Metrics()


def metrics() -> Metrics:
    """The sizes in use."""
    return _current


def use_metrics(new: Metrics) -> None:
    """Sizes for the screens built from now on (the layout of the screen the kiosk runs on)."""
    global _current  # one layout for the whole window
    _current = new


# -- buttons ------------------------------------------------------------------------------------
#: The icon colour on each look of button (white on the filled ones, the outline's blue on the others).
ICON_COLOURS = {"primary": "#ffffff", "journey": "#ffffff"}
OUTLINE = "#0b5394"


def make_button(parent: QWidget | None = None, role: str = "primary", clicked: Callable | None = None, *,
                action: str = "", height: int | None = None, icon: str = "") -> QPushButton:
    """A button as every screen has them: ``role`` is its look in the stylesheet (``primary``,
    ``secondary``, ``journey``), ``action`` what it does for the keyboard and icon layer
    (``primary``, ``back`` or ``""``: the action's icon unless ``icon`` names another),
    ``clicked`` what a tap does (a slot or a signal)."""
    button = QPushButton(parent)
    button.setObjectName(role)
    button.setProperty("action", action)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setMinimumHeight(height if height is not None else metrics().button)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    if icon or action:
        from kiosk.ui.icons import set_icon

        set_icon(button, icon or action, ICON_COLOURS.get(role, OUTLINE))
    if clicked is not None:
        button.clicked.connect(clicked)
    return button


class Tile(QPushButton):
    """A big choice (a journey on the home screen): its icon above its words, which wrap onto
    more lines rather than be cut. ``text()``/``setText`` are the words."""

    def __init__(self, parent: QWidget | None = None, icon: str = "", role: str = "journey"):
        super().__init__(parent)
        m = metrics()
        self.setObjectName(role)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(m.tile)
        self.setMaximumHeight(m.tile * 2)  # a tall screen's room goes around the tiles, not into them
        self.picture = QLabel(self)
        self.picture.setObjectName("tileIcon")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words = QLabel(self)
        self.words.setObjectName("tileText")
        self.words.setWordWrap(True)
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (self.picture, self.words):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(m.gap, m.gap, m.gap, m.gap)
        layout.setSpacing(m.gap // 2)
        layout.addStretch(1)
        layout.addWidget(self.picture)
        layout.addWidget(self.words)
        layout.addStretch(1)
        if icon:
            from kiosk.ui.icons import set_icon

            set_icon(self.picture, icon, ICON_COLOURS.get(role, OUTLINE), size=round(m.tile * 0.4))

    def setText(self, text: str) -> None:
        self.words.setText(text)

    def text(self) -> str:
        return self.words.text()

    def sizeHint(self) -> QSize:
        return self.layout().sizeHint().expandedTo(QSize(self.minimumWidth(), self.minimumHeight()))


class WrapButton(QPushButton):
    """A button whose words wrap onto more lines rather than be cut: a long choice (a bill, a
    clinic session, a department in English) on a narrow or portrait screen, or in the elderly
    mode's larger type. Its height follows its width (``heightForWidth``), never below
    ``height``. ``text()``/``setText`` are the words (``set_button_text`` works as for any button)."""

    def __init__(self, parent: QWidget | None = None, role: str = "secondary", clicked: Callable | None = None, *,
                 height: int | None = None):
        super().__init__(parent)
        m = metrics()
        self.setObjectName(role)
        self.setProperty("action", "")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumHeight(height if height is not None else m.button)
        self.words = QLabel(self)
        self.words.setObjectName("buttonText")
        self.words.setWordWrap(True)
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(m.gap, m.gap // 2, m.gap, m.gap // 2)
        layout.addWidget(self.words)
        if clicked is not None:
            self.clicked.connect(clicked)

    def setText(self, text: str) -> None:
        self.words.setText(text)
        self.updateGeometry()

    def text(self) -> str:
        return self.words.text()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), self.layout().totalHeightForWidth(width))

    def sizeHint(self) -> QSize:
        hint = self.layout().totalSizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), hint.height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumHeight(), self.minimumHeight())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.updateGeometry()  # the elderly mode's type: more lines


def primary_button(parent: QWidget | None, clicked: Callable | None = None) -> QPushButton:
    """The screen's way on: what the patient came to do (pay, register, confirm)."""
    return make_button(parent, "primary", clicked, action="primary")


def back_button(parent: QWidget | None, clicked: Callable | None = None) -> QPushButton:
    """The way back: the screen before, or the start."""
    return make_button(parent, "secondary", clicked, action="back")


def secondary_button(parent: QWidget | None, clicked: Callable | None = None) -> QPushButton:
    """Another way on, beside the primary one (repay first, another number)."""
    return make_button(parent, "secondary", clicked)


#: How much of a button row each kind of button takes when the screen does not say.
_WEIGHTS = {"back": 1, "primary": 2}


def button_row(buttons: Iterable[QWidget | tuple[QWidget, int]]) -> RowLayout:
    """Buttons side by side: the way back 1 part of the width, the primary 2, others 1, unless
    given as ``(button, parts)``; in more rows when their words do not fit side by side."""
    row = RowLayout()
    for item in buttons:
        button, weight = item if isinstance(item, tuple) else (item, None)
        if weight is None:
            weight = _WEIGHTS.get(button.property("action") or "", 1)
        row.add(button, weight)
    return row


class RowLayout(QLayout):
    """A row of widgets sharing its width by parts that breaks into more rows when they do not
    fit: each widget needs its size hint's width (a button: its words, icon and padding), the
    rows are as even as can be, in order. Its height follows its width (``heightForWidth``)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._items: list[tuple[QLayoutItem, int]] = []
        self._weight = 1
        self.setContentsMargins(0, 0, 0, 0)

    def add(self, widget: QWidget, weight: int = 1) -> None:
        # Through QLayout.addWidget: Qt makes the item and owns it (it deletes it when the widget goes).
        self._weight = weight
        self.addWidget(widget)
        self._weight = 1

    # QLayout's interface
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append((item, self._weight))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index][0] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index)[0] if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        rows = self._rows(width)
        return sum(self._height(row) for row in rows) + self._gap() * max(0, len(rows) - 1)

    def sizeHint(self) -> QSize:
        shown = self._shown()
        width = sum(self._need(item) for item, _ in shown) + self._gap() * max(0, len(shown) - 1)
        return QSize(width, self._height(shown))

    def minimumSize(self) -> QSize:
        shown = self._shown()
        return QSize(max((self._need(item) for item, _ in shown), default=0), self._height(shown))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        y = rect.y()
        for row in self._rows(rect.width()):
            height = self._height(row)
            x = rect.x()
            for (item, _), width in zip(row, self._widths(row, rect.width())):
                item.setGeometry(QRect(x, y, width, height))
                x += width + self._gap()
            y += height + self._gap()

    # the rows
    def _gap(self) -> int:
        gap = self.spacing()
        return gap if gap >= 0 else metrics().gap

    def _shown(self) -> list[tuple[QLayoutItem, int]]:
        return [(item, weight) for item, weight in self._items if not item.isEmpty()]

    @staticmethod
    def _need(item: QLayoutItem) -> int:
        widget = item.widget()
        if isinstance(widget, QAbstractButton):
            return max(widget.sizeHint().width(), widget.minimumWidth())
        return max(item.minimumSize().width(), 1)

    @staticmethod
    def _height(row) -> int:
        return max((max(item.sizeHint().height(), item.minimumSize().height()) for item, _ in row), default=0)

    def _fits(self, row, width: int) -> bool:
        return sum(self._need(item) for item, _ in row) + self._gap() * (len(row) - 1) <= width

    def _rows(self, width: int) -> list[list[tuple[QLayoutItem, int]]]:
        shown = self._shown()
        for count in range(1, len(shown) + 1):
            per_row = -(-len(shown) // count)
            rows = [shown[i:i + per_row] for i in range(0, len(shown), per_row)]
            if all(self._fits(row, width) for row in rows):
                return rows
        return [[entry] for entry in shown]

    def _widths(self, row, width: int) -> list[int]:
        """The row's width shared by parts, each widget given at least what it needs."""
        room = width - self._gap() * (len(row) - 1)
        fixed: dict[int, int] = {}
        while True:
            parts = sum(weight for i, (_, weight) in enumerate(row) if i not in fixed) or 1
            left = room - sum(fixed.values())
            short = [i for i, (item, weight) in enumerate(row)
                     if i not in fixed and left * weight // parts < self._need(item)]
            if not short:
                break
            for i in short:
                fixed[i] = self._need(row[i][0])
        widths = [fixed.get(i, left * weight // parts) for i, (_, weight) in enumerate(row)]
        widths[-1] += room - sum(widths)  # the rounding's pixels to the last
        return widths


def centred(widget: QWidget, weight: int = 0) -> QHBoxLayout:
    """``widget`` in the middle of a row (``weight``: its share of the width, against 1 on each
    side; 0: its own width)."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget, weight)
    row.addStretch(1)
    return row


# -- scrolling ----------------------------------------------------------------------------------
def touch_scroll(area: QScrollArea, *, always: bool = False) -> QScrollArea:
    """A scroll area as the screens use it: no frame, no sideways scrolling (text wraps), a bar
    wide enough for a finger (``always`` shown, or when needed), dragged by a finger, and no
    keyboard focus of its own (typing stays in the fields)."""
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if always:
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    area.verticalScrollBar().setMinimumWidth(metrics().scrollbar)
    if _scrollers_waiting is None:
        _grab(area.viewport())
    else:
        _scrollers_waiting.append(area)
    return area


#: Scroll areas waiting for their finger scrolling until the kiosk is usable (``start_touch_scrolling``):
#: PySide6 builds QScroller's Python type, enums and all, on first use, a cost the start need not pay;
#: and the first widget Qt made that Python is handed (the first ``viewport()``) makes PySide6 build
#: the Python type of every widget class QtWidgets has (about 10 ms).
_scrollers_waiting: list[QScrollArea] | None = []


def start_touch_scrolling() -> None:
    """Finger scrolling for the areas built so far (and, from now on, at once for each new one)."""
    global _scrollers_waiting
    from shiboken6 import isValid

    waiting, _scrollers_waiting = _scrollers_waiting or [], None
    for area in waiting:
        if isValid(area):
            _grab(area.viewport())


def _grab(viewport: QWidget) -> None:
    from PySide6.QtWidgets import QScroller

    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)


# -- the page -----------------------------------------------------------------------------------
def add_parts(layout: QBoxLayout, parts: Iterable) -> None:
    """Each part: a widget, a layout, a stretch (an int: its weight), or one of those with its
    stretch, ``(table, 1)``."""
    for part in parts:
        item, stretch = part if isinstance(part, tuple) else (part, 0)
        if isinstance(item, int):
            layout.addStretch(item)
        elif isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)


def lay_out_page(page: QWidget, title: QLabel, parts: Sequence, buttons: Sequence = (), *,
                 density: str = "standard", scroll: bool = True) -> QVBoxLayout:
    """``page``'s layout: ``title``, then ``parts`` top to bottom (see ``add_parts``), in a
    scroll area unless ``scroll`` is false, then ``buttons``: one row (buttons, or
    ``(button, parts of the width)``), or several rows (a list of lists). A part that scrolls by
    itself (a ``QScrollArea``: a list of choices) is not put in another."""
    side, ends, gap = metrics().page(density)
    if any(isinstance(part[0] if isinstance(part, tuple) else part, QScrollArea) for part in parts):
        scroll = False  # a part that scrolls by itself (a list of choices): no scroll area around it
    layout = QVBoxLayout(page)
    layout.setContentsMargins(side, ends, side, ends)
    layout.setSpacing(gap)
    layout.addWidget(title)
    if scroll:
        area = touch_scroll(QScrollArea(page))
        area.setObjectName("pageScroll")
        body = QWidget(area)
        body.setObjectName("pageBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(gap)
        add_parts(column, parts)
        area.setWidget(body)
        layout.addWidget(area, 1)
    else:
        add_parts(layout, parts)
    rows = buttons if buttons and all(isinstance(row, list) for row in buttons) else [buttons]
    for row in rows:
        if row:
            layout.addLayout(button_row(row))
    return layout
