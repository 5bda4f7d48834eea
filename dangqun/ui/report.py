"""The 通报 page's part of the drawing package: the audit row of each report shown and the Word / PDF
download buttons, whose files are built (and logged) only when the official clicks."""
from __future__ import annotations

import streamlit as st

from dangqun import audit, gbt9704, sessions, web_session
from dangqun.i18n import t
from dangqun.ui.data import account, session_id, state

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def audit_shown(report) -> None:
    """One 生成通报 row each time another report is shown (region, period or comparison changed)."""
    key = (report.region, report.period.code, report.compare)
    if st.session_state.get("_audited_report") != key:
        st.session_state["_audited_report"] = key
        audit.record(state(), account().name, "report", target=f"{report.region} {report.period.code}",
                     detail=f"页面 · {report.compare}")


def report_downloads(report, lang: str) -> None:
    """下载 Word / 下载 PDF. As every download (sessions.logged_download): built on click only while
    the login session that drew the buttons is live, audited, and fetchable by that session alone
    (web_session)."""
    con, user, sid = state(), account().name, session_id()
    target = f"{report.region} {report.period.code}"

    def build(fmt, mime, file_name):
        def _bytes() -> bytes:
            if not sessions.live(con, sid):
                audit.record(con, user, "report", target=target, detail=fmt, result="refused")
                raise sessions.SessionEnded("会话已结束，请重新登录后再下载")
            sessions.touch(con, sid)
            data = gbt9704.render(report, fmt)
            audit.record(con, user, "report", target=target, detail=f"{fmt} · {len(data)} 字节")
            return web_session.expect_download(sid, data, mime, file_name)
        return _bytes

    docx, pdf = f"{report.file_stem}.docx", f"{report.file_stem}.pdf"
    row = st.container(horizontal=True, gap="small")
    row.download_button(t("下载 Word", lang), data=build("docx", DOCX_MIME, docx), file_name=docx,
                        mime=DOCX_MIME, key="report_docx", on_click="ignore", icon=":material/description:")
    row.download_button(t("下载 PDF", lang), data=build("pdf", "application/pdf", pdf), file_name=pdf,
                        mime="application/pdf", key="report_pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:")
