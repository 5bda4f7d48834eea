"""审计日志 (administrators only): who logged in, viewed, downloaded, imported or changed an account."""
import datetime as dt

import streamlit as st

from dangqun import audit, ui
from dangqun.views import audit as view

fr = ui.frame("审计日志")
lang = fr.lang
ROWS = 10_000   # the newest rows of the window shown and downloaded; narrow the window for older ones

st.caption(fr.t("审计日志只增不删，保存不少于 180 天。时间为服务器本地时间。"))
users = audit.users(ui.state())
today = dt.date.today()
c1, c2, c3, c4 = st.columns(4)
user = c1.selectbox(fr.t("用户"), [""] + list(users.user_name), key="audit_user",
                    format_func=lambda u: u or fr.t("全部"))
action = c2.selectbox(fr.t("操作"), [""] + list(audit.ACTIONS), key="audit_action",
                      format_func=lambda a: fr.t(audit.ACTIONS[a]) if a else fr.t("全部"))
start = c3.date_input(fr.t("开始日期"), value=today - dt.timedelta(days=30), key="audit_start")
end = c4.date_input(fr.t("结束日期"), value=today, key="audit_end")

rows = audit.page(ui.state(), user, action, min(start, end), max(start, end), ROWS)
st.markdown(f"**{fr.t('共 {n} 条', n=len(rows))}**")
ui.table(view.audit_frame(rows, lang, fr.ctx.index.names, fr.ctx.categories), fr.t("审计日志"), "audit_log", fr,
         column_config={fr.t("时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")})
