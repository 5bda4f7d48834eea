"""The bench's one door into Streamlit: it drives the pages through Streamlit's test harness (AppTest), as
the page tests do, and for the sessions bench it patches that harness so several AppTests can run in
threads of one process. No other module of dangqun/bench imports Streamlit (tests/test_inventory.py).

The patches rely on internals of Streamlit 1.67.0 (streamlit/testing/v1/app_test.py, `AppTest._run`),
so importing this module with any other version raises at once instead of timing something else
(or failing in a thread, mid-run, with an error that names none of this). On a new Streamlit, read
`AppTest._run` again, check each patch below still has its reason, then raise STREAMLIT_VERSION.

What each run of `AppTest._run` does that holds for one session but not for several at once, and the
patch (run_in_threads) that makes it behave as the server does:

1. Runtime slot: it puts a mock Runtime into the process-wide `Runtime._instance` and empties the slot
   afterwards, so a session finishing its run pulled the Runtime from under the others. Patch:
   `Runtime.instance`/`Runtime.exists` hand out the last mock seen while the slot is empty (all alike).
2. Pages mode: it resets the class-wide `PagesManager.uses_pages_directory` before each run; a session
   whose script read the mode in the instant of another's reset ran app.py instead of its page
   ("Could not find page"). Patch: `app_test.PagesManager` is a stand-in that still constructs a
   PagesManager but takes the reset itself, so the mode stays fixed, as in the server.
3. Script cache: it compiles the scripts with a ScriptCache of its own per run, and CPython 3.11's parser
   is not safe to run in two threads at once. Patch: one shared ScriptCache (which compiles under a
   lock), as the server keeps.
4. Config: it patches `streamlit.config.get_option` (global.appTest) for the duration of the run, so a
   session ending its run unpatched it under another one mid-script (its selectboxes then kept no
   format_func: "KeyError('$$ID-…-f_city')"). Patch: get_option patched once for the whole process and
   `app_test.patch_config_options` made a no-op.

Only the sessions bench runs AppTests in threads; the pages bench uses the harness unpatched.
"""
from __future__ import annotations

import streamlit

from dangqun.registry import ROOT

STREAMLIT_VERSION = "1.67.0"


def require_streamlit_version(installed: str | None = None) -> None:
    installed = installed or streamlit.__version__
    if installed != STREAMLIT_VERSION:
        raise RuntimeError(
            f"基准测试的 Streamlit 测试框架补丁只适用于 Streamlit {STREAMLIT_VERSION}，当前安装的是 {installed}："
            f"请按 dangqun/bench/harness.py 的说明逐条核对后再更新 STREAMLIT_VERSION / the bench's test-harness "
            f"patches rely on Streamlit {STREAMLIT_VERSION} internals, installed is {installed}")


require_streamlit_version()


def clear_caches(data: bool = True, resources: bool = False) -> None:
    """Empty st.cache_data (every timed run starts from the database) and, once per bench, st.cache_resource
    (the app's connection, so it opens the bench's database)."""
    if resources:
        streamlit.cache_resource.clear()
    if data:
        streamlit.cache_data.clear()


def _login(at) -> None:
    """Sign in as the demo administrator through the login form, as tests/conftest.py log_in does."""
    from dangqun import auth

    at.text_input(key="login_user").input("admin")
    at.text_input(key="login_password").input(auth.DEMO_PASSWORD)
    at.button(key="login_submit").click()
    at.run()
    if any(w.key == "login_user" for w in at.text_input):
        # e.g. locked after failed logins: timing the login form would measure nothing
        shown = [e.value for e in at.error] + [e.value for e in at.info]
        raise RuntimeError(f"演示管理员登录失败 / demo admin login failed: {shown}")


def open_app(page: str):
    """An AppTest signed in and showing `page` (province-wide), as an official arriving there."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    _login(at)
    if page != "app.py":
        at.switch_page(page).run()
    return at


def choose(at, key: str | None, value: str | None) -> None:
    """Set the sidebar selectbox `key` to `value` for the next run (no key: the step changes nothing)."""
    if key:
        at.selectbox(key=key).set_value(value)


def errors(at) -> list[str]:
    """The exceptions the last run showed."""
    return [e.message for e in at.exception]


def figure_kb(at) -> float:
    """The largest Plotly figure JSON the last run sent, in KB."""
    sizes = [len(el.proto.spec.encode("utf-8")) for el in at.get("plotly_chart")]
    return max(sizes, default=0) / 1024


def run_in_threads() -> None:
    """Patches 1–4 of the module docstring, for the rest of the process."""
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
