"""Hostile workbooks written by hand with zipfile (a few KB to a few MB on disk), for the CLI and the
served app. Each is a valid XLSX that calamine would open; only its size or shape is hostile."""
from __future__ import annotations

import zipfile
from pathlib import Path

HEADERS = ["受理编号", "中心编码", "受理时间", "事项编码", "办理状态", "服务对象", "联系电话", "评分"]
ROW = ["SL0001", "C001", "2022-03-05 09:07", "0101", "已办结", "张三", "13812341234", "5"]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b"%s</Types>")
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _col(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(r: int, values) -> bytes:
    cells = "".join(f'<c r="{_col(i)}{r}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
                    for i, v in enumerate(values, start=1))
    return f'<row r="{r}">{cells}</row>'.encode()


def body(rows: int = 1) -> bytes:
    """The header and `rows` copies of a valid service record (ids SL0001, SL0002, …)."""
    out = [row_xml(1, HEADERS)]
    for i in range(rows):
        out.append(row_xml(i + 2, [f"SL{i + 1:04d}", *ROW[1:]]))
    return b"".join(out)


def write_xlsx(path: Path, sheet_data: bytes = b"", dimension: str | None = None, sheets: int = 1,
               shared_strings=None, sheet_chunks=None) -> Path:
    """A workbook whose first sheet holds `sheet_data` (row XML) or, streamed, the bytes from
    `sheet_chunks`; `sheets` sheets in all; `shared_strings` an iterable of XML chunks for the
    shared-string table (None: no table)."""
    overrides = b"".join(
        b'<Override PartName="/xl/worksheets/sheet%d.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i
        for i in range(1, sheets + 1))
    book = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + b"".join(b'<sheet name="Sheet%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i) for i in range(1, sheets + 1))
            + b"</sheets></workbook>")
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + b"".join(b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       b'relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i, i)
                       for i in range(1, sheets + 1)))
    if shared_strings is not None:
        rels += (b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    rels += b"</Relationships>"
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:   # level 1: the bomb is written fast
        z.writestr("[Content_Types].xml", CONTENT_TYPES % overrides)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD + dim + b"<sheetData>")
            for chunk in sheet_chunks or [sheet_data]:
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
        for i in range(2, sheets + 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", SHEET_HEAD + b"<sheetData/></worksheet>")
        if shared_strings is not None:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                for chunk in shared_strings:
                    f.write(chunk)
                f.write(b"</sst>")
    return path


GIB = 1 << 30


def _spaces(total: int, chunk: int = 1 << 22):
    block = b" " * chunk
    for _ in range(total // chunk):
        yield block


def _strings(n: int, per_chunk: int = 100_000):
    for start in range(0, n, per_chunk):
        yield "".join(f"<si><t>{i:x}</t></si>" for i in range(start, min(n, start + per_chunk))).encode()


# name → (writer, the Chinese refusal the importer must give)
HOSTILE = {
    "declared_range": (
        lambda p: write_xlsx(p, body(), dimension="A1:XFD1048576"),
        "工作簿超出读取限制：工作表「Sheet1」的声明范围 A1:XFD1048576（1,048,576 行 × 16,384 列）为 "
        "17,179,869,184 个单元格，上限为 3,000,000 个单元格。"),
    "last_cell": (
        lambda p: write_xlsx(p, body() + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "工作簿超出读取限制：工作表「Sheet1」的数据范围 A1:XFD1048576（1,048,576 行 × 16,384 列）为 "
        "17,179,869,184 个单元格，上限为 3,000,000 个单元格。"),
    "zip_bomb": (
        lambda p: write_xlsx(p, sheet_chunks=[body(), *_spaces(GIB + (64 << 20))]),
        "工作簿超出读取限制：「xl/worksheets/sheet1.xml」解压后的大小为 1,088 MB，上限为 300 MB。"),
    "cells_without_refs": (   # r="…" may be left out: positions then follow the order of the tags
        lambda p: write_xlsx(p, body() + b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"),
        # the scan stops as soon as the range seen so far is over the limit (row 1,048,576 × column H)
        "工作簿超出读取限制：工作表「Sheet1」的数据范围 A1:H1048576（1,048,576 行 × 8 列）为 "
        "8,388,608 个单元格，上限为 3,000,000 个单元格。"),
    "many_sheets": (
        lambda p: write_xlsx(p, body(), sheets=200),
        "工作簿超出读取限制：工作表数为 200，上限为 64。"),
    "shared_strings": (
        lambda p: write_xlsx(p, body(), shared_strings=_strings(2_500_000)),
        "工作簿超出读取限制：共享字符串数为 2,500,000，上限为 2,000,000。"),
}
