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
def _design_metrics():
    """Each test starts at the design size's layout: an app booted by an earlier test chose the
    Metrics of its window (kiosk/ui/theme.py use_screen), which would outlive it otherwise."""
    yield
    from kiosk.ui.kit import Metrics, use_metrics

    use_metrics(Metrics())


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
    from tests.sandbox_fixtures import counterparts

    return Settings(
        platform_url=sandbox.url,
        terminal_id=sandbox.terminal_id,
        policy=sandbox.city,  # the kiosk follows the platform's city profile
        data_dir=str(tmp_path / "kiosk-data"),
        printer_pdf_dir=str(tmp_path / "receipts"),
        full_screen=False,
        language="en",  # assertions read in English; the Chinese default has its own test
        voice_player=SILENT_PLAYER,  # the prompts played for real, on ALSA's null device
        **counterparts(sandbox),  # the HIS and the insurance service beside it, their secrets in the keyring
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


CASHIER, CASHIER_PIN = "1001", "246810"
#: The spoken prompts' player in the tests: the real aplay, on ALSA's null device (no sound card here).
SILENT_PLAYER = "aplay -q -D null"


def boot(qtbot, tmp_path, platform, city, mode="kiosk"):
    """The app booted on ``platform`` with ``city``'s profile. A desk is the platform's desk
    terminal (``desk_terminal_id``): the demo cashier logs in and opens the shift on its
    screens, as at the start of a day at the window (the platform takes no money otherwise)."""
    from kiosk.settings import Settings
    from tests.sandbox_fixtures import counterparts

    desk = mode == "desk"
    terminal_id = platform.desk_terminal_id if desk else platform.terminal_id
    settings = Settings(platform_url=platform.url, terminal_id=terminal_id, policy=city, mode=mode,
                        voice_player=SILENT_PLAYER,
                        data_dir=str(tmp_path / "kiosk-data"), printer_pdf_dir=str(tmp_path / "receipts"),
                        full_screen=False, language="en", **counterparts(platform, desk=desk))
    app = _booted_app(qtbot, settings, platform.desk_secret if desk else platform.secret)
    if desk:
        log_in(qtbot, app, CASHIER, CASHIER_PIN)
        open_shift(qtbot, app)
    return app


def _booted_app(qtbot, settings, secret):
    """``secret``: the terminal's (bytes), or a sandbox whose kiosk terminal's secret it is."""
    from kiosk.app import KioskApp
    from kiosk.ui.payment import Payments

    app = KioskApp(settings, secret=secret if isinstance(secret, bytes) else secret.secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    app.ctx.payments.poll_ms = 50  # ask the payment channel often: tests wait on the answer
    assert isinstance(app.ctx.payments, Payments)
    return app


@pytest.fixture
def kiosk(qtbot, kiosk_settings, sandbox):
    """The real app in kiosk mode, booted against the sandbox on loopback."""
    app = _booted_app(qtbot, kiosk_settings, sandbox.secret)
    yield app
    app.shutdown()


@pytest.fixture
def desk_settings(kiosk_settings, sandbox):
    """The cashier desk's settings: desk mode on the platform's desk terminal."""
    from tests.sandbox_fixtures import counterparts

    return kiosk_settings.with_overrides(mode="desk", terminal_id=sandbox.desk_terminal_id,
                                         **counterparts(sandbox, desk=True))


@pytest.fixture
def desk(qtbot, desk_settings, sandbox):
    """The real app in the cashier's desk mode on the desk terminal: the demo cashier logged in
    (on its login screen) and the shift opened (on the shift screen)."""
    app = _booted_app(qtbot, desk_settings, sandbox.desk_secret)
    log_in(qtbot, app, CASHIER, CASHIER_PIN)
    open_shift(qtbot, app)
    yield app
    app.shutdown()


@pytest.fixture
def desk_client(sandbox):
    """A signing client of the platform's desk terminal (no operator logged in yet)."""
    from tests.sandbox_fixtures import SignedClient

    with SignedClient(sandbox.url, sandbox.desk_terminal_id, sandbox.desk_secret) as client:
        yield client


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


def open_shift(qtbot, app) -> None:
    """Home → "Shift and report" → "Open shift", tapped; back home with the shift open."""
    from PySide6.QtCore import Qt

    w = app.window
    left = Qt.MouseButton.LeftButton
    qtbot.waitUntil(w.home.buttons["shift"].isVisible)
    qtbot.mouseClick(w.home.buttons["shift"], left)
    shift = app.ctx.journeys["shift"]
    qtbot.waitUntil(lambda: shift.screen.open_button.isVisible() and shift.screen.open_button.isEnabled(),
                    timeout=10_000)
    with qtbot.waitSignal(shift.opened, timeout=10_000):
        qtbot.mouseClick(shift.screen.open_button, left)
    qtbot.mouseClick(shift.screen.back_button, left)
    assert w.current == "home"


@pytest.fixture
def taps(qtbot):
    from tests.helpers import Taps

    return Taps(qtbot)

