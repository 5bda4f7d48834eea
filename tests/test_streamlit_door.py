"""Streamlit's internals the app relies on, all behind dangqun.streamlit_door (README 启动方式与服务端守卫): each
one checked against the installed Streamlit, without a server (a real Runtime built the way st.App builds it,
started in the test's event loop, with a session connected to it); each guard refusing when what it reads is
not there; and no other module reaching past the door."""
from __future__ import annotations

import ast
import asyncio
import datetime as dt
import re
from pathlib import Path

import pytest

from dangqun import auth, server_guard, streamlit_door as door, web_session

ROOT = Path(__file__).resolve().parents[1]
ADMIN = auth.Account("admin", "管理员", "admin", "210000000000", "")
COUNTY = auth.Account("donggang", "东港市", "county", "210681000000", "")


class Client:
    """What a websocket connection is to the Runtime: it takes the messages of its session."""

    def write_forward_msg(self, msg):
        pass


def with_runtime(test):
    """Run `test(runtime, session_id)` against the Runtime st.App builds for serve.py, started in an event
    loop of its own, with one session connected; the Runtime is taken down afterwards."""
    import streamlit as st
    from streamlit.runtime import Runtime

    async def main():
        runtime = st.App(str(ROOT / "app.py"))._create_runtime()
        await runtime.start()
        try:
            sid = runtime.connect_session(Client(), user_info={"email": None}, existing_session_id=None)
            result = test(runtime, sid)
            if asyncio.iscoroutine(result):
                result = await result
            return result
        finally:
            runtime.stop()
            await runtime.stopped
            Runtime._instance = None

    return asyncio.run(main())


def log_in(runtime, sid, account, seen=None):
    runtime.get_app_session(sid).session_state[server_guard.SESSION_KEY] = {
        "account": account, "seen": seen or auth.now()}


