"""The training cards, pressed as staff press them, and a reader whose thread dies, in the real app.

Once, tapping a training card handed the button's ``checked`` flag to the reader as the
card: the reader's thread died, nothing showed, later taps did nothing, and selftest said
OK. Here the cards are tapped on the identify screen (QTest clicks), the reader's loop is
made to raise, and the kiosk must say so on its window, to the platform (heartbeat), to
``kiosk-admin selftest`` and in the support bundle, and come back by itself.
"""
from __future__ import annotations

import json
import os
import subprocess
import zipfile

from PySide6.QtCore import Qt

from sandbox.demo_data import DEMO_PATIENTS
from tests.helpers import patient, tap_card, training_card
from tests.test_accessibility import ELDERLY, STANDARD, problems_of
from tests.test_admin import ADMIN
from tests.test_device_supervision import Breaker

LEFT = Qt.MouseButton.LeftButton


def to_identify(qtbot, app) -> None:
    qtbot.mouseClick(app.window.home.buttons["pay"], LEFT)
    qtbot.waitUntil(lambda: app.window.current == "identify", timeout=5_000)


def test_every_demo_patient_has_a_card_labelled_in_the_screens_language(qtbot, kiosk):
    w = kiosk.window
    to_identify(qtbot, kiosk)
    roles = [b.objectName().removeprefix("trainingCard-") for b in w.identify.training_buttons.values()]
    assert roles == [p["role"] for p in DEMO_PATIENTS] + ["damaged"]
    assert training_card(kiosk, "tier1").text() == "Demo card:\ntier 1 credit"
    assert training_card(kiosk, "arrears").text() == "Demo card:\noverdue, suspended"
    assert training_card(kiosk, "tier1").accessibleName() == "Demo card: tier 1 credit"
    for role in roles:
        label = training_card(kiosk, role).text()
        assert label.startswith("Demo card:\n") and label != f"Demo card:\n{role}"  # words, not the key

    qtbot.mouseClick(w.identify.back_button, LEFT)
    qtbot.mouseClick(w.home.language_button, LEFT)  # 中文
    qtbot.waitUntil(lambda: w.home.language_button.text() == "English")
    to_identify(qtbot, kiosk)
    assert training_card(kiosk, "tier1").text() == "示范卡：\n一档信用"
    assert training_card(kiosk, "minor").text() == "示范卡：\n未成年（监护人）"
    assert training_card(kiosk, "damaged").text() == "示范卡：\n损坏的卡"
    for role in roles:
        assert training_card(kiosk, role).text().startswith("示范卡：\n")
        assert not any("a" <= ch <= "z" for ch in training_card(kiosk, role).text())  # all of it translated


def test_tapped_cards_identify_one_patient_after_another(qtbot, kiosk, caplog):
    app, w = kiosk, kiosk.window
    to_identify(qtbot, app)
    tap_card(qtbot, app, "tier1")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert patient("tier1")["id_number"][-4:] in w.bill.who.text()
    qtbot.mouseClick(w.bill.back_button, LEFT)
    qtbot.waitUntil(lambda: w.current == "home")

    to_identify(qtbot, app)  # the next patient: the reader still reads
    tap_card(qtbot, app, "tier3")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert patient("tier3")["id_number"][-4:] in w.bill.who.text()
    reader = app.services.reader.device("id-reader")
    assert reader.running and reader.state == "ready" and reader.failure == ""
    assert not w.device_notice.isVisible()
    assert "device worker failed" not in caplog.text and "refused" not in caplog.text


# -- a reader whose thread dies ----------------------------------------------------------------------

def fleet_reader(client) -> dict:
    """The ID reader as the platform last heard of it from this kiosk (heartbeat)."""
    terminals = client.get("/v1/fleet").json()["terminals"]
    if not terminals:
        return {}
    return next((d for d in terminals[0]["heartbeat"]["devices"] if d["name"] == "id-reader"), {})


def admin(*args: str) -> subprocess.CompletedProcess:
    """``kiosk-admin`` in its own process, as IT runs it next to the kiosk."""
    return subprocess.run([str(ADMIN), *args], env=dict(os.environ), capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def line_of(output: str, name: str) -> str:
    return next((line for line in output.splitlines() if line[5:].startswith(name)), "")


def test_a_reader_whose_thread_dies_is_shown_reported_and_comes_back(qtbot, kiosk, sandbox_client, tmp_path):
    app, w = kiosk, kiosk.window
    config = os.environ["KIOSK_CONFIG"]  # kiosk-admin reads the kiosk's folders from its settings file
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w", encoding="utf-8") as out:
        out.write(f"data_dir = {json.dumps(app.settings.data_dir)}\n"
                  f"printer_pdf_dir = {json.dumps(app.settings.printer_pdf_dir)}\n")
    reader = app.services.reader.device("id-reader")
    app.services.reader.supervisor.max_delay_s = 0.5  # restarts tried often while it stays broken
    broken = Breaker(reader, "_next", once=False)
    to_identify(qtbot, app)
    assert training_card(app, "tier1").isEnabled() and not w.device_notice.isVisible()

    broken.armed.set()  # from now on the reader's loop raises each time round, restart after restart
    qtbot.waitUntil(w.device_notice.isVisible, timeout=5_000)
    said = w.device_notice.text.text()
    assert said.startswith("⚠ The ID-card reader is not working at the moment.")
    assert "service desk" in said  # no other reader at this kiosk
    assert not training_card(app, "tier1").isEnabled()  # a card laid now would not be read
    for elderly, rules in ((False, STANDARD), (True, ELDERLY)):  # type size and contrast, as every screen
        app.elderly.set(elderly)
        assert problems_of(w, w.device_notice, rules) == []
    app.elderly.set(False)

    qtbot.waitUntil(lambda: fleet_reader(sandbox_client).get("state") == "lost", timeout=10_000)
    assert "RuntimeError" in fleet_reader(sandbox_client)["problem"]

    selftest = admin("selftest")
    assert selftest.returncode == 1, selftest.stdout
    assert line_of(selftest.stdout, "live id-reader").startswith("FAIL")
    assert "RuntimeError" in line_of(selftest.stdout, "live id-reader")
    assert line_of(selftest.stdout, "device id-reader").startswith("OK")  # configured fine: it is the thread

    bundle = tmp_path / "bundle.zip"
    assert admin("logs", "bundle", "--out", str(bundle)).returncode == 0
    with zipfile.ZipFile(bundle) as zf:
        devices = zf.read("devices.txt").decode("utf-8")
        problems = zf.read("problems.txt").decode("utf-8")
    assert "id-reader: lost" in devices and "RuntimeError" in devices and "is running now" in devices
    assert "device id-reader is lost in the running kiosk" in problems

    broken.armed.clear()  # the fault is gone: the next restart holds
    qtbot.waitUntil(lambda: not w.device_notice.isVisible(), timeout=10_000)
    assert training_card(app, "tier1").isEnabled()
    (status,) = app.services.reader.status()
    assert status.state == "ready" and status.restarts >= 1 and "RuntimeError" in status.last_failure
    tap_card(qtbot, app, "tier2")
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
    assert patient("tier2")["id_number"][-4:] in w.bill.who.text()

    qtbot.waitUntil(lambda: fleet_reader(sandbox_client).get("state") == "ready", timeout=10_000)
    assert "restarted" in fleet_reader(sandbox_client)["problem"]  # IT still sees that it went down
    selftest = admin("selftest")
    assert selftest.returncode == 0, selftest.stdout
    assert line_of(selftest.stdout, "live id-reader").startswith("OK")
