"""The reference HIS adapter: :class:`~kiosk.ports.his.HisPort` over the sandbox HIS's REST API
(``sandbox.his``; docs/integration.md describes it for a hospital that offers the same).

HTTP goes through the kiosk's signed client (``kiosk.platform.PlatformClient``: one pooled session,
every request signed with ``kiosk.domain.signing``, TLS verified against the CA file
``kiosk.transport`` names from the settings, plain http only to loopback, timeouts, retries only for
reads and keyed writes) with the HIS's own secret, kept in the keyring as ``his:<terminal_id>``. Its
refusals become :class:`~kiosk.ports.his.HisRefused` with the HIS's code, no answer
:class:`~kiosk.ports.his.HisUnavailable`. JSON is parsed here, once, into the port's frozen models.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from kiosk.platform import PlatformClient, PlatformError, PlatformUnavailable
from kiosk.ports.his import (
    AdmissionOrder,
    ChannelPayment,
    ChargeItem,
    ClinicSession,
    Department,
    HisBill,
    HisPatient,
    HisRefused,
    HisUnavailable,
    OutpatientVisit,
    PaidMark,
    PatientKey,
    PatientSession,
    Registration,
    Stay,
)
from kiosk.transport import acceptable_platform_url

#: The keyring entry of the terminal's secret at the HIS (service ``kiosk.secrets.SERVICE``).
SECRET_ACCOUNT = "his:{terminal_id}"
_KEY_FIELD = {"id_number": "id_number", "sscard": "sscard_number", "health_card": "health_card_token"}


def his_secret(terminal_id: str) -> bytes:
    """The terminal's secret at the HIS, from the keyring (never a file)."""
    import keyring

    from kiosk.secrets import SERVICE, SecretMissing

    value = keyring.get_password(SERVICE, SECRET_ACCOUNT.format(terminal_id=terminal_id))
    if not value:
        raise SecretMissing(f"no HIS secret in the keyring for terminal {terminal_id} "
                            f"({SECRET_ACCOUNT.format(terminal_id=terminal_id)})")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise SecretMissing(f"the keyring's HIS secret for terminal {terminal_id} is not hex") from None


def set_his_secret(terminal_id: str, secret: bytes) -> None:
    import keyring

    from kiosk.secrets import SERVICE

    if len(secret) < 16:
        raise ValueError("a terminal secret has at least 16 bytes")
    keyring.set_password(SERVICE, SECRET_ACCOUNT.format(terminal_id=terminal_id), secret.hex())


