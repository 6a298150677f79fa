"""The start: the home screen is usable (journey buttons enabled) as soon as the services
are built; the journeys' own screens are built in the idle turns that follow, or on the
tap that needs them first. And the benchmark hook that times it (``kiosk
--exit-when-usable``) reports a frame only when a patient could use it."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest

from benchmarks.common import FRAME, ROOT, Platform
from kiosk.app import KioskApp
from kiosk.ui.journeys import JOURNEYS, journey_classes


def test_a_tap_before_its_journey_is_built_starts_the_journey(qtbot, kiosk_settings, sandbox):
    app = KioskApp(kiosk_settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.usable, timeout=20_000):
            app.show()
        home = app.window.home
        last = list(home.buttons)[-1]  # built last by the idle turns
        assert not app.ctx.journeys.is_built(last)
        assert all(b.isEnabled() and b.isVisible() for b in home.buttons.values())
        QTest.mouseClick(home.buttons[last], Qt.MouseButton.LeftButton)
        assert app.window.current == "identify"  # the journey was built by the tap and started
        with qtbot.waitSignal(app.ready, timeout=20_000):
            pass
        assert all(app.ctx.journeys.is_built(key) for key in home.buttons)
    finally:
        app.shutdown()


def test_every_journey_title_is_known_before_the_journey_is_built(kiosk):
    """The home buttons are labelled before their journeys exist, from ``kiosk.ui.journeys``:
    each title is the one its journey gives, in the screen's language."""
    offered = {cls.key: cls for cls in journey_classes()}
    assert set(kiosk.window.home.buttons) <= set(offered)
    for key, button in kiosk.window.home.buttons.items():
        journey = kiosk.ctx.journeys[key]
        assert offered[key].title(None) == journey.title() == button.text() != ""


def test_the_journey_list_names_each_journey_as_its_class_does(kiosk):
    """Every entry (the desk's too), in English and in Chinese: its key, its title and
    whether it is for the desk only are its class's; nothing is offered twice."""
    assert len({entry.key for entry in JOURNEYS}) == len(JOURNEYS)
    for language in ("zh_CN", "en"):
        kiosk.languages.set(language)
        for entry in JOURNEYS:
            cls = entry.load()
            assert (entry.key, entry.title(), entry.desk_only) == (cls.key, cls.title(None), cls.desk_only), entry
            assert entry.title() != ""
    kiosk.languages.set("zh_CN")
    assert JOURNEYS[1].title() != "Pay outpatient bill"  # translated, not the source text


def _kiosk_until_usable(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk", "--exit-when-usable", "--windowed"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_the_usable_frame_is_reported_only_with_the_platform_answering(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    platform = Platform(tmp_path, env)  # kiosk-sandbox in its own process, as a hospital's platform
    try:
        platform.configure(env)  # platform_url in the settings file, the secret in the keyring
        up = _kiosk_until_usable(env)
    finally:
        platform.stop()
    assert up.returncode == 0, up.stderr[-3000:]
    assert [line for line in up.stdout.splitlines() if line.startswith(FRAME)]
    # For IT: the start's timeline in the kiosk's log, milestones in the order they came.
    log = (Path(env["KIOSK_DATA_DIR"]) / "logs" / "kiosk.log").read_text(encoding="utf-8")
    timeline = [line.split("start-up: ", 1)[1] for line in log.splitlines() if "start-up: " in line]
    assert len(timeline) == 1, log[-3000:]
    marks = {name: float(ms) for name, ms in (re.fullmatch(r"([a-z ]+) (\d+) ms", part).groups()
                                             for part in timeline[0].split(", "))}
    assert {"window made", "first paint", "keyring read", "services built", "usable", "platform answered"} <= set(marks)
    assert marks["window made"] <= marks["first paint"] <= marks["usable"]
    assert marks["keyring read"] <= marks["services built"] <= marks["usable"]
    down = _kiosk_until_usable(env)  # the same kiosk, its platform gone: not a usable frame
    assert down.returncode == 4, down.stderr[-3000:]
    assert FRAME not in down.stdout


def test_a_kiosk_shut_down_while_it_starts_leaves_nothing_running(qtbot, kiosk_settings, sandbox, monkeypatch):
    """Shut down while the worker builds the services (whose sync thread starts among them):
    what was built is closed, no thread stays (the autouse check of leftover threads)."""
    import kiosk.services

    building, go = threading.Event(), threading.Event()
    build = kiosk.services.build_services

    def held_build(*args, **kwargs):  # the real build, once the test has the kiosk shutting down
        building.set()
        go.wait(30)
        return build(*args, **kwargs)

    monkeypatch.setattr(kiosk.services, "build_services", held_build)
    app = KioskApp(kiosk_settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    app.show()
    qtbot.waitUntil(building.is_set, timeout=10_000)  # the worker has started
    assert app.services is None
    go.set()  # it builds them while the kiosk shuts down (which waits for it)
    app.shutdown()
    QCoreApplication.processEvents()  # the worker's answer, queued before shutdown returned, finds it shut down
    assert app.services is None and app.ctx is None


def test_once_the_start_is_over_garbage_is_collected_again_and_the_start_is_left_out():
    import gc

    from kiosk import startup

    gc.disable()  # as the entry point does for the start
    try:
        startup.collect_from_now_on()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 1000  # what the start made: out of every later scan
    finally:
        gc.unfreeze()
        gc.enable()
