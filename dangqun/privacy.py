"""Masking of personal data on the way in (DESIGN §2): raw names and phones never reach the database.

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


# A run of 11 or more digits (single spaces or hyphens between them allowed, an ID number's final X too) is
# a mobile number (11), an ID number (18) or a bank card (16-19) as far as free text goes: its first three
# and last four digits stay, the middle becomes four stars whatever its length (the length would tell which
# it was). Shorter runs — dates, amounts, house numbers, 12345 — pass. Leftmost-first greedy matching makes
# every run match from its first digit, so no look-behind is needed (RE2 in DuckDB has none).
DIGIT_RUN = r"(\d)[ -]?(\d)[ -]?(\d)(?:[ -]?\d){4,}[ -]?(\d)[ -]?(\d)[ -]?(\d)[ -]?([\dXx])"
DIGIT_RUN_MASK = r"\1\2\3****\4\5\6\7"


def mask_text(text: str | None) -> str | None:
    """Free text with every long digit run masked: 电话13812341234 → 电话138****1234."""
    if text is None:
        return None
    return re.sub(DIGIT_RUN, DIGIT_RUN_MASK, text)


def resident_hash(salt: str, name: str | None, phone: str | None) -> str | None:
    """Salted SHA-256 (first 16 hex digits) of the raw name and phone digits, for repeat visits."""
    name = (name or "").strip()
    digits = re.sub(r"\D", "", phone or "")
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
create or replace macro mask_text(s) as regexp_replace(s, '{run}', '{mask}', 'g');
create or replace macro resident_hash(salt, n, p) as
    case when coalesce(trim(n), '') = '' and coalesce(regexp_replace(p, '\D', '', 'g'), '') = '' then null
         else left(sha256(salt || '|' || coalesce(trim(n), '') || '|' || coalesce(regexp_replace(p, '\D', '', 'g'), '')), 16) end;
"""


def install_macros(con, temp: bool = False) -> None:
    """temp: in the connection's temporary catalog (a read-only database, e.g. an import's dry run)."""
    sql = MACROS_SQL.replace("{run}", DIGIT_RUN).replace("{mask}", DIGIT_RUN_MASK)
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
