"""Figures of the 资金投入 page."""
from __future__ import annotations

import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import LABEL_ROOM, PALETTE, cap_categories, fit_range, label_range, place_labels, plain, style, ticks_from_zero
from dangqun.i18n import t

# Plotly shrinks an 'outside' bar label that is wider than its bar (the largest amounts, the longest
# labels, came out about 6 px high): labels share one size, never below 10 px, and one that would
# need less is left to the hover
LABEL_TEXT = dict(uniformtext=dict(minsize=10, mode="hide"))
# the narrowest plot area a chart of this page gets (on a phone, beside the unit names), in pixels:
# a label that fits there fits everywhere
NARROW_PLOT_PX = 240
NAMED_UNITS = 5     # the funds scatter names the units given the most; the others are named in the hover


def totals(df, label_col: str, title_key: str, lang: str = "zh", across: bool = False) -> go.Figure:
    """Bars of 投入(万元) by one breakdown (fund_source, purpose or fiscal_year) with the number of
    projects. across=True: bars across, largest on top, names on the left and each amount at its bar's
    end (来源 and 用途: six bars side by side in a third of a page left each bar narrower than its
    amount, whose label Plotly then shrank to about 6 px, and the names had to be slanted)."""
    df = cap_categories(df, label_col, "amount_wan", other=t("其他", lang))
    if across:
        df = df.sort_values("amount_wan", ascending=True, kind="stable")   # Plotly draws the first at the foot
    labels = plain([t(str(v), lang) for v in df[label_col]])
    hover = [f"{label}<br>{t('投入', lang)}：{metrics.fmt_wan(a)} {t('万元', lang)}"
             f"<br>{t('项目数', lang)}：{metrics.fmt_int(n)}"
             for label, a, n in zip(labels, df["amount_wan"], df["count"])]
    text = [metrics.fmt_wan(a) for a in df["amount_wan"]]
    names, amounts = ("y", "x") if across else ("x", "y")
    fig = go.Figure(go.Bar(
        **{names: labels, amounts: df["amount_wan"]}, orientation="h" if across else "v",
        marker_color=PALETTE[0], customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        text=text, textposition="outside",
    ))
    value_axis = dict(title=t("投入(万元)", lang),
                      range=label_range(df["amount_wan"], _label_room(text) if across else 0.12))
    fig.update_layout(**{f"{names}axis": dict(type="category"), f"{amounts}axis": value_axis}, **LABEL_TEXT)
    return style(fig, t(title_key, lang), height=340)


def treemap(tiles, lang: str = "zh") -> go.Figure:
    """funds.tree tiles (the root and at most two levels below it, at most 30 under each tile) sized by
    投入(万元); customdata[0] is the region code, center id or 其他 code. The hover is a template over
    the tile's own values (a 其他 tile shows its amount too), so the figure stays small."""
    hover = ("%{label}<br>" + t("投入", lang) + "：%{value:,.2f} " + t("万元", lang)
             + "<br>" + t("占比", lang) + "：%{percentRoot:.1%}<extra></extra>")
    labels = plain([t(name, lang) if kind == "other" else name for name, kind in zip(tiles["unit_name"], tiles["kind"])])
    fig = go.Figure(go.Treemap(
        ids=tiles["unit_code"], parents=tiles["parent_code"], labels=labels, values=tiles["amount_wan"].round(2),
        branchvalues="total", customdata=[[code] for code in tiles["unit_code"]], hovertemplate=hover,
        texttemplate="%{label}<br>%{value:,.2f}", maxdepth=3,    # the root and the two levels of funds.tree
    ))
    return style(fig, t("资金分布（点击地区进入，点击中心查看明细）", lang), height=520)


