"""The kit every screen is built from: one place for sizes, the page, the buttons.

* :class:`Metrics` holds every size the screens lay out with (margins, gaps, button and row
  heights, keys, the scroll bar), at the design size; ``metrics()`` is the one in use and
  ``use_metrics`` replaces it (``Metrics().scaled(f)`` for a larger or smaller screen) before
  the screens are built. Screens ask ``metrics()``, never write a number of pixels.
* :func:`make_button` makes every button a screen shows; :func:`primary_button` and
  :func:`back_button` say what a button does (its ``action`` property: ``primary`` or
  ``back``), so icons and keyboard shortcuts can be given to every screen's buttons here.
* :func:`lay_out_page` lays a screen out: its heading, then its parts top to bottom in a
  scroll area (long content scrolls, the buttons stay on screen), then the button rows.
  ``Screen.page`` (``kiosk/ui/base.py``) is how a screen calls it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
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


_current = Metrics()


def metrics() -> Metrics:
    """The sizes in use."""
    return _current


def use_metrics(new: Metrics) -> None:
    """Sizes for the screens built from now on (the layout of the screen the kiosk runs on)."""
    global _current  # one layout for the whole window
    _current = new


# -- buttons ------------------------------------------------------------------------------------
def make_button(parent: QWidget | None = None, role: str = "primary", clicked: Callable | None = None, *,
                action: str = "", height: int | None = None) -> QPushButton:
    """A button as every screen has them: ``role`` is its look in the stylesheet (``primary``,
    ``secondary``, ``journey``), ``action`` what it does for the keyboard and icon layer
    (``primary``, ``back`` or ``""``), ``clicked`` what a tap does (a slot or a signal)."""
    button = QPushButton(parent)
    button.setObjectName(role)
    button.setProperty("action", action)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setMinimumHeight(height if height is not None else metrics().button)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    if clicked is not None:
        button.clicked.connect(clicked)
    return button


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


def button_row(buttons: Iterable[QWidget | tuple[QWidget, int]]) -> QHBoxLayout:
    """Buttons side by side: the way back 1 part of the width, the primary 2, others 1, unless
    given as ``(button, parts)``."""
    row = QHBoxLayout()
    for item in buttons:
        button, weight = item if isinstance(item, tuple) else (item, None)
        if weight is None:
            weight = _WEIGHTS.get(button.property("action") or "", 1)
        row.addWidget(button, weight)
    return row


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
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area


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
    ``(button, parts of the width)``), or several rows (a list of lists)."""
    side, ends, gap = metrics().page(density)
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
