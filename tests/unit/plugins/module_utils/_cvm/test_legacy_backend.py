# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy backend (_cvm/legacy/backend.py) and open_backend (_cvm/backends.py), against an in-memory legacy API."""

from __future__ import annotations

import threading

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import spec_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, ConfigError, ReadOnlyViolation, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import Quote
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import LEGACY_ENDPOINT, Connection, open_backend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.backend import LegacyBackend, parse_quote
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi, error, install, make_record
from ansible_collections.qcloud.cvm.tests.unit.fakes.task_options import INSTANCE_OPTIONS

ENDPOINT = "http://127.0.0.1:8080/v2/index.php"
CREDENTIALS = Credentials("AKIDTEST", "key")
SPEC = spec_from_options(dict(INSTANCE_OPTIONS, instance_name="web"))


@pytest.fixture
def backend_for(monkeypatch):
    """``backend_for(api, ...)``: a legacy backend of ``api``; every client it opens (its clones too) talks to ``api``."""

    def open_one(api, region="ap-guangzhou", retries=0, read_only=False, endpoint=ENDPOINT, concurrency=10):
        install(monkeypatch, api)
        backend = open_backend(Connection("legacy", CREDENTIALS, region, endpoint=endpoint, retries=retries, read_only=read_only, concurrency=concurrency))
        backend.client.retry_policy = RetryPolicy(retries=retries, sleep=api.retry_sleeps.append, rand=lambda: 0.5)
        return backend

    return open_one


# -- open_backend ----------------------------------------------------------------


def test_open_backend_builds_a_legacy_client_from_the_connection():
    connection = Connection("legacy", CREDENTIALS, "ap-shanghai", validate_certs=False, timeout=7.5, retries=2, read_only=True)
    backend = open_backend(connection)
    assert isinstance(backend, LegacyBackend) and isinstance(backend.client, LegacyClient)
    assert backend.api == "legacy" and backend.region == "ap-shanghai"
    client = backend.client
    assert client.region == "sh" and client.endpoint.url == LEGACY_ENDPOINT and client.credentials is CREDENTIALS
    assert (client.validate_certs, client.timeout, client.retry_policy.retries, client.read_only) == (False, 7.5, 2, True)
    assert backend.request_count == 0


def test_open_backend_refuses_an_unknown_api():
    with pytest.raises(ConfigError, match="^option 'api': 'v4' is not one of legacy, v3$"):
        open_backend(Connection("v4", CREDENTIALS, "ap-guangzhou"))


def test_open_backend_refuses_a_region_the_legacy_api_has_no_code_for():
    with pytest.raises(ConfigError, match="^option 'region': ap-nanjing has no short code on the legacy API; use api: v3$"):
        open_backend(Connection("legacy", CREDENTIALS, "ap-nanjing"))


def test_for_region_keeps_everything_else():
    connection = Connection("legacy", CREDENTIALS, "ap-guangzhou", endpoint=ENDPOINT, validate_certs=False, timeout=3, retries=1, read_only=True)
    moved = connection.for_region("ap-beijing")
    assert moved.region == "ap-beijing" and connection.region == "ap-guangzhou"
    for name in ("api", "credentials", "endpoint", "validate_certs", "timeout", "retries", "read_only"):
        assert getattr(moved, name) == getattr(connection, name), name


# -- reading -----------------------------------------------------------------------


def test_a_page_is_instances_of_the_backend_region(backend_for):
    api = FakeLegacyApi([make_record(number) for number in range(12)])
    backend = backend_for(api)
    page = backend.list_page({"zoneId": 100002}, 0, 2)
    assert page.total == 3 and [i.instance_id for i in page.instances] == ["ins-gz000001", "ins-gz000005"]
    assert {i.region for i in page.instances} == {"ap-guangzhou"}
    call = api.calls[0]
    assert call.region == "gz" and call.params == {"zoneId": 100002, "offset": 0, "limit": 2}
    assert backend.request_count == 1


def test_list_queries_plan_in_the_backend_region(backend_for):
    backend = backend_for(FakeLegacyApi(), region="ap-shanghai")
    assert backend.list_queries(InstanceFilter(zone_ids=[100003, 200001])) == [{"zoneId": 200001}]


