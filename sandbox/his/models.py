"""The HIS API's request and answer models: every field described, money strict integer fen,
quantities decimal strings (never float), charge items in the national medical-insurance codes."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from sandbox.schemas import Id, RequestModel

CNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
BillStatus = Literal["unpaid", "paid", "cancelled", "refunded"]


class FindPatientRequest(RequestModel):
    id_number: str | None = Field(default=None, min_length=1, max_length=32, examples=["350211197211050510"],
                                  description="The resident ID number (GB 11643): a card read, or typed at a desk.")
    sscard_number: str | None = Field(default=None, pattern=r"^[A-Z0-9]{9}$", examples=["E35000003"],
                                      description="The social-security card number (社会保障卡卡号), read with the "
                                                  "card.")
    health_card_token: str | None = Field(default=None, min_length=16, max_length=256,
                                          pattern=r"^[A-Za-z0-9._~+/=-]+$", examples=["demo-tier3-ehc-000001"],
                                          description="The token of a scanned e-health card (电子健康卡) QR code.")

    @model_validator(mode="after")
    def _one(self) -> FindPatientRequest:
        given = [v for v in (self.id_number, self.sscard_number, self.health_card_token) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of id_number, sscard_number, health_card_token")
        return self


class PatientSession(BaseModel):
    session_id: str = Field(description="The patient session this lookup opened at the calling terminal: reads of "
                                        "the patient's data are allowed there while it lives. `POST "
                                        "/v1/patient-sessions/end` ends it when the patient leaves.")
    expires_at: str = Field(description="When it ends if unused (each read starts its idle time again).")


class Patient(BaseModel):
    patient_id: str = Field(description="The hospital's patient id (病人ID).")
    name: str = Field(description="Masked: the surname and asterisks (王*, 林*英). The HIS never gives a terminal "
                                  "the full name.")
    id_number: str = Field(description="The resident ID number the card, social-security card or scanned code "
                                       "stands for (the kiosk shows it masked).")
    id_number_masked: str
    sex: Literal["M", "F"]
    birth_date: str = Field(description="YYYY-MM-DD")
    phone_masked: str = Field(description="The mobile number on file, masked (139****0101); empty when none.")
    guardian_patient_id: str | None = Field(description="A minor's guardian as the hospital records it.")
    patient_session: PatientSession


class EndSessionsRequest(RequestModel):
    session_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        max_length=50, description="Patient sessions of the calling terminal to end (another terminal's are left "
                                   "alone).")


class SessionsEnded(BaseModel):
    ended: int = Field(description="How many were still live.")


class ChargeItem(BaseModel):
    """A charge line as the national interface's fee detail (2204 / 2301) carries it."""

    feedetl_sn: str = Field(description="The HIS's serial of the line, unique within its visit or stay.")
    med_list_codg: str = Field(description="National medical-insurance list code (医保目录编码).")
    medins_list_codg: str = Field(description="The hospital's own code (医药机构目录编码).")
    med_chrgitm_type: str = Field(pattern=r"^(0[1-9]|1[0-4])$", description=(
        "医疗收费项目类别: 01 床位费, 02 诊察费, 03 检查费, 04 化验费, 05 治疗费, 06 手术费, 07 护理费, 08 卫生材料费, "
        "09 西药费, 10 中药饮片费, 11 中成药费, 12 一般诊疗费, 13 挂号费, 14 其他费."))
    chrgitm_lv: Literal["01", "02", "03"] | None = Field(
        description="收费项目等级: 01 甲类, 02 乙类, 03 丙类; null where the HIS does not know it.")
    name: str
    spec: str = Field(description="Specification (规格) or unit.")
    pric_fen: int = Field(description="Unit price.")
    cnt: str = Field(pattern=CNT_PATTERN, examples=["2"], description="Quantity, a decimal string (up to 4 decimals).")
    det_item_fee_sumamt_fen: int = Field(description="The line's amount: pric × cnt, rounded half up to the fen.")
    dept_code: str
    dept_name: str
    doctor_code: str
    doctor_name: str
    fee_ocur_time: str = Field(description="When the charge arose, ISO 8601 with offset.")


class Bill(BaseModel):
    bill_id: str = Field(description="MZ… an outpatient visit's, GH… a registration fee's, ZY… a stay's discharge "
                                     "bill.")
    kind: Literal["outpatient", "registration", "inpatient"]
    patient_id: str
    status: BillStatus = Field(description="`unpaid`; `paid` (marked under a key); `cancelled` (a registration "
                                           "cancelled unpaid); `refunded` (a paid registration cancelled).")
    total_fen: int
    items: list[ChargeItem] = Field(description="Its charges (empty where a summary is given).")
    visit_id: str | None
    registration_id: str | None
    admission_id: str | None
    paid_key: str | None = Field(description="The Idempotency-Key of the mark that paid it.")
    setl_id: str | None = Field(description="The insurance settlement, as the mark gave it.")
    booking_id: str | None = Field(description="The credit booking, as the mark gave it.")
    payment_id: str | None = Field(description="The channel payment the mark took.")
    paid_at: str | None


