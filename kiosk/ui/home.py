"""The home screen: the journeys a patient can start here, and the language switch.

The journeys are tiles (``kit.Tile``: an icon above words that wrap) in a grid of three columns
on a landscape screen, two on a portrait one (and in the elderly mode's fewer, bigger choices),
every size from the kit's Metrics. Closing the credit service (``MINOR``) is a plain button beside
the language switch, not a tile."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.ui.base import Screen, big_button, body_text, heading, set_button_text
from kiosk.ui.kit import Tile, metrics, touch_scroll

#: Journeys offered below the tiles as a plain button, not as a tile of the same weight as paying a
#: bill (issue 13): closing the credit service is there for who looks for it, never the first offer.
MINOR = frozenset({"close"})


class HomeScreen(Screen):
    name = "home"
    language_toggled = Signal()
    elderly_toggled = Signal()

    @property
    def columns(self) -> int:
        """Tiles to a row: three on a landscape screen, two on a portrait one."""
        return 2 if metrics().portrait else 3

    def __init__(self, hospital: str, parent=None):
        super().__init__(parent)
        self.hospital = hospital
        self._ready = False
        self.language = "zh_CN"
        self.buttons: dict[str, QPushButton] = {}
        self._titles: dict[str, Callable[[], str]] = {}
        self.title = heading(self)
        self.subtitle = body_text(self, "subtitle")
        m = metrics()
        # The tiles scroll when a small screen cannot hold them all (the buttons below never do).
        self.tiles = touch_scroll(QScrollArea(self))
        self.tiles.setObjectName("pageScroll")
        body = QWidget(self.tiles)
        body.setObjectName("pageBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setSpacing(m.section_gap)
        column.addStretch(1)
        column.addLayout(self.grid)
        column.addStretch(2)
        self.tiles.setWidget(body)
        self.status = body_text(self, "status")
        self.language_button = big_button(self, "secondary")
        self.language_button.clicked.connect(self.language_toggled)
        # Elderly mode (kiosk/ui/elderly.py): large text, and fewer journeys with "More" for the rest.
        self.elderly = False
        self._limited: list[str] | None = None
        self.elderly_button = big_button(self, "secondary")
        self.elderly_button.clicked.connect(self.elderly_toggled)
        self.more_button = Tile(self, "more")
        self.more_button.clicked.connect(lambda: self.limit_journeys(None))
        self.more_button.hide()

        layout = QVBoxLayout(self)
        side, ends, gap = m.page("airy")
        layout.setContentsMargins(side, ends, side, ends)
        layout.setSpacing(gap)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.tiles, 1)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.minor_row = row
        row.addWidget(self.elderly_button)
        row.addStretch(1)  # the minor journeys' buttons go before it
        row.addWidget(self.language_button)
        layout.addLayout(row)
        self.retranslate()

    def add_journey(self, key: str, title: Callable[[], str], start: Callable[[], None]) -> QPushButton:
        if key in MINOR:
            button = big_button(self, "secondary")
            self.minor_row.insertWidget(self.minor_row.count() - 2, button)  # before the stretch
        else:
            button = Tile(self, key)
            index = len(self._tiles())
            self.grid.addWidget(button, index // self.columns, index % self.columns)
        button.clicked.connect(start)
        button.show()  # added to a screen already on the glass: tappable now, not a loop turn later
        self.buttons[key] = button
        self._titles[key] = title
        if self._limited is not None:
            self.limit_journeys(self._limited)
        self.retranslate()
        return button

    def limit_journeys(self, keys: list[str] | None) -> None:
        """Only these journeys, in this order, then "More" (which shows them all); None: all."""
        self._limited = list(keys) if keys is not None else None
        tiles = self._tiles()
        shown = list(tiles) if keys is None else [k for k in keys if k in tiles]
        for key in self.buttons.keys() & MINOR:
            self.buttons[key].setVisible(keys is None or key in keys)
        for button in [*tiles.values(), self.more_button]:
            self.grid.removeWidget(button)
            button.hide()
        cells = [tiles[k] for k in shown]
        if len(shown) < len(tiles) or any(not self.buttons[k].isVisibleTo(self) for k in self.buttons.keys() & MINOR):
            cells.append(self.more_button)
        columns = 2 if keys is not None else self.columns  # fewer, bigger choices
        for index, button in enumerate(cells):
            self.grid.addWidget(button, index // columns, index % columns)
            button.show()

    def _tiles(self) -> dict[str, QPushButton]:
        return {key: button for key, button in self.buttons.items() if key not in MINOR}

    def set_elderly(self, on: bool) -> None:
        self.elderly = on
        self.retranslate()

    def set_ready(self, ready: bool) -> None:
        """Journeys appear once the services have started (they load after the first paint)."""
        self._ready = ready
        self.retranslate()

    def show_problem(self, words) -> None:
        """The services could not start: ``words()`` (in the screen's language, asked again when it changes)
        takes the place of "Starting, one moment please"; no journey can be started."""
        self._problem = words
        self._ready = False
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome to {hospital}").format(hospital=self.hospital))
        self.subtitle.setText(self.tr("Credit-based care: treat first, pay later"))
        for key, button in self.buttons.items():
            set_button_text(button, self._titles[key]())
        problem = getattr(self, "_problem", None)
        self.status.setText(problem() if problem is not None else
                            "" if self._ready else self.tr("Starting, one moment please…"))
        # The switch is labelled in the language it switches to, whatever the current one.
        set_button_text(self.language_button, "English" if self.language == "zh_CN" else "中文")
        set_button_text(self.elderly_button, self.tr("Standard text") if self.elderly else self.tr("Large text"))
        set_button_text(self.more_button, self.tr("More services"))
