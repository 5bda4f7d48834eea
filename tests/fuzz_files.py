"""A deterministic corpus of hostile upload files (each under 3 MB on disk), for the command line, the
数据导入 page's preview and the served app (tests/test_fuzz_corpus.py, tests/test_browser_hostile_uploads.py).

Every file is written from a seed (SEED, or the one given to write_corpus): the same seed gives the same
files (fingerprint() compares them; a zip's member timestamps are fixed). CORPUS maps a file name to
(writer, expectation): writer(path, seed=SEED) writes the file at `path` and returns it; the expectation
is what the importer must do with it:

    refused   the whole file is refused in one Chinese line and nothing is written (exit 2)
    imported  its rows are imported (exit 0)
    either    refusing it and importing it are both sound; only the importer's safety is checked

The workbooks aim a cell at XFD1048576 (a reader that allocates the sheet's whole range asks for 512 GiB)
in every spelling XML allows and a text scan may miss, amplify one shared string, lie in the zip's
directory, nest elements deeply or pile up empty rows; the CSVs test the decoders and the CSV parser.
"""
from __future__ import annotations

import codecs
import functools
import hashlib
import random
import re
import struct
import zipfile
from pathlib import Path

from tests.hostile_files import CONTENT_TYPES, HEADERS, ROOT_RELS, row_xml

SEED = 20_240_611
MAX_DISK_BYTES = 3 << 20
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
FIXED_TIME = (2022, 3, 5, 9, 7, 0)         # every member's timestamp: the same seed gives the same bytes

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
STATUS = ["已办结", "办理中", "待受理"]


# ── records ───────────────────────────────────────────────────────────────────────────────────────

def records(rng: random.Random, tag: str, n: int) -> list[list[str]]:
    """`n` valid service records for center C001 (tests.test_ingest_cli.make_db's database), their ids
    unique to the corpus file `tag` (so a second file's rows are new rows, not duplicates)."""
    stem = hashlib.sha1(tag.encode()).hexdigest()[:8].upper()
    out = []
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        out.append([f"FZ{stem}{i:05d}", "C001", f"2022-03-{rng.randint(1, 28):02d} {rng.randint(8, 17):02d}:"
                    f"{rng.randint(0, 59):02d}", "0101", rng.choice(STATUS), name,
                    f"138{rng.randint(0, 99_999_999):08d}", str(rng.randint(1, 5))])
    return out


def _csv_text(rows, sep: str = ",", end: str = "\n") -> str:
    return "".join(sep.join(r) + end for r in rows)


# ── workbooks ─────────────────────────────────────────────────────────────────────────────────────

def _member(z: zipfile.ZipFile, name: str, data: bytes, level: int = 6) -> None:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)


def _book_xml(sheets: bytes | None = None) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="%s" xmlns:r="%s"><sheets>%s</sheets></workbook>'
            % (MAIN_NS.encode(), REL_NS.encode(), sheets or b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/>'))


def _rels_xml(n_sheets: int, shared: bool) -> bytes:
    rels = b"".join(b'<Relationship Id="rId%d" Type="%s/worksheet" Target="worksheets/sheet%d.xml"/>'
                    % (i, REL_NS.encode(), i) for i in range(1, n_sheets + 1))
    if shared:
        rels += b'<Relationship Id="rIdS" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % REL_NS.encode()
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + rels + b"</Relationships>")