def _id(value: str) -> str:
    return quote(value, safe="")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class HisHttpAdapter:
    """``HisHttpAdapter(client)`` on a signed client of the HIS's base URL (:meth:`connect` builds one)."""

    def __init__(self, client: PlatformClient):
        self._client = client
        self._sessions: list[str] = []  # patient sessions opened by lookups since the last end

    @classmethod
    def connect(cls, url: str, terminal_id: str, secret: bytes, *, timeout_s: float = 8.0, ca_bundle: str = "",
                retries: int = 2) -> HisHttpAdapter:
        if not acceptable_platform_url(url):
            from kiosk.settings import HIS_URL_RULE

            raise ValueError(HIS_URL_RULE)
        return cls(PlatformClient(url, terminal_id, secret, timeout_s=timeout_s, ca_bundle=ca_bundle,
                                  retries=retries))

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, body: dict | None = None, *, key: str | None = None) -> dict:
        try:
            return self._client.request(method, path, body, key=key)
        except PlatformUnavailable as exc:
            raise HisUnavailable(exc.message, exc.status) from None
        except PlatformError as exc:
            raise HisRefused(exc.code, exc.message, exc.status, exc.details) from None

    # -- patients ------------------------------------------------------------------------------------
    def find_patient(self, key: PatientKey) -> HisPatient:
        data = self._call("POST", "/v1/patients/find", {_KEY_FIELD[key.kind]: key.value})
        patient = _patient(data)
        if patient.session is not None:
            self._sessions.append(patient.session.session_id)
        return patient

    def end_patient_sessions(self) -> int:
        ended, self._sessions = self._sessions, []
        if ended:
            self._call("POST", "/v1/patient-sessions/end", {"session_ids": ended})
        return len(ended)

    def open_visits(self, patient_id: str) -> list[OutpatientVisit]:
        data = self._call("GET", f"/v1/patients/{_id(patient_id)}/visits?status=open")
        return [_visit(v) for v in data["visits"]]

    # -- registration --------------------------------------------------------------------------------
    def departments(self) -> list[Department]:
        return [Department(d["dept_code"], d["name"], d["name_en"])
                for d in self._call("GET", "/v1/departments")["departments"]]

    def sessions(self, dept_code: str, days: int = 3) -> list[ClinicSession]:
        data = self._call("GET", f"/v1/departments/{_id(dept_code)}/sessions?days={int(days)}")
        return [_session(s) for s in data["sessions"]]

    def register(self, session_id: str, patient_id: str, *, key: str) -> Registration:
        return _registration(self._call("POST", "/v1/registrations",
                                        {"session_id": session_id, "patient_id": patient_id}, key=key))

    def registrations(self, patient_id: str, status: str | None = None) -> list[Registration]:
        query = f"?status={quote(status)}" if status else ""
        data = self._call("GET", f"/v1/patients/{_id(patient_id)}/registrations{query}")
        return [_registration(r) for r in data["registrations"]]

    def cancel_registration(self, registration_id: str, *, key: str) -> Registration:
        return _registration(self._call("POST", f"/v1/registrations/{_id(registration_id)}/cancel", {}, key=key))

    # -- inpatient -----------------------------------------------------------------------------------
    def admission_orders(self, patient_id: str, status: str | None = "pending") -> list[AdmissionOrder]:
        query = f"?status={quote(status)}" if status else ""
        data = self._call("GET", f"/v1/patients/{_id(patient_id)}/admission-orders{query}")
        return [_order(o) for o in data["orders"]]

    def admit(self, order_id: str, patient_id: str, *, key: str) -> Stay:
        return _stay(self._call("POST", "/v1/admissions", {"order_id": order_id, "patient_id": patient_id}, key=key))

    def stays(self, patient_id: str, status: str | None = None) -> list[Stay]:
        query = f"?status={quote(status)}" if status else ""
        data = self._call("GET", f"/v1/patients/{_id(patient_id)}/admissions{query}")
        return [_stay(s) for s in data["admissions"]]

    def stay(self, admission_id: str) -> Stay:
        return _stay(self._call("GET", f"/v1/admissions/{_id(admission_id)}"))

    def discharge_bill(self, admission_id: str, *, key: str) -> HisBill:
        return _bill(self._call("POST", f"/v1/admissions/{_id(admission_id)}/discharge-bill", {}, key=key))

    # -- bills paid ----------------------------------------------------------------------------------
    def mark_paid(self, bill_ids: list[str], *, setl_id: str | None, booking_id: str | None,
                  payment_id: str | None, key: str) -> PaidMark:
        body = {"bill_ids": list(bill_ids), "setl_id": setl_id, "booking_id": booking_id, "payment_id": payment_id}
        return _mark(self._call("POST", "/v1/bills/mark-paid", body, key=key))

    def unmark_paid(self, key: str) -> PaidMark:
        return _mark(self._call("POST", "/v1/bills/unmark-paid", {}, key=key))

    def name_booking(self, key: str, booking_id: str) -> PaidMark:
        return _mark(self._call("POST", "/v1/bills/name-booking", {"booking_id": booking_id}, key=key))

    def paid_bills(self, business_date: date) -> list[PaidMark]:
        data = self._call("GET", f"/v1/paid-bills?date={business_date.isoformat()}")
        return [_mark(m) for m in data["marks"]]

    # -- the payment channel -------------------------------------------------------------------------
    def create_payment(self, patient_id: str, amount_fen: int, purpose: str, *, key: str,
                       reference: str | None = None) -> ChannelPayment:
        body = {"patient_id": patient_id, "amount_fen": amount_fen, "purpose": purpose, "reference": reference}
        return _payment(self._call("POST", "/v1/payments", body, key=key))

    def payment(self, payment_id: str) -> ChannelPayment:
        return _payment(self._call("GET", f"/v1/payments/{_id(payment_id)}"))

    def cancel_payment(self, payment_id: str, *, key: str) -> ChannelPayment:
        try:
            return _payment(self._call("POST", f"/v1/payments/{_id(payment_id)}/cancel", {}, key=key))
        except HisRefused as refusal:  # paid first: the payment as the channel has it, parsed
            if isinstance(refusal.details.get("payment"), dict):
                refusal.details["payment"] = _payment(refusal.details["payment"])
            raise

    def refund_payment(self, payment_id: str, late: str, *, key: str) -> ChannelPayment:
        return _payment(self._call("POST", f"/v1/payments/{_id(payment_id)}/refund", {"late": late}, key=key))

    def late_payments(self, since: datetime | None = None) -> list[dict]:
        """The channel's late payments (completed after the patient cancelled or walked away, refunded at once)
        for the desk's list: beyond the port, as the sandbox HIS offers them (a hospital's HIS may not)."""
        query = f"?since={quote(since.isoformat())}" if since is not None else ""
        return self._call("GET", f"/v1/payments/late{query}")["payments"]

    # -- training only (the sandbox HIS's control API; not part of the port) -------------------------------
    def complete_in_training(self, payment_id: str) -> dict:
        """The sandbox's stand-in for the patient's phone paying a channel payment (training and demo only)."""
        import uuid

        return self._call("POST", f"/v1/_sandbox/payments/{_id(payment_id)}/complete", {}, key=uuid.uuid4().hex)


