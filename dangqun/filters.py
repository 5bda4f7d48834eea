"""The sidebar's filter state as plain data: parsing and writing the URL, the cascade, drilling.

Streamlit-free so that the URL rules, the cascade and the breadcrumb are tested as functions;
dangqun.ui only draws widgets for a `Filters` and writes back what the official chose.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Mapping

from dangqun import periods, regions

LEVEL_KEYS = ("city", "county", "town", "village")      # URL names and Filters fields, top down
LANGS = ("zh", "en")


@dataclass(frozen=True)
class RegionIndex:
    """The regions an official may pick: code → (name, level 0–4, parent code)."""
    names: Mapping[str, str]
    levels: Mapping[str, int]
    parents: Mapping[str, str | None]
    root: str = regions.PROVINCE

    @classmethod
    def from_frame(cls, frame, root: str = regions.PROVINCE) -> "RegionIndex":
        """`frame` has region_code, region_name, level_no (0–4), parent_code (the region_options query)."""
        return cls(
            names=dict(zip(frame.region_code, frame.region_name)),
            levels={c: int(l) for c, l in zip(frame.region_code, frame.level_no)},
            parents=dict(zip(frame.region_code, frame.parent_code)),
            root=root,
        )

    def children(self, code: str) -> list[str]:
        return sorted(c for c, p in self.parents.items() if p == code)

    def path(self, code: str) -> list[str]:
        """From the root down to `code` (inclusive); [] when code is not under the root."""
        chain = []
        while code and code in self.names:
            chain.append(code)
            if code == self.root:
                return chain[::-1]
            code = self.parents.get(code)
        return []

    def name(self, code: str) -> str:
        return self.names.get(code, code)


@dataclass(frozen=True)
class Filters:
    period: periods.Period
    preset: str = "year"
    compare: str = "yoy"
    compare_period: periods.Period | None = None
    city: str = ""
    county: str = ""
    town: str = ""
    village: str = ""
    category: str = ""
    channel: str = ""
    lang: str = "zh"
    notices: tuple[str, ...] = field(default=(), compare=False)

    def region(self, root: str = regions.PROVINCE) -> str:
        """The deepest chosen region, else the root of the official's scope."""
        for key in reversed(LEVEL_KEYS):
            if getattr(self, key):
                return getattr(self, key)
        return root

    def params(self, period: periods.Period | None = None, root: str = regions.PROVINCE,
               as_of: dt.date | None = None) -> dict:
        """Bound parameters shared by the filtered queries (see dangqun/sql/); `as_of` is the day a
        comparison period's cases are counted to (periods.vintage), None for the period itself."""
        period = period or self.period
        return {"region": regions.prefix(self.region(root)), "start": period.start, "end": period.end,
                "category": self.category, "channel": self.channel, "as_of": as_of}

    def compare_params(self, data_through: dt.date | None, root: str = regions.PROVINCE) -> dict | None:
        """params() of the comparison period counted like with like (periods.vintage); None: no comparison."""
        if self.compare_period is None:
            return None
        cut = periods.vintage(self.period, self.compare_period, data_through)
        return self.params(self.compare_period, root, cut.as_of if cut else None)

    def with_region(self, code: str, index: RegionIndex) -> "Filters":
        """Drill (or step back) to `code`: every level on its path set, the levels below cleared."""
        chain = [c for c in index.path(code) if c != index.root]
        values = {key: "" for key in LEVEL_KEYS}
        for c in chain:
            level = index.levels[c]
            if 1 <= level <= 4:
                values[LEVEL_KEYS[level - 1]] = c
        return dataclasses.replace(self, **values)


def default_filters(latest: dt.date, lang: str = "zh") -> Filters:
    period = periods.preset_period("year", latest)
    return Filters(period=period, preset="year", compare="yoy",
                   compare_period=periods.comparison_period(period, "yoy"), lang=lang)


def _parse_compare(value: str) -> tuple[str, periods.Period | None] | None:
    if value in ("yoy", "mom", "none"):
        return value, None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", value)
    if m:
        start, end = periods.parse_date(m.group(1)), periods.parse_date(m.group(2))
        if start and end and start <= end:
            return "custom", periods.Period(start, end)
    return None


