# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared filters (module_utils/cvm_filters.py): the requests they plan, the records they keep, the paging."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm_filters import (
    MAX_STREAMS_PER_REGION,
    FilterError,
    InstanceFilter,
    RegionError,
    filter_argument_spec,
    list_instances,
    zone_region,
)
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError, QcloudTransportError
from ansible_collections.qcloud.cvm.tests.unit.plugins.inventory.fake_describe import FakeApi, make_record


# -- streams: what is sent -------------------------------------------------

def test_no_filter_is_one_unfiltered_stream():
    assert InstanceFilter().streams("gz") == [{}]


def test_default_statuses_are_checked_in_code_only():
    instance_filter = InstanceFilter()
    assert instance_filter.streams("gz") == [{}]
    assert [instance_filter.matches({"status": status}) for status in (-1, 1, 2, 3, 4, 5, 6, 7, 21)] == \
        [True, True, True, True, True, False, False, True, True]


def test_empty_statuses_list_every_status():
    instance_filter = InstanceFilter(statuses=[])
    assert instance_filter.streams("gz") == [{}]
    assert all(instance_filter.matches({"status": status}) for status in (-1, 2, 5, 6))


def test_one_stream_per_status_value():
    instance_filter = InstanceFilter(statuses=[4, 2, 2])
    assert instance_filter.streams("gz") == [{"status": 2}, {"status": 4}]
    assert instance_filter.matches({"status": 4}) and not instance_filter.matches({"status": 3})


def test_zones_are_asked_for_in_their_own_region_only():
    instance_filter = InstanceFilter(zone_ids=[100003, 200001, 100001])
    assert instance_filter.streams("gz") == [{"zoneId": 100001}, {"zoneId": 100003}]
    assert instance_filter.streams("sh") == [{"zoneId": 200001}]
    assert instance_filter.streams("bj") == []
    assert instance_filter.zones_outside(["gz"]) == [200001]
    assert instance_filter.zones_outside(["gz", "sh"]) == []


def test_zone_of_unknown_region_is_filtered_in_code_everywhere():
    instance_filter = InstanceFilter(zone_ids=[330001, 100003])
    assert zone_region(330001) is None
    assert instance_filter.streams("gz") == [{}]
    assert instance_filter.streams("bj") == [{}]
    assert instance_filter.matches({"status": 2, "zoneId": 330001})
    assert not instance_filter.matches({"status": 2, "zoneId": 100004})


@pytest.mark.parametrize("zone_id, region", [(100003, "gz"), (200008, "sh"), (800007, "bj"), (300001, "hk"), (150001, "usw"),
                                             (110003, "szjr"), (700001, "shjr"), (120001, "gzopen"), (900001, "sg")])
def test_documented_zones_map_to_their_region(zone_id, region):
    assert zone_region(zone_id) == region


def test_projects_and_statuses_combine():
    streams = InstanceFilter(project_ids=[0, 7], statuses=[2]).streams("gz")
    assert streams == [{"projectId": 0, "status": 2}, {"projectId": 7, "status": 2}]


def test_instance_names_use_each_name_as_search_word_and_match_exactly():
    instance_filter = InstanceFilter(instance_names=["web", "db"])
    assert instance_filter.streams("gz") == [{"searchWord": "db"}, {"searchWord": "web"}]
    assert instance_filter.matches({"status": 2, "instanceName": "web"})
    assert not instance_filter.matches({"status": 2, "instanceName": "web-2"})
    assert not instance_filter.matches({"status": 2, "instanceName": "Web"})


def test_instance_names_with_search_word_drop_names_that_cannot_match():
    assert InstanceFilter(instance_names=["web-1", "db-1"], search_word="WEB").streams("gz") == [{"searchWord": "web-1"}]
    assert InstanceFilter(instance_names=["db-1"], search_word="web").streams("gz") == []


def test_search_word_is_sent_and_checked_case_insensitively():
    instance_filter = InstanceFilter(search_word="Web")
    assert instance_filter.streams("gz") == [{"searchWord": "Web"}]
    assert instance_filter.matches({"status": 2, "instanceName": "my-web-1"})
    assert not instance_filter.matches({"status": 2, "instanceName": "db"})


def test_instance_ids_are_sent_in_chunks_of_100():
    ids = ["ins-{0:08d}".format(number) for number in range(250)]
    streams = InstanceFilter(instance_ids=ids).streams("gz")
    assert [len(stream["instanceIds"]) for stream in streams] == [100, 100, 50]
    assert sorted(i for stream in streams for i in stream["instanceIds"]) == ids


def test_too_many_combinations_move_the_largest_filter_to_code():
    instance_filter = InstanceFilter(project_ids=list(range(10)), statuses=list(range(1, 21)))
    streams = instance_filter.streams("gz")
    assert len(streams) <= MAX_STREAMS_PER_REGION
    assert streams == [{"projectId": project} for project in range(10)]
    assert instance_filter.matches({"status": 20, "projectId": 3})
    assert not instance_filter.matches({"status": 21, "projectId": 3})
    assert not instance_filter.matches({"status": 20, "projectId": 10})


def test_bad_values_name_the_option():
    with pytest.raises(FilterError, match="zone_ids"):
        InstanceFilter(zone_ids=["abc"])
    with pytest.raises(FilterError, match="statuses"):
        InstanceFilter(statuses=[None])


def test_every_filter_is_in_the_argument_spec():
    assert sorted(filter_argument_spec()) == sorted(["zone_ids", "project_ids", "instance_ids", "instance_names", "search_word", "statuses"])


