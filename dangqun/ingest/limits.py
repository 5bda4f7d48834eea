"""The budget every workbook is read within, checked before python-calamine sees the file.

calamine allocates a sheet's whole cell range up front (a single cell at XFD1048576 asks for 512 GiB and
aborts the process) and holds every shared string and the sheet in memory, so a small hostile file can
take the server down. A workbook is a zip of XML: its directory gives each member's sizes at no cost,
and the sheet's XML is streamed (bounded chunks, never the whole member) to find the last row and column
that calamine would allocate. Anything over a limit is refused with a message naming the limit, the
file's value and the limit (README「部署与安全」lists them).

With these limits a workbook that passes is read in well under 1.5 GB: 100,000 rows × 24 columns
(2.4 million cells, 128 MB of XML) peak at about 0.6 GB.
"""
from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import numpy as np

MIB = 1 << 20
MAX_SHEET_CELLS = 3_000_000          # rows × columns of the range calamine allocates (from A1)
MAX_MEMBER_BYTES = 300 * MIB         # any one member of the zip, uncompressed
MAX_UNCOMPRESSED_BYTES = 400 * MIB   # all members together, uncompressed
MAX_COMPRESSION_RATIO = 100          # uncompressed / compressed, for members over RATIO_FLOOR (real sheets: ~10)
RATIO_FLOOR = 1 * MIB                # small members compress as they like
MAX_MEMBERS = 1_000                  # zip entries (a workbook of a few sheets has about a dozen)
MAX_SHEETS = 64
MAX_SHARED_STRINGS = 2_000_000       # distinct texts in the workbook's shared-string table
MAX_XLS_BYTES = 100 * MIB            # a binary .xls is not compressed: its size is its content
SCAN_CHUNK = 1 * MIB                 # the sheet XML is read this much at a time

_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb'\br="([A-Z]*)(\d*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_SI_TAG = re.compile(rb"<(?:\w+:)?si[\s>/]")
_SST_COUNT = re.compile(rb'<(?:\w+:)?sst\s[^>]*?\buniqueCount="(\d+)"')


def _n(v: int) -> str:
    return f"{v:,}"


def _mb(v: int) -> str:
    return f"{v / MIB:,.0f} MB" if v >= 10 * MIB else f"{v / MIB:,.1f} MB"


def _over(what: str, value: str, limit: str) -> str:
    return (f"工作簿超出读取限制：{what}为 {value}，上限为 {limit}。"
            f"请在 Excel 中删除多余的行、列或工作表后另存，或另存为 CSV 后再导入")


