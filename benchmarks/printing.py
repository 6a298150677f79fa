"""``receipt_render_ms``, ``statement_300_render_ms`` and their ratios to a one-line canvas.

- receipt: the 80 mm outpatient receipt of 30 items with its signed QR code
  (``printing.receipt.render_slip``, the CID font: what the kiosk's own printers get);
- statement: the A4 itemised statement of 300 items (``printing.statement.render_statement``),
  4 pages with carried totals;
- baseline: a reportlab canvas with one line of Chinese text in the same CID font, saved to
  bytes — what any PDF at all costs on this machine, measured in the same run. The ratios
  make the figures comparable across machines.

The three are measured interleaved (baseline, receipt, statement, ...) after warm-up
renders, so drift and the first render's imports and font set-up hit none of them.
Also reported: the receipt with the embedded CJK face (for a system printer), and the
ESC/POS text and raster encodings of the same slip.

Prints one JSON line (with the baseline's, the receipt's and the statement's samples, in
the order taken). Usage: ``python -m benchmarks.printing [--samples N]``
"""
from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import time
from datetime import UTC, date, datetime, timedelta

WARMUP = 3


def receipt_slip():
    from printing.documents import Receipt, ReceiptLine
    from printing.signing import sign_reference

    lines = tuple(ReceiptLine(f"检查检验项目{i:03d}（五分类）" if i % 4 else f"阿莫西林胶囊 0.25g×24粒 {i}",
                              f"{1 + i % 3}盒", 350 + 17 * i) for i in range(30))
    total = sum(line.amount_fen for line in lines)
    fund = total * 6 // 10
    reference = "ST20250501-0207-000123"
    receipt = Receipt(
        title="门诊信用结算凭条", hospital="厦门市第一医院", terminal_id="KIOSK-DEMO-01",
        printed_at=datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC), masked_id="3502**********1016",
        masked_name="陈*明", lines=lines, total_fen=total, fund_fen=fund, personal_fen=total - fund,
        booked_fen=total - fund, available_fen=300_000 - (total - fund),
        due_at=datetime(2025, 6, 11, 16, 0, tzinfo=UTC), reference=reference)
    import dataclasses

    return dataclasses.replace(receipt.as_slip(),
                               qr_payload=sign_reference(b"k" * 32, "KIOSK-DEMO-01", reference))


def statement_300():
    from printing.documents import Statement, StatementLine

    categories = ("西药费", "检查费", "化验费", "治疗费", "材料费", "床位费")
    lines = tuple(
        StatementLine(date(2025, 4, 20) + timedelta(days=i // 30), f"XB{i:05d}{i % 7:03d}",
                      f"住院项目{i:03d}" + ("（静脉输液，含耗材）" if i % 5 == 0 else ""),
                      categories[i % len(categories)], f"{1 + i % 4}次", 120 + 13 * i, (1 + i % 4) * (120 + 13 * i))
        for i in range(300))
    total = sum(line.amount_fen for line in lines)
    fund = total * 7 // 10
    return Statement(
        title="住院费用清单", hospital="厦门市第一医院", masked_id="3502**********1016", masked_name="陈*明",
        period="2025-04-20 至 2025-04-30", lines=lines,
        totals=(("合计", total), ("医保统筹支付", fund), ("个人负担", total - fund)),
        reference="ZY20250501-0207-000002", printed_at=datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC),
        info=(("住院号", "ZY2025004417"), ("科室", "心血管内科")))


def one_line_canvas() -> bytes:
    from reportlab.pdfgen import canvas

    from printing._common import FONT, ensure_font

    ensure_font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(80 * 72 / 25.4, 60), invariant=True, pageCompression=1,
                      initialFontName=FONT, initialFontSize=8)
    c.drawString(10, 30, "门诊信用结算凭条 ￥128.86")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.printing")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)

    from printing.escpos_layout import encode, layout
    from printing.fonts import embedded_face
    from printing.raster import raster_commands, render_slip_image
    from printing.receipt import render_slip
    from printing.statement import render_statement

    slip, statement = receipt_slip(), statement_300()
    face = embedded_face()
    work = {
        "baseline": one_line_canvas,
        "receipt": lambda: render_slip(slip, 80),
        "statement": lambda: render_statement(statement),
        "receipt_embedded": lambda: render_slip(slip, 80, face),
        "escpos_text": lambda: encode(layout(slip, 80)),
        "escpos_raster": lambda: raster_commands(render_slip_image(slip, 80)),
    }
    for _ in range(WARMUP):
        for fn in work.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in work}
    for _ in range(args.samples):
        for name, fn in work.items():
            samples[name].append(_ms(fn))
    median = {name: statistics.median(values) for name, values in samples.items()}
    result = {
        "samples": args.samples,
        "receipt_render_ms": round(median["receipt"], 2),
        "statement_300_render_ms": round(median["statement"], 2),
        "baseline_canvas_ms": round(median["baseline"], 3),
        "receipt_render_ratio": round(median["receipt"] / median["baseline"], 2),
        "statement_300_render_ratio": round(median["statement"] / median["baseline"], 2),
        "receipt_embedded_font_ms": round(median["receipt_embedded"], 2),
        "escpos_text_ms": round(median["escpos_text"], 2),
        "escpos_raster_ms": round(median["escpos_raster"], 2),
        "receipt_pdf_bytes": len(render_slip(slip, 80)),
        "statement_pages": len(re.findall(rb"/Type /Page[^s]", render_statement(statement))),
        "samples_ms": {name: [round(x, 3) for x in samples[name]] for name in ("baseline", "receipt", "statement")},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
