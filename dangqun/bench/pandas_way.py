"""The benchmark's yardstick: each page's numbers computed the way a typical Streamlit dashboard does it —
every record loaded once into one pandas DataFrame, then filtered and grouped in pandas on each click.

One function per page, computing the same frames the page's named queries return (same filters, same
definitions as dangqun/sql/); the benchmark times them on the same filter steps as the pages and
prints the ratio. Only timing depends on this module: the query tests check the SQL against
tests/expected.py, not against this.
"""
from __future__ import annotations

import pandas as pd

OPEN = ("待受理", "办理中", "延期")
# the record columns the pages use: a dashboard that loads "everything" would hold more, not less
RECORD_COLUMNS = ("record_id, center_id, received_at, channel, origin, item_code, group_tag, is_proxy, "
                  "dispatched_at, accepted_at, due_on, closed_at, status, in_assessment, survey_valid, "
                  "contacted, solved, satisfaction, score, dissatisfaction_reason, resident_hash")
COUNT_COLUMNS = ["closed", "on_time", "overdue_closed", "valid", "contacted", "solved", "satisfied", "basic",
                 "unsatisfied", "proxy", "proactive"]


def load(con) -> dict[str, pd.DataFrame]:
    """All records (with their center's region, name and type and the metric flags), centers, funds,
    activities, regions, catalog and import_log, loaded once."""
    d = {t: con.execute(f"select * from {t}").df()
         for t in ("centers", "funds", "activities", "regions", "catalog", "import_log")}
    r = _fetch_in_chunks(con, f"select {RECORD_COLUMNS} from service_records")
    # columns added in place (no merge, no assign): at 20 million rows every copy is gigabytes
    centers = d["centers"].set_index("center_id")
    for col in ("region_code", "center_name", "center_type"):
        r[col] = r.center_id.map(centers[col])
    yes = lambda c: r[c].fillna(False).astype(bool)  # noqa: E731
    valid = yes("survey_valid") & yes("in_assessment")
    closed = r.status == "已办结"
    due = pd.to_datetime(r.due_on)
    closed_day = r.closed_at.dt.normalize()
    flags = dict(
        category_code=r.item_code.str[:2], month=r.received_at.dt.to_period("M").dt.to_timestamp(),
        due=due, closed=closed, on_time=closed & (closed_day <= due),
        overdue_closed=closed & (closed_day > due), is_open=r.status.isin(OPEN), valid=valid,
        contacted=valid & yes("contacted"), solved=valid & yes("solved"),
        satisfied=valid & (r.satisfaction == "满意"), basic=valid & (r.satisfaction == "基本满意"),
        unsatisfied=valid & (r.satisfaction == "不满意"), proxy=yes("is_proxy"), proactive=r.origin == "未诉先办")
    del closed_day
    for col, values in flags.items():
        r[col] = values
    d["records"] = r
    d["funds"] = d["funds"].merge(d["centers"][["center_id", "region_code"]], on="center_id")
    d["activities"] = d["activities"].merge(d["centers"][["center_id", "region_code"]], on="center_id")
    return d


def _fetch_in_chunks(con, sql: str) -> pd.DataFrame:
    """The query's frame, converted a chunk at a time: converting 20 million records at once peaked at
    about four times the frame (over 24 GB), in chunks at little more than the frame."""
    cur = con.execute(sql)
    parts = []
    while len(part := cur.fetch_df_chunk(100)):
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# ── the shared filters ──────────────────────────────────────────────────────────────────────────

def window(d, p: dict) -> pd.DataFrame:
    r = d["records"]
    keep = (r.region_code.str.startswith(p["region"]) & (r.received_at >= pd.Timestamp(p["start"]))
            & (r.received_at < pd.Timestamp(p["end"]) + pd.Timedelta(days=1)))
    if p["category"]:
        keep &= r.category_code == p["category"]
    if p["channel"]:
        keep &= r.channel == p["channel"]
    r = r[keep]
    return r.assign(overdue=r.overdue_closed | (r.is_open & (r.due < pd.Timestamp(p["end"]))))


