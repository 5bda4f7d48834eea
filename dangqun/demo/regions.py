"""The regions dictionary: Liaoning's public codes plus generated villages and communities.

Cities, counties and towns come from the public division codes (a copy of the shared reference
ships beside this file so a clean clone can build the demo). Villages/communities are generated
for the six demo counties only, coded the statistical way: town code + 001–199 for 社区
(居委会), 201–399 for 村 (村委会).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dangqun.demo import figures as F
from dangqun.demo import names as N

REFERENCE = Path(__file__).with_name("liaoning_regions.csv")
LEVELS = {"city": "市", "county": "县", "township": "乡镇街道"}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None
    kind: str = ""        # for 村社区: '社区' or '村'; for towns: '街道', '镇' or '农场'


def pad(code: str) -> str:
    return code.ljust(12, "0")


def town_kind(name: str) -> str:
    if name.endswith("街道"):
        return "街道"
    if "农场" in name:
        return "农场"
    return "镇"


def reference_regions(path: Path = REFERENCE) -> list[Region]:
    out = [Region(F.PROVINCE, "辽宁省", "省", None)]
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            level = LEVELS[row["level"]]
            kind = town_kind(row["name"]) if level == "乡镇街道" else ""
            out.append(Region(pad(row["code"]), row["name"], level, pad(row["parent_code"]), kind))
    return out


def _spread(total: int, n: int, minimum: int, rng) -> list[int]:
    """n counts of at least `minimum` summing to total."""
    extra = rng.multinomial(total - n * minimum, np.full(n, 1.0 / n))
    return [minimum + int(e) for e in extra]


def _layout(county: str, towns: list[Region], rng) -> dict[str, tuple[int, int]]:
    """town code → (社区 count, 村 count) for a demo county."""
    streets = [t for t in towns if t.kind == "街道"]
    farms = [t for t in towns if t.kind == "农场"]
    rural = [t for t in towns if t.kind == "镇"]
    out: dict[str, tuple[int, int]] = {}
    if county == F.WANGHUA:
        # six streets with stations share the report's 70 communities; 李石 is newer and smaller
        covered = [12, 12, 12, 12, 11, 11]
        for t in streets:
            out[t.code] = (covered.pop(0), 0) if covered else (4, 0)
        for t, v in zip(rural, (9, 6)):
            out[t.code] = (0, v)
        return out
    street_sizes = {F.DONGGANG: [8, 7, 7], F.FENGCHENG: [6, 5, 5], F.KAZUO: [7, 7],
                    F.XIGANG: [7, 6, 8, 8, 6], F.KAIYUAN: [6, 5, 5]}[county]
    for t, n in zip(streets, street_sizes):
        out[t.code] = (n, 0)
    for t in farms:
        out[t.code] = (0, 3 if county == F.DONGGANG else 2)
    if not rural:
        return out
    town_communities = {"210681101000": 2, "210681104000": 1} if county == F.DONGGANG else {}
    if county == F.DONGGANG:
        rural_villages = (F.DONGGANG_VILLAGE_ORGS - sum(a + b for a, b in out.values())
                          - sum(town_communities.values()))
    else:
        rural_villages = {F.FENGCHENG: 150, F.KAZUO: 170, F.KAIYUAN: 150}[county]
    for t, v in zip(rural, _spread(rural_villages, len(rural), 5, rng)):
        out[t.code] = (town_communities.get(t.code, 0), v)
    return out


def _names(pool: list[str], n: int, reserved: tuple[str, ...], rng) -> list[str]:
    taken = set(reserved)
    fresh = [p for p in pool if p not in taken]
    picks = rng.choice(len(fresh), size=n - len(reserved), replace=False)
    return list(reserved) + [fresh[i] for i in sorted(picks)]


def _village_pool() -> list[str]:
    stems = [f + l for f in N.VILLAGE_FAMILIES for l in N.VILLAGE_LANDFORMS] + list(N.VILLAGE_STOCK)
    return [s + "村" for s in stems if s not in N.REAL_NAMES]


def _community_pool() -> list[str]:
    return [s + "社区" for s in N.COMMUNITY_STEMS if s not in N.REAL_NAMES]


def _reserved_communities(town: str) -> tuple[str, ...]:
    kazuo = tuple(c for c, street, _, _ in N.KAZUO_BRANDS if street == town)
    return kazuo or N.XIGANG_REAL_COMMUNITIES.get(town, ())


def generated_villages(towns: list[Region], rng) -> list[Region]:
    village_pool, community_pool = _village_pool(), _community_pool()
    out = []
    for county in F.DEMO_COUNTIES:
        county_towns = [t for t in towns if t.parent == pad(county)]
        for town_code, (n_comm, n_vill) in _layout(county, county_towns, rng).items():
            comms = _names(community_pool, n_comm, _reserved_communities(town_code), rng)
            vills = _names(village_pool, n_vill, N.DANDONG_REAL_VILLAGES.get(town_code, ()), rng)
            prefix = town_code[:9]
            out += [Region(f"{prefix}{i + 1:03d}", nm, "村社区", town_code, "社区") for i, nm in enumerate(comms)]
            out += [Region(f"{prefix}{i + 201:03d}", nm, "村社区", town_code, "村") for i, nm in enumerate(vills)]
    return out


def build_regions(rng) -> list[Region]:
    ref = reference_regions()
    towns = [r for r in ref if r.level == "乡镇街道"]
    return ref + generated_villages(towns, rng)
