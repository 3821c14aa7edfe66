# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API 3.0 backend (_cvm/v3/backend.py) and open_backend for api: v3, against an in-memory 3.0 API (tests/unit/fakes/v3_api.py)."""

from __future__ import annotations

import base64
import json
import threading

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import spec_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, QcloudError, ReadOnlyViolation, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.plugins.module_utils._api.tc3 import V3Client
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import Quote, ZoneUnavailable
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import Connection, open_backend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import list_instances
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.backend import V3Backend, parse_quote
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.catalog import InstanceTypeUnavailable
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.requests import CLIENT_TOKEN_TAG
from ansible_collections.qcloud.cvm.tests.unit.fakes.task_options import INSTANCE_OPTIONS
from ansible_collections.qcloud.cvm.tests.unit.fakes.v3_api import FakeResponse, FakeV3Api, error, install, make_instance, tc3_signature

ENDPOINT = "http://127.0.0.1:8080/"
CREDENTIALS = Credentials("AKIDTEST", "key")
OPTIONS = dict(INSTANCE_OPTIONS, instance_name="web")


def spec(**changes):
    return spec_from_options(dict(OPTIONS, **changes))


SPEC = spec()


def ids(*numbers):
    return ["ins-{0:08d}".format(number) for number in numbers]


@pytest.fixture
def backend_for(monkeypatch):
    """``backend_for(api, ...)``: a v3 backend of ``api``; every client it opens talks to ``api``."""

    def open_one(api, region="ap-guangzhou", retries=0, read_only=False, endpoint=ENDPOINT):
        install(monkeypatch, api)
        backend = open_backend(Connection("v3", CREDENTIALS, region, endpoint=endpoint, retries=retries, read_only=read_only))
        for client in (backend.client, backend.vpc_client):
            client.retry_policy = RetryPolicy(retries=retries, sleep=api.retry_sleeps.append, rand=lambda: 0.5)
        return backend

    return open_one


# -- the fake itself ----------------------------------------------------------------


def test_the_fake_verifies_the_documented_signature_of_example_b():
    # api-notes/v3.md 2.1, with the fake's own TC3 code: proof that it checks what a server checks.
    body = (
        b'{"InstanceChargeType": "POSTPAID_BY_HOUR", "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0}, "InstanceType": "S1.SMALL2", '
        b'"ImageId": "img-31tjrtph", "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20}, "InternetAccessible": {"InternetChargeType": '
        b'"TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": true}, "InstanceCount": 1, "InstanceName": '
        b'"ansible test", "LoginSettings": {"Password": "Ab12#xyz"}, "EnhancedService": {"SecurityService": {"Enabled": true}, '
        b'"MonitorService": {"Enabled": true}}, "ClientToken": "tok-0001"}'
    )
    headers = {"content-type": "application/json", "host": "cvm.tencentcloudapi.com"}
    assert tc3_signature("ExampleSecretKey00000000000000000", "cvm", 1700000000, "/", headers, ["content-type", "host"], body) == (
        "c356b879b7eb69bc75c9779ddc2ddbf50a3d063292f4bb1b8618f0f7b3ae6937"
    )


def test_a_wrong_secret_key_is_refused(backend_for):
    api = FakeV3Api([make_instance(1)])
    backend = backend_for(api)
    backend.client.credentials = Credentials("AKIDTEST", "not-the-key")
    with pytest.raises(ApiError) as caught:
        backend.get(ids(1))
    assert caught.value.code == "AuthFailure.SignatureFailure"


def test_every_request_is_signed_json_with_the_common_headers(backend_for):
    api = FakeV3Api([make_instance(1)])
    backend = backend_for(api)
    backend.get(ids(1))
    backend.unknown_security_groups(["sg-gzweb001"])
    describe, groups = api.calls
    assert (describe.service, groups.service) == ("cvm", "vpc")
    for call in api.calls:
        assert call.headers["Content-Type"] == "application/json" and call.headers["X-TC-Version"] == "2017-03-12"
        assert call.headers["X-TC-Region"] == "ap-guangzhou" and call.headers["X-TC-Language"] == "en-US"
        assert call.headers["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDTEST/")
        assert call.url == ENDPOINT and call.headers["Host"] == "127.0.0.1:8080"


# -- open_backend ----------------------------------------------------------------------


def test_open_backend_builds_cvm_and_vpc_clients():
    backend = open_backend(Connection("v3", CREDENTIALS, "ap-shanghai", validate_certs=False, timeout=7.5, retries=2, read_only=True))
    assert isinstance(backend, V3Backend) and backend.api == "v3" and backend.region == "ap-shanghai"
    assert isinstance(backend.client, V3Client) and isinstance(backend.vpc_client, V3Client)
    assert (backend.client.service, backend.vpc_client.service) == ("cvm", "vpc")
    assert backend.client.endpoint.url == "https://cvm.tencentcloudapi.com"
    assert backend.vpc_client.endpoint.url == "https://vpc.tencentcloudapi.com"
    for client in (backend.client, backend.vpc_client):
        assert (client.region, client.validate_certs, client.timeout, client.retry_policy.retries, client.read_only) == ("ap-shanghai", False, 7.5, 2, True)
    assert backend.request_count == 0


def test_a_finance_region_uses_its_regional_hosts():
    backend = open_backend(Connection("v3", CREDENTIALS, "ap-shanghai-fsi"))
    assert backend.client.endpoint.url == "https://cvm.ap-shanghai-fsi.tencentcloudapi.com"
    assert backend.vpc_client.endpoint.url == "https://vpc.ap-shanghai-fsi.tencentcloudapi.com"


def test_a_given_endpoint_serves_both_services():
    backend = open_backend(Connection("v3", CREDENTIALS, "ap-guangzhou", endpoint=ENDPOINT))
    assert backend.client.endpoint.url == backend.vpc_client.endpoint.url == ENDPOINT


def test_a_region_without_a_legacy_code_is_served():
    # ap-nanjing has no legacy code; 3.0 serves it.
    backend = open_backend(Connection("v3", CREDENTIALS, "ap-nanjing"))
    assert backend.client.region == "ap-nanjing"


# -- reading -------------------------------------------------------------------------------


