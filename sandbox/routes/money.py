"""Outpatient settlement across visits, repayment, refunds."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sandbox import authority
from sandbox.routes.common import WRITE_DESCRIPTION, IdempotencyKey, keyed_write
from sandbox.schemas import Account, Fen, Id, PositiveFen, RequestModel, example_id, write_responses
from sandbox.store import Store


class SettlementRequest(RequestModel):
    patient_id: str = example_id("P000003")
    account_id: Id | None = Field(examples=["CA000003"],
                                  description="The credit account to book on; null: "
                                              "everything personal through the channel.")
    visit_ids: list[Id] = Field(min_length=1, max_length=20,
                                examples=[["V000003", "V000013"]])
    payment_id: Id | None = Field(default=None, description="A completed `settlement` "
                                  "payment of exactly the shortfall, when there is one.")


class MultiSettlement(BaseModel):
    settlement_id: str
    reference: str = Field(description="ST + yyyymmdd + 6 digits.")
    patient_id: str
    account_id: str | None
    visit_ids: list[str]
    total_fen: int
    fund_fen: int = Field(description="Settled by the insurance fund.")
    personal_fen: int
    booked_fen: int = Field(description="On the credit line: min(personal, available).")
    paid_fen: int = Field(description="The shortfall, paid through the payment channel.")
    line_fen: int = Field(description="0 without an account.")
    available_fen: int = Field(description="After booking; 0 without an account.")
    due_at: str | None = Field(description="Due time of the bill; null when nothing booked.")
    settled_at: str
    items_count: int


class RepaymentRequest(RequestModel):
    account_id: str = example_id("CA000008")
    amount_fen: PositiveFen = Field(examples=[1000])
    channel: Literal["payment_channel", "cash", "bank_card"] = Field(examples=["cash"])
    payment_id: Id | None = Field(default=None, description="Required for payment_channel: "
                                  "a completed `repayment` payment of the same amount.")
    operator_id: Id | None = Field(default=None, examples=["1001"],
                                   description="Ignored: the operator is the desk's session's (cash and bank_card "
                                               "are taken at a desk only).")
    bill_ids: list[Id] | None = Field(default=None, max_length=50, description=(
        "Bills to pay, oldest due first; omitted: every outstanding bill oldest due first "
        "(bills under an open dispute wait)."))


class Allocation(BaseModel):
    bill_id: str
    amount_fen: int
    outstanding_fen: int = Field(description="Left on the bill after this repayment.")


class Repayment(BaseModel):
    repayment_id: str
    reference: str = Field(description="HK + yyyymmdd + 6 digits.")
    account_id: str
    amount_fen: int
    channel: Literal["payment_channel", "cash", "bank_card"]
    bills_paid: list[str] = Field(description="Bills that received money.")
    allocations: list[Allocation]
    restored: bool = Field(description="A suspended account became active again.")
    account: Account
    repaid_at: str


class RefundRequest(RequestModel):
    settlement_id: str = example_id("STL000908")
    amount_fen: PositiveFen = Field(examples=[500])
    operator_id: Id | None = Field(default=None, examples=["1001"],
                                   description="Ignored: the operator is the desk's session's.")
    reason: str = Field(min_length=1, max_length=200, examples=["药品退回"])
    fund_fen: Fen = Field(default=0, examples=[0], description=(
        "The insurance fund's share of what is refunded: it goes back to the fund (between the hospital and "
        "the insurer), recorded here; no money to anyone at the desk."))
    approval_id: str | None = Field(default=None, min_length=1, max_length=64, description=(
        "Above the limit (`refund_supervisor_over_fen`), unless the operator is a supervisor: a supervisor's "
        "approval of exactly this settlement and amount, given at this desk (`POST /v1/approvals`)."))


class RefundAllocation(BaseModel):
    bill_id: str
    reference: str = Field(description="The reference of the bill's settlement.")
    amount_fen: int
    outstanding_fen: int = Field(description="Left on that bill afterwards.")


class Refund(BaseModel):
    refund_id: str
    reference: str = Field(description="TK + yyyymmdd + 6 digits.")
    settlement_id: str
    settlement_reference: str
    amount_fen: int = Field(description="to_credit_fen + to_channel_fen: never cash.")
    to_credit_fen: int = Field(description="Back to the credit account (the part booked on credit goes first): "
                                           "to_bill_fen + to_other_bills_fen + to_balance_fen.")
    to_bill_fen: int = Field(description="Taken off this settlement's bill (the line gets it back).")
    to_other_bills_fen: int = Field(description="What the patient had already repaid on the bill beyond what it "
                                                "now comes to, paying the account's other open bills, oldest due "
                                                "first (`allocations`).")
    to_balance_fen: int = Field(description="The rest: the account's credit balance, which the financial "
                                            "institution returns to the patient.")
    allocations: list[RefundAllocation]
    to_channel_fen: int = Field(description="Beyond the part on credit, the part paid on the spot: back through "
                                            "the payment channel it came from.")
    channel: Literal["payment_channel"] | None = Field(description="Where to_channel_fen goes; null when nothing.")
    fund_fen: int = Field(description="Given back to the insurance fund (recorded; no money at the desk).")
    restored: bool = Field(description="A suspended account became active again: nothing overdue is left.")
    account: Account | None
    refunded_at: str


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["settlement and repayment"])

    @router.post("/v1/settlements", response_model=MultiSettlement,
                 summary="Settle one or more open visits: fund part settled, personal part "
                         "on the line as far as it reaches, the shortfall paid",
                 description=WRITE_DESCRIPTION,
                 responses=write_responses(
                     r403="`account_suspended`, `account_not_linked`, `guardian_line_ended` (come of age, "
                          "from the 18th birthday: details `adult_from`), `insurance_suspended` (dishonest listing)",
                     r404="`patient_not_found`, `visit_not_found`, `account_not_found`, "
                          "`payment_not_found`",
                     r409="`shift_not_open` (a desk), `visit_not_of_patient`, `visit_already_settled`, "
                          "`no_credit_service`, `repay_first`, `shortfall_unpaid` (details: "
                          "`shortfall_fen`, `booked_fen`), `payment_mismatch`, "
                          "`payment_already_used`, `payment_not_needed`",
                     r422="`duplicate_visit`"))
    def settle(body: SettlementRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        # In a batch, a settlement that fits is booked set-based with the batch's others, not
        # through here (``sandbox.routes.batch``: the same answer and rows as ``store.settle``).
        return keyed_write(store, request, idempotency_key, MultiSettlement, store.settle,
                           rule=authority.SETTLEMENT, **body.model_dump())

    @router.post("/v1/repayments", response_model=Repayment,
                 summary="Repay bills: the line is restored; nothing overdue left: a "
                         "suspended account is active again at once",
                 description=WRITE_DESCRIPTION + " Cash and bank card: at a desk only.",
                 responses=write_responses(
                     r403="`desk_only`: cash or bank card from a kiosk",
                     r404="`account_not_found`, `bill_not_found`, `payment_not_found`",
                     r409="`shift_not_open` (a desk), `overpayment` (details: `owed_fen`), `payment_not_completed`, "
                          "`payment_mismatch`, `payment_already_used`",
                     r422="`payment_required`, `operator_required`, `payment_not_needed`, "
                          "`duplicate_bill`"))
    def repay(body: RepaymentRequest, request: Request,
              idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Repayment, store.repay,
                           rule=authority.REPAYMENT, **body.model_dump())

    @router.post("/v1/refunds", response_model=Refund,
                 summary="Cashier refund: the part on credit back to the credit account (this bill, the "
                         "account's other bills, the balance), then the part paid on the spot back to its channel",
                 description=WRITE_DESCRIPTION + " Desk only: the session's operator, in an open shift; above the "
                             "limit a supervisor's approval (or a supervisor's own session).",
                 responses=write_responses(
                     r403="`desk_only`, `supervisor_required` (details: `limit_fen`)",
                     r404="`settlement_not_found`",
                     r409="`shift_not_open`, `refund_exceeds` (details: `refundable_fen`, "
                          "`fund_refundable_fen`)"))
    def refund(body: RefundRequest, request: Request,
               idempotency_key: IdempotencyKey = None) -> Response:
        return keyed_write(store, request, idempotency_key, Refund, store.refund,
                           rule=authority.REFUND, **body.model_dump())

    return router