class Visit(BaseModel):
    visit_id: str
    patient_id: str
    bill_id: str = Field(description="The visit's bill: what a mark pays.")
    status: Literal["open", "settled"] = Field(description="`open` while its bill is unpaid.")
    dept_code: str
    dept_name: str
    doctor_code: str
    doctor_name: str
    started_at: str
    ended_at: str | None
    items: list[ChargeItem]
    total_fen: int = Field(description="The sum of the items.")


class Visits(BaseModel):
    visits: list[Visit]


class Department(BaseModel):
    dept_code: str
    name: str
    name_en: str


class Departments(BaseModel):
    departments: list[Department]


class Session(BaseModel):
    session_id: str
    department_id: str
    department: str
    doctor: str
    doctor_title: str = Field(description="主治医师, 副主任医师 or 主任医师 (sets the fee).")
    date: str
    period: Literal["AM", "PM"]
    starts_at: str
    ends_at: str
    room: str
    fee_fen: int
    slots_total: int
    slots_left: int


class Sessions(BaseModel):
    sessions: list[Session]


class RegisterRequest(RequestModel):
    session_id: Id
    patient_id: Id


class Registration(BaseModel):
    registration_id: str
    patient_id: str
    session: Session
    queue_number: int
    status: Literal["booked", "cancelled"]
    bill: Bill = Field(description="The registration fee as its one charge item: unpaid until a mark pays it.")
    created_at: str
    cancelled_at: str | None


class Registrations(BaseModel):
    registrations: list[Registration]


class EmptyRequest(RequestModel):
    pass


class AdmissionOrder(BaseModel):
    order_id: str = Field(description="The admission order number (入院证号).")
    patient_id: str
    med_type: str = Field(description="21 普通住院, 22 外伤住院, 24 急诊转住院.")
    adm_dept_codg: str
    adm_dept_name: str
    ward: str
    atddr_no: str
    chfpdr_name: str
    adm_diag_dscr: str
    dise_codg: str = Field(description="ICD-10.")
    issued_at: str
    status: Literal["pending", "admitted", "cancelled"] = Field(description="`pending`: valid 30 days.")
    admission_id: str | None


class AdmissionOrders(BaseModel):
    orders: list[AdmissionOrder]


class AdmitRequest(RequestModel):
    order_id: Id
    patient_id: Id


class Stay(BaseModel):
    admission_id: str
    patient_id: str
    order_id: str | None
    dept_code: str
    dept_name: str
    ward: str
    bed: str
    doctor_code: str
    doctor_name: str
    admitted_at: str
    discharged_at: str | None
    status: Literal["admitted", "billed", "discharged"] = Field(
        description="`billed`: the discharge bill is drawn up (no more charges); `discharged`: it is paid.")
    total_fen: int
    items_count: int
    items: list[ChargeItem] = Field(description="Empty in lists; every charge in `GET /v1/admissions/{id}`.")
    bill_id: str | None


class Stays(BaseModel):
    admissions: list[Stay]


class MarkRequest(RequestModel):
    bill_ids: list[Id] = Field(min_length=1, max_length=50, description="Bills of one patient.")
    setl_id: Annotated[str, Field(min_length=1, max_length=512)] | None = Field(
        default=None, description="The insurance settlement (2207 / 2304 setl_id); a mark of several bills each "
                                  "settled on its own names them all, comma-separated, in the bills' order.")
    booking_id: Id | None = Field(default=None, description="The credit platform's booking of the personal part.")
    payment_id: Id | None = Field(default=None, description="A completed channel payment of the rest paid now "
                                                            "(purpose matching a bill's kind); the mark takes it.")


class NameBookingRequest(RequestModel):
    booking_id: Id = Field(description="The credit platform's booking of the personal part, booked after the mark.")


class Mark(BaseModel):
    key: str = Field(description="The Idempotency-Key the mark was made under.")
    status: Literal["paid", "unmarked"] = Field(description="`unmarked`: undone, or barred before any mark arrived.")
    bill_ids: list[str]
    patient_id: str | None
    setl_id: str | None
    booking_id: str | None
    payment_id: str | None
    total_fen: int = Field(description="The bills' total.")
    paid_now_fen: int = Field(description="The channel payment's amount (0 without one).")
    marked_at: str | None
    unmarked_at: str | None
    business_date: str | None = Field(description="The business day of the mark (YYYY-MM-DD).")


class Marks(BaseModel):
    marks: list[Mark]


class PaymentRequest(RequestModel):
    patient_id: Id
    amount_fen: Annotated[int, Field(ge=1, le=1_000_000_000, strict=True)]
    purpose: Literal["registration", "settlement", "discharge"]
    reference: str | None = Field(default=None, max_length=64, description="Free text for the patient's statement.")


class RefundPaymentRequest(RequestModel):
    late: Literal["refunded_after_cancel", "refunded_walked_away"] = Field(
        description="Why: paid before the patient's Cancel reached the channel, or as the screen cleared (gone).")
