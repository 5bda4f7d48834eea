"""Start the dashboard with `streamlit run serve.py` (README 部署与安全): app.py and pages/ behind
dangqun.server_guard, which keeps sessions that have not logged in as an administrator from
uploading, drops cache-clearing messages and hides /_stcore/metrics. `streamlit run app.py` serves
the same pages without that gate. At start-up the database is opened, and with it the inbox thread
(dangqun.inbox), so files dropped into the inbox are imported before anyone opens a page."""
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from dangqun.server_guard import Guard


@asynccontextmanager
async def _lifespan(app):
    from dangqun.ui.data import connection

    connection()
    yield


app = st.App("app.py", middleware=[Middleware(Guard)], lifespan=_lifespan)