def funds_window(d, p: dict) -> pd.DataFrame:
    f = d["funds"]
    return f[f.region_code.str.startswith(p["region"])
             & f.fiscal_year.between(p["start"].year, p["end"].year)]


def activities_window(d, p: dict) -> pd.DataFrame:
    a = d["activities"]
    return a[a.region_code.str.startswith(p["region"]) & (a.activity_date >= pd.Timestamp(p["start"]))
             & (a.activity_date <= pd.Timestamp(p["end"]))]


def _counts(r: pd.DataFrame, by) -> pd.DataFrame:
    cols = [c for c in COUNT_COLUMNS if c != "overdue_closed"] + ["overdue"]
    g = r.groupby(by)[cols].sum()
    return g.assign(received=r.groupby(by).size())


def unit_code(r: pd.DataFrame, child_digits: int) -> pd.Series:
    if child_digits == 0:
        return r.center_id
    return r.region_code.str[:child_digits].str.pad(12, side="right", fillchar="0")


# ── the queries the pages run ───────────────────────────────────────────────────────────────────

def kpi_summary(d, p) -> dict:
    r = window(d, p)
    c = d["centers"]
    c = c[c.region_code.str.startswith(p["region"])]
    out = {k: int(r[k].sum()) for k in COUNT_COLUMNS if k != "overdue_closed"}
    out.update(received=len(r), overdue=int(r.overdue.sum()),
               funds_wan=float(funds_window(d, p).amount_wan.astype(float).sum()),
               centers=int((c.opened_on.isna() | (c.opened_on <= pd.Timestamp(p["end"]))).sum()),
               activities=len(activities_window(d, p)))
    return out


def monthly_trend(d, p) -> pd.DataFrame:
    return _counts(window(d, p), "month").reset_index()


def unit_scores(d, p, child_digits: int) -> pd.DataFrame:
    r = window(d, p)
    u = _counts(r, unit_code(r, child_digits)).reset_index(names="unit_code")
    names = d["regions"].set_index("region_code").region_name
    return u.assign(unit_name=u.unit_code.map(names))


def center_scores(d, p, brands_only: bool) -> pd.DataFrame:
    c = d["centers"]
    c = c[c.region_code.str.startswith(p["region"])]
    if brands_only:
        c = c[c.brand_name.notna()]
    counts = _counts(window(d, p), "center_id")
    f = funds_window(d, p).assign(amount_wan=lambda x: x.amount_wan.astype(float)).groupby("center_id").amount_wan.sum()
    out = c.set_index("center_id").join(counts, how="left").join(f.rename("funds_wan"), how="left")
    if brands_only:
        a = activities_window(d, p).groupby("center_id").agg(activities=("activity_id", "size"),
                                                             volunteer_hours=("volunteer_hours", "sum"))
        out = out.join(a, how="left")
    else:
        out = out[out.received.notna() | out.funds_wan.notna()]
    return out.fillna({"received": 0, "funds_wan": 0}).reset_index()


def funds_by(d, p, column: str) -> pd.DataFrame:
    f = funds_window(d, p).assign(amount_wan=lambda x: x.amount_wan.astype(float))
    return f.groupby(f[column].fillna("未注明")).agg(count=("project_id", "size"), amount_wan=("amount_wan", "sum")) \
            .sort_values("amount_wan", ascending=False).reset_index()


def funds_by_unit(d, p, child_digits: int) -> pd.DataFrame:
    r = window(d, p)
    counts = _counts(r, unit_code(r, child_digits))
    f = funds_window(d, p).assign(amount_wan=lambda x: x.amount_wan.astype(float))
    funds = f.groupby(unit_code(f, child_digits)).amount_wan.sum().rename("funds_wan")
    return counts.join(funds, how="outer").fillna(0).reset_index()


