"""Offline mode, as patients, cashiers and IT meet it: the rules of credit offline, nothing
personal at rest, the banner and the offline settlement in the real app (the platform
behind the fault proxy), the cashier's conflicts journey, ``kiosk-admin queue``."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from kiosk.domain.models import Account, Patient, Visit, VisitItem
from kiosk.domain.offline import OfflineLimits, OfflineRefused, offline_split
from kiosk.services import build_services
from kiosk.settings import Settings
from kiosk.usecases.identify import PatientSession
from sandbox.demo_data import DEMO_PATIENTS
from tests.faultproxy import FaultProxy
from tests.helpers import all_texts, patient, tap_card

LEFT = Qt.MouseButton.LeftButton
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LIMITS = OfflineLimits(max_age_s=1800, txn_cap_fen=50_000, terminal_cap_fen=300_000)


# -- the rules --------------------------------------------------------------------------------

def offline_session(personal_fen: int, *, status="active", available=100_000, overdue=0, age_s=60,
                    account=True) -> tuple[PatientSession, tuple]:
    visit = Visit("V1", "内科", "王医生", NOW, (VisitItem("X", "检查", "1", personal_fen + 100, personal_fen + 100),),
                  personal_fen + 100, 100, personal_fen)
    acct = Account("CA1", status, 200_000, 200_000 - available, available, overdue) if account else None
    who = Patient("P1", "张三", "350203199001010011", "M", date(1990, 1, 1), False, None, "CA1")
    return PatientSession(who, acct, (visit,), offline=True, snapshot_at=NOW - timedelta(seconds=age_s)), (visit,)


@pytest.mark.parametrize("case, code", [
    (dict(personal_fen=500, status="suspended"), "offline_account_suspended"),
    (dict(personal_fen=500, overdue=1), "offline_repay_first"),
    (dict(personal_fen=500, age_s=1801), "offline_snapshot_stale"),
    (dict(personal_fen=500, age_s=-3600), "offline_snapshot_stale"),  # the clock went back: not trusted
    (dict(personal_fen=50_001), "offline_over_txn_cap"),
    (dict(personal_fen=20_000, available=19_999), "offline_over_line"),
    (dict(personal_fen=500, account=False), "offline_no_credit"),
])
def test_offline_credit_is_refused_outside_its_limits(case, code):
    session, visits = offline_session(**case)
    with pytest.raises(OfflineRefused) as refused:
        offline_split(session, visits, LIMITS, now=NOW)
    assert refused.value.code == code


def test_offline_credit_within_the_limits_books_it_all_on_the_line():
    session, visits = offline_session(50_000, age_s=1799)
    split = offline_split(session, visits, LIMITS, now=NOW, terminal_unsynced_fen=250_000)
    assert (split.booked_fen, split.shortfall_fen, split.fund_fen) == (50_000, 0, 100)
    with pytest.raises(OfflineRefused) as refused:  # what this kiosk booked and has not synced counts
        offline_split(session, visits, LIMITS, now=NOW, account_unsynced_fen=50_001)
    assert refused.value.code == "offline_over_line"
    with pytest.raises(OfflineRefused) as refused:
        offline_split(session, visits, LIMITS, now=NOW, terminal_unsynced_fen=250_001)
    assert refused.value.code == "offline_over_terminal_cap"


# -- the services, through the fault proxy ------------------------------------------------------

@pytest.fixture
def proxy(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port) as running:
        yield running


def cut(proxy, services, mode: str) -> None:
    """The network fails (``reset``) or comes back (``pass``): open connections go too."""
    proxy.mode = mode
    for client in (services.platform, services.offline.sync.transport.client):
        client.session.close()


@pytest.fixture
def services(sandbox, proxy, tmp_path):
    settings = Settings(platform_url=proxy.url, terminal_id=sandbox.terminal_id, data_dir=str(tmp_path / "kiosk"),
                        printer_pdf_dir=str(tmp_path / "paper"), request_timeout_s=2.0,
                        offline_terminal_cap_fen=30_000)
    built = build_services(settings, lambda event: None, secret=sandbox.secret)
    built.platform.backoff_s = 0.01
    yield built
    built.close()


def test_offline_the_kiosk_identifies_from_its_cache_and_settles_within_the_caps(services, proxy, sandbox):
    tier4 = patient("tier4")["id_number"]
    live = services.identify(tier4)
    cut(proxy, services, "reset")
    assert not services.offline.sync.probe()
    session = services.identify(tier4)
    assert session.offline and session.patient == live.patient and session.visits == live.visits
    assert session.account == live.account and session.snapshot_at == live.snapshot_at
    with pytest.raises(Exception) as unknown:
        services.identify(patient("tier1")["id_number"])  # never seen here
    assert unknown.value.code == "offline_unknown_patient"

    first = services.settle(session, session.visits)
    assert first.offline and first.offline_split.booked_fen == 16_252
    again = services.identify(tier4)
    assert again.visits == () and again.held_fen == 16_252  # not offered twice; the line shows it
    assert again.account.available_fen == live.account.available_fen - 16_252

    # the terminal's cap (30,000 fen here) counts every unconfirmed credit
    tier3 = patient("tier3")["id_number"]
    cut(proxy, services, "pass")
    assert services.offline.sync.probe()
    services.identify(tier3)
    cut(proxy, services, "reset")
    assert not services.offline.sync.probe()
    s3 = services.identify(tier3)
    with pytest.raises(OfflineRefused) as refused:
        services.settle(s3, s3.visits)  # 2 visits of tier3: over what is left of the cap
    assert refused.value.code == "offline_over_terminal_cap"
    assert services.offline.status().unsynced_credit_fen == 16_252 and len(services.journal.pending()) == 1

    # a snapshot whose signature does not check is not trusted for credit
    services.offline.cache.snapshot_key = b"not the platform's key"
    forged = services.identify(tier4)
    assert forged.account is None


def test_nothing_personal_is_readable_in_the_files_at_rest(services, proxy, sandbox, tmp_path):
    for person in DEMO_PATIENTS:
        services.identify(person["id_number"])  # all cached
    services.writes.send("consent", "/v1/credit/open", {  # a body with a phone number, through the outbox
        "patient_id": "P000007", "consent_version": "2026-10", "score_authorised": True, "phone": "13900000107"})
    cut(proxy, services, "reset")
    assert not services.offline.sync.probe()
    session = services.identify(patient("tier4")["id_number"])
    services.settle(session, session.visits)  # queued with who it is for
    files = sorted((tmp_path / "kiosk").glob("*.sqlite*"))
    assert {"journal.sqlite", "cache.sqlite"} <= {f.name for f in files}
    raw = b"".join(f.read_bytes() for f in files)  # main files and their write-ahead logs, as they are now
    for person in DEMO_PATIENTS:
        for secret in (person["id_number"], person["name"], person["phone"]):
            assert secret.encode() not in raw, f"{secret[:3]}… readable at rest"
        assert hashlib.sha256(person["id_number"].encode()).hexdigest().encode() not in raw  # not a plain hash
    assert b"13900000107" not in raw


# -- the real app -------------------------------------------------------------------------------

def boot(qtbot, settings, secret):
    from kiosk.app import KioskApp

    app = KioskApp(settings, secret=secret)
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.ready, timeout=20_000):
        app.show()
    return app


def app_settings(proxy, sandbox, tmp_path, **changes) -> Settings:
    return Settings(platform_url=proxy.url, terminal_id=sandbox.terminal_id, data_dir=str(tmp_path / "kiosk-data"),
                    printer_pdf_dir=str(tmp_path / "receipts"), full_screen=False, language="en",
                    request_timeout_s=2.0, health_probe_s=1, operator_login=False, **changes)


def pay(qtbot, app, role: str) -> None:
    w = app.window
    qtbot.mouseClick(w.home.buttons["pay"], LEFT)
    qtbot.waitUntil(lambda: w.current == "identify", timeout=5_000)
    tap_card(qtbot, app, role)
    qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)


def test_the_kiosk_goes_on_offline_shows_it_and_syncs_when_back(qtbot, proxy, sandbox, tmp_path):
    app = boot(qtbot, app_settings(proxy, sandbox, tmp_path), sandbox.secret)
    w, banner = app.window, app.window.offline_banner
    engine = app.services.offline.sync
    assert engine.running  # the app's sync thread
    try:
        pay(qtbot, app, "tier4")  # seen online
        qtbot.mouseClick(w.bill.back_button, LEFT)
        cut(proxy, app.services, "reset")
        qtbot.waitUntil(lambda: banner.isVisible() and banner.offline, timeout=10_000)
        assert "0 payment(s) waiting" in banner.text.text()

        qtbot.mouseClick(w.home.buttons["open"], LEFT)  # opening the service needs the platform
        assert w.current == "outcome" and "this needs it" in w.outcome.details.text()
        # a kiosk on the credit platform alone: its outpatient bills still go on credit, nothing else
        assert "Paying outpatient bills on credit still works here" in w.outcome.details.text()
        assert "registering" not in w.outcome.details.text()
        qtbot.mouseClick(w.outcome.done_button, LEFT)

        qtbot.mouseClick(w.home.buttons["pay"], LEFT)  # a patient never seen here: to the cashier
        tap_card(qtbot, app, "tier1")
        qtbot.waitUntil(lambda: "not seen at this kiosk" in w.identify.error.text(), timeout=10_000)
        qtbot.mouseClick(w.identify.back_button, LEFT)

        pay(qtbot, app, "tier4")  # from the cache
        assert w.bill.refusal is None and "Pay on credit" in w.bill.confirm_button.text()
        with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=10_000) as settled:
            qtbot.mouseClick(w.bill.confirm_button, LEFT)
        assert settled.args[0].offline
        qtbot.waitUntil(lambda: w.current == "outcome")
        assert w.outcome.title.text() == "Settled offline, will sync"
        assert patient("tier4")["name"] not in all_texts(w)
        qtbot.waitUntil(lambda: "1 payment(s) waiting" in banner.text.text(), timeout=10_000)
        qtbot.mouseClick(w.outcome.done_button, LEFT)
        assert sandbox.store.bill_count("CA000004") == 0

        cut(proxy, app.services, "pass")  # back: the probe finds it, the queue goes, the banner says so
        qtbot.waitUntil(lambda: banner.status.online and not banner.status.queued, timeout=15_000)
        assert "every payment made offline has been sent" in banner.text.text()
        assert sandbox.store.bill_count("CA000004") == 1
    finally:
        app.shutdown()
    assert not engine.running  # stopped with the app


def test_the_cashier_resolves_a_conflict_and_it_is_audited(qtbot, proxy, sandbox, tmp_path):
    app = boot(qtbot, app_settings(proxy, sandbox, tmp_path, mode="desk"), sandbox.secret)
    w, banner = app.window, app.window.offline_banner
    try:
        s = app.services
        key = s.writes.queue("settlement", "/v1/settlements",  # paid offline earlier...
                             {"patient_id": "P000004", "account_id": "CA000004", "visit_ids": ["V000004"]},
                             credit_fen=16_252, who={"name": "吴晓梅", "id_number": patient("tier4")["id_number"]})
        with sandbox.store.transaction() as conn:  # ...and the account was suspended meanwhile
            conn.execute("UPDATE accounts SET status = 'suspended' WHERE account_id = 'CA000004'")
        s.offline.sync.wake()
        qtbot.waitUntil(lambda: banner.status is not None and banner.status.conflicts == 1, timeout=10_000)
        assert banner.isVisible() and "1 payment(s) refused by the platform" in banner.text.text()

        qtbot.mouseClick(w.home.buttons["conflicts"], LEFT)
        journey = app.ctx.journeys["conflicts"]
        qtbot.waitUntil(lambda: w.current == "conflicts" and len(journey.conflicts) == 1, timeout=10_000)
        shown = all_texts(w)
        assert "吴*梅" in shown and "V000004" in shown and "account suspended" in shown
        assert "吴晓梅" not in shown and patient("tier4")["id_number"] not in shown
        qtbot.mouseClick(journey.list_screen.choices.buttons[0], LEFT)
        assert w.current == "conflict"
        with qtbot.waitSignal(journey.resolved, timeout=10_000):
            qtbot.mouseClick(journey.detail_screen.collected_button, LEFT)
        qtbot.waitUntil(lambda: w.current == "conflicts" and not journey.conflicts, timeout=10_000)
        qtbot.waitUntil(lambda: banner.status.conflicts == 0 and not banner.isVisible(), timeout=10_000)

        [record] = s.desk.audit.records("conflict_payment_collected")
        assert record.details["key"] == key and record.details["credit_fen"] == 16_252
        assert record.details["visit_ids"] == ["V000004"] and record.operator_id == sandbox.terminal_id
        assert "吴晓梅" not in json.dumps(record.details, ensure_ascii=False)
        [resolved] = s.journal.conflicts(status="resolved")
        assert resolved.resolution == "payment_collected"
    finally:
        app.shutdown()


def test_kiosk_admin_queue_lists_retries_and_exports_without_personal_data(services, proxy, tmp_path,
                                                                          monkeypatch, capsys):
    from kiosk import admin
    from kiosk import settings as settings_mod

    settings_mod.save(replace(services.settings, platform_url="", queue_expiry_h=24),
                      tmp_path / "admin.toml")
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "admin.toml"))
    who = {"name": "吴晓梅", "id_number": patient("tier4")["id_number"]}
    cut(proxy, services, "reset")
    old = services.writes.queue("settlement", "/v1/settlements",
                                {"patient_id": "P000004", "account_id": "CA000004", "visit_ids": ["V000004"]},
                                credit_fen=16_252, who=who)
    services.writes.queue("settlement", "/v1/settlements",
                          {"patient_id": "P000003", "account_id": "CA000003", "visit_ids": ["V000003"]}, who=who)
    services.offline.sync.drain()  # no answer: both wait, backing off
    with services.journal.db.transaction() as conn:
        conn.execute("UPDATE journal SET created_at = ? WHERE key = ?",
                     ((datetime.now(UTC) - timedelta(hours=30)).isoformat(), old))

    assert admin.main(["queue", "list"]) == 1  # an expired item: the exit code says so
    out, err = capsys.readouterr()
    assert old[:12] in out and "EXPIRED" in out and "CA000004" in out and "1 expired" in out
    assert "kiosk-admin queue retry" in err
    assert services.offline.status().expired == 1

    assert admin.main(["queue", "retry", old[:12]]) == 0
    assert "1 waiting item(s) due now" in capsys.readouterr().out
    assert [m["next_at"] for m in services.journal.metadata() if m["key"] == old] == [0]

    assert admin.main(["queue", "export", "--out", str(tmp_path / "queue.json")]) == 0
    capsys.readouterr()
    text = (tmp_path / "queue.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["expired"] == 1 and len(document["items"]) == 2
    assert {i["key"] for i in document["items"]} >= {old}
    for secret in (who["name"], who["id_number"], "V000004"):
        assert secret not in text  # the sealed part is never opened