def test_a_page_is_instances_of_the_backend_region(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(12)])
    backend = backend_for(api)
    query = {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-4"]}]}
    page = backend.list_page(query, 0, 2)
    assert page.total == 4 and [i.instance_id for i in page.instances] == ids(1, 4)
    assert {(i.region, i.zone, i.zone_id) for i in page.instances} == {("ap-guangzhou", "ap-guangzhou-4", 100004)}
    assert api.params_of("DescribeInstances") == [dict(query, Offset=0, Limit=2)]
    assert backend.request_count == 1


def test_list_queries_name_zones_by_describe_zones(backend_for):
    api = FakeV3Api()
    api.zones["ap-guangzhou"] = [("ap-guangzhou-3", "100003"), ("ap-guangzhou-3b", "100004")]
    backend = backend_for(api)
    assert backend.list_queries(InstanceFilter(zone_ids=[100003, 100004, 200002])) == [
        {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-3b"]}]}
    ]
    assert api.actions() == ["DescribeZones"]


def test_listed_zone_ids_use_describe_zones_once_asked(backend_for):
    api = FakeV3Api([make_instance(1, region="ap-tokyo", zone="ap-tokyo-2")])
    backend = backend_for(api, region="ap-tokyo")
    (before,) = backend.get(ids(1))
    assert before.zone == "ap-tokyo-2"
    backend.catalog.zone_name(250001)
    (after,) = backend.get(ids(1))
    assert after.zone_id == 250002


def test_a_listing_filtered_by_a_zone_of_an_undocumented_prefix_finds_its_instances(backend_for):
    api = FakeV3Api([make_instance(1, region="ap-tokyo", zone="ap-tokyo-1"), make_instance(2, region="ap-tokyo", zone="ap-tokyo-2")])
    listing = list_instances(lambda region: backend_for(api, region=region), ["ap-tokyo"], InstanceFilter(zone_ids=[250001]), max_workers=1)
    assert [i.instance_id for i in listing.instances] == ids(1)


def test_a_listing_through_list_instances(backend_for):
    api = FakeV3Api([make_instance(number, state=("RUNNING", "STOPPED")[number % 2]) for number in range(130)])
    listing = list_instances(
        lambda region: backend_for(api, region=region), ["ap-guangzhou"], InstanceFilter(statuses=["running"], project_ids=[0]), max_workers=2
    )
    assert len(listing.instances) == 65 and {i.status for i in listing.instances} == {"running"}
    filters = [{"Name": "project-id", "Values": ["0"]}, {"Name": "instance-state", "Values": ["RUNNING"]}]
    assert api.params_of("DescribeInstances") == [{"Filters": filters, "Offset": 0, "Limit": 100}]
    # The listing reports no timer: the expiry of the 65 matching instances is asked for in one call (10.1.5).
    (timers,) = api.params_of("DescribeInstancesActionTimer")
    assert sorted(timers.pop("InstanceIds")) == sorted(i.instance_id for i in listing.instances)
    assert timers == {"TimerAction": "TerminateInstances", "StatusList": ["UNDO"]}
    assert listing.request_count == 2


def test_find_asks_for_the_zones_and_the_name_and_pages(backend_for):
    records = [make_instance(number, zone="ap-guangzhou-3", name="web", state=("RUNNING", "STOPPED", "PENDING")[number % 3]) for number in range(150)]
    records += [
        make_instance(200, zone="ap-guangzhou-4", name="web"),
        make_instance(201, zone="ap-guangzhou-6", name="web"),
        make_instance(202, zone="ap-guangzhou-3", name="db"),
    ]
    api = FakeV3Api(records)
    found = backend_for(api).find([100003, 100004], "web")
    assert len(found) == 151 and {i.instance_name for i in found} == {"web"}
    assert {i.status for i in found} == {"running", "stopped", "pending"}
    filters = [{"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]}, {"Name": "instance-name", "Values": ["web"]}]
    assert api.params_of("DescribeInstances") == [{"Filters": filters, "Offset": 0, "Limit": 100}, {"Filters": filters, "Offset": 100, "Limit": 100}]


def test_find_compares_the_name_exactly_whatever_the_api_filter_does(backend_for):
    # Whether instance-name is exact is not documented (3.2): a server matching substrings lists more.
    records = [
        make_instance(1, zone="ap-guangzhou-3", name="web"),
        make_instance(2, zone="ap-guangzhou-3", name="web-2"),
        make_instance(3, zone="ap-guangzhou-3", name="old-web"),
        make_instance(4, zone="ap-guangzhou-3", name="WEB"),
    ]
    api = FakeV3Api(records)
    api.name_filter = "fuzzy"
    found = backend_for(api).find([100003], "web")
    assert [i.instance_id for i in found] == ids(1)
    assert api.calls_of("DescribeInstances")  # the server did list the others


def test_find_keeps_an_instance_listed_twice_once(backend_for):
    api = FakeV3Api([make_instance(1, zone="ap-guangzhou-3", name="web"), make_instance(2, zone="ap-guangzhou-3", name="web")])
    pages = [
        {"TotalCount": 3, "InstanceSet": [make_instance(1, name="web"), make_instance(2, name="web")]},
        {"TotalCount": 3, "InstanceSet": [make_instance(2, name="web")]},
    ]
    api.before_call = lambda call: pages.pop(0) if call.action == "DescribeInstances" else None
    found = backend_for(api).find([100003], "web")
    assert [i.instance_id for i in found] == ids(1, 2)


def test_find_in_more_zones_than_a_filter_takes(backend_for):
    zones = [("ap-guangzhou-{0}".format(number), str(100000 + number)) for number in range(1, 8)]
    api = FakeV3Api([make_instance(number, zone="ap-guangzhou-3", name="web") for number in range(2)])
    api.zones["ap-guangzhou"] = zones
    found = backend_for(api).find([100000 + number for number in range(1, 8)], "web")
    assert [i.instance_id for i in found] == ids(0, 1)


def test_a_zone_id_nobody_can_name_fails_naming_it(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    for attempt in (lambda: backend.find([990001], "web"), lambda: backend.create(spec(zone_id=990001), 1, "tok-1")):
        with pytest.raises(QcloudError, match="990001"):
            attempt()
    assert all(call.action == "DescribeZones" for call in api.calls)


def test_get_asks_100_ids_at_a_time_and_leaves_out_unknown_ones(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(250)])
    wanted = ids(*range(250)) + ["ins-unknown0"]
    got = backend_for(api).get(wanted)
    assert sorted(i.instance_id for i in got) == sorted(wanted[:-1])
    calls = api.params_of("DescribeInstances")
    assert [len(params["InstanceIds"]) for params in calls] == [100, 100, 51]
    assert all("Filters" not in params and params["Limit"] == 100 for params in calls)
    assert backend_for(api).get([]) == []


# -- buying ----------------------------------------------------------------------------------


def test_example_b_through_the_backend(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    example = spec(image_id="img-31tjrtph", bandwidth_type="PayByTraffic", bandwidth=1, wan_ip=True, password="Ab12#xyz", instance_name="ansible test")
    (instance_id,) = backend.create(example, 1, "tok-0001")
    (params,) = api.params_of("RunInstances")
    assert params == {
        "InstanceChargeType": "POSTPAID_BY_HOUR",
        "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
        "InstanceType": "S1.SMALL2",
        "ImageId": "img-31tjrtph",
        "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20},
        "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": True},
        "InstanceCount": 1,
        "InstanceName": "ansible test",
        "LoginSettings": {"Password": "Ab12#xyz"},
        "EnhancedService": {"SecurityService": {"Enabled": True}, "MonitorService": {"Enabled": True}},
        "ClientToken": "tok-0001",
        "TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": CLIENT_TOKEN_TAG, "Value": "tok-0001"}]}],
    }
    assert api.actions() == ["DescribeZones", "DescribeZoneInstanceConfigInfos", "DescribeImages", "RunInstances"]
    (instance,) = backend.get([instance_id])
    assert instance.tags == {CLIENT_TOKEN_TAG: "tok-0001"} and instance.instance_type == "S1.SMALL2" and instance.zone_id == 100003


