"""Start the dashboard with `streamlit run serve.py` (README 部署与安全): app.py and pages/ behind
dangqun.web_session, which sets and clears the HttpOnly session cookie (a login survives F5) and serves
a download only to the session that built it. `streamlit run app.py` serves the same pages without it:
logins then end with the browser tab, and download URLs are not bound to a session."""
import streamlit as st
from starlette.middleware import Middleware

from dangqun.web_session import SessionCookies

app = st.App("app.py", middleware=[Middleware(SessionCookies)])
