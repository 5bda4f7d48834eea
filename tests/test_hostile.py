"""Hostile input (README 部署与安全): SQL fragments and quotes in every URL parameter and text box, unknown and
overlong codes, ../ paths, <script> in names and imported cells, formula cells in downloads, long
strings and wrong types. Each gets its clear message, and the database is left as it was."""
from __future__ import annotations

import pytest

from dangqun import auth, db, export, metric_registry
from dangqun.markup import md

SQL = "' or 1=1; drop table service_records; --"
LONG = "9" * 5000
DATA_TABLES = ("regions", "catalog", "centers", "service_records", "funds", "activities", "quarantine", "import_log")


def fingerprint():
    """Row counts of the stored tables and the data version, through the app's own connection."""
    from dangqun import ui

    con = ui.connection()
    counts = tuple(con.execute(f"select count(*) from {t}").fetchone()[0] for t in DATA_TABLES)
    return counts, db.data_version(con)


@pytest.fixture()
def unchanged(open_page):
    open_page("app_pages/overview.py")                      # the app's connection exists from here on
    before = fingerprint()
    yield
    assert fingerprint() == before


# ── URL parameters: a notice naming the parameter, the defaults, and the page still works ──

URL_CASES = [
    ("city", SQL), ("county", SQL), ("town", "210681107000' --"), ("village", "<script>alert(1)</script>"),
    ("county", "999999"), ("county", LONG), ("city", "../../etc/passwd"), ("start", SQL), ("end", "2022-13-45"),
    ("compare", "yoy'; select 1 --"), ("cat", "01' or '1'='1"), ("ch", "<img src=x onerror=alert(1)>"),
    ("lang", "zh'--"), ("county", "２１０６８１"), ("start", "-1"),
]


@pytest.mark.parametrize("key, value", URL_CASES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(URL_CASES)])
def test_hostile_url_parameters(open_page, unchanged, key, value):
    at = open_page("app_pages/overview.py", **{key: value})
    assert not at.exception
    shown = value.strip()[:64]
    # the notice shows the value as text: Markdown-escaped (dangqun.markup), so a link in it is no link
    if key in ("start", "end"):
        expected = ["链接中的参数无效，已恢复默认: " + md(f"start={shown if key == 'start' else ''}, "
                                                     f"end={shown if key == 'end' else ''}")]
    else:
        expected = ["链接中的参数无效，已恢复默认: " + md(f"{key}={shown}")]
    assert [w.value for w in at.warning] == expected
    assert len(at.metric) == len(metric_registry.shown_in(metric_registry.CARDS))   # the default view, not an error page


def test_hostile_url_parameters_for_a_scoped_official(open_page, unchanged):
    at = open_page("app_pages/overview.py", user="donggang", county=SQL, town="211324002000")
    assert [e.value for e in at.error] == ["无权查看该区域"] and len(at.metric) == 0


# ── the login form ──

LOGIN_CASES = [("admin' --", "x"), ("' or '1'='1", "' or '1'='1"), ("<script>alert(1)</script>", "demo2022"),
               ("admin", "demo2022' or '1'='1"), ("a" * 5000, "b" * 5000), ("admin\x00", "demo2022")]


@pytest.mark.parametrize("user, password", LOGIN_CASES, ids=[str(i) for i in range(len(LOGIN_CASES))])
def test_hostile_login_input(app_db, accounts_file, unchanged, user, password):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import log_in

    at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=120)
    at.run()
    log_in(at, user, password)
    assert not at.exception
    assert [e.value for e in at.error] == ["用户名或密码错误"]
    assert len(at.metric) == 0 and at.text_input(key="login_user") is not None


# ── the records page's search boxes ──

@pytest.mark.parametrize("box, value", [("rec_search_id", SQL), ("rec_search_item", "%' union select * from funds --"),
                                        ("rec_search_item", "<script>alert(1)</script>"), ("rec_search_id", "9" * 64)])
def test_hostile_search_boxes(open_page, unchanged, box, value):
    at = open_page("app_pages/records.py", county="210681000000")
    at.text_input(key=box).input(value).run()
    assert not at.exception
    assert "共 0 条" in [m.value.strip("*") for m in at.markdown]
    assert [i.value for i in at.info] == ["没有符合搜索条件的记录"]


# ── files, cells and downloads ──

def test_an_upload_path_cannot_leave_its_directory():
    from dangqun import uploads

    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("..\\..\\windows\\system.ini") == "system.ini"
    assert uploads.safe_name("<script>.csv") == "_script_.csv"


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_escaped_in_csv_downloads(cell):
    import pandas as pd

    text = export.to_csv_bytes(pd.DataFrame({"center_name": [cell]})).decode("utf-8-sig")
    value = text.split("\r\n")[1].strip('"')
    assert value.startswith("'") and value[1:].startswith(cell[:1])


def test_script_in_imported_names_is_stored_as_text_and_shown_as_text(scratch_con, tmp_path):
    """A center named <script>… imports as plain text; Streamlit shows data as text (no page passes
    data through unsafe_allow_html, see test_no_page_renders_data_as_html)."""
    from dangqun import ingest

    path = tmp_path / "centers.csv"
    path.write_text("中心编码,中心名称,区划代码,中心类型\n"
                    "X1,<script>alert(1)</script>,210681107201,村级党群服务中心\n", encoding="utf-8")
    report, = ingest.import_files(scratch_con, [path])
    assert report.imported == 1
    assert scratch_con.execute("select center_name from centers where center_id = 'X1'").fetchone()[0] \
        == "<script>alert(1)</script>"


def test_no_page_renders_data_as_html():
    files = [db.ROOT / "app.py", *(db.ROOT / "pages").glob("*.py"), *(db.ROOT / "dangqun" / "ui").glob("*.py")]
    assert [f.name for f in files if "unsafe_allow_html=True" in f.read_text(encoding="utf-8")] == []
    # the scripts on a page: the session cookie's, carrying only an id checked by web_session._js, and the
    # sidebar's, a constant that closes it on a phone (no data in it)
    scripts = sorted(f.name for f in files if "unsafe_allow_javascript=True" in f.read_text(encoding="utf-8"))
    assert scripts == ["login.py", "sidebar.py"]
    sidebar = (db.ROOT / "dangqun" / "ui" / "sidebar.py").read_text(encoding="utf-8")
    assert [line.strip() for line in sidebar.splitlines() if "unsafe_allow_javascript" in line] == [
        "st.html(CLOSE_ON_NAVIGATE, unsafe_allow_javascript=True)"]
    assert 'CLOSE_ON_NAVIGATE = """<script>' in sidebar


# ── wrong types and hostile values in the library's own inputs ──

@pytest.mark.parametrize("scope", ["21' or 1=1 --", "2106810000001", "abc", "../21"])
def test_a_hostile_scope_never_reaches_sql(demo_con, scope):
    from dangqun.regions import BadRegionCode

    with pytest.raises(BadRegionCode):
        db.run(demo_con, "loaded_tables", scope=scope)


@pytest.mark.parametrize("name", ["admin' --", "../../etc", "<b>x</b>", "x" * 33, "", "名字"])
def test_hostile_account_names_are_refused(name):
    with pytest.raises(auth.AccountError, match="^用户名应为 1–32 个字母、数字、点、下划线或连字符$"):
        auth.add_account(None, name, "county", "210681", "Long-enough-1")


@pytest.mark.parametrize("value", [None, 12345, ["210681"], {"a": 1}])
def test_wrong_types_in_login_are_refused_quietly(store, value):
    assert auth.login(store, value, value, False) == (None, "用户名或密码错误")
