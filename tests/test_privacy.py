"""Masking rules, and the SQL macros agreeing with the Python reference on every case."""
import duckdb
import pytest

from dangqun import privacy

CASES = [
    # raw name, raw phone, masked name, masked phone
    ("张三", "13812341234", "张*", "138****1234"),
    ("段誉明", " 138 1234 1234 ", "段**", "138****1234"),
    ("欧阳娜娜", "0415-7123456", "欧***", "041*****3456"),
    ("王", None, "*", None),
    ("", "12345", None, "*****"),
    (None, "", None, None),
    ("张*", "138****1234", "张*", "138****1234"),   # already masked stays as it is
]


@pytest.mark.parametrize("name, phone, masked_name, masked_phone", CASES)
def test_python_masking(name, phone, masked_name, masked_phone):
    assert privacy.mask_name(name) == masked_name
    assert privacy.mask_phone(phone) == masked_phone


@pytest.mark.parametrize("name, phone, masked_name, masked_phone", CASES)
def test_sql_macros_agree_with_python(name, phone, masked_name, masked_phone):
    con = duckdb.connect()
    privacy.install_macros(con)
    got = con.execute("select mask_name($n), mask_phone($p), resident_hash('s', $n, $p)",
                      {"n": name, "p": phone}).fetchone()
    assert got == (masked_name, masked_phone, privacy.resident_hash("s", name, phone))


def test_resident_hash_is_salted_and_ignores_phone_formatting():
    a = privacy.resident_hash("salt-a", "张三", "138 1234 1234")
    assert a == privacy.resident_hash("salt-a", "张三", "13812341234")
    assert a != privacy.resident_hash("salt-b", "张三", "13812341234")
    assert len(a) == 16 and int(a, 16) >= 0
    assert privacy.resident_hash("s", None, None) is None


def test_salt_lives_beside_the_database_and_is_stable(tmp_path):
    db_path = tmp_path / "x.duckdb"
    first = privacy.salt_for(db_path)
    assert (tmp_path / "x.duckdb.salt").read_text() == first
    assert privacy.salt_for(db_path) == first
    assert oct((tmp_path / "x.duckdb.salt").stat().st_mode & 0o777) == "0o600"
