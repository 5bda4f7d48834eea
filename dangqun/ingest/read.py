"""Bytes → table: decode CSV (any of the encodings officials meet) or read a workbook sheet, find the
header row, and hand back every cell as text with the spreadsheet row number of each data row."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dangqun.ingest import limits
from dangqun.ingest.normalise import header_score, tidy

HEADER_SEARCH_ROWS = 30   # a title block above the header is at most a few rows; 30 is generous


class Rejected(Exception):
    """The whole file cannot be imported; the message is Chinese and speaks to an official."""


@dataclass
class BadLine:
    """A CSV line that does not have the header's number of cells (e.g. a truncated last row)."""
    row: int
    cells: list[str]
    expected: int


@dataclass
class Sheet:
    encoding: str | None
    headers: list[str]            # header cells as in the file
    header_row: int               # spreadsheet row number of the header (1 when nothing above it)
    table: pa.Table | None        # columns c0..cN (strings, null for empty) and _row (int64)
    bad_lines: list[BadLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    content_hash: str | None = None


def split_sheet(path: str) -> tuple[Path, str | None]:
    """`book.xlsx#Sheet2` names a sheet; a real file whose name contains '#' wins."""
    p = Path(path)
    if p.exists() or "#" not in str(path):
        return p, None
    base, _, sheet = str(path).rpartition("#")
    return Path(base), sheet or None


def is_workbook(data: bytes) -> bool:
    # decided by content, not by the file name: zip (xlsx/xlsm/ods) or OLE2 (xls)
    return data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding). Whatever the file name or the user says, the bytes decide."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("gbk", "gb18030"):   # GBK first: it is what the platforms say; GB18030 is its superset
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    raise Rejected("无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030），请另存为 UTF-8 或 GBK 编码的 CSV 后再导入")


def find_header(rows: list[list[str]]) -> int:
    """Index of the header row: the row among the first few that matches most known headers."""
    best, best_i = 0, None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = header_score(row)
        if score > best:
            best, best_i = score, i
    if best_i is not None and best >= 2:
        return best_i
    return next((i for i, r in enumerate(rows) if any((c or "").strip() for c in r)), 0)


def _delimiter(lines: list[str]) -> str:
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def _head(data: bytes) -> bytes:
    """The first ~200 KB cut at a line break (enough to find the header, never a split character)."""
    if len(data) <= 200_000:
        return data
    cut = data.rfind(b"\n", 0, 200_000)
    return data[:cut + 1] if cut > 0 else data[:200_000]


def csv_problem(exc: Exception) -> str:
    """A CSV parser's complaint in an official's words."""
    said = str(exc)
    if "field larger than field limit" in said or "straddl" in said:
        return "CSV 文件中有极长的单元格，或某个引号没有闭合（其后的内容都被当成一个单元格），请检查后另存再导入"
    if "new-line character" in said:
        return "CSV 文件的换行符无法识别，请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入"
    return "CSV 文件的格式无法解析（引号或分隔符有误），请在 Excel 中另存为 CSV 后再导入"


