# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listing (_cvm/listing.py) over the legacy backend and an in-memory API: paging, concurrency, failing regions, relisting."""

from __future__ import annotations

import threading

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import Page
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import Connection, open_backend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import RegionError, list_instances, list_stream
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi, error, http_status, make_record

ENDPOINT = "http://127.0.0.1:8080/v2/index.php"


def factory(api, retries=0):
    """One backend per call, each with its own session, as the inventory opens them."""

    def open_one(region):
        backend = open_backend(Connection("legacy", Credentials("AKIDTEST", "key"), region, endpoint=ENDPOINT, retries=retries), session=api.session())
        backend.client.retry_policy = RetryPolicy(retries=retries, sleep=api.retry_sleeps.append, rand=lambda: 0.5)
        return backend

    return open_one


def seeded(counts):
    return FakeLegacyApi([make_record(number, region=region) for region, count in counts.items() for number in range(count)])


def ids(instances):
    return [instance.instance_id for instance in instances]


def test_pages_every_region_without_duplicates():
    api = seeded({"gz": 250, "sh": 101, "bj": 7})
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai", "ap-beijing"], InstanceFilter(), max_workers=4)
    assert len(ids(listing.instances)) == len(set(ids(listing.instances))) == 358
    assert all(isinstance(instance, Instance) for instance in listing.instances)
    assert sorted(params["offset"] for params in api.describe_calls("gz")) == [0, 100, 200]
    assert all(params["limit"] == 100 for params in api.describe_calls())
    # The pages, then one page of security groups per region (the legacy listing reports none).
    assert len(api.calls_of("DescribeInstances")) == 3 + 2 + 1
    assert len(api.calls_of("DescribeSecurityGroupEx")) == 3
    assert listing.request_count == 9
    assert listing.failed_regions == []


def test_instances_keep_the_api_order_per_region():
    api = seeded({"gz": 230, "sh": 5})
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai"], InstanceFilter(), max_workers=3)
    assert ids(listing.instances) == [record["unInstanceId"] for record in api.records["gz"] + api.records["sh"]]
    assert {instance.region for instance in listing.instances[:230]} == {"ap-guangzhou"}
    assert {instance.region for instance in listing.instances[230:]} == {"ap-shanghai"}


def test_pages_are_fetched_concurrently_within_the_bound():
    api = seeded({"gz": 1000, "sh": 1000})
    overlap = threading.Condition()
    state = {"running": 0, "peak": 0}

    def hold_until_four_overlap(call):
        # The first pages come first (they tell the totals); every later page waits here until 4 overlap.
        if call.params.get("offset", 0) == 0:
            return None
        with overlap:
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
            overlap.notify_all()
            overlap.wait_for(lambda: state["peak"] >= 4, timeout=10)
            state["running"] -= 1
        return None

    api.before_call = hold_until_four_overlap
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai"], InstanceFilter(), max_workers=4)
    assert len(listing.instances) == 2000
    assert state["peak"] == 4
    # A session per thread and region, never shared (FakeSession asserts it); the main thread plans with its own.
    assert len(api.sessions) <= 4 * 2 + 2


def test_one_worker_uses_one_session_per_region():
    api = seeded({"gz": 350})
    list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(), max_workers=1)
    assert len([session for session in api.sessions if session.thread is not None]) == 1


def test_a_failing_region_raises_naming_the_region():
    api = seeded({"gz": 10, "sh": 10})
    api.region_errors["sh"] = error("OperationFail.SystemBusy", "busy", request_id="req-9")
    with pytest.raises(RegionError) as caught:
        list_instances(factory(api), ["ap-guangzhou", "ap-shanghai"], InstanceFilter())
    assert caught.value.region == "ap-shanghai"
    assert str(caught.value) == "region ap-shanghai: DescribeInstances failed: OperationFail.SystemBusy: busy (code 5100) (request ID req-9)"
    assert isinstance(caught.value.error, ApiError)
    assert caught.value.details() == {
        "api_error": {"action": "DescribeInstances", "code": "OperationFail.SystemBusy", "message": "busy (code 5100)", "request_id": "req-9"},
        "region": "ap-shanghai",
    }


def test_a_region_is_retried_before_it_fails():
    api = seeded({"gz": 10})
    api.region_errors["gz"] = [error("OperationFail.SystemBusy", "busy"), http_status(503)]
    listing = list_instances(factory(api, retries=2), ["ap-guangzhou"], InstanceFilter())
    # Three DescribeInstances attempts, then one page of security groups.
    assert len(listing.instances) == 10 and listing.request_count == 4
    assert api.retry_sleeps == [0.375, 0.75]


def test_a_failing_later_page_fails_the_region():
    api = seeded({"gz": 250})
    api.before_call = lambda call: http_status(500) if call.params.get("offset") == 200 else None
    with pytest.raises(RegionError, match="^region ap-guangzhou: DescribeInstances failed: HTTP 500 from " + ENDPOINT) as caught:
        list_instances(factory(api), ["ap-guangzhou"], InstanceFilter())
    assert caught.value.details()["transport_error"]["http_status"] == 500