async def put(app, path, length: int | None = 10):
    """One PUT through `app`, the answer's status and text."""
    headers = [] if length is None else [(b"content-length", str(length).encode())]
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app({"type": "http", "method": "PUT", "path": path, "headers": headers}, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body.decode("utf-8")


async def reached_streamlit(scope, receive, send):
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


# ── each internal, as the door uses it ──

def test_the_paths_are_streamlits_own_routes():
    from streamlit.web.server.starlette import starlette_routes as routes, starlette_server_config, starlette_websocket

    assert door.UPLOAD_PATH == f"/{routes.BASE_ROUTE_UPLOAD_FILE}/" == "/_stcore/upload_file/"
    assert door.METRICS_PATH == f"/{routes.ROUTE_METRICS}" == "/_stcore/metrics"
    assert door.HEALTH_PATH == f"/{routes.ROUTE_HEALTH}" == "/_stcore/health"
    assert door.STREAM_PATH == f"/{starlette_websocket._ROUTE_WEBSOCKET_STREAM}" == "/_stcore/stream"
    assert door.MEDIA_PATH == f"/{routes.BASE_ROUTE_MEDIA}/" == "/media/"
    assert door.XSRF_COOKIE == starlette_server_config.XSRF_COOKIE_NAME == "_streamlit_xsrf"


def test_the_session_state_of_a_live_session_and_none_for_another():
    def test(runtime, sid):
        runtime.get_app_session(sid).session_state["probe"] = 42
        return door.session_state(sid)["probe"], door.session_state("no-such-session")

    assert with_runtime(test) == (42, None)


def test_the_bytes_a_session_holds_are_read_from_the_upload_store():
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    def test(runtime, sid):
        manager = runtime.uploaded_file_mgr
        manager.add_file(sid, UploadedFileRec("f1", "a.csv", "text/csv", b"abc"))
        manager.add_file(sid, UploadedFileRec("f2", "b.csv", "text/csv", b"12345"))
        manager.add_file("other", UploadedFileRec("f3", "c.csv", "text/csv", b"x" * 100))
        held = door.held_upload_bytes(sid), door.held_upload_bytes("other"), door.held_upload_bytes("none")
        manager.remove_file(sid, "f1")
        return *held, door.held_upload_bytes(sid)

    assert with_runtime(test) == (8, 100, 0, 5)


def test_a_download_is_stored_under_the_id_the_door_computes_and_known_as_a_download():
    data = "序号,名称\r\n1,东港市\r\n".encode("utf-8-sig")

    def test(runtime, sid):
        manager = runtime.media_file_mgr
        # as a download button built on click does: a deferred callable, run when the browser asks
        placeholder = manager.add_deferred(lambda: data, "text/csv", "1.(2)", "汇总.csv")
        url = manager.execute_deferred(placeholder)
        image = manager.add(b"\x89PNG....", "image/png", "1.(3)")
        name = url.rsplit("/", 1)[-1]
        return (url, door.media_file_id(data, "text/csv", "汇总.csv") + ".csv", door.is_download(name),
                door.is_download(image.rsplit("/", 1)[-1]), door.is_download("0" * 56 + ".csv"))

    url, expected, download, image, nothing = with_runtime(test)
    assert url == door.MEDIA_PATH + expected
    assert (download, image, nothing) == (True, False, False)


def test_a_download_built_on_request_survives_other_sessions_runs_while_held():
    """Streamlit collects unreferenced media files at the end of every run (marks, then deletes): a download
    built on request is referenced by no session, so two runs of other officials deleted it. Kept while held."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    data = "序号,名称\r\n1,东港市\r\n".encode("utf-8-sig")
    original = MediaFileManager._get_inactive_file_ids
    held: set[str] = set()

    def test(runtime, sid):
        manager = runtime.media_file_mgr
        names = []
        for i in range(2):
            url = manager.execute_deferred(manager.add_deferred(lambda i=i: data * (i + 1), "text/csv", f"1.({i})",
                                                                "汇总.csv"))
            names.append(url.rsplit("/", 1)[-1])
        held.add(names[1].split(".")[0])
        for _ in range(3):                     # three other runs end
            manager.remove_orphaned_files()
        return [door.is_download(name) for name in names]

    try:
        door.keep_media_files(held.__contains__)
        # the first is held by nobody: gone, as Streamlit does; the second is kept while held
        assert with_runtime(test) == [False, True]
    finally:
        MediaFileManager._get_inactive_file_ids = original


def test_keeping_media_files_needs_streamlit_s_collector(monkeypatch):
    from streamlit.runtime.media_file_manager import MediaFileManager

    monkeypatch.delattr(MediaFileManager, "_get_inactive_file_ids")
    with pytest.raises(door.Missing):
        door.keep_media_files(lambda file_id: True)


def test_clear_cache_is_a_message_of_the_websocket():
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from dangqun.bench.stclient import clear_cache_msg

    rerun = BackMsg()
    rerun.rerun_script.query_string = ""
    assert door.clear_cache_known()
    assert door.back_msg_type(clear_cache_msg().SerializeToString()) == door.CLEAR_CACHE == "clear_cache"
    assert door.back_msg_type(rerun.SerializeToString()) == "rerun_script"
    assert door.back_msg_type(b"\xff\xff not a message") is None


# ── the guards over a real runtime, and refusing when what they read is not there ──

def test_the_upload_guard_over_a_live_session():
    guard = server_guard.Guard(reached_streamlit)

    async def test(runtime, sid):
        path = f"{door.UPLOAD_PATH}{sid}/file1"
        anonymous = await put(guard, path)
        log_in(runtime, sid, COUNTY)
        county = await put(guard, path)
        log_in(runtime, sid, ADMIN, seen=auth.now() - auth.IDLE_TIME - dt.timedelta(seconds=1))
        idle = await put(guard, path)
        log_in(runtime, sid, ADMIN)
        return anonymous, county, idle, await put(guard, path), await put(guard, path, None)

    refused = (403, server_guard.NOT_LOGGED_IN)
    assert with_runtime(test) == (refused, refused, refused, (204, ""), (411, server_guard.NO_LENGTH))


@pytest.mark.parametrize("broken, named", [("file_storage", "uploaded_file_mgr.file_storage"),
                                           ("session_state", "session_state"),
                                           ("get_app_session", "Runtime.get_app_session")])
def test_an_upload_is_refused_when_the_guard_cannot_see_what_it_checks(monkeypatch, broken, named):
    """The runtime of another Streamlit, with one internal the guard reads gone: an administrator's
    upload is refused with the reason in Chinese, and the door names what is missing."""
    from types import SimpleNamespace

    guard = server_guard.Guard(reached_streamlit)

    async def test(runtime, sid):
        log_in(runtime, sid, ADMIN)
        moved = {"file_storage": SimpleNamespace(get_app_session=runtime.get_app_session, uploaded_file_mgr=object()),
                 "session_state": SimpleNamespace(get_app_session=lambda session_id: object()),
                 "get_app_session": SimpleNamespace()}[broken]
        monkeypatch.setattr(door, "_runtime", lambda: moved)
        with pytest.raises(door.Missing, match=named):
            door.held_upload_bytes(sid) if broken == "file_storage" else door.session_state(sid)
        return await put(guard, f"{door.UPLOAD_PATH}{sid}/file1")

    assert with_runtime(test) == (503, "服务器无法核对本次上传（看板与所装的 Streamlit 版本不符），上传已拒绝，请联系运维人员")


def test_the_websocket_is_refused_when_clear_cache_cannot_be_recognised(monkeypatch):
    """A renamed field would let the new clear_cache through a check for the old name: no websocket."""
    monkeypatch.setattr(door, "CLEAR_CACHE", "clear_caches")
    assert not door.clear_cache_known()
    reached, sent = [], []
    incoming = [{"type": "websocket.connect"}]

    async def streamlit(scope, receive, send):
        reached.append(scope)

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    asyncio.run(server_guard.Guard(streamlit)({"type": "websocket", "path": door.STREAM_PATH}, receive, send))
    assert (reached, sent) == ([], [{"type": "websocket.close", "code": 1011}])


def test_downloads_are_served_to_their_session_only_and_to_nobody_when_unreadable(monkeypatch):
    data = b"a,b\r\n1,2\r\n"
    token = "token-of-session-a"
    cookies = web_session.SessionCookies(reached_streamlit)

    async def get(path, token=None):
        headers = [(b"cookie", f"{web_session.COOKIE}={token}".encode())] if token else []
        sent = []

        async def send(message):
            sent.append(message)

        await cookies({"type": "http", "method": "GET", "path": path, "headers": headers}, None, send)
        return sent[0]["status"]

    async def test(runtime, sid):
        web_session.expect_download(web_session._sid(token), data, "text/csv", "x.csv")
        url = runtime.media_file_mgr.execute_deferred(
            runtime.media_file_mgr.add_deferred(lambda: data, "text/csv", "1.(2)", "x.csv"))
        image = runtime.media_file_mgr.add(b"\x89PNG....", "image/png", "1.(3)")
        served = await get(url, token), await get(url, "token-of-session-b"), await get(url), await get(image)
        monkeypatch.setattr(type(runtime.media_file_mgr), "can_read_files", property(lambda self: False))
        return served, await get(url, token), await get(image)

    assert with_runtime(test) == ((204, 404, 404, 204), 404, 404)


def test_the_file_id_is_missing_when_streamlit_no_longer_has_its_hash(monkeypatch):
    from streamlit.runtime import memory_media_file_storage

    monkeypatch.delattr(memory_media_file_storage, "_calculate_file_id")
    with pytest.raises(door.Missing, match="_calculate_file_id"):
        web_session.expect_download("sid", b"x", "text/csv", "x.csv")


# ── nobody else reaches past the door ──

INTERNAL_MODULES = re.compile(r"^streamlit\.(runtime|web)(\.|$)")


def reaches_past_the_door(path: Path) -> list[str]:
    """What the module at `path` takes from Streamlit's internals itself: an import of streamlit.runtime or
    streamlit.web, a name starting with _ imported from Streamlit, or a path or cookie of Streamlit's own
    server written out (in code, not in a docstring)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if INTERNAL_MODULES.match(a.name)]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            if INTERNAL_MODULES.match(node.module):
                found.append(node.module)
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and ("_stcore/" in node.value or "_streamlit_xsrf" in node.value):
            found.append(node.value)
    return found


