# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_info against an in-memory DescribeInstances: what it asks, what it returns."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args

from ansible_collections.qcloud.cvm.plugins.module_utils import qcloud_module
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError, QcloudTransportError
from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_info
from ansible_collections.qcloud.cvm.tests.unit.plugins.inventory.fake_describe import FakeApi, make_record

CREDENTIALS = {"secret_id": "AKIDTEST", "secret_key": "key", "region": "gz"}


@pytest.fixture
def api(monkeypatch):
    fake = FakeApi()
    built = []

    def build_client(options, read_only=False):
        client = fake.client(options["region"])
        client.read_only = read_only
        built.append(client)
        return client

    monkeypatch.setattr(qcloud_module, "build_client", build_client)
    fake.built = built
    return fake


def run(capsys, check_mode=False, **args):
    module_args = dict(CREDENTIALS, **args)
    module_args["_ansible_check_mode"] = check_mode
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            cvm_instance_info.main()
    return json.loads(capsys.readouterr().out)


def warnings(result):
    return [w if isinstance(w, str) else w.get("event", {}).get("msg", "") for w in result.get("warnings", [])]


def add(api, *records):
    for record in records:
        api.records.setdefault(record["Region"], []).append(record)


def test_lists_every_page_in_the_module_shape(api, capsys):
    add(api, *[make_record(number) for number in range(230)])
    result = run(capsys)
    assert result["changed"] is False
    assert len(result["instances"]) == 230
    first = result["instances"][0]
    assert first["instance_id"] == "ins-gz000000"
    assert first["instance_name"] == "seed-00000"
    assert first["status_name"] == "running"
    assert first["root_size"] == 20 and first["storage_size"] == 0
    assert "diskInfo" not in first and "unInstanceId" not in first
    assert sorted(params["offset"] for params in api.describe_calls()) == [0, 100, 200]


def test_default_leaves_out_returned_and_returning(api, capsys):
    add(api, make_record(0, status=2), make_record(1, status=5), make_record(2, status=6), make_record(3, status=4))
    assert [i["instance_id"] for i in run(capsys)["instances"]] == ["ins-gz000000", "ins-gz000003"]
    assert len(run(capsys, statuses=[])["instances"]) == 4
    assert [i["instance_id"] for i in run(capsys, statuses=[5])["instances"]] == ["ins-gz000001"]


def test_instance_names_match_exactly(api, capsys):
    add(api, make_record(0, name="web"), make_record(1, name="web-2"), make_record(2, name="my web"), make_record(3, name="db"))
    result = run(capsys, instance_names=["web", "db"])
    assert sorted(i["instance_name"] for i in result["instances"]) == ["db", "web"]
    assert sorted(params["searchWord"] for params in api.describe_calls()) == ["db", "web"]


def test_zones_projects_ids_and_search_word(api, capsys):
    add(api, make_record(0, zone_id=100003, project_id=1, name="web-a"), make_record(1, zone_id=100004, project_id=1, name="web-b"),
        make_record(2, zone_id=100003, project_id=2, name="web-c"), make_record(3, zone_id=100003, project_id=1, name="db"))
    result = run(capsys, zone_ids=[100003], project_ids=[1], search_word="web")
    assert [i["instance_id"] for i in result["instances"]] == ["ins-gz000000"]
    result = run(capsys, instance_ids=["ins-gz000002", "ins-gz000003", "ins-nothere"])
    assert [i["instance_id"] for i in result["instances"]] == ["ins-gz000002", "ins-gz000003"]


def test_zone_of_another_region_warns_and_asks_nothing(api, capsys):
    add(api, make_record(0))
    result = run(capsys, zone_ids=[200001])
    assert result["instances"] == []
    assert api.calls == []
    assert any("200001" in warning and "gz" in warning for warning in warnings(result))


def test_check_mode_lists_the_same(api, capsys):
    add(api, make_record(0), make_record(1))
    result = run(capsys, check_mode=True)
    assert result["changed"] is False
    assert len(result["instances"]) == 2
    assert api.built[0].read_only is True


def test_api_error_fails_with_its_fields(api, capsys):
    api.failures["gz"] = QcloudApiError("DescribeInstances", 4100, "AuthFailure", "signature mismatch")
    result = run(capsys)
    assert result["failed"] is True
    assert result["msg"] == "DescribeInstances failed: code 4100 (AuthFailure): signature mismatch"
    assert result["api_error"] == {"action": "DescribeInstances", "code": 4100, "code_desc": "AuthFailure", "message": "signature mismatch"}
    assert result["instances"] == []


def test_transport_error_fails_with_its_fields(api, capsys):
    api.failures["gz"] = QcloudTransportError("DescribeInstances", "HTTP 500 from x", retryable=True, status=500)
    result = run(capsys)
    assert result["failed"] is True
    assert result["transport_error"]["http_status"] == 500


def test_bad_filter_value_is_refused_before_any_request(api, capsys):
    result = run(capsys, zone_ids=["abc"])
    assert result["failed"] is True
    assert "zone_ids" in result["msg"]
    assert api.calls == []


def test_return_documentation_matches_the_result(api, capsys):
    add(api, make_record(0, unVpcId="vpc-1", unSubnetId="subnet-1", instanceType="CVM.S1"))
    result = run(capsys)
    documented = yaml.safe_load(cvm_instance_info.RETURN)
    assert set(result) - {"changed", "invocation", "warnings"} <= set(documented)
    assert {"instances"} <= set(result)
    contains = documented["instances"]["contains"]
    instance = result["instances"][0]
    assert set(contains) <= set(instance)
    for key, spec in contains.items():
        expected_type = {"str": str, "int": int, "list": list}[spec["type"]]
        assert isinstance(instance[key], expected_type), key
