"""The 通报 page's part of the drawing package: the audit row of each report shown and the Word / PDF
download buttons, whose files are built (and logged) only when the official clicks."""
from __future__ import annotations

import streamlit as st

from dangqun import audit, gbt9704
from dangqun.i18n import t
from dangqun.ui.data import account, connection

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def audit_shown(report) -> None:
    """One 生成通报 row each time another report is shown (region, period or comparison changed)."""
    key = (report.region, report.period.code, report.compare)
    if st.session_state.get("_audited_report") != key:
        st.session_state["_audited_report"] = key
        audit.record(connection(), account().name, "report", target=f"{report.region} {report.period.code}",
                     detail=f"页面 · {report.compare}")


def report_downloads(report, lang: str) -> None:
    con, user = connection(), account().name

    def build(fmt):
        def _bytes() -> bytes:
            data = gbt9704.render(report, fmt)
            audit.record(con, user, "report", target=f"{report.region} {report.period.code}",
                         detail=f"{fmt} · {len(data)} 字节")
            return data
        return _bytes

    row = st.container(horizontal=True, gap="small")
    row.download_button(t("下载 Word", lang), data=build("docx"), file_name=f"{report.file_stem}.docx",
                        mime=DOCX_MIME, key="report_docx", on_click="ignore", icon=":material/description:")
    row.download_button(t("下载 PDF", lang), data=build("pdf"), file_name=f"{report.file_stem}.pdf",
                        mime="application/pdf", key="report_pdf", on_click="ignore",
                        icon=":material/picture_as_pdf:")