def by_column(d, p, column: str, missing: str) -> pd.DataFrame:
    r = window(d, p)
    return _counts(r, r[column].fillna(missing)).sort_values("received", ascending=False).reset_index()


def satisfaction_levels(d, p) -> pd.DataFrame:
    r = window(d, p)
    return pd.DataFrame({"satisfaction": ["满意", "基本满意", "不满意"],
                         "count": [int(r.satisfied.sum()), int(r.basic.sum()), int(r.unsatisfied.sum())],
                         "valid": int(r.valid.sum())})


def dissatisfaction_reasons(d, p) -> pd.DataFrame:
    r = window(d, p)
    r = r[r.unsatisfied]
    reason = r.dissatisfaction_reason.str.strip().replace("", None).fillna("未注明原因")
    return reason.value_counts().rename_axis("dissatisfaction_reason").reset_index()


def workflow_durations(d, p) -> pd.DataFrame:
    r = window(d, p)
    spans = {"受理至派单": (r.dispatched_at - r.received_at),
             "派单至接单": (r.accepted_at - r.dispatched_at),
             "受理至办结": (r.closed_at - r.received_at)[r.closed]}
    rows = []
    for step, s in spans.items():
        h = s.dt.total_seconds() / 3600
        h = h[h >= 0]
        rows.append((step, len(h), h.quantile(0.5), h.quantile(0.9)))
    return pd.DataFrame(rows, columns=["step", "count", "median_hours", "p90_hours"])


def overdue_cases(d, p, max_rows: int = 500) -> pd.DataFrame:
    r = window(d, p)
    late = r[r.overdue]
    days = (late.closed_at.dt.normalize().fillna(pd.Timestamp(p["end"])) - late.due).dt.days
    late = late.assign(days_late=days).merge(d["catalog"][["item_code", "item_name"]], on="item_code", how="left")
    return late.sort_values(["days_late", "due", "record_id"], ascending=[False, True, True]).head(max_rows)


def record_page(d, p, size: int = 50) -> tuple[int, pd.DataFrame]:
    r = window(d, p)
    return len(r), r.sort_values(["received_at", "record_id"], ascending=False).head(size)


# ── the pages ───────────────────────────────────────────────────────────────────────────────────

def overview(d, p, before, child_digits):
    return (kpi_summary(d, p), before and kpi_summary(d, before), monthly_trend(d, p),
            unit_scores(d, p, child_digits))


def brands(d, p, before, child_digits):
    return center_scores(d, p, True), before and center_scores(d, before, True)


def funds(d, p, before, child_digits):
    return (funds_by(d, p, "fund_source"), funds_by(d, p, "purpose"), funds_by(d, p, "fiscal_year"),
            center_scores(d, p, False), funds_by_unit(d, p, child_digits))


def satisfaction(d, p, before, child_digits):
    return (kpi_summary(d, p), monthly_trend(d, p), unit_scores(d, p, child_digits),
            before and unit_scores(d, before, child_digits), satisfaction_levels(d, p), dissatisfaction_reasons(d, p))


def services(d, p, before, child_digits):
    return (kpi_summary(d, p), by_column(d, p, "item_code", ""), by_column(d, p, "category_code", ""),
            by_column(d, p, "channel", "未注明渠道"), by_column(d, p, "group_tag", "未注明人群"),
            workflow_durations(d, p), overdue_cases(d, p))


def records(d, p, before, child_digits):
    return record_page(d, p)


def map_page(d, p, before, child_digits):
    """地图: the child units' counts (the choropleth), and from a county down each center's counts and
    position (the points)."""
    units = unit_scores(d, p, child_digits)
    if len(p["region"]) < 6:
        return units
    c = d["centers"]
    c = c[c.region_code.str.startswith(p["region"])][["center_id", "center_name", "center_type", "region_code",
                                                         "longitude", "latitude"]]
    return units, c.merge(unit_scores(d, p, 0), left_on="center_id", right_on="unit_code", how="left")