def test_find_keeps_the_exact_name_in_any_status_over_every_page(backend_for):
    records = [make_record(number, zone_id=100003, name="web", status=(2, 5, 3)[number % 3]) for number in range(150)]
    records += [make_record(200, zone_id=100003, name="web-2"), make_record(201, zone_id=100003, name="WEB"), make_record(202, zone_id=100004, name="web")]
    api = FakeLegacyApi(records)
    found = backend_for(api).find([100003], "web")
    assert len(found) == 150 and {i.instance_name for i in found} == {"web"}
    assert {i.status for i in found} == {"running", "terminated", "pending"}
    assert [(p["zoneId"], p["searchWord"], p["offset"]) for p in api.describe_calls()] == [(100003, "web", 0), (100003, "web", 100)]


def test_find_asks_each_zone(backend_for):
    api = FakeLegacyApi([make_record(0, zone_id=100003, name="db"), make_record(1, zone_id=100004, name="db")])
    assert [i.instance_id for i in backend_for(api).find([100003, 100004], "db")] == ["ins-gz000000", "ins-gz000001"]


def test_get_asks_100_ids_at_a_time_and_leaves_out_unknown_ones(backend_for):
    api = FakeLegacyApi([make_record(number) for number in range(250)])
    wanted = ["ins-gz{0:06d}".format(number) for number in range(250)] + ["ins-unknown"]
    got = backend_for(api).get(wanted)
    assert sorted(i.instance_id for i in got) == sorted(wanted[:-1])
    assert [len(params["instanceIds"]) for params in api.describe_calls()] == [100, 100, 51]
    assert backend_for(api).get([]) == []


# -- buying ----------------------------------------------------------------------------


def test_create_sends_one_request_and_answers_the_ids(backend_for):
    api = FakeLegacyApi()
    ids = backend_for(api).create(SPEC, 3, "tok-1")
    assert len(ids) == 3 and ids == api.tokens["tok-1"]
    (call,) = api.calls_of("RunInstancesHour")
    assert call.params["goodsNum"] == 3 and call.params["clientToken"] == "tok-1" and call.params["instanceName"] == "web"


def test_a_create_whose_answer_was_lost_is_not_repeated_by_its_retry(backend_for):
    api = FakeLegacyApi()
    lost = []

    def lose_the_first_answer(call, answer):
        if call.action == "RunInstancesHour" and not lost:
            lost.append(answer)
            raise requests.exceptions.ConnectionError("connection reset by peer")

    api.after_call = lose_the_first_answer
    ids = backend_for(api, retries=2).create(SPEC, 2, "tok-lost")
    creates = api.calls_of("RunInstancesHour")
    assert len(creates) == 2 and creates[0].params == creates[1].params
    assert creates[0].data["Nonce"] != creates[1].data["Nonce"]
    assert ids == lost[0]["unInstanceIds"] and len(api.records["gz"]) == 2


def test_a_read_only_backend_refuses_to_buy_or_give_back(backend_for):
    api = FakeLegacyApi([make_record(0)])
    backend = backend_for(api, read_only=True)
    with pytest.raises(ReadOnlyViolation):
        backend.create(SPEC, 1, "tok")
    with pytest.raises(ReadOnlyViolation):
        backend.give_back(["ins-gz000000"])
    assert api.calls == []
    assert backend.quote(SPEC, 1).count == 1


def test_quote(backend_for):
    api = FakeLegacyApi()
    quote = backend_for(api).quote(SPEC, 2)
    assert quote == Quote(count=2, instance_price=0.4, bandwidth_price=0.0, bandwidth_price_unit="HOUR", hourly_price=0.4)
    assert quote.as_dict() == {"goods_num": 2, "instance_price": 0.4, "bandwidth_price": 0.0, "bandwidth_price_unit": "HOUR", "hourly_price": 0.4}
    (call,) = api.calls_of("InquiryInstancePriceHour")
    assert call.params == {
        "cpu": 1,
        "mem": 2,
        "imageId": "img-3wnd9xpl",
        "imageType": 2,
        "storageSize": 0,
        "storageType": 1,
        "bandwidthType": "PayByHour",
        "bandwidth": 0,
        "goodsNum": 2,
        "zoneId": 100003,
        "instanceType": "CVM.S1",
    }