def test_skip_failing_regions_keeps_the_others():
    api = seeded({"gz": 150, "sh": 10, "bj": 120})
    api.region_errors["sh"] = requests.exceptions.ConnectionError("connection refused")
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai", "ap-beijing"], InstanceFilter(), skip_failing_regions=True)
    assert {instance.region for instance in listing.instances} == {"ap-guangzhou", "ap-beijing"}
    assert len(listing.instances) == 270
    assert [failure.region for failure in listing.failed_regions] == ["ap-shanghai"]
    assert isinstance(listing.failed_regions[0].error, TransportError)


def test_skip_failing_regions_drops_a_region_failing_on_a_later_page():
    api = seeded({"gz": 350, "sh": 10})
    api.before_call = lambda call: http_status(500) if call.region == "gz" and call.params.get("offset") == 100 else None
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai"], InstanceFilter(), skip_failing_regions=True)
    assert {instance.region for instance in listing.instances} == {"ap-shanghai"}
    assert [failure.region for failure in listing.failed_regions] == ["ap-guangzhou"]


def test_a_listing_that_grows_while_paging_is_listed_again():
    api = seeded({"gz": 250})
    state = {"added": False}

    def add_one_after_first_page(call):
        if call.params.get("offset") == 100 and not state["added"]:
            state["added"] = True
            api.records["gz"].insert(0, make_record(9999, region="gz"))

    api.before_call = add_one_after_first_page
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(), max_workers=1)
    assert len(listing.instances) == 251
    assert len(set(ids(listing.instances))) == 251
    # 3 pages, then 3 pages again, sequentially.
    assert [params["offset"] for params in api.describe_calls()] == [0, 100, 200, 0, 100, 200]


def test_a_listing_that_shrinks_while_paging_is_listed_again():
    api = seeded({"gz": 250})
    state = {"removed": None}

    def remove_one_after_first_page(call):
        if call.params.get("offset") == 100 and state["removed"] is None:
            state["removed"] = api.records["gz"].pop(0)["unInstanceId"]

    api.before_call = remove_one_after_first_page
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(), max_workers=1)
    assert len(listing.instances) == 249 and state["removed"] not in ids(listing.instances)
    assert [params["offset"] for params in api.describe_calls()] == [0, 100, 200, 0, 100, 200]


def test_filters_are_sent_and_checked():
    records = [make_record(number, status=2 if number % 2 else 4, name="web" if number % 3 == 0 else "web-x") for number in range(300)]
    records.append(make_record(1000, status=5, name="web"))
    api = FakeLegacyApi(records)
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(instance_names=["web"]))
    assert api.describe_calls()[0]["searchWord"] == "web"
    assert {instance.instance_name for instance in listing.instances} == {"web"}
    assert len(listing.instances) == 100
    assert all(instance.status != "terminated" for instance in listing.instances)


def test_status_filters_are_sent_as_legacy_codes():
    api = FakeLegacyApi([make_record(number, status=(2, 4, 3)[number % 3]) for number in range(30)])
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(statuses=["running", "pending"]))
    assert sorted(params["status"] for params in api.describe_calls()) == [2, 3]
    assert {instance.status for instance in listing.instances} == {"running", "pending"} and len(listing.instances) == 20


def test_a_region_without_possible_match_is_not_asked():
    api = seeded({"gz": 10, "sh": 10})
    listing = list_instances(factory(api), ["ap-guangzhou", "ap-shanghai"], InstanceFilter(zone_ids=[200001]))
    assert {call.region for call in api.calls} == {"sh"}
    assert {instance.zone_id for instance in listing.instances} == {200001}


def test_nothing_to_ask_anywhere_sends_nothing():
    api = seeded({"gz": 10})
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(zone_ids=[800001]))
    assert listing.instances == [] and api.calls == [] and listing.request_count == 0


# -- list_stream ---------------------------------------------------------------


def test_list_stream_drops_the_duplicate_a_new_instance_pushes_onto_the_next_page():
    api = seeded({"gz": 150})
    backend = factory(api)("ap-guangzhou")
    state = {"added": False}

    def add_one_before_second_page(call):
        if call.params.get("offset") == 100 and not state["added"]:
            state["added"] = True
            api.records["gz"].insert(0, make_record(9999, region="gz"))

    api.before_call = add_one_before_second_page
    instances = list_stream(backend, {})
    assert len(instances) == len(set(ids(instances))) == 150
    assert [params["offset"] for params in api.describe_calls()] == [0, 100]


def test_list_stream_stops_at_an_empty_page():
    class Stubborn:
        def __init__(self):
            self.offsets = []

        def list_page(self, query, offset, limit):
            self.offsets.append(offset)
            return Page(total=500, instances=[Instance(instance_id="ins-1")] if offset == 0 else [])

    backend = Stubborn()
    assert ids(list_stream(backend, {"zoneId": 1}, page_size=1)) == ["ins-1"]
    assert backend.offsets == [0, 1]


def test_expires_within_matches_nothing_on_the_legacy_api():
    # No timers on the legacy API (its instances never have an expiry): the filter matches nothing, as documented.
    api = seeded({"gz": 3})
    listing = list_instances(factory(api), ["ap-guangzhou"], InstanceFilter(expires_within="3650d"), max_workers=2)
    assert listing.instances == [] and listing.failed_regions == []
    assert len(api.calls_of("DescribeInstances")) == 1