def sheet_xml(rows: bytes, before: bytes = b"", prefix: str = "", declare: str | None = None) -> bytes:
    """A worksheet holding row XML `rows`; `before` goes between <worksheet> and <sheetData>; `prefix`
    names every element with a namespace prefix bound to the spreadsheet namespace (`x` → <x:c>)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{p}worksheet {ns}>'.encode() + before
            + (f'<{p}dimension ref="{declare}"/>'.encode() if declare else b"")
            + f"<{p}sheetData>".encode() + rows + f"</{p}sheetData></{p}worksheet>".encode())


def xlsx(path: Path, sheets: list[bytes], shared: bytes | None = None, book: bytes | None = None,
         level: int = 6) -> Path:
    """A workbook of the given worksheet XML (whole members), a shared-string table `shared` (the whole
    member) and workbook.xml `book` (default: one sheet, Sheet1 → sheet1.xml)."""
    overrides = b"".join(b'<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="%s"/>'
                         % (i, WORKSHEET_TYPE.encode()) for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w") as z:
        _member(z, "[Content_Types].xml", CONTENT_TYPES % overrides)
        _member(z, "_rels/.rels", ROOT_RELS)
        _member(z, "xl/workbook.xml", book or _book_xml())
        _member(z, "xl/_rels/workbook.xml.rels", _rels_xml(len(sheets), shared is not None))
        for i, sheet in enumerate(sheets, start=1):
            _member(z, f"xl/worksheets/sheet{i}.xml", sheet, level)
        if shared is not None:
            _member(z, "xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                               b'<sst xmlns="%s">%s</sst>' % (MAIN_NS.encode(), shared), level)
    return path


def table_rows(rng: random.Random, tag: str, n: int = 3) -> bytes:
    """The header in row 1 and `n` records in rows 2…n+1 (cells as inline strings)."""
    return row_xml(1, HEADERS) + b"".join(row_xml(i + 2, r) for i, r in enumerate(records(rng, tag, n)))


def prefixed(rows: bytes, prefix: str) -> bytes:
    """Row XML with every element named with `prefix` (<row> → <x:row>)."""
    return re.sub(rb"<(/?)(row|c|is|t|v)\b", rb"<\1" + prefix.encode() + rb":\2", rows)


def far(rng: random.Random, tag: str, cell: bytes, row_open: bytes = b'<row r="1048576">') -> bytes:
    """A good table whose last row holds `cell` (the far cell in some spelling)."""
    return sheet_xml(table_rows(rng, tag) + row_open + cell + b"</row>")


def _far_cell(cell: bytes, row_open: bytes = b'<row r="1048576">'):
    return lambda path, rng, tag: xlsx(path, [far(rng, tag, cell, row_open)])


def _far_prefixed(prefix: str):
    """The whole sheet, the far cell too, with elements named by a namespace prefix (<x:c r="XFD1048576">)."""
    def write(path, rng, tag):
        rows = table_rows(rng, tag) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        return xlsx(path, [sheet_xml(prefixed(rows, prefix), prefix=prefix)])
    return write


_LETTERS = bytes(97 + b % 26 for b in range(256))


def _random_letters(rng: random.Random, n: int) -> bytes:
    """`n` bytes of random lower-case letters: deflate gets them only to about 60 % (no ratio check fires)."""
    return rng.randbytes(n).translate(_LETTERS)


def _amplified(string_bytes: int, cells: int, letters: bool):
    """One shared string of `string_bytes` referenced by `cells` cells (8 a row, below the header)."""
    def write(path, rng, tag):
        text = _random_letters(rng, string_bytes) if letters else b"x" * string_bytes
        rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (bytes([65 + c]), r)
                                                      for c in range(8)) + b"</row>"
                        for r in range(2, 2 + cells // 8))
        return xlsx(path, [sheet_xml(row_xml(1, HEADERS) + rows)], shared=b"<si><t>" + text + b"</t></si>",
                    level=9)
    return write


def _lying_directory(local_too: bool):
    """The sheet holds a good table, 40 MB of spaces and the far cell (deflated about 1000:1); the zip's
    central directory (and with local_too its local header) says the sheet is 2,000 bytes."""
    def write(path, rng, tag):
        rows = table_rows(rng, tag)
        sheet = sheet_xml(rows + b" " * (40 << 20) + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
        xlsx(path, [sheet], level=9)
        _patch_size(path, "xl/worksheets/sheet1.xml", 2_000, local_too)
        return path
    return write


def _patch_size(path: Path, member: str, size: int, local_too: bool) -> None:
    """Write `size` as `member`'s uncompressed size in the central directory (and its local header)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.find(b"PK\x01\x02", at)
        if at < 0:
            raise ValueError(f"{member} not in the central directory")
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n] == name:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            break
        at += 4
    if local_too:
        assert data[local:local + 4] == b"PK\x03\x04"
        struct.pack_into("<I", data, local + 22, size)
    path.write_bytes(bytes(data))


