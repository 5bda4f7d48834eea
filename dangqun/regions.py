"""Region codes: 12 digits everywhere; a prefix of a code selects everything under it."""
from __future__ import annotations

import re

PROVINCE = "210000000000"
# digits that identify a code at each level: province, city, county, town, village
LEVEL_DIGITS = (2, 4, 6, 9, 12)
LEVEL_NAMES = ("省", "市", "县", "乡镇街道", "村社区")


class BadRegionCode(ValueError):
    pass


def normalise_code(code: str | int | None) -> str:
    """'210681' → '210681000000'; 12-digit codes pass; anything else raises BadRegionCode."""
    text = str(code or "").strip()
    if re.fullmatch(r"\d{6}", text):
        text += "000000"
    if not re.fullmatch(r"\d{12}", text):
        raise BadRegionCode(f"区划代码应为 6 位或 12 位数字：{str(code)[:40]}")
    return text


def level_of(code: str) -> int:
    """0 province … 4 village, from which digit groups are non-zero."""
    code = normalise_code(code)
    if code[9:] != "000":
        return 4
    if code[6:9] != "000":
        return 3
    if code[4:6] != "00":
        return 2
    if code[2:4] != "00":
        return 1
    return 0


def prefix(code: str) -> str:
    """The leading digits that every code under `code` shares ('210681000000' → '210681')."""
    code = normalise_code(code)
    return code[: LEVEL_DIGITS[level_of(code)]]


def contains(scope: str, code: str) -> bool:
    return normalise_code(code).startswith(prefix(scope))
