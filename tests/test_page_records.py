"""明细查询 page (AppTest): what an official sees with the defaults, a county, the village at the end of
the four-click journey, a village without records, in Chinese and English; search, paging, the center
opened from a chart."""
import pytest

from dangqun.views import records
from dangqun.i18n import t
from dangqun.metrics import fmt_int

CITY, COUNTY, TOWN = "210600000000", "210681000000", "210681107000"   # 丹东市 › 东港市 › 长山镇
PAGE = "app_pages/records.py"
YEAR = ("2022-01-01", "2023-01-01")


@pytest.fixture(scope="module")
def wolong(demo_con):
    return demo_con.execute("select region_code from regions where region_name = '卧龙村' "
                            "and parent_code = $town", {"town": TOWN}).fetchone()[0]


def records_2022(con, prefix, channel=None, center=None):
    """(count, newest 受理编号) for 2022, computed independently of the page's queries."""
    rows = con.execute("""
        select r.record_id from service_records r join centers c using (center_id)
        where c.region_code like $p || '%' and r.received_at >= $s and r.received_at < $e
          and ($ch is null or r.channel = $ch) and ($center is null or r.center_id = $center)
        order by r.received_at desc, r.record_id desc
    """, {"p": prefix, "s": YEAR[0], "e": YEAR[1], "ch": channel, "center": center}).fetchall()
    return len(rows), (rows[0][0] if rows else None)


def markdowns(at):
    return [m.value for m in at.markdown]


def table(at):
    assert len(at.dataframe) == 1
    return at.dataframe[0].value


def assert_shows(at, n, first_id, lang="zh"):
    assert not at.exception
    total = f"**共 {fmt_int(n)} 条**" if lang == "zh" else f"**{fmt_int(n)} records**"
    assert total in markdowns(at)
    df = table(at)
    assert len(df) == min(n, 50)
    assert df.iloc[0, 0] == first_id


def test_defaults(open_page, demo_con):
    at = open_page(PAGE)
    assert [t.value for t in at.title] == ["明细查询"]
    n, first = records_2022(demo_con, "")
    assert_shows(at, n, first)
    assert list(table(at).columns) == list(records.COLUMNS.values())
    assert f"第 1 / {fmt_int(records.page_count(n, 50))} 页" in [c.value for c in at.caption]
    assert [b.label for b in at.get("download_button")] == ["下载 CSV", "下载 Excel"]
    assert f"下载全部 {fmt_int(n)} 条筛选结果（不只本页）" in [c.value for c in at.caption]
    assert at.selectbox(key="rec_page_size").value == 50
    assert at.number_input(key="rec_page").value == 1


def test_county(open_page, demo_con):
    at = open_page(PAGE, county=COUNTY)
    n, first = records_2022(demo_con, "210681")
    assert_shows(at, n, first)
    assert "resident_hash" not in " ".join(table(at).columns)


def test_four_click_journey_ends_at_the_villages_records(open_page, demo_con, wolong):
    at = open_page(PAGE, city=CITY, county=COUNTY, town=TOWN, village=wolong)
    assert "**丹东市 › 东港市 › 长山镇 › 卧龙村 · 2022年**" in markdowns(at)
    n, first = records_2022(demo_con, wolong)
    assert n > 0
    assert_shows(at, n, first)
    df = table(at)
    assert (df["中心"] == "长山镇卧龙村党群服务中心").all()
    assert df["服务对象"].dropna().str.fullmatch(r".\*{1,3}").all()
    assert df["联系电话"].dropna().str.fullmatch(r"\d{3}\*{4}\d{4}").all()


def test_village_without_records(open_page, demo_con):
    # a village with centers (so the sidebar offers it) but no 12345转办 case in 2022
    village = demo_con.execute("""
        select c.region_code from centers c
        left join service_records r on r.center_id = c.center_id and r.channel = '12345转办'
             and r.received_at >= $s and r.received_at < $e
        where right(c.region_code, 3) <> '000'
        group by 1 having count(r.record_id) = 0 order by 1 limit 1
    """, {"s": YEAR[0], "e": YEAR[1]}).fetchone()[0]
    at = open_page(PAGE, village=village, ch="12345转办")
    assert not at.exception
    assert not at.warning                                  # the URL was valid
    assert "**共 0 条**" in markdowns(at)
    assert [i.value for i in at.info] == ["该范围内没有数据"]
    assert len(at.dataframe) == 0
    assert len(at.get("download_button")) == 0
    at = open_page(PAGE, village=village, ch="12345转办", lang="en")
    assert "**0 records**" in markdowns(at)
    assert [i.value for i in at.info] == ["No data in this scope"]