def _claims_huge(path, rng, tag):
    """A good workbook whose directory says its sheet is 4 GB (it is a few hundred bytes)."""
    xlsx(path, [sheet_xml(table_rows(rng, tag))])
    _patch_size(path, "xl/worksheets/sheet1.xml", 0xFFFF_FFF0, local_too=False)
    return path


def _nest(rng: random.Random, depth: int) -> tuple[bytes, bytes]:
    """`depth` nested elements of random three-letter names (opening tags, closing tags): random names keep
    the XML from deflating past the ratio check, so the reader itself meets the nesting."""
    names = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(3)) for _ in range(depth)]
    return b"".join(b"<%s>" % n for n in names), b"".join(b"</%s>" % n for n in reversed(names))


def _nested_in_cell(depth: int):
    def write(path, rng, tag):
        opened, closed = _nest(rng, depth)
        cell = b'<row r="5"><c r="A5" t="inlineStr"><is>' + opened + b"<t>x</t>" + closed + b"</is></c></row>"
        return xlsx(path, [sheet_xml(table_rows(rng, tag) + cell)], level=9)
    return write


def _nested_before_data(depth: int):
    def write(path, rng, tag):
        opened, closed = _nest(rng, depth)
        return xlsx(path, [sheet_xml(table_rows(rng, tag), before=b"<extLst><ext>" + opened + closed
                                     + b"</ext></extLst>")], level=9)
    return write


def _empty_rows_numbered(empty: int):
    """The header, one record, `empty` empty rows <row r="n"/>, then a second record after them."""
    def write(path, rng, tag):
        first, last = records(rng, tag, 2)
        rows = (row_xml(1, HEADERS) + row_xml(2, first)
                + "".join(f'<row r="{r}"/>' for r in range(3, 3 + empty)).encode() + row_xml(3 + empty, last))
        return xlsx(path, [sheet_xml(rows)], level=9)
    return write


def _empty_rows_to_the_last(path, rng, tag):
    """Empty rows <row r="n"/> down to the sheet's last row 1,048,576, a record in it: 8 columns × all the
    rows is 8.4 million cells (over the checks' limit), but no reader need allocate the empty rows."""
    first, last = records(rng, tag, 2)
    rows = (row_xml(1, HEADERS) + row_xml(2, first)
            + "".join(f'<row r="{r}"/>' for r in range(3, 1_048_576)).encode() + row_xml(1_048_576, last))
    return xlsx(path, [sheet_xml(rows)], level=9)


def _two_sheets(first_sheet_ref: bytes):
    """sheet1.xml a good table, sheet2.xml the good table with the far cell; workbook.xml's first
    <sheet> element `first_sheet_ref` (pointing at rId2 in some spelling)."""
    def write(path, rng, tag):
        book = _book_xml(first_sheet_ref + b'<sheet name="Good" sheetId="9" r:id="rId1"/>')
        return xlsx(path, [sheet_xml(table_rows(rng, tag)),
                           far(rng, tag + "/2", b'<c r="XFD1048576"><v>1</v></c>')], book=book)
    return write


def _control_xlsx(path, rng, tag):
    return xlsx(path, [sheet_xml(table_rows(rng, tag, 5), declare="A1:H6")])


