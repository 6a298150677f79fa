"""Admission orders (入院证), credit admission on one of them (no deposit) and credit discharge."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import Id, RequestModel, example_id, path_id, responses, write_responses
from sandbox.store import Refusal, Store


class AdmitRequest(RequestModel):
    patient_id: str = example_id("P000003")
    account_id: str = example_id("CA000003")
    order_id: str = Field(min_length=1, max_length=64, examples=["RYZ000002"],
                          description="The patient's pending admission order (入院证): its department and ward.")


class AdmissionOrder(BaseModel):
    """A doctor's admission order, in the national interface's admission (2401) field names where it has
    them."""

    order_id: str = Field(description="The hospital's admission order number (入院证号).")
    patient_id: str
    med_type: str = Field(examples=["21"], description="Medical type: 21 普通住院, 22 外伤住院, 24 急诊转住院.")
    adm_dept_codg: str = Field(examples=["D03"], description="Admitting department's code.")
    adm_dept_name: str = Field(examples=["心血管内科"])
    ward: str = Field(examples=["九病区"], description="The ward (病区) the patient goes to (the hospital's own).")
    atddr_no: str = Field(description="The ordering doctor's code.")
    chfpdr_name: str = Field(description="The ordering doctor's name.")
    adm_diag_dscr: str = Field(description="Admitting diagnosis.")
    dise_codg: str = Field(examples=["I20.0"], description="Its ICD-10 code.")
    issued_at: str
    status: Literal["pending", "admitted", "cancelled"] = Field(
        description="`pending`: waiting for the admission (valid 30 days from `issued_at`).")
    admission_id: str | None = Field(description="The admission it led to.")


class AdmissionOrders(BaseModel):
    orders: list[AdmissionOrder]


class Admitted(BaseModel):
    admission_id: str
    order_id: str
    doctor: str = Field(description="The doctor who ordered the admission.")
    patient_id: str
    account_id: str
    department_id: str
    department: str
    ward: str
    bed: str
    status: Literal["admitted"]
    admitted_at: str
    deposit_fen: int = Field(description="Always 0: the credit line guarantees the stay.")
    guarantee: Literal["credit_line"]


class AdmissionItem(BaseModel):
    code: str = Field(description="The hospital's charge code.")
    name: str
    date: str = Field(description="YYYY-MM-DD the charge was incurred.")
    quantity: int
    unit_price_fen: int
    amount_fen: int = Field(description="quantity × unit_price_fen")
    med_chrgitm_type: str = Field(
        pattern=r"^(0[1-9]|1[0-4])$", examples=["01"],
        description="Charge category (医疗收费项目类别) in the national medical-insurance code table: "
                    "01 床位费, 02 诊察费, 03 检查费, 04 化验费, 05 治疗费, 06 手术费, 07 护理费, "
                    "08 卫生材料费, 09 西药费, 10 中药饮片费, 11 中成药费, 12 一般诊疗费, 13 挂号费, "
                    "14 其他费.")
    chrgitm_lv: Literal["01", "02", "03"] = Field(
        description="Insurance class (收费项目等级): 01 甲类 (within the fund's list), 02 乙类 (the "
                    "patient first pays a share), 03 丙类 (outside the list: paid in full by the patient).")
    self_paid_fen: int = Field(
        ge=0, description="The part the patient pays whatever the fund does: 乙类 先行自付 "
                          "(amount × the self-pay share), 丙类 the whole amount, 甲类 0.")


class AdmissionSummary(BaseModel):
    admission_id: str
    patient_id: str
    account_id: str | None
    department_id: str
    department: str
    ward: str
    bed: str
    admitted_at: str
    discharged_at: str | None
    status: Literal["admitted", "discharged"]
    guarantee: Literal["credit_line", "deposit"]
    deposit_paid_fen: int
    settlement_id: str | None
    total_fen: int
    fund_fen: int
    personal_fen: int
    items_count: int


class Admission(AdmissionSummary):
    items: list[AdmissionItem]


class Admissions(BaseModel):
    admissions: list[AdmissionSummary]


class DischargeRequest(RequestModel):
    account_id: Id | None = Field(examples=["CA000009"],
                                  description="The credit account to book on; null: "
                                              "everything through the payment channel.")
    payment_id: Id | None = Field(default=None, description="A completed `discharge` payment "
                                  "of exactly the shortfall, when there is one.")


class Discharged(BaseModel):
    settlement_id: str
    reference: str = Field(description="CY + yyyymmdd + 6 digits.")
    admission_id: str
    patient_id: str
    account_id: str | None
    total_fen: int
    fund_fen: int
    personal_fen: int
    deposit_used_fen: int
    deposit_refund_fen: int = Field(description="Deposit beyond the personal part, refunded.")
    booked_fen: int
    paid_fen: int
    line_fen: int
    available_fen: int
    due_at: str | None
    settled_at: str
    items_count: int


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["inpatient"])

    @router.post("/v1/admissions", response_model=Admitted,
                 summary="Credit admission on an admission order: no deposit, the line guarantees the stay",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r403="`patient_not_present`, `account_suspended`, `account_not_linked`, `guardian_line_ended` "
                          "(come of age: details `adult_from`)",
                     r404="`patient_not_found`, `account_not_found`, `admission_order_not_found` (also another "
                          "patient's order)",
                     r409="`no_credit_service`, `repay_first`, `already_admitted`, `admission_order_used`, "
                          "`admission_order_expired`"))
    def admit(body: AdmitRequest, request: Request,
              idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Admitted, store.admit,
                           rule=authority.ADMISSION, **body.model_dump())

    @router.get("/v1/patients/{patient_id}/admission-orders", response_model=AdmissionOrders,
                summary="A patient's admission orders (入院证), newest first",
                responses=responses(r403=authority.PRESENT_403, r404="`patient_not_found`"))
    def admission_orders(patient_id: Annotated[str, path_id("P000003")], request: Request,
                         status: Annotated[Literal["pending", "admitted", "cancelled"] | None,
                                           Query(description="Only orders in this state.")] = None,
                         ) -> AdmissionOrders:
        authority.require_present(store, request, patient_id=patient_id)
        found = store.admission_orders(patient_id, status)
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return AdmissionOrders.model_validate({"orders": found})

    @router.get("/v1/patients/{patient_id}/admissions", response_model=Admissions,
                summary="A patient's inpatient stays, newest first",
                responses=responses(r403=authority.PRESENT_403, r404="`patient_not_found`"))
    def admissions(patient_id: Annotated[str, path_id("P000009")], request: Request,
                   status: Annotated[Literal["admitted", "discharged"] | None,
                                     Query(description="Only stays in this state.")] = None,
                   ) -> Admissions:
        authority.require_present(store, request, patient_id=patient_id)
        found = store.admissions(patient_id, status)
        if found is None:
            raise Refusal(404, "patient_not_found", "No patient with this id.")
        return Admissions.model_validate({"admissions": found})

    @router.get("/v1/admissions/{admission_id}", response_model=Admission,
                summary="An inpatient stay with its itemised charges",
                responses=responses(r403=authority.PRESENT_403, r404="`admission_not_found`"))
    def admission(admission_id: Annotated[str, path_id("A000001")], request: Request) -> Admission:
        found = store.admission(admission_id)
        authority.require_present(store, request, patient_id=found["patient_id"] if found else "")
        if found is None:
            raise Refusal(404, "admission_not_found", "No admission with this id.")
        return Admission.model_validate(found)

    @router.post("/v1/admissions/{admission_id}/discharge", response_model=Discharged,
                 summary="Credit discharge: personal part less deposit on the line, the "
                         "shortfall paid",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`, `guardian_line_ended` (come of age: "
                          "details `adult_from`), `insurance_suspended`",
                     r404="`admission_not_found`, `account_not_found`, `payment_not_found`",
                     r409="`shift_not_open` (a desk), `already_discharged`, `no_credit_service`, `repay_first`, "
                          "`shortfall_unpaid` (details: `shortfall_fen`, `booked_fen`), "
                          "`payment_mismatch`, `payment_already_used`, `payment_not_needed`"))
    def discharge(admission_id: Annotated[str, path_id("A000001")], body: DischargeRequest,
                  request: Request,
                  idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Discharged, store.discharge,
                           rule=authority.DISCHARGE, admission_id=admission_id, **body.model_dump())

    return router