@pytest.mark.parametrize(
    "data, hourly, unit",
    [
        ({"cvm": {"price": "0.40"}, "bandwidth": {"price": "0.20", "price_unit": "HOUR"}}, 0.6, "HOUR"),
        ({"cvm": {"price": "0.40"}, "bandwidth": {"price": "0.80", "price_unit": "GB"}}, 0.4, "GB"),
        ({"cvm": {"price": "0.40"}, "bandwidth": {"price": "0.80", "price_unit": "gb"}}, 0.4, "GB"),
        ({"cvm": {"price": 0.4}}, 0.4, "HOUR"),
        ([{"cvm": {"price": "0.40"}, "bandwidth": {"price": "0.10"}}], 0.5, "HOUR"),
    ],
)
def test_parse_quote(data, hourly, unit):
    quote = parse_quote({"code": 0, "data": data}, 2)
    assert quote.hourly_price == hourly and quote.bandwidth_price_unit == unit and quote.count == 2


@pytest.mark.parametrize("data", [None, {}, [], {"cvm": {}}, {"cvm": {"price": "free"}}, {"cvm": {"price": "1"}, "bandwidth": {"price": "x"}}])
def test_an_unreadable_quote_is_a_transport_error(data):
    with pytest.raises(TransportError, match="the price quote cannot be read"):
        parse_quote({"code": 0, "data": data}, 1)


# -- giving back -------------------------------------------------------------------------


def test_give_back_answers_one_outcome_per_id_in_order(backend_for):
    api = FakeLegacyApi([make_record(0), make_record(1, status=4)])
    outcomes = backend_for(api).give_back(["ins-gz000001", "ins-gz000000"])
    assert [(o.instance_id, o.ok) for o in outcomes] == [("ins-gz000001", True), ("ins-gz000000", True)]
    # One call per instance, sent at the same time by clones of the client.
    assert sorted(call.params["instanceId"] for call in api.calls_of("ReturnInstance")) == ["ins-gz000000", "ins-gz000001"]
    assert {record["status"] for record in api.records["gz"]} == {6}


@pytest.mark.parametrize("status", [5, 6])
def test_an_instance_given_back_already_counts_as_given_back(backend_for, status):
    api = FakeLegacyApi([make_record(0, status=status)])
    (outcome,) = backend_for(api).give_back(["ins-gz000000"])
    assert outcome.ok and outcome.error is None
    assert api.actions() == ["ReturnInstance", "DescribeInstances"]


def test_an_instance_no_longer_listed_counts_as_given_back(backend_for):
    api = FakeLegacyApi([make_record(0)])
    api.errors["ReturnInstance"] = error("OperationConstraints.InvaildInstanceStatus", "gone")
    api.records["gz"].clear()
    (outcome,) = backend_for(api).give_back(["ins-gz000000"])
    assert outcome.ok


@pytest.mark.parametrize("status", [3, -1])
def test_a_refusal_for_an_instance_still_there_is_an_error(backend_for, status):
    api = FakeLegacyApi([make_record(0, status=status)])
    (outcome,) = backend_for(api).give_back(["ins-gz000000"])
    assert not outcome.ok and isinstance(outcome.error, ApiError)
    assert outcome.error.code == "OperationConstraints.InvaildInstanceStatus"


def test_other_errors_are_outcomes_not_exceptions(backend_for):
    api = FakeLegacyApi([make_record(0), make_record(1), make_record(2)])
    api.before_call = lambda call: {
        "ins-gz000000": error("OperationFail.PurchaseFailed", "no"),
        "ins-gz000001": requests.exceptions.ConnectionError("reset"),
    }.get(call.params.get("instanceId"))
    outcomes = backend_for(api).give_back(["ins-gz000000", "ins-gz000001", "ins-gz000002"])
    assert [o.ok for o in outcomes] == [False, False, True]
    assert isinstance(outcomes[0].error, ApiError) and isinstance(outcomes[1].error, TransportError)
    # Only an invalid-status answer is checked against the listing.
    assert "DescribeInstances" not in api.actions()


