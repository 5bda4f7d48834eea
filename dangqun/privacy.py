"""Masking of personal data on the way in (README 工作簿读取限制与上传文件): raw names and phones never reach the database.

The same rules exist as DuckDB macros (created by `install_macros`) so that a million-row import
masks in SQL; `mask_name`/`mask_phone` here are the reference the tests compare them with.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from pathlib import Path


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 段誉明 → 段**; one character → *."""
    if name is None:
        return None
    name = str(name).strip()
    if not name:
        return None
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812341234 → 138****1234; anything shorter than 7 characters is starred whole."""
    if phone is None:
        return None
    phone = re.sub(r"\s", "", str(phone))
    if not phone:
        return None
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


# Numbers inside free text (诉求内容, 答复意见, any cell of an unrecognised file) are masked: mobile, landline,
# ID and bank card numbers, in ASCII or full-width digits (０-９, Ｘ/ｘ as an ID's check character) or a mix of
# both, written in one piece or in groups. The first three and last four digits stay as they were typed; the
# rest, separators included, becomes four stars whatever its length (the length would tell which kind it was).
#
# A number starts at a digit not preceded by a digit and ends at one not followed by a digit. It is
#   - a run of 11 or more digits with no separator (the last may be X), whatever the digits, as before;
#   - or a number in groups, only when its digits are plausible and grouped where people group them:
#       mobile   11 digits 1[3-9]…, groups after the 3rd, 4th, 7th or 8th (138 1234 5678, 1381-2345-678);
#       landline 0 + a 2-3 digit area code, then 7-8 digits, 11 or 12 in all (010-1234 5678, 0415-7123456);
#       ID       [1-8] + 16 digits + a digit or X, groups after the 3rd, 4th, 6th, 8th, 10th, 12th, 14th or
#                16th (430302 19850101 123X, 4303 0219 8501 0123 45);
#       card     16-19 digits starting 3-6 or 9, groups after the 4th, 6th, 8th, 12th or 16th (6222 0212 3456
#                7890 123).
#     Between two groups: one or two spaces (ASCII, U+00A0, U+3000) or one dash (- － ‐ ‑ ‒ – — ― − ﹣) with at
#     most one space each side. Dates (2022-10-12), amounts, counts, house numbers and lists of short numbers
#     are groups of other sizes or too few digits, and stay as they are.
#
# RE2 (DuckDB) has no look-behind, no look-ahead and at most nine groups in a replacement, hence two passes.
# NUMBER_MARK finds the numbers, leftmost first, and puts each between two noncharacters (U+FDD0, U+FDD1);
# at one place the kinds are tried in the order ID, card, landline, mobile, run (a 17-digit card would
# leave an ID's X out). A run of four or more digits that starts no number is taken whole by the last
# alternative (with an empty pair of marks), so that no number starts inside a run: every number starts
# with three digits in a row, so a shorter run cannot hold the start of one. The character after a number
# is taken along and put back, so that none ends inside a run. NUMBER_MASK then masks what is marked, and
# the empty pairs are removed. tests/test_privacy.py checks this against one pass with look-around.
DIGITS = "0-9０-９"
D = f"[{DIGITS}]"
CHECK = f"[{DIGITS}XxＸｘ]"
SPACES = " \u00a0\u3000"
DASHES = "\\-\u2010-\u2015\u2212\ufe63\uff0d"
SEP = f"[{SPACES}{DASHES}]"
GAP = f"(?:[{SPACES}][{DASHES}]?[{SPACES}]?|[{DASHES}][{SPACES}]?)?"   # optional; one way to match each gap


def _digit(chars: str) -> str:
    """'3-69' → the class of those ASCII digits and their full-width forms."""
    return "[" + chars + "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in chars) + "]"


def _grouped(classes: list[str], gaps: set[int]) -> str:
    """One class a digit, with an optional gap after the digits numbered in gaps (from 1)."""
    return "".join(c + (GAP if i in gaps else "") for i, c in enumerate(classes, 1))


MOBILE = _grouped([_digit("1"), _digit("3-9")] + [D] * 9, {3, 4, 7, 8})
LANDLINE = (f"{_digit('0')}{D}{{3}}{GAP}{D}{{3,4}}{GAP}{D}{{4}}"       # 0415-712 3456, 0731-8456 7890
            f"|{_grouped([_digit('0'), D, D] + [D] * 8, {3, 7})}")     # 010-1234 5678
ID_NUMBER = _grouped([_digit("1-8")] + [D] * 16 + [CHECK], {3, 4, 6, 8, 10, 12, 14, 16})
CARD = _grouped([_digit("3-69")] + [D] * 15, {4, 6, 8, 12}) + f"(?:{GAP}{D}{{1,3}})?"
RUN = f"{D}{{10,}}{CHECK}"
MARK_OPEN, MARK_CLOSE = "\ufdd0", "\ufdd1"
NUMBER_MARK = f"((?:{ID_NUMBER}|{CARD}|{LANDLINE}|{MOBILE}|{RUN}))(?:([^{DIGITS}])|$)|({D}{{4,}})"
NUMBER_MARK_AS = MARK_OPEN + r"\1" + MARK_CLOSE + r"\2\3"
NUMBER_MASK = f"{MARK_OPEN}({D}{{3}})[^{MARK_CLOSE}]*({D}){SEP}*({D}){SEP}*({D}){SEP}*({CHECK}){MARK_CLOSE}"
NUMBER_MASK_AS = r"\1****\2\3\4\5"
# Ten digits and a digit or X, at most three separators between two: every number holds such a stretch,
# and a text without one (most texts) is returned as it is, without the two passes.
MAYBE_NUMBER = f"{D}(?:{SEP}{{0,3}}{D}){{9}}{SEP}{{0,3}}{CHECK}"
_MAYBE = re.compile(MAYBE_NUMBER)
_MARK = re.compile(NUMBER_MARK)
_MASK = re.compile(NUMBER_MASK)


def mask_text(text: str | None) -> str | None:
    """Free text with every phone, ID and card number masked: 电话13812341234 → 电话138****1234,
    电话１３８ １２３４ ５６７８ → 电话１３８****５６７８."""
    if text is None or not _MAYBE.search(text):
        return text
    marked = _MARK.sub(NUMBER_MARK_AS, text)
    return _MASK.sub(NUMBER_MASK_AS, marked).replace(MARK_OPEN + MARK_CLOSE, "")


# full-width digits as ASCII: a phone typed １３８… is the same resident as 138… (the SQL below does the same)
ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
PHONE_DIGITS_SQL = "regexp_replace(translate({p}, '０１２３４５６７８９', '0123456789'), '[^0-9]', '', 'g')"


def resident_hash(salt: str, name: str | None, phone: str | None) -> str | None:
    """Salted SHA-256 (first 16 hex digits) of the raw name and phone digits, for repeat visits."""
    name = (name or "").strip()
    digits = re.sub(r"[^0-9]", "", (phone or "").translate(ASCII_DIGITS))
    if not name and not digits:
        return None
    return hashlib.sha256(f"{salt}|{name}|{digits}".encode("utf-8")).hexdigest()[:16]


MACROS_SQL = r"""
create or replace macro mask_name(s) as
    case when s is null or trim(s) = '' then null
         when length(trim(s)) = 1 then '*'
         else left(trim(s), 1) || repeat('*', length(trim(s)) - 1) end;
