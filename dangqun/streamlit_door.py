"""The one door into Streamlit's internals (written against Streamlit 1.67.0).

The server guards (dangqun.server_guard, dangqun.web_session), the multi-process supervisor and the bench
rely on parts of Streamlit that are not its public API: the runtime's sessions, its upload and media
stores, a private hash function, the paths of its own endpoints, a protobuf field, the test harness's
module globals. Any release may rename or move them without notice. So every such use is here and only
here (tests/test_streamlit_door.py reads the other modules to make sure), each one has a test in the fast
tier that fails when the installed Streamlit no longer has it as used here, and every reader raises
`Missing` when what it reads is not there, so that the guard using it refuses (README 启动方式与服务端守卫)
rather than letting everything through as if nothing were held.
"""
from __future__ import annotations

from collections.abc import Mapping

# Paths of Streamlit's own server (streamlit/web/server/starlette/starlette_routes.py), as the browser
# asks for them; behind server.baseUrlPath they carry a prefix, so the guards match their endings.
UPLOAD_PATH = "/_stcore/upload_file/"       # PUT /_stcore/upload_file/<session id>/<file id>
METRICS_PATH = "/_stcore/metrics"
STREAM_PATH = "/_stcore/stream"             # the page's websocket
HEALTH_PATH = "/_stcore/health"
MEDIA_PATH = "/media/"                      # images and downloads: /media/<file id>.<ext>
XSRF_COOKIE = "_streamlit_xsrf"             # a client sends it back as X-Xsrftoken (and as a subprotocol)

# the BackMsg field (of its oneof `type`) a browser sends to empty every cache of the process
CLEAR_CACHE = "clear_cache"


class Missing(RuntimeError):
    """A Streamlit internal this app relies on is not where it was: the installed Streamlit is not the one
    the door was written for. Whoever catches it refuses what it was about to allow."""


def _runtime():
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance()
    except (ImportError, AttributeError) as err:
        raise Missing(f"streamlit.runtime.Runtime.instance: {err}") from err


# ── sessions and uploads (the upload guard) ─────────────────────────────────────────────────────────

def session_state(session_id: str) -> Mapping | None:
    """The session state of the live session `session_id`; None when there is no such session."""
    runtime = _runtime()
    try:
        app_session = runtime.get_app_session(session_id)
        return None if app_session is None else app_session.session_state
    except AttributeError as err:
        raise Missing(f"Runtime.get_app_session(…).session_state: {err}") from err


def held_upload_bytes(session_id: str) -> int:
    """Bytes of the uploaded files the session `session_id` holds now. Streamlit keeps them in memory in
    `uploaded_file_mgr.file_storage` (session → file id → record with `.data`) and offers no count."""
    storage = getattr(_runtime().uploaded_file_mgr, "file_storage", None)
    if not isinstance(storage, Mapping):
        raise Missing("Runtime.uploaded_file_mgr.file_storage")
    files = dict(storage.get(session_id, {}))      # a copy in one step: uploads may change it meanwhile
    try:
        return sum(len(rec.data) for rec in files.values())
    except AttributeError as err:
        raise Missing(f"UploadedFileRec.data: {err}") from err


# ── media files (downloads bound to their session) ──────────────────────────────────────────────────

def media_file_id(data: bytes, mimetype: str, file_name: str) -> str:
    """The id (the name under /media/, less its extension) Streamlit will store a download under: its
    private `_calculate_file_id` of the same three."""
    try:
        from streamlit.runtime.memory_media_file_storage import _calculate_file_id
    except ImportError as err:
        raise Missing(f"streamlit.runtime.memory_media_file_storage._calculate_file_id: {err}") from err
    return _calculate_file_id(data, mimetype, file_name)


def is_download(name: str) -> bool:
    """Whether `name` (the last segment of a /media/ path) is a stored download (st.download_button),
    rather than an image or nothing at all."""
    try:
        from streamlit.runtime.media_file_storage import MediaFileKind

        manager = _runtime().media_file_mgr
        if not manager.can_read_files:
            raise Missing("media_file_mgr.can_read_files is false: another media storage is plugged in")
        media = manager.read_file(name)
        return media is not None and media.kind == MediaFileKind.DOWNLOADABLE
    except (ImportError, AttributeError) as err:
        raise Missing(f"Runtime.media_file_mgr.read_file(…).kind: {err}") from err


