"""通报: the monthly, quarterly or annual report of the region, on screen and as Word and PDF."""
import pandas as pd
import streamlit as st

from dangqun import markup, ui
from dangqun.charts import overview as charts
from dangqun.charts import report as report_charts
from dangqun.views import report as view

fr = ui.frame("通报")
try:
    region = view.check_region(fr.region, ui.account().scope)
except view.ReportError as exc:
    st.info(fr.t(str(exc)))
    st.stop()

span = ui.query("data_span").iloc[0]
if span["last_day"] != span["last_day"]:      # NaT: no records at all
    ui.no_data(fr.lang)
    st.stop()
options = view.period_options(span["last_day"], span["first_day"])
left, right = st.columns(2)
# the widgets' keys carry the language: a kept widget would show its options in the language it was drawn
# in (2022年12月 on the English page) after a switch; the choice itself is kept across the switch
chosen = st.session_state.get("report_period_code")
code = left.selectbox(fr.t("通报周期"), options, key=f"report_period_{fr.lang}",
                      index=options.index(chosen) if chosen in options else 0,
                      format_func=lambda c: view.parse_period(c).title_label if fr.lang == "zh"
                      else view.parse_period(c).period.label(fr.lang))
st.session_state["report_period_code"] = code
compare_modes = {"yoy": "同比", "mom": "环比", "none": "无"}
mode = st.session_state.get("report_compare_mode", fr.filters.compare)
compare = right.radio(fr.t("对比"), list(compare_modes), horizontal=True, format_func=lambda k: fr.t(compare_modes[k]),
                      index=list(compare_modes).index(mode) if mode in compare_modes else 0,
                      key=f"report_compare_{fr.lang}")
st.session_state["report_compare_mode"] = compare

rep = view.build(ui.query, region, fr.ctx.index.name(region), view.parse_period(code), compare,
                 store=ui.alert_store)
ui.audit_shown(rep)
ui.report_downloads(rep, fr.lang)
report_charts.warm_up()      # the charts' Chromium starts while the official reads the report
st.caption(fr.t("Word 按 GB/T 9704-2012 排版；图表与 PDF 在点击下载时生成，约需半分钟。"))
if fr.lang != "zh":
    # a 公文 goes upward in Chinese: the page around it follows the interface, the document does not
    st.info(fr.t("通报是上报的公文，正文和下载文件都是中文。"))

st.header(rep.title, divider="red")
for block in rep.blocks:
    if block.kind == "heading1":
        st.subheader(block.text)
    elif block.kind == "heading2":
        st.markdown(f"**{block.text}**")
    elif block.kind == "para":
        st.markdown(markup.md(block.text))      # names from the data (赵*, units) read as stored
    elif block.kind == "placeholder":
        st.warning(block.text)
    elif block.kind == "chart" and block.text.startswith("图1"):
        ui.chart(charts.monthly_trend(block.data, fr.lang), block.data, block.text, "report_trend", fr)
    elif block.kind == "chart":
        ui.chart(charts.unit_ranking(block.data, fr.lang), block.data, block.text, "report_ranking", fr)
    elif block.kind == "table":
        ui.table(pd.DataFrame(block.rows[1:], columns=block.rows[0]), fr.t("附件：下级单位考核排名"), "report_annex", fr)
with st.container(horizontal_alignment="right"):
    st.text(f"{rep.organ}\n{rep.date}")
