# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared filters (_cvm/filters.py) over neutral Instances: statuses are names."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import FILTER_OPTIONS, InstanceFilter, filter_argument_spec
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import STATUS_NAMES, Instance
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_region


def instance(**fields):
    values = {"instance_id": "ins-a", "instance_name": "x", "status": "running", "zone_id": 100003, "project_id": 0}
    values.update(fields)
    return Instance(**values)


def test_no_filter_keeps_all_but_the_given_back():
    instance_filter = InstanceFilter()
    kept = [status for status in STATUS_NAMES if instance_filter.matches(instance(status=status))]
    assert kept == [status for status in STATUS_NAMES if status not in ("terminating", "terminated")]


def test_empty_statuses_list_every_status():
    instance_filter = InstanceFilter(statuses=[])
    assert instance_filter.statuses == []
    assert all(instance_filter.matches(instance(status=status)) for status in STATUS_NAMES)


def test_statuses_are_names_and_only_those_match():
    instance_filter = InstanceFilter(statuses=["stopped", "running", "running"])
    assert instance_filter.statuses == ["running", "stopped"]
    assert instance_filter.matches(instance(status="stopped")) and instance_filter.matches(instance(status="running"))
    assert not instance_filter.matches(instance(status="pending"))
    assert InstanceFilter(statuses=["terminated"]).matches(instance(status="terminated"))


@pytest.mark.parametrize("statuses", [["bogus"], [2], ["running", "Running"], ["creating"]])
def test_unknown_statuses_name_the_option_and_the_names(statuses):
    with pytest.raises(ConfigError) as caught:
        InstanceFilter(statuses=statuses)
    assert str(caught.value).startswith("option 'statuses': unknown status")
    assert ", ".join(STATUS_NAMES) in str(caught.value)


@pytest.mark.parametrize("option, value", [("zone_ids", ["abc"]), ("project_ids", ["x"]), ("zone_ids", [None])])
def test_bad_numbers_name_the_option(option, value):
    with pytest.raises(ConfigError, match="option '{0}'".format(option)):
        InstanceFilter(**{option: value})


def test_values_are_normalised():
    instance_filter = InstanceFilter(
        zone_ids=["100003", 100001, 100003], project_ids=["7"], instance_ids=["ins-b", "ins-a", "", None], instance_names=["web", "web", 42], search_word=""
    )
    assert instance_filter.zone_ids == [100001, 100003] and instance_filter.project_ids == [7]
    assert instance_filter.instance_ids == ["ins-a", "ins-b"] and instance_filter.instance_names == ["42", "web"]
    assert instance_filter.search_word is None


def test_zones():
    instance_filter = InstanceFilter(zone_ids=[100003, 200001, 100001])
    assert instance_filter.matches(instance(zone_id=100001)) and not instance_filter.matches(instance(zone_id=100004))
    assert instance_filter.zones_in("ap-guangzhou") == [100001, 100003]
    assert instance_filter.zones_in("ap-shanghai") == [200001]
    assert instance_filter.zones_in("ap-beijing") == []
    assert instance_filter.zones_outside(["ap-guangzhou"]) == [200001]
    assert instance_filter.zones_outside(["ap-guangzhou", "ap-shanghai"]) == []
    assert InstanceFilter().zones_in("ap-guangzhou") is None


def test_a_zone_of_an_unknown_region_is_looked_for_everywhere():
    instance_filter = InstanceFilter(zone_ids=[990001, 100003])
    assert zone_region(990001) is None
    assert instance_filter.zones_in("ap-guangzhou") is None and instance_filter.zones_in("ap-beijing") is None
    assert instance_filter.zones_outside(["ap-beijing"]) == [100003]
    assert instance_filter.matches(instance(zone_id=990001))
    assert not instance_filter.matches(instance(zone_id=100004))


def test_instance_names_match_exactly():
    instance_filter = InstanceFilter(instance_names=["web", "db"])
    assert instance_filter.matches(instance(instance_name="web"))
    assert not instance_filter.matches(instance(instance_name="web-2"))
    assert not instance_filter.matches(instance(instance_name="Web"))
    assert instance_filter.names_wanted() == ["db", "web"]
    assert InstanceFilter().names_wanted() is None


def test_instance_names_with_a_search_word():
    assert InstanceFilter(instance_names=["web-1", "db-1"], search_word="WEB").names_wanted() == ["web-1"]
    assert InstanceFilter(instance_names=["db-1"], search_word="web").names_wanted() == []


