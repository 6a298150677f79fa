"""Daily reconciliation (对账) of the calling terminal."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from kiosk.domain.clock import business_date
from sandbox.schemas import responses
from sandbox.store import Refusal, Store

Kind = Literal["registration", "registration_cancel", "settlement", "discharge", "repayment",
               "refund", "void"]


class Entry(BaseModel):
    kind: Kind
    reference: str
    amount_fen: int = Field(description="credit_fen + channel_fen + cash_fen. Cancellations "
                                        "and refunds are money going back (their kind says "
                                        "so), still positive.")
    credit_fen: int = Field(description="Booked on (or, going back, returned to) credit "
                                        "lines.")
    channel_fen: int = Field(description="Through the payment channel or a bank card.")
    cash_fen: int
    at: str


class Total(BaseModel):
    count: int
    amount_fen: int
    credit_fen: int
    channel_fen: int
    cash_fen: int


class Reconciliation(BaseModel):
    date: str
    terminal_id: str
    entries: list[Entry]
    totals: dict[Kind, Total] = Field(description="Every kind, zero when none.")


def build(store: Store) -> APIRouter:
    router = APIRouter(tags=["reconciliation"])

    @router.get("/v1/reconciliation", response_model=Reconciliation,
                summary="The calling terminal's business day: every money movement it made",
                responses=responses(r422="`invalid_date`"))
    def reconciliation(request: Request,
                       date_: Annotated[str | None, Query(
                           alias="date", max_length=10,
                           description="YYYY-MM-DD; default: today (store clock).")] = None,
                       ) -> Reconciliation:
        if date_ is None:
            day = business_date(store.now())
        else:
            try:
                day = date.fromisoformat(date_)
            except ValueError:
                raise Refusal(422, "invalid_date", "date must be YYYY-MM-DD.") from None
        return Reconciliation.model_validate(
            store.reconciliation(request.state.terminal_id, day))

    return router
