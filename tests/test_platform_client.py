"""The platform client over real HTTP: signed requests, honest errors, retries only
where a repeat cannot book twice."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.platform import PlatformClient, PlatformError, PlatformUnavailable
from tests.faultproxy import FaultProxy
from tests.helpers import patient


def settle(c: PlatformClient, person, visit, key: str):
    from kiosk.platform import settlement_from

    return settlement_from(c.request("POST", "/v1/settlements", {
        "patient_id": person.patient_id, "account_id": person.account_id, "visit_ids": [visit.visit_id]},
        key=key))


def client(url: str, sandbox, **options) -> PlatformClient:
    options.setdefault("backoff_s", 0.01)
    return PlatformClient(url, sandbox.terminal_id, sandbox.secret, **options)


def test_reads_and_settles_through_signed_requests(sandbox):
    c = client(sandbox.url, sandbox)
    try:
        person = c.lookup_identity(patient("tier1")["id_number"])
        account = c.account(person.account_id)
        visit = c.open_visits(person.patient_id)[0]
        s = settle(c, person, visit, key="k-1")
        assert s.available_fen == account.available_fen - visit.personal_fen
        assert s.due_at is not None and s.due_at.utcoffset() is not None
        again = settle(c, person, visit, key="k-1")
        assert again == s  # same key: the first answer, not a second booking
        assert c.account(account.account_id).used_fen == account.used_fen + visit.personal_fen
    finally:
        c.close()


def test_a_wrong_secret_is_refused_not_retried(sandbox):
    c = PlatformClient(sandbox.url, sandbox.terminal_id, b"not-the-secret", backoff_s=0.01)
    try:
        with pytest.raises(PlatformError) as refused:
            c.account("CA000001")
        assert (refused.value.status, refused.value.code) == (401, "bad_signature")
    finally:
        c.close()


@pytest.mark.parametrize("mode", ["reset", "drop"])
def test_reads_are_retried_then_reported_unavailable(sandbox, mode):
    with FaultProxy("127.0.0.1", sandbox.port, mode=mode) as proxy:
        c = client(proxy.url, sandbox, retries=2)
        try:
            with pytest.raises(PlatformUnavailable):
                c.account("CA000001")
        finally:
            c.close()
        assert proxy.accepted == 3


def test_a_write_without_idempotency_key_is_never_repeated(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port, mode="reset") as proxy:
        c = client(proxy.url, sandbox, retries=2)
        try:
            with pytest.raises(PlatformUnavailable):
                c.lookup_identity(patient("tier1")["id_number"])
        finally:
            c.close()
        assert proxy.accepted == 1


def test_a_keyed_write_is_retried_and_books_once_when_the_first_answer_was_lost(sandbox):
    c = client(sandbox.url, sandbox)
    person = c.lookup_identity(patient("tier4")["id_number"])
    visit = c.open_visits(person.patient_id)[0]
    c.close()
    with FaultProxy("127.0.0.1", sandbox.port, mode="blackhole", trigger=b"/v1/settlements") as proxy:
        lossy = client(proxy.url, sandbox, retries=2, timeout_s=0.5)
        try:
            with pytest.raises(PlatformUnavailable):
                settle(lossy, person, visit, key="lost-1")
        finally:
            lossy.close()
        assert proxy.triggered == 3  # the platform saw it three times
    assert sandbox.store.bill_count(person.account_id) == 1  # and booked it once
    c = client(sandbox.url, sandbox)
    try:
        s = settle(c, person, visit, key="lost-1")
        assert s.visit_ids == (visit.visit_id,)
    finally:
        c.close()
    assert sandbox.store.bill_count(person.account_id) == 1


def test_a_timeout_is_unavailable_not_a_crash(sandbox):
    with FaultProxy("127.0.0.1", sandbox.port, mode="hold") as proxy:
        c = client(proxy.url, sandbox, retries=0, timeout_s=0.3)
        try:
            with pytest.raises(PlatformUnavailable) as failed:
                c.health()
        finally:
            c.close()
    assert failed.value.code == "unavailable"


def test_tls_is_always_verified():
    c = PlatformClient("https://platform.example", "T", b"s")
    assert c.session.verify is not True and Path(c.session.verify).is_file()  # the system's CA file, named
    c.close()
    c = PlatformClient("https://platform.example", "T", b"s", ca_bundle="/etc/kiosk/ca.pem")
    assert c.session.verify == "/etc/kiosk/ca.pem"
    c.close()
