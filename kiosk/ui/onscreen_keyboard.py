"""An on-screen keyboard for the kiosk's few free-text fields (the dispute note), with pinyin input.

Letters, digits, ``，。？``, space, backspace, a 中/英 switch, the candidates of the letters typed in
pages (``◀ ▶``) and Done. In Chinese (the default) letters gather as pinyin shown at the left of the
candidate bar; tapping a candidate inserts it into the field at its cursor and keeps the letters it
did not use (``yiyuan``: 医 leaves ``yuan``); space takes the first candidate. In English letters
type straight into the field. Keys never take the focus: the field keeps its cursor, and a physical
keyboard types into the field as ever (the desk has no on-screen keyboard: ``DisputeReasonScreen``).

The candidates come from ``kiosk.domain.pinyin``'s index, built from pypinyin's dictionaries once
per process on a worker (``TaskRunner``): reading and indexing them takes about half a second, so
the letters work at once and the candidates follow when the index is there. Without pypinyin (a
bundle that lacks it) the keyboard types letters only. What is typed is the patient's: never logged,
dropped by ``clear`` (the window cleared for the next patient).

Sizes from the kit's Metrics (``key``; the elderly stylesheet's 60 px and more); a page of
candidates holds as many as fit the bar's width in the type in use (each button's own size hint).
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain.pinyin import Candidate, PinyinIndex, build_index
from kiosk.ui.kit import ELDERLY_TARGET, metrics
from kiosk.ui.theme import fill

log = logging.getLogger("kiosk.ui.keyboard")

# The longest run of pinyin letters taken (a few words' worth).
MOST_LETTERS = 24
# Candidate buttons made (a page shows as many of them as fit).
SLOTS = 10

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
PUNCTUATION = {"zh": ("，", "。", "？"), "en": (",", ".", "?")}

KEY_STYLE = "QPushButton { min-width: $tap56; padding: 0px $px4; }"

_index: PinyinIndex | None = None  # one per process: built once, kept
_unavailable = False  # pypinyin missing: letters only


def load_index() -> PinyinIndex:
    """pypinyin's dictionaries read and indexed (on a worker: about half a second). Read from its JSON
    files, not through its modules: those keep the dictionaries (58 MB) for the life of the process,
    the index alone takes 15 MB."""
    began = time.perf_counter()
    readings, phrases = _dictionaries()
    loaded = time.perf_counter()
    index = build_index(readings, phrases)
    log.info("pinyin index: dictionaries read in %.0f ms, indexed in %.0f ms",
             (loaded - began) * 1000, (time.perf_counter() - loaded) * 1000)
    return index


def _dictionaries() -> tuple[dict[int, str], dict]:
    """pypinyin's character readings (code point -> "yī,yì") and phrases (phrase -> readings)."""
    spec = importlib.util.find_spec("pypinyin")  # found, not imported
    if spec is None:
        raise ImportError("pypinyin is not installed")
    return read_dictionaries(Path(next(iter(spec.submodule_search_locations or ()), "")))


def read_dictionaries(folder: Path) -> tuple[dict[int, str], dict]:
    """The two dictionaries from pypinyin's ``folder``: its JSON files, or the bundle's gzipped copies."""
    texts = []
    for name in ("pinyin_dict.json", "phrases_dict.json"):
        plain, packed = folder / name, folder / (name + ".gz")  # the bundle's are gzipped (build.spec)
        if packed.is_file():
            texts.append(gzip.decompress(packed.read_bytes()).decode("utf-8"))
        elif plain.is_file():
            texts.append(plain.read_text(encoding="utf-8"))
    if len(texts) != 2:  # another layout: through its modules, which keep them
        from pypinyin.phrases_dict import phrases_dict
        from pypinyin.pinyin_dict import pinyin_dict

        return pinyin_dict, phrases_dict
    readings = {int(code): text for code, text in json.loads(texts[0]).items()}
    return readings, json.loads(texts[1])


