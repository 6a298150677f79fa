"""Receipts: what reaches paper (read back with poppler and zbar), and the PDF folder backend."""
from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.domain.idnumber import check_character, mask_id, mask_name
from kiosk.domain.money import format_cny
from printing.backends import PdfFolderBackend, PrinterBackend, PrintError, make_backend
from printing.documents import Receipt, ReceiptLine
from printing.receipt import render_receipt

_TOOLS = ("pdftotext", "pdfinfo", "pdftoppm", "zbarimg")
needs_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in _TOOLS),
    reason="needs poppler-utils and zbar-tools",
)

FIRST17 = "35020319800101101"
FULL_ID = FIRST17 + check_character(FIRST17)
REFERENCE = "CS20250501-0012-000345"

VISIT = (
    ReceiptLine("普通门诊诊查费", "1次", 1000),
    ReceiptLine("血常规（五分类）", "1项", 2500),
    ReceiptLine("C反应蛋白测定", "1项", 4000),
    ReceiptLine("阿莫西林胶囊 0.25g×24粒", "2盒", 3136),
    ReceiptLine("布洛芬缓释胶囊", "1盒", 1850),
    ReceiptLine("静脉采血", "1次", 400),
)


def make_receipt(lines: tuple[ReceiptLine, ...] = VISIT, **changes) -> Receipt:
    total = sum(line.amount_fen for line in lines)
    fund = total * 55 // 100
    personal = total - fund
    receipt = Receipt(
        title="门诊信用结算凭条",
        hospital="厦门市第一医院",
        terminal_id="ZZJ-0207",
        # 02:03:04 UTC is 10:03:04 in Shanghai; 16:30 UTC is already the next day there.
        printed_at=datetime(2025, 5, 1, 2, 3, 4, tzinfo=UTC),
        masked_id=mask_id(FULL_ID),
        masked_name=mask_name("陈志明"),
        lines=lines,
        total_fen=total,
        fund_fen=fund,
        personal_fen=personal,
        booked_fen=personal,
        available_fen=300_000 - personal,
        due_at=datetime(2025, 6, 11, 16, 30, tzinfo=UTC),
        reference=REFERENCE,
    )
    return dataclasses.replace(receipt, **changes)


def _write(pdf: bytes, folder: Path, name: str = "receipt") -> Path:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True, capture_output=True, text=True, encoding="utf-8", timeout=30,
    ).stdout


def _page_width_mm(path: Path) -> float:
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert m, info
    return float(m.group(1)) * 25.4 / 72


def _amounts(receipt: Receipt) -> list[str]:
    fen = [line.amount_fen for line in receipt.lines] + [
        receipt.total_fen, receipt.fund_fen, receipt.personal_fen,
        receipt.booked_fen, receipt.available_fen,
    ]
    return [format_cny(f) for f in fen]


@needs_tools
def test_receipt_shows_every_field_and_never_the_full_id(tmp_path, monkeypatch):
    receipt = make_receipt()
    monkeypatch.chdir(tmp_path)
    pdf = render_receipt(receipt)
    assert list(tmp_path.iterdir()) == []  # rendering itself stores nothing
    assert pdf.startswith(b"%PDF-")

    path = _write(pdf, tmp_path)
    text = _text(path)
    for label in ("终端", "时间", "姓名", "证件号", "合计", "医保统筹支付", "个人负担",
                  "信用额度记账", "剩余可用额度", "还款截止", "流水号"):
        assert label in text, label
    for value in ("厦门市第一医院", "门诊信用结算凭条", "ZZJ-0207", "2025-05-01 10:03:04",
                  "陈*明", mask_id(FULL_ID), "2025-06-12", REFERENCE):
        assert value in text, value
    for line in VISIT:
        assert line.name in text, line.name
        assert line.quantity in text
    for amount in _amounts(receipt):
        assert re.search(rf"(?m){re.escape(amount)}\s*$", text), amount  # flush right
    assert format_cny(receipt.total_fen) == "￥128.86"
    assert "COPY" not in text and "重打副本" not in text

    squeezed = re.sub(r"\s+", "", text)
    assert FULL_ID not in squeezed
    assert FIRST17 not in squeezed
    assert "陈志明" not in squeezed
    assert _page_width_mm(path) == pytest.approx(80, abs=0.5)


@needs_tools
def test_qr_code_decodes_to_the_reference(tmp_path):
    path = _write(render_receipt(make_receipt()), tmp_path)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True, capture_output=True, timeout=30,
    )
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp_path / "page.png")],
        capture_output=True, text=True, timeout=30,
    )
    assert decoded.stdout.strip() == REFERENCE


