"""Shared fixtures: fresh settings and folders per test, a pinned keyring, the sandbox."""
from __future__ import annotations

import os

# Before anything imports Qt or keyring.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"

# tests.printing.printed: every document the journeys print, kept for its arithmetic check.
pytest_plugins = ["tests.sandbox_fixtures", "tests.ci_skips", "tests.printing.printed"]


import threading  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """Fresh settings, data folders and keyring file for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("KIOSK_CONFIG", str(home / "config" / "settings.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(home / "kiosk-data"))
    yield


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    """A test must not leave worker threads running (napari's check)."""
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()
                and not t.name.startswith(("asyncio_", "ThreadPoolExecutor"))]
    for thread in leftover:
        thread.join(timeout=5)
    still = [t.name for t in leftover if t.is_alive()]
    assert not still, f"test left threads running: {still}"


@pytest.fixture
def kiosk_settings(tmp_path, sandbox):
    from kiosk.settings import Settings

    return Settings(
        platform_url=sandbox.url,
        terminal_id=sandbox.terminal_id,
        policy=sandbox.city,  # the kiosk follows the platform's city profile
        data_dir=str(tmp_path / "kiosk-data"),
        printer_pdf_dir=str(tmp_path / "receipts"),
        full_screen=False,
        language="en",  # assertions read in English; the Chinese default has its own test
    )


@pytest.fixture
def city() -> str:
    """The policy profile of the sandbox (and so of the kiosk); parametrize ``city`` to change it."""
    return "xiamen"


@pytest.fixture
def platform(sandbox):
    """The sandbox, under the name the journey tests use."""
    return sandbox


@pytest.fixture
def client(sandbox_client):
    return sandbox_client


def boot(qtbot, tmp_path, platform, city, mode="kiosk"):
    """The app booted on ``platform`` with ``city``'s profile; the desk without operator login
    (refunds and repayments in the terminal's name; the login has its own tests: test_desk_*)."""
    from kiosk.settings import Settings

    settings = Settings(platform_url=platform.url, terminal_id=platform.terminal_id, policy=city, mode=mode,
                        data_dir=str(tmp_path / "kiosk-data"), printer_pdf_dir=str(tmp_path / "receipts"),
                        full_screen=False, language="en", operator_login=False)
    return _booted_app(qtbot, settings, platform)


def _booted_app(qtbot, settings, sandbox):
    from kiosk.app import KioskApp
    from kiosk.ui.payment import Payments

    app = KioskApp(settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    app.ctx.payments.poll_ms = 50  # ask the payment channel often: tests wait on the answer
    assert isinstance(app.ctx.payments, Payments)
    return app


@pytest.fixture
def kiosk(qtbot, kiosk_settings, sandbox):
    """The real app in kiosk mode, booted against the sandbox on loopback."""
    app = _booted_app(qtbot, kiosk_settings, sandbox)
    yield app
    app.shutdown()


@pytest.fixture
def desk(qtbot, kiosk_settings, sandbox):
    """The real app in the cashier's desk mode, the demo cashier logged in (on its login screen)."""
    app = _booted_app(qtbot, kiosk_settings.with_overrides(mode="desk"), sandbox)
    log_in(qtbot, app, "1001", "246810")
    yield app
    app.shutdown()


def log_in(qtbot, app, operator_id: str, pin: str) -> None:
    """Type the staff number and PIN on the desk's login screen and wait for the home screen."""
    from PySide6.QtCore import Qt

    form = app.window.login.form
    assert app.window.current == "login"
    form.id_field.setText(operator_id)
    form.pin_field.setText(pin)
    with qtbot.waitSignal(app.desk_login.logged_in, timeout=10_000):
        qtbot.keyClick(form.pin_field, Qt.Key.Key_Return)
    assert app.window.current == "home"


@pytest.fixture
def taps(qtbot):
    from tests.helpers import Taps

    return Taps(qtbot)

