"""预警: the units and cases needing attention in the month, why each was flagged, and what was done."""
from pathlib import Path

import streamlit as st

from dangqun import alerts, markup, metrics, registry, ui
from dangqun.views import alerts as view

fr = ui.frame("预警")
f, lang = fr.filters, fr.lang
period = view.period_for(f)
stored, found = ui.alerts_of(fr.region, period, lang)
town = alerts.town_of(fr.region)
st.caption(view.caption(period, stored.as_of, len(found), lang,
                        town=fr.ctx.index.name(town) if town != fr.region else None))
row = ui.card_row(len(alerts.RULES))
for rule, name, n, waiting in view.rule_counts(found):
    ui.card(row, fr.t(name), metrics.fmt_int(n), help=fr.t("其中待处理 {n} 条", n=metrics.fmt_int(waiting)))

left, right = st.columns(2)
rules = left.multiselect(fr.t("规则"), list(alerts.RULES.values()), key="alert_rules",
                         format_func=fr.t, placeholder=fr.t("全部"))
statuses = right.multiselect(fr.t("状态"), list(alerts.STATUSES), key="alert_statuses",
                             format_func=fr.t, placeholder=fr.t("全部"))
# above the county a town's name alone is ambiguous (several are called 光明街道): its city and county lead it,
# in both tables and the picker below
shown = view.with_places(view.select(found, rules, statuses), fr.ctx.index, fr.region)
ui.table(view.labelled(view.by_unit(shown, lang), lang, view.UNIT_COLUMNS), fr.t("按单位"), "alert_units", fr)
ui.table(view.labelled(shown, lang), fr.t("预警清单"), "alerts", fr,
         column_config={fr.t("处理时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
if shown.empty:
    st.stop()

st.subheader(fr.t("处理预警"))
rows = shown.to_dict("records")
index = st.selectbox(fr.t("选择预警"), range(len(rows)), key="alert_pick",
                     format_func=lambda i: view.option_label(rows[i], lang))
alert = rows[index]
# masked names (赵*) and units' names are data: shown as their own characters, not Markdown
st.markdown(f"**{markup.md(view.option_label(alert, lang))}**")
st.markdown(markup.md(alert["explanation"]))

cases = view.cases_of(alert, ui.query, stored)
if len(cases):
    ui.table(view.labelled(cases, lang, view.CASE_COLUMNS), fr.t("预警涉及的记录"), "alert_cases", fr,
             column_config={fr.t("受理时间"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                            fr.t("截止日期"): st.column_config.DateColumn(format="YYYY-MM-DD")})

# the page to open, by its name: an alert stored before the pages' folder was renamed names pages/<name>.py
drill = registry.by_name(Path(alert["drill_page"]).stem)
target = {"records": "在明细查询中查看记录", "services": "在服务办理中查看超期件",
          "satisfaction": "在满意度与考核中查看"}[drill.name]
if view.is_topic(alert):
    target = "在服务办理中查看热点诉求"
if st.button(fr.t(target), key="alert_drill", icon=":material/open_in_new:"):
    ui.set_filters(view.drill_filters(f, alert, fr.ctx.index, fr.ctx.latest))
    if view.is_topic(alert):
        # 服务办理's 热点诉求 opens on this topic
        st.session_state["topic_wanted"] = alert["drill_item"]
        ui.open_tab(fr, "services", "热点诉求")
    elif drill.name == "services":
        ui.open_tab(fr, "services", "办理情况")          # where its 超期件 are
    elif drill.name == "records":
        # 明细查询's search box: the alert's 事项
        st.session_state["rec_search_item"] = alert["drill_item"]
        st.session_state.pop("records_center", None)
    ui.switch_page(drill.file)

with st.form(f"alert_form_{alert['alert_key']}"):
    status = st.radio(fr.t("状态"), alerts.STATUSES, index=alerts.STATUSES.index(alert["status"]),
                      format_func=fr.t, horizontal=True)
    note = st.text_area(fr.t("备注"), value=alert["note"] if isinstance(alert["note"], str) else "",
                        max_chars=alerts.NOTE_MAX)
    if alert["updated_by"] and isinstance(alert["updated_by"], str):
        st.caption(fr.t("上次由 {user} 于 {at} 更新", user=alert["updated_by"],
                        at=str(alert["updated_at"])[:16]))
    if st.form_submit_button(fr.t("保存"), type="primary"):
        params = alerts.status_params(alert, status, note, ui.account().name)
        alerts.set_status(ui.state(), params)
        st.toast(fr.t("已保存"))
        st.rerun()
