"""Shared fixtures. The demo database is built once per test session; open it read-only (demo_con), or
work on a copy (scratch_con, app_db). Its raw tables are loaded into pandas once (demo_raw), for the
independent reference computations in expected.py."""
from __future__ import annotations

import contextlib
import os

import pytest

# The two tiers (README, quick start): `make test` runs everything (what CI runs); `make test-fast`
# deselects the slow tests and keeps the unit and query tests, for the edit–test loop (under 30 s). A test
# is slow when it drives the app (a page test, the browser, the benchmark, every test_browser* module, or any test using AppTest through
# the open_page or app_db fixture: so a new page test is slow without anyone marking it), or when its
# module imports files through the whole importer, builds demo databases, runs the command line in
# subprocesses, hashes passwords (argon2 is slow on purpose), groups every demo month's request texts,
# stores a province's month of 预警 or builds a province's 通报, each taking seconds per test.
SLOW_MODULES = {
    "test_bench",                                                             # drives the app
    "test_ingest_cli", "test_ingest_files", "test_sample_import", "test_queries_import",
    "test_rollups", "test_import_edges", "test_mapping", "test_mapping_real",  # import files
    "test_hostile_workbooks",                                                 # import files, run the CLI
    "test_demo", "test_auth",                                                 # build databases, hash passwords
    "test_inbox", "test_login_race", "test_server_guard", "test_report_files",  # serve, render
    "test_backup", "test_publish", "test_upgrade", "test_inbox_hostile",      # run the CLI, publish versions
    "test_sandbox_reader", "test_mapping_lookup_hostile", "test_forged_selections", "test_fuzz_corpus",
    "test_load_downloads",                                                    # serves the app
    "test_topics", "test_demo_texts", "test_same_vintage", "test_report_alerts",   # every demo month's texts; 通报
    "test_alerts",            # stores whole province months (each rule's own tests, test_alert_*, stay fast)
}
APP_FIXTURES = {"open_page", "app_db"}


def is_slow(module: str, fixtures) -> bool:
    return module.startswith(("test_page_", "test_browser")) or module in SLOW_MODULES or bool(APP_FIXTURES & set(fixtures))


def pytest_ignore_collect(collection_path, config):
    # under `make test-fast` (-m "not slow") a module slow as a whole is not even imported
    if config.getoption("markexpr") == "not slow" and collection_path.suffix == ".py" \
            and is_slow(collection_path.stem, ()):
        return True
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_slow(item.path.stem, getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """Path of the default demo database (dangqun.demo.build), built once per session."""
    from dangqun import demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    demo.build(path)
    return path


@pytest.fixture(scope="session")
def app_db(demo_db, tmp_path_factory):
    """A copy of the demo database for the page tests (AppTest): the app opens its database
    read-write and caches the connection for the whole process, so it gets a file of its own and
    DANGQUN_DB points at it for the session."""
    import os
    import shutil

    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(demo_db, path)
    os.environ["DANGQUN_DB"] = str(path)
    return path


# The operational store's tests run on SQLite and on PostgreSQL (README 「两个存储」). PostgreSQL is the server
# .ci/run starts; where none answers, its cases are skipped with the reason, except where DANGQUN_REQUIRE_PG
# is set (CI), where they fail.
PG_URL = os.environ.get("DANGQUN_TEST_PG_URL", "postgresql+psycopg://dangqun:dangqun@127.0.0.1:5432/dangqun_test")


def _pg_or_skip():
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect():
            pass
        return engine
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no server here
        if os.environ.get("DANGQUN_REQUIRE_PG"):
            raise
        pytest.skip(f"没有可用的 PostgreSQL（{PG_URL}）：{type(exc).__name__}；CI 中由 .ci/run 启动")


@contextlib.contextmanager
def fresh_store(kind: str, folder):
    """A new, empty operational store: a SQLite file in `folder`, or a schema of its own in the test
    PostgreSQL database (dropped afterwards)."""
    import uuid

    import sqlalchemy as sa

    from dangqun import state

    if kind == "sqlite":
        url = f"sqlite:///{folder}/state.sqlite"
        store = state.Store(url)
        _no_users_file(store)
        yield store
        store.dispose()
        return
    engine = _pg_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"create schema {schema}"))
    store = state.Store(f"{PG_URL}?options=-csearch_path%3D{schema}")
    _no_users_file(store)
    try:
        yield store
    finally:
        store.dispose()
        with engine.begin() as conn:
            conn.execute(sa.text(f"drop schema {schema} cascade"))
        engine.dispose()


