"""Render a document and send it to the printer; a printer fault is reported, never raised.

A transaction is never undone by a printer: callers get ``(job, None)`` or
``(None, reason)`` and tell the patient where to get the document. On the way:

1. the QR code gets the signed payload (``printing.signing``: reference + the terminal's
   HMAC), so the platform can tell a genuine document from a forgery;
2. the PDF is rendered, its CJK face embedded whatever the back-end (``printing.fonts``: a
   PDF that leaves the kiosk, or is opened from the archive years later, must not depend on
   the reader's fonts), and archived (``printing.archive``);
3. the back-end prints it. If it cannot (``PrintError``: offline, paper out, stuck), the
   document is rendered as the copy ("重打副本 COPY") and put in the reprint queue
   (``offline_cache.reprints``) for the cashier's desk, and the reason is returned.

``reprint(item_id)`` prints a queued copy; ``status()`` answers the printer's state for
the fleet heartbeat. Everything here runs on worker threads (``Context.run``).
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

log = logging.getLogger("kiosk.documents")


@dataclass(frozen=True)
class PrintConfig:
    """What every printed document carries: the hospital, the terminal and the paper width."""

    hospital: str
    terminal_id: str
    width_mm: int = 80


class DocumentPrinter:
    """``backend`` prints the thermal documents and, unless ``a4_backend`` is given, the A4
    ones too. ``archive`` (``DocumentArchive``), ``reprints`` (``ReprintQueue``) and
    ``signer`` (reference -> QR payload) are optional: without them nothing is archived,
    nothing queued, and the QR holds the bare reference."""

    def __init__(self, backend, config: PrintConfig, *, archive=None, reprints=None,
                 signer: Callable[[str], str] | None = None, a4_backend=None):
        self.backend = backend
        self.a4_backend = a4_backend
        self.config = config
        self.archive = archive
        self.reprints = reprints
        self.signer = signer
        self._lock = threading.Lock()
        self._last_error: tuple[str, str] | None = None  # (reason, when)
        self._last_printed_at: str | None = None

    # -- printing ---------------------------------------------------------------------
    def print_receipt(self, receipt, name: str) -> tuple[str | None, str | None]:
        try:
            slip = receipt.as_slip()
        except (ValueError, KeyError) as exc:
            log.error("document %s not built: %s", name, type(exc).__name__)
            return None, "document"
        return self._print(slip, name)

    def print_slip(self, slip, name: str) -> tuple[str | None, str | None]:
        return self._print(slip, name)

    def print_statement(self, statement, name: str) -> tuple[str | None, str | None]:
        return self._print(statement, name)

    def _print(self, doc, name: str) -> tuple[str | None, str | None]:
        from printing.backends import PrintError

        backend = self._backend_for(doc)
        try:
            doc = self._signed(doc)
            pdf, _ = self._render(doc)
        except Exception as exc:
            log.error("document %s not rendered: %s", name, type(exc).__name__, exc_info=exc)
            self._note_error("document")
            return None, "document"
        if self.archive is not None:
            self.archive.store(name, pdf, doc.printed_at)
        try:
            job = self._send(backend, name, doc, pdf)
        except PrintError as exc:
            log.error("document %s not printed: %s (%s)", name, exc.reason, exc.detail)
            self._note_error(exc.reason)
            self._enqueue(doc, name, exc.reason)
            return None, exc.reason
        self._note_printed()
        return job, None

    def _send(self, backend, name: str, doc, pdf: bytes) -> str:
        """The back-end prints; anything but a ``PrintError`` (a bug, a library surprise)
        is logged and reported as ``PrintError("fault")``: the document is queued all the same."""
        from printing.backends import PrintError, PrintJob, send
        from printing.documents import Slip

        is_slip = isinstance(doc, Slip)
        job = PrintJob(name, pdf, slip=doc if is_slip else None, width_mm=self.config.width_mm,
                       a4=not is_slip)
        try:
            return send(backend, job)
        except PrintError:
            raise
        except Exception as exc:
            log.error("printer back-end failed on %s", name, exc_info=exc)
            raise PrintError("fault", type(exc).__name__) from exc

    def _enqueue(self, doc, name: str, reason: str) -> None:
        if self.reprints is None:
            return
        from printing import serialize

        try:
            copy = dataclasses.replace(doc, copy=True)
            pdf, embedded = self._render(copy)
            self.reprints.add(name=name, kind=_kind(copy), title=copy.title, reference=copy.reference,
                              reason=reason, document=serialize.dumps(copy), pdf=pdf, embedded=embedded)
            log.info("document %s queued for reprint (%s)", name, reason)
        except Exception as exc:
            log.error("document %s could not be queued for reprint", name, exc_info=exc)

    # -- reprints ---------------------------------------------------------------------
    def waiting(self) -> list:
        """The reprint queue, oldest first (``ReprintItem`` values)."""
        return self.reprints.waiting() if self.reprints is not None else []

    def reprint(self, item) -> tuple[str | None, str | None]:
        """Print a queued document as the copy; it leaves the queue once printed.
        ``item`` is a ``ReprintItem`` or its id. ``(None, "gone")`` if it is no longer queued."""
        from printing import serialize
        from printing.backends import PrintError

        if self.reprints is None:
            return None, "gone"
        item_id = getattr(item, "item_id", item)
        stored = self.reprints.load(item_id)
        if stored is None:
            return None, "gone"
        name = stored.item.name
        try:
            doc = serialize.loads(stored.document)
            backend = self._backend_for(doc)
            pdf = stored.pdf
            if not stored.embedded:  # rendered without the embedded face (an older release): again
                pdf, embedded = self._render(doc)
                if embedded:
                    self.reprints.replace_rendering(item_id, pdf, embedded)
        except Exception as exc:
            log.error("reprint %s not rendered: %s", name, type(exc).__name__, exc_info=exc)
            self.reprints.note_failure(item_id, "document")
            return None, "document"
        if self.archive is not None:
            self.archive.store(f"{name}-copy", pdf, doc.printed_at)
        try:
            job = self._send(backend, f"{name}-copy", doc, pdf)
        except PrintError as exc:
            log.error("reprint of %s failed: %s (%s)", name, exc.reason, exc.detail)
            self._note_error(exc.reason)
            self.reprints.note_failure(item_id, exc.reason)
            return None, exc.reason
        self.reprints.done(item_id)
        self._note_printed()
        log.info("reprinted %s as a copy", name)
        return job, None

    # -- status -----------------------------------------------------------------------
    def status(self) -> dict:
        """The printer's state for the fleet heartbeat (may ask the printer: call it on a
        worker). ``state``: the back-end's (``ready``, ``paper_out``, ``offline``, ...)."""
        backend_status = {"state": "unknown", "detail": ""}
        probe = getattr(self.backend, "status", None)
        if probe is not None:
            try:
                backend_status = dict(probe())
            except Exception as exc:  # noqa: BLE001 - a status probe must not take the heartbeat down
                log.warning("printer status failed: %s", exc)
                backend_status = {"state": "unknown", "detail": type(exc).__name__}
        with self._lock:
            last_error = self._last_error
            last_printed = self._last_printed_at
        return {
            **backend_status,
            "backend": getattr(self.backend, "kind", type(self.backend).__name__),
            "last_error": last_error[0] if last_error else None,
            "last_error_at": last_error[1] if last_error else None,
            "last_printed_at": last_printed,
            "reprints_waiting": self.reprints.count() if self.reprints is not None else 0,
            "archive_failures": self.archive.failures if self.archive is not None else 0,
        }

    def close(self) -> None:
        if self.reprints is not None:
            self.reprints.close()

    # -- helpers ----------------------------------------------------------------------
    def _backend_for(self, doc):
        from printing.documents import Slip

        if not isinstance(doc, Slip) and self.a4_backend is not None:
            return self.a4_backend
        return self.backend

    def _signed(self, doc):
        if self.signer is None or doc.qr_payload is not None:
            return doc
        try:
            return dataclasses.replace(doc, qr_payload=self.signer(doc.reference))
        except ValueError as exc:
            log.warning("QR of %s not signed: %s", doc.reference, exc)
            return doc

    def _render(self, doc) -> tuple[bytes, bool]:
        """The PDF, and whether it embeds the CJK face (always, unless no font file can be
        read: then the CID font, and ``printing.fonts`` logs it)."""
        from printing.documents import Slip
        from printing.fonts import default_face

        face = default_face()
        if isinstance(doc, Slip):
            from printing.receipt import render_slip

            return render_slip(doc, width_mm=self.config.width_mm, face=face), face is not None
        from printing.statement import render_statement

        return render_statement(doc, face=face), face is not None

    def _note_error(self, reason: str) -> None:
        with self._lock:
            self._last_error = (reason, datetime.now(UTC).isoformat())

    def _note_printed(self) -> None:
        with self._lock:
            self._last_printed_at = datetime.now(UTC).isoformat()


def _kind(doc) -> str:
    from printing.documents import Slip

    return "slip" if isinstance(doc, Slip) else "statement"