def app_modules(root: Path = ROOT) -> list[Path]:
    return sorted([*(root / "dangqun").rglob("*.py"), *(root / "app_pages").glob("*.py"),
                   *[root / name for name in ("app.py", "serve.py") if (root / name).exists()]])


def test_no_module_but_the_door_reaches_streamlits_internals():
    offenders = {p.relative_to(ROOT).as_posix(): reaches_past_the_door(p) for p in app_modules()}
    door_path = "dangqun/streamlit_door.py"
    assert offenders.pop(door_path), "the door itself holds them"
    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_door_rule_reports_each_way_past_it(tmp_path):
    sources = {
        "dangqun/a.py": "from streamlit.runtime import Runtime\n",
        "dangqun/b.py": "import streamlit.web.server\n",
        "dangqun/c.py": "from streamlit.runtime.memory_media_file_storage import _calculate_file_id\n",
        "dangqun/d.py": "from streamlit.elements import _private\n",
        "app_pages/e.py": 'URL = "http://host/_stcore/health"\n',
        "dangqun/fine.py": '"""Mentions /_stcore/health in words."""\nimport streamlit as st\nfrom streamlit import config\n',
    }
    for path, text in sources.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    found = {p.relative_to(tmp_path).as_posix(): reaches_past_the_door(p) for p in app_modules(tmp_path)}
    assert found == {
        "dangqun/a.py": ["streamlit.runtime"],
        "dangqun/b.py": ["streamlit.web.server"],
        "dangqun/c.py": ["streamlit.runtime.memory_media_file_storage",
                         "streamlit.runtime.memory_media_file_storage._calculate_file_id"],
        "dangqun/d.py": ["streamlit.elements._private"],
        "dangqun/fine.py": [],
        "app_pages/e.py": ["http://host/_stcore/health"],
    }