def _comment_mentions_far(path, rng, tag):
    """The far cell only inside an XML comment: the sheet is small (a text scan may think otherwise)."""
    return xlsx(path, [sheet_xml(table_rows(rng, tag) + b'<!-- <row r="1048576"><c r="XFD1048576"><v>1</v></c>'
                                                        b"</row> -->")])


def _cdata_mentions_far(path, rng, tag):
    """The far cell only as text in a CDATA section of an inline string."""
    cell = (b'<row r="5"><c r="A5" t="inlineStr"><is><t><![CDATA[<c r="XFD1048576"><v>1</v></c>]]></t></is></c>'
            b"</row>")
    return xlsx(path, [sheet_xml(table_rows(rng, tag) + cell)])


# ── CSV ───────────────────────────────────────────────────────────────────────────────────────────

def _csv(make):
    """A CSV writer from make(rng, tag) → bytes."""
    def write(path, rng, tag):
        path.write_bytes(make(rng, tag))
        return path
    return write


def _good_text(rng, tag, n=3, **kw) -> str:
    return _csv_text([HEADERS, *records(rng, tag, n)], **kw)


def _utf16_odd(codec: str, bom: bytes):
    return _csv(lambda rng, tag: bom + _good_text(rng, tag).encode(codec) + b"\x41")


def _utf16_surrogate(rng, tag):
    """UTF-16-LE: a lone high surrogate (D800) in the middle of a name."""
    rows = records(rng, tag, 3)
    name = rows[1][5]
    rows[1][5] = "\x1f"                                      # where the surrogate goes
    before, after = _csv_text([HEADERS, *rows]).split("\x1f")
    return (codecs.BOM_UTF16_LE + (before + name[:1]).encode("utf-16-le") + b"\x00\xd8"
            + (name[1:] + after).encode("utf-16-le"))


def _utf16_large(rng, tag):
    """A valid UTF-16-LE file of 1.6 MB (past the 1 MiB a preview reads)."""
    return codecs.BOM_UTF16_LE + _good_text(rng, tag, 20_000).encode("utf-16-le")


def _utf8_surrogate(late: bool):
    """A lone surrogate encoded as UTF-8 (ED A0 80, invalid UTF-8) in a name, in the first rows or after
    300 KB of good rows."""
    def make(rng, tag):
        rows = records(rng, tag, 5_000 if late else 3)
        rows[-2][5] = rows[-2][5][:1] + "\ud800" + rows[-2][5][1:]
        return _csv_text([HEADERS, *rows]).encode("utf-8", "surrogatepass")
    return _csv(make)


def _gb18030_four_byte(rng, tag):
    """GB18030 with names holding four-byte characters (䶮 U+4DAE, 𠀀 U+20000, 㐀 U+3400): GBK cannot
    decode them; GB18030 can."""
    rows = records(rng, tag, 4)
    for row, rare in zip(rows, ["刘䶮", "王𠀀", "张㐀", "李䶮𠀀"]):
        row[5] = rare
    data = _csv_text([HEADERS, *rows]).encode("gb18030")
    assert b"\x95\x32\x82\x36" in data      # 𠀀 as four bytes
    return data


def _nul(late: bool):
    def make(rng, tag):
        rows = records(rng, tag, 6_000 if late else 3)
        rows[-2][5] = rows[-2][5][:1] + "\x00" + rows[-2][5][1:]
        return _csv_text([HEADERS, *rows]).encode("utf-8")
    return _csv(make)


def _long_cell(rng, tag):
    """A 1,000,000-character name (Latin letters: 1 MB) between good rows."""
    rows = records(rng, tag, 3)
    rows[1][5] = "".join(rng.choice("abcdefghij") for _ in range(1_000_000))
    return _csv_text([HEADERS, *rows]).encode("utf-8")