def test_create_answers_the_ids_and_a_replay_buys_nothing_more(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    first = backend.create(SPEC, 1, "tok-1")
    assert len(first) == 1 and backend.create(SPEC, 1, "tok-1") == first
    assert len(api.records["ap-guangzhou"]) == 1
    # The catalog and the image are asked once per backend.
    assert api.actions() == ["DescribeZones", "DescribeZoneInstanceConfigInfos", "DescribeImages", "RunInstances", "RunInstances"]


def test_the_catalog_and_the_image_are_asked_once_per_backend(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    backend.find([100003], "web")
    backend.quote(SPEC, 2)
    backend.dry_run(SPEC, 2, "tok-1")
    backend.create(SPEC, 2, "tok-1")
    backend.quote(spec(cpu=2, mem=4), 1)
    backend.find([100004], "web")
    assert api.actions() == [
        "DescribeZones",
        "DescribeInstances",
        "DescribeZoneInstanceConfigInfos",
        "DescribeImages",
        "InquiryPriceRunInstances",
        "RunInstances",
        "RunInstances",
        "InquiryPriceRunInstances",
        "DescribeInstances",
    ]
    assert backend.request_count == len(api.calls) == 9
    # Another family, or another zone, is another answer.
    backend.quote(spec(instance_type="CVM.S2"), 1)
    backend.quote(spec(zone_id=100004), 1)
    assert api.actions()[9:] == ["DescribeZoneInstanceConfigInfos", "InquiryPriceRunInstances", "DescribeZoneInstanceConfigInfos", "InquiryPriceRunInstances"]


def test_a_create_whose_answer_was_lost_is_resent_with_the_same_token(backend_for):
    api = FakeV3Api()
    lost = []

    def lose_the_first_answer(call, payload):
        if call.action == "RunInstances" and not lost:
            lost.append(payload)
            raise requests.exceptions.ConnectionError("connection reset by peer")

    api.after_call = lose_the_first_answer
    created = backend_for(api, retries=2).create(SPEC, 2, "tok-lost")
    first, second = api.calls_of("RunInstances")
    # The same bytes, each attempt signed anew.
    assert first.body == second.body and first.params["ClientToken"] == "tok-lost"
    assert created == lost[0]["InstanceIdSet"] and len(api.records["ap-guangzhou"]) == 2


def test_a_create_fails_with_the_api_s_answer(backend_for):
    api = FakeV3Api()
    api.errors["RunInstances"] = error("InvalidAccount.InsufficientBalance", "balance too low")
    with pytest.raises(ApiError) as caught:
        backend_for(api).create(SPEC, 1, "tok-1")
    assert caught.value.code == "InvalidAccount.InsufficientBalance"


def test_a_type_the_family_does_not_sell_buys_nothing(backend_for):
    api = FakeV3Api()
    with pytest.raises(
        InstanceTypeUnavailable,
        match=r"^instance_type CVM\.S2 does not sell cpu 2 with mem 8 in zone ap-guangzhou-3; "
        r"it sells \(cpu/mem\): 1/2, 2/4, 4/16\. Nothing was bought$",
    ):
        backend_for(api).create(spec(instance_type="CVM.S2", cpu=2, mem=8), 1, "tok-1")
    assert "RunInstances" not in api.actions()


def test_a_sold_out_type_buys_nothing(backend_for):
    api = FakeV3Api()
    api.offers = [dict(item, Status="SOLD_OUT") if item["InstanceType"] == "S1.SMALL2" else item for item in api.offers]
    with pytest.raises(InstanceTypeUnavailable) as caught:
        backend_for(api).create(SPEC, 1, "tok-1")
    assert caught.value.sold_out and "RunInstances" not in api.actions()


def test_the_zone_falls_back_to_the_static_rule_when_describe_zones_fails(backend_for):
    api = FakeV3Api()
    api.errors["DescribeZones"] = error("UnauthorizedOperation", "not allowed")
    backend_for(api).create(SPEC, 1, "tok-1")
    (params,) = api.params_of("RunInstances")
    assert params["Placement"]["Zone"] == "ap-guangzhou-3"


@pytest.mark.parametrize("image_id, size", [("img-3wnd9xpl", 20), ("img-31tjrtph", 20), ("img-win2016d", 50)])
def test_without_root_size_the_legacy_default_of_the_image_s_platform_is_sent(backend_for, image_id, size):
    api = FakeV3Api()
    backend = backend_for(api)
    backend.create(spec(image_id=image_id), 1, "tok-1")
    backend.quote(spec(image_id=image_id), 1)
    assert [params["SystemDisk"] for params in api.params_of("RunInstances") + api.params_of("InquiryPriceRunInstances")] == [
        {"DiskType": "LOCAL_BASIC", "DiskSize": size}
    ] * 2
    assert api.params_of("DescribeImages") == [{"ImageIds": [image_id]}]


@pytest.mark.parametrize("root_size", [20, 40, 50])
def test_a_given_root_size_is_sent_without_asking_for_the_image(backend_for, root_size):
    api = FakeV3Api()
    backend_for(api).create(spec(image_id="img-win2016d", root_size=root_size), 1, "tok-1")
    assert api.params_of("RunInstances")[0]["SystemDisk"] == {"DiskType": "LOCAL_BASIC", "DiskSize": root_size}
    assert "DescribeImages" not in api.actions()


@pytest.mark.parametrize("failure", ["error", "unknown image"])
def test_an_image_whose_platform_cannot_be_read_leaves_the_size_to_the_api(backend_for, failure):
    api = FakeV3Api()
    if failure == "error":
        api.errors["DescribeImages"] = error("InternalError", "boom")
    else:
        api.images["img-priv0001"] = "CentOS"
        api.before_call = lambda call: {"TotalCount": 0, "ImageSet": []} if call.action == "DescribeImages" else None
    backend = backend_for(api)
    backend.create(spec(image_id="img-priv0001" if failure != "error" else "img-3wnd9xpl"), 1, "tok-1")
    backend.create(spec(image_id="img-priv0001" if failure != "error" else "img-3wnd9xpl"), 1, "tok-2")
    assert [params["SystemDisk"] for params in api.params_of("RunInstances")] == [{"DiskType": "LOCAL_BASIC"}] * 2
    assert len(api.calls_of("DescribeImages")) == 1


def test_after_create_names_every_instance_of_a_batch_as_the_task(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    created = backend.create(SPEC, 3, "tok-3")
    # RunInstances appends 1..n to the names of a batch (3.1.1).
    assert sorted(i.instance_name for i in backend.get(created)) == ["web1", "web2", "web3"]
    outcomes = backend.after_create(created, SPEC)
    assert [(o.instance_id, o.ok) for o in outcomes] == [(i, True) for i in created]
    assert api.params_of("ModifyInstancesAttribute") == [{"InstanceName": "web", "InstanceIds": created}]
    assert {i.instance_name for i in backend.get(created)} == {"web"}


def test_after_create_of_one_instance_sends_nothing(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    created = backend.create(SPEC, 1, "tok-1")
    before = len(api.calls)
    assert [(o.instance_id, o.ok) for o in backend.after_create(created, SPEC)] == [(created[0], True)]
    assert len(api.calls) == before


def test_a_refused_rename_is_told_per_instance(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    api.errors["ModifyInstancesAttribute"] = [error("MutexOperation.TaskRunning", "busy"), None, error("InvalidInstanceName.TooLong", "no")]
    outcomes = backend_for(api).after_create(ids(1, 2), SPEC)
    assert [o.ok for o in outcomes] == [True, False] and outcomes[1].error.code == "InvalidInstanceName.TooLong"
    assert [params["InstanceIds"] for params in api.params_of("ModifyInstancesAttribute")] == [ids(1, 2), ids(1), ids(2)]


# -- check mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["request-id", "error"])
def test_both_dry_run_answers_pass(backend_for, mode):
    # 4.2: a plain success as the CVM docs say, or the common DryRunOperation error.
    api = FakeV3Api()
    api.dry_run_mode = mode
    backend_for(api, read_only=True).dry_run(SPEC, 2, "tok-1")
    (params,) = api.params_of("RunInstances")
    assert params["DryRun"] is True and params["InstanceCount"] == 2
    assert api.records == {} and api.tokens == {}


@pytest.mark.parametrize("code", ["InvalidParameterValue", "InvalidAccount.InsufficientBalance", "InvalidParameterValue.InsufficientPrice"])
def test_a_dry_run_refusal_raises(backend_for, code):
    api = FakeV3Api()
    api.errors["RunInstances"] = error(code, "refused")
    with pytest.raises(ApiError) as caught:
        backend_for(api, read_only=True).dry_run(SPEC, 1)
    assert caught.value.code == code


def test_a_dry_run_sends_what_the_create_would_send(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    task = spec(bandwidth=5, wan_ip=False, storage_type=2, storage_size=50, password="Ab12#xyz", security_group_ids=["sg-gzweb001"])
    backend.dry_run(task, 2, "tok-1")
    assert api.records == {}
    backend.create(task, 2, "tok-1")
    check, create = api.params_of("RunInstances")
    assert check.pop("DryRun") is True and check == create


def test_a_read_only_backend_refuses_every_change_but_reads_quotes_and_dry_runs(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2, state="STOPPED")])
    backend = backend_for(api, read_only=True)
    attempts = [
        lambda: backend.create(SPEC, 1, "tok"),
        lambda: backend.give_back(ids(1)),
        lambda: backend.set_bandwidth(ids(1), 5),
        lambda: backend.set_security_groups(ids(1), ["sg-gzweb001"]),
        lambda: backend.start(ids(2)),
        lambda: backend.stop(ids(1)),
        lambda: backend.stop(ids(1), force=True),
        lambda: backend.restart(ids(1)),
        lambda: backend.after_create(ids(1, 2), SPEC),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyViolation):
            attempt()
    assert backend.get(ids(1, 2)) and backend.find([100003], "web") == []
    assert backend.quote(SPEC, 1).count == 1
    backend.dry_run(SPEC, 1, "tok")
    assert backend.unknown_security_groups(["sg-gzweb001"]) == []
    assert set(api.actions()) == {
        "DescribeZones",
        "DescribeZoneInstanceConfigInfos",
        "DescribeImages",
        "DescribeInstances",
        "InquiryPriceRunInstances",
        "RunInstances",
        "DescribeSecurityGroups",
    }
    assert all(call.params.get("DryRun") is True for call in api.calls_of("RunInstances"))
    assert api.record("ins-00000001")["InstanceState"] == "RUNNING" and len(api.records["ap-guangzhou"]) == 2


# -- the quote (3.5) -----------------------------------------------------------------------


def test_quote_uses_the_discounted_prices(backend_for):
    api = FakeV3Api()
    quote = backend_for(api).quote(spec(bandwidth=10), 2)
    assert quote == Quote(count=2, instance_price=0.4, bandwidth_price=1.0, bandwidth_price_unit="HOUR", hourly_price=1.4)
    (params,) = api.params_of("InquiryPriceRunInstances")
    assert params["InstanceCount"] == 2 and not {"ClientToken", "TagSpecification", "LoginSettings", "DryRun"} & set(params)


def test_traffic_is_priced_per_gb_and_not_part_of_the_hourly_price(backend_for):
    api = FakeV3Api()
    quote = backend_for(api).quote(spec(bandwidth=10, bandwidth_type="PayByTraffic", password="Ab12#xyz"), 3)
    assert quote == Quote(count=3, instance_price=0.6, bandwidth_price=0.5, bandwidth_price_unit="GB", hourly_price=0.6)
    assert "Ab12#xyz" not in api.calls_of("InquiryPriceRunInstances")[0].body.decode("ascii")


@pytest.mark.parametrize(
    "price, expected",
    [
        (
            {
                "InstancePrice": {"UnitPrice": 0.4, "UnitPriceDiscount": 0.2},
                "BandwidthPrice": {"UnitPrice": 0.2, "UnitPriceDiscount": 0.1, "ChargeUnit": "HOUR"},
            },
            (0.2, 0.1, "HOUR", 0.3),
        ),
        ({"InstancePrice": {"UnitPrice": 0.4}, "BandwidthPrice": {"UnitPrice": 0.8, "ChargeUnit": "GB"}}, (0.4, 0.8, "GB", 0.4)),
        ({"InstancePrice": {"UnitPriceDiscount": 0.4}, "BandwidthPrice": {"UnitPriceDiscount": 0.8, "ChargeUnit": "gb"}}, (0.4, 0.8, "GB", 0.4)),
        ({"InstancePrice": {"UnitPriceDiscount": 0.4}}, (0.4, 0.0, "HOUR", 0.4)),
        (
            {
                "InstancePrice": {"UnitPriceDiscount": 3.33, "UnitPrice": 16.09, "ChargeUnit": "HOUR"},
                "BandwidthPrice": {"UnitPrice": 0.8, "UnitPriceDiscount": 0.52, "ChargeUnit": "HOUR"},
            },
            (3.33, 0.52, "HOUR", 3.85),
        ),
    ],
)
def test_parse_quote(price, expected):
    quote = parse_quote({"Price": price}, 2)
    assert (quote.instance_price, quote.bandwidth_price, quote.bandwidth_price_unit, quote.hourly_price) == expected and quote.count == 2


def test_a_null_discounted_price_falls_back_to_the_list_price():
    quote = parse_quote(
        {
            "Price": {
                "InstancePrice": {"UnitPrice": 0.4, "UnitPriceDiscount": None, "ChargeUnit": "HOUR"},
                "BandwidthPrice": {"UnitPrice": 0.2, "UnitPriceDiscount": None, "ChargeUnit": "HOUR"},
            }
        },
        1,
    )
    assert (quote.instance_price, quote.bandwidth_price, quote.hourly_price) == (0.4, 0.2, 0.6)


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"Price": None},
        {"Price": {"InstancePrice": {}}},
        {"Price": {"InstancePrice": {"UnitPrice": "free"}}},
        {"Price": {"InstancePrice": {"UnitPrice": 1}, "BandwidthPrice": {"UnitPrice": "x"}}},
    ],
)
def test_an_unreadable_quote_is_a_transport_error(answer):
    with pytest.raises(TransportError, match="the price quote cannot be read"):
        parse_quote(answer, 1)


# -- giving back (3.4) ---------------------------------------------------------------------


def test_give_back_sends_100_ids_per_call(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(250)])
    outcomes = backend_for(api).give_back(ids(*range(250)))
    assert [o.instance_id for o in outcomes] == ids(*range(250)) and all(o.ok for o in outcomes)
    # The batches run on the bounded pool: in any order.
    assert sorted(len(params["InstanceIds"]) for params in api.params_of("TerminateInstances")) == [50, 100, 100]
    assert api.records["ap-guangzhou"] == []