def test_search_word_is_checked_case_insensitively():
    instance_filter = InstanceFilter(search_word="Web")
    assert instance_filter.matches(instance(instance_name="my-WEB-1"))
    assert not instance_filter.matches(instance(instance_name="db"))
    assert not instance_filter.matches(instance(instance_name=""))


def test_filters_combine_with_and():
    instance_filter = InstanceFilter(zone_ids=[100003], project_ids=[1], instance_ids=["ins-a"], statuses=["running"], instance_names=["web"], search_word="we")
    matching = instance(instance_id="ins-a", instance_name="web", zone_id=100003, project_id=1, status="running")
    assert instance_filter.matches(matching)
    for field, other in (("status", "stopped"), ("zone_id", 100004), ("project_id", 0), ("instance_id", "ins-b"), ("instance_name", "db")):
        assert not instance_filter.matches(instance(**dict(matching.as_dict(), **{field: other})))


def test_from_options_and_as_key():
    options = {
        "zone_ids": [100003],
        "project_ids": None,
        "instance_ids": None,
        "instance_names": ["web"],
        "search_word": None,
        "statuses": ["running"],
        "secret_key": "never part of the filter",
    }
    instance_filter = InstanceFilter.from_options(options)
    assert instance_filter.as_key() == {
        "zone_ids": [100003],
        "project_ids": [],
        "instance_ids": [],
        "instance_names": ["web"],
        "search_word": None,
        "statuses": ["running"],
        "expires_within": None,
    }
    assert list(instance_filter.as_key()) == list(FILTER_OPTIONS)
    # The same filter written otherwise is the same key.
    assert InstanceFilter(zone_ids=["100003", 100003], instance_names=["web"], statuses=["running"]).as_key() == instance_filter.as_key()
    assert InstanceFilter().as_key() != InstanceFilter(statuses=[]).as_key()


def test_every_filter_is_in_the_argument_spec():
    spec = filter_argument_spec()
    assert sorted(spec) == sorted(FILTER_OPTIONS)
    assert spec["statuses"] == {"type": "list", "elements": "str", "choices": list(STATUS_NAMES)}
    assert spec["zone_ids"] == {"type": "list", "elements": "int"}


# -- expires_within (checked once complete_instances filled the expiry in) --------------------

# 2030-01-01T00:00:00Z
NOW = 1893456000


def clock():
    return NOW


@pytest.mark.parametrize(
    "expire_time, within",
    [
        ("2030-01-01T00:30:00Z", True),
        ("2030-01-02T00:00:00Z", True),
        ("2030-01-02T00:00:01Z", False),
        ("2029-12-31T23:00:00Z", True),
        ("2031-01-01T00:00:00Z", False),
        (None, False),
    ],
)
def test_expires_within_matches_timers_up_to_that_long_from_now(expire_time, within):
    instance_filter = InstanceFilter(expires_within="24h", clock=clock)
    listed = instance(expire_time=expire_time)
    # The listing cannot tell: every instance passes matches, the completed one is checked.
    assert instance_filter.matches(listed)
    assert instance_filter.matches_completed(listed) is within


def test_without_expires_within_every_completed_instance_matches():
    assert InstanceFilter().matches_completed(instance(expire_time=None))
    assert InstanceFilter(expires_within=None).expires_within is None and InstanceFilter(expires_within="").matches_completed(instance())


def test_expires_within_is_counted_from_when_the_filter_was_made():
    moments = [NOW, NOW + 7200]
    instance_filter = InstanceFilter(expires_within="1h", clock=lambda: moments.pop(0))
    assert instance_filter.matches_completed(instance(expire_time="2030-01-01T01:00:00Z"))
    assert instance_filter.matches_completed(instance(expire_time="2030-01-01T01:00:00Z")) and moments == [NOW + 7200]


@pytest.mark.parametrize("text", ["24", "a day", "-1h", "1h30"])
def test_an_expires_within_that_is_no_duration_is_refused_naming_the_option(text):
    with pytest.raises(ConfigError, match=r"^option 'expires_within': .* is not a duration"):
        InstanceFilter(expires_within=text)


def test_expires_within_is_part_of_the_key_as_written():
    assert InstanceFilter(expires_within="2d").as_key()["expires_within"] == "2d"
    assert InstanceFilter(expires_within="2d").as_key() != InstanceFilter().as_key()
    assert filter_argument_spec()["expires_within"] == {"type": "str"}
    assert InstanceFilter.from_options({"expires_within": "8h"}).expires_within == "8h"
