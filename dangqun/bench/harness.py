"""The bench's one door into Streamlit: it drives the pages through Streamlit's test harness (AppTest), as
the page tests do, and for the sessions bench it has that harness patched so several AppTests can run in
threads of one process (dangqun.streamlit_door.run_apptests_in_threads, which says what each patch is for).
No other module of dangqun/bench imports Streamlit's harness (tests/test_inventory.py).

The patches rely on internals of Streamlit 1.67.0 (streamlit/testing/v1/app_test.py, `AppTest._run`),
so importing this module with any other version raises at once instead of timing something else
(or failing in a thread, mid-run, with an error that names none of this). On a new Streamlit, read
`AppTest._run` again, check each patch still has its reason, then raise STREAMLIT_VERSION.

Only the sessions bench runs AppTests in threads; the pages bench uses the harness unpatched.
"""
from __future__ import annotations

import streamlit

from dangqun import streamlit_door
from dangqun import registry
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
    if page != registry.home().file:
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
    """Patch the test harness for AppTests in threads, for the rest of the process."""
    streamlit_door.run_apptests_in_threads()
