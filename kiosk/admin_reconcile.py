"""``kiosk-admin reconcile [--date YYYY-MM-DD] [--json]``: the daily reconciliation per counterpart (issue 12).

The kiosk's journal of a business day (its settlement sagas) against the insurance platform's 3201 totals, the
credit platform's bookings and the HIS's marks made by this terminal, to the fen (``kiosk.usecases.counterparts``).
Prints the kiosk's figures for each counterpart, then every difference with what to do next; exit 0 when all
three answered and agree, 1 with differences (or a counterpart that did not answer), 2 when it cannot run.

Reads the journal's facts in clear only (opaque ids, codes, amounts): no data key, nothing personal. It sends one
3201 per insurance group under the kiosk's own msgid sequence (the journal's counter, shared safely with the
running kiosk) and reads the credit platform and the HIS with the terminal's secrets from the keyring.
"""
from __future__ import annotations

import json
from datetime import date

from kiosk.admin import AdminError, load_settings
from kiosk.domain.money import format_cny


def _day(text: str | None) -> date:
    if not text:
        from kiosk.domain import clock

        return clock.business_date(clock.now())
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AdminError(f"--date {text!r}: give the business day as YYYY-MM-DD") from None


def _reconcile(settings, day: date):
    from kiosk.platform import PlatformClient
    from kiosk.secrets import SecretMissing, get_terminal_secret
    from kiosk.services import build_ports
    from kiosk.usecases.counterparts import ReconcileCounterparts
    from offline_cache.journal import Journal
    from offline_cache.sagas import Sagas

    if not settings.platform_url or not settings.his_url or not settings.insurance_url:
        raise AdminError("platform_url, his_url and insurance_url must all be set: a training kiosk's embedded "
                         "services keep no day to reconcile (kiosk-admin config show)")
    path = settings.data_path / "journal.sqlite"
    if not path.exists():
        raise AdminError(f"no journal at {path} (the kiosk has not run with this data folder)", 1)
    try:
        secret = get_terminal_secret(settings.terminal_id)
    except SecretMissing as exc:
        raise AdminError(f"{exc} (kiosk-admin secret set)") from None
    journal = Journal(path)
    platform = PlatformClient(settings.platform_url, settings.terminal_id, secret, retries=0,
                              timeout_s=settings.request_timeout_s, ca_bundle=settings.ca_bundle)
    try:
        ports = build_ports(settings, platform, journal)
        try:
            return ReconcileCounterparts(ports, Sagas(journal))(day)
        finally:
            ports.close()
    finally:
        platform.close()
        journal.close()


def _as_json(report) -> dict:
    from dataclasses import asdict

    from kiosk.reconciliation_words import finding_text

    return {"date": report.day.isoformat(), "agrees": report.agrees, "checked": list(report.checked),
            "insurance": {ref: {k: v for k, v in asdict(g).items() if k != "settlements"}
                          | {"settlements": [list(s) for s in g.settlements]} for ref, g in report.insurance.items()},
            "credit": report.credit, "his": {k: {**v, "bill_ids": list(v["bill_ids"])} for k, v in report.his.items()},
            "findings": [asdict(f) | {"next_step": f.next_step, "words": finding_text(f)} for f in report.findings]}


def _print(report) -> None:
    from kiosk.reconciliation_words import finding_text

    print(f"reconciliation of {report.day.isoformat()} (this terminal's journal against each counterpart)")
    print("insurance platform (3201, per insutype/clr_type/admdvs):")
    for ref, g in sorted(report.insurance.items()):
        print(f"  {ref:<24} {g.count:>4} settlements  medfee {format_cny(g.medfee_fen):>12}  "
              f"fund {format_cny(g.fund_fen):>12}  account {format_cny(g.acct_fen):>10}")
        for saga_id, setl_id in g.settlements:
            print(f"      saga {saga_id[:12]}  setl_id {setl_id}")
    if not report.insurance:
        print("  no settlement in the journal")
    booked = [o for o in report.credit.values() if o["status"] == "booked"]
    print(f"credit platform: {len(booked)} bookings standing, {format_cny(sum(o['booked_fen'] for o in booked))} "
          f"on the line ({len(report.credit) - len(booked)} voided)")
    paid = [o for o in report.his.values() if o["status"] == "paid"]
    print(f"HIS: {len(paid)} marks standing, {format_cny(sum(o['total_fen'] for o in paid))} of bills "
          f"({len(report.his) - len(paid)} undone)")
    if report.agrees:
        print("all three counterparts agree with the journal, to the fen")
        return
    print(f"{len(report.findings)} differences:")
    for f in report.findings:
        print(f"- [{f.counterpart}] {finding_text(f)}")


def _run(args) -> int:
    settings = load_settings()
    report = _reconcile(settings, _day(args.date))
    if args.json:
        print(json.dumps(_as_json(report), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        _print(report)
    return 0 if report.agrees else 1


def register(sub) -> None:
    parser = sub.add_parser("reconcile", help="the day's journal against the insurance platform (3201), the credit "
                                              "platform's bookings and the HIS's marks: every difference and what to "
                                              "do (exit 1 with differences)")
    parser.add_argument("--date", help="the business day, YYYY-MM-DD (default: today, Asia/Shanghai)")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.set_defaults(func=_run)