def from_query(query: Mapping[str, str], index: RegionIndex, latest: dt.date,
               categories: Mapping[str, str], channels: tuple[str, ...]) -> Filters:
    """Filters from URL parameters (the names links and bookmarks carry). Anything invalid falls back to its default and
    is named in `notices`; nothing here raises on user input."""
    notices: list[str] = []
    f = default_filters(latest)
    get = lambda k: str(query.get(k, "") or "").strip()[:64]  # noqa: E731 — hostile URLs can be long

    lang = get("lang")
    if lang in LANGS:
        f = dataclasses.replace(f, lang=lang)
    elif lang:
        notices.append(f"lang={lang}")

    # region: the deepest valid level wins; each level must sit under the one above it
    chosen = index.root
    for depth, key in enumerate(LEVEL_KEYS, start=1):
        raw = get(key)
        if not raw:
            continue
        try:
            code = regions.normalise_code(raw)
        except regions.BadRegionCode:
            notices.append(f"{key}={raw}")
            break
        if code not in index.names or index.levels.get(code) != depth or chosen not in index.path(code):
            notices.append(f"{key}={raw}")
            break
        chosen = code
    f = f.with_region(chosen, index)

    start_raw, end_raw = get("start"), get("end")
    if start_raw or end_raw:
        start, end = periods.parse_date(start_raw), periods.parse_date(end_raw)
        if start and end and start <= end:
            period = periods.Period(start, end)
            f = dataclasses.replace(f, period=period, preset=periods.match_preset(period, latest))
        else:
            notices.append(f"start={start_raw}, end={end_raw}")

    compare_raw = get("compare")
    parsed = _parse_compare(compare_raw) if compare_raw else (f.compare, None)
    if parsed is None:
        notices.append(f"compare={compare_raw}")
        parsed = ("yoy", None)
    mode, custom = parsed
    f = dataclasses.replace(f, compare=mode,
                            compare_period=custom if mode == "custom" else periods.comparison_period(f.period, mode))

    cat, ch = get("cat"), get("ch")
    if cat and cat not in categories:
        notices.append(f"cat={cat}")
        cat = ""
    if ch and ch not in channels:
        notices.append(f"ch={ch}")
        ch = ""
    return dataclasses.replace(f, category=cat, channel=ch, notices=tuple(notices))


def choose_period(f: Filters, preset, latest: dt.date, start=None, end=None) -> Filters:
    """`f` after the official picks a period in the sidebar (custom: start..end, swapped when given
    the wrong way round). A preset that is not one of periods.PRESETS (a forged widget value) gives
    the default period and a notice, like a bad URL parameter; nothing here raises on user input."""
    if preset not in periods.PRESETS or (preset == "custom" and not (isinstance(start, dt.date)
                                                                     and isinstance(end, dt.date))):
        default = default_filters(latest, f.lang)
        return dataclasses.replace(f, preset=default.preset, period=default.period,
                                   compare_period=f.compare_period if f.compare == "custom" else
                                   periods.comparison_period(default.period, f.compare),
                                   notices=(*f.notices, f"f_period={str(preset)[:64]}"))
    if preset == "custom":
        start, end = min(start, end), max(start, end)
        period = periods.Period(start, end)
    else:
        period = periods.preset_period(preset, latest)
    cmp_period = f.compare_period if f.compare == "custom" else periods.comparison_period(period, f.compare)
    return dataclasses.replace(f, preset=preset, period=period, compare_period=cmp_period)


def to_query(f: Filters) -> dict[str, str]:
    """The URL parameters that reproduce `f` (only what differs from an empty choice)."""
    query = {key: getattr(f, key) for key in LEVEL_KEYS if getattr(f, key)}
    query["start"] = f.period.start.isoformat()
    query["end"] = f.period.end.isoformat()
    if f.compare == "custom" and f.compare_period:
        query["compare"] = f"{f.compare_period.start.isoformat()}..{f.compare_period.end.isoformat()}"
    else:
        query["compare"] = f.compare
    if f.category:
        query["cat"] = f.category
    if f.channel:
        query["ch"] = f.channel
    query["lang"] = f.lang
    return query


# the filters beside region and period, which narrow the service records only: field → its i18n label
RECORD_FILTERS = {"category": "事项大类", "channel": "受理渠道"}


def in_force(f: Filters, categories: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The record filters in force, as every page shows them under its title, downloads in their title
    rows and the 通报 in its 说明: (field, label key, value shown)."""
    return [(field, label, categories.get(value, value) if field == "category" else value)
            for field, label in RECORD_FILTERS.items() if (value := getattr(f, field))]


def breadcrumb(f: Filters, index: RegionIndex) -> list[tuple[str, str]]:
    """(code, name) from the scope root down to the current region, each a step back."""
    return [(code, index.name(code)) for code in index.path(f.region(index.root))]


def known_region(code, index: RegionIndex, scope: str | None) -> str | None:
    """`code` when it is a region the official may be taken to: a 12-digit code of the region index
    under its root and inside the account's `scope` (None: everything); else None. A widget value or
    a chart selection comes from the browser and may be forged: this is checked before it is used."""
    if not isinstance(code, str) or not re.fullmatch(r"\d{12}", code):
        return None
    if code not in index.names or not index.path(code) or (scope and not regions.contains(scope, code)):
        return None
    return code


def drill_target(code, f: Filters, index: RegionIndex, scope: str | None) -> str | None:
    """The region a click on a chart's unit drills into from `f`: a known_region strictly below the
    current one (a chart draws the units below it); None for anything else — garbage, a region
    elsewhere, or the current region itself, whose drill would change nothing and rerun for ever."""
    code = known_region(code, index, scope)
    current = f.region(index.root)
    return code if code and code != current and current in index.path(code) else None


def click_action(code: str | None, child_digits: int) -> tuple[str, str] | None:
    """What a click on a child unit's bar or marker does: ('records', center_id) below a village
    (the units are centers), otherwise ('drill', region code); None without a click."""
    if not code:
        return None
    return ("records", code) if child_digits == 0 else ("drill", code)


def child_digits(code: str) -> int:
    """How many leading digits identify the units one level below `code`; 0 below a village
    (its units are its centers)."""
    level = regions.level_of(code)
    return regions.LEVEL_DIGITS[level + 1] if level < 4 else 0
