"""满意度与考核: the official 三率, 综合成绩 and the rankings (红黄榜, 年底考核) built on them."""
import streamlit as st

from dangqun import filters, metrics, ui
from dangqun.charts import overview as overview_charts
from dangqun.charts import satisfaction as charts
from dangqun.views import overview as overview_view
from dangqun.views import satisfaction as view

fr = ui.frame("满意度与考核")
f = fr.filters
cfg = metrics.load_config()

# the cards are the sums of the months charted below: one query less than asking kpi_summary too
trend = metrics.add_rates(ui.query("monthly_trend", fr.params()), cfg)
summary = metrics.totals(trend, ("received", "valid", "contacted", "solved", "satisfied", "basic", "unsatisfied"))
if summary["received"] == 0:
    ui.no_data(fr.lang)
    st.stop()

valid = summary["valid"]
r = metrics.rates(summary["contacted"], summary["solved"], summary["satisfied"], summary["basic"], valid, cfg)
weighted = metrics.satisfied_weighted(summary["satisfied"], summary["basic"], cfg)
targets = metrics.targets()
row = ui.card_row(5)
ui.card(row, fr.t("有效回访"), metrics.fmt_int(valid), help=fr.t("是否有效回访与是否纳入考核均为“是”的记录"))
for key, label, num in (("response_rate", "响应率", summary["contacted"]), ("solve_rate", "解决率", summary["solved"]),
                        ("satisfaction_rate", "满意率", weighted)):
    ui.card(row, fr.t(label), metrics.fmt_survey_pct(r[key], valid, fr.lang), help=metrics.fmt_ratio_hover(num, valid),
            **overview_view.target_fields(key, r[key] if valid else None, targets, fr.lang))
ui.card(row, fr.t("综合成绩"), metrics.fmt_survey_score(r["composite_score"], valid, fr.lang),
        help=metrics.composite_formula(fr.lang, cfg),
        **overview_view.target_fields("composite_score", r["composite_score"] if valid else None, targets, fr.lang))
with st.expander(fr.t("计分口径")):
    st.caption(view.weights_note(fr.lang, cfg))

if valid:
    ui.chart(charts.rates_trend(trend, fr.lang, cfg.yellow_below), trend, fr.t("三率月度走势"), "rates_trend", fr)
else:
    ui.no_survey(fr.lang)     # no survey fields imported for the period: no rate line at 0%

# ranking of the units one level below, against the comparison period
st.subheader(fr.t("下级单位考核排名"))
child_digits = filters.child_digits(fr.region)
now = ui.query("unit_scores", dict(fr.params(), child_digits=child_digits))
before_params = fr.compare_params()
before = ui.query("unit_scores", dict(before_params, child_digits=child_digits)) if before_params else None
ranking = view.ranking(now, before, cfg)
flagged = int(ranking["flagged_yellow"].sum())
if len(ranking):
    st.caption(fr.t("共 {units} 个单位，{flagged} 个上黄榜（三率任一项低于 {pct}，表中标 ⚠ 并高亮）",
                    units=len(ranking), flagged=flagged, pct=metrics.fmt_pct(cfg.yellow_below, 0)))
    if before is not None and (note := overview_view.vintage_note(fr.vintage, f.compare, fr.lang)):
        st.caption(fr.t("名次变化对比：{label}", label=f.compare_period.label(fr.lang)) + " " + note)
shown = view.for_display(ranking, fr.lang, cfg)
ui.table(shown, fr.t("下级单位考核排名"), "ranking", fr, style=lambda s: view.style(s, fr.lang, cfg))

event = ui.chart(overview_charts.unit_ranking(ranking, fr.lang, cfg.yellow_below), ranking, fr.t("下级单位排名"), "unit_ranking", fr,
                 selectable=True)
ui.follow(filters.click_action(ui.clicked_code(event), child_digits), fr.ctx)

left, right = st.columns(2)
with left:
    levels = metrics.satisfaction_levels(summary)
    if levels["count"].sum() == 0:
        ui.no_survey(fr.lang)
    else:
        ui.chart(charts.levels_donut(levels, fr.lang), levels, fr.t("回访满意度分布"), "levels", fr)
with right:
    reasons = ui.query("dissatisfaction_reasons", fr.params())
    ui.chart(charts.reasons_bars(reasons, fr.lang), reasons, fr.t("不满意原因"), "reasons", fr)
