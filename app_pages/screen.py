"""大屏: the headline figures for a meeting-room display, dark and large, no sidebar; one panel at a
time (trend, ranking, map, alerts) rotating every config/screen.toml rotate_seconds, reloading after an import."""
import streamlit as st

from dangqun import filters, metrics, registry, ui
from dangqun.charts import screen as charts
from dangqun.views import alerts as alerts_view
from dangqun.views import map as map_view
from dangqun.views import overview as overview_view
from dangqun.views import screen as view

fr = ui.frame("大屏")
f = fr.filters
cfg = view.load_config()
TICK = "_screen_tick"   # refreshes since the page opened: which panel is up

now = ui.query("kpi_summary", fr.params()).iloc[0].to_dict()
before_params = fr.compare_params()
before = ui.query("kpi_summary", before_params).iloc[0].to_dict() if before_params else None

# the link's column holds "Back to the dashboard" whole at 1920 px (at 6 : 1 it was cut)
head, back = st.columns([4, 1], vertical_alignment="bottom")
head.title(f"{fr.ctx.index.name(fr.region)} · {fr.t('党群服务数据')}")
back.page_link(registry.home().file, label=fr.t("返回看板"), icon=":material/arrow_back:", query_params=filters.to_query(f))
st.markdown(f"{f.period.label(fr.lang)} · {fr.t('数据截至 {date}', date=fr.ctx.latest.isoformat())}")

if now["received"] == 0 and now["centers"] == 0:
    ui.no_data(fr.lang)
    st.stop()

row = st.container(key="screen_cards")
for card in view.headline(now, before, fr.lang, cfg):
    row.metric(card.label, card.value, card.delta, border=True, delta_color=card.delta_color,
               delta_arrow="off" if card.delta_color == "off" else "auto")
if before and (note := overview_view.vintage_note(fr.vintage, f.compare, fr.lang)):
    st.caption(note)


@st.fragment(run_every=cfg.rotate_seconds)
def panels():
    # an import changed the data, or the account was disabled: the whole page runs again
    if ui.data_version() != st.session_state[ui.RUN_VERSION] or not ui.keep_alive():
        st.rerun(scope="app")
    tick = st.session_state[TICK] = st.session_state.get(TICK, -1) + 1
    name = view.panel(tick, cfg)
    if name == "trend":
        data = metrics.add_rates(ui.query("monthly_trend", fr.params()))
        fig = charts.panel(name, data, fr.lang, cfg.chart_font_px)
    elif name == "ranking":
        child_digits = filters.child_digits(fr.region)
        units = metrics.add_rates(ui.query("unit_scores", dict(fr.params(), child_digits=child_digits)))
        data = view.ranking_rows(units, cfg)
        fig = charts.panel(name, data, fr.lang, cfg.chart_font_px)
    elif name == "map":
        m = map_view.metric("composite_score")
        data, centers, _ = map_view.gather(ui.query, fr.params(), fr.region, m)
        fig = charts.map_panel(data, ui.region_shapes(fr.region), m, fr.lang, cfg.chart_font_px, centers=centers)
    else:
        period = alerts_view.period_for(f)
        data = ui.alerts_of(fr.region, period, fr.lang)[1]
        fig = charts.alerts_panel(alerts_view.rule_counts(data), period, fr.lang, cfg.chart_font_px)
    with st.container(key="screen_panel"):
        ui.chart(fig, data, name, f"screen_{name}", fr, screen=True)


panels()