class OnScreenKeyboard(QFrame):
    """Keys that type into ``target`` (a ``QLineEdit``); ``done`` when Done is tapped."""

    done = Signal()
    candidates_changed = Signal()

    def __init__(self, tasks=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.tasks = tasks
        self.target: QLineEdit | None = None
        self.chinese = True
        self.letters = ""  # pinyin typed, not yet turned into characters
        self.found: list[Candidate] = []
        self._pages = [0]  # where each page of candidates shown so far begins
        self._loading = False
        self._refill_due = False
        m = metrics()
        # Keys at least 60 px wide in either look (the elderly stylesheet's height stays), with little
        # padding around a letter: a row of ten fits a 1024 px and a 1080 px portrait screen in either type.
        self.setStyleSheet(fill(KEY_STYLE, m, least_target=ELDERLY_TARGET))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.keys: dict[str, QPushButton] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(m.key_gap)

        # The candidate bar: the letters typed, the page back, the candidates, the page on.
        self.bar = QWidget(self)
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(m.key_gap)
        self.spelling = QLabel(self.bar)
        self.spelling.setObjectName("keyboardLetters")
        self.spelling.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.spelling)
        self.previous_page = self._key("prev", "◀", bar, role="secondary")
        # The candidates on a strip of their own, placed by _fill: as many as fit its width, which never
        # asks the window for more (a page holds fewer in a larger type).
        self.strip = QWidget(self.bar)
        self.strip.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.slots: list[QPushButton] = []
        for slot in range(SLOTS):
            button = self._button("candidate", lambda _=False, s=slot: self._pick(s))
            button.setParent(self.strip)
            button.hide()
            self.slots.append(button)
        bar.addWidget(self.strip, 1)
        self.strip.installEventFilter(self)
        self.next_page = self._key("next", "▶", bar, role="secondary")
        box.addWidget(self.bar)

        for number, row in enumerate(ROWS):
            line = QHBoxLayout()
            line.setSpacing(m.key_gap)
            if number == 3:
                self.switch = self._key("switch", "", line, role="secondary", stretch=2)
            for char in row:
                self._key(char, char, line, role="keypadKey", stretch=2)
            if number == 2:
                line.insertStretch(0, 1)  # the middle row set in by half a key, as on a keyboard
                line.addStretch(1)
            if number == 3:
                self._key("backspace", "⌫", line, role="secondary", stretch=3).setAutoRepeat(True)
            box.addLayout(line)
        last = QHBoxLayout()
        last.setSpacing(m.key_gap)
        for slot in range(3):
            self._key(f"punct{slot}", "", last, role="keypadKey", stretch=2)
        self._key("space", "", last, role="keypadKey", stretch=8)
        self._key("done", "", last, role="primary", stretch=4)
        box.addLayout(last)
        self.retranslate()

    # -- the keys ------------------------------------------------------------------------------------
    def _button(self, role: str, clicked) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(role)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus and its cursor
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setMinimumHeight(metrics().key)
        button.clicked.connect(clicked)
        return button

    def _key(self, key: str, text: str, line: QHBoxLayout, *, role: str, stretch: int = 0) -> QPushButton:
        button = self._button(role, lambda _=False, k=key: self.press(k))
        button.setSizePolicy(QSizePolicy.Policy.Expanding if stretch else QSizePolicy.Policy.Preferred,
                             QSizePolicy.Policy.Fixed)
        button.setText(text)
        button.setAccessibleName(text)  # a letter or digit says itself; the others are named in retranslate
        line.addWidget(button, stretch)
        self.keys[key] = button
        return button

    def attach(self, target: QLineEdit) -> None:
        self.target = target

    # -- what a key does -------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        if key == "prev":
            self._turn(-1)
        elif key == "next":
            self._turn(1)
        elif key == "switch":
            self._commit_letters()
            self.chinese = not self.chinese
            self.retranslate()
        elif key == "backspace":
            if self.letters:
                self._set_letters(self.letters[:-1])
            elif self.target is not None:
                self.target.backspace()
        elif key == "space":
            if self.letters and self.found:
                self._pick_candidate(self.found[0])
            elif self.letters:
                self._commit_letters()
            else:
                self._insert(" ")
        elif key == "done":
            self._commit_letters()
            self.hide()
            self.done.emit()
        elif key.startswith("punct"):
            self._take_first()
            self._insert(PUNCTUATION["zh" if self.chinese else "en"][int(key[-1])])
        elif key.isdigit():
            self._take_first()
            self._insert(key)
        elif self.chinese and not _unavailable:
            self.prepare()  # the index on its way: the letters wait for it
            if len(self.letters) < MOST_LETTERS:
                self._set_letters(self.letters + key)
        else:
            self._insert(key)

    def _insert(self, text: str) -> None:
        if self.target is not None and self.target.isEnabled():
            self.target.insert(text)  # at the cursor, over a selection, within the field's length

    def _take_first(self) -> None:
        """Letters pending when a digit or a mark is typed: their first candidate, as space would."""
        if self.letters and self.found:
            self._pick_candidate(self.found[0])
        self._commit_letters()

    def _commit_letters(self) -> None:
        """Letters no candidate was picked for go into the field as they are (nothing typed is lost)."""
        if self.letters:
            letters = self.letters
            self._set_letters("")
            self._insert(letters)

    def _pick(self, slot: int) -> None:
        index = self._pages[-1] + slot
        if 0 <= index < len(self.found):
            self._pick_candidate(self.found[index])

    def _pick_candidate(self, candidate: Candidate) -> None:
        self._insert(candidate.text)
        self._set_letters(self.letters[candidate.letters:])

    def clear(self) -> None:
        """The next patient: the letters dropped, the keyboard put away, Chinese again."""
        self.letters = ""
        self.found = []
        self._pages = [0]
        self.chinese = True
        self.hide()
        self.retranslate()

    # -- the candidates ------------------------------------------------------------------------------
    def prepare(self) -> None:
        """The index built (once per process, on a worker) if it is not yet."""
        if _index is not None or _unavailable or self._loading:
            return
        if self.tasks is None:
            self._loaded(load_index())
            return
        self._loading = True
        try:
            self.tasks.run(load_index, self._loaded, self._not_loaded)
        except RuntimeError:  # the pool closed: shutting down
            self._loading = False

    def _loaded(self, index: PinyinIndex) -> None:
        global _index
        _index = index
        self._loading = False
        self._set_letters(self.letters)

    def _not_loaded(self, error: BaseException) -> None:
        global _unavailable
        self._loading = False
        _unavailable = True
        log.warning("pinyin input off: %s", type(error).__name__)
        self._commit_letters()
        self.chinese = False
        self.retranslate()

    def _set_letters(self, letters: str) -> None:
        self.letters = letters
        self.found = _index.candidates(letters) if letters and _index is not None else []
        self._pages = [0]
        self._show_letters()
        self._fill()

    def _show_letters(self) -> None:
        self.spelling.setText(self.letters)
        self.spelling.setVisible(bool(self.letters))

    def _turn(self, step: int) -> None:
        if step < 0 and len(self._pages) > 1:
            self._pages.pop()
        elif step > 0:
            shown = sum(1 for slot in self.slots if not slot.isHidden())
            if self._pages[-1] + shown < len(self.found):
                self._pages.append(self._pages[-1] + shown)
        self._fill()

    def shown_candidates(self) -> list[str]:
        """The candidates on the page shown, in order (what a patient sees on the bar)."""
        return [slot.text() for slot in self.slots if not slot.isHidden()]

    def _fill(self) -> None:
        """As many candidates from the page's start as fit the strip's width, side by side."""
        start = self._pages[-1]
        gap = max(0, self.bar.layout().spacing())
        room = self.strip.width()
        height = max(self.strip.height(), self.next_page.sizeHint().height())
        x = 0
        full = False
        for slot, button in enumerate(self.slots):
            index = start + slot
            if full or index >= len(self.found):
                button.hide()
                continue
            button.setText(self.found[index].text)
            button.setAccessibleName(self.found[index].text)
            width = max(button.sizeHint().width(), button.minimumSizeHint().width(), button.minimumWidth())
            if x + width > room and slot > 0:
                full = True
                button.hide()
                continue
            button.setGeometry(x, 0, width, height)
            button.show()
            x += width + gap
        shown = sum(1 for slot in self.slots if not slot.isHidden())
        self.previous_page.setEnabled(len(self._pages) > 1)
        self.next_page.setEnabled(start + shown < len(self.found))
        self.candidates_changed.emit()

    def _refill_later(self) -> None:
        if not self._refill_due:
            self._refill_due = True
            QTimer.singleShot(0, self, self._refill)  # not after the keyboard is gone

    def _refill(self) -> None:
        self._refill_due = False
        self._fill()

    # -- Qt --------------------------------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.Resize):
            self._refill_later()  # another type (the elderly mode) or width: another page
        elif event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.strip and event.type() == QEvent.Type.Resize:
            self._refill_later()
        return super().eventFilter(watched, event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.prepare()

    def retranslate(self) -> None:
        keys = self.keys
        keys["switch"].setText("中" if self.chinese else self.tr("EN"))
        keys["switch"].setAccessibleName(
            self.tr("Chinese pinyin input: tap for English letters") if self.chinese
            else self.tr("English letters: tap for Chinese pinyin input"))
        keys["space"].setText(self.tr("Space"))
        keys["space"].setAccessibleName(self.tr("Space"))
        keys["done"].setText(self.tr("Done"))
        keys["done"].setAccessibleName(self.tr("Done: put the keyboard away"))
        keys["backspace"].setAccessibleName(self.tr("Delete"))
        keys["prev"].setAccessibleName(self.tr("Previous candidates"))
        keys["next"].setAccessibleName(self.tr("More candidates"))
        for slot, mark in enumerate(PUNCTUATION["zh" if self.chinese else "en"]):
            keys[f"punct{slot}"].setText(mark)
            keys[f"punct{slot}"].setAccessibleName(mark)
        self.setAccessibleName(self.tr("On-screen keyboard"))
        self._show_letters()
        self._fill()