def data_import(d, p, before, child_digits):
    spans = {"service_records": d["records"].received_at, "centers": d["centers"].opened_on,
             "funds": d["funds"].disbursed_on, "activities": d["activities"].activity_date}
    loaded = pd.DataFrame([(t, len(s), s.min(), s.max()) for t, s in spans.items()],
                          columns=["table_name", "row_count", "first_date", "last_date"])
    return loaded, d["import_log"].sort_values("import_id", ascending=False).head(200)


class Records:
    """The records of a region as the rules' yardsticks read them (Rule.yardstick in dangqun/alerts/rules):
    the region's rows and columns a rule asks for, received between two days, grouped by unit."""

    def __init__(self, d, region: str):
        self.records = r = d["records"]
        self.mine = r.region_code.str.startswith(region)
        self.names = d["regions"].set_index("region_code").region_name
        self.items = d["catalog"].set_index("item_code").item_name

    def rows(self, keep, cols):
        # only the rows and columns a rule reads: a copy of all 20M records would not fit in memory
        return self.records.loc[self.mine & keep, ["received_at", "region_code", *cols]]

    def received(self, start, end):
        r = self.records
        return (r.received_at >= pd.Timestamp(start)) & (r.received_at < pd.Timestamp(end) + pd.Timedelta(days=1))

    def units(self, frame, digits):
        code = frame.region_code.str[:digits].str.pad(12, side="right", fillchar="0")
        return code, code.map(self.names).fillna(code)

    def item_counts(self, params):
        """alert_item_counts: each unit's 事项 in the month and in the base months (诉求突增 and 热点 read it)."""
        now = self.rows(self.received(params["start"], params["end"]), ["item_code"])
        base = self.rows(self.received(params["base_start"], params["base_end"]), ["item_code"])
        code_now, code_base = self.units(now, params["digits"])[0], self.units(base, params["digits"])[0]
        out = pd.concat([now.groupby([code_now, now.item_code]).size().rename("received"),
                         base.groupby([code_base, base.item_code]).size().rename("base_received")], axis=1)
        out = out.fillna(0).astype("int64").rename_axis(["unit_code", "item_code"]).reset_index()
        return out.assign(unit_name=out.unit_code.map(self.names).fillna(out.unit_code),
                          item_name=out.item_code.map(self.items).fillna(out.item_code))


def alerts_page(d, p, before, child_digits):
    """预警: the month's alerts of the region found on each click, as a dashboard without a stored table
    would: each rule's frames computed from the records in pandas (its yardstick, beside its module in
    dangqun/alerts/rules), then the rules themselves (dangqun.alerts.find, the Python the stored table is
    filled by). 热点 by 事项: the frames hold no 诉求内容."""
    from dangqun import alerts
    from dangqun.alerts.rules import RULES

    cfg = alerts.load_config()
    w = Records(d, p["region"])
    r = w.records
    latest, first = r.received_at[w.mine].max().date(), r.received_at[w.mine].min().date()
    period = alerts.period_of(p["end"])
    q = alerts.query_params(p["region"].ljust(12, "0"), period, latest, cfg)
    frames = {}
    for rule in RULES:
        if rule.yardstick is not None:
            frames.update(rule.yardstick(w, q))
    return alerts.find(frames, period, latest, first, cfg)


# benched page's script → its pandas computation; the keys are exactly registry.benched()'s files (a test
# checks it), so a page added to the bench without its pandas way fails there, not mid-run
PAGES = {"app_pages/overview.py": overview, "app_pages/brands.py": brands, "app_pages/funds.py": funds,
         "app_pages/satisfaction.py": satisfaction, "app_pages/services.py": services, "app_pages/records.py": records,
         "app_pages/map.py": map_page, "app_pages/alerts.py": alerts_page, "app_pages/data_import.py": data_import}
