"""DataFrame → download bytes (README 下载): CSV and XLSX of exactly the data drawn, looking like the page.

Headers are translated with i18n.column_label. Numbers read as the page shows them (number_format):
rates as percentages with one decimal, scores and money with two, counts with thousands separators in
the XLSX; months as 2022-01. 是/否 fields are written as 是/否 (Yes/No in English), the form the
importer reads back, and CSV text cells which Excel would run as a formula get a leading single quote.

The XLSX opens with title lines (what, where, which period, data as of, exported when and by whom,
see Heading) above the table. The CSV has none: a line above the header breaks every program that
reads the file back, so the CSV's file name carries the table, region and period instead (README).
"""
from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from decimal import Decimal

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xlsxwriter

from dangqun import metrics
from dangqun.i18n import column_label, t
from dangqun.periods import Period

# Excel's sheet holds 1,048,576 rows, one of which is the header.
XLSX_MAX_ROWS = 1_048_575
# the most rows one download (CSV or XLSX) holds: a province's year of records is ten million rows, gigabytes
# of text held in the server's memory until fetched; an official narrows the period or region instead
DOWNLOAD_MAX_ROWS = XLSX_MAX_ROWS
# A text cell starting with one of these is a formula (or DDE payload) to Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_LINE_END = "\r\n"   # what Excel writes and RFC 4180 asks for; Python's csv reader takes either

_ILLEGAL_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_ILLEGAL_IN_SHEET = re.compile(r"[\[\]:*?/\\]")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                     *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class NumberFormat:
    """How a numeric column is written: `places` decimals rounded half up as on the page, as a
    percentage, with or without thousands separators (a year is never 2,022)."""
    places: int
    percent: bool = False
    grouping: bool = True

    @property
    def excel(self) -> str:
        decimals = "." + "0" * self.places if self.places else ""
        if self.percent:
            return f"0{decimals}%"
        return ("#,##0" if self.grouping else "0") + decimals

    def csv(self, value) -> str:
        """The CSV text of one value: what the page shows without thousands separators ('98.3%',
        '92.81'), which Excel opens as a number; '' when missing."""
        if self.percent:
            text = metrics.fmt_pct(value, self.places)
            return "" if text == metrics.DASH else text.replace(",", "")
        return metrics.fmt_plain(value, self.places)


PERCENT = NumberFormat(1, percent=True)
INTEGER = NumberFormat(0)
ONE_DECIMAL = NumberFormat(1)
TWO_DECIMALS = NumberFormat(2)
# columns whose format the name decides (query and metrics.add_rates names, as the pages format them);
# other rates and shares end in _rate / _share, money in 万元 in _wan, other numbers follow their dtype (number_format)
NAMED_FORMATS = {
    "composite_score": TWO_DECIMALS,
    "per_wan": TWO_DECIMALS,
    "unit_cost_yuan": TWO_DECIMALS,
    "median_hours": ONE_DECIMAL,
    "p90_hours": ONE_DECIMAL,
    "response_median_hours": ONE_DECIMAL,
    "response_mean_hours": ONE_DECIMAL,
    "closing_median_hours": ONE_DECIMAL,
    "closing_mean_hours": ONE_DECIMAL,
    "volunteer_hours": ONE_DECIMAL,
    "satisfied_weighted": ONE_DECIMAL,
    "share": PERCENT,
    "year": NumberFormat(0, grouping=False),
}
MONTH_COLUMNS = ("month",)   # first days of months, written as 2022-01


def number_format(name: str, s: pd.Series) -> NumberFormat | None:
    """The format of a numeric column by its name, else by its values: integers (also a float column
    holding only whole numbers, such as counts next to a missing value) with thousands separators,
    other numbers with two decimals; None for a column that is not numeric (such as a rate a page
    has already written as '93.5%')."""
    if _is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s.dtype):
        return None
    if name in NAMED_FORMATS:
        return NAMED_FORMATS[name]
    if name.endswith(("_rate", "_share")):
        return PERCENT
    if name.endswith("_wan"):
        return TWO_DECIMALS        # money in 万元, as fmt_wan shows it
    if pd.api.types.is_integer_dtype(s.dtype):
        return INTEGER
    values = s.dropna()
    return INTEGER if bool((values == values.round()).all()) else TWO_DECIMALS


@dataclass(frozen=True)
class Heading:
    """The lines above an XLSX table: what it is, for which region and period, how recent the data
    is, when and by whom it was exported (exported_at None: when the file is built)."""
    title: str
    region: str                  # the breadcrumb: '丹东市 › 东港市'
    period: str                  # Period.label: '2022年'
    data_through: date | None    # the latest day with service records (None: no records)
    user: str
    exported_at: datetime | None = None
    filters: str = ""            # the record filters in force, '事项大类 医疗保障；受理渠道 电话' ('' for none)

    def lines(self, lang: str = "zh") -> list[str]:
        at = self.exported_at or datetime.now()
        through = self.data_through.isoformat() if self.data_through else t("暂无数据", lang)
        return [self.title,
                t("地区：{value}", lang, value=self.region),
                t("统计周期：{value}", lang, value=self.period),
                *([t("筛选：{value}（只筛选服务记录）", lang, value=self.filters)] if self.filters else []),
                t("数据截至：{value}", lang, value=through),
                t("导出时间：{at}　导出人：{user}", lang, at=at.strftime("%Y-%m-%d %H:%M"), user=self.user)]