def test_every_element_the_stylesheet_restyles_exists_in_this_streamlit():
    """dangqun/ui/streamlit.css names Streamlit's elements by data-testid, which Streamlit may rename: a rule
    on a name its frontend no longer has does nothing, silently (two such rules were found this way). Each
    name must be in the installed Streamlit's frontend code."""
    import re

    import streamlit

    css = (ROOT / "dangqun" / "ui" / "streamlit.css").read_text(encoding="utf-8")
    names = set(re.findall(r'data-testid="?([A-Za-z]+)"?', css))
    assert len(names) > 10
    bundle = "".join(p.read_text(encoding="utf-8", errors="ignore")
                     for p in (Path(streamlit.__file__).parent / "static").rglob("*.js"))
    missing = sorted(n for n in names if not re.search(f"[`\"']{n}[`\"']", bundle))
    assert missing == []


def test_the_agent_api_stays_off():
    """Streamlit's agent API would drive the app over HTTP beside the guarded websocket: off in the served
    configuration, by name, and the option still exists (a rename would leave the line doing nothing)."""
    import tomllib

    from streamlit import config

    served = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert served["server"]["enableAgentApi"] is False
    assert config.get_option("server.enableAgentApi") is False      # raises if Streamlit renamed it


def test_no_full_garbage_collection_after_every_run():
    """Streamlit's runner.postScriptGC collects the whole heap after each script run: with a province's
    cached frames in it, a busy server spent a fifth of its CPU there (README 多个进程). Off, by name, and
    the option still exists."""
    import tomllib

    from streamlit import config

    served = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert served["runner"]["postScriptGC"] is False
    assert config.get_option("runner.postScriptGC") is False      # raises if Streamlit renamed it
