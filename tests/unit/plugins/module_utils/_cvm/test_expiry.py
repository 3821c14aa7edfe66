# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Expiry times (_cvm/expiry.py): durations, ISO 8601 times, when each instance of a task should go, and when two times are the same."""

from __future__ import annotations

import calendar

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.expiry import (
    MIN_LEAD,
    SAME_TIME,
    TimeFormatError,
    iso,
    parse_duration,
    parse_time,
    same_time,
    wanted_expiry,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import InstanceSpec

# 2024-05-01T10:00:00Z
T = calendar.timegm((2024, 5, 1, 10, 0, 0, 0, 0, 0))


def spec(**fields):
    return InstanceSpec(zone_id=100003, instance_family="S1", cpu=1, memory=2, image_id="img-3wnd9xpl", **fields)


# -- durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("30m", 1800),
        ("8h", 28800),
        ("2d", 172800),
        ("1d12h", 129600),
        ("1d12h30m", 131400),
        ("1d30m", 88200),
        ("90m", 5400),
        ("10m", 600),
        ("8H", 28800),
        ("2D", 172800),
        (" 8h ", 28800),
        ("1d 12h", 129600),
        ("1 d 2 h 3 m", 93780),
        ("0m", 0),
        ("0d0h", 0),
        ("365d", 365 * 86400),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "  ", "8", "8x", "h", "1h30", "30s", "1.5h", "-1h", "12h1d", "m30", "1w", "8 hours", None, "d"])
def test_what_is_not_a_duration_says_what_is(text):
    with pytest.raises(TimeFormatError, match=r"is not a duration: use days, hours and minutes such as 30m, 8h, 2d or 1d12h$"):
        parse_duration(text)


def test_a_duration_error_is_a_value_error_quoting_the_text():
    with pytest.raises(ValueError, match="^'8 hours' is not a duration"):
        parse_duration("8 hours")


def test_an_int_is_read_as_its_text():
    # An option of type str: Ansible hands over 10 as "10"; neither is a duration.
    with pytest.raises(TimeFormatError):
        parse_duration(10)


# -- times -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T10:00:00Z",
        "2024-05-01T18:00:00+08:00",
        "2024-05-01T18:00:00+0800",
        "2024-05-01T05:30:00-04:30",
        "2024-05-01T10:00:00+00:00",
        "2024-05-01 10:00:00",
        "2024-05-01T10:00:00",
        "2024-05-01T10:00",
        "2024-05-01 10:00",
        "2024-05-01T10:00Z",
        "2024-05-01 18:00:00+08:00",
        "  2024-05-01T10:00:00Z  ",
    ],
)
def test_times_in_utc_with_an_offset_or_without_one_taken_as_utc(text):
    assert parse_time(text) == T


def test_the_offset_crosses_days():
    assert parse_time("2024-05-01T02:00:00+08:00") == calendar.timegm((2024, 4, 30, 18, 0, 0, 0, 0, 0))
    assert parse_time("2024-12-31T22:00:00-05:00") == calendar.timegm((2025, 1, 1, 3, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "2024-05-01", "2024-13-01T10:00:00Z", "2024-05-01T25:00:00Z", "01/05/2024 10:00", "2024-05-01T10:00:00 UTC", "8h", None]
)
def test_what_is_not_a_time_says_what_is(text):
    with pytest.raises(TimeFormatError, match=r"is not a time: use ISO 8601 such as 2024-05-01T10:00:00Z or 2024-05-01T18:00:00\+08:00$"):
        parse_time(text)


@pytest.mark.parametrize("epoch, text", [(T, "2024-05-01T10:00:00Z"), (T + 0.9, "2024-05-01T10:00:00Z"), (0, "1970-01-01T00:00:00Z")])
def test_iso_is_the_form_api_3_0_takes(epoch, text):
    assert iso(epoch) == text
    assert parse_time(iso(epoch)) == int(epoch)


def test_the_limits():
    # More than the API's 5 minutes (10.1.1), to cover a create that takes a while; the same-time tolerance is the API's lead.
    assert MIN_LEAD == 600 and SAME_TIME == 300


# -- when an instance of a task should go ------------------------------------------------


def test_no_expiry_asked_none_wanted():
    assert wanted_expiry(spec(), "2024-05-01T10:00:00Z", now=T) is None


def test_expire_at_is_one_time_for_every_instance():
    at = spec(expire_at="2024-05-02T00:00:00Z")
    assert wanted_expiry(at, "2024-05-01T10:00:00Z") == wanted_expiry(at, "2024-04-01T00:00:00Z") == wanted_expiry(at, now=T) == T + 14 * 3600


def test_expire_at_may_carry_an_offset():
    assert wanted_expiry(spec(expire_at="2024-05-01T18:00:00+08:00"), now=0) == T


def test_expire_after_counts_from_each_instance_s_creation():
    after = spec(expire_after=8 * 3600)
    assert wanted_expiry(after, "2024-05-01T10:00:00Z", now=T + 999) == T + 8 * 3600
    assert wanted_expiry(after, "2024-05-01T12:00:00Z", now=T) == T + 10 * 3600


def test_expire_after_for_an_instance_about_to_be_bought_counts_from_now():
    assert wanted_expiry(spec(expire_after=1800), now=T) == T + 1800
    assert wanted_expiry(spec(expire_after=1800), None, now=T + 0.6) == T + 1800


def test_expire_after_without_now_counts_from_the_clock(monkeypatch):
    from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import expiry  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(expiry.time, "time", lambda: T + 42.5)
    assert wanted_expiry(spec(expire_after=600)) == T + 642


def test_expire_at_wins_over_expire_after():
    # The options are mutually exclusive; should a spec hold both, the fixed time is taken.
    assert wanted_expiry(spec(expire_at="2024-05-01T10:00:00Z", expire_after=60), "2020-01-01T00:00:00Z") == T


def test_an_expire_after_of_zero_asks_for_nothing():
    assert wanted_expiry(spec(expire_after=0), now=T) is None


# -- the same time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, same",
    [
        (T, T, True),
        (T, T + 299, True),
        (T, T + 300, True),
        (T + 300, T, True),
        (T, T + 301, False),
        (T + 301, T, False),
        (T, T - 3600, False),
        ("100", 400, True),
        (None, T, False),
        (T, None, False),
        (None, None, False),
    ],
)
def test_same_time_within_five_minutes(first, second, same):
    assert same_time(first, second) is same


def test_a_timer_set_at_create_is_the_same_time_as_created_time_plus_the_duration():
    # RunInstances is sent a few seconds before the API's CreatedTime: well within the tolerance.
    sent = wanted_expiry(spec(expire_after=8 * 3600), now=T - 7)
    assert same_time(sent, wanted_expiry(spec(expire_after=8 * 3600), iso(T)))