class TooManyRows(ValueError):
    """More rows than one download holds (DOWNLOAD_MAX_ROWS): the page says so in place of the buttons."""

    def __init__(self, rows: int, lang: str = "zh"):
        self.rows = rows
        super().__init__(t("共 {rows} 条，超过一次下载的上限 {limit} 条，请缩小时间或地区范围后再下载。",
                           lang, rows=metrics.fmt_int(rows), limit=metrics.fmt_int(DOWNLOAD_MAX_ROWS)))


class XlsxTooLarge(ValueError):
    """More rows than one Excel sheet holds: to_xlsx_bytes' guard. The pages never ask for it, since no download
    is offered above DOWNLOAD_MAX_ROWS (TooManyRows)."""

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


def _is_month(name: str, s: pd.Series) -> bool:
    return name in MONTH_COLUMNS and pd.api.types.is_datetime64_any_dtype(s.dtype)


def _csv_column(s: pd.Series, lang: str, name: str = "") -> pd.Series:
    """One column ready for to_csv: booleans as 是/否, months as 2022-01, numbers as the page rounds
    them (number_format), formula-like text escaped, the rest as is."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if _is_bool_dtype(s):
        return s.astype(object).map({True: _yes_no(True, lang), False: _yes_no(False, lang)})
    if _is_month(name, s):
        return s.dt.strftime("%Y-%m")
    fmt = number_format(name, s)
    if fmt is not None:
        if pd.api.types.is_integer_dtype(s.dtype) and fmt is INTEGER:
            return s        # as it is: a million record rows need no per-value formatting
        if fmt is INTEGER:
            return s.astype("Int64")
        return s.map(fmt.csv).astype(object)
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.where(~s.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool), "'" + s)
    if s.dtype == object:
        return s.map(lambda v: _yes_no(v, lang) if isinstance(v, (bool, np.bool_))
                     else escape_formula(v))
    return s


def to_csv_bytes(df: pd.DataFrame, lang: str = "zh") -> bytes:
    """UTF-8 with BOM (Excel then reads Chinese correctly), CRLF line ends, translated headers,
    missing values as empty cells; the header is the first line (no title lines: see the module)."""
    out = pd.DataFrame({i: _csv_column(df.iloc[:, i], lang, str(df.columns[i])) for i in range(df.shape[1])},
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


def _writer_for(s: pd.Series, name: str, lang: str, fmt_date, fmt_datetime, fmt_month, number_fmt):
    """A function (worksheet, row, col, value) for one column, chosen once by dtype; values are
    written by their type so a text such as '=1+1' stays text. `number_fmt`: the cell format of a
    numeric column (number_format), None for others."""
    if _is_bool_dtype(s):
        return lambda ws, r, c, v: ws.write_string(r, c, _yes_no(v, lang))
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        times = s.dropna()
        date_only = bool((times == times.dt.normalize()).all()) if len(times) else True
        fmt = fmt_month if _is_month(name, s) and date_only else fmt_date if date_only else fmt_datetime
        return lambda ws, r, c, v: ws.write_datetime(r, c, v.to_pydatetime(), fmt)
    # the common typed columns skip _write_any's type tests (xlsxwriter is slow enough per cell)
    if pd.api.types.is_float_dtype(s.dtype):
        return lambda ws, r, c, v: ws.write_number(r, c, v, number_fmt) if math.isfinite(v) else None
    if pd.api.types.is_integer_dtype(s.dtype):
        return lambda ws, r, c, v: ws.write_number(r, c, v, number_fmt)
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


def to_xlsx_bytes(df: pd.DataFrame, lang: str = "zh", sheet_name: str = "数据",
                  heading: Heading | None = None) -> bytes:
    """One sheet: the heading's lines (if given) and a blank row, then a bold, frozen header row with
    translated headers; text as text, numbers as numbers in the page's format (number_format), dates
    as dates. More rows than a sheet holds → XlsxTooLarge (the CSV has no limit)."""
    if len(df) > XLSX_MAX_ROWS:
        raise XlsxTooLarge(len(df), lang)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    ws = wb.add_worksheet(_sheet_title(sheet_name))
    header = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "valign": "vcenter"})
    fmt_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    fmt_datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    fmt_month = wb.add_format({"num_format": "yyyy-mm"})
    number_fmts: dict[str, object] = {}

    top = 0
    if heading is not None:
        lines = heading.lines(lang)
        ws.write_string(0, 0, lines[0], wb.add_format({"bold": True, "font_size": 14}))
        for i, line in enumerate(lines[1:], start=1):
            ws.write_string(i, 0, line)
        top = len(lines) + 1      # a blank row between the title lines and the table
    for c in range(df.shape[1]):
        s = df.iloc[:, c]
        name = str(df.columns[c])
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        label = column_label(name, lang)
        ws.write_string(top, c, label, header)
        fmt = number_format(name, s)
        number_fmt = None if fmt is None else number_fmts.setdefault(
            fmt.excel, wb.add_format({"num_format": fmt.excel}))
        write = _writer_for(s, name, lang, fmt_date, fmt_datetime, fmt_month, number_fmt)
        for r, v in enumerate(s.tolist(), start=top + 1):
            if not _blank(v):
                write(ws, r, c, v)
        sample = [label, *(_shown(v, fmt) for v in s.head(200).tolist() if not _blank(v))]
        ws.set_column(c, c, min(50, max(8, max(_display_width(x) for x in sample) + 2)))
    ws.freeze_panes(top + 1, 0)
    wb.close()
    return buf.getvalue()


def _shown(v, fmt: NumberFormat | None) -> str:
    """A value about as wide as Excel shows it (for the column width)."""
    if fmt is not None and isinstance(v, (int, float, np.integer, np.floating)):
        return fmt.csv(v) if fmt.percent else metrics.fmt_num(v, fmt.places)
    return str(v)


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