def test_filters_combine_with_and():
    instance_filter = InstanceFilter(zone_ids=[100003], project_ids=[1], instance_ids=["ins-a"], statuses=[2])
    record = {"status": 2, "zoneId": 100003, "projectId": 1, "unInstanceId": "ins-a", "instanceName": "x"}
    assert instance_filter.matches(record)
    for key, other in (("status", 4), ("zoneId", 100004), ("projectId", 0), ("unInstanceId", "ins-b")):
        assert not instance_filter.matches(dict(record, **{key: other}))


# -- list_instances: paging, concurrency, failures ---------------------------

def seeded(counts):
    records = []
    for region, count in counts.items():
        records += [make_record(number, region=region) for number in range(count)]
    return FakeApi(records)


def test_pages_every_region_without_duplicates():
    api = seeded({"gz": 250, "sh": 101, "bj": 7})
    listing = list_instances(api.client, ["gz", "sh", "bj"], InstanceFilter(), max_workers=4)
    ids = [record["unInstanceId"] for record in listing.records]
    assert len(ids) == len(set(ids)) == 358
    assert sorted(params["offset"] for params in api.describe_calls("gz")) == [0, 100, 200]
    assert all(params["limit"] == 100 for params in api.describe_calls())
    assert len(api.calls) == 3 + 2 + 1
    assert listing.request_count == 6
    assert listing.failed_regions == []


def test_records_keep_the_api_order_per_region():
    api = seeded({"gz": 230, "sh": 5})
    listing = list_instances(api.client, ["gz", "sh"], InstanceFilter(), max_workers=3)
    assert [r["unInstanceId"] for r in listing.records] == [r["unInstanceId"] for r in api.records["gz"] + api.records["sh"]]


def test_pages_are_fetched_concurrently_within_the_bound():
    api = seeded({"gz": 1000, "sh": 1000})
    running = []
    peak = []
    lock = threading.Lock()

    def slow(region, params):
        with lock:
            running.append(1)
            peak.append(len(running))
        time.sleep(0.02)
        with lock:
            running.pop()

    api.before_call = slow
    listing = list_instances(api.client, ["gz", "sh"], InstanceFilter(), max_workers=4)
    assert len(listing.records) == 2000
    assert max(peak) == 4
    # One client per thread and region, never shared (FakeClient asserts it).
    assert len(api.clients) <= 4 * 2


def test_one_worker_reuses_one_client():
    api = seeded({"gz": 350})
    list_instances(api.client, ["gz"], InstanceFilter(), max_workers=1)
    assert len(api.clients) == 1


def test_a_failing_region_raises_naming_the_region():
    api = seeded({"gz": 10, "sh": 10})
    api.failures["sh"] = QcloudApiError("DescribeInstances", 5100, "OperationFail.SystemBusy", "busy")
    with pytest.raises(RegionError) as caught:
        list_instances(api.client, ["gz", "sh"], InstanceFilter())
    assert caught.value.region == "sh"
    assert str(caught.value).startswith("region sh: DescribeInstances failed: code 5100 (OperationFail.SystemBusy)")
    assert caught.value.result()["api_error"]["code"] == 5100


def test_a_failing_later_page_fails_the_region():
    api = seeded({"gz": 250})

    def fail_second_page(region, params):
        if params["offset"] == 200:
            raise QcloudTransportError("DescribeInstances", "HTTP 500", retryable=True, status=500)

    api.before_call = fail_second_page
    with pytest.raises(RegionError, match="region gz: DescribeInstances failed: HTTP 500"):
        list_instances(api.client, ["gz"], InstanceFilter())


def test_skip_failing_regions_keeps_the_others():
    api = seeded({"gz": 150, "sh": 10, "bj": 120})
    api.failures["sh"] = QcloudTransportError("DescribeInstances", "connection refused", retryable=True)
    listing = list_instances(api.client, ["gz", "sh", "bj"], InstanceFilter(), skip_failing_regions=True)
    assert {record["Region"] for record in listing.records} == {"gz", "bj"}
    assert len(listing.records) == 270
    assert [failure.region for failure in listing.failed_regions] == ["sh"]


def test_a_listing_that_changes_while_paging_is_listed_again():
    api = seeded({"gz": 250})
    state = {"added": False}

    def add_one_after_first_page(region, params):
        if params["offset"] == 100 and not state["added"]:
            state["added"] = True
            api.records["gz"].insert(0, make_record(9999, region="gz"))

    api.before_call = add_one_after_first_page
    listing = list_instances(api.client, ["gz"], InstanceFilter(), max_workers=1)
    assert len(listing.records) == 251
    assert len({record["unInstanceId"] for record in listing.records}) == 251
    # 3 pages, then 3 pages again, sequentially.
    assert [params["offset"] for params in api.describe_calls()] == [0, 100, 200, 0, 100, 200]


def test_filters_are_sent_and_checked():
    records = [make_record(number, region="gz", status=2 if number % 2 else 4, name="web" if number % 3 == 0 else "web-x")
               for number in range(300)]
    records.append(make_record(1000, region="gz", status=5, name="web"))
    api = FakeApi(records)
    listing = list_instances(api.client, ["gz"], InstanceFilter(instance_names=["web"]))
    assert api.describe_calls()[0]["searchWord"] == "web"
    assert {record["instanceName"] for record in listing.records} == {"web"}
    assert len(listing.records) == 100
    assert all(record["status"] != 5 for record in listing.records)


def test_region_without_possible_match_is_not_asked():
    api = seeded({"gz": 10, "sh": 10})
    listing = list_instances(api.client, ["gz", "sh"], InstanceFilter(zone_ids=[200001]))
    assert {region for region, _params in api.calls} == {"sh"}
    assert {record["zoneId"] for record in listing.records} == {200001}