def unit_bars(df, value_col: str, lang: str = "zh") -> go.Figure:
    """Horizontal bars of 每万元服务量 (per_wan) or 单件成本 (unit_cost_yuan) by child unit, with the
    numbers behind each; customdata[0] is the unit code, so a click drills into it."""
    key = {"per_wan": "每万元服务量", "unit_cost_yuan": "单件成本(元/件)"}[value_col]
    df = df.sort_values(value_col, ascending=True)
    hover = [
        f"{name}<br>{t(key, lang)}：{metrics.fmt_num(v, 2)}"
        f"<br>{t('受理量', lang)}：{metrics.fmt_int(n)}<br>{t('投入', lang)}：{metrics.fmt_wan(w)} {t('万元', lang)}"
        for name, v, n, w in zip(plain(df["unit_name"]), df[value_col], df["received"], df["funds_wan"])
    ]
    text = [metrics.fmt_num(v, 2) for v in df[value_col]]
    fig = go.Figure(go.Bar(
        x=df[value_col], y=plain(df["unit_name"]), orientation="h", marker_color=PALETTE[1],
        customdata=list(zip(df["unit_code"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
        text=text, textposition="outside",
    ))
    fig.update_layout(xaxis=dict(title=t(key, lang), range=label_range(df[value_col], _label_room(text))),
                      yaxis=dict(title=None, type="category"), **LABEL_TEXT)
    return style(fig, t(key, lang) + t("（按下级单位，点击进入）", lang), height=max(300, 26 * len(df) + 90))


def _label_room(texts, font_px: float = 13) -> float:
    """The share of the longest bar (charts.label_range's room) to leave beyond it so the widest of
    `texts` fits beside it in the narrowest plot (NARROW_PLOT_PX)."""
    widest = max((len(x) for x in texts), default=0) * font_px * 0.6 + 8
    return max(LABEL_ROOM, widest / max(NARROW_PLOT_PX - widest, 1.0))


def outcome_scatter(df, lang: str = "zh") -> go.Figure:
    """Child units: 投入(万元) against 综合成绩, marker size by 受理量. Only the NAMED_UNITS most funded
    units are named on the chart, and only where the name finds room on a phone (place_labels): a name
    by every bubble ran into its neighbours. customdata[0] is the unit code."""
    hover = [
        f"{name}<br>{t('投入', lang)}：{metrics.fmt_wan(w)} {t('万元', lang)}"
        f"<br>{t('综合成绩', lang)}：{metrics.fmt_score(s)}<br>{t('受理量', lang)}：{metrics.fmt_int(n)}"
        f"<br>{t('每万元服务量', lang)}：{metrics.fmt_num(p, 2)}"
        f"<br>{t('满意率', lang)}：{metrics.fmt_ratio_hover(sw, v)}"
        for name, w, s, n, p, sw, v in zip(plain(df["unit_name"]), df["funds_wan"], df["composite_score"],
                                           df["received"], df["per_wan"], df["satisfied_weighted"], df["valid"])
    ]
    size = df["received"].astype("float64")
    funds = df["funds_wan"].astype("float64")
    x_pad = max(float(funds.max() - funds.min()) * 0.08, 1.0) if len(df) else 1.0
    x_range = [float(funds.min()) - x_pad, float(funds.max()) + x_pad] if len(df) else [0, 1]
    y_range = fit_range(df["composite_score"], step=1.0, top=100)
    # the most funded first: their names are the ones drawn
    order = funds.sort_values(ascending=False, kind="stable").index
    named = set(funds[funds > 0].sort_values(ascending=False, kind="stable").index[:NAMED_UNITS])
    sizeref = 2.0 * max(float(size.max()), 1.0) / 36 ** 2 if len(df) else 1.0
    radii = [max(6.0, (2 * float(v) / sizeref) ** 0.5) / 2 for v in size.loc[order]]
    names = [name if i in named else "" for i, name in zip(order, plain(df.loc[order, "unit_name"]))]
    texts, positions = place_labels(df.loc[order, "funds_wan"], df.loc[order, "composite_score"], names,
                                    x_range, y_range, width_px=NARROW_PLOT_PX + 60, height_px=300, radii=radii)
    placed = dict(zip(order, zip(texts, positions)))
    fig = go.Figure(go.Scatter(
        x=df["funds_wan"], y=df["composite_score"], mode="markers+text",
        text=[placed[i][0] for i in df.index], textposition=[placed[i][1] for i in df.index],
        textfont=dict(size=11),
        marker=dict(size=size, sizemode="area", sizeref=sizeref,
                    sizemin=6, color=PALETTE[1], opacity=0.8, line=dict(color="white", width=1)),
        customdata=list(zip(df["unit_code"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
    ))
    fig.update_layout(xaxis=dict(title=t("投入(万元)", lang), range=x_range, tickmode="array",
                                 tickvals=ticks_from_zero(x_range[1])),
                      yaxis=dict(title=t("综合成绩", lang), range=y_range))
    return style(fig, t("投入与成效（按下级单位，气泡大小为受理量；点击进入）", lang), height=440)
