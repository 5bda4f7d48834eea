"""党群服务数据看板: the library behind the dashboard (runs without Streamlit, except `ui`)."""
