"""The 大屏: its settings (config/screen.toml), which headline cards it shows and which panel is up."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from dangqun import metric_registry
from dangqun.views import overview

CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "config" / "screen.toml"
PANELS = ("trend", "ranking", "map", "alerts")
# the cards config/screen.toml may name (any of 总览's), and those it shows when it names none
CARDS = tuple(m.label for m in metric_registry.shown_in(metric_registry.CARDS))
DEFAULT_CARDS = tuple(m.label for m in metric_registry.shown_in(metric_registry.SCREEN))


@dataclass(frozen=True)
class ScreenConfig:
    rotate_seconds: int
    panels: tuple[str, ...]
    cards: tuple[str, ...]
    ranking_rows: int
    chart_font_px: int = 22


def load_config(path: Path | None = None) -> ScreenConfig:
    """config/screen.toml (or `path`); a wrong value stops the page with the file, the key and why."""
    path = path or CONFIG_PATH
    with open(path, "rb") as f:
        raw = tomllib.load(f)

    def fail(key, reason):
        raise ValueError(f"{path.name}：{key} {reason}")

    seconds, rows = raw.get("rotate_seconds", 20), raw.get("ranking_rows", 15)
    font = raw.get("chart_font_px", 22)
    panels, cards = tuple(raw.get("panels", PANELS)), tuple(raw.get("cards", DEFAULT_CARDS))
    if not isinstance(seconds, int) or seconds < 5:
        fail("rotate_seconds", f"应为不小于 5 的整数秒，现为 {seconds!r}")
    if not panels or any(p not in PANELS for p in panels):
        fail("panels", f"只能取 {'、'.join(PANELS)}，现为 {list(panels)!r}")
    if not cards or any(c not in CARDS for c in cards):
        fail("cards", f"只能取总览的指标 {'、'.join(CARDS)}，现为 {list(cards)!r}")
    if not isinstance(rows, int) or rows < 1:
        fail("ranking_rows", f"应为正整数，现为 {rows!r}")
    if isinstance(font, bool) or not isinstance(font, int) or not 12 <= font <= 96:
        fail("chart_font_px", f"应为 12 到 96 之间的整数（像素），现为 {font!r}")
    return ScreenConfig(seconds, panels, cards, rows, font)


def panel(tick: int, cfg: ScreenConfig) -> str:
    """The panel up at the `tick`-th refresh (0 when the page opens), round the configured order."""
    return cfg.panels[tick % len(cfg.panels)]


def headline(now: dict, before: dict | None, lang: str, cfg: ScreenConfig) -> list[overview.Card]:
    """The 总览 cards named in the config, in its order (same values and deltas as on 总览)."""
    keys = [card.label for card in overview.cards(now, before, "zh")]
    by_key = dict(zip(keys, overview.cards(now, before, lang)))
    return [by_key[key] for key in cfg.cards]


def ranking_rows(units, cfg: ScreenConfig):
    """The best `ranking_rows` units by 综合成绩 (unranked ones last, as on 总览)."""
    return units.sort_values("composite_score", ascending=False, na_position="last").head(cfg.ranking_rows)