def test_batches_run_at_once_each_thread_with_its_own_session(backend_for):
    api = FakeV3Api([make_instance(number, state="RUNNING") for number in range(250)])
    # The first two batches wait for each other: they can only both pass when they are in flight at once.
    meeting = threading.Barrier(2, timeout=10)
    threads = []

    def meet(call):
        if call.action == "StopInstances":
            threads.append(threading.get_ident())
            if len(threads) <= 2:
                meeting.wait()
        return None

    api.before_call = meet
    backend = backend_for(api)
    outcomes = backend.stop(ids(*range(250)))
    # One outcome per ID, in the order asked, whichever batch finished first.
    assert [o.instance_id for o in outcomes] == ids(*range(250)) and all(o.ok for o in outcomes)
    assert len(set(threads)) >= 2 and threading.get_ident() not in threads
    # The fake's sessions refuse a second thread: each pool thread had its own client.
    assert len(api.sessions) >= 3 and backend.request_count == len(api.calls)


def test_with_a_concurrency_of_1_batches_go_in_turn(backend_for):
    api = FakeV3Api([make_instance(number, state="RUNNING") for number in range(250)])
    threads = set()
    api.before_call = lambda call: threads.add(threading.get_ident())
    backend = backend_for(api)
    backend.concurrency = 1
    assert all(o.ok for o in backend.stop(ids(*range(250))))
    assert threads == {threading.get_ident()}
    assert [len(params["InstanceIds"]) for params in api.params_of("StopInstances")] == [100, 100, 50]


def test_the_concurrency_option_reaches_the_backend():
    backend = open_backend(Connection("v3", CREDENTIALS, "ap-guangzhou", concurrency=3))
    assert backend.concurrency == 3


def test_a_refused_batch_is_retried_one_by_one(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2, state="PENDING"), make_instance(3, state="STOPPED")])
    outcomes = backend_for(api).give_back(ids(1, 2, 3))
    assert [(o.instance_id, o.ok) for o in outcomes] == [("ins-00000001", True), ("ins-00000002", False), ("ins-00000003", True)]
    assert outcomes[1].error.code == "UnsupportedOperation.InstanceStatePending"
    assert [params["InstanceIds"] for params in api.params_of("TerminateInstances")] == [ids(1, 2, 3), ids(1), ids(2), ids(3)]


@pytest.mark.parametrize("gone", ["not found", "terminating", "terminated", "shutdown"])
def test_an_instance_already_given_back_counts_as_given_back(backend_for, gone):
    api = FakeV3Api([make_instance(1), make_instance(2, state={"terminating": "TERMINATING", "shutdown": "SHUTDOWN"}.get(gone, "RUNNING"))])
    if gone == "not found":
        api.records["ap-guangzhou"].pop()
    elif gone == "terminated":
        api.records["ap-guangzhou"].pop()
        api.terminated.add("ins-00000002")
    outcomes = backend_for(api).give_back(ids(1, 2))
    assert [(o.instance_id, o.ok, o.error) for o in outcomes] == [("ins-00000001", True, None), ("ins-00000002", True, None)]