def _no_users_file(store) -> None:
    # DANGQUN_USERS names the demo accounts' file for the session's app (accounts_file): a test's own store
    # starts without an older release's accounts to take over
    from dangqun import auth

    store.set_meta(auth.USERS_FILE_KEY, "none (test store)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty operational store, once on SQLite and once on PostgreSQL."""
    with fresh_store(request.param, tmp_path) as s:
        yield s


def write_users_file(path, accounts) -> None:
    """An accounts file as an older release wrote it (config/users.toml): the upgrade path's input, and the
    way the tests hand accounts to a server they start, whose operational store takes the file over once."""
    import dataclasses

    def value(v):
        return ("true" if v else "false") if isinstance(v, bool) else '"' + str(v).replace('"', '\\"') + '"'

    lines = []
    for acc in accounts:
        lines.append(f'[users."{acc.name}"]')
        lines += [f"{f.name} = {value(getattr(acc, f.name))}" for f in dataclasses.fields(acc)
                  if f.name not in ("name", "must_change")]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def demo_account_list():
    from dangqun import auth

    return [auth.Account(name, display, role, region, auth._demo_hash(), demo=True)
            for name, display, role, region in auth.DEMO_ACCOUNTS]


@pytest.fixture(scope="session")
def accounts_file(tmp_path_factory):
    """An older release's accounts file holding the demo accounts (dangqun.auth.DEMO_ACCOUNTS, password
    auth.DEMO_PASSWORD); DANGQUN_USERS points at it for the session, so the operational store of the app and
    of `streamlit run` in the browser tests takes them over on first use (auth.import_users_file)."""
    path = tmp_path_factory.mktemp("accounts") / "users.toml"
    write_users_file(path, demo_account_list())
    os.environ["DANGQUN_USERS"] = str(path)
    return path


def log_in(at, user: str, password: str):
    """Fill the login form through its widget keys and submit it; returns the AppTest after the run."""
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click()
    return at.run()


@pytest.fixture()
def open_page(app_db, accounts_file):
    """open_page('app_pages/funds.py', county='210681') → an AppTest that has opened app.py with those URL
    parameters, logged in through the login form (the demo admin unless user= names another demo
    account) and then switched to the page (as an official arriving by a link would); tab= opens that
    tab of a page with tabs (registry.Page.tabs, by its Chinese label), as a click on it would."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dangqun import auth

    root = Path(__file__).resolve().parent.parent

    def _open(page: str = "app_pages/overview.py", user: str = "admin", tab: str | None = None, **query):
        at = AppTest.from_file(str(root / "app.py"), default_timeout=120)
        at.query_params.update({k: str(v) for k, v in query.items()})
        at.run()
        log_in(at, user, auth.DEMO_PASSWORD)
        if page != "app_pages/overview.py":       # the home page app.py opens at the root address
            at.switch_page(page).run()
        if tab is not None:
            from dangqun import registry

            assert tab in registry.by_file(page).tabs, tab
            at.session_state[registry.by_file(page).tab_key] = tab
            at.run()
        return at

    return _open


@pytest.fixture()
def offered(monkeypatch):
    """{name: make_frame} of the downloads the page offers (every CSV/XLSX button passes through
    widgets.downloads_lazy)."""
    from dangqun import ui
    from dangqun.ui import widgets

    seen = {}
    real = widgets.downloads_lazy

    def spy(make_frame, row_count, name, key, fr):
        seen[name] = make_frame
        return real(make_frame, row_count, name, key, fr)

    monkeypatch.setattr(widgets, "downloads_lazy", spy)
    monkeypatch.setattr(ui, "downloads_lazy", spy)
    return seen


@pytest.fixture
def page_con(app_db):
    """The published version the pages under test read (dangqun.ui.data.connection), for checking a page
    against the same computation on its own data: page tests import into app_db, so the demo's copies
    (demo_con, alerts_con) may differ from it by then."""
    from dangqun.ui import data

    return data.connection()


@pytest.fixture(scope="session")
def demo_con(demo_db):
    """A read-only connection to demo_db for the whole session (closed at its end): for running the
    queries under test and for independent SQL written in the tests. Never app_db, which a page test
    imports into."""
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def alerts_con(demo_db, tmp_path_factory):
    """A connection that may write, to a copy of demo_db, for the session: for the 预警 tests, since
    asking a month's alerts stores them (dangqun.alerts.ensure) and demo_con is read-only."""
    import shutil

    from dangqun import db

    path = tmp_path_factory.mktemp("alerts") / "alerts.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_raw(demo_con):
    """The demo's raw tables as pandas frames, loaded once per session: service_records (each record
    carrying its center's region_code), centers, funds, activities, regions and catalog. Shared by every
    test, so derive new frames from them (filter, assign, merge) and never change them in place."""
    raw = {t: demo_con.execute(f"select * from {t}").df()
           for t in ("service_records", "centers", "funds", "activities", "regions", "catalog")}
    raw["service_records"] = raw["service_records"].merge(raw["centers"][["center_id", "region_code"]],
                                                          on="center_id")
    return raw


class Published:
    """A private copy of demo_db as a server sees it: published (dangqun.publish), changed only through the
    importer. `con` is the current version, read-only (a new one after each import)."""

    def __init__(self, path):
        from dangqun import publish

        self.path = path
        self.readers = publish.Readers(path)
        publish.prepare(path)

    @property
    def con(self):
        return self.readers.get()

    def run_import(self, previews, **kwargs):
        from dangqun.views import data_import

        return data_import.run_import(previews, db_path=self.path, **kwargs)


@pytest.fixture()
def published(demo_db, tmp_path_factory, monkeypatch):
    """A Published copy of demo_db of the test's own, with its operational store beside it."""
    import shutil

    monkeypatch.delenv("DANGQUN_STATE_URL", raising=False)
    path = tmp_path_factory.mktemp("published") / "copy.duckdb"
    shutil.copy(demo_db, path)
    return Published(path)


@pytest.fixture()
def scratch_con(demo_db, tmp_path_factory):
    """A read-write connection (dangqun.db.connect) to a private copy of demo_db, for a test that changes
    data; closed after the test. The copy lives in a directory of its own, not in the test's tmp_path."""
    import shutil

    from dangqun import db

    path = tmp_path_factory.mktemp("scratch") / "copy.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    yield con
    con.close()


@pytest.fixture(scope="session")
def empty_village(demo_con):
    """(village, its town, its county) of the first village with centers but no records on 2022-01-01..03
    (the New Year holiday)."""
    return demo_con.execute("""
        select c.region_code, any_value(r.parent_code) as town, any_value(t.parent_code) as county
        from centers c
        join regions r on r.region_code = c.region_code and r.level = '村社区'
        join regions t on t.region_code = r.parent_code
        group by c.region_code
        having not exists (select 1 from service_records s join centers c2 using (center_id)
                           where c2.region_code = c.region_code
                             and s.received_at >= '2022-01-01' and s.received_at < '2022-01-04')
        order by c.region_code limit 1""").fetchone()


@pytest.fixture(scope="session")
def hostile_workbooks(tmp_path_factory):
    """name → (path, expected refusal) for the hostile workbooks of tests/hostile_files.py, written
    once per session (the zip bomb takes a few seconds)."""
    from tests.hostile_files import HOSTILE

    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, (write, message) in HOSTILE.items():
        out[name] = (write(folder / f"{name}.xlsx"), message)
    return out