def test_a_failing_check_after_a_refusal_is_the_refusal(backend_for):
    api = FakeLegacyApi([make_record(0, status=6)])
    api.errors["DescribeInstances"] = error("InternalError", "boom")
    (outcome,) = backend_for(api).give_back(["ins-gz000000"])
    assert not outcome.ok and outcome.error.code == "OperationConstraints.InvaildInstanceStatus"


# -- security groups (the dfw host) ---------------------------------------------------------


def test_tencent_s_own_host_sends_security_group_actions_to_dfw():
    backend = open_backend(Connection("legacy", CREDENTIALS, "ap-guangzhou"))
    assert backend.client.endpoint.url == "https://cvm.api.qcloud.com/v2/index.php"
    assert backend.security_group_client.endpoint.url == "https://dfw.api.qcloud.com/v2/index.php"
    assert backend.security_group_client.region == "gz"


def test_any_other_endpoint_serves_every_action_itself():
    backend = open_backend(Connection("legacy", CREDENTIALS, "ap-guangzhou", endpoint=ENDPOINT))
    assert backend.security_group_client is backend.client


def test_security_groups_are_filled_from_the_group_listings(backend_for):
    api = FakeLegacyApi([make_record(0, _sgIds=["sg-b", "sg-a"]), make_record(1, _sgIds=["sg-a"]), make_record(2)])
    api.security_groups["gz"] = ["sg-a", "sg-b"] + ["sg-{0:03d}".format(n) for n in range(150)]
    backend = backend_for(api)
    instances = backend.get(["ins-gz000000", "ins-gz000001", "ins-gz000002"])
    assert all(instance.security_group_ids == [] for instance in instances)
    backend.complete_instances(instances)
    # The legacy API tells no priority order: an instance's groups come in the order the groups are listed.
    groups = {i.instance_id: i.security_group_ids for i in instances}
    assert groups == {"ins-gz000000": ["sg-a", "sg-b"], "ins-gz000001": ["sg-a"], "ins-gz000002": []}
    pages = [call.params for call in api.calls_of("DescribeSecurityGroupEx")]
    assert pages == [{"offsetLine": 0, "limit": 100}, {"offsetLine": 100, "limit": 100}]
    assert len(api.calls_of("DescribeInstancesOfSecurityGroup")) == 152
    assert backend.unknown_security_groups(["sg-a", "sg-x", "sg-149"]) == ["sg-x"]
    # The region's groups are listed once per backend.
    assert len(api.calls_of("DescribeSecurityGroupEx")) == 2
    assert not backend.groups_ordered and backend.open_without_security_groups and not backend.binds_security_groups_at_create


def test_group_members_are_asked_in_parallel_each_thread_with_its_own_session(backend_for):
    api = FakeLegacyApi([make_record(0, _sgIds=["sg-a"]), make_record(1, _sgIds=["sg-b", "sg-c"]), make_record(2, _sgIds=["sg-c"])])
    api.security_groups["gz"] = ["sg-a", "sg-b", "sg-c"]
    # The first two member listings wait for each other: they can only both pass when they are in flight at once.
    meeting = threading.Barrier(2, timeout=10)
    threads = {}

    def meet(call):
        if call.action == "DescribeInstancesOfSecurityGroup":
            threads[call.params["sgId"]] = threading.get_ident()
            if len(threads) <= 2:
                meeting.wait()
        return None

    api.before_call = meet
    backend = backend_for(api, concurrency=3)
    instances = backend.get(["ins-gz000000", "ins-gz000001", "ins-gz000002"])
    backend.complete_instances(instances)
    assert {i.instance_id: i.security_group_ids for i in instances} == {
        "ins-gz000000": ["sg-a"],
        "ins-gz000001": ["sg-b", "sg-c"],
        "ins-gz000002": ["sg-c"],
    }
    assert len(set(threads.values())) >= 2 and threading.get_ident() not in threads.values()
    # Each pool thread has a session of its own (the fake's sessions refuse a second thread), besides the backend's.
    assert len(api.sessions) >= 3
    # The clones' requests count for the backend.
    assert backend.request_count == len(api.calls)