def test_a_lost_connection_fails_the_batch_without_retrying_it_one_by_one(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    api.errors["TerminateInstances"] = requests.exceptions.ConnectionError("reset")
    outcomes = backend_for(api).give_back(ids(1, 2))
    assert [o.ok for o in outcomes] == [False, False] and all(isinstance(o.error, TransportError) for o in outcomes)
    assert len(api.calls_of("TerminateInstances")) == 1


# -- changing in place ------------------------------------------------------------------------


def test_set_bandwidth_of_pay_by_hour_instances_is_one_call_each_and_pay_by_traffic_is_batched(backend_for):
    api = FakeV3Api(
        [make_instance(number, charge="BANDWIDTH_POSTPAID_BY_HOUR") for number in (1, 2)]
        + [make_instance(number, charge="TRAFFIC_POSTPAID_BY_HOUR") for number in (3, 4, 5)]
    )
    backend = backend_for(api)
    backend.get(ids(1, 2, 3, 4, 5))
    outcomes = backend.set_bandwidth(ids(3, 1, 4, 2, 5), 20)
    assert [(o.instance_id, o.ok) for o in outcomes] == [(i, True) for i in ids(3, 1, 4, 2, 5)]
    calls = api.params_of("ResetInstancesInternetMaxBandwidth")
    assert sorted(params["InstanceIds"] for params in calls) == sorted([ids(1), ids(2), ids(3, 4, 5)])
    assert all(params["InternetAccessible"] == {"InternetMaxBandwidthOut": 20} for params in calls)
    assert {api.record(i)["InternetAccessible"]["InternetMaxBandwidthOut"] for i in ids(1, 2, 3, 4, 5)} == {20}


def test_set_bandwidth_learns_the_billing_from_any_listing(backend_for):
    api = FakeV3Api(
        [
            make_instance(1, zone="ap-guangzhou-3", name="web", charge="BANDWIDTH_POSTPAID_BY_HOUR"),
            make_instance(2, zone="ap-guangzhou-3", name="web", charge="BANDWIDTH_POSTPAID_BY_HOUR"),
        ]
    )
    backend = backend_for(api)
    backend.find([100003], "web")
    assert all(o.ok for o in backend.set_bandwidth(ids(1, 2), 3))
    assert sorted(params["InstanceIds"] for params in api.params_of("ResetInstancesInternetMaxBandwidth")) == [ids(1), ids(2)]


def test_set_bandwidth_of_instances_never_listed_is_tried_batched_then_one_by_one(backend_for):
    api = FakeV3Api([make_instance(1, charge="BANDWIDTH_POSTPAID_BY_HOUR"), make_instance(2, charge="BANDWIDTH_POSTPAID_BY_HOUR")])
    outcomes = backend_for(api).set_bandwidth(ids(1, 2), 3)
    assert all(o.ok for o in outcomes)
    assert [params["InstanceIds"] for params in api.params_of("ResetInstancesInternetMaxBandwidth")] == [ids(1, 2), ids(1), ids(2)]


def test_a_refused_bandwidth_change_is_told_per_instance(backend_for):
    api = FakeV3Api([make_instance(1, charge="BANDWIDTH_POSTPAID_BY_HOUR"), make_instance(2, charge="BANDWIDTH_POSTPAID_BY_HOUR")])
    api.before_call = lambda call: (
        error("InvalidAccount.InsufficientBalance", "no")
        if call.action == "ResetInstancesInternetMaxBandwidth" and call.params["InstanceIds"] == ids(2)
        else None
    )
    backend = backend_for(api)
    backend.get(ids(1, 2))
    outcomes = backend.set_bandwidth(ids(1, 2), 3)
    assert [o.ok for o in outcomes] == [True, False] and outcomes[1].error.code == "InvalidAccount.InsufficientBalance"


def test_pay_by_traffic_bandwidth_goes_100_at_a_time(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(150)])
    backend = backend_for(api)
    backend.get(ids(*range(150)))
    assert all(o.ok for o in backend.set_bandwidth(ids(*range(150)), 2))
    assert sorted(len(params["InstanceIds"]) for params in api.params_of("ResetInstancesInternetMaxBandwidth")) == [50, 100]


def test_set_security_groups_replaces_the_list_in_priority_order(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(120)])
    outcomes = backend_for(api).set_security_groups(ids(*range(120)), ["sg-gzssh001", "sg-gzweb001"])
    assert all(o.ok for o in outcomes) and len(outcomes) == 120
    calls = api.params_of("ModifyInstancesAttribute")
    assert sorted(len(params["InstanceIds"]) for params in calls) == [20, 100]
    assert all(set(params) == {"InstanceIds", "SecurityGroups"} and params["SecurityGroups"] == ["sg-gzssh001", "sg-gzweb001"] for params in calls)
    assert api.record("ins-00000007")["SecurityGroupIds"] == ["sg-gzssh001", "sg-gzweb001"]


def test_an_unknown_security_group_fails_each_instance(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    outcomes = backend_for(api).set_security_groups(ids(1, 2), ["sg-missing1"])
    assert [o.ok for o in outcomes] == [False, False] and {o.error.code for o in outcomes} == {"InvalidSecurityGroupId.NotFound"}


# -- power (3.8) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, force, action, stop_type, before, after",
    [
        ("start", None, "StartInstances", None, "STOPPED", "RUNNING"),
        ("stop", False, "StopInstances", "SOFT", "RUNNING", "STOPPED"),
        ("stop", True, "StopInstances", "SOFT_FIRST", "RUNNING", "STOPPED"),
        ("restart", False, "RebootInstances", "SOFT", "RUNNING", "RUNNING"),
        ("restart", True, "RebootInstances", "SOFT_FIRST", "RUNNING", "RUNNING"),
    ],
)
def test_power_actions(backend_for, method, force, action, stop_type, before, after):
    api = FakeV3Api([make_instance(1, state=before), make_instance(2, state=before)])
    backend = backend_for(api)
    outcomes = getattr(backend, method)(ids(1, 2)) if force is None else getattr(backend, method)(ids(1, 2), force=force)
    assert [(o.instance_id, o.ok) for o in outcomes] == [("ins-00000001", True), ("ins-00000002", True)]
    (params,) = api.params_of(action)
    expected = {"InstanceIds": ids(1, 2)}
    if stop_type:
        expected["StopType"] = stop_type
    if action == "StopInstances":
        # The API's default, sent explicitly (10.2.1).
        expected["StoppedMode"] = "KEEP_CHARGING"
    assert params == expected
    assert api.record("ins-00000001")["InstanceState"] == after


def test_a_power_batch_with_one_instance_in_the_wrong_state_is_retried_one_by_one(backend_for):
    api = FakeV3Api([make_instance(1, state="STOPPED"), make_instance(2, state="RUNNING"), make_instance(3, state="STOPPED")])
    outcomes = backend_for(api).start(ids(1, 2, 3))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.code == "UnsupportedOperation.InstanceStateRunning"
    assert api.record("ins-00000003")["InstanceState"] == "RUNNING"


def test_power_batches_hold_100_instances(backend_for):
    api = FakeV3Api([make_instance(number, state="RUNNING") for number in range(230)])
    outcomes = backend_for(api).stop(ids(*range(230)))
    assert len(outcomes) == 230 and all(o.ok for o in outcomes)
    assert sorted(len(params["InstanceIds"]) for params in api.params_of("StopInstances")) == [30, 100, 100]


