"""总览: the KPI cards of the metric registry, the monthly trend and the ranking of the units below."""
import dataclasses

import streamlit as st

from dangqun import filters, metrics, ui
from dangqun.charts import overview as charts
from dangqun.views import overview as view

fr = ui.frame("总览")
f = fr.filters

now = ui.query("kpi_summary", fr.params()).iloc[0].to_dict()
before_params = fr.compare_params()
before = ui.query("kpi_summary", before_params).iloc[0].to_dict() if before_params else None

if now["received"] == 0 and now["centers"] == 0:
    ui.no_data(fr.lang)
    st.stop()

note = view.vintage_note(fr.vintage, f.compare, fr.lang)
cards = view.cards(now, before, fr.lang, period=f.period, compare=f.compare_period, vintage_note=note,
                   records_filtered=bool(filters.in_force(f, fr.ctx.categories)))
row = ui.card_row(cards=len(cards))
for card in cards:
    ui.card(row, **dataclasses.asdict(card))
if before and note:
    st.caption(note)

trend = metrics.add_rates(ui.query("monthly_trend", fr.params()))
ui.chart(charts.monthly_trend(trend, fr.lang, through=fr.ctx.latest), trend, fr.t("月度趋势"), "monthly_trend", fr)

child_digits = filters.child_digits(fr.region)
units = metrics.add_rates(ui.query("unit_scores", dict(fr.params(), child_digits=child_digits)))
units = units.assign(rank=metrics.rank_desc(units["composite_score"]))
event = ui.chart(charts.unit_ranking(units, fr.lang), units, fr.t("下级单位排名"), "unit_ranking", fr,
                 selectable=True)
ui.follow(filters.click_action(ui.clicked_code(event), child_digits), fr.ctx)
