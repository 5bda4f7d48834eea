"""Start the dashboard with `streamlit run serve.py` (README 部署与安全): app.py and pages/ behind two
middlewares. dangqun.server_guard keeps sessions that have not logged in as an administrator from
uploading, drops cache-clearing messages and hides /_stcore/metrics; dangqun.web_session sets and clears
the HttpOnly session cookie (a login survives F5) and serves a download only to the session that built it.
`streamlit run app.py` serves the same pages without either: do not serve it to anyone that way."""
import streamlit as st
from starlette.middleware import Middleware

from dangqun.server_guard import Guard
from dangqun.web_session import SessionCookies

app = st.App("app.py", middleware=[Middleware(Guard), Middleware(SessionCookies)])