def column_number(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def check_file(path: Path, sheet_name: str | None = None) -> str | None:
    """The refusal message when the workbook at `path` is over a limit, else None. Remembered per file
    version: the import page previews the same upload on every rerun."""
    st = path.stat()
    return _check_file(str(path), sheet_name, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _check_file(path: str, sheet_name: str | None, size: int, mtime_ns: int) -> str | None:
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(path) as z:
                return check_zip(z, sheet_name)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            return f"Excel 文件已损坏，无法读取（{exc}）"
    if size > MAX_XLS_BYTES:
        return _over("文件大小", _mb(size), _mb(MAX_XLS_BYTES))
    return None


def check_zip(z: zipfile.ZipFile, sheet_name: str | None = None) -> str | None:
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS:
        return _over("压缩包内的文件数", _n(len(infos)), _n(MAX_MEMBERS))
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            return _over(f"「{info.filename}」解压后的大小", _mb(info.file_size), _mb(MAX_MEMBER_BYTES))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            return _over(f"「{info.filename}」的压缩比", f"{ratio:,.0f} 倍", f"{MAX_COMPRESSION_RATIO} 倍")
    if total > MAX_UNCOMPRESSED_BYTES:
        return _over("解压后的总大小", _mb(total), _mb(MAX_UNCOMPRESSED_BYTES))
    names = {i.filename: i for i in infos}
    if "xl/workbook.xml" not in names:
        return None   # not an xlsx (e.g. an .ods): the sizes above are all that is checked
    sheets = _sheets(z)
    if len(sheets) > MAX_SHEETS:
        return _over("工作表数", _n(len(sheets)), _n(MAX_SHEETS))
    for info in infos:
        if info.filename.lower().endswith("sharedstrings.xml"):
            message = _check_shared_strings(z, info)
            if message:
                return message
    targets = [t for name, t in sheets if t in names and (sheet_name is None or name == sheet_name)]
    if sheet_name is None:
        targets = targets[:1]   # calamine reads the first sheet only
    if not targets:   # the workbook's map does not lead to a sheet: check every sheet there is
        targets = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    label = {t: name for name, t in sheets}
    for target in targets:
        message = _check_sheet(z, names[target], label.get(target, PurePosixPath(target).stem))
        if message:
            return message
    return None


def _sheets(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, zip member) of each sheet, in the workbook's order. Parsed as XML, not searched as text: a
    commented-out <sheet>, single quotes or an entity in an attribute read as the spreadsheet reader reads
    them. (This runs in the sandbox's child, dangqun.ingest.sandbox: its limits bound any XML trick.)"""
    def local(name: str) -> str:
        return name.rpartition("}")[2].rpartition(":")[2]

    def parsed(member: str):
        try:
            return ElementTree.fromstring(z.read(member))   # sizes within MAX_MEMBER_BYTES (checked above)
        except (KeyError, ElementTree.ParseError):
            return None

    rels = {}
    for el in (parsed("xl/_rels/workbook.xml.rels") or ()).iter():
        if local(el.tag) == "Relationship":
            a = {local(k): v for k, v in el.attrib.items()}
            target = a.get("Target", "")
            rels[a.get("Id")] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    out = []
    book = parsed("xl/workbook.xml")
    for el in (book.iter() if book is not None else ()):
        if local(el.tag) == "sheet":
            a = {local(k): v for k, v in el.attrib.items()}
            out.append((a.get("name", ""), rels.get(a.get("id"), "")))
    return out


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The member's bytes in chunks that never split a tag, counting what is actually inflated (the
    directory's sizes may lie; zipfile then stops at the stated size and fails the CRC check)."""
    carry = b""
    seen = 0
    with z.open(info) as f:
        while True:
            chunk = f.read(SCAN_CHUNK)
            if not chunk:
                break
            seen += len(chunk)
            if seen > MAX_MEMBER_BYTES:
                raise _Over(_over(f"「{info.filename}」解压后的大小", f"超过 {_mb(MAX_MEMBER_BYTES)}",
                                  _mb(MAX_MEMBER_BYTES)))
            buf = carry + chunk
            cut = buf.rfind(b"<")
            if cut > 0 and buf.find(b">", cut) < 0:
                buf, carry = buf[:cut], buf[cut:]
            else:
                carry = b""
            yield buf
    if carry:
        yield carry


class _Over(Exception):
    pass


def _check_shared_strings(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    count = 0
    try:
        for i, buf in enumerate(_chunks(z, info)):
            if i == 0:
                m = _SST_COUNT.search(buf)
                if m and int(m.group(1)) > MAX_SHARED_STRINGS:
                    return _over("共享字符串数（声明）", _n(int(m.group(1))), _n(MAX_SHARED_STRINGS))
            count += len(_SI_TAG.findall(buf))
    except _Over as exc:
        return str(exc)
    if count > MAX_SHARED_STRINGS:
        return _over("共享字符串数", _n(count), _n(MAX_SHARED_STRINGS))
    return None


def _area_message(sheet: str, what: str, rows: int, cols: int) -> str | None:
    if rows * cols <= MAX_SHEET_CELLS:
        return None
    ref = f"A1:{column_letters(cols)}{rows}"
    return _over(f"工作表「{sheet}」的{what} {ref}（{_n(rows)} 行 × {_n(cols)} 列）",
                 f"{_n(rows * cols)} 个单元格", f"{_n(MAX_SHEET_CELLS)} 个单元格")


def _check_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str) -> str | None:
    max_row = max_col = 0
    try:
        for i, buf in enumerate(_chunks(z, info)):
            if i == 0:
                m = _DIMENSION.search(buf)
                if m:
                    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
                    message = _area_message(sheet, "声明范围", int(last_row), column_number(last_col))
                    if message:
                        return message
            found = _refs(buf)
            if found is None:
                # cells or rows without r="…" (allowed; Excel never writes them), a namespace prefix or
                # a reference of an odd shape: follow every tag in order, slower but exact
                max_row, max_col = _positions(z, info)
                break
            max_row, max_col = max(max_row, found[0]), max(max_col, found[1])
            message = _area_message(sheet, "数据范围", max_row, max_col)
            if message:
                return message
    except _Over as exc:
        return str(exc)
    return _area_message(sheet, "数据范围", max_row, max_col)


def _refs(buf: bytes) -> tuple[int, int] | None:
    """(last row, last column) of the cells and rows in `buf`, from every r="…" attribute, with numpy
    (a Python regex over a 128 MB sheet takes seconds); None when a row or cell tag has no plain r="…"
    of its own, so that the counts cannot be trusted."""
    a = np.concatenate([np.frombuffer(buf, np.uint8), np.zeros(16, np.uint8)])   # room to look ahead
    # two passes over the bytes (every '=' and every '<'), then only those few positions are looked at
    eq = np.flatnonzero(a == 61)
    eq = eq[eq >= 2]
    at = eq[(a[eq - 1] == 114) & (a[eq - 2] <= 32) & (a[eq + 1] == 34)] + 2                  # ␣r="
    lt = np.flatnonzero(a == 60)

    def ends(i):   # the tag name ends here: space, '>' or '/'
        return (a[i] <= 32) | (a[i] == 62) | (a[i] == 47)

    n_cells = int(np.count_nonzero((a[lt + 1] == 99) & ends(lt + 2)))                        # <c
    n_rows = int(np.count_nonzero((a[lt + 1] == 114) & (a[lt + 2] == 111) & (a[lt + 3] == 119) & ends(lt + 4)))
    if len(at) == 0:
        return (0, 0) if n_cells == n_rows == 0 else None
    lead = a[at[:, None] + np.arange(4)].astype(np.int64)
    n_let = np.argmin((lead >= 65) & (lead <= 90), axis=1)          # 0 for a row's r="12"; 4 means 4+ letters
    c0, c1, c2 = lead[:, 0] - 64, lead[:, 1] - 64, lead[:, 2] - 64
    col = np.where(n_let == 1, c0, np.where(n_let == 2, c0 * 26 + c1, c0 * 676 + c1 * 26 + c2))
    digits = a[(at + n_let)[:, None] + np.arange(8)].astype(np.int64)
    n_dig = np.argmin((digits >= 48) & (digits <= 57), axis=1)       # 7 digits at most (1,048,576)
    k = np.arange(8)
    weight = np.where(k < n_dig[:, None], 10 ** np.clip(n_dig[:, None] - 1 - k, 0, 7), 0)
    row = ((digits - 48) * weight).sum(axis=1)
    closed = digits[np.arange(len(at)), n_dig] == 34
    cell = n_let > 0
    if (not closed.all() or (n_dig == 0).any() or (n_let > 3).any()
            or int(np.count_nonzero(cell)) != n_cells or int(np.count_nonzero(~cell)) != n_rows):
        return None
    return int(row.max()), (int(col[cell].max()) if cell.any() else 0)


def _positions(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The last row and column, following rows and cells without r="…" by their order."""
    row = col = max_row = max_col = 0
    for buf in _chunks(z, info):
        for m in _TAG.finditer(buf):
            ref = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
            else:
                if ref and ref.group(1):
                    col = column_number(ref.group(1))
                    row = int(ref.group(2)) if ref.group(2) else row
                else:
                    col += 1
            max_row, max_col = max(max_row, row), max(max_col, col)
            if max_row * max_col > MAX_SHEET_CELLS:
                return max_row, max_col
    return max_row, max_col


_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData[\s>/]")


def head_workbook(path: Path, sheet_name: str | None, rows: int) -> io.BytesIO | None:
    """A copy of the xlsx at `path` whose sheet (the named one, else the first) holds only its first
    `rows` rows, for a preview: calamine reads the whole sheet it is given, and a preview needs a few
    dozen rows of a 100,000-row sheet. None when the file is not an xlsx this can cut (then the
    caller reads the file itself; it has passed check_file)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = {i.filename: i for i in z.infolist()}
            if "xl/workbook.xml" not in names:
                return None
            targets = [t for name, t in _sheets(z) if t in names and (sheet_name is None or name == sheet_name)]
            if not targets:
                return None
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as w:
                for info in z.infolist():
                    if info.filename == targets[0]:
                        w.writestr(info.filename, _head_sheet(z, info, rows))
                    elif not info.filename.startswith("xl/worksheets/"):
                        w.writestr(info, z.read(info))
                    else:   # other sheets are not read: an empty sheet keeps the workbook whole
                        w.writestr(info.filename, b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                                                  b'spreadsheetml/2006/main"><sheetData/></worksheet>')
            out.seek(0)
            return out
    except (zipfile.BadZipFile, KeyError, OSError):
        return None


def _head_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, rows: int) -> bytes:
    kept, seen, prefix = [], 0, None
    for buf in _chunks(z, info):
        if prefix is None:
            m = _SHEET_DATA.search(buf)
            prefix = m.group(1) if m else b""
            buf = _DIMENSION_TAG.sub(b"", buf)   # a declared range is not the preview's
        ends = [m.end() for m in _ROW_END.finditer(buf)]
        if seen + len(ends) >= rows:
            kept.append(buf[:ends[rows - seen - 1]])
            return b"".join(kept) + b"</%ssheetData></%sworksheet>" % (prefix, _root_prefix(kept[0]))
        seen += len(ends)
        kept.append(buf)
    return b"".join(kept)


_DIMENSION_TAG = re.compile(rb"<(?:\w+:)?dimension\s[^>]*>")


def _root_prefix(head: bytes) -> bytes:
    m = re.search(rb"<((?:\w+:)?)worksheet[\s>]", head)
    return m.group(1) if m else b""
