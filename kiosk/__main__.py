"""``kiosk``: the application; ``kiosk demo``: the embedded sandbox and the guided tour."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Credit-based care kiosk and cashier desk")
    parser.add_argument("--mode", choices=("kiosk", "desk"), help="override the 'mode' setting")
    parser.add_argument("--config", type=Path, help="settings file (default: the platform's config folder)")
    parser.add_argument("--windowed", action="store_true", help="not full screen (IT and training)")
    parser.add_argument("--exit-after-first-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)  # benchmarks: RSS
    parser.add_argument("--exit-when-usable", action="store_true", help=argparse.SUPPRESS)  # benchmarks: ready
    from kiosk import __version__

    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run on the embedded sandbox with demo data")
    demo.add_argument("--tour", action="store_true",
                      help="walk through the journeys by script and save screenshots and receipts")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), help="folder for the tour's files")
    demo.add_argument("--platform-url", default="",
                      help="use this running platform instead of embedding the sandbox (secret from keyring)")
    demo.add_argument("--language", choices=("zh_CN", "en"), default="zh_CN")
    demo.add_argument("--data-dir", type=Path, help="keep the journal here (default: a temporary folder)")
    return parser


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None:  # a windowed frozen build has no console (before argparse prints)
        sys.stdout = sys.stderr = open(os.devnull, "w")
    if argv is None and Path(sys.argv[0]).stem == "kiosk-admin":  # the bundle's second executable
        from kiosk.admin import main as admin_main

        return admin_main(sys.argv[1:])
    from kiosk import startup

    startup.begin()
    args = _parser().parse_args(argv)
    if args.command != "demo":
        import gc

        gc.disable()  # the start makes many objects and few cycles: collected again once usable (run_app)
    if args.config:
        os.environ["KIOSK_CONFIG"] = str(args.config)
    from kiosk import logs

    logs.install()  # rotating files in the data folder, personal data redacted
    logging.getLogger("kiosk").info("kiosk %s starting (%s)", _version_line(), " ".join(sys.argv[1:]))
    from kiosk.ui import qtlog

    qtlog.install()
    _plain_imports()
    if args.command == "demo":
        from kiosk.demo import run_demo

        return run_demo(tour=args.tour, out=args.out, platform_url=args.platform_url,
                        language=args.language, data_dir=args.data_dir)
    return run_app(args)


def _plain_imports() -> None:
    """Imports without PySide6's ``__feature__`` hook, once Qt is loaded.

    PySide6 replaces ``__import__`` to offer ``from __feature__ import snake_case,
    true_property`` (Qt's names in Python style), which the kiosk never uses: after every
    import the hook reads the new module's source file to see whether it mentions PySide6,
    and every import statement goes through a Python function first. Hundreds of modules
    load on the way to a usable home screen, on the GUI thread and the worker alike: a few
    per cent of the start's work (``docs/benchmarks.md``). The hook keeps the import it wraps
    as ``builtins.__orig_import__`` (PySide6's own lazy loading of its Qt modules), which is
    put back; a PySide6 without that arrangement is left as it is."""
    import builtins

    hook, plain = builtins.__import__, getattr(builtins, "__orig_import__", None)
    if plain is not None and getattr(hook, "__name__", "") == "__feature_import__":
        builtins.__import__ = plain


def run_app(args) -> int:
    from kiosk import settings as settings_mod

    try:
        settings = settings_mod.load_for_start()  # refuses http:// off loopback, a broken ca_bundle
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    if args.mode:
        settings = settings.with_overrides(mode=args.mode)
    if args.windowed or args.exit_after_first_paint:
        settings = settings.with_overrides(full_screen=False)

    from kiosk.app import KioskApp

    app = KioskApp(settings, boot=not args.exit_after_first_paint)
    from kiosk import startup

    startup.mark("window made")
    app.usable.connect(startup.collect_from_now_on)
    app.boot_failed.connect(startup.collect_from_now_on)
    if args.exit_after_first_paint:  # for `make bench`: cold start to the home screen on the glass
        app.window.first_paint.connect(lambda: _bench_exit(app))
    if args.exit_when_ready:  # for `make bench`: the app started with its services, printing warmed (RSS)
        app.warmed.connect(app.qapp.quit)
    if args.exit_when_usable:  # for `make bench`: the home screen on the glass with its journeys
        _quit_when_usable(app)
    if args.exit_when_ready or args.exit_when_usable:
        app.boot_failed.connect(lambda why: app.qapp.exit(1))
    app.show()
    code = app.qapp.exec()
    app.shutdown()
    return code


def _bench_exit(app, code: int = 0) -> None:
    """Quit for ``make bench``, first printing when (CLOCK_MONOTONIC, as the benchmark's own
    clock) the awaited frame came: the figure is spawn to that frame, not to the exit."""
    import time

    print(f"{BENCH_FRAME} {time.monotonic():.6f}", flush=True)
    app.qapp.exit(code)


BENCH_FRAME = "kiosk-bench-frame"


def _quit_when_usable(app) -> None:
    """Quit once the patient can use the kiosk: the home screen painted with its journey
    buttons shown and enabled after the services are built (``usable``), and the platform
    has answered (the sync engine's first health probe, shown by the offline banner; it
    may come before or after that paint). Exit 3 if that frame has no usable journey
    button, 4 if the platform did not answer (the figure would lie)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    home = app.window.home
    banner = app.window.offline_banner  # its status comes by a queued signal from the sync thread
    painted = []

    def check() -> None:
        if banner.status is not None and not banner.status.online:
            poll.stop()
            app.qapp.exit(4)
        elif painted and banner.status is not None:
            poll.stop()
            _bench_exit(app)

    class Watch(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is home:
                home.removeEventFilter(self)
                buttons = list(home.buttons.values())
                if not (buttons and all(b.isEnabled() and b.isVisible() for b in buttons)):
                    app.qapp.exit(3)
                    return False
                painted.append(True)
                check()
            return False

    watch = Watch(app)
    poll = QTimer(app, interval=1, timeout=check)  # for an answer that comes after the paint

    def on_usable() -> None:
        home.installEventFilter(watch)
        poll.start()

    app.usable.connect(on_usable)


def _version_line() -> str:
    from kiosk import __version__

    frozen = " frozen" if getattr(sys, "frozen", False) else ""
    system = os.uname() if hasattr(os, "uname") else None  # (the platform module costs ms at start)
    where = f"{system.sysname} {system.release} {system.machine}" if system else sys.platform
    return f"{__version__}{frozen}, Python {sys.version.split()[0]}, {where}"


if __name__ == "__main__":
    sys.exit(main())
