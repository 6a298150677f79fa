"""A headless kiosk for the saga's crash tests (issue 12): the real ports, journal (the offline outbox), sync
engine, sagas and recovery (``tests/saga_kiosk.py``, built by ``kiosk.services``'s own builders), no Qt, no printer.

``python -m tests.offline.saga_driver --data-dir D --services FILE``

``FILE`` is JSON naming the three services (``credit_url``, ``terminal_id``, ``city``, ``his_url``,
``insurance_url``, ``paasid``, ``admdvs``, ``fixmedins_code``, ``fixmedins_name``); the credit platform's
terminal secret comes from ``KIOSK_TEST_SECRET`` (hex), the HIS's and the insurance gateway's from the keyring
the environment pins (as a hospital's IT leaves them); the data key from ``KIOSK_TEST_DATA_KEY`` (hex).

At start, as the app: the outbox sent (a booking queued while the credit platform did not answer), then every
unfinished saga driven to its end (the recovery), then ``ready <states>``.
Commands, one a line (``tests/offline/trace.py`` for the stop commands; ``TRACE_ARM`` stops inside the
start-up recovery):

- ``pay <n> <role> <kind>``: the patient ``role`` identifies and pays (``kind`` outpatient or discharge),
  once, or registers for the next clinic session they are not registered for (``kind`` registration); a rest
  beyond the line (a fee the line cannot take) is paid on their phone (the sandbox HIS's control API); or
  cancels their latest registration (``kind`` cancel_registration: the saga undone). What they are told:
  ``told {"n", "outcome": settled|pending|undone|refused, ...}``.
- ``recover``: the recovery's sweep now; ``recovered <states>``.
- ``quit``.

The saga's phases (``saga:<kind>:<step>:sent|done|unknown|refused``, ``saga:<kind>:settled``,
``saga:<kind>:undone``), the outbox's (``journal``: a booking queued) and the sync engine's (``sync``: a batch about
to go, ``sync:answered``: its answer come, not yet recorded) are stop points: an armed one prints
``stop kiosk <phase> <saga>`` and waits there for the harness's SIGKILL.
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import sys
from pathlib import Path


class Services:
    """What ``tests.saga_kiosk.Kiosk`` reads of ``EmbeddedServices``, from the description file."""

    def __init__(self, description: dict):
        from types import SimpleNamespace

        self.url = description["credit_url"]
        self.terminal_id = description["terminal_id"]
        self.city = description["city"]
        self.secret = bytes.fromhex(os.environ["KIOSK_TEST_SECRET"])
        self.desk_terminal_id = description.get("desk_terminal_id", "DESK-DEMO-01")
        self.his = None  # the settings come from the description (counterparts() needs no secrets here)
        self.insurance = None
        self.described = SimpleNamespace(**description)


def build(args):
    from kiosk.settings import Settings  # noqa: F401
    from tests.saga_kiosk import Kiosk

    description = json.loads(Path(args.services).read_text())
    services = Services(description)
    return Kiosk(services, args.data_dir, bytes.fromhex(os.environ["KIOSK_TEST_DATA_KEY"]), timeout_s=args.timeout,
                 his_url=description["his_url"], insurance_url=description["insurance_url"],
                 insurance_paasid=description["paasid"], insurance_admdvs=description["admdvs"],
                 insurance_fixmedins_code=description["fixmedins_code"],
                 insurance_fixmedins_name=description["fixmedins_name"])


class Driver:
    def __init__(self, kiosk, tracer):
        self.kiosk = kiosk
        self.tracer = tracer
        self.discharge = kiosk.discharge

    def tell(self, n: int, outcome: str, **facts) -> None:
        self.tracer.say("told " + json.dumps({"n": n, "outcome": outcome, **facts}))

    def pay(self, n: int, role: str, kind: str) -> None:
        import uuid

        from kiosk.domain.errors import Refusal
        from kiosk.usecases.settlement_saga import SagaPending, SagaUndone

        try:
            session = self.kiosk.session(role)
            if kind == "registration":
                self.register(n, session)
                return
            if kind == "cancel_registration":
                self.cancel(n, session)
                return
            if kind == "outpatient":
                prepared = self.kiosk.outpatient.prepare(session, session.his_visits)
                saga = self.kiosk.outpatient
            else:
                stay = self.discharge.current_stay(session)
                if stay is None:
                    self.tell(n, "refused", code="no_stay")
                    return
                prepared = self.discharge.prepare(session, stay)
                saga = self.discharge
            plan = prepared.plan if prepared.refusal is None else prepared.plan.paying_in_full()
            payment_id = None
            if plan.paid_now_fen:
                his = self.kiosk.ports.his
                payment = his.create_payment(session.his_patient_id, plan.paid_now_fen,
                                             "settlement" if kind == "outpatient" else "discharge",
                                             key=uuid.uuid4().hex)
                his.complete_in_training(payment.payment_id)  # the patient's phone
                payment_id = payment.payment_id
            settlement, _facts = saga.settle(prepared.saga_id, plan, payment_id)
        except SagaPending as pending:
            self.tell(n, "pending", code=pending.details.get("cause"))
            return
        except SagaUndone as undone:
            self.tell(n, "undone", code=undone.code)
            return
        except Refusal as refusal:
            self.tell(n, "refused", code=refusal.code)
            return
        self.tell(n, "settled", reference=settlement.reference, booked_fen=settlement.booked_fen)

    def register(self, n: int, session) -> None:
        import uuid

        from kiosk.domain.settlement import CannotUseCredit

        clinic = self.kiosk.clinic(session)
        try:
            made = self.kiosk.registration.register(session, clinic)
        except CannotUseCredit:
            his = self.kiosk.ports.his
            payment = his.create_payment(session.his_patient_id, clinic.fee_fen, "registration", key=uuid.uuid4().hex)
            his.complete_in_training(payment.payment_id)  # the patient's phone
            made = self.kiosk.registration.register(session, clinic, payment.payment_id)
        self.tell(n, "settled", reference=made.reference, booked_fen=made.booked_fen)

    def cancel(self, n: int, session) -> None:
        """The patient cancels their latest registration at the HIS that this kiosk made (the saga undone)."""
        booked = sorted(self.kiosk.ports.his.registrations(session.his_patient_id, "booked"),
                        key=lambda r: r.created_at)
        if not booked:
            self.tell(n, "refused", code="nothing_to_cancel")
            return
        state = self.kiosk.registration.cancel(booked[-1].registration_id)
        self.tell(n, "undone" if state == "undone" else "pending", code=state)

    def recover(self) -> dict:
        return self.kiosk.recovery.all()

    def serve(self, commands: queue.Queue) -> None:
        while True:
            verb, *words = commands.get().split()
            if verb == "pay":
                self.pay(int(words[0]), words[1], words[2])
            elif verb == "recover":
                self.tracer.say("recovered " + json.dumps(sorted(self.recover().values())))
            elif verb == "quit":
                return
            else:
                raise SystemExit(f"unknown command {verb!r}")


def main(argv: list[str] | None = None) -> int:
    from kiosk.usecases import writes
    from tests.offline.trace import Tracer

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--services", required=True)
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    tracer = Tracer("kiosk")
    writes.trace_hook = tracer.stop_here
    commands: queue.Queue = queue.Queue()
    tracer.serve(commands)
    kiosk = build(args)
    try:
        driver = Driver(kiosk, tracer)
        states = kiosk.recover_at_start()  # as the app at start: the outbox sent, the sagas driven to their end
        tracer.say("ready " + json.dumps(sorted(states.values())))
        driver.serve(commands)
    finally:
        kiosk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