def build(config) -> HisHttpAdapter:
    """The registry's factory (``kiosk.ports.registry``, adapter ``sandbox``): ``config.url`` or the
    ``his_url`` setting, ``config.secret`` or the keyring's ``his:<terminal_id>``."""
    settings = config.settings
    url = config.url or settings.his_url
    if not url:
        raise ValueError("his_url is empty: name the HIS's address (or leave it empty for training, where the "
                         "kiosk runs the sandbox HIS itself)")
    secret = config.secret if config.secret is not None else his_secret(settings.terminal_id)
    return HisHttpAdapter.connect(url, settings.terminal_id, secret, timeout_s=settings.request_timeout_s,
                                  ca_bundle=settings.ca_bundle)


# -- parsing: the HIS's JSON into the port's models, once ---------------------------------------------

def _patient(d: dict) -> HisPatient:
    session = d.get("patient_session")
    return HisPatient(
        patient_id=d["patient_id"], name_masked=d["name"], id_number=d["id_number"], sex=d["sex"],
        birth_date=date.fromisoformat(d["birth_date"]), phone_masked=d.get("phone_masked") or "",
        guardian_patient_id=d.get("guardian_patient_id"),
        session=PatientSession(session["session_id"], datetime.fromisoformat(session["expires_at"]))
        if session else None)


def _item(d: dict) -> ChargeItem:
    return ChargeItem(
        feedetl_sn=d["feedetl_sn"], med_list_codg=d["med_list_codg"], medins_list_codg=d["medins_list_codg"],
        med_chrgitm_type=d["med_chrgitm_type"], chrgitm_lv=d.get("chrgitm_lv"), name=d["name"], spec=d["spec"],
        pric_fen=d["pric_fen"], cnt=Decimal(d["cnt"]), det_item_fee_sumamt_fen=d["det_item_fee_sumamt_fen"],
        dept_code=d["dept_code"], dept_name=d["dept_name"], doctor_code=d["doctor_code"],
        doctor_name=d["doctor_name"], fee_ocur_time=datetime.fromisoformat(d["fee_ocur_time"]))


def _bill(d: dict) -> HisBill:
    return HisBill(
        bill_id=d["bill_id"], kind=d["kind"], patient_id=d["patient_id"], status=d["status"],
        total_fen=d["total_fen"], items=tuple(_item(i) for i in d.get("items") or ()), visit_id=d.get("visit_id"),
        registration_id=d.get("registration_id"), admission_id=d.get("admission_id"), paid_key=d.get("paid_key"),
        setl_id=d.get("setl_id"), booking_id=d.get("booking_id"), paid_at=_time(d.get("paid_at")))