def read_csv(data: bytes, head_only: bool = False) -> Sheet:
    utf8 = None   # the file as UTF-8 bytes when known without decoding all of it
    if data.startswith(codecs.BOM_UTF8):
        utf8, encoding = data[3:], "utf-8-sig"
    elif not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            _head(data).decode("utf-8")
            utf8, encoding = data, "utf-8"   # the rest is checked by pyarrow as it parses
        except UnicodeDecodeError:
            pass
    if utf8 is None:
        text, encoding = decode(data)
        utf8 = text.encode("utf-8")
        del text
    if b"\x00" in _head(utf8):   # text never holds NUL; UTF-16 (two bytes a character) is full of them
        said = "开头标明是 UTF-8 编码，但" if encoding == "utf-8-sig" else ""
        raise Rejected(f"文件{said}含有空字符（NUL），可能是 UTF-16 编码或不是文本文件，无法读取。"
                       f"请在 Excel 或记事本中另存为 UTF-8 或 GBK 编码的 CSV 后再导入")
    head_text = _head(utf8).decode("utf-8", errors="replace")
    if not head_text.strip() and not utf8.strip():
        raise Rejected("文件为空")
    delim = _delimiter(head_text.splitlines()[:HEADER_SEARCH_ROWS])
    # newline=None: a file saved with CR alone between lines ("CSV (Mac)" of Excel) reads like any other
    try:
        rows = list(csv.reader(io.StringIO(head_text, newline=None), delimiter=delim))[:HEADER_SEARCH_ROWS + 1]
    except csv.Error as exc:
        raise Rejected(csv_problem(exc)) from None
    h = find_header(rows)
    # trailing empty header cells (a trailing delimiter) stay: every data line has them too
    headers = list(rows[h]) if h < len(rows) else []
    header_line = h + 1
    sheet = Sheet(encoding, headers, header_line, None)
    if head_only:
        return sheet
    try:
        sheet.table, sheet.bad_lines = _arrow_csv(utf8, headers, header_line, delim)
    except pa.ArrowInvalid as exc:
        if "straddl" in str(exc):
            # a cell longer than a parse block (1 MiB): read again in one block; validate quarantines the row
            sheet.table, sheet.bad_lines = _arrow_csv(utf8, headers, header_line, delim, block_size=len(utf8) + 1)
            return sheet
        if encoding != "utf-8" or "utf8" not in str(exc).lower().replace("-", ""):
            raise Rejected(f"无法解析 CSV 文件：{csv_problem(exc)}") from exc
        # valid UTF-8 at the top, not further down: decode the whole file after all
        text, sheet.encoding = decode(data)
        sheet.table, sheet.bad_lines = _arrow_csv(text.encode("utf-8"), headers, header_line, delim)
    return sheet


def _arrow_csv(data: bytes, headers: list[str], header_line: int, delim: str, block_size: int = 1 << 20):
    n = len(headers)
    names = [f"c{i}" for i in range(n)]
    bad: list = []

    def on_bad(row):
        bad.append(row)
        return "skip"

    # single-threaded on purpose: with newlines_in_values the chunker is serial anyway, one thread
    # measured faster on 2 cores, and only a single-threaded read reports the line numbers of bad lines
    table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=header_line, column_names=names, use_threads=False,
                                           block_size=block_size),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                 null_values=[""]),
    )
    skipped = sorted(r.number for r in bad)
    total = table.num_rows + len(skipped)
    positions = np.arange(total, dtype=np.int64)
    if skipped:
        taken = np.asarray(skipped, dtype=np.int64) - header_line - 1
        positions = np.setdiff1d(positions, taken)
    # CRLF inside a quoted cell becomes LF; only worth a pass when the file has more line breaks than rows
    crlf_inside = b"\r" in data and data.count(b"\n") > total + header_line
    table = tidy(table, crlf_inside)
    table = drop_empty_rows(table.append_column("_row", pa.array(positions + header_line + 1, type=pa.int64())))
    bad_lines = []
    for r in bad:
        cells = next(csv.reader([r.text], delimiter=delim), [])
        bad_lines.append(BadLine(r.number, cells, n))
    return table, bad_lines


def drop_empty_rows(table: pa.Table) -> pa.Table:
    """Rows with no cell at all (blank lines, a row of delimiters) are not rows; their numbers stay
    skipped. Null bitmaps and lengths only, so this costs nothing on a clean file."""
    empty = None
    for name in table.column_names:
        if name == "_row":
            continue
        col = table[name]
        e = pc.or_kleene(pc.is_null(col), pc.equal(pc.binary_length(col), 0))
        empty = e if empty is None else pc.and_kleene(empty, e)
    if empty is None or not pc.any(empty).as_py():
        return table
    return table.filter(pc.invert(empty))


