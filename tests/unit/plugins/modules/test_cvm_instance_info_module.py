# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_info against an in-memory legacy API: what it asks, what it returns."""

from __future__ import annotations

import pytest
import requests
import yaml

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_FIELDS, INSTANCE_KEYS
from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_info
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import error, http_status, make_record
from ansible_collections.qcloud.cvm.tests.unit.plugins.modules.module_run import ENDPOINT, fake_api, run_module, warnings

CREDENTIALS = {"secret_id": "AKIDTEST", "secret_key": "key", "region": "gz", "endpoint": ENDPOINT}


@pytest.fixture
def api(monkeypatch):
    return fake_api(monkeypatch, cvm_instance_info)


def run(capsys, check_mode=False, **args):
    return run_module(cvm_instance_info, capsys, dict(CREDENTIALS, **args), check_mode=check_mode)


def test_lists_every_page_in_the_instance_shape(api, capsys):
    api.add(*[make_record(number) for number in range(230)])
    result = run(capsys)
    assert result["changed"] is False
    assert len(result["instances"]) == 230
    first = result["instances"][0]
    assert set(first) == INSTANCE_KEYS
    assert first["instance_id"] == "ins-gz000000" and first["instance_name"] == "seed-00000"
    assert first["status"] == "running" and first["region"] == "ap-guangzhou" and first["zone"] == "ap-guangzhou-1"
    assert first["private_ip"] == "10.0.0.1" and first["public_ips"] == ["203.0.113.1"]
    assert first["system_disk"] == {"disk_id": "disk-00000000", "disk_type": "LOCAL_BASIC", "disk_size": 20}
    assert first["data_disks"] == [] and first["created_time"] == "2024-05-01T02:00:00Z"
    assert sorted(params["offset"] for params in api.describe_calls()) == [0, 100, 200]


def test_default_leaves_out_terminated_and_terminating(api, capsys):
    api.add(make_record(0, status=2), make_record(1, status=5), make_record(2, status=6), make_record(3, status=4))
    assert [i["instance_id"] for i in run(capsys)["instances"]] == ["ins-gz000000", "ins-gz000003"]
    assert len(run(capsys, statuses=[])["instances"]) == 4
    assert [i["instance_id"] for i in run(capsys, statuses=["terminated"])["instances"]] == ["ins-gz000001"]


def test_operating_is_filtered_in_code(api, capsys):
    api.add(make_record(0, status=2), make_record(1, status=13), make_record(2, status=19))
    result = run(capsys, statuses=["operating"])
    assert [i["instance_id"] for i in result["instances"]] == ["ins-gz000001", "ins-gz000002"]
    assert all("status" not in params for params in api.describe_calls())


def test_an_unknown_status_is_refused_before_any_request(api, capsys):
    result = run(capsys, statuses=["creating"])
    assert result["failed"] is True and "statuses" in result["msg"]
    assert api.calls == []


def test_instance_names_match_exactly(api, capsys):
    api.add(make_record(0, name="web"), make_record(1, name="web-2"), make_record(2, name="my web"), make_record(3, name="db"))
    result = run(capsys, instance_names=["web", "db"])
    assert sorted(i["instance_name"] for i in result["instances"]) == ["db", "web"]
    assert sorted(params["searchWord"] for params in api.describe_calls()) == ["db", "web"]


def test_zones_projects_ids_and_search_word(api, capsys):
    api.add(
        make_record(0, zone_id=100003, project_id=1, name="web-a"),
        make_record(1, zone_id=100004, project_id=1, name="web-b"),
        make_record(2, zone_id=100003, project_id=2, name="web-c"),
        make_record(3, zone_id=100003, project_id=1, name="db"),
    )
    result = run(capsys, zone_ids=[100003], project_ids=[1], search_word="WEB")
    assert [i["instance_id"] for i in result["instances"]] == ["ins-gz000000"]
    result = run(capsys, instance_ids=["ins-gz000002", "ins-gz000003", "ins-nothere"])
    assert [i["instance_id"] for i in result["instances"]] == ["ins-gz000002", "ins-gz000003"]


def test_zone_of_another_region_warns_and_asks_nothing(api, capsys):
    api.add(make_record(0))
    result = run(capsys, zone_ids=[200001])
    assert result["instances"] == []
    assert api.calls == []
    assert any("zone_ids 200001 are not in region ap-guangzhou" in warning for warning in warnings(result))