def keep_media_files(held) -> None:
    """Keep Streamlit from deleting a stored media file while `held(file_id)` is true.
    A download built on request (st.download_button given a function) is stored with no session referring
    to it, and the end of every script run of any session collects the files no session refers to (marks
    them, then deletes them at the next): on a busy server, with officials' runs ending every second, the
    file was gone before the browser's GET for it came (HTTP 404 in the load bench, README 多个进程). Once
    per process; a second call replaces `held`."""
    try:
        from streamlit.runtime.media_file_manager import MediaFileManager

        inactive = MediaFileManager._get_inactive_file_ids
    except (ImportError, AttributeError) as err:
        raise Missing(f"streamlit.runtime.media_file_manager.MediaFileManager._get_inactive_file_ids: {err}") from err
    original = getattr(inactive, "streamlit_original", inactive)

    def kept_inactive(self) -> set[str]:
        return {file_id for file_id in original(self) if not held(file_id)}

    kept_inactive.streamlit_original = original
    MediaFileManager._get_inactive_file_ids = kept_inactive


# ── the websocket's messages ─────────────────────────────────────────────────────────────────────────

def clear_cache_known() -> bool:
    """Whether a BackMsg can still carry `clear_cache`: if the field was renamed, a check for the old
    name would let the new one through unseen."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    oneof = BackMsg.DESCRIPTOR.oneofs_by_name.get("type")
    return oneof is not None and CLEAR_CACHE in {f.name for f in oneof.fields}


def back_msg_type(data: bytes) -> str | None:
    """Which message of the websocket's BackMsg `data` is (e.g. CLEAR_CACHE); None when it is not one."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    back = BackMsg()
    try:
        back.ParseFromString(data)
    except Exception:       # not ours to judge: Streamlit closes the socket on it
        return None
    return back.WhichOneof("type")


# ── the bench: AppTests in threads ───────────────────────────────────────────────────────────────────

def run_apptests_in_threads() -> None:
    """Patch Streamlit's test harness, for the rest of the process, so several AppTests can run in threads
    of one process as sessions do in the server (the sessions bench, dangqun.bench.harness, which refuses
    any Streamlit but 1.67.0). Each run of `AppTest._run` (streamlit/testing/v1/app_test.py) does four
    things that hold for one session but not for several at once:

    1. Runtime slot: it puts a mock Runtime into the process-wide `Runtime._instance` and empties the slot
       afterwards, so a session finishing its run pulled the Runtime from under the others. Patch:
       `Runtime.instance`/`Runtime.exists` hand out the last mock seen while the slot is empty (all alike).
    2. Pages mode: it resets the class-wide `PagesManager.uses_pages_directory` before each run; a session
       whose script read the mode in the instant of another's reset ran app.py instead of its page
       ("Could not find page"). Patch: `app_test.PagesManager` is a stand-in that still constructs a
       PagesManager but takes the reset itself, so the mode stays fixed, as in the server.
    3. Script cache: it compiles the scripts with a ScriptCache of its own per run, and CPython 3.11's
       parser is not safe to run in two threads at once. Patch: one shared ScriptCache (which compiles
       under a lock), as the server keeps.
    4. Config: it patches `streamlit.config.get_option` (global.appTest) for the duration of the run, so a
       session ending its run unpatched it under another one mid-script (its selectboxes then kept no
       format_func: "KeyError('$$ID-…-f_city')"). Patch: get_option patched once for the whole process
       and `app_test.patch_config_options` made a no-op.
    """
    import contextlib

    from streamlit import config
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, util

    # 4. config
    config.get_option = util.build_mock_config_get_option({"global.appTest": True})
    app_test.patch_config_options = lambda overrides: contextlib.nullcontext()

    # 2. pages mode
    class KeepPagesMode:
        """Stands for PagesManager in app_test: the per-run reset of the pages mode lands on this
        stand-in, while constructing still makes a PagesManager."""

        def __call__(self, *args, **kwargs):
            return PagesManager(*args, **kwargs)

    app_test.PagesManager = KeepPagesMode()
    # 3. script cache
    shared_cache = ScriptCache()
    app_test.ScriptCache = lambda: shared_cache
    # 1. runtime slot
    last = {}

    def instance(cls):
        if cls._instance is not None:
            last["runtime"] = cls._instance
            return cls._instance
        if "runtime" in last:
            return last["runtime"]
        raise RuntimeError("Runtime hasn't been created!")

    Runtime.instance = classmethod(instance)
    Runtime.exists = classmethod(lambda cls: cls._instance is not None or "runtime" in last)