def _visit(d: dict) -> OutpatientVisit:
    return OutpatientVisit(
        visit_id=d["visit_id"], patient_id=d["patient_id"], bill_id=d["bill_id"], dept_code=d["dept_code"],
        dept_name=d["dept_name"], doctor_code=d["doctor_code"], doctor_name=d["doctor_name"],
        started_at=datetime.fromisoformat(d["started_at"]), ended_at=_time(d.get("ended_at")),
        items=tuple(_item(i) for i in d["items"]), total_fen=d["total_fen"])


def _session(d: dict) -> ClinicSession:
    return ClinicSession(
        session_id=d["session_id"], dept_code=d["department_id"], dept_name=d["department"], doctor_name=d["doctor"],
        doctor_title=d["doctor_title"], date=date.fromisoformat(d["date"]), period=d["period"],
        starts_at=datetime.fromisoformat(d["starts_at"]), ends_at=datetime.fromisoformat(d["ends_at"]),
        room=d["room"], fee_fen=d["fee_fen"], slots_total=d["slots_total"], slots_left=d["slots_left"])


def _registration(d: dict) -> Registration:
    return Registration(
        registration_id=d["registration_id"], patient_id=d["patient_id"], session=_session(d["session"]),
        queue_number=d["queue_number"], status=d["status"], bill=_bill(d["bill"]),
        created_at=datetime.fromisoformat(d["created_at"]), cancelled_at=_time(d.get("cancelled_at")))


def _order(d: dict) -> AdmissionOrder:
    return AdmissionOrder(
        order_id=d["order_id"], patient_id=d["patient_id"], med_type=d["med_type"], adm_dept_codg=d["adm_dept_codg"],
        adm_dept_name=d["adm_dept_name"], ward=d["ward"], atddr_no=d["atddr_no"], chfpdr_name=d["chfpdr_name"],
        adm_diag_dscr=d["adm_diag_dscr"], dise_codg=d["dise_codg"], issued_at=datetime.fromisoformat(d["issued_at"]),
        status=d["status"], admission_id=d.get("admission_id"))


def _stay(d: dict) -> Stay:
    return Stay(
        admission_id=d["admission_id"], patient_id=d["patient_id"], order_id=d.get("order_id"),
        dept_code=d["dept_code"], dept_name=d["dept_name"], ward=d["ward"], bed=d["bed"],
        doctor_code=d["doctor_code"], doctor_name=d["doctor_name"],
        admitted_at=datetime.fromisoformat(d["admitted_at"]), discharged_at=_time(d.get("discharged_at")),
        status=d["status"], total_fen=d["total_fen"], items_count=d["items_count"],
        items=tuple(_item(i) for i in d.get("items") or ()), bill_id=d.get("bill_id"))


def _mark(d: dict) -> PaidMark:
    return PaidMark(
        key=d["key"], status=d["status"], bill_ids=tuple(d["bill_ids"]), patient_id=d.get("patient_id"),
        setl_id=d.get("setl_id"), booking_id=d.get("booking_id"), payment_id=d.get("payment_id"),
        total_fen=d["total_fen"], paid_now_fen=d["paid_now_fen"], marked_at=_time(d.get("marked_at")),
        unmarked_at=_time(d.get("unmarked_at")),
        business_date=date.fromisoformat(d["business_date"]) if d.get("business_date") else None)


def _payment(d: dict) -> ChannelPayment:
    return ChannelPayment(
        payment_id=d["payment_id"], patient_id=d["patient_id"], amount_fen=d["amount_fen"], purpose=d["purpose"],
        reference=d.get("reference"), status=d["status"], qr_payload=d["qr_payload"],
        created_at=datetime.fromisoformat(d["created_at"]), expires_at=datetime.fromisoformat(d["expires_at"]),
        paid_at=_time(d.get("paid_at")), used=d["used"], late=d.get("late"))