@needs_tools
def test_58mm_receipt_keeps_every_amount(tmp_path):
    receipt = make_receipt(due_at=None)
    path = _write(render_receipt(receipt, width_mm=58), tmp_path)
    text = _text(path)
    assert _page_width_mm(path) == pytest.approx(58, abs=0.5)
    for amount in _amounts(receipt):
        assert amount in text, amount
    assert mask_id(FULL_ID) in text and REFERENCE in text
    assert "还款截止" not in text  # nothing to repay, no due date


@needs_tools
def test_thirty_items_all_listed(tmp_path):
    kinds = ["血常规", "尿常规", "肝功能", "肾功能", "血脂四项", "心电图", "胸部DR", "彩超", "甲功三项", "葡萄糖测定"]
    lines = tuple(
        ReceiptLine(f"{kinds[i % 10]}（{i + 1:02d}）", "1项", 500 + 37 * i) for i in range(30)
    )
    receipt = make_receipt(lines)
    text = _text(_write(render_receipt(receipt), tmp_path))
    for line in lines:
        assert line.name in text, line.name
    for amount in _amounts(receipt):
        assert amount in text, amount


@needs_tools
def test_long_names_are_wrapped_or_cut_never_dropped(tmp_path):
    lines = VISIT + (
        ReceiptLine("胸部正位X线摄影（DR）数字化摄影含胶片及诊断报告", "1次", 9000),
        ReceiptLine("超长的药品名称" * 15, "10支×2盒装", 123456),
    )
    receipt = make_receipt(lines)
    for width in (80, 58):
        text = _text(_write(render_receipt(receipt, width), tmp_path, f"w{width}"))
        assert "胸部正位" in text and "诊断报告" in text
        assert "…" in text  # the 105-character name is cut
        assert "10支×2盒装" in text
        for amount in _amounts(receipt):
            assert amount in text, amount


@needs_tools
def test_copy_is_marked(tmp_path):
    text = _text(_write(render_receipt(make_receipt(copy=True)), tmp_path))
    assert re.search(r"重打副本\s*COPY", text)


@pytest.mark.parametrize("masked", [FULL_ID, FULL_ID + "*", "3502*" + FULL_ID[4:], "35020319", ""])
def test_receipt_refuses_an_unmasked_id(masked):
    with pytest.raises(ValueError) as exc:
        make_receipt(masked_id=masked)
    assert FULL_ID not in str(exc.value)


def test_receipt_accepts_masked_ids_and_refuses_naive_times():
    assert make_receipt(masked_id="3502**********101X").masked_id.endswith("101X")
    assert make_receipt(masked_id="********").lines == VISIT
    with pytest.raises(ValueError):
        make_receipt(printed_at=datetime(2025, 5, 1, 10, 3, 4))
    with pytest.raises(ValueError):
        make_receipt(masked_name="陈志明")
    with pytest.raises(ValueError):
        render_receipt(make_receipt(), width_mm=76)


@needs_tools
def test_pdf_folder_backend_writes_atomically(tmp_path):
    folder = tmp_path / "spool" / "receipts"
    backend = make_backend("pdf-folder", folder=folder)
    assert isinstance(backend, PdfFolderBackend)
    assert isinstance(backend, PrinterBackend)
    job = backend.print_document(REFERENCE, render_receipt(make_receipt()))
    assert Path(job) == folder / f"{REFERENCE}.pdf"
    assert REFERENCE in _text(Path(job))
    # Printing again replaces the file; no temporary files are left behind.
    backend.print_document(REFERENCE, render_receipt(make_receipt(copy=True)))
    assert [p.name for p in folder.iterdir()] == [f"{REFERENCE}.pdf"]
    assert "COPY" in _text(Path(job))


def test_pdf_folder_backend_reports_an_unusable_folder(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(PrintError) as exc:
        PdfFolderBackend(blocker / "receipts").print_document("r1", b"%PDF-1.4\n")
    assert exc.value.reason == "unavailable"
    with pytest.raises(ValueError):
        PdfFolderBackend(tmp_path).print_document("../escape", b"%PDF-1.4\n")


def test_make_backend_rejects_unknown_kinds_and_options(tmp_path):
    with pytest.raises(ValueError):
        make_backend("fax")
    with pytest.raises(ValueError):
        make_backend("pdf-folder")
    with pytest.raises(ValueError):
        make_backend("pdf-folder", folder=tmp_path, colour=True)
