"""Service records, generated vectorised one (county, month) block at a time, over the demo's years.

Every block is drawn with numpy into small integer codes and inserted through Arrow, so memory stays
bounded at any size. Figures of the report are planted as quotas (so many rows of item X at
center Y), spread over the blocks in proportion to their size.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
import numpy as np
import pandas as pd
import pyarrow as pa

from dangqun import contract, workdays
from dangqun.demo import anomalies as A
from dangqun.demo import figures as F
from dangqun.demo import names as N
from dangqun.demo.centers import COMMUNITY, POST, STATION, TOWN, VILLAGE

DAY = 86_400
HOUR = 3_600
SNAP = int((np.datetime64(F.SNAPSHOT, "s") - np.datetime64("1970-01-01T00:00:00", "s")).astype(int))

# Category mix (大类 01–12) by center kind: villages farm and pay insurance, communities live in town.
CATEGORY_MIX = {
    VILLAGE:   (6, 14, 14, 5, 9, 8, 4, 3, 14, 10, 6, 7),
    COMMUNITY: (6, 13, 13, 7, 9, 11, 5, 3, 1, 10, 8, 14),
    TOWN:      (5, 15, 14, 8, 9, 8, 5, 4, 7, 13, 6, 6),
    STATION:   (3, 15, 15, 4, 8, 9, 5, 3, 0.5, 12, 8, 17),
    POST:      (2, 10, 10, 10, 3, 20, 2, 2, 0.5, 5, 10, 26),
}
# Month factors by category: 社保/医保 缴费 peaks in winter, 农业 in spring, 退役军人 at 春节 and 八一.
FLAT = (1,) * 12
SEASON = np.array([
    FLAT,
    (1.5, 1.2, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 1.0, 1.4, 1.8, 2.0),
    (1.6, 1.2, 0.9, 0.7, 0.7, 0.7, 0.7, 0.8, 1.1, 1.5, 1.9, 2.0),
    (0.7, 1.3, 1.4, 1.1, 1.0, 1.0, 1.1, 1.0, 1.0, 0.9, 0.8, 0.7),
    (1.4, 1.2, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.3),
    FLAT,
    FLAT,
    (1.5, 1.1, 0.9, 0.9, 0.9, 0.9, 1.4, 1.0, 0.9, 0.9, 0.9, 1.0),
    (0.5, 0.9, 1.8, 2.0, 1.6, 1.1, 0.9, 0.8, 1.0, 1.0, 0.6, 0.5),
    FLAT,
    (0.9, 1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9),
    (1.2, 1.1, 0.9, 0.9, 1.0, 1.1, 1.1, 1.1, 1.0, 0.9, 1.0, 1.2),
])
# group tags (contract.GROUP_TAGS order: 老年人 残疾人 低保 退役军人 党员 新就业群体 其他) by category
GROUP_BY_CATEGORY = np.array([
    (10, 1, 1, 3, 80, 0, 5),
    (40, 4, 5, 3, 5, 3, 40),
    (40, 5, 7, 3, 4, 2, 39),
    (3, 4, 5, 6, 4, 18, 60),
    (35, 10, 35, 2, 3, 0, 15),
    (50, 6, 5, 2, 3, 2, 32),
    (10, 80, 5, 1, 1, 0, 3),
    (10, 3, 2, 80, 3, 0, 2),
    (30, 2, 3, 2, 5, 0, 58),
    (25, 3, 3, 2, 3, 4, 60),
    (25, 3, 5, 3, 3, 3, 58),
    (45, 5, 5, 2, 4, 6, 33),
], dtype=float)
CHANNEL_BY_KIND = {   # 窗口 电话 网上 家庭代办站 12345转办 上门 主动发现
    VILLAGE:   (55, 15, 8, 0, 5, 10, 7),
    COMMUNITY: (45, 18, 15, 0, 10, 6, 6),
    TOWN:      (62, 12, 12, 0, 8, 2, 4),
    STATION:   (0, 5, 15, 75, 0, 5, 0),
    POST:      (60, 10, 25, 0, 0, 0, 5),
}
PROXY_CHANNEL = (40, 0, 35, 0, 0, 25, 0)    # 全程代理 / 网上代办 outside 望花
CH = {c: i for i, c in enumerate(contract.CHANNELS)}
GT = {g: i for i, g in enumerate(contract.GROUP_TAGS)}
ST = {s: i for i, s in enumerate(contract.STATUSES)}


@dataclass
class Quota:
    """count rows of a county drawn with fixed item(s), center(s), group and channel."""
    county: str
    count: int
    items: list[int]
    centers: list[int] | None = None
    group: list[int] | None = None
    channel: int | None = None
    closed: bool = False          # forced 已办结 (and received before December 2022)
    per_block: dict = field(default_factory=dict)


def _calendar(start: dt.date = F.START):
    days = np.arange(np.datetime64(start), np.datetime64(F.END) + 1, dtype="datetime64[D]")
    cal_days, _, work = workdays._calendar()
    work = work[(days[0] - cal_days[0]).astype(int):][: len(days)]
    dates = [d.item() for d in days]
    holiday = np.array([chinese_calendar.get_holiday_detail(d)[1] is not None for d in dates])
    weekday = np.array([d.weekday() for d in dates])
    weight = np.where(work, np.where(weekday == 0, 1.15, np.where(weekday == 4, 0.95, 1.0)), 0.28)
    weight = np.where(holiday & ~work, 0.1, weight)
    return days, weight


def _largest_remainder(total: int, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


class RecordGenerator:
    def __init__(self, centers: pd.DataFrame, catalog: pd.DataFrame, total: int, rng, plant_rng=None,
                 years: int = F.DEFAULT_YEARS, night_rng=None, texts=None):
        self.rng = rng
        # 诉求内容 (dangqun.demo.texts) from a generator of its own: without it the column stays empty
        self.texts = texts
        # the planted 诉求突增 (dangqun.demo.anomalies) draws from its own generator
        self.plant_rng = plant_rng if plant_rng is not None else np.random.default_rng(0)
        # the AB posts' night receipts (_night_shift) too: every other draw stays as it was
        self.night_rng = night_rng if night_rng is not None else np.random.default_rng(7)
        self.total = total
        start = F.first_day(years)
        self.years = tuple(range(start.year, F.END.year + 1))
        self.days, self.day_weight = _calendar(start)
        self.epoch_day0 = int((self.days[0] - np.datetime64("1970-01-01", "D")).astype(int))
        self._catalog(catalog)
        self._centers(centers)
        self._towns(rng)
        self.blocks = self._plan_blocks()
        # the report's figures are counts of 2021–2022: scaled by the records those two years got, so with
        # more years (`total` spread over all of them) a figure keeps its share of a month's records
        self.scale = sum(b[3] for b in self.blocks if b[1] >= F.START.year) / F.DEFAULT_RECORDS
        self.quotas = self._quotas()
        self._spread_quotas()
        self.residents = {c: self._resident_pool(c) for c in F.DEMO_COUNTIES}
        self.seq = 0

    # --- set-up -------------------------------------------------------------------------------
    def _catalog(self, catalog: pd.DataFrame) -> None:
        self.item_codes = catalog.item_code.to_numpy()
        self.item_cat = catalog.category_code.astype(int).to_numpy() - 1
        self.promised = catalog.promised_days.to_numpy().astype(np.int64)
        mode = catalog.handling_mode.to_numpy()
        self.proxy_mode = np.isin(mode, ("全程代办", "网上代办"))
        # popularity within a category, fixed per build
        self.item_pop = self.rng.gamma(2.0, 1.0, len(catalog))
        self.item_index = {c: i for i, c in enumerate(self.item_codes)}

    def _centers(self, c: pd.DataFrame) -> None:
        self.center_ids = pa.array(c.center_id.to_list(), pa.string())
        self.kind = c.kind.to_numpy().astype(np.int8)
        self.county = c.county.to_numpy()
        self.weight = c.weight.to_numpy().astype(float)
        opened = pd.to_datetime(c.opened_on).to_numpy().astype("datetime64[D]")
        self.open_day = (opened - self.days[0]).astype(np.int64)
        index = {cid: i for i, cid in enumerate(c.center_id)}
        town_of = ("ZX" + c.region_code.str[:9] + "000").map(index)
        parent = c.parent_center_id.map(index)
        self.fallback = np.where(parent.notna(), parent.fillna(-1), town_of.fillna(-1)).astype(np.int64)
        self.town_code = c.region_code.str[:9].to_numpy()
        self.index = index
        self.center_frame = c
        # handlers: staff_count masked names per center, flattened with offsets
        staff = c.staff_count.fillna(2).to_numpy().astype(np.int64)
        self.handler_count = staff
        self.handler_offset = np.concatenate([[0], np.cumsum(staff)[:-1]])
        self.handler_pool = self._masked_name_codes(int(staff.sum()))
        self.xiaoge = next(i for i, n in enumerate(c.center_name) if "小哥医院" in n)
        # the share of its receipts a 24-hour AB-post center takes at night, some more than others; a few
        # only carry the name and take no more than any center's evening online receipts
        ab = c.has_ab_post.fillna(False).to_numpy(dtype=bool)
        share = self.night_rng.uniform(*NIGHT_SHARE, len(c))
        name_only = self.night_rng.random(len(c)) < NAME_ONLY
        self.night_share = np.where(ab & ~name_only, share, 0.0)

    def _towns(self, rng) -> None:
        """A few towns answer late, a few leave residents clearly unsatisfied (黄榜 material)."""
        towns = sorted(set(self.town_code[self.kind == VILLAGE]) - {"210681107"})
        picks = rng.choice(len(towns), 6, replace=False)
        self.late_towns = {towns[i] for i in picks[:3]}
        self.weak_towns = {towns[i] for i in picks[3:]}
        self.late_rate = np.where(np.isin(self.town_code, list(self.late_towns)), 0.18, 0.03)
        self.weak = np.isin(self.town_code, list(self.weak_towns))

    def _plan_blocks(self) -> list[tuple[str, int, int, int]]:
        """(county, year, month, rows): county-year counts scaled, then spread over months."""
        keys = [(c, y) for c in F.DEMO_COUNTIES for y in self.years]
        base = [F.records_per_year(c, y) for c, y in keys]
        per_year = _largest_remainder(self.total, base)
        blocks = []
        for (county, year), n in zip(keys, per_year):
            w = [self._month_weight(county, year, m) for m in range(1, 13)]
            for m, k in zip(range(1, 13), _largest_remainder(int(n), w)):
                blocks.append((county, year, m, int(k)))
        return blocks

    def _month_days(self, year: int, month: int) -> np.ndarray:
        start = (np.datetime64(dt.date(year, month, 1)) - self.days[0]).astype(int)
        end = np.datetime64(dt.date(year + month // 12, month % 12 + 1, 1)) - self.days[0]
        return np.arange(start, end.astype(int))

    def _county_mix(self, county: str) -> np.ndarray:
        mine = self.county == county
        mix = np.zeros(12)
        for kind, cats in CATEGORY_MIX.items():
            share = self.weight[mine & (self.kind == kind)].sum()
            mix += share * np.asarray(cats) / sum(cats)
        return mix / mix.sum()

    def _month_weight(self, county: str, year: int, month: int) -> float:
        season = self._county_mix(county) @ SEASON[:, month - 1]
        return season * self.day_weight[self._month_days(year, month)].sum()

    def _item_probs(self, kind: int, month: int, county: str) -> np.ndarray:
        cat = np.asarray(CATEGORY_MIX[kind], float) * SEASON[:, month - 1]
        p = cat[self.item_cat] * self.item_pop / np.bincount(self.item_cat, self.item_pop)[self.item_cat]
        for code in EXCLUDED.get(county, ()):
            p[self.item_index[code]] = 0
        return p / p.sum()

    def _quotas(self) -> list[Quota]:
        # a quota is spread over all of its county's blocks (_spread_quotas): with years before 2021 it grows
        # by the county's records of those years, so the planted items are as common in every year
        recent = {c: sum(b[3] for b in self.blocks if b[0] == c and b[1] >= F.START.year) for c in F.DEMO_COUNTIES}
        span = {c: sum(b[3] for b in self.blocks if b[0] == c) / max(recent[c], 1) for c in F.DEMO_COUNTIES}

        def n(x, county):
            return int(round(x * self.scale * span[county]))

        def centers_where(mask):
            return list(np.flatnonzero(mask))

        cf = self.center_frame
        aomulun = [self.index[cf.center_id[cf.center_name.str.endswith("敖木伦社区党群服务中心")].iloc[0]]]
        xigang_comm = centers_where((self.county == F.XIGANG) & (self.kind == COMMUNITY))
        bayilu = centers_where((self.town_code == F.BAYILU[:9]) & (self.kind == COMMUNITY))
        cat05 = [i for i, c in enumerate(self.item_codes) if c.startswith("05")]
        ix = self.item_index
        return [
            Quota(F.XIGANG, n(F.XIGANG_HEALTH_PACKS, F.XIGANG), [ix["0601"]], xigang_comm),
            Quota(F.XIGANG, n(F.XIGANG_HOME_CHECKS, F.XIGANG), [ix["0602"]], bayilu, [GT["老年人"]], CH["上门"]),
            Quota(F.WANGHUA, n(F.WANGHUA_DISPUTES, F.WANGHUA), [ix["1101"]], closed=True),
            Quota(F.KAZUO, n(F.AOMULUN_HARDSHIPS, F.KAZUO), cat05, aomulun,
                  [GT["低保"], GT["老年人"], GT["残疾人"]], closed=True),
            Quota(F.KAZUO, n(F.AOMULUN_DISPUTES, F.KAZUO), [ix["1101"]], aomulun, closed=True),
        ]

    def _spread_quotas(self) -> None:
        sizes = np.array([b[3] for b in self.blocks], float)
        for q in self.quotas:
            ok = np.array([b[0] == q.county and not (q.closed and (b[1], b[2]) == (2022, 12))
                           for b in self.blocks])
            w = np.where(ok, sizes, 0)
            counts = _largest_remainder(q.count, w) if w.sum() else np.zeros(len(w), int)
            q.per_block = {i: int(k) for i, k in enumerate(counts) if k}

    def _masked_name_codes(self, n: int) -> np.ndarray:
        """Index into MASKED_NAMES: surname × (2 or 3 characters)."""
        rng = self.rng
        s = rng.choice(len(N.SURNAMES), n, p=SURNAME_P)
        return (s * 2 + (rng.random(n) < 0.35)).astype(np.int16)

    def _resident_pool(self, county: str) -> dict:
        """Residents of a county: masked name code, masked phone, 16-hex hash (repeat visitors)."""
        rng = self.rng
        size = max(500, int(sum(b[3] for b in self.blocks if b[0] == county) / 2.5))
        prefix = np.frombuffer("".join(N.MOBILE_PREFIXES).encode(), np.uint8).reshape(-1, 3)
        phone = np.empty((size, 11), np.uint8)
        phone[:, :3] = prefix[rng.integers(0, len(prefix), size)]
        phone[:, 3:7] = ord("*")
        phone[:, 7:] = rng.integers(ord("0"), ord("9") + 1, (size, 4), dtype=np.uint8)
        phones = pa.array(phone.view("S11").ravel()).cast(pa.string())
        no_phone = rng.random(size) < 0.02
        phones = pa.array(phones.to_numpy(zero_copy_only=False), mask=no_phone) if no_phone.any() else phones
        return {"name": self._masked_name_codes(size), "phone": phones, "hash": _hex16(rng, size)}

    # --- blocks -------------------------------------------------------------------------------
    def tables(self):
        for i, (county, year, month, n) in enumerate(self.blocks):
            if n:
                table = self._block(i, county, year, month, n)
                if (county, year, month) == (A.SPIKE_COUNTY, *A.MONTH):
                    yield from self._plant_spike(table, county, year, month)
                else:
                    yield table

    def _plant_spike(self, table: pa.Table, county: str, year: int, month: int):
        """The block less k records drawn by the plant generator, and k records of the spike's 事项 at its
        center (dangqun.demo.anomalies) under the dropped records' sequence numbers: the county's month
        keeps its size and everything else its draws."""
        n = table.num_rows
        k = min(max(1, round(A.SPIKE_RECORDS * self.scale)), n // 10)
        drop = np.sort(self.plant_rng.choice(n, k, replace=False))
        keep = np.setdiff1d(np.arange(n), drop)
        rng, seq = self.rng, self.seq
        self.rng = self.plant_rng
        try:
            planted = self._block(-1, county, year, month, k, item=self.item_index[A.SPIKE_ITEM],
                                  center=self.index[A.SPIKE_CENTER])
        finally:
            self.rng, self.seq = rng, seq
        seqs = table.column("seq").take(pa.array(drop))
        planted = planted.set_column(planted.schema.get_field_index("seq"), "seq", seqs)
        yield table.take(pa.array(keep))
        yield planted.cast(table.schema)

    def _block(self, b: int, county: str, year: int, month: int, n: int, item: int | None = None,
               center: int | None = None) -> pa.Table:
        """Block b's n records; `item` and `center` (indices) fix every record's 事项 and center."""
        rng = self.rng
        fixed_item, fixed_center = item, center
        mdays = self._month_days(year, month)
        w = self.day_weight[mdays]
        day = np.repeat(mdays, rng.multinomial(n, w / w.sum()))

        if fixed_center is None:
            proxy = rng.random(n) < F.WANGHUA_PROXY_RATE if county == F.WANGHUA else np.zeros(n, bool)
            center = np.empty(n, np.int64)
            center[~proxy] = self._draw_centers(county, walk_in=True, n=int((~proxy).sum()))
            center[proxy] = self._draw_centers(county, walk_in=False, n=int(proxy.sum()))
        else:
            proxy = np.zeros(n, bool)
            center = np.full(n, fixed_center, np.int64)

        q_rows, q_items, q_groups, q_channels, forced = self._quota_rows(b, n, center)
        # a center not yet open sends its residents to the town center (or a station to its community, and
        # on to the town's if that is not open either: over years before 2021 it may not be)
        for _ in range(3):
            early = self.open_day[center] > day
            if not early.any():
                break
            center[early] = self.fallback[center[early]]
        kind = self.kind[center]

        item = np.empty(n, np.int64)
        for k in np.unique(kind):
            sel = kind == k
            item[sel] = rng.choice(len(self.item_codes), int(sel.sum()), p=self._item_probs(int(k), month, county))
        xiaoge = center == self.xiaoge
        xiaoge_items = [self.item_index[c] for c in F.XIAOGE_ITEMS]
        item[xiaoge] = rng.choice(xiaoge_items, int(xiaoge.sum()))
        item[q_rows] = q_items
        if fixed_item is not None:
            item[:] = fixed_item

        group = _draw_rows(rng, GROUP_BY_CATEGORY[self.item_cat[item]])
        group[xiaoge] = GT["新就业群体"]
        has_group = q_groups >= 0
        group[q_rows[has_group]] = q_groups[has_group]

        if county != F.WANGHUA:
            proxy = self.proxy_mode[item] & (rng.random(n) < 0.45)
        channel = _draw_rows(rng, np.array([CHANNEL_BY_KIND[k] for k in range(5)], float)[kind])
        outside = proxy & (kind != STATION)
        channel[outside] = _draw_rows(rng, np.tile(np.array(PROXY_CHANNEL, float), (int(outside.sum()), 1)))
        has_ch = q_channels >= 0
        channel[q_rows[has_ch]] = q_channels[has_ch]
        origin = ((channel == CH["主动发现"]) | (rng.random(n) < 0.125)).astype(np.int8)

        pool = self.residents[county]
        who = (len(pool["name"]) * rng.random(n) ** 1.8).astype(np.int64)
        handler = self.handler_pool[self.handler_offset[center]
                                    + rng.integers(0, 1 << 30, n) % self.handler_count[center]]

        times = self._workflow(day, channel, item, center, forced)
        self._night_shift(times, center)
        survey = self._survey(times["status"], center, times["late"])

        seq = np.arange(self.seq, self.seq + n, dtype=np.int64)
        self.seq += n
        cols = {
            "seq": seq,
            "county": pa.DictionaryArray.from_arrays(np.zeros(n, np.int8), pa.array([county])),
            "center_id": self.center_ids.take(pa.array(center)),
            "received_at": _ts(times["received"]),
            "channel": _dict(channel, contract.CHANNELS),
            "origin": _dict(origin, contract.ORIGINS),
            "item_code": _dict(item, self.item_codes),
            "group_tag": _dict(group, contract.GROUP_TAGS),
            "resident_name": _dict(pool["name"][who], MASKED_NAMES),
            "phone": pool["phone"].take(pa.array(who)),
            "resident_hash": pool["hash"].take(pa.array(who)),
            "is_proxy": pa.array(proxy),
            "dispatched_at": _ts(times["dispatched"]),
            "accepted_at": _ts(times["accepted"]),
            "replied_at": _ts(times["replied"]),
            "promised_days": pa.array(self.promised[item].astype(np.int32)),
            "due_on": pa.array(times["due"]),
            "closed_at": _ts(times["closed"]),
            "status": _dict(times["status"], contract.STATUSES),
            "handler": _dict(handler, MASKED_NAMES),
        }
        cols.update(survey)
        if self.texts is not None:
            cols["request_text"] = self.texts.draw(center, item, channel)
        return pa.table(cols)

    def _draw_centers(self, county: str, walk_in: bool, n: int) -> np.ndarray:
        if not n:
            return np.empty(0, np.int64)
        mine = self.county == county
        w = np.where(mine & (self.kind != STATION if walk_in else self.kind == STATION),
                     self.weight if walk_in else 1.0, 0.0)
        cand = np.flatnonzero(w)
        return self.rng.choice(cand, n, p=w[cand] / w[cand].sum())

    def _quota_rows(self, b: int, n: int, center: np.ndarray):
        rng = self.rng
        counts = [q.per_block.get(b, 0) for q in self.quotas]
        total = min(sum(counts), n)
        rows = rng.permutation(n)[:total]
        items, groups, channels = (np.full(total, -1, np.int64) for _ in range(3))
        forced = np.zeros(n, bool)
        at = 0
        for q, k in zip(self.quotas, counts):
            k = min(k, total - at)
            if not k:
                continue
            r = rows[at:at + k]
            items[at:at + k] = rng.choice(q.items, k)
            if q.centers is not None:
                center[r] = rng.choice(q.centers, k)
            if q.group is not None:
                groups[at:at + k] = rng.choice(q.group, k)
            if q.channel is not None:
                channels[at:at + k] = q.channel
            forced[r] = q.closed
            at += k
        return rows, items, groups, channels, forced

    def _workflow(self, day, channel, item, center, forced) -> dict:
        rng = self.rng
        n = len(day)
        day_sec = (self.epoch_day0 + day) * DAY
        online = np.isin(channel, (CH["网上"], CH["12345转办"]))
        office = np.where(rng.random(n) < 0.6, rng.normal(9.75, 1.1, n), rng.normal(14.75, 1.1, n))
        office = np.clip(office, 8.0, 17.5)
        hour = np.where(online, rng.uniform(6.5, 23.0, n), office)
        received = day_sec + (hour * HOUR).astype(np.int64) + rng.integers(0, 60, n)

        promised = self.promised[item]
        due = workdays.due_dates(day.astype("timedelta64[D]") + self.days[0], promised)
        due_sec = (due - np.datetime64("1970-01-01")).astype(np.int64) * DAY
        instant = promised == 0
        dispatched = received + np.where(instant, rng.integers(60, 600, n), 60 + rng.exponential(5400, n).astype(np.int64))
        accepted = dispatched + np.where(instant, rng.integers(60, 900, n), 60 + rng.exponential(10800, n).astype(np.int64))

        late = ~instant & ~forced & (rng.random(n) < self.late_rate[center])
        due_end = due_sec + int(17.5 * HOUR)
        span = np.maximum(due_end - accepted, HOUR)
        ontime = accepted + (rng.beta(1.6, 3.5, n) * span).astype(np.int64)
        overdue = due_sec + rng.integers(1, 13, n) * DAY
        target = np.where(late, overdue, ontime)
        # closing happens in office hours, never before acceptance
        office_close = target // DAY * DAY + rng.integers(int(8.5 * HOUR), int(17.5 * HOUR), n)
        closed = np.where(instant, accepted + rng.integers(300, 5400, n), np.maximum(office_close, accepted + 600))
        replied = closed + np.minimum(rng.exponential(6 * HOUR, n), 48 * HOUR).astype(np.int64)

        status = np.full(n, ST["已办结"], np.int8)
        returned = ~forced & (rng.random(n) < 0.012)
        status[returned] = ST["退回"]
        replied = np.where(returned, accepted + rng.integers(HOUR, 2 * DAY, n), replied)
        closed = np.where(returned, -1, closed)
        open_ = (closed > SNAP) & ~returned
        status[open_] = np.where(due_sec[open_] >= SNAP, ST["办理中"], ST["延期"])
        waiting = accepted > SNAP
        status[waiting] = ST["待受理"]
        closed[open_ | waiting] = -1
        replied[open_ | waiting | (replied > SNAP)] = -1
        accepted = np.where(waiting, -1, accepted)
        dispatched = np.where(dispatched > SNAP, -1, dispatched)
        return {"received": received, "dispatched": dispatched, "accepted": accepted, "closed": closed,
                "replied": replied, "due": due, "status": status, "late": late}

    def _night_shift(self, times: dict, center: np.ndarray) -> None:
        """The 24-hour AB posts serve at night, after midnight too (the source report's 西岗): some of an
        AB-post center's receipts move to a night hour of the same day, their dispatching and acceptance
        with them, drawn from night_rng alone. Only the time of day changes: the day, and with it the
        deadline, the closing, the status and every count, stays as drawn. A receipt moves later in the day
        (an evening hour) only where dispatching and acceptance still come before its closing, its reply
        and the export; otherwise, and for the receipts drawn for after midnight, to the early morning hour
        (earlier in the day, so every later time stays in order; one that would be later stays where it was)."""
        rng = self.night_rng
        n = len(center)
        chosen = rng.random(n) < self.night_share[center]
        k = int(chosen.sum())
        to_evening = rng.random(k) < EVENING_SHARE
        evening_at = rng.choice(len(EVENING_HOURS), k, p=EVENING_P)
        morning_at = rng.choice(len(MORNING_HOURS), k, p=MORNING_P)
        within = rng.integers(0, HOUR, k)
        if not k:
            return
        rows = np.flatnonzero(chosen)
        received = times["received"][rows]
        day_start = received // DAY * DAY
        evening = day_start + EVENING_HOURS[evening_at] * HOUR + within
        morning = day_start + MORNING_HOURS[morning_at] * HOUR + within
        dispatched, accepted = times["dispatched"][rows], times["accepted"][rows]
        shift = evening - received
        # nothing that came after the receipt may come before it once moved, nor after the export
        limit = np.full(k, SNAP, np.int64)
        for later in (times["closed"][rows], times["replied"][rows]):
            limit = np.where(later >= 0, np.minimum(limit, later), limit)
        latest = np.maximum(dispatched, accepted)
        fits = (dispatched >= 0) & (accepted >= 0) & (latest + shift < limit)
        new = np.where(to_evening & fits, evening, morning)
        shift = new - received
        # a move to the morning is earlier in the day: every time after it moves earlier, still in order
        ok = fits | (shift <= 0)
        rows, shift = rows[ok], shift[ok]
        times["received"][rows] += shift
        for col in ("dispatched", "accepted"):
            has = times[col][rows] >= 0
            times[col][rows[has]] += shift[has]

    def _survey(self, status, center, late) -> dict:
        """回访 of closed records; weak towns answer worse, late cases too."""
        rng = self.rng
        n = len(status)
        closed = status == ST["已办结"]
        weak = self.weak[center]
        in_assessment = rng.random(n) < 0.9
        valid = rng.random(n) < 0.70
        contacted = rng.random(n) < np.where(weak, 0.90, 0.985)
        solved = rng.random(n) < np.where(weak, 0.70, np.where(late, 0.80, 0.94))
        p_sat = np.where(weak[:, None],
                         np.where(solved[:, None], [0.55, 0.20, 0.25], [0.05, 0.25, 0.70]),
                         np.where(solved[:, None], [0.90, 0.08, 0.02], [0.15, 0.35, 0.50]))
        sat = _draw_rows(rng, p_sat)
        score = np.select([sat == 0, sat == 1], [np.where(rng.random(n) < 0.8, 5, 4),
                                                 np.where(rng.random(n) < 0.3, 4, 3)],
                          np.where(rng.random(n) < 0.4, 1, 2))
        reason = rng.integers(0, len(N.DISSATISFACTION_REASONS), n)
        answered = closed & valid & contacted
        return {
            "in_assessment": pa.array(in_assessment, mask=~closed),
            "survey_valid": pa.array(valid, mask=~closed),
            "contacted": pa.array(contacted, mask=~(closed & valid)),
            "solved": pa.array(solved, mask=~answered),
            "satisfaction": _dict(sat, contract.SATISFACTION, ~answered),
            "score": pa.array(score.astype(np.int32), mask=~answered),
            "dissatisfaction_reason": _dict(reason, N.DISSATISFACTION_REASONS, ~(answered & (sat == 2))),
        }


# An AB-post center takes this share of its receipts at night (uniform between the two, per center; NAME_ONLY of
# the centers none), at these hours: in the evening, or after midnight (and the evening's receipts that would not
# fit before their closing, _night_shift), a few in the small hours and more towards the morning.
NIGHT_SHARE = (0.05, 0.25)
NAME_ONLY = 0.15
EVENING_SHARE = 0.7          # of the night's receipts in the evening (20–24 时), the rest after midnight (0–8 时)
EVENING_HOURS = np.array([20, 21, 22, 23])
EVENING_P = np.array([0.34, 0.29, 0.22, 0.15])
MORNING_HOURS = np.array([0, 1, 2, 3, 4, 5, 6, 7])
MORNING_P = np.array([0.10, 0.07, 0.05, 0.04, 0.04, 0.08, 0.22, 0.40])
# 西岗's health packs and home checks, 望花's disputes are planted exactly, not drawn at random
EXCLUDED = {F.XIGANG: ("0601", "0602"), F.WANGHUA: ("1101",)}
MASKED_NAMES = [s + "*" * k for s in N.SURNAMES for k in (1, 2)]
SURNAME_P = 1.0 / np.arange(1, len(N.SURNAMES) + 1) ** 0.9
SURNAME_P = SURNAME_P / SURNAME_P.sum()


def _draw_rows(rng, p: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows × options) weight matrix."""
    cum = np.cumsum(p, axis=1)
    u = rng.random(len(p)) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).astype(np.int64)


def _dict(codes, values, null_mask=None) -> pa.DictionaryArray:
    idx = pa.array(np.asarray(codes).astype(np.int32), mask=null_mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(values), pa.string()))


def _ts(seconds: np.ndarray) -> pa.Array:
    return pa.array(seconds.astype("datetime64[s]"), mask=seconds < 0)


def _hex16(rng, n: int) -> pa.Array:
    raw = rng.integers(0, 256, (n, 8), dtype=np.uint8)
    digits = np.frombuffer(b"0123456789abcdef", np.uint8)
    out = np.empty((n, 16), np.uint8)
    out[:, 0::2] = digits[raw >> 4]
    out[:, 1::2] = digits[raw & 15]
    return pa.array(out.view("S16").ravel()).cast(pa.string())
