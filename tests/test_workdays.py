"""Deadlines in working days: statutory holidays and adjusted workdays come from chinese-calendar."""
import datetime as dt

import numpy as np
import pytest

from dangqun import workdays

D = dt.date


@pytest.mark.parametrize("received, days, due", [
    (D(2022, 3, 4), 5, D(2022, 3, 11)),     # Friday + 5 working days skips one weekend
    (D(2022, 3, 5), 0, D(2022, 3, 5)),      # 即办: the same day, even on a Saturday
    (D(2022, 3, 5), 1, D(2022, 3, 7)),      # received on Saturday: Monday is the first working day
    (D(2022, 9, 30), 1, D(2022, 10, 8)),    # National Day holiday; Saturday 10-08 is an adjusted workday
    (D(2022, 1, 28), 2, D(2022, 1, 30)),    # 1-29 and 1-30 (weekend) are adjusted workdays before Spring Festival
    (D(2022, 1, 28), 3, D(2022, 2, 7)),     # then the holiday 1-31..2-6
    (D(2021, 12, 31), 1, D(2022, 1, 4)),    # New Year holiday 1-1..1-3
    (D(2022, 12, 30), 20, D(2023, 2, 2)),   # across New Year and the 2023 Spring Festival (1-21..1-27 off, 1-28/29 worked)
])
def test_due_date(received, days, due):
    assert workdays.due_dates(np.array([received], dtype="datetime64[D]"), np.array([days]))[0].item() == due


def test_due_dates_vectorised_matches_scalar_and_handles_missing():
    received = np.array(["2022-03-04", "NaT", "2022-09-30", "2022-03-05"], dtype="datetime64[D]")
    promised = np.array([5, 3, 1, np.nan])
    out = workdays.due_dates(received, promised)
    assert out[0] == np.datetime64("2022-03-11")
    assert np.isnat(out[1]) and np.isnat(out[3])
    assert out[2] == np.datetime64("2022-10-08")


def test_is_workday_outside_known_years_falls_back_to_weekdays():
    assert workdays.is_workday(D(2034, 5, 1)) is True        # a Monday; holidays unknown that far
    assert workdays.is_workday(D(2034, 5, 6)) is False       # a Saturday


@pytest.mark.parametrize("start, end, n", [
    (D(2022, 9, 30), D(2022, 10, 10), 3),   # 10-08, 10-09 adjusted workdays, 10-10 Monday
    (D(2022, 3, 4), D(2022, 3, 4), 0),
    (D(2022, 3, 11), D(2022, 3, 4), 0),
])
def test_workdays_between(start, end, n):
    assert workdays.workdays_between_many(np.datetime64(start, "D"), np.datetime64(end, "D")) == n


def test_the_whole_calendar_is_chinese_calendars_day_by_day():
    days, cum, work = workdays._calendar()
    assert work.tolist() == [workdays.is_workday(d.item()) for d in days]
    assert cum[-1] == sum(work)