def test_the_fake_refuses_a_session_shared_between_threads():
    # What makes the test above a check: a session used by a second thread fails its request.
    api = FakeLegacyApi()
    session = api.session()
    session.post("http://127.0.0.1:8080/v2/index.php", data="not a form", headers={}, timeout=1, verify=True)
    failures = []

    def post_elsewhere():
        try:
            session.post("http://127.0.0.1:8080/v2/index.php", data="not a form", headers={}, timeout=1, verify=True)
        except AssertionError as failure:
            failures.append(failure)

    thread = threading.Thread(target=post_elsewhere)
    thread.start()
    thread.join()
    assert len(failures) == 1 and "shared between threads" in str(failures[0])


def test_group_members_with_a_concurrency_of_1_are_asked_in_turn_on_the_backend_s_session(backend_for):
    api = FakeLegacyApi([make_record(0, _sgIds=["sg-a"])])
    api.security_groups["gz"] = ["sg-a", "sg-b", "sg-c"]
    threads = set()
    api.before_call = lambda call: threads.add(threading.get_ident())
    backend = backend_for(api, concurrency=1)
    backend.complete_instances(backend.get(["ins-gz000000"]))
    assert threads == {threading.get_ident()} and len(api.sessions) == 1
    assert [call.params["sgId"] for call in api.calls_of("DescribeInstancesOfSecurityGroup")] == ["sg-a", "sg-b", "sg-c"]


def test_a_failing_member_listing_fails_the_completion(backend_for):
    api = FakeLegacyApi([make_record(0, _sgIds=["sg-a"])])
    api.security_groups["gz"] = ["sg-a", "sg-b"]
    api.before_call = lambda call: error("InternalError", "boom") if call.params.get("sgId") == "sg-b" else None
    backend = backend_for(api)
    with pytest.raises(ApiError, match="InternalError"):
        backend.complete_instances(backend.get(["ins-gz000000"]))


def test_the_legacy_backend_has_no_guardrails_to_report(backend_for):
    api = FakeLegacyApi([make_record(0, status=4)])
    backend = backend_for(api)
    (instance,) = backend.get(["ins-gz000000"])
    backend.complete_instances([instance])
    assert (instance.expire_time, instance.stop_charging_mode, instance.termination_protection) == (None, "keep_charging", False)
    # Nothing to ask: no timer, no user data on the legacy API; the expiry is simply none.
    assert backend.user_data(["ins-gz000000"]) == {} and "expire_time" not in instance.unreported
    assert set(api.actions()) == {"DescribeInstances", "DescribeSecurityGroupEx"}


def test_a_legacy_stop_never_asks_to_stop_charging(backend_for):
    api = FakeLegacyApi([make_record(0)])
    outcomes = backend_for(api).stop(["ins-gz000000"], stop_charging=True)
    assert [o.ok for o in outcomes] == [True]
    (call,) = api.calls_of("StopInstances")
    assert call.params == {"instanceIds": ["ins-gz000000"], "forceStop": 0}


def test_no_instance_no_group_listing(backend_for):
    api = FakeLegacyApi()
    backend_for(api).complete_instances([])
    assert api.calls == []


def test_set_security_groups_binds_20_instances_per_call_all_or_nothing(backend_for):
    api = FakeLegacyApi([make_record(number) for number in range(25)] + [make_record(99, status=3)])
    api.security_groups["gz"] = ["sg-a", "sg-b"]
    ids = ["ins-gz{0:06d}".format(number) for number in range(25)]
    outcomes = backend_for(api).set_security_groups(ids + ["ins-gz000099"], ["sg-b", "sg-a"])
    calls = api.calls_of("ModifySecurityGroupsOfInstance")
    assert [len(call.params["instanceSet"]) for call in calls] == [20, 6]
    assert calls[0].params["instanceSet"][0] == {"instanceId": "ins-gz000000", "sgIds": ["sg-b", "sg-a"]}
    # The second batch holds an instance being created: the API refuses the whole batch.
    assert [o.ok for o in outcomes] == [True] * 20 + [False] * 6
    assert outcomes[-1].error.code == "OperationConstraints.InstanceStatusForbidsAssociation"
    assert api.record("ins-gz000000")["_sgIds"] == ["sg-b", "sg-a"] and "_sgIds" not in api.record("ins-gz000020")


