"""`kiosk demo --tour` walks the journeys headless and leaves screenshots and receipts."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from sandbox.demo_data import DEMO_PATIENTS
from tests.helpers import pdf_text

pytestmark = pytest.mark.slow


def test_tour_saves_every_screen_and_every_receipt_without_a_full_id(tmp_path):
    out = tmp_path / "demo-output"
    done = subprocess.run([sys.executable, "-m", "kiosk", "demo", "--tour", "--out", str(out)],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"in {out}" in done.stdout

    shots = sorted(p.name for p in out.glob("*.png"))
    for screen in ("home", "bill-adult", "paid-adult", "home-english", "bill-minor", "paid-minor",
                   "bill-beyond-line", "payment-qr", "paid-with-phone", "refused-suspended", "repay", "repaid",
                   "register-departments", "register-sessions", "registered", "open-consent", "open-phone",
                   "opened", "query", "dispute-bill", "disputed", "admit", "admitted", "discharge",
                   "discharged", "close-refused", "offline-bill", "settled-offline", "synced",
                   "card-unreadable", "idle-countdown",
                   "home-after-idle"):
        assert any(name.endswith(f"-{screen}.png") for name in shots), screen
    for shot in out.glob("*.png"):
        image = QImage(str(shot))
        assert image.width() >= 1024 and image.height() >= 700

    receipts = sorted(out.glob("*.pdf"))
    kinds = {p.name.split("-")[0] for p in receipts}
    assert kinds >= {"receipt", "registration", "repayment", "discharge", "statement"}
    full_ids = [p["id_number"] for p in DEMO_PATIENTS]
    names = [p["name"] for p in DEMO_PATIENTS]
    for receipt in receipts:
        text = pdf_text(receipt)
        assert "￥" in text
        assert not any(number in text for number in full_ids)
        assert not any(name in text for name in names)
    # nothing personal in what the tour printed to its console either
    console = done.stdout + done.stderr
    assert not any(number in console for number in full_ids)
    assert not any(name in console for name in names)


def test_the_demo_follows_the_settings_file_for_devices_city_and_hospital(tmp_path):
    """Staff can train on the real serial driver (against the simulated SAM reader process),
    under their city's profile and with their hospital's name on paper."""
    config = tmp_path / "settings.toml"
    config.write_text('id_reader = "sam-simulator"\npolicy = "hangzhou"\nhospital_name = "杭州市培训医院"\n',
                      encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "kiosk", "demo", "--tour", "--out", str(out)],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_CONFIG": str(config)},
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    receipt = next(out.glob("receipt-*.pdf"))
    assert "杭州市培训医院" in pdf_text(receipt)
