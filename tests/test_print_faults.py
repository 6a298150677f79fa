"""A printer fault never undoes a transaction: the patient is told where to get the receipt,
the document waits in the reprint queue, the cashier's desk lists and reprints it as a copy,
and the copy's QR code is checked by the platform. Against the real sandbox and a network
receipt printer (a local TCP listener answering ESC/POS status queries)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.domain.money import format_cny
from printing.signing import sign_reference
from tests.conftest import _booted_app
from tests.helpers import patient, tap_card
from tests.printing.escpos_decode import decode
from tests.printing.fixtures import tcp_printer  # noqa: F401

LEFT = Qt.MouseButton.LeftButton


def test_paper_out_keeps_the_settlement_and_the_desk_reprints_a_copy(qtbot, kiosk_settings, sandbox,
                                                                     sandbox_client, tcp_printer):
    tcp_printer.state = "paper_out"
    settings = kiosk_settings.with_overrides(
        mode="desk", operator_login=False, printer_backend="escpos",
        escpos_connection=f"tcp:127.0.0.1:{tcp_printer.port}")
    app = _booted_app(qtbot, settings, sandbox)
    try:
        w, p = app.window, patient("tier2")
        sandbox_client.present("tier2")  # the patient's card read here: their account may be read
        before = sandbox_client.get("/v1/accounts/CA000002").json()
        qtbot.mouseClick(w.home.buttons["pay"], LEFT)
        tap_card(qtbot, app, "tier2")
        qtbot.waitUntil(lambda: w.current == "bill", timeout=10_000)
        visit = app.ctx.journeys["pay"].visits[0]
        with qtbot.waitSignal(app.ctx.journeys["pay"].settled, timeout=15_000) as settled:
            qtbot.mouseClick(w.bill.confirm_button, LEFT)
        outcome = settled.args[0]
        qtbot.waitUntil(lambda: w.current == "outcome")

        # The money moved; the patient is told where to get the receipt.
        assert outcome.settlement is not None and outcome.print_error == "paper_out"
        assert "cashier window for a copy" in w.outcome.note.text()
        after = sandbox_client.get("/v1/accounts/CA000002").json()
        assert after["used_fen"] == before["used_fen"] + visit.personal_fen
        reference = outcome.settlement.reference
        status = app.services.printer.status()
        assert status["state"] == "paper_out" and status["reprints_waiting"] == 1

        # The cashier replaces the roll and reprints from the desk.
        tcp_printer.state = "ok"
        qtbot.mouseClick(w.outcome.done_button, LEFT)
        qtbot.mouseClick(w.home.buttons["reprint"], LEFT)
        screen = app.ctx.journeys["reprint"].screen
        qtbot.waitUntil(lambda: w.current == "reprint" and len(screen.reprint_buttons) == 1, timeout=10_000)
        row = [screen.table.item(0, c).text() for c in range(4)]
        assert row[0] == "门诊信用结算凭条" and row[1] == reference and "Out of paper" in row[3]
        with qtbot.waitSignal(app.ctx.journeys["reprint"].reprinted, timeout=15_000) as reprinted:
            qtbot.mouseClick(screen.reprint_buttons[0], LEFT)
        item, job, error = reprinted.args[0]
        assert error is None and item.reference == reference
        qtbot.waitUntil(lambda: not screen.reprint_buttons)
        assert reference in screen.result.text() and "Nothing is waiting" in screen.status.text()

        doc = decode(tcp_printer.wait_for_jobs(2)[-1])
        assert doc.text.count("重打副本 COPY") == 2 and doc.cuts == 1
        masked = p["id_number"][:4] + "*" * 10 + p["id_number"][-4:]
        assert masked in doc.text and p["id_number"] not in doc.text and p["name"] not in doc.text
        for fen in (visit.fund_fen, visit.personal_fen, after["available_fen"]):
            assert format_cny(fen) in doc.text
        assert "¥" not in doc.text

        # The platform vouches for the copy's QR code, and not for a forged one.
        [payload] = doc.qr_codes
        answer = sandbox_client.post("/v1/documents/verify", json={"payload": payload}).json()
        assert answer == {"valid": True, "reference": reference, "terminal_id": sandbox.terminal_id}
        forged = payload.replace(reference, reference[:-1] + ("1" if reference[-1] != "1" else "2"))
        assert sandbox_client.post("/v1/documents/verify", json={"payload": forged}).json()["valid"] is False
        assert app.services.printer.status()["reprints_waiting"] == 0
    finally:
        app.shutdown()


def test_the_platform_checks_document_signatures(sandbox, sandbox_client):
    payload = sign_reference(sandbox.secret, sandbox.terminal_id, "ST20250501000012")
    ok = sandbox_client.post("/v1/documents/verify", json={"payload": payload})
    assert ok.status_code == 200
    assert ok.json() == {"valid": True, "reference": "ST20250501000012", "terminal_id": sandbox.terminal_id}
    other_key = sign_reference(b"not the terminal's secret", sandbox.terminal_id, "ST20250501000012")
    assert sandbox_client.post("/v1/documents/verify", json={"payload": other_key}).json()["valid"] is False
    unknown = sign_reference(sandbox.secret, "KIOSK-NOBODY", "ST20250501000012")
    assert sandbox_client.post("/v1/documents/verify", json={"payload": unknown}).json() == {
        "valid": False, "reference": "ST20250501000012", "terminal_id": "KIOSK-NOBODY"}
    assert sandbox_client.post("/v1/documents/verify", json={"payload": "hello"}).json() == {
        "valid": False, "reference": None, "terminal_id": None}
    too_long = sandbox_client.post("/v1/documents/verify", json={"payload": "x" * 1000})
    assert too_long.status_code == 422 and too_long.json()["error"]["code"] == "invalid_request"


def test_reprints_are_offered_only_at_the_desk(qtbot, kiosk):
    assert "reprint" not in kiosk.window.home.buttons