def test_set_bandwidth_is_one_call_per_instance(backend_for):
    api = FakeLegacyApi([make_record(number) for number in range(3)])
    api.before_call = lambda call: error("OperationFail.SystemBusy", "busy") if call.params.get("instanceId") == "ins-gz000001" else None
    outcomes = backend_for(api, concurrency=2).set_bandwidth(["ins-gz000000", "ins-gz000001", "ins-gz000002"], 10)
    assert [(o.instance_id, o.ok) for o in outcomes] == [("ins-gz000000", True), ("ins-gz000001", False), ("ins-gz000002", True)]
    assert sorted(call.params["instanceId"] for call in api.calls_of("UpdateInstanceBandwidthHour")) == ["ins-gz000000", "ins-gz000001", "ins-gz000002"]
    assert {call.params["bandwidth"] for call in api.calls_of("UpdateInstanceBandwidthHour")} == {10}
    assert api.record("ins-gz000000")["bandwidth"] == 10 and api.record("ins-gz000001")["bandwidth"] == 1


# -- power ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, action, status, after, force",
    [
        ("start", "StartInstances", 4, 2, None),
        ("stop", "StopInstances", 2, 4, 0),
        ("restart", "RestartInstances", 2, 2, 0),
    ],
)
def test_power_actions_answer_per_instance(backend_for, method, action, status, after, force):
    api = FakeLegacyApi([make_record(0, status=status), make_record(1, status=status)])
    outcomes = getattr(backend_for(api), method)(["ins-gz000000", "ins-gz000001"])
    assert [o.ok for o in outcomes] == [True, True]
    (call,) = api.calls_of(action)
    assert call.params["instanceIds"] == ["ins-gz000000", "ins-gz000001"] and call.params.get("forceStop") == force
    assert api.record("ins-gz000000")["status"] == after


def test_a_forced_stop_says_so(backend_for):
    api = FakeLegacyApi([make_record(0)])
    backend_for(api).stop(["ins-gz000000"], force=True)
    assert api.calls_of("StopInstances")[0].params["forceStop"] == 1


def test_a_partial_failure_is_told_per_instance(backend_for):
    api = FakeLegacyApi([make_record(0, status=4), make_record(1, status=2)])
    outcomes = backend_for(api).start(["ins-gz000000", "ins-gz000001", "ins-gz000404"])
    assert [o.ok for o in outcomes] == [True, False, False]
    assert outcomes[1].error.code == "OperationConstraints.InvaildInstanceStatus" and "ins-gz000001" in str(outcomes[1].error)
    assert outcomes[2].error.code == "ResourceNotFound"


def test_a_failure_of_every_instance_is_told_per_instance(backend_for):
    api = FakeLegacyApi([make_record(0, status=2)])
    (outcome,) = backend_for(api).start(["ins-gz000000"])
    assert not outcome.ok and outcome.error.code == "OperationConstraints.InvaildInstanceStatus"


def test_an_answer_without_detail_fails_every_instance_of_the_batch(backend_for):
    api = FakeLegacyApi([make_record(0, status=4), make_record(1, status=4)])
    api.errors["StartInstances"] = error("InternalError", "boom")
    outcomes = backend_for(api).start(["ins-gz000000", "ins-gz000001"])
    assert [o.ok for o in outcomes] == [False, False] and outcomes[0].error.code == "InternalError"


def test_power_batches_hold_100_instances(backend_for):
    api = FakeLegacyApi([make_record(number, status=4) for number in range(150)])
    outcomes = backend_for(api).start(["ins-gz{0:06d}".format(number) for number in range(150)])
    assert len(outcomes) == 150 and all(o.ok for o in outcomes)
    assert [len(call.params["instanceIds"]) for call in api.calls_of("StartInstances")] == [100, 50]
