"""The reference credit adapter: :class:`~kiosk.ports.credit.CreditPort` over the credit platform's API
(the sandbox's, ``docs/platform-api.md``), on the kiosk's signed client (``kiosk.platform.PlatformClient``:
one pool of kept-alive connections, every request signed with ``kiosk.domain.signing``, TLS verified,
retries only for reads and keyed writes).

The platform's JSON for the port's models is parsed here, once; its refusals become
:class:`~kiosk.ports.credit.CreditRefused` (no answer: :class:`~kiosk.ports.credit.CreditUnavailable`).
The terminal's secret at the credit platform is the keyring's ``terminal:<terminal_id>`` (as before the
three counterparts, ``kiosk.secrets``).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from urllib.parse import quote

from kiosk.domain.models import Account, Patient
from kiosk.platform import PlatformClient, PlatformError, PlatformUnavailable
from kiosk.ports.credit import (
    Booking,
    BookingBill,
    BookingItem,
    BookingRequest,
    CreditRefused,
    CreditUnavailable,
    Hold,
    HoldRequest,
)


def _translated(method: Callable) -> Callable:
    """The client's errors as the port's."""
    @wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except PlatformUnavailable as exc:
            raise CreditUnavailable(exc.message, exc.status) from None
        except PlatformError as exc:
            raise CreditRefused(exc.code, exc.message, exc.status, exc.details) from None
    return call


def _id(value: str) -> str:
    return quote(value, safe="")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class CreditPlatform:
    """``CreditPlatform(client)`` on a signed client of the credit platform's base URL. ``client`` is the
    kiosk's own (its journeys' writes share it: ``kiosk.usecases.writes``)."""

    def __init__(self, client: PlatformClient):
        self.client = client

    def close(self) -> None:
        self.client.close()

    @_translated
    def lookup_identity(self, id_number: str) -> Patient:
        return self.client.lookup_identity(id_number)

    @_translated
    def account(self, account_id: str) -> Account:
        return self.client.account(account_id)

    @_translated
    def hold(self, request: HoldRequest, *, key: str) -> Hold:
        return hold_from(self.client.request("POST", "/v1/holds", hold_body(request), key=key))

    @_translated
    def book(self, hold_id: str, request: BookingRequest, *, key: str) -> Booking:
        return booking_from(self.client.request("POST", f"/v1/holds/{_id(hold_id)}/book", booking_body(request),
                                                key=key))

    def booking_write(self, patient_id: str, account_id: str, kind: str, request: BookingRequest) -> tuple[str, dict]:
        """The keyed write of a booking without a prior hold, as the outbox queues it: (path, body)."""
        return "/v1/bookings", {"patient_id": patient_id, "account_id": account_id, "kind": kind,
                                **booking_body(request)}

    @_translated
    def book_direct(self, patient_id: str, account_id: str, kind: str, request: BookingRequest, *,
                    key: str) -> Booking:
        path, body = self.booking_write(patient_id, account_id, kind, request)
        return booking_from(self.client.request("POST", path, body, key=key))

    @_translated
    def release(self, hold_id: str, *, key: str) -> Hold:
        return hold_from(self.client.request("POST", f"/v1/holds/{_id(hold_id)}/release", {}, key=key))

    @_translated
    def void(self, booking_id: str, *, key: str) -> Booking:
        return booking_from(self.client.request("POST", f"/v1/bookings/{_id(booking_id)}/void", {}, key=key))

    @_translated
    def bookings(self, business_date: date) -> list[Booking]:
        data = self.client.request("GET", f"/v1/bookings?date={business_date.isoformat()}")
        return [booking_from(b) for b in data["bookings"]]

    def end_patient_sessions(self) -> int:
        return self.client.end_patient_sessions()

    def request(self, method: str, path: str, body: dict | None = None, *, key: str | None = None) -> dict:
        return self.client.request(method, path, body, key=key)


def build(config) -> CreditPlatform:
    """The registry's factory (``kiosk.ports.registry``, adapter ``platform``): ``config.url`` or the
    ``platform_url`` setting, ``config.secret`` or the keyring's ``terminal:<terminal_id>``; ``config.client``,
    when the kiosk built its signed client already, is used as it is."""
    client = getattr(config, "client", None)
    if client is None:
        settings = config.settings
        url = config.url or settings.platform_url
        if not url:
            raise ValueError("platform_url is empty: name the credit platform's address (or leave it empty for "
                             "training, where the kiosk runs the sandbox services itself)")
        secret = config.secret
        if secret is None:
            from kiosk.secrets import get_terminal_secret

            secret = get_terminal_secret(settings.terminal_id)
        client = PlatformClient(url, settings.terminal_id, secret, timeout_s=settings.request_timeout_s,
                                ca_bundle=settings.ca_bundle)
    return CreditPlatform(client)


# -- the platform's JSON, once ------------------------------------------------------------------------

def hold_body(request: HoldRequest) -> dict:
    return {"patient_id": request.patient_id, "account_id": request.account_id, "kind": request.kind,
            "amount_fen": request.amount_fen, "his_bill_ids": list(request.his_bill_ids)}


def booking_body(request: BookingRequest) -> dict:
    body = {"setl_ids": list(request.setl_ids), "total_fen": request.total_fen, "fund_fen": request.fund_fen,
            "account_pay_fen": request.account_pay_fen, "paid_now_fen": request.paid_now_fen,
            "cash_fen": request.cash_fen,
            "bills": [{"his_bill_id": b.his_bill_id, "visit_id": b.visit_id, "setl_id": b.setl_id,
                       "total_fen": b.total_fen,
                       "items": [{"code": i.code, "name": i.name, "cnt": i.cnt, "pric_fen": i.pric_fen,
                                  "amount_fen": i.amount_fen, "med_chrgitm_type": i.med_chrgitm_type,
                                  "chrgitm_lv": i.chrgitm_lv} for i in b.items]}
                      for b in request.bills]}
    if request.his_payment_id:
        body["his_payment_id"] = request.his_payment_id
    if request.ended_at is not None:
        body["ended_at"] = request.ended_at.isoformat(timespec="seconds")
    if request.booked_fen is not None:
        body["booked_fen"] = request.booked_fen
    return body


def hold_from(d: dict) -> Hold:
    return Hold(hold_id=d["hold_id"], status=d["status"], account_id=d["account_id"], amount_fen=d["amount_fen"],
                booking_id=d.get("booking_id"), line_fen=d["line_fen"], available_fen=d["available_fen"])


def booking_from(d: dict) -> Booking:
    return Booking(
        booking_id=d["booking_id"], reference=d["reference"], hold_id=d["hold_id"], kind=d["kind"],
        account_id=d["account_id"], setl_ids=tuple(d.get("setl_ids") or ()), total_fen=d["total_fen"],
        fund_fen=d["fund_fen"], personal_fen=d["personal_fen"], account_pay_fen=d["account_pay_fen"],
        booked_fen=d["booked_fen"], paid_fen=d["paid_fen"], cash_fen=d["cash_fen"], line_fen=d["line_fen"],
        available_fen=d["available_fen"], due_at=_time(d.get("due_at")), settled_at=_time(d["settled_at"]),
        status=d["status"],
        bills=tuple(BookingBill(his_bill_id=b["his_bill_id"], total_fen=b["total_fen"], visit_id=b.get("visit_id"),
                                setl_id=b.get("setl_id"),
                                items=tuple(BookingItem(**i) for i in b.get("items") or ()))
                    for b in d.get("bills") or ()))
