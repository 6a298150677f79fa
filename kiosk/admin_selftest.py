"""``kiosk-admin selftest``: is this kiosk ready for patients?

Checks, each printed as ``OK`` or ``FAIL`` with the reason: the settings and what they
name on this machine; the platform (reachable, its clock close enough for signatures, and
accepting this terminal's signature); the printer (its back-end's ``status()``); every
configured device (as ``kiosk-admin devices``) and, when the kiosk is running, what its
devices are doing (FAIL while one is lost: a reader whose thread died and is being
restarted, a cable out); free disk space for the journal and logs.
Exit 1 when any check fails.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass

from kiosk import settings as settings_mod
from kiosk.admin import check_platform, environment_problems, load_settings, secret_state

MIN_FREE_MB = 200
MAX_SKEW_S = 120  # the platform refuses signatures beyond 300 s; warn well before


@dataclass(frozen=True)
class Check:
    """One line of ``kiosk-admin selftest``: what was checked, whether it passed, and the detail IT reads."""

    name: str
    ok: bool
    detail: str


def _settings(current: settings_mod.Settings) -> list[Check]:
    problems = current.validate() + environment_problems(current)
    if problems:
        return [Check("settings", False, problem) for problem in problems]
    return [Check("settings", True, f"valid ({settings_mod.config_path()})")]


def _platform(current: settings_mod.Settings) -> list[Check]:
    if not current.platform_url:
        return [Check("platform", True, "none configured: training mode on the embedded sandbox")]
    from kiosk.transport import PLATFORM_URL_RULE, acceptable_platform_url, trust_store

    if not acceptable_platform_url(current.platform_url):  # nothing is sent in clear off loopback
        return [Check("platform", False, f"not contacted: {PLATFORM_URL_RULE}")]
    import requests

    checks = []
    try:
        with requests.get(current.platform_url.rstrip("/") + "/v1/health",
                          timeout=current.request_timeout_s,
                          verify=trust_store(current.ca_bundle)) as response:  # a file: not the environment's
            response.raise_for_status()
            date = response.headers.get("Date")
    except requests.exceptions.SSLError as exc:
        return [Check("platform", False, f"TLS verification failed ({type(exc).__name__}); "
                                         "is ca_bundle the CA that signed the platform's certificate?")]
    except requests.RequestException as exc:
        return [Check("platform", False, f"not reachable at {current.platform_url}: {type(exc).__name__}")]
    checks.append(Check("platform", True, f"reachable at {current.platform_url}"))
    if date:
        from email.utils import parsedate_to_datetime

        skew = abs(parsedate_to_datetime(date).timestamp() - time.time())
        checks.append(Check("clock", skew <= MAX_SKEW_S,
                            f"{skew:.0f} s from the platform's clock"
                            + ("" if skew <= MAX_SKEW_S else " (signatures fail beyond 300 s: fix the time)")))
    secret, said = secret_state(current.terminal_id)
    if secret is None:
        checks.append(Check("signature", False, f"terminal secret {said}"))
        return checks
    ok, said = check_platform(current, secret)
    checks.append(Check("signature", ok, said))
    return checks


def _printer(current: settings_mod.Settings) -> list[Check]:
    try:
        backend = printer_backend(current)
    except Exception as exc:  # noqa: BLE001 - any failure to build it is the finding
        return [Check("printer", False, f"{current.printer_backend}: cannot be set up ({exc})")]
    status = getattr(backend, "status", None)
    if status is None:
        return [Check("printer", True, f"{current.printer_backend}: no status to read")]
    try:
        state = status()
    except Exception as exc:  # noqa: BLE001
        return [Check("printer", False, f"{current.printer_backend}: status failed ({type(exc).__name__})")]
    detail = f"{current.printer_backend}: {state.get('state', '?')}"
    if state.get("detail"):
        detail += f" ({state['detail']})"
    return [Check("printer", state.get("state") == "ready", detail)]


def printer_backend(current: settings_mod.Settings):
    """The configured printer back-end, built as the app builds it (``kiosk.services``'s
    ``make_printer_backend`` when it has one, else the folder back-end's options)."""
    from kiosk import services

    make = getattr(services, "make_printer_backend", None)
    if make is not None:
        return make(current)
    from printing.backends import make_backend

    kind = current.printer_backend
    timeout = getattr(current, "printer_job_timeout_s", 30.0)
    if kind == "cups":  # the options kiosk.services.build_printer gives each back-end
        return make_backend("cups", queue=getattr(current, "printer_queue", ""), job_timeout_s=timeout)
    if kind == "escpos":
        return make_backend("escpos", connection=getattr(current, "escpos_connection", ""),
                            mode=getattr(current, "escpos_mode", "text"), width_mm=current.receipt_width_mm,
                            job_timeout_s=timeout)
    return make_backend(kind, folder=current.receipts_path)


def _devices(current: settings_mod.Settings) -> list[Check]:
    from kiosk.devices.manager import check

    return [Check(f"device {r.name}", r.ok, f"{r.kind}: {r.detail}") for r in check(current)]


def _running_devices(current: settings_mod.Settings) -> list[Check]:
    """What the running kiosk's devices are doing (its ``devices.json``): not OK while one
    is lost, e.g. its thread died and waits for its restart, or its cable is out."""
    from kiosk.devices.supervisor import live_states_path, read_live_states

    states = read_live_states(live_states_path(current))
    if states is None or not states.live:
        return [Check("running", True, "no kiosk running on this data folder: devices checked by opening them")]
    checks = []
    for device in states.devices:
        name, state = device.get("name", "?"), device.get("state", "?")
        restarts = int(device.get("restarts") or 0)
        said = f"in the running kiosk (pid {states.pid}): {state}"
        if state == "lost":
            said += f": {device.get('problem') or 'no reason given'}"
        elif restarts:
            said += (f"; restarted {restarts} time(s), last down at {device.get('last_failure_at', '?')}: "
                     f"{device.get('last_failure', '')}")
        checks.append(Check(f"live {name}", state != "lost", said))
    return checks


def _disk(current: settings_mod.Settings) -> list[Check]:
    probe = current.data_path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    free_mb = shutil.disk_usage(probe).free / 1e6
    return [Check("disk", free_mb >= MIN_FREE_MB, f"{free_mb:,.0f} MB free for {current.data_path}")]


def run_checks(current: settings_mod.Settings) -> list[Check]:
    results = []
    for part in (_settings, _platform, _printer, _devices, _running_devices, _disk):
        try:
            results += part(current)
        except Exception as exc:  # noqa: BLE001 - a check that crashes is a failed check
            results.append(Check(part.__name__.strip("_"), False, f"check failed: {type(exc).__name__}: {exc}"))
    return results


def _selftest(args) -> int:
    current = load_settings()
    results = run_checks(current)
    for result in results:
        print(f"{'OK  ' if result.ok else 'FAIL'} {result.name:<12} {result.detail}")
    failed = sum(not r.ok for r in results)
    print(f"{failed} of {len(results)} checks failed" if failed else f"all {len(results)} checks passed")
    return 1 if failed else 0


def register(sub) -> None:
    sub.add_parser("selftest", help="settings, platform (reachable, signature accepted), printer, devices "
                                    "(and the running kiosk's), disk: OK or why not").set_defaults(func=_selftest)
