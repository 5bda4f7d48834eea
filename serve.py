"""Start the dashboard with `streamlit run serve.py` (README 部署与安全): app.py and app_pages/ behind two
middlewares. dangqun.server_guard keeps sessions that have not logged in as an administrator from
uploading, drops cache-clearing messages and hides /_stcore/metrics; dangqun.web_session sets and clears
the HttpOnly session cookie (a login survives F5) and serves a download only to the session that built it.
`streamlit run app.py` serves the same pages without either: do not serve it to anyone that way.
At start-up the database is opened, and with it the inbox thread (dangqun.inbox), so files dropped into
the inbox are imported before anyone opens a page; uploads left by an earlier run are swept; the pages'
modules and the shipped boundaries are loaded before the process answers its health check."""
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from dangqun import streamlit_door, web_session
from dangqun.server_guard import Guard
from dangqun.web_session import SessionCookies

# a download built on request stays stored while its session may fetch it (web_session.DOWNLOAD_TTL), however
# many other officials' runs end meanwhile
streamlit_door.keep_media_files(web_session.held)



@asynccontextmanager
async def _lifespan(app):
    from dangqun.ui.data import connection
    from dangqun import uploads

    connection()
    uploads.sweep()            # uploads an earlier run left behind (a crash, a kill): at start-up
    uploads.start_sweeper()
    _warm_up()
    yield


def _warm_up() -> None:
    """What a process would otherwise do during its first officials' runs, about 2.5 s of CPU: import the
    pages' chart and view modules and parse the shipped boundaries (the 地图's). Done at start-up, before the
    process answers its health check, so behind `dangqun serve` the proxy sends nobody to a process, started
    or restarted, until it is ready."""
    import importlib
    import pkgutil

    from dangqun import boundaries, charts, views

    for package in (charts, views):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    for level in boundaries.PACKAGE_FILES:
        boundaries.package_codes(level)


app = st.App("app.py", middleware=[Middleware(Guard), Middleware(SessionCookies)], lifespan=_lifespan)
