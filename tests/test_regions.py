import pytest

from dangqun import regions


@pytest.mark.parametrize("code, level, prefix", [
    ("210000000000", 0, "21"),
    ("210600", 1, "2106"),
    ("210681", 2, "210681"),
    ("210681000000", 2, "210681"),
    ("210681107000", 3, "210681107"),
    ("210681107201", 4, "210681107201"),
])
def test_level_and_prefix(code, level, prefix):
    assert regions.level_of(code) == level
    assert regions.prefix(code) == prefix


@pytest.mark.parametrize("bad", ["", None, "2106", "21068110720", "2106811072011", "21068a", "' or 1=1 --",
                                 "210681107201; drop table centers"])
def test_bad_codes_are_refused_with_a_chinese_message(bad):
    with pytest.raises(regions.BadRegionCode, match="区划代码应为 6 位或 12 位数字"):
        regions.normalise_code(bad)


def test_contains():
    assert regions.contains("210600000000", "210681107201")
    assert not regions.contains("210681000000", "210682001000")
