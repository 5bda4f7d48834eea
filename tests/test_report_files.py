"""The 通报 files (README 通报生成): the numbers in the Word file equal the named queries (read back with
python-docx), its GB/T 9704-2012 layout, the PDF through LibreOffice (pdftotext, pdftoppm; page 1 kept in
tests/_artifacts/), and the command line's scope refusal and audit rows. As a 公文 reads: the title broken
between words, the 附件 table's numbers and headers never wrapped, the body in the free 仿宋 substitute."""
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from dangqun import alerts, db, gbt9704, metric_registry, metrics
from dangqun.views import report as view

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
DONGGANG, DANDONG, PROVINCE = "210681000000", "210600000000", "210000000000"
DEC = view.parse_period("2022-12")
SUBJECT = "村（社区）党群服务中心运行情况通报"
NUMBER = re.compile(r"[\d,.]+%?")


# ── the report against the queries ──────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def dec_report(alerts_con):
    run = lambda name, params: db.run(alerts_con, name, params, scope=DONGGANG)  # noqa: E731
    return view.build(run, DONGGANG, "东港市", DEC, "yoy", today=dt.date(2023, 1, 10),
                      store=lambda month: alerts.ensure(alerts_con, month))


@pytest.fixture(scope="module")
def dec_pdf(dec_report, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    path.write_bytes(gbt9704.render(dec_report, "pdf"))
    return path


@pytest.fixture(scope="module")
def other_reports(alerts_con):
    """The province's year and 丹东's fourth quarter of 2022 (the 东港 December one is dec_report)."""
    out = {}
    for region, name, period in ((PROVINCE, "辽宁省", "2022"), (DANDONG, "丹东市", "2022Q4")):
        run = lambda q, params: db.run(alerts_con, q, params, scope=None)  # noqa: E731
        out[region] = view.build(run, region, name, view.parse_period(period), "yoy", today=dt.date(2023, 1, 10),
                                 store=lambda month: alerts.ensure(alerts_con, month))
    return out


@pytest.fixture(scope="module")
def other_pdfs(other_reports, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for region, report in other_reports.items():
        out[region] = folder / f"{region}.pdf"
        out[region].write_bytes(gbt9704.render(report, "pdf", charts=False))
    return out


@pytest.fixture(scope="module")
def dec_docx(dec_report, tmp_path_factory):
    data = gbt9704.render(dec_report, "docx")
    path = tmp_path_factory.mktemp("report") / "report.docx"
    path.write_bytes(data)
    return path


def kpi(con, start, end):
    row = db.run(con, "kpi_summary", dict(region="210681", start=start, end=end, category="", channel="",
                                          as_of=None)).iloc[0]
    return {k: (v if k == "funds_wan" else int(v)) for k, v in row.items()}


def test_numbers_in_the_docx_equal_the_queries(dec_docx, demo_con):
    text = "\n".join(p.text for p in Document(dec_docx).paragraphs)
    now = kpi(demo_con, dt.date(2022, 12, 1), dt.date(2022, 12, 31))
    before = kpi(demo_con, dt.date(2021, 12, 1), dt.date(2021, 12, 31))
    cfg = metrics.load_config()
    r = metrics.rates(now["contacted"], now["solved"], now["satisfied"], now["basic"], now["valid"], cfg)
    growth = (now["received"] - before["received"]) / before["received"]
    assert f"12月全市共受理群众诉求{now['received']:,}件，同比{'上升' if growth > 0 else '下降'}" \
           f"{abs(growth) * 100:.1f}%。" in text
    assert f"办结{now['closed']:,}件，办结率{now['closed'] / now['received'] * 100:.1f}%" in text
    assert f"按期办结{now['closed_on_time']:,}件，按期办结率{now['closed_on_time'] / now['closed'] * 100:.1f}%" in text
    assert f"有效回访{now['valid']:,}件，响应率{r['response_rate'] * 100:.1f}%" in text
    assert f"综合成绩{metrics.fmt_score(r['composite_score'])}分" in text
    assert f"2022年度各中心投入资金{float(now['funds_wan']):,.2f}万元" in text
    assert f"超期件共{now['overdue']:,}件" in text
    # each count the metric registry has the 通报 state, right after 受理: 其中代办…件
    for m in metric_registry.shown_in(metric_registry.REPORT):
        assert m.report.format(value=metrics.fmt_int(now[m.num]), change="，同比") in text
    assert "东港市2022年12月\n村（社区）党群服务中心运行情况通报" == Document(dec_docx).paragraphs[0].text
    assert view.FUTURE_WORK in text and "中共东港市委组织部" in text and "2023年1月10日" in text


def test_annex_table_is_the_ranking_of_the_towns(dec_docx, demo_con):
    units = db.run(demo_con, "unit_scores", dict(region="210681", start=dt.date(2022, 12, 1),
                                                 end=dt.date(2022, 12, 31), category="", channel="", child_digits=9,
                                                 as_of=None))
    scored = metrics.add_rates(units)
    table = Document(dec_docx).tables[0]
    cells = [[c.text for c in r.cells] for r in table.rows]
    assert cells[0] == view.ANNEX_HEADER
    assert len(cells) - 1 == len(units)
    by_name = {r[1]: r for r in cells[1:]}
    for u in scored.itertuples():
        assert by_name[u.unit_name][2] == f"{u.received:,}"
        assert by_name[u.unit_name][7] == metrics.fmt_score(u.composite_score)
    best = scored.sort_values("composite_score", ascending=False).iloc[0]
    assert cells[1][:2] == ["1", best.unit_name]


def test_hot_items_equal_an_independent_count(dec_report, demo_con):
    top = demo_con.execute("""
        select coalesce(k.item_name, r.item_code), count(*) from service_records r
        join centers c using (center_id) left join catalog k using (item_code)
        where c.region_code like '210681%' and r.received_at >= '2022-12-01' and r.received_at < '2023-01-01'
        group by all order by 2 desc, any_value(r.item_code) limit 1""").fetchone()
    hot = next(b.text for b in dec_report.blocks if b.text.startswith("受理量居前"))
    assert hot.startswith(f"受理量居前5位的事项是：{top[0]}（{top[1]:,}件，满意率")


def test_docx_layout_per_gbt_9704(dec_docx):
    doc = Document(dec_docx)
    s = doc.sections[0]
    mm = lambda emu: round(emu / 36000, 1)  # noqa: E731 — Word stores twips: 210 mm is 209.99 mm
    assert (mm(s.page_width), mm(s.page_height)) == (210.0, 297.0)
    assert (mm(s.top_margin), mm(s.left_margin)) == (37.0, 28.0)
    assert mm(s.page_width - s.left_margin - s.right_margin) == 156.0
    assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225.0
    fonts = {name: doc.styles[name].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") for name in gbt9704.STYLES.values()}
    assert fonts == {"Title": "方正小标宋简体", "Normal": "仿宋_GB2312", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    assert doc.styles["Title"].font.size == Pt(22) and doc.styles["Normal"].font.size == Pt(16)
    assert doc.styles["Heading 1"].font.size == doc.styles["Heading 2"].font.size == Pt(16)
    level1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert level1 == ["一、基本情况", "二、考核排名", "三、热点问题", "四、预警情况", "五、资金投入", "六、下步工作",
                      "附件"]
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"] == ["（一）红榜", "（二）黄榜", "（三）整改"]
    assert doc.paragraphs[0].style.name == "Title"
    assert len(doc.inline_shapes) == 2
    for footer in (s.footer, s.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
        assert " PAGE " in xml and 'w:val="28"' in xml      # 4号 = 14 pt = 28 half-points
    assert doc.settings.odd_and_even_pages_header_footer


def test_pdf_text_pages_and_fonts(dec_report, dec_pdf):
    pdf = dec_pdf
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    assert "东港市2022年12月村（社区）党群服务中心运行情况通报" in flat
    assert f"受理群众诉求{dec_report.numbers['received']:,}件" in flat
    assert "—1—" in flat
    # the 预警 section with the month's count by rule, as the 预警 page shows them
    counts = dec_report.numbers["alerts"]
    named = "、".join(f"{alerts.RULES[rule]}{n}条" for rule, n in counts.items() if n)
    assert "四、预警情况" in flat and f"12月共有预警{sum(counts.values())}条：{named}。" in flat
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    count = int(next(l for l in pages.splitlines() if l.startswith("Pages:")).split()[1])
    assert 4 <= count <= 9
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)          # every font embedded
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "report_page1")], check=True)
    assert (ARTIFACTS / "report_page1.png").stat().st_size > 10_000


# ── read as a 公文: title lines, the 附件 table, the body font ───────────────────────────────────

def _pdftotext(pdf, *args) -> str:
    return subprocess.run(["pdftotext", "-layout", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


TITLES = {DONGGANG: ["东港市2022年12月", SUBJECT], DANDONG: ["丹东市2022年第四季度", SUBJECT],
          PROVINCE: ["辽宁省2022年", SUBJECT]}


def test_title_breaks_between_region_and_period_and_the_subject(dec_report, other_reports):
    """Word and LibreOffice break Chinese anywhere (「…党群服务中/心运行…」): the title is broken into its
    lines in the file, after the region and period."""
    for region, report in {DONGGANG: dec_report, **other_reports}.items():
        assert report.title == "".join(TITLES[region])
        p = Document(io.BytesIO(gbt9704.to_docx(report, {}, view.load_config()["fonts"]))).paragraphs[0]
        assert p.style.name == "Title" and p.text.split("\n") == TITLES[region]
        assert [r.text.rstrip("\n") for r in p.runs] == TITLES[region] and p._p.xml.count("<w:br/>") == 1


def test_title_lines_rule():
    lines = gbt9704.title_lines
    # the region and period on a line, then the subject; without the parts given the period is found
    assert lines("东港市2022年12月" + SUBJECT) == ["东港市2022年12月", SUBJECT]
    assert lines("喀喇沁左翼蒙古族自治县2022年第四季度" + SUBJECT, "喀喇沁左翼蒙古族自治县", "2022年第四季度") == \
        ["喀喇沁左翼蒙古族自治县2022年第四季度", SUBJECT]
    # a short title stays whole; a narrow line breaks the subject before 运行情况, never inside a word
    assert lines("东港市通报") == ["东港市通报"]
    assert lines("东港市2022年12月" + SUBJECT, "东港市", "2022年12月", width_em=12) == \
        ["东港市2022年12月", "村（社区）党群服务中心", "运行情况通报"]
    for width in (8, 10, 12, 14, 16, 18, 20):
        for line in lines("丹东市2022年第四季度" + SUBJECT, "丹东市", "2022年第四季度", width_em=width):
            assert not line.startswith(("）", "服务", "中心", "情况", "季度", "年", "报")), (width, line)
            assert not line.endswith(("（", "党群服务中", "运行情", "第四")), (width, line)


def test_pdf_title_lines(dec_pdf, other_pdfs):
    for region, pdf in {DONGGANG: dec_pdf, **other_pdfs}.items():
        text = [line.replace(" ", "") for line in _pdftotext(pdf, "-f", "1", "-l", "1").splitlines()]
        text = [line for line in text if line]
        assert text[:2] == TITLES[region], region


def _annex_rows(report) -> list[list[str]]:
    return next(b for b in report.blocks if b.kind == "table").rows


def test_annex_numbers_and_headers_never_wrap(dec_report, dec_pdf, other_reports, other_pdfs):
    """Every number of the 附件 table, and every header (名次, 受理量 …), whole on its row's line of the PDF
    (pdftotext -layout); only a long unit name may wrap."""
    for region, (report, pdf) in {DONGGANG: (dec_report, dec_pdf),
                                  **{r: (other_reports[r], other_pdfs[r]) for r in other_reports}}.items():
        text = _pdftotext(pdf)
        annex = text[text.rindex("附件"):].splitlines()
        rows = _annex_rows(report)
        assert any(set(rows[0]) <= set(line.split()) for line in annex), (region, "header", rows[0])
        assert len(rows) > 1
        for row in rows[1:]:
            numbers = [c for c in row[2:] if NUMBER.fullmatch(c)]
            assert any(line.split()[:1] == [row[0]] and [t for t in line.split() if t in numbers] == numbers
                       for line in annex), (region, row)
    # a number of thousands, as 丹东's quarter has (10,788 split as 10,78 / 8 before)
    assert any(len(c) >= 6 for r in _annex_rows(other_reports[DANDONG])[1:] for c in r[2:4])


def test_column_widths_fit_content_and_only_names_give_way():
    header = view.ANNEX_HEADER
    row = ["1", "东港市", "110,788", "65,380", "100.0%", "91.7%", "92.5%", "92.69", "先进", "是"]
    widths = gbt9704.column_widths([header, row])
    assert abs(sum(widths) - gbt9704.TEXT_W) < 100
    for j, cell in enumerate(header):
        need = max(gbt9704.em_width(cell), gbt9704.em_width(row[j])) * gbt9704.SIZE_TABLE + 2 * gbt9704.CELL_PAD
        assert widths[j] >= need, (cell, widths[j], need)
    long = [*row[:1], "喀喇沁左翼蒙古族自治县某某街道某某社区", *row[2:]]
    narrow = gbt9704.column_widths([header, long])
    assert abs(sum(narrow) - gbt9704.TEXT_W) < 100
    assert narrow[1] < gbt9704.em_width(long[1]) * gbt9704.SIZE_TABLE      # the name wraps …
    assert narrow[1] >= 4 * gbt9704.SIZE_TABLE
    for j in range(2, len(header)):                                          # … the numbers do not
        assert narrow[j] >= gbt9704.em_width(long[j]) * gbt9704.SIZE_TABLE + 2 * gbt9704.CELL_PAD


def test_annex_table_has_fixed_layout(dec_docx):
    table = Document(dec_docx).tables[0]
    xml = table._tbl.tblPr.xml
    assert '<w:tblLayout w:type="fixed"/>' in xml and not table.autofit
    grid = [int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
            for c in table._tbl.tblGrid.gridCol_lst]
    assert abs(sum(grid) - gbt9704.TEXT_W / 635) < 10                        # twips: the 156 mm text block
    assert [c.width for c in table.rows[1].cells] == [c.width for c in table.columns]


def _postscript_name(family: str) -> str:
    return subprocess.run(["fc-match", "-f", "%{postscriptname}", family], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_pdf_embeds_the_body_and_kai_fonts(dec_pdf):
    """Where 仿宋_GB2312 and 仿宋 are missing (CI, a Linux server) the body is drawn in LXGW WenKai and the
    （一） headings in AR PL UKai CN (fonts-lxgw-wenkai, fonts-arphic-ukai: .ci/run installs them), not in a
    Song/serif; the PDF embeds the font actually used."""
    fonts = view.load_config()["fonts"]
    installed = gbt9704.installed_families()
    subs = gbt9704.substitutions(fonts, installed)
    listed = subprocess.run(["pdffonts", str(dec_pdf)], capture_output=True, text=True, check=True).stdout
    for key, free in (("body", "LXGW WenKai"), ("heading2", "AR PL UKai CN")):
        assert free in fonts[key], (key, fonts[key])
        official = [n for n in fonts[key] if n in installed and fonts[key].index(n) < fonts[key].index(free)]
        used = official[0] if official else subs.get(fonts[key][0])
        if not official:
            assert used == free, f"{free} is not installed (apt-get install fonts-lxgw-wenkai fonts-arphic-ukai)"
        name = _postscript_name(used)
        assert name and re.search(rf"\+{re.escape(name)}\s", listed), (key, used, name, listed)


def _cli(*args, users=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if users:
        env["DANGQUN_USERS"] = str(users)
    return subprocess.run([sys.executable, "-m", "dangqun", "report", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def test_cli_refuses_another_county_and_logs_both(demo_db, accounts_file, tmp_path):
    path = str(tmp_path / "copy.duckdb")
    shutil.copy(demo_db, path)
    out = tmp_path / "凤城.docx"
    done = _cli("--db", path, "--user", "donggang", "--region", "210682", "--period", "2022-12",
                "--format", "docx", "--out", str(out), users=accounts_file)
    assert done.returncode == 2 and done.stderr.strip() == "无权查看该区域" and not out.exists()
    own = tmp_path / "东港.docx"
    done = _cli("--db", path, "--user", "donggang", "--region", "210681", "--period", "2022-12",
                "--format", "docx", "--out", str(own), "--no-charts", users=accounts_file)
    assert done.returncode == 0, done.stderr
    assert Document(own).paragraphs[0].text.replace("\n", "") == "东港市2022年12月村（社区）党群服务中心运行情况通报"
    from dangqun import state
    from tests.test_audit import rows as audit_rows

    rows = [(r[0], r[2], r[4]) for r in audit_rows(state.open_store(db_path=path), "report")]
    assert rows == [("donggang", "210682 2022-12", "refused"), ("donggang", "210681 2022-12", "ok")]
