"""Untrusted files are parsed in a child process under limits (dangqun.ingest.sandbox): the workbooks a live
probe of the server found passing the text checks (each 1.6–2.0 KB, each aborting the reading process by
asking for 512 GiB), a workbook amplifying one huge shared string, and files whose decoding failed with a
traceback. Each is refused in one Chinese line, the asking process lives on with bounded memory, and nothing
is written; good files read as before."""
from __future__ import annotations

import codecs
import resource
import subprocess
import sys
import zipfile

import pytest

from dangqun import db
from dangqun.ingest import read, sandbox
from tests.hostile_files import CONTENT_TYPES, HEADERS, ROOT_RELS, SHEET_HEAD, body, row_xml, write_xlsx

UNSAFE = "文件过大或结构异常，无法安全读取："
FAR = b'<row r="1048576">%s</row>'


def far_cell(cell: bytes):
    return lambda p: write_xlsx(p, body() + FAR % cell)


def commented_sheet(path):
    """workbook.xml whose first <sheet> is commented out: a text scan takes the harmless sheet1 for the
    first sheet, the reader opens sheet2, whose last cell is XFD1048576."""
    book = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            b'<!-- <sheet name="Sheet1" sheetId="1" r:id="rId1"/> -->'
            b'<sheet name="Sheet2" sheetId="2" r:id="rId2"/></sheets></workbook>')
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet1.xml"/>'
            b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'worksheet" Target="worksheets/sheet2.xml"/></Relationships>')
    overrides = b"".join(b'<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
                         b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % i for i in (1, 2))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES % overrides)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD + b"<sheetData>" + body() + b"</sheetData></worksheet>")
        z.writestr("xl/worksheets/sheet2.xml", SHEET_HEAD + b"<sheetData>" + body()
                   + FAR % b'<c r="XFD1048576"><v>1</v></c>' + b"</sheetData></worksheet>")
    return path


def amplified_string(path):
    """One 40 MB shared string referenced by 200 cells: about 1 MB on disk, 8 GB once every cell holds it."""
    rows = "".join(f'<row r="{r}">' + "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>' for c in range(8))
                   + "</row>" for r in range(2, 27))          # 25 rows × 8 columns = 200 cells
    return write_xlsx(path, row_xml(1, HEADERS) + rows.encode(),
                      shared_strings=[b"<si><t>" + b"x" * (40 << 20) + b"</t></si>"])


WORKBOOKS = {
    "single_quotes": far_cell(b"<c r='XFD1048576'><v>1</v></c>"),
    "spaces_around_equals": far_cell(b'<c r = "XFD1048576"><v>1</v></c>'),
    "lower_case_reference": far_cell(b'<c r="xfd1048576"><v>1</v></c>'),
    "commented_out_sheet": commented_sheet,
    "amplified_shared_string": amplified_string,
}


@pytest.fixture(params=["with text checks", "without text checks"])
def checks(request, monkeypatch):
    """The workbook checks of dangqun.ingest.limits are a fast first filter; the child's limits must hold
    without them too (they are switched off in the child for the second case)."""
    if request.param == "without text checks":
        monkeypatch.setattr(sandbox, "CHILD", [sys.executable, "-c", "from dangqun.ingest import limits, sandbox; "
                                               "limits.check_file = lambda *a, **k: None; sandbox.main()"])
    return request.param


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_a_hostile_workbook_is_refused_and_the_reader_lives(name, tmp_path, checks):
    path = WORKBOOKS[name](tmp_path / f"{name}.xlsx")
    assert path.stat().st_size < 2 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(read.Rejected) as refused:
        sandbox.read_any(str(path))
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message and str(tmp_path) not in message
    if checks == "without text checks":
        assert message.startswith(UNSAFE + "读取所需内存"), message
    else:
        assert message.startswith(UNSAFE) or message.startswith("工作簿超出读取限制："), message
    # this process read nothing of it: its peak memory did not grow by the file's amplification
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 << 10     # KiB: under 200 MB
    with pytest.raises(read.Rejected):
        sandbox.read_any(str(path), max_rows=20)        # the page's preview


@pytest.mark.parametrize("data, reason", [
    (codecs.BOM_UTF16_LE + "受理编号,中心编码\n1,2\n".encode("utf-16-le") + b"\x00\xd8", "lone surrogate"),
    (codecs.BOM_UTF16_LE + "受理编号,中心编码\n1,2\n".encode("utf-16-le") + b"\x41", "odd trailing byte"),
])
def test_a_badly_encoded_file_is_one_line_without_a_traceback(tmp_path, data, reason):
    path = tmp_path / "u16.csv"
    path.write_bytes(data)
    with pytest.raises(read.Rejected) as refused:
        sandbox.read_any(str(path))
    assert "\n" not in str(refused.value) and "Traceback" not in str(refused.value) and str(tmp_path) not in str(
        refused.value), reason


def test_a_good_file_reads_as_in_process(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(",".join(HEADERS) + "\nSL1,C001,2022-03-05 09:07,0101,已办结,张三,13812341234,5\n", encoding="gbk")
    here, there = read.read_any(str(path)), sandbox.read_any(str(path))
    assert (there.encoding, there.headers, there.header_row, there.content_hash) \
        == (here.encoding, here.headers, here.header_row, here.content_hash)
    assert there.table.equals(here.table)


def test_every_reader_of_untrusted_files_goes_through_the_sandbox():
    """read.read_any parses in the calling process: only the sandbox's child calls it."""
    callers = [p.relative_to(db.ROOT).as_posix() for p in (db.ROOT / "dangqun").rglob("*.py")
               if "read.read_any(" in p.read_text(encoding="utf-8")]
    callers += [p.name for p in (db.ROOT / "pages").glob("*.py") if "read_any(" in p.read_text(encoding="utf-8")]
    assert callers == ["dangqun/ingest/sandbox.py"]


@pytest.mark.parametrize("name", ["single_quotes", "commented_out_sheet"])
def test_the_command_line_refuses_it_in_one_line(name, tmp_path):
    path = WORKBOOKS[name](tmp_path / f"{name}.xlsx")
    dbp = tmp_path / "t.duckdb"
    db.connect(dbp).close()
    done = subprocess.run([sys.executable, "-m", "dangqun", "import", str(path), "--db", str(dbp)],
                          capture_output=True, text=True, cwd=db.ROOT, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    [line] = [x for x in (done.stdout + done.stderr).splitlines() if x.strip()]
    assert f"{name}.xlsx" in line and ("已拒绝" in line) and (UNSAFE in line or "工作簿超出读取限制" in line), line