def test_no_instance_no_request(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    assert backend.start([]) == [] and backend.give_back([]) == [] and backend.set_bandwidth([], 1) == []
    assert backend.set_security_groups([], ["sg-gzweb001"]) == [] and backend.after_create([], SPEC) == []
    assert api.calls == []


# -- security groups (3.11) -------------------------------------------------------------------


def test_unknown_security_groups_asks_vpc_describe_security_groups(backend_for):
    api = FakeV3Api()
    api.strict_group_ids = False
    backend = backend_for(api)
    assert backend.unknown_security_groups(["sg-gzweb001", "sg-missing1", "sg-gzssh001", "sg-missing2"]) == ["sg-missing1", "sg-missing2"]
    (call,) = api.calls_of("DescribeSecurityGroups")
    assert call.service == "vpc"
    # By filter: asked by SecurityGroupIds, an unknown group would fail the whole call.
    assert call.params == {"Filters": [{"Name": "security-group-id", "Values": ["sg-gzweb001", "sg-missing1", "sg-gzssh001", "sg-missing2"]}], "Limit": "100"}
    assert backend.unknown_security_groups(["sg-gzweb001"]) == []


def test_unknown_security_groups_when_the_api_refuses_unknown_ids(backend_for):
    api = FakeV3Api()
    assert api.strict_group_ids
    assert backend_for(api).unknown_security_groups(["sg-gzweb001", "sg-missing1"]) == ["sg-missing1"]


def test_without_a_vpc_client_no_group_is_unknown():
    backend = V3Backend(client=None, region="ap-guangzhou", vpc_client=None)
    assert backend.unknown_security_groups(["sg-x"]) == []


def test_the_listing_reports_security_groups_in_priority_order(backend_for):
    api = FakeV3Api([make_instance(1, SecurityGroupIds=["sg-gzssh001", "sg-gzweb001"])])
    backend = backend_for(api)
    (instance,) = backend.get(ids(1))
    backend.complete_instances([instance])
    assert instance.security_group_ids == ["sg-gzssh001", "sg-gzweb001"]
    assert backend.groups_ordered and not backend.open_without_security_groups and backend.binds_security_groups_at_create
    # Completing an instance asks for its expiry only (10.1.5), never for its groups.
    assert api.actions() == ["DescribeInstances", "DescribeInstancesActionTimer"]


# -- request counts ----------------------------------------------------------------------------


def test_request_count_sums_the_cvm_and_vpc_clients(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.strict_group_ids = False
    backend = backend_for(api)
    backend.get(ids(1))
    backend.unknown_security_groups(["sg-gzweb001"])
    backend.unknown_security_groups(["sg-gzssh001"])
    assert (backend.client.request_count, backend.vpc_client.request_count, backend.request_count) == (1, 2, 3)
    assert backend.request_count == len(api.calls)


def test_request_count_counts_retries(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.errors["DescribeInstances"] = [error("RequestLimitExceeded", "slow down"), error("InternalError", "boom")]
    backend = backend_for(api, retries=3)
    assert [i.instance_id for i in backend.get(ids(1))] == ids(1)
    assert backend.request_count == 3 and len(api.retry_sleeps) == 2


def test_a_create_without_a_token_is_never_resent(backend_for):
    api = FakeV3Api()
    api.errors["RunInstances"] = [error("InternalError", "boom")]
    with pytest.raises(ApiError):
        backend_for(api, retries=3).create(SPEC, 1, None)
    assert len(api.calls_of("RunInstances")) == 1 and api.retry_sleeps == []


def test_an_http_error_is_a_transport_error(backend_for):
    api = FakeV3Api()
    api.errors["DescribeInstances"] = FakeResponse(status_code=502, content=b"bad gateway")
    with pytest.raises(TransportError, match="HTTP 502"):
        backend_for(api).get(ids(1))


def test_the_password_is_never_in_an_error_message(backend_for):
    api = FakeV3Api()
    api.errors["RunInstances"] = error("InvalidPassword", "password Ab12#xyz is too weak")
    with pytest.raises(ApiError) as caught:
        backend_for(api).create(spec(password="Ab12#xyz"), 1, "tok-1")
    assert "Ab12#xyz" not in str(caught.value) and "Ab12#xyz" not in json.dumps(caught.value.details())


# -- the guardrails (api-notes/v3.md 10) ----------------------------------------------------------

FUTURE = "2099-12-24T18:00:00Z"


def listed(backend, *numbers):
    """The Instances of ``numbers`` as a listing gives them, then completed (the task's look-up does both)."""
    instances = backend.get(ids(*numbers))
    backend.complete_instances(instances)
    return {instance.instance_id: instance for instance in instances}


def test_complete_instances_reads_the_undo_timers_of_the_instances(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(1, 4)])
    api.add_timer("ins-00000001", "2099-01-01T10:00:00Z")
    api.add_timer("ins-00000002", "2020-01-01T10:00:00Z", status="DONE")
    backend = backend_for(api)
    instances = backend.get(ids(1, 2, 3))
    api.calls.clear()
    backend.complete_instances(instances)
    assert {i.instance_id: i.expire_time for i in instances} == {"ins-00000001": "2099-01-01T10:00:00Z", "ins-00000002": None, "ins-00000003": None}
    # One call for up to 100 instances, asking for their waiting termination timers (10.1.5).
    (params,) = api.params_of("DescribeInstancesActionTimer")
    assert sorted(params.pop("InstanceIds")) == ids(1, 2, 3)
    assert params == {"TimerAction": "TerminateInstances", "StatusList": ["UNDO"]}
    assert api.actions() == ["DescribeInstancesActionTimer"]
    assert all(i.unreported == frozenset() for i in instances)


def test_complete_instances_keeps_only_undo_timers_whatever_the_answer_holds(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    answer = {
        "ActionTimers": [
            {
                "ActionTimerId": "t-done",
                "InstanceId": "ins-00000001",
                "TimerAction": "TerminateInstances",
                "ActionTime": "2099-01-01T00:00:00Z",
                "Status": "DONE",
            },
            {
                "ActionTimerId": "t-doing",
                "InstanceId": "ins-00000002",
                "TimerAction": "TerminateInstances",
                "ActionTime": "2099-01-01T00:00:00Z",
                "Status": "DOING",
            },
            {
                "ActionTimerId": "t-other",
                "InstanceId": "ins-00000099",
                "TimerAction": "TerminateInstances",
                "ActionTime": "2099-01-01T00:00:00Z",
                "Status": "UNDO",
            },
        ]
    }
    api.before_call = lambda call: answer if call.action == "DescribeInstancesActionTimer" else None
    instances = listed(backend_for(api), 1, 2)
    assert {i.expire_time for i in instances.values()} == {None}


def test_complete_instances_reads_both_documented_time_forms(backend_for):
    api = FakeV3Api([make_instance(1)])
    answer = {"ActionTimers": [{"ActionTimerId": "t-1", "InstanceId": "ins-00000001", "ActionTime": "2099-01-01T10:00:00+00:00", "Status": "UNDO"}]}
    api.before_call = lambda call: answer if call.action == "DescribeInstancesActionTimer" else None
    assert listed(backend_for(api), 1)["ins-00000001"].expire_time == "2099-01-01T10:00:00Z"


def test_complete_instances_clears_an_expiry_that_is_gone(backend_for):
    api = FakeV3Api([make_instance(1)])
    timer = api.add_timer("ins-00000001", FUTURE)
    backend = backend_for(api)
    (instance,) = backend.get(ids(1))
    backend.complete_instances([instance])
    assert instance.expire_time == FUTURE
    del api.timers[timer]
    backend.complete_instances([instance])
    assert instance.expire_time is None


@pytest.mark.parametrize("count, with_ids", [(100, True), (101, False), (250, False)])
def test_complete_instances_asks_by_id_up_to_100_and_for_the_region_s_timers_beyond(backend_for, count, with_ids):
    api = FakeV3Api([make_instance(number) for number in range(count + 3)])
    for number in range(0, count + 3, 7):
        api.add_timer("ins-{0:08d}".format(number), "2099-01-01T00:{0:02d}:00Z".format(number % 60))
    backend = backend_for(api)
    instances = backend.get(ids(*range(count)))
    backend.complete_instances(instances)
    (params,) = api.params_of("DescribeInstancesActionTimer")
    # The action has no paging (10.1.3): beyond 100 instances, one call for every waiting timer of the region.
    assert ("InstanceIds" in params) is with_ids
    if with_ids:
        assert len(params["InstanceIds"]) == count
    expected = {"ins-{0:08d}".format(n): "2099-01-01T00:{0:02d}:00Z".format(n % 60) if n % 7 == 0 else None for n in range(count)}
    assert {i.instance_id: i.expire_time for i in instances} == expected


def test_complete_instances_of_nothing_sends_nothing(backend_for):
    api = FakeV3Api()
    backend_for(api).complete_instances([])
    assert api.calls == []


@pytest.mark.parametrize("answer", ["unknown action", error("UnsupportedOperation", "not for this account"), error("UnsupportedOperation.Region", "not here")])
def test_an_api_without_the_timer_actions_leaves_the_expiry_unreported(backend_for, answer):
    api = FakeV3Api([make_instance(1)])
    if answer == "unknown action":
        api.timer_actions = False
    else:
        api.errors["DescribeInstancesActionTimer"] = answer
    instances = listed(backend_for(api), 1)
    instance = instances["ins-00000001"]
    assert instance.expire_time is None and "expire_time" in instance.unreported


def test_other_timer_listing_errors_raise(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.errors["DescribeInstancesActionTimer"] = error("AuthFailure.UnauthorizedOperation", "no")
    backend = backend_for(api)
    with pytest.raises(ApiError, match="AuthFailure.UnauthorizedOperation"):
        listed(backend, 1)


def test_set_expiry_of_an_instance_without_a_timer_imports_one(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    backend = backend_for(api)
    listed(backend, 1, 2)
    api.calls.clear()
    outcomes = backend.set_expiry(ids(1, 2), FUTURE)
    assert [(o.instance_id, o.ok) for o in outcomes] == [(i, True) for i in ids(1, 2)]
    assert api.params_of("ImportInstancesActionTimer") == [
        {"InstanceIds": [i], "ActionTimer": {"TimerAction": "TerminateInstances", "ActionTime": FUTURE}} for i in ids(1, 2)
    ]
    assert api.actions() == ["ImportInstancesActionTimer"] * 2
    assert [t["ActionTime"] for t in api.timers_of("ins-00000001")] == [FUTURE]


def test_set_expiry_deletes_the_waiting_timer_then_imports_the_new_one(backend_for):
    api = FakeV3Api([make_instance(1)])
    old = api.add_timer("ins-00000001", "2099-01-01T00:00:00Z")
    backend = backend_for(api)
    assert listed(backend, 1)["ins-00000001"].expire_time == "2099-01-01T00:00:00Z"
    api.calls.clear()
    (outcome,) = backend.set_expiry(ids(1), FUTURE)
    assert outcome.ok
    # No timer can be modified (10.1.1): delete the UNDO one, then import.
    assert api.actions() == ["DeleteInstancesActionTimer", "ImportInstancesActionTimer"]
    assert api.params_of("DeleteInstancesActionTimer") == [{"ActionTimerIds": [old]}]
    assert old not in api.timers and [t["ActionTime"] for t in api.timers_of("ins-00000001")] == [FUTURE]
    assert listed(backend, 1)["ins-00000001"].expire_time == FUTURE


def test_set_expiry_twice_deletes_the_timer_it_imported(backend_for):
    api = FakeV3Api([make_instance(1)])
    backend = backend_for(api)
    listed(backend, 1)
    assert backend.set_expiry(ids(1), "2099-01-01T00:00:00Z")[0].ok
    assert backend.set_expiry(ids(1), FUTURE)[0].ok
    assert [t["ActionTime"] for t in api.timers_of("ins-00000001")] == [FUTURE] and len(api.timers) == 1
    assert api.actions()[-3:] == ["ImportInstancesActionTimer", "DeleteInstancesActionTimer", "ImportInstancesActionTimer"]


def test_a_refused_expiry_is_told_per_instance(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2, DisableApiTermination=True), make_instance(3)])
    backend = backend_for(api)
    listed(backend, 1, 2, 3)
    outcomes = backend.set_expiry(ids(1, 2, 3), FUTURE)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.code == "UnsupportedOperation.NotSupportImportInstancesActionTimer"


def test_a_lost_connection_fails_one_expiry_and_not_the_others(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    api.errors["ImportInstancesActionTimer"] = [requests.exceptions.ConnectionError("reset"), None]
    backend = backend_for(api)
    listed(backend, 1, 2)
    outcomes = backend.set_expiry(ids(1, 2), FUTURE)
    assert [o.ok for o in outcomes] == [False, True] and isinstance(outcomes[0].error, TransportError)


def test_set_termination_protection_is_modify_instances_attribute_100_at_a_time(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(130)])
    backend = backend_for(api)
    outcomes = backend.set_termination_protection(ids(*range(130)), True)
    assert len(outcomes) == 130 and all(o.ok for o in outcomes)
    calls = api.params_of("ModifyInstancesAttribute")
    assert sorted(len(params["InstanceIds"]) for params in calls) == [30, 100]
    # One attribute per call (3.10), a JSON Boolean (10.6).
    assert all(set(params) == {"InstanceIds", "DisableApiTermination"} and params["DisableApiTermination"] is True for params in calls)
    assert api.record("ins-00000007")["DisableApiTermination"] is True
    assert backend.get(ids(7))[0].termination_protection is True
    assert all(o.ok for o in backend.set_termination_protection(ids(7), False))
    assert backend.get(ids(7))[0].termination_protection is False


def test_protection_refused_for_an_instance_with_a_timer_is_told_per_instance(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    api.add_timer("ins-00000002", FUTURE)
    outcomes = backend_for(api).set_termination_protection(ids(1, 2), True)
    assert [o.ok for o in outcomes] == [True, False]
    assert outcomes[1].error.code == "UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance"


def test_a_protected_instance_is_not_given_back_and_the_others_are(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2, DisableApiTermination=True), make_instance(3)])
    outcomes = backend_for(api).give_back(ids(1, 2, 3))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.code == "UnsupportedOperation.InstancesProtected"
    assert [record["InstanceId"] for record in api.records["ap-guangzhou"]] == ids(2)


def test_user_data_is_describe_instances_attributes_decoded(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(1, 4)])
    api.user_data["ins-00000001"] = "TXlVc2VyRGF0YQo="
    api.user_data["ins-00000002"] = base64.b64encode("echo \u7f51\n".encode("utf-8")).decode("ascii")
    backend = backend_for(api)
    assert backend.user_data(ids(1, 2, 3)) == {"ins-00000001": "MyUserData\n", "ins-00000002": "echo \u7f51\n", "ins-00000003": None}
    # Both parameters are required, the only attribute is UserData (10.5).
    assert api.params_of("DescribeInstancesAttributes") == [{"InstanceIds": ids(1, 2, 3), "Attributes": ["UserData"]}]


def test_user_data_asks_100_instances_at_a_time(backend_for):
    api = FakeV3Api([make_instance(number) for number in range(150)])
    found = backend_for(api).user_data(ids(*range(150)))
    assert len(found) == 150 and set(found.values()) == {None}
    assert [len(params["InstanceIds"]) for params in api.params_of("DescribeInstancesAttributes")] == [100, 50]


@pytest.mark.parametrize("stored", ["not base64 at all!", base64.b64encode(b"\xff\xfe\xfa").decode("ascii")])
def test_user_data_that_cannot_be_read_as_text_is_compared_as_it_is(backend_for, stored):
    api = FakeV3Api([make_instance(1)])
    api.user_data["ins-00000001"] = stored
    assert backend_for(api).user_data(ids(1)) == {"ins-00000001": stored}


def test_an_api_without_describe_instances_attributes_cannot_tell_the_user_data(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.attributes_action = False
    assert backend_for(api).user_data(ids(1)) == {}


def test_stop_charging_is_stopped_mode_stop_charging(backend_for):
    api = FakeV3Api([make_instance(1), make_instance(2)])
    backend = backend_for(api)
    outcomes = backend.stop(ids(1, 2), stop_charging=True)
    assert all(o.ok for o in outcomes)
    assert api.params_of("StopInstances") == [{"InstanceIds": ids(1, 2), "StopType": "SOFT", "StoppedMode": "STOP_CHARGING"}]
    instances = backend.get(ids(1, 2))
    assert {(i.status, i.stop_charging_mode) for i in instances} == {("stopped", "stop_charging")}
    # The public IP went with the charging (10.2.4).
    assert all(i.public_ips == [] for i in instances)
    backend.start(ids(1))
    assert backend.get(ids(1))[0].stop_charging_mode is None


def test_a_plain_stop_keeps_charging(backend_for):
    api = FakeV3Api([make_instance(1)])
    backend = backend_for(api)
    backend.stop(ids(1), force=True)
    assert api.params_of("StopInstances") == [{"InstanceIds": ids(1), "StopType": "SOFT_FIRST", "StoppedMode": "KEEP_CHARGING"}]
    (instance,) = backend.get(ids(1))
    assert instance.stop_charging_mode == "keep_charging" and instance.public_ips


def test_an_instance_that_cannot_stop_charging_is_told_apart(backend_for):
    local = {"DiskType": "LOCAL_BASIC", "DiskId": "disk-l1", "DiskSize": 20}
    api = FakeV3Api([make_instance(1), make_instance(2, SystemDisk=local), make_instance(3, InstanceChargeType="SPOTPAID")])
    outcomes = backend_for(api).stop(ids(1, 2, 3), stop_charging=True)
    assert [o.ok for o in outcomes] == [True, False, False]
    assert {o.error.code for o in outcomes[1:]} == {"UnsupportedOperation.StoppedModeStopCharging"}
    assert api.record("ins-00000001")["StopChargingMode"] == "STOP_CHARGING" and api.record("ins-00000002")["InstanceState"] == "RUNNING"


STOCK_CODES = [
    ("ResourcesSoldOut.SpecifiedInstanceType", True),
    ("ResourceInsufficient.SpecifiedInstanceType", True),
    ("ResourceInsufficient.AvailabilityZoneSoldOut", True),
    ("ResourceUnavailable.InstanceType", False),
    ("InvalidParameterValue.InsufficientOffering", True),
]


@pytest.mark.parametrize("code, sold_out", STOCK_CODES)
@pytest.mark.parametrize("method", ["create", "dry_run"])
def test_a_stock_answer_is_a_zone_unavailable_naming_the_zone(backend_for, code, sold_out, method):
    api = FakeV3Api()
    api.errors["RunInstances"] = error(code, "no stock")
    backend = backend_for(api, read_only=method == "dry_run")
    with pytest.raises(ZoneUnavailable) as caught:
        getattr(backend, method)(SPEC, 1, "tok-1")
    assert caught.value.sold_out is sold_out and "zone ap-guangzhou-3 cannot sell this now" in str(caught.value) and code in str(caught.value)
    assert isinstance(caught.value.cause, ApiError) and caught.value.details()["api_error"]["code"] == code


@pytest.mark.parametrize(
    "code", ["InvalidParameterValue", "InvalidAccount.InsufficientBalance", "LimitExceeded.UserSpotQuota", "ResourceInsufficient.CloudDiskSoldOut"]
)
def test_other_create_refusals_stay_api_errors(backend_for, code):
    api = FakeV3Api()
    api.errors["RunInstances"] = error(code, "refused")
    with pytest.raises(ApiError) as caught:
        backend_for(api).create(SPEC, 1, "tok-1")
    assert caught.value.code == code and not isinstance(caught.value, ZoneUnavailable)


def test_the_fake_s_stock_switches_are_zone_unavailable(backend_for):
    api = FakeV3Api()
    api.sold_out_zones.add("ap-guangzhou-3")
    api.stock[("ap-guangzhou-4", "S1.SMALL2", "POSTPAID_BY_HOUR")] = 2
    backend = backend_for(api)
    with pytest.raises(ZoneUnavailable, match="ResourceInsufficient.AvailabilityZoneSoldOut"):
        backend.create(SPEC, 1, "tok-1")
    with pytest.raises(ZoneUnavailable, match="ResourceInsufficient.SpecifiedInstanceType"):
        backend.dry_run(spec(zone_id=100004), 3, "tok-2")
    assert len(backend.create(spec(zone_id=100004), 2, "tok-3")) == 2
    # The catalog said SELL all along: stock is only known from the create's answer (10.4.1).
    assert api.records["ap-guangzhou"] and "ResourcesSoldOut" not in json.dumps([c.params for c in api.calls])


def test_a_spot_spec_asks_for_the_spotpaid_offers_and_buys_spot(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    spot = spec(market="spot", spot_max_price=0.05)
    (instance_id,) = backend.create(spot, 1, "tok-1")
    (catalog_call,) = api.params_of("DescribeZoneInstanceConfigInfos")
    # Stock is per zone, type and charge type (10.4.1).
    assert {"Name": "instance-charge-type", "Values": ["SPOTPAID"]} in catalog_call["Filters"]
    (params,) = api.params_of("RunInstances")
    assert params["InstanceChargeType"] == "SPOTPAID"
    assert params["InstanceMarketOptions"] == {"MarketType": "spot", "SpotOptions": {"MaxPrice": "0.05", "SpotInstanceType": "one-time"}}
    assert backend.get([instance_id])[0].instance_charge_type == "SPOTPAID"
    # The same family on demand is another answer of the catalog.
    backend.quote(SPEC, 1)
    assert [c["Filters"][2]["Values"] for c in api.params_of("DescribeZoneInstanceConfigInfos")] == [["SPOTPAID"], ["POSTPAID_BY_HOUR"]]


def test_a_type_sold_out_as_spot_only_is_sold_out_for_spot_only(backend_for):
    api = FakeV3Api()
    api.offers = [
        dict(item, Status="SOLD_OUT") if (item["InstanceType"], item["InstanceChargeType"]) == ("S1.SMALL2", "SPOTPAID") else item for item in api.offers
    ]
    backend = backend_for(api)
    with pytest.raises(InstanceTypeUnavailable) as caught:
        backend.create(spec(market="spot"), 1, "tok-1")
    assert caught.value.sold_out and "sold out in zone ap-guangzhou-3" in str(caught.value)
    assert len(backend.create(SPEC, 1, "tok-2")) == 1


def test_a_spot_quote_is_the_spot_price(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    assert backend.quote(spec(market="spot"), 2).instance_price == pytest.approx(0.16)
    assert backend.quote(SPEC, 2).instance_price == pytest.approx(0.4)
    (spot_params, _on_demand) = api.params_of("InquiryPriceRunInstances")
    assert spot_params["InstanceChargeType"] == "SPOTPAID" and "InstanceMarketOptions" not in spot_params


def test_a_bid_below_the_spot_price_is_the_api_s_refusal(backend_for):
    api = FakeV3Api()
    with pytest.raises(ApiError) as caught:
        backend_for(api).create(spec(market="spot", spot_max_price=0.01), 1, "tok-1")
    assert caught.value.code == "InvalidParameterValue.InsufficientPrice" and not isinstance(caught.value, ZoneUnavailable)


def test_a_guarded_create_sets_timer_user_data_and_protection_at_once(backend_for):
    api = FakeV3Api()
    backend = backend_for(api)
    (first,) = backend.create(spec(expire_at=FUTURE, user_data="#!/bin/sh\necho hi\n"), 1, "tok-1")
    (second,) = backend.create(spec(termination_protection=True), 1, "tok-2")
    # One UNDO timer per instance bought with an ActionTimer (10.1.5), nothing more to ask.
    assert [t["ActionTime"] for t in api.timers_of(first)] == [FUTURE] and api.timers_of(second) == []
    assert backend.user_data([first, second]) == {first: "#!/bin/sh\necho hi\n", second: None}
    instances = listed(backend, int(first[4:]), int(second[4:]))
    assert (instances[first].expire_time, instances[first].termination_protection) == (FUTURE, False)
    assert (instances[second].expire_time, instances[second].termination_protection) == (None, True)
    assert "ImportInstancesActionTimer" not in api.actions() and "ModifyInstancesAttribute" not in api.actions()


def test_the_fake_refuses_a_timer_less_than_5_minutes_ahead_and_one_on_a_protected_create(backend_for):
    api = FakeV3Api([make_instance(1)], clock=lambda: 4102444800)  # 2100-01-01T00:00:00Z
    backend = backend_for(api)
    listed(backend, 1)
    (outcome,) = backend.set_expiry(ids(1), "2100-01-01T00:05:00Z")
    assert outcome.error.code == "InvalidParameterValue"
    assert backend.set_expiry(ids(1), "2100-01-01T00:05:01Z")[0].ok
    with pytest.raises(ApiError, match="NotSupportImportInstancesActionTimer"):
        backend.create(spec(expire_at="2100-01-01T08:00:00Z", termination_protection=True), 1, "tok-1")


def test_a_read_only_backend_refuses_the_guardrail_changes_but_reads_timers_and_user_data(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.add_timer("ins-00000001", FUTURE)
    backend = backend_for(api, read_only=True)
    instances = listed(backend, 1)
    assert instances["ins-00000001"].expire_time == FUTURE and backend.user_data(ids(1)) == {"ins-00000001": None}
    for attempt in (
        lambda: backend.set_expiry(ids(1), "2099-12-25T18:00:00Z"),
        lambda: backend.set_termination_protection(ids(1), True),
        lambda: backend.stop(ids(1), stop_charging=True),
    ):
        with pytest.raises(ReadOnlyViolation):
            attempt()
    assert set(api.actions()) == {"DescribeInstances", "DescribeInstancesActionTimer", "DescribeInstancesAttributes"}


def test_a_listing_filtered_by_expires_within_matches_once_the_timers_are_read(backend_for):
    # 2030-01-01T00:00:00Z
    now = 1893456000
    api = FakeV3Api([make_instance(number) for number in range(6)])
    api.add_timer("ins-00000001", "2030-01-01T00:30:00Z")
    api.add_timer("ins-00000002", "2030-01-01T06:00:00Z")
    api.add_timer("ins-00000003", "2030-01-03T00:00:00Z")
    api.add_timer("ins-00000004", "2030-01-01T00:10:00Z", status="DONE")
    instance_filter = InstanceFilter(expires_within="6h", clock=lambda: now)
    listing = list_instances(lambda region: backend_for(api, region=region), ["ap-guangzhou"], instance_filter, max_workers=2)
    assert sorted(i.instance_id for i in listing.instances) == ids(1, 2)
    assert {i.instance_id: i.expire_time for i in listing.instances} == {"ins-00000001": "2030-01-01T00:30:00Z", "ins-00000002": "2030-01-01T06:00:00Z"}
    # No filter of DescribeInstances says it: every instance is listed, its timer asked, and the filter applied then.
    assert api.params_of("DescribeInstances") == [{"Offset": 0, "Limit": 100}]
    assert len(api.calls_of("DescribeInstancesActionTimer")) == 1


def test_expires_within_on_an_api_without_timers_matches_nothing(backend_for):
    api = FakeV3Api([make_instance(1)])
    api.add_timer("ins-00000001", "2030-01-01T00:30:00Z")
    api.timer_actions = False
    listing = list_instances(lambda region: backend_for(api, region=region), ["ap-guangzhou"], InstanceFilter(expires_within="365d"), max_workers=1)
    assert listing.instances == []
