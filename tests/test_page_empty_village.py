"""Pages that draw nothing but the empty-scope sentence for a village with no records in the window
(the same expectation for each, written once)."""
import pytest


@pytest.mark.parametrize("page", ["app_pages/satisfaction.py", "app_pages/services.py"])
def test_a_village_without_records(open_page, empty_village, page):
    village, town, county = empty_village
    at = open_page(page, county=county, town=town, village=village, start="2022-01-01", end="2022-01-03")
    assert not at.exception
    assert at.selectbox(key="f_village").value == village
    assert [i.value for i in at.info] == ["该范围内没有数据"]
    assert len(at.get("plotly_chart")) == 0 and len(at.dataframe) == 0
