"""服务办理: what is being handled, how it arrives, how long each step takes and where cases are late."""
import streamlit as st

from dangqun import metrics, ui
from dangqun.charts import services as charts
from dangqun.views import services as view

MAX_OVERDUE_ROWS = 500    # the worst cases an official reads on screen; the caption states the total

fr = ui.frame("服务办理")
f = fr.filters
params = fr.params()

summary = ui.query("kpi_summary", params).iloc[0].to_dict()
if summary["received"] == 0:
    ui.no_data(fr.lang)
    st.stop()

received, proxy, proactive = summary["received"], summary["proxy"], summary["proactive"]
row = ui.card_row()
row.metric(fr.t("受理量"), metrics.fmt_int(received), border=True)
row.metric(fr.t("代办占比"), metrics.fmt_pct(metrics.ratio(proxy, received)), border=True,
           help=fr.t("代办件 / 受理量：{parts}", parts=metrics.fmt_ratio_hover(proxy, received)))
row.metric(fr.t("未诉先办占比"), metrics.fmt_pct(metrics.ratio(proactive, received)), border=True,
           help=fr.t("未诉先办件 / 受理量：{parts}", parts=metrics.fmt_ratio_hover(proactive, received)))
row.metric(fr.t("超期件"), metrics.fmt_int(summary["overdue"]), border=True,
           help=fr.t("办结晚于截止日期，或截止日期已过仍未办结（待受理、办理中、延期）"))

# volume: by 大类, or by 事项 once a category is chosen (by a click here or in the sidebar)
if f.category:
    name = fr.ctx.categories.get(f.category, f.category)
    items = ui.query("service_items", params)
    ui.chart(charts.item_bars(items, fr.lang, fr.t("{category}：各事项受理量", category=name)), items,
             fr.t("各事项受理量"), "items", fr)
    st.button(fr.t("返回全部大类"), key="all_categories", on_click=ui.set_category, args=("",))
else:
    cats = ui.query("service_categories", params)
    event = ui.chart(charts.category_bars(cats, fr.lang), cats, fr.t("各大类受理量"), "categories", fr,
                     selectable=True)
    clicked = ui.clicked_code(event)
    if clicked in fr.ctx.categories:      # a forged selection names no category: ignored
        ui.set_category(clicked)
        st.rerun()

left, right = st.columns(2)
with left:
    channels = ui.query("service_channels", params)
    channels = channels.assign(share=metrics.ratio(channels["received"], channels["received"].sum()))
    ui.chart(charts.channel_bars(channels, fr.lang), channels, fr.t("受理渠道构成"), "channels", fr)
with right:
    groups = ui.query("service_groups", params)
    ui.chart(charts.group_bars(groups, fr.lang), groups, fr.t("各类人群受理量"), "groups", fr)

if received > metrics.DURATIONS_AUTO_MAX and not ui.asked("durations", params):
    st.markdown(f"**{fr.t('派单、接单、办结用时（小时）')}**")
    seconds = max(1, round(received / metrics.DURATIONS_RECORDS_PER_S))
    st.info(fr.t("本范围共 {n} 件服务记录。用时的中位数与 P90 要逐件排序计算，约需 {seconds} 秒，点击下面的按钮开始。",
                 n=metrics.fmt_int(received), seconds=metrics.fmt_int(seconds)))
    ui.ask_button("durations", params, fr.t("计算办理用时"))
else:
    durations = ui.query("workflow_durations", params)
    if durations["count"].sum() == 0:
        durations = durations.iloc[0:0]
    ui.chart(charts.duration_bars(durations, fr.lang), durations, fr.t("办理用时"), "durations", fr)

st.subheader(fr.t("超期件"))
as_of = view.as_of_day(f.period.end, fr.ctx.latest)
cases = ui.query("overdue_cases", dict(params, max_rows=MAX_OVERDUE_ROWS))
total = int(summary["overdue"])   # the same 超期 as the list's, counted from the rollups
if total:
    st.caption(fr.t("共 {total} 件超期，按超期天数从多到少列出前 {shown} 件；超期工作日计至办结日，"
                    "未办结的计至 {as_of}。", total=metrics.fmt_int(total), shown=metrics.fmt_int(len(cases)),
                    as_of=metrics.fmt_date(as_of)))
ui.table(view.overdue_table(cases, as_of), fr.t("超期件"), "overdue", fr,
         column_config={"received_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                        "due_on": st.column_config.DateColumn(format="YYYY-MM-DD"),
                        "closed_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
