"""The one list of the 预警 rules, one module each in this folder (README 「新增预警规则 / Adding a 预警 rule」):
the configuration (dangqun.alerts.config), the queries asked and the frames gathered, the evaluation, the
stored records, the bench's yardstick, the cards and the inventory test all read RULES, so a rule is added
here once. The order is the cards' and the 通报's, and breaks ties in the alerts' order."""
from __future__ import annotations

from dangqun.alerts.base import Rule
from dangqun.alerts.rules import backlog, hotspot, repeat, satisfaction, spike, yellow

RULES: tuple[Rule, ...] = (
    backlog.RULE,
    satisfaction.RULE,
    yellow.RULE,
    repeat.RULE,
    spike.RULE,
    hotspot.RULE,
)


def by_name(name: str) -> Rule:
    return next(r for r in RULES if r.name == name)