def _cell(v) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        # Excel keeps numbers as floats: a phone or a code typed as a number must not become 1.38e10
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, dt.datetime):
        v = (v + dt.timedelta(microseconds=500_000)).replace(microsecond=0)   # serial float noise
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def read_workbook(path: Path, sheet_name: str | None, head_only: bool = False, max_rows: int | None = None) -> Sheet:
    from python_calamine import CalamineWorkbook

    refusal = limits.check_file(path, sheet_name)
    if refusal:
        raise Rejected(refusal)
    nrows = HEADER_SEARCH_ROWS + 1 if head_only else (HEADER_SEARCH_ROWS + 1 + max_rows if max_rows else None)
    head = limits.head_workbook(path, sheet_name, nrows) if nrows else None
    try:
        book = CalamineWorkbook.from_filelike(head) if head else CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for a broken workbook
        raise Rejected(f"无法打开 Excel 文件：{exc}") from exc
    names = book.sheet_names
    notes = []
    if sheet_name is not None:
        if sheet_name not in names:
            raise Rejected(f"工作簿中没有名为「{sheet_name}」的工作表（有：{'、'.join(names)}）")
        ws = book.get_sheet_by_name(sheet_name)
    else:
        ws = book.get_sheet_by_index(0)
        if len(names) > 1:
            notes.append(f"工作簿有 {len(names)} 个工作表，只读取了第一个「{names[0]}」；"
                         f"其他工作表请用「文件名.xlsx#工作表名」导入")
    rows = ws.to_python(skip_empty_area=True, nrows=nrows)
    if not rows or not any(_cell(c) for r in rows for c in r):
        raise Rejected("文件为空（工作表没有内容）")
    first_row = (ws.start or (0, 0))[0] + 1       # the sheet row number of rows[0]
    head = [[(_cell(c) or "") for c in r] for r in rows[:HEADER_SEARCH_ROWS + 1]]
    h = find_header(head)
    headers = head[h]
    while headers and not headers[-1].strip():
        headers.pop()
    sheet = Sheet("xlsx", headers, first_row + h, None, notes=notes)
    if head_only:
        return sheet
    data = rows[h + 1:]
    n = len(headers)
    # text cells (most of them) pass as they are; '' becomes null in SQL
    cols = {f"c{i}": pa.array([(v if v.__class__ is str else _cell(v)) for v in (r[i] if i < len(r) else None
                                                                                for r in data)], type=pa.string())
            for i in range(n)}
    table = tidy(pa.table(cols), crlf_inside=True)
    sheet.table = drop_empty_rows(
        table.append_column("_row", pa.array(np.arange(len(data), dtype=np.int64) + first_row + h + 1)))
    return sheet


PREVIEW_BYTES = 1 << 20   # a preview parses the first MiB of a CSV: far more than its rows need


def read_any(path: str, head_only: bool = False, max_rows: int | None = None) -> Sheet:
    """The file's sheet: its header only (head_only), its first `max_rows` data rows or more (a preview:
    a big upload is not parsed whole on every rerun of the page), or all of it with its content hash."""
    import hashlib

    real, sheet_name = split_sheet(path)
    try:
        if head_only or max_rows:
            with open(real, "rb") as f:
                data = f.read(262_144 if head_only else PREVIEW_BYTES)
            if not is_workbook(data) and len(data) == (262_144 if head_only else PREVIEW_BYTES):
                if head_only:   # to order a run by kind the header is enough: spare reading a big CSV twice
                    return read_csv(data, head_only=True)
                preview = _csv_head(data, max_rows)
                if preview is not None:
                    return preview
        data = real.read_bytes()
    except OSError as exc:
        raise Rejected(f"无法读取文件：{exc.strerror or exc}") from exc
    if len(data) < 65536 and not data.strip():   # a big file is not empty; spare the copy
        raise Rejected("文件为空")
    if is_workbook(data):
        sheet = read_workbook(real, sheet_name, head_only, max_rows)
    else:
        sheet = read_csv(data, head_only)
    if not max_rows:
        sheet.content_hash = hashlib.sha256(data).hexdigest()
    return sheet


def _csv_head(data: bytes, max_rows: int) -> Sheet | None:
    """The first `max_rows` rows from the first PREVIEW_BYTES of a CSV, or None when these bytes do not
    hold them whole (a cell with line breaks may run past the cut): the caller then reads the whole file."""
    cut = data.rfind(b"\n")
    try:
        sheet = read_csv(data[:cut + 1] if cut > 0 else data)
    except (Rejected, UnicodeDecodeError):     # cut inside a character (UTF-16): read the whole file
        return None
    # the last row parsed may be cut short: only the rows before it are sure
    if sheet.table.num_rows - 1 < max_rows:
        return None
    sheet.table = sheet.table.slice(0, max_rows)
    return sheet
