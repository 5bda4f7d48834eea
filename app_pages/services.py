"""服务办理: what is being handled, how it arrives, how long each step takes and where cases are late."""
import streamlit as st

from dangqun import alerts, metrics, periods, regions, topics, ui, workdays
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

# the sections as tabs (registry): only the open one runs, so opening the page costs the first tab alone
handling, hot, ab_post = ui.page_tabs(fr)

with handling:
    if handling.open:
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

with hot:
    if hot.open:
        # 热点诉求: what residents' messages are about, as matters (dangqun.topics), here beside the 事项 and 超期件
        # because it asks what is being handled; the 预警 page alerts the hot ones, the 通报 names them
        month = alerts.period_of(f.period.end)
        texts = int(ui.query("text_volume", {"region": params["region"], "start": periods.month_start(f.period.end),
                                             "end": f.period.end})["texts"].iloc[0])
        if not texts:
            st.info(fr.t("{month} 本范围的服务记录没有诉求内容，无法按内容归纳话题；「预警」的热点按事项件数的增长计。",
                         month=month))
        else:
            stored = ui.alert_store(month)
            tcfg = topics.load_config()
            found = topics.listing(ui.query, fr.region, stored)
            st.caption(fr.t("{month}：本范围有诉求内容的 {texts} 件中，说的是同一件事（同一地点或事物、同一问题）的诉求归为一个话题，"
                            "热点在前、再按件数列出 {shown} 个（下载含全部 {n} 个）。件数只计本范围；「热点」：在所在县（市、区）"
                            "本月至少 {min_count} 件、占该县有诉求内容件数的 {share} 以上，且一半以上在同一个乡镇街道。",
                            month=month, texts=metrics.fmt_int(texts), shown=min(view.TOPICS_SHOWN, len(found)),
                            n=len(found), min_count=tcfg.hot_min_count, share=metrics.fmt_pct(tcfg.hot_min_share, 0)))
            several = regions.level_of(fr.region) < 2       # a province's or city's view holds several counties
            table = view.topic_table(found, fr.lang, with_county=several)
            ui.table(table.head(view.TOPICS_SHOWN), fr.t("热点诉求"), "topics", fr,
                     column_config={fr.t("示例诉求"): st.column_config.TextColumn(width="large")})
            if len(found):
                labels = [f"{lab}（{c}）" if several else lab for lab, c in zip(found["label"], found["county_name"])]
                # a 热点 opened from 预警 names its topic; the topic's place among this view's topics picks it
                wanted = st.session_state.pop("topic_wanted", None)
                if wanted in set(found["topic_key"]):
                    st.session_state["topic"] = int(found.index[found["topic_key"] == wanted][0])
                pick = st.selectbox(fr.t("查看话题"), range(len(labels)), format_func=lambda i: labels[i], key="topic")
                topic = found.iloc[pick]
                words = view.trend_words(topic["label"])
                start = periods.add_months(periods.month_start(f.period.end), 1 - view.TREND_MONTHS)
                # the topic's county when the view holds several: a matter is found within its county
                where = topic["county_code"][:6] if several else params["region"]
                trend = view.trend_frame(ui.query("topic_trend", {"region": where, "start": start,
                                                                  "end": f.period.end, "words": words}),
                                         start, f.period.end)
                ui.chart(charts.topic_trend(trend, words, fr.lang), trend, fr.t("话题走势"), "topic_trend", fr)
                records = ui.query("topic_records", {"region": params["region"], "period": month, "run_key": stored.key,
                                                     "topic_key": topic["topic_key"]})
                st.markdown(f"**{fr.t('“{label}”的诉求（{n} 件）', label=topic['label'], n=len(records))}**")
                ui.table(view.topic_records_table(records), fr.t("话题诉求"), "topic_records", fr,
                         column_config={"received_at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                                        "request_text": st.column_config.TextColumn(width="large")})

with ab_post:
    if ab_post.open:
        # 24 小时服务（AB岗）: beside the 超期件, how the cases that come in outside office hours are served (README)
        ab_params = dict(params, off_days=workdays.off_days(f.period.start, f.period.end))
        ab_centers = ui.query("ab_center_hours", ab_params)
        if ab_centers.empty:
            st.info(fr.t("本范围没有登记为 24 小时 AB 岗的中心（服务中心表「是否24小时AB岗」）。"))
        else:
            st.caption(fr.t("AB岗中心：服务中心表「是否24小时AB岗」为“是”的中心，本范围 {n} 个。夜间：20:00 至次日 8:00；"
                            "节假日：周末和法定节假日（调休上班的周六、周日不算）；工作时间：工作日 8:00 至 20:00。",
                            n=metrics.fmt_int(len(ab_centers))))
            hours = ui.query("ab_receipt_hours", ab_params)
            kinds = [ab for ab in (True, False) if (hours["ab_post"] == ab).any()]
            for column, ab in zip(st.columns(max(1, len(kinds))), kinds):
                with column:
                    grid = view.receipt_grid(hours, ab, fr.lang)
                    title = fr.t("{kind}各时段受理量", kind=fr.t(view.AB_KINDS[ab]))
                    ui.chart(charts.receipt_heatmap(grid, title, fr.lang), grid, title, f"ab_heat_{int(ab)}", fr)
            # the medians sort every case, as 办理用时's: asked with them in a large view
            times_ready = received <= metrics.DURATIONS_AUTO_MAX or ui.asked("durations", params)
            times = ui.query("ab_response_times", ab_params) if times_ready else None
            st.markdown(f"**{fr.t('夜间、节假日受理与用时')}**")
            st.caption(fr.t("响应：受理至派单（没有派单时间的件为受理至办结）；办结：受理至办结，只计已办结的件。"
                            "夜间与节假日有重叠（节假日的夜间两处都计），夜间或节假日与工作时间合计为全部。")
                       + ("" if times_ready else fr.t("用时要逐件排序计算，点下面的「计算办理用时」后显示"
                                                      "（「办理情况」的办理用时一并算出）。")))
            ui.table(view.off_hours_table(hours, times, fr.lang), fr.t("夜间、节假日受理与用时"), "ab_off_hours", fr)
            if not times_ready:
                ui.ask_button("durations", params, fr.t("计算办理用时"))
            others = view.others_off_hours_share(hours)
            st.markdown(f"**{fr.t('AB岗中心夜间、节假日受理排名')}**")
            st.caption(fr.t("按夜间或节假日受理量排名（相同的并列，再按占比）。")
                       + ("" if others is None else fr.t("本范围其他中心的受理中 {share} 在夜间或节假日；不高于这一比例的"
                                                         "AB岗中心备注「占比不高于其他中心」。", share=metrics.fmt_pct(others))))
            ui.table(view.ab_center_ranking(ab_centers, others, fr.lang), fr.t("AB岗中心夜间、节假日受理排名"), "ab_centers", fr,
                     column_config={"remark": st.column_config.TextColumn(width="medium")})