def test_english(open_page, demo_con, wolong):
    at = open_page(PAGE, city=CITY, county=COUNTY, town=TOWN, village=wolong, lang="en")
    assert [t.value for t in at.title] == ["Record search"]
    n, first = records_2022(demo_con, wolong)
    assert_shows(at, n, first, lang="en")
    assert list(table(at).columns) == ["Record ID", "Center", "Item code", "Service item", "Category",
                                       "Received at", "Channel", "Group", "Resident", "Phone", "Status",
                                       "Closed at", t("截止日期", "en"), "Satisfaction", "Score",
                                       "Request text", "Reply text"]
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]
    assert at.text_input(key="rec_search_id").label == "Record ID (starts with)"


@pytest.mark.parametrize("text", ["' or 1=1 --", "%", "_", "%' --", '"; select 1; --'])
def test_hostile_search(open_page, text):
    at = open_page(PAGE, county=COUNTY)
    for key in ("rec_search_id", "rec_search_item"):
        at.text_input(key=key).input(text).run()
        assert not at.exception, key
        assert "**共 0 条**" in markdowns(at), key
        assert [i.value for i in at.info] == ["没有符合搜索条件的记录"]   # not 该范围内没有数据: the scope has records
        at.text_input(key=key).input("").run()


def test_search_by_id_and_item(open_page, demo_con):
    at = open_page(PAGE, county=COUNTY)
    n, first = records_2022(demo_con, "210681")
    at.text_input(key="rec_search_id").input(first).run()
    assert_shows(at, 1, first)
    at.text_input(key="rec_search_id").input("").run()
    at.text_input(key="rec_search_item").input("参保信息查询").run()
    want = demo_con.execute("""
        select count(*) from service_records r join centers c using (center_id)
        where c.region_code like '210681%' and r.received_at >= $s and r.received_at < $e
          and r.item_code = (select item_code from catalog where item_name = '参保信息查询')
    """, {"s": YEAR[0], "e": YEAR[1]}).fetchone()[0]
    assert f"**共 {fmt_int(want)} 条**" in markdowns(at)
    assert (table(at)["事项"] == "参保信息查询").all()


def test_paging(open_page, demo_con, wolong):
    at = open_page(PAGE, city=CITY, county=COUNTY, town=TOWN, village=wolong)
    n, _ = records_2022(demo_con, wolong)
    ids = [r[0] for r in demo_con.execute("""
        select record_id from service_records r join centers c using (center_id)
        where c.region_code = $v and r.received_at >= $s and r.received_at < $e
        order by r.received_at desc, r.record_id desc""", {"v": wolong, "s": YEAR[0], "e": YEAR[1]}).fetchall()]
    at.number_input(key="rec_page").set_value(2).run()
    assert table(at)["受理编号"].tolist() == ids[50:100]
    last = records.page_count(n, 50)
    at.number_input(key="rec_page").set_value(last).run()
    assert table(at)["受理编号"].tolist() == ids[50 * (last - 1):]
    assert f"第 {last} / {last} 页" in [c.value for c in at.caption]
    at.selectbox(key="rec_page_size").set_value(200).run()      # a new page size starts at page 1
    assert at.number_input(key="rec_page").value == 1
    assert table(at)["受理编号"].tolist() == ids[:200]


def test_center_opened_from_a_chart_and_cleared(open_page, demo_con):
    center = "ZX210681107201"
    at = open_page(PAGE, county=COUNTY)
    at.session_state["records_center"] = center      # what ui.open_records leaves behind
    at.run()
    assert [i.value for i in at.info] == ["只看中心：长山镇卧龙村党群服务中心"]
    n, first = records_2022(demo_con, "210681", center=center)
    assert_shows(at, n, first)
    at.button(key="rec_clear_center").click().run()
    assert "records_center" not in at.session_state
    n, first = records_2022(demo_con, "210681")
    assert_shows(at, n, first)
    assert [b.key for b in at.button if b.key == "rec_clear_center"] == []


def test_more_rows_than_one_download_holds_are_not_offered(open_page, demo_con, monkeypatch):
    """Over export.DOWNLOAD_MAX_ROWS (a province's year is ten million records) the page says why in place
    of the buttons: neither file is built in the server's memory."""
    from dangqun import export

    n, _ = records_2022(demo_con, "")
    monkeypatch.setattr(export, "DOWNLOAD_MAX_ROWS", n - 1)
    at = open_page(PAGE)
    assert not at.exception
    assert len(at.get("download_button")) == 0
    captions = [c.value for c in at.caption]
    assert f"共 {fmt_int(n)} 条，超过一次下载的上限 {fmt_int(n - 1)} 条，请缩小时间或地区范围后再下载。" in captions
    assert not any(c.startswith("下载全部") for c in captions)      # no offer of what is not offered
    at = open_page(PAGE, lang="en")
    assert (f"{fmt_int(n)} rows, more than one download holds ({fmt_int(n - 1)}); narrow the period or the region "
            "to download them." in [c.value for c in at.caption])
