"""Every screen fits every kiosk screen: the demo tour (kiosk/demo.py: every journey's screens
with the demo patients, then the cashier's desk) walked at 1024x768, 1280x1024, 1920x1080 and
1080x1920 (portrait), with every device (the identify screen's four media), and each screen it
shows checked in Chinese and English, in the standard and the elderly mode, from the widget tree
(tests/layout_check.py): every visible widget inside the window, every label's and button's text
within its width, touch targets of 44 px (60 px in the elderly mode). A screenshot of each is saved
(``KIOSK_LAYOUT_SHOTS`` names the folder; else the test's temporary folder)."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from kiosk.ui.kit import Metrics, use_metrics
from tests.layout_check import problems

pytestmark = pytest.mark.slow

SIZES = [(1024, 768), (1280, 1024), (1920, 1080), (1080, 1920)]


def other(language: str) -> str:
    return "en" if language == "zh_CN" else "zh_CN"


def settle() -> None:
    for _ in range(3):  # the stylesheet's polish, then the layouts, then heights that follow widths
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # a layout asked again meanwhile


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("KIOSK_LAYOUT_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("mode", ["kiosk", "desk"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits_the_screen(qtbot, tmp_path, shots, size, mode):
    from kiosk.app import KioskApp
    from kiosk.demo import Tour, demo_settings

    settings = demo_settings(out=tmp_path / "paper", work=tmp_path / "work", size=size, mode=mode)
    # Every reader and the scanner: the identification screen names all four media, its longest.
    settings = settings.with_overrides(sscard_reader="simulated", scanner="simulated")
    app = KioskApp(settings)
    qtbot.addWidget(app.window)
    w = app.window
    found: list[str] = []
    checked: list[str] = []
    widgets = [0]
    writer = ThreadPoolExecutor(1, thread_name_prefix="ThreadPoolExecutor-shots")
    saving = []

    def check(name: str) -> None:
        """The screen shown in both languages and both modes: the language it is in first, then the
        other (left so for the next screen: one switch of each kind per screen)."""
        first = app.languages.current
        for language, elderly in ((first, False), (first, True), (other(first), True), (other(first), False)):
            if app.languages.current != language:
                app.toggle_language()
            app.elderly.set(elderly)
            settle()
            roots = [w.header, w.banner, w.offline_banner, w.device_notice, w.stack.currentWidget()]
            said, seen = problems(w, roots, elderly=elderly)
            if (w.width(), w.height()) != size:  # the screen's content pushed the window past the screen
                said.append(f"the window grew to {w.width()}x{w.height()}")
                w.resize(*size)
            look = "elderly" if elderly else "standard"
            found.extend(f"{name} [{language}, {look}] {p}" for p in said)
            widgets[0] += seen
            checked.append(name)
            picture = w.grab().toImage()  # written on another thread while the tour goes on
            saving.append(writer.submit(picture.save, str(shots / f"{name}-{language}-{look}.png"), "PNG", 80))

    prefix = f"{size[0]}x{size[1]}-{mode}-"
    tour = Tour(app, None, prefix=prefix, on_shot=check)
    began = time.monotonic()
    try:
        with qtbot.waitSignal(tour.finished, timeout=120_000) as done:
            tour.start()
            app.show()
        assert done.args == [0], "the tour stopped on the way"
    finally:
        app.shutdown()
        use_metrics(Metrics())
        writer.shutdown(wait=True)
    assert all(future.result() for future in saving), "a screenshot was not written"
    print(f"{prefix}: {len(checked)} screens checked, {widgets[0]} widgets, {time.monotonic() - began:.1f} s")
    assert len(set(checked)) >= (10 if mode == "desk" else 30)
    assert found == [], f"{len(found)} problems:\n" + "\n".join(found[:400])
