"""The served app's own endpoints (README 启动方式与服务端守卫), probed with a plain HTTP and websocket
client on 127.0.0.1 against `streamlit run serve.py`: uploads only from a session logged in as an
administrator and within a cap per session, no cache-clearing from any client, no /_stcore/metrics,
and database files (the file, its write-ahead log) readable by their owner only."""
from __future__ import annotations

import asyncio
import os
import shutil
import stat

import pytest
import requests

from dangqun import auth, cli, db, demo, server_guard

from dangqun.bench.stclient import Served, clear_cache_msg

MB = 1024 * 1024


@pytest.fixture(scope="module")
def served(demo_db, accounts_file, tmp_path_factory):
    """The app served with a cap of 1 MB a file (so 2 MB a session), over a copy of the demo database
    left readable by everyone (0644), as an earlier version created it."""
    folder = tmp_path_factory.mktemp("guard")
    path = folder / "guard.duckdb"
    shutil.copy(demo_db, path)
    path.chmod(0o644)
    srv = Served(path, folder / "streamlit.log", "--server.maxUploadSize", "1")
    yield srv
    srv.stop()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ── uploads ──

def test_a_session_that_has_not_logged_in_cannot_upload(served):
    anonymous = served.session()
    r = anonymous.upload(b"a,b\n1,2\n" * 60_000)             # 480 KB, within the file cap
    assert (r.status_code, r.text) == (403, "请先以管理员身份登录后再上传文件")


def test_an_official_who_is_not_an_administrator_cannot_upload(served):
    county = served.logged_in("donggang", auth.DEMO_PASSWORD)
    r = county.upload(b"a,b\n1,2\n" * 1000)
    assert (r.status_code, r.text) == (403, "请先以管理员身份登录后再上传文件")


def test_an_administrator_session_holds_at_most_two_files_worth(served):
    admin = served.logged_in("admin", auth.DEMO_PASSWORD)
    assert [admin.upload(b"x" * (9 * MB // 10)).status_code for _ in range(2)] == [204, 204]
    r = admin.upload(b"x" * (MB // 2))
    assert (r.status_code, r.text) == (413, "本次会话上传的文件合计不能超过 2 MB，请先移除已上传的文件")
    other = served.logged_in("admin", auth.DEMO_PASSWORD)      # the cap is per session
    assert other.upload(b"x" * (MB // 2)).status_code == 204
    assert other.upload(b"x" * (MB + MB // 10)).status_code == 413    # one file over server.maxUploadSize


def test_parallel_uploads_cannot_all_pass_the_session_cap(served):
    from concurrent.futures import ThreadPoolExecutor

    admin = served.logged_in("admin", auth.DEMO_PASSWORD)
    with ThreadPoolExecutor(6) as pool:
        codes = sorted(pool.map(lambda _: admin.upload(b"x" * (9 * MB // 10)).status_code, range(6)))
    assert codes == [204, 204, 413, 413, 413, 413]


def test_an_upload_without_its_length_is_refused(served):
    admin = served.logged_in("admin", auth.DEMO_PASSWORD)
    r = admin.http.put(f"{served.url}/_stcore/upload_file/{admin.session_id}/chunked",
                       data=iter([b"a,b\n", b"1,2\n"]), headers={"X-Xsrftoken": admin.xsrf}, timeout=30)
    assert (r.status_code, r.text) == (411, "上传请求缺少文件大小（Content-Length）")


# ── cache control and metrics ──

def test_clear_cache_from_a_client_is_dropped(served):
    """Streamlit's handler of clear_cache empties every cache of the process and the sender's own
    session state: a logged-in session that sent it and is still logged in shows it never arrived."""
    admin = served.logged_in("admin", auth.DEMO_PASSWORD)
    admin.send(clear_cache_msg())
    admin.rerun()
    assert "logout" in admin.widgets_seen and "login_user" not in admin.widgets_seen


def test_the_guard_drops_clear_cache_from_anyone_before_streamlit_reads_it():
    from streamlit.proto.BackMsg_pb2 import BackMsg

    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    incoming = [{"type": "websocket.connect"},
                {"type": "websocket.receive", "bytes": clear_cache_msg().SerializeToString()},
                {"type": "websocket.receive", "bytes": rerun.SerializeToString()},
                {"type": "websocket.disconnect", "code": 1000}]
    reached = []

    async def streamlit(scope, receive, send):
        while True:
            reached.append(await receive())
            if reached[-1]["type"] == "websocket.disconnect":
                return

    async def receive():
        return incoming.pop(0)

    asyncio.run(server_guard.Guard(streamlit)({"type": "websocket", "path": "/_stcore/stream"}, receive, None))
    assert [m["type"] for m in reached] == ["websocket.connect", "websocket.receive", "websocket.disconnect"]
    assert reached[1]["bytes"] == rerun.SerializeToString()


@pytest.mark.parametrize("query", ["", "?families=cache_memory_bytes", "?families=cache_lookups"])
def test_metrics_are_not_served(served, query):
    served.logged_in("admin", auth.DEMO_PASSWORD)                 # caches exist
    r = requests.get(f"{served.url}/_stcore/metrics{query}", timeout=10)
    assert r.status_code == 404 and "dangqun" not in r.text and "cache" not in r.text


def test_the_session_key_is_the_one_the_app_logs_in_with():
    from dangqun import ui

    assert server_guard.SESSION_KEY == ui.SESSION


# ── file permissions ──

def test_the_served_stores_are_owner_only(served):
    from dangqun import publish

    served.logged_in("admin", auth.DEMO_PASSWORD)                 # writes audit rows: the store's log exists
    state_file = served.db_path.with_name(served.db_path.stem + ".state.sqlite")
    version = publish.current(served.db_path)
    assert os.path.exists(f"{state_file}-wal")
    assert (mode(served.db_path), mode(version), mode(version.parent), mode(state_file), mode(f"{state_file}-wal")) \
        == (0o600, 0o600, 0o700, 0o600, 0o600)


@pytest.fixture()
def usual_umask():
    """The umask of an operator's shell (022) for the test, whatever an earlier test left."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_and_its_log_are_owner_only(tmp_path, usual_umask):
    path = tmp_path / "data" / "new.duckdb"
    con = db.connect(path)
    con.execute("checkpoint")
    con.execute("insert into meta values ('x', 'y')")            # a write after a checkpoint: a new log
    assert (mode(path), mode(f"{path}.wal"), mode(path.parent)) == (0o600, 0o600, 0o700)
    con.close()


def test_an_existing_database_is_made_owner_only_when_opened(tmp_path, demo_db, usual_umask):
    path = tmp_path / "old.duckdb"
    shutil.copy(demo_db, path)
    path.chmod(0o664)
    db.connect(path).close()
    assert mode(path) == 0o600


def test_the_demo_build_and_init_write_owner_only_files(tmp_path, usual_umask):
    demo.build(tmp_path / "demo.duckdb", records=2000)
    assert mode(tmp_path / "demo.duckdb") == 0o600
    os.umask(0o022)
    assert cli.main(["init", "--db", str(tmp_path / "real.duckdb")]) == 0
    assert mode(tmp_path / "real.duckdb") == 0o600
