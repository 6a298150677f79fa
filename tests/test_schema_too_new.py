"""A downgraded kiosk meets data written by a newer release: it refuses to open it, says
which release to reinstall, and changes nothing (real SQLite files, the real journal,
kiosk-admin as IT runs it)."""
from __future__ import annotations

import hashlib
import sqlite3

import pytest

from offline_cache.db import Database, SchemaTooNew

V1 = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
V2 = "ALTER TABLE notes ADD COLUMN seen_at TEXT;"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def user_version(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_an_older_release_refuses_a_newer_schema_and_names_the_release_to_reinstall(tmp_path):
    path = tmp_path / "journal.sqlite"
    newer = Database(path, [V1, V2], software="0.3.0")
    with newer.transaction() as conn:
        conn.execute("INSERT INTO notes (text, seen_at) VALUES ('kept', '2026-01-02')")
    newer.close()
    before = digest(path)

    with pytest.raises(SchemaTooNew) as refused:
        Database(path, [V1], software="0.2.0")
    error = refused.value
    assert (error.found, error.known, error.needed, error.code) == (2, 1, "0.3.0", "software_older_than_data")
    said = str(error)
    assert "older than its data" in said and "Reinstall version 0.3.0 or later, or call IT" in said
    assert "journal.sqlite" in said and "0.2.0" in said

    assert digest(path) == before and user_version(path) == 2  # nothing written, nothing migrated
    again = Database(path, [V1, V2], software="0.3.0")  # the right release opens it as it was
    assert [tuple(r) for r in again.query("SELECT text, seen_at FROM notes")] == [("kept", "2026-01-02")]
    again.close()


def test_a_file_that_only_says_its_version_is_refused_too(tmp_path):
    """Written by a release from before versions were recorded: no release to name."""
    path = tmp_path / "cache.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(V1)
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(SchemaTooNew) as refused:
        Database(path, [V1, V2], software="0.2.0")
    assert (refused.value.found, refused.value.known, refused.value.needed) == (7, 2, "")
    assert "Reinstall the newer release it came from, or call IT" in str(refused.value)
    assert user_version(path) == 7


def test_the_same_or_an_older_schema_still_opens_and_migrates(tmp_path):
    path = tmp_path / "reprints.sqlite"
    Database(path, [V1], software="0.1.0").close()
    db = Database(path, [V1, V2], software="0.2.0")
    assert db.query("PRAGMA user_version")[0][0] == 2
    recorded = {r["user_version"]: r["software"] for r in db.query("SELECT * FROM schema_software")}
    assert recorded == {1: "0.1.0", 2: "0.2.0"}
    db.close()


def test_the_real_journal_refuses_a_newer_file(tmp_path):
    from offline_cache.journal import Journal

    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        known = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {known + 1}")
    with pytest.raises(SchemaTooNew) as refused:
        Journal(path)
    assert (refused.value.found, refused.value.known) == (known + 1, known)


def test_kiosk_admin_prints_the_refusal_and_fails(capsys):
    from kiosk import admin
    from offline_cache.journal import Journal

    path = admin.load_settings().data_path / "journal.sqlite"  # the test's own data folder
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    code = admin.main(["queue", "list"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("kiosk-admin: journal.sqlite has schema version 99")
    assert "older than its data" in err and "call IT" in err and "Traceback" not in err


def test_the_screen_says_what_to_do_in_the_kiosks_words(qapp, tmp_path):
    from kiosk.ui.messages import startup_problem

    path = tmp_path / "x.sqlite"
    with_release = SchemaTooNew(path, 3, 2, "0.4.1", "0.3.0")
    assert startup_problem(with_release) == ("This kiosk's software is older than its data, so it cannot start. "
                                             "Nothing was changed. Please call IT to reinstall version 0.4.1 or later.")
    without = SchemaTooNew(path, 3, 2, "", "0.3.0")
    assert "call IT to reinstall the newer release" in startup_problem(without)


def test_a_kiosk_started_on_newer_data_says_so_on_its_home_screen_and_offers_nothing(qtbot, kiosk_settings, sandbox):
    """The patient (and IT) read why the kiosk cannot start, in the screen's language; no journey can be begun;
    the newer release's journal is left as it was."""
    from kiosk.app import KioskApp

    data = kiosk_settings.data_path
    data.mkdir(parents=True, exist_ok=True)
    journal = data / "journal.sqlite"
    with sqlite3.connect(journal) as conn:
        conn.execute("CREATE TABLE later_things (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 99")
    before = digest(journal)
    app = KioskApp(kiosk_settings, secret=sandbox.secret)
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.boot_failed, timeout=20_000):
            app.show()
        home = app.window.home
        assert home.status.text() == ("This kiosk's software is older than its data, so it cannot start. "
                                      "Nothing was changed. Please call IT to reinstall the newer release.")
        assert len(home.buttons) >= 5 and not any(b.isEnabled() for b in home.buttons.values())
        app.toggle_language()
        assert home.status.text().startswith("本机软件版本低于其数据版本，无法启动")
    finally:
        app.shutdown()
    assert digest(journal) == before and user_version(journal) == 99
