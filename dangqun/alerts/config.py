"""config/alerts.toml as the rules read it: each registered rule's settings from its section
(Rule.section, Rule.settings), as an attribute named like the rule (cfg.backlog.min_cases)."""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dangqun.alerts.rules import RULES

CONFIG_PATH = Path(__file__).resolve().parent.parent.parent / "config" / "alerts.toml"


@dataclass(frozen=True)
class AlertConfig:
    """Rule name → its settings (the rule module's Settings), read as attributes: cfg.repeat.window_days."""
    rules: Mapping[str, Any]

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "rules":
            raise AttributeError(name)
        try:
            return self.rules[name]
        except KeyError:
            raise AttributeError(f"no 预警 rule {name!r} in the registry (dangqun/alerts/rules)") from None


def load_config(path=None) -> AlertConfig:
    return _load_config(str(path or CONFIG_PATH))


@lru_cache(maxsize=8)
def _load_config(path: str) -> AlertConfig:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    return AlertConfig({rule.name: rule.settings(raw[rule.section]) for rule in RULES})