def test_the_region_may_be_either_spelling(api, capsys):
    api.add(make_record(0, region="sh"))
    result = run(capsys, region="ap-shanghai")
    assert [i["region"] for i in result["instances"]] == ["ap-shanghai"]
    assert {call.region for call in api.calls} == {"sh"}


def test_check_mode_lists_the_same_read_only(api, capsys):
    api.add(make_record(0), make_record(1))
    result = run(capsys, check_mode=True)
    assert result["changed"] is False
    assert len(result["instances"]) == 2
    assert [connection.read_only for connection in api.connections] == [True]


def test_api_error_fails_with_its_fields(api, capsys):
    api.region_errors["gz"] = error("AuthFailure", "signature mismatch", request_id="req-7")
    result = run(capsys)
    assert result["failed"] is True
    assert result["msg"] == "DescribeInstances failed: AuthFailure: signature mismatch (code 4100) (request ID req-7)"
    assert result["api_error"] == {"action": "DescribeInstances", "code": "AuthFailure", "message": "signature mismatch (code 4100)", "request_id": "req-7"}
    assert "region" not in result
    assert result["instances"] == []


def test_a_wrong_secret_key_is_the_api_s_auth_failure(api, capsys):
    result = run(capsys, secret_key="not-the-key")
    assert result["failed"] is True and result["api_error"]["code"] == "AuthFailure"
    assert "not-the-key" not in result["msg"]
    assert len(api.calls) == 1


def test_transport_error_fails_with_its_fields(api, capsys):
    api.region_errors["gz"] = http_status(500)
    result = run(capsys)
    assert result["failed"] is True
    assert result["transport_error"] == {"action": "DescribeInstances", "http_status": 500, "message": "DescribeInstances failed: HTTP 500 from " + ENDPOINT}
    # Retried (the default 4 times) first.
    assert len(api.calls) == 5


def test_retries_are_an_option(api, capsys):
    api.region_errors["gz"] = requests.exceptions.ConnectionError("refused")
    assert run(capsys, retries=1)["failed"] is True
    assert len(api.calls) == 2


def test_bad_filter_value_is_refused_before_any_request(api, capsys):
    result = run(capsys, zone_ids=["abc"])
    assert result["failed"] is True
    assert "zone_ids" in result["msg"]
    assert api.calls == []


# Documented as V(null) always on the legacy API, which has no timers.
NULL_ON_LEGACY = frozenset(("expire_time",))


def test_return_documentation_matches_the_result(api, capsys):
    api.add(
        make_record(
            0,
            # Stopped, so that stop_charging_mode has its value (keep_charging: the legacy API cannot stop charging).
            status=4,
            unVpcId="vpc-1",
            unSubnetId="subnet-1",
            instanceType="CVM.S1",
            diskInfo={"rootId": "disk-r", "rootSize": 20, "rootType": 1, "storageId": "disk-d", "storageSize": 10, "storageType": 2},
        )
    )
    result = run(capsys)
    documented = yaml.safe_load(cvm_instance_info.RETURN)
    assert set(result) - {"changed", "invocation", "warnings"} <= set(documented)
    contains = documented["instances"]["contains"]
    instance = result["instances"][0]
    assert set(contains) == set(instance)
    assert (instance["stop_charging_mode"], instance["termination_protection"]) == ("keep_charging", False)
    types = {"str": str, "int": int, "list": list, "dict": dict, "bool": bool}
    for field in INSTANCE_FIELDS:
        spec = contains[field.name]
        if field.name in NULL_ON_LEGACY:
            assert instance[field.name] is None and spec["type"] == "str", field.name
            continue
        assert isinstance(instance[field.name], types[spec["type"]]), field.name
        if spec.get("contains"):
            items = instance[field.name] if spec["type"] == "list" else [instance[field.name]]
            assert items and all(set(item) == set(spec["contains"]) for item in items), field.name


def test_documentation_matches_the_argument_spec():
    documented = yaml.safe_load(cvm_instance_info.DOCUMENTATION)
    assert "options" not in documented
    assert documented["extends_documentation_fragment"][:2] == ["qcloud.cvm.qcloud", "qcloud.cvm.qcloud.filters"]
    assert isinstance(yaml.safe_load(cvm_instance_info.EXAMPLES), list)