create or replace macro mask_compact_phone(d) as
    case when d is null or d = '' then null
         when length(d) < 7 then repeat('*', length(d))
         else left(d, 3) || repeat('*', length(d) - 7) || right(d, 4) end;
-- A macro's argument is pasted at every use, so the whitespace removal is done only for the few numbers
-- that hold whitespace: five regexp_replace calls on every phone took half a second a million rows.
create or replace macro mask_phone(p) as
    case when regexp_matches(p, '\s') then mask_compact_phone(regexp_replace(p, '\s', '', 'g'))
         else mask_compact_phone(p) end;
-- s is pasted three times: callers pass a column, not an expression.
create or replace macro mask_text(s) as
    case when regexp_matches(s, '{maybe}')
         then replace(regexp_replace(regexp_replace(s, '{mark}', '{mark_as}', 'g'), '{mask}', '{mask_as}', 'g'), '{pair}', '')
         else s end;
create or replace macro resident_hash(salt, n, p) as
    case when coalesce(trim(n), '') = '' and coalesce({phone_digits}, '') = '' then null
         else left(sha256(salt || '|' || coalesce(trim(n), '') || '|' || coalesce({phone_digits}, '')), 16) end;
"""


def install_macros(con, temp: bool = False) -> None:
    """temp: in the connection's temporary catalog (a read-only database, e.g. an import's dry run)."""
    sql = (MACROS_SQL.replace("{mark}", NUMBER_MARK).replace("{mark_as}", NUMBER_MARK_AS)
           .replace("{mask}", NUMBER_MASK).replace("{mask_as}", NUMBER_MASK_AS)
           .replace("{pair}", MARK_OPEN + MARK_CLOSE).replace("{maybe}", MAYBE_NUMBER)
           .replace("{phone_digits}", PHONE_DIGITS_SQL.format(p="p")))
    con.execute(sql.replace("create or replace macro", "create or replace temp macro") if temp else sql)


def salt_for(db_path: str | Path) -> str:
    """The per-database salt, kept beside the database file (not in it) so that a copy of the
    database alone cannot be brute-forced back to phone numbers."""
    path = Path(str(db_path) + ".salt")
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(16)
    path.write_text(salt, encoding="utf-8")
    path.chmod(0o600)
    return salt
