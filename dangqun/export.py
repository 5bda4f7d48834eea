"""DataFrame → download bytes (DESIGN §6): CSV and XLSX of exactly the data drawn.

Headers are translated with i18n.column_label; values are not changed except that 是/否 fields
are written as 是/否 (Yes/No in English), the form the importer reads back, and that CSV text cells
which Excel would run as a formula get a leading single quote.
"""
from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import xlsxwriter

from dangqun.i18n import column_label, t
from dangqun.periods import Period

# Excel's sheet holds 1,048,576 rows, one of which is the header.
XLSX_MAX_ROWS = 1_048_575
# A text cell starting with one of these is a formula (or DDE payload) to Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_LINE_END = "\r\n"   # what Excel writes and RFC 4180 asks for; Python's csv reader takes either

_ILLEGAL_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_ILLEGAL_IN_SHEET = re.compile(r"[\[\]:*?/\\]")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


class XlsxTooLarge(ValueError):
    """More rows than one Excel sheet holds; the page offers the CSV instead."""

    def __init__(self, rows: int, lang: str = "zh"):
        self.rows = rows
        super().__init__(t("数据共 {rows} 行，超过 Excel 单表上限 {limit} 行，请缩小范围或下载 CSV。",
                           lang, rows=f"{rows:,}", limit=f"{XLSX_MAX_ROWS:,}"))


def _yes_no(value: bool, lang: str) -> str:
    return t("是" if value else "否", lang)


def escape_formula(value):
    """Prefix a text cell that Excel would evaluate with a single quote; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_bool_dtype(s: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(s.dtype)


def _csv_column(s: pd.Series, lang: str) -> pd.Series:
    """One column ready for to_csv: booleans as 是/否, formula-like text escaped, the rest as is."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if _is_bool_dtype(s):
        return s.astype(object).map({True: _yes_no(True, lang), False: _yes_no(False, lang)})
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.where(~s.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool), "'" + s)
    if s.dtype == object:
        return s.map(lambda v: _yes_no(v, lang) if isinstance(v, (bool, np.bool_))
                     else escape_formula(v))
    return s


def to_csv_bytes(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """UTF-8 with BOM (Excel then reads Chinese correctly), CRLF line ends, translated headers,
    missing values as empty cells."""
    out = pd.DataFrame({i: _csv_column(df.iloc[:, i], lang) for i in range(df.shape[1])},
                       index=df.index)
    out.columns = [column_label(str(c), lang) for c in df.columns]
    text = out.to_csv(index=False, lineterminator=CSV_LINE_END)
    return text.encode("utf-8-sig")


def _sheet_title(name: str) -> str:
    name = _ILLEGAL_IN_SHEET.sub("_", str(name)).strip("'")[:31]
    return name or "数据"


def _display_width(text: str) -> int:
    # CJK characters take two columns in Excel's default font
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _blank(v) -> bool:
    """An empty cell: None, NaN, NaT or <NA> (tolist() gives each of them for some dtype)."""
    return v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _writer_for(s: pd.Series, lang: str, fmt_date, fmt_datetime):
    """A function (worksheet, row, col, value) for one column, chosen once by dtype; values are
    written by their type so a text such as '=1+1' stays text."""
    if _is_bool_dtype(s):
        return lambda ws, r, c, v: ws.write_string(r, c, _yes_no(v, lang))
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        times = s.dropna()
        date_only = bool((times == times.dt.normalize()).all()) if len(times) else True
        fmt = fmt_date if date_only else fmt_datetime
        return lambda ws, r, c, v: ws.write_datetime(r, c, v.to_pydatetime(), fmt)
    # the common typed columns skip _write_any's type tests (xlsxwriter is slow enough per cell)
    if pd.api.types.is_float_dtype(s.dtype):
        return lambda ws, r, c, v: ws.write_number(r, c, v) if math.isfinite(v) else None
    if pd.api.types.is_integer_dtype(s.dtype):
        return lambda ws, r, c, v: ws.write_number(r, c, v)
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return lambda ws, r, c, v: ws.write_string(r, c, v)
    return lambda ws, r, c, v: _write_any(ws, r, c, v, lang, fmt_date, fmt_datetime)


def _write_any(ws, r, c, v, lang, fmt_date, fmt_datetime) -> None:
    """One cell of an object column, by the value's own type."""
    if isinstance(v, str):
        ws.write_string(r, c, v)
    elif isinstance(v, (bool, np.bool_)):
        ws.write_string(r, c, _yes_no(v, lang))
    elif isinstance(v, (int, float, Decimal, np.integer, np.floating)):
        if math.isfinite(float(v)):
            ws.write_number(r, c, float(v))
    elif isinstance(v, datetime):
        ws.write_datetime(r, c, v.replace(tzinfo=None), fmt_datetime)
    elif isinstance(v, date):
        ws.write_datetime(r, c, v, fmt_date)
    else:
        ws.write_string(r, c, str(v))


def to_xlsx_bytes(df: pd.DataFrame, lang: str = "zh", sheet_name: str = "数据") -> bytes:
    """One sheet with a bold, frozen header row and translated headers; text as text, numbers as
    numbers, dates as dates. More rows than a sheet holds → XlsxTooLarge (the CSV has no limit)."""
    if len(df) > XLSX_MAX_ROWS:
        raise XlsxTooLarge(len(df), lang)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet(_sheet_title(sheet_name))
    header = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "valign": "vcenter"})
    fmt_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    fmt_datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    for c in range(df.shape[1]):
        s = df.iloc[:, c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        label = column_label(str(df.columns[c]), lang)
        ws.write_string(0, c, label, header)
        write = _writer_for(s, lang, fmt_date, fmt_datetime)
        for r, v in enumerate(s.tolist(), start=1):
            if not _blank(v):
                write(ws, r, c, v)
        sample = [label, *(str(v) for v in s.head(200).tolist() if not _blank(v))]
        ws.set_column(c, c, min(50, max(8, max(_display_width(x) for x in sample) + 2)))
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def _name_part(part) -> str:
    if isinstance(part, Period):
        return f"{part.start.isoformat()}_{part.end.isoformat()}"
    if isinstance(part, (date, datetime)):
        return part.strftime("%Y-%m-%d")
    return "" if part is None else str(part)


def download_name(base: str, ext: str, *parts) -> str:
    """A file name safe on Windows, macOS and Linux: '满意度排名_2022-01-01_2022-12-31.csv'.
    `parts` (a Period, dates, strings) are appended with '_'; path separators and characters
    Windows forbids become '_'."""
    stem = "_".join(p for p in (_name_part(x) for x in (base, *parts)) if p)
    stem = _ILLEGAL_IN_NAME.sub("_", stem).strip(" .")[:150].strip(" .")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    ext = re.sub(r"[^0-9A-Za-z]", "", ext or "").lower()
    stem = stem or "data"
    return f"{stem}.{ext}" if ext else stem
