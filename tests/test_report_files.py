"""The 通报 files (issue 13): the numbers in the Word file equal the named queries (read back with
python-docx), its GB/T 9704-2012 layout, the PDF through LibreOffice (pdftotext, pdftoppm; page 1 kept in
tests/_artifacts/), and the command line's scope refusal and audit rows."""
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt

from dangqun import alerts, db, gbt9704, metrics
from dangqun.views import report as view

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "_artifacts"
DONGGANG = "210681000000"
DEC = view.parse_period("2022-12")


# ── the report against the queries ──────────────────────────────────────────────────────────

@pytest.fixture(scope="module")
def dec_report(alerts_con):
    run = lambda name, params: db.run(alerts_con, name, params, scope=DONGGANG)  # noqa: E731
    return view.build(run, DONGGANG, "东港市", DEC, "yoy", today=dt.date(2023, 1, 10),
                      store=lambda month: alerts.ensure(alerts_con, month))


@pytest.fixture(scope="module")
def dec_docx(dec_report, tmp_path_factory):
    data = gbt9704.render(dec_report, "docx")
    path = tmp_path_factory.mktemp("report") / "report.docx"
    path.write_bytes(data)
    return path


def kpi(con, start, end):
    row = db.run(con, "kpi_summary", dict(region="210681", start=start, end=end, category="", channel="")).iloc[0]
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
    assert "东港市2022年12月村（社区）党群服务中心运行情况通报" == Document(dec_docx).paragraphs[0].text
    assert view.FUTURE_WORK in text and "中共东港市委组织部" in text and "2023年1月10日" in text


def test_annex_table_is_the_ranking_of_the_towns(dec_docx, demo_con):
    units = db.run(demo_con, "unit_scores", dict(region="210681", start=dt.date(2022, 12, 1),
                                                 end=dt.date(2022, 12, 31), category="", channel="", child_digits=9))
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


def test_pdf_text_pages_and_fonts(dec_report, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(gbt9704.render(dec_report, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    assert "东港市2022年12月村（社区）党群服务中心运行情况通报" in flat
    assert f"受理群众诉求{dec_report.numbers['received']:,}件" in flat
    assert "—1—" in flat
    # the 预警 section with the month's count by rule, as the 预警 page shows them
    counts = dec_report.numbers["alerts"]
    assert "四、预警情况" in flat and f"12月共有预警{sum(counts.values())}条：超期积压{counts['backlog']}条" in flat
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    count = int(next(l for l in pages.splitlines() if l.startswith("Pages:")).split()[1])
    assert 4 <= count <= 9
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)          # every font embedded
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "report_page1")], check=True)
    assert (ARTIFACTS / "report_page1.png").stat().st_size > 10_000


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
    assert Document(own).paragraphs[0].text == "东港市2022年12月村（社区）党群服务中心运行情况通报"
    from dangqun import state
    from tests.test_audit import rows as audit_rows

    rows = [(r[0], r[2], r[4]) for r in audit_rows(state.open_store(db_path=path), "report")]
    assert rows == [("donggang", "210682 2022-12", "refused"), ("donggang", "210681 2022-12", "ok")]