def _wide(rng, tag):
    """10,000 columns: the eight known headers and 9,992 more (each row as wide)."""
    extra = [f"附加{i}" for i in range(9_992)]
    rows = [r + [str(rng.randint(0, 9)) for _ in extra] for r in records(rng, tag, 3)]
    return _csv_text([HEADERS + extra, *rows]).encode("utf-8")


def _cr_only(rng, tag):
    return _good_text(rng, tag, 5, end="\r").encode("utf-8")


def _open_quote(n_after: int):
    """A quote opened in the second record's name and never closed: the rest of the file (n_after good
    rows) is inside it."""
    def make(rng, tag):
        rows = records(rng, tag, 2 + n_after)
        rows[1][5] = '"' + rows[1][5]
        return _csv_text([HEADERS, *rows]).encode("utf-8")
    return _csv(make)


# ── the corpus ────────────────────────────────────────────────────────────────────────────────────

REFUSED, IMPORTED, EITHER = "refused", "imported", "either"

_CASES = {
    # workbooks: the far cell in every spelling
    "far_double_quotes.xlsx": (_far_cell(b'<c r="XFD1048576"><v>1</v></c>'), REFUSED),
    "far_single_quotes.xlsx": (_far_cell(b"<c r='XFD1048576'><v>1</v></c>", b"<row r='1048576'>"), REFUSED),
    "far_spaces_around_equals.xlsx": (_far_cell(b'<c r = "XFD1048576"><v>1</v></c>', b'<row r = "1048576">'),
                                      REFUSED),
    "far_tabs_newlines_around_equals.xlsx": (_far_cell(b"<c\n\tr\t=\n'XFD1048576'\r\n><v>1</v></c>"), REFUSED),
    "far_lower_case.xlsx": (_far_cell(b'<c r="xfd1048576"><v>1</v></c>'), REFUSED),
    "far_mixed_case.xlsx": (_far_cell(b'<c r="xFd1048576"><v>1</v></c>'), REFUSED),
    "far_comments_around_tags.xlsx": (_far_cell(b'<!-- <c r="A2"/> --><c r="XFD1048576"><!-- > --><v>1</v></c>'
                                                b"<!--</row>-->", b'<!-- <row r="2"> --><row r="1048576">'),
                                      REFUSED),
    "far_comment_with_fake_cells.xlsx": (_far_cell(b'<c r="XFD1048576"><v>1</v></c><!--' + b'<c r="A1">' * 50
                                                   + b"-->"), REFUSED),
    "far_namespace_prefix.xlsx": (_far_prefixed("x"), REFUSED),
    "far_odd_namespace_prefix.xlsx": (_far_prefixed("s.s-1"), REFUSED),     # '.' and '-' are allowed in a prefix
    "far_decimal_character_reference.xlsx": (_far_cell(b'<c r="&#88;FD1048576"><v>1</v></c>'), REFUSED),
    "far_hex_character_reference.xlsx": (_far_cell(b'<c r="XF&#x44;1048576"><v>1</v></c>',
                                                   b'<row r="&#x31;048576">'), REFUSED),
    "far_digit_character_reference.xlsx": (_far_cell(b'<c r="XFD&#49;048576"><v>1</v></c>'), REFUSED),
    "far_dimension_lies_small.xlsx": (
        lambda path, rng, tag: xlsx(path, [sheet_xml(table_rows(rng, tag) + b'<row r="1048576"><c r="XFD1048576">'
                                                     b"<v>1</v></c></row>", declare="A1:H4")]), REFUSED),
    "far_sheet_attributes_single_quoted.xlsx": (_two_sheets(b"<sheet name='Far' sheetId='1' r:id='rId2'/>"),
                                                REFUSED),
    "far_sheet_reference_entity.xlsx": (_two_sheets(b'<sheet name="Far" sheetId="1" r:id="rId&#50;"/>'), REFUSED),
    # the far cell mentioned where no reader takes it for a cell
    "far_only_in_a_comment.xlsx": (_comment_mentions_far, EITHER),
    "far_only_in_cdata.xlsx": (_cdata_mentions_far, EITHER),
    # shared strings: 20 MB of one letter × 400 cells (8 GB; deflated 1000:1), 2 MB of random letters ×
    # 2,000 cells (4 GB; deflated under 2:1, no ratio check fires)
    "shared_string_amplified_compressible.xlsx": (_amplified(20 << 20, 400, letters=False), REFUSED),
    "shared_string_amplified_random.xlsx": (_amplified(2 << 20, 2_000, letters=True), REFUSED),
    # the zip's directory lies
    "zip_directory_says_small.xlsx": (_lying_directory(local_too=False), REFUSED),
    "zip_directory_and_local_header_say_small.xlsx": (_lying_directory(local_too=True), REFUSED),
    "zip_directory_says_4gb.xlsx": (_claims_huge, EITHER),
    # deep nesting
    "nested_100000_in_a_cell.xlsx": (_nested_in_cell(100_000), EITHER),
    "nested_100000_before_sheet_data.xlsx": (_nested_before_data(100_000), EITHER),
    # empty rows
    "empty_rows_200000_numbered.xlsx": (_empty_rows_numbered(200_000), IMPORTED),
    "empty_rows_to_row_1048576.xlsx": (_empty_rows_to_the_last, EITHER),
    "control.xlsx": (_control_xlsx, IMPORTED),
    # CSV
    "utf16le_bom_odd_trailing_byte.csv": (_utf16_odd("utf-16-le", codecs.BOM_UTF16_LE), REFUSED),
    "utf16be_bom_odd_trailing_byte.csv": (_utf16_odd("utf-16-be", codecs.BOM_UTF16_BE), REFUSED),
    "utf16le_lone_surrogate.csv": (_csv(_utf16_surrogate), REFUSED),
    "utf16le_large_valid.csv": (_csv(_utf16_large), IMPORTED),
    "utf8_lone_surrogate.csv": (_utf8_surrogate(late=False), EITHER),
    "utf8_lone_surrogate_after_300kb.csv": (_utf8_surrogate(late=True), EITHER),
    "gb18030_four_byte.csv": (_csv(_gb18030_four_byte), IMPORTED),
    "nul_in_the_middle.csv": (_nul(late=False), REFUSED),
    "nul_after_300kb.csv": (_nul(late=True), EITHER),
    "cell_of_1000000_characters.csv": (_csv(_long_cell), EITHER),
    "columns_10000.csv": (_csv(_wide), EITHER),
    "cr_only_line_ends.csv": (_csv(_cr_only), IMPORTED),
    "quote_never_closed.csv": (_open_quote(3), EITHER),
    "quote_never_closed_2mb.csv": (_open_quote(25_000), EITHER),
    "control.csv": (_csv(lambda rng, tag: _good_text(rng, tag, 5).encode("utf-8")), IMPORTED),
}


def _seeded(make, name: str):
    @functools.wraps(make)
    def writer(path, seed: int = SEED) -> Path:
        path = Path(path)
        out = make(path, random.Random(f"{seed}:{name}"), f"{seed}:{name}")
        size = out.stat().st_size
        assert size < MAX_DISK_BYTES, f"{name}: {size:,} bytes on disk"
        return out
    return writer


CORPUS: dict[str, tuple] = {name: (_seeded(make, name), expect) for name, (make, expect) in _CASES.items()}


def write_corpus(folder: Path, seed: int = SEED, names=None) -> dict[str, tuple[Path, str]]:
    """name → (path, expectation) of the corpus written into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (CORPUS[name][0](folder / name, seed), CORPUS[name][1]) for name in (names or CORPUS)}


def fingerprint(path: Path) -> str:
    """What a seed decides of a file: its bytes (zip members' timestamps are fixed too)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# the CSV the browser test uploads: the costliest of the corpus to parse that is refused
WORST_CSV = "quote_never_closed_2mb.csv"
