# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour's flow against an in-memory fake client: what it sends, what it returns."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args

from ansible_collections.qcloud.cvm.plugins.module_utils import qcloud_module
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError, QcloudReadOnlyError, QcloudTransportError
from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_hour

TASK = {"zone_id": 100003, "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "instance_name": "web",
        "secret_id": "AKIDTEST", "secret_key": "key", "region": "gz", "wait_timeout": 5}


class FakeClient:
    """Just enough of the API: instances by ID, new ones running on the next poll."""

    def __init__(self, read_only=False):
        self.region = "gz"
        self.read_only = read_only
        self.calls = []
        self.instances = {}
        self.errors = {}
        self.created_status = 2
        self.next_id = 0

    def add(self, status=2, **fields):
        self.next_id += 1
        record = {"unInstanceId": "ins-{0:08d}".format(self.next_id), "instanceName": "web", "zoneId": 100003, "status": status,
                  "cpu": 1, "mem": 2, "unImgId": "img-3wnd9xpl", "projectId": 0, "bandwidth": 0,
                  "diskInfo": {"rootSize": 20, "rootType": 1}}
        record.update(fields)
        self.instances[record["unInstanceId"]] = record
        return record["unInstanceId"]

    def call(self, action, params=None):
        params = dict(params or {})
        if self.read_only and not action.startswith(("Describe", "Inquiry")):
            raise QcloudReadOnlyError(action)
        self.calls.append((action, params))
        if action in self.errors:
            raise self.errors[action]
        if action == "DescribeInstances":
            found = [r for r in self.instances.values()
                     if ("instanceIds" not in params or r["unInstanceId"] in params["instanceIds"])
                     and ("searchWord" not in params or params["searchWord"] in r["instanceName"])
                     and ("zoneId" not in params or r["zoneId"] == params["zoneId"])]
            page = found[params["offset"]:params["offset"] + params["limit"]]
            return {"code": 0, "totalCount": len(found), "instanceSet": [dict(r) for r in page]}
        if action == "RunInstancesHour":
            ids = [self.add(status=self.created_status, instanceName=params.get("instanceName", "未命名")) for _number in range(params["goodsNum"])]
            return {"code": 0, "unInstanceIds": ids}
        if action == "ReturnInstance":
            self.instances[params["instanceId"]]["status"] = 6
            return {"code": 0}
        if action == "InquiryInstancePriceHour":
            return {"code": 0, "data": {"cvm": {"price": "{0:.2f}".format(0.2 * params["goodsNum"]), "price_unit": "HOUR"},
                                        "bandwidth": {"price": "0.00", "price_unit": "HOUR"}}}
        raise AssertionError(action)

    def actions(self):
        return [action for action, _params in self.calls]


@pytest.fixture
def fake(monkeypatch):
    holder = {}

    def build_client(options, read_only=False):
        holder["client"].read_only = read_only
        return holder["client"]

    holder["client"] = FakeClient()
    monkeypatch.setattr(qcloud_module, "build_client", build_client)
    monkeypatch.setattr("ansible_collections.qcloud.cvm.plugins.module_utils.cvm.time.sleep", lambda seconds: None)
    return holder["client"]


def warnings(result):
    """The warning texts of a result (ansible-core 2.19 sends them as structured summaries)."""
    return [w if isinstance(w, str) else w.get("event", {}).get("msg", "") for w in result.get("warnings", [])]


def run(capsys, check_mode=False, diff=False, **args):
    module_args = dict(TASK, **args)
    module_args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            cvm_instance_hour.main()
    return json.loads(capsys.readouterr().out)


def test_create_sends_one_request_with_the_missing_count(fake, capsys):
    existing = fake.add()
    result = run(capsys, goods_num=3)
    assert result["changed"] is True
    creates = [p for a, p in fake.calls if a == "RunInstancesHour"]
    assert len(creates) == 1
    assert creates[0]["goodsNum"] == 2
    assert creates[0]["clientToken"] == result["client_token"]
    assert result["client_token"].startswith("ansible-")
    assert result["instance_ids"][0] == existing and len(result["instance_ids"]) == 3
    assert result["created_instance_ids"] == result["instance_ids"][1:]
    assert [i["instance_id"] for i in result["instances"]] == result["instance_ids"]
    assert {i["status"] for i in result["instances"]} == {2}


def test_nothing_missing_sends_no_create(fake, capsys):
    fake.add()
    fake.add()
    result = run(capsys, goods_num=2)
    assert result["changed"] is False
    assert fake.actions() == ["DescribeInstances"]
    assert result["client_token"] is None and result["created_instance_ids"] == []


def test_more_than_desired_warns_and_keeps_all(fake, capsys):
    ids = [fake.add(), fake.add(), fake.add()]
    result = run(capsys, goods_num=1)
    assert result["changed"] is False
    assert result["instance_ids"] == ids
    assert "ReturnInstance" not in fake.actions()
    assert any("more than goods_num=1" in w for w in warnings(result))


def test_other_configurations_are_not_counted(fake, capsys):
    fake.add(cpu=2, mem=4)
    fake.add(instanceName="web-2")
    fake.add(zoneId=100004)
    fake.add(status=5)
    result = run(capsys, goods_num=1)
    assert result["changed"] is True
    assert len(result["created_instance_ids"]) == 1


def test_check_mode_quotes_and_creates_nothing(fake, capsys):
    fake.add()
    result = run(capsys, check_mode=True, diff=True, goods_num=3)
    assert result["changed"] is True
    assert fake.actions() == ["DescribeInstances", "InquiryInstancePriceHour"]
    assert result["price"] == {"goods_num": 2, "instance_price": 0.4, "bandwidth_price": 0.0, "bandwidth_price_unit": "HOUR",
                               "hourly_price": 0.4}
    assert result["created_instance_ids"] == []
    assert result["diff"]["before"]["count"] == 1
    assert result["diff"]["after"] == {"count": 3, "instance_ids": result["diff"]["before"]["instance_ids"]
                                       + ["<new instance 1>", "<new instance 2>"]}
    assert result["instance_ids"] == result["diff"]["after"]["instance_ids"]


def test_check_mode_price_failure_only_warns(fake, capsys):
    fake.errors["InquiryInstancePriceHour"] = QcloudApiError("InquiryInstancePriceHour", 6000, "InternalError", "boom")
    result = run(capsys, check_mode=True)
    assert result["changed"] is True
    assert "price" not in result
    assert any("could not quote the price" in w for w in warnings(result))


def test_max_hourly_price_refuses(fake, capsys):
    result = run(capsys, goods_num=2, max_hourly_price=0.3)
    assert result["failed"] is True and result["changed"] is False
    assert "above max_hourly_price 0.3" in result["msg"]
    assert result["price"]["hourly_price"] == 0.4
    assert "RunInstancesHour" not in fake.actions()


def test_max_hourly_price_allows(fake, capsys):
    result = run(capsys, goods_num=2, max_hourly_price=0.4)
    assert result["changed"] is True
    assert fake.actions().index("InquiryInstancePriceHour") < fake.actions().index("RunInstancesHour")


def test_max_hourly_price_without_a_quote_refuses(fake, capsys):
    fake.errors["InquiryInstancePriceHour"] = QcloudTransportError("InquiryInstancePriceHour", "no answer", retryable=True)
    result = run(capsys, max_hourly_price=5)
    assert result["failed"] is True
    assert "could not be quoted" in result["msg"]
    assert result["transport_error"]["action"] == "InquiryInstancePriceHour"
    assert "RunInstancesHour" not in fake.actions()


def test_api_error_on_create_is_structured(fake, capsys):
    fake.errors["RunInstancesHour"] = QcloudApiError("RunInstancesHour", 5300, "OperationConstraints.AccountBalanceNotEnough", "(100024)top up")
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is False
    assert result["api_error"] == {"action": "RunInstancesHour", "code": 5300, "code_desc": "OperationConstraints.AccountBalanceNotEnough",
                                   "message": "(100024)top up"}
    assert result["created_instance_ids"] == []


def test_wait_failure_reports_the_created_ids(fake, capsys):
    fake.created_status = -1
    result = run(capsys, goods_num=2)
    assert result["failed"] is True and result["changed"] is True
    assert len(result["created_instance_ids"]) == 2
    assert result["instance_ids"] == result["created_instance_ids"]
    assert "creation_failed" in result["msg"]
    assert [i["status"] for i in result["instances"]] == [-1, -1]


def test_no_wait_lists_the_new_instances_once(fake, capsys):
    fake.created_status = 3
    result = run(capsys, wait=False)
    assert fake.actions() == ["DescribeInstances", "RunInstancesHour", "DescribeInstances"]
    assert result["instances"][0]["status"] == 3


def test_given_back_instances_change_the_derived_token(fake, capsys):
    first = run(capsys)
    for instance_id in first["instance_ids"]:
        fake.instances[instance_id]["status"] = 5
    second = run(capsys)
    assert second["changed"] is True
    assert second["client_token"] != first["client_token"]
    assert second["created_instance_ids"] != first["created_instance_ids"]


def test_same_lookup_same_token(fake, capsys):
    fake.errors["RunInstancesHour"] = QcloudTransportError("RunInstancesHour", "connection reset", retryable=True)
    first = run(capsys)
    second = run(capsys)
    assert first["failed"] and second["failed"]
    assert "may have gone through" in first["msg"]
    assert first["client_token"] == second["client_token"]


def test_user_token_is_sent_as_is(fake, capsys):
    result = run(capsys, client_token="my-token")
    creates = [p for a, p in fake.calls if a == "RunInstancesHour"]
    assert creates[0]["clientToken"] == "my-token" == result["client_token"]


def test_password_is_sent_but_not_returned(fake, capsys):
    result = run(capsys, password="Ab12#xyz")
    creates = [p for a, p in fake.calls if a == "RunInstancesHour"]
    assert creates[0]["password"] == "Ab12#xyz"
    assert "Ab12#xyz" not in json.dumps(result)


def test_absent_gives_back_each_instance(fake, capsys):
    ids = [fake.add(), fake.add(status=4)]
    result = run(capsys, state="absent", diff=True)
    assert result["changed"] is True
    assert [p for a, p in fake.calls if a == "ReturnInstance"] == [{"instanceId": ids[0]}, {"instanceId": ids[1]}]
    assert result["returned_instance_ids"] == ids
    assert result["instance_ids"] == [] and result["instances"] == []
    assert result["diff"] == {"before": {"count": 2, "instance_ids": ids}, "after": {"count": 0, "instance_ids": []}}


def test_absent_with_nothing_is_unchanged(fake, capsys):
    fake.add(status=6)
    result = run(capsys, state="absent")
    assert result["changed"] is False
    assert fake.actions() == ["DescribeInstances"]


def test_absent_in_check_mode_gives_nothing_back(fake, capsys):
    ids = [fake.add()]
    result = run(capsys, state="absent", check_mode=True)
    assert result["changed"] is True and result["returned_instance_ids"] == ids
    assert fake.actions() == ["DescribeInstances"]


def test_absent_waits_for_creating_instances(fake, capsys):
    creating = fake.add(status=3)
    original = fake.call

    def call(action, params=None):
        if action == "DescribeInstances" and params.get("instanceIds"):
            fake.instances[creating]["status"] = 2
        return original(action, params)
    fake.call = call
    result = run(capsys, state="absent")
    assert result["returned_instance_ids"] == [creating]


def test_absent_without_wait_refuses_creating_instances(fake, capsys):
    creating = fake.add(status=3)
    result = run(capsys, state="absent", wait=False)
    assert result["failed"] is True
    assert creating in result["msg"] and "still being created" in result["msg"]
    assert "ReturnInstance" not in fake.actions()


def test_absent_accepts_an_earlier_give_back(fake, capsys):
    instance_id = fake.add()
    fake.errors["ReturnInstance"] = QcloudApiError("ReturnInstance", 5100, "OperationConstraints.InvaildInstanceStatus", "wrong status")
    original = fake.call

    def call(action, params=None):
        if action == "ReturnInstance":
            fake.instances[instance_id]["status"] = 6
        return original(action, params)
    fake.call = call
    result = run(capsys, state="absent")
    assert result["changed"] is True and result["returned_instance_ids"] == [instance_id]


def test_absent_reports_a_real_refusal(fake, capsys):
    instance_id = fake.add()
    fake.errors["ReturnInstance"] = QcloudApiError("ReturnInstance", 5100, "OperationConstraints.InvaildInstanceStatus", "wrong status")
    result = run(capsys, state="absent")
    assert result["failed"] is True
    assert result["api_error"]["code_desc"] == "OperationConstraints.InvaildInstanceStatus"
    assert result["instance_ids"] == [instance_id] and result["returned_instance_ids"] == []


def test_absent_leaves_a_failed_creation_the_api_refuses(fake, capsys):
    failed = fake.add(status=-1)
    running = fake.add()
    original = fake.call

    def call(action, params=None):
        if action == "ReturnInstance" and params["instanceId"] == failed:
            fake.calls.append((action, params))
            raise QcloudApiError("ReturnInstance", 5100, "OperationConstraints.InvaildInstanceStatus", "status -1")
        return original(action, params)
    fake.call = call
    result = run(capsys, state="absent")
    assert "failed" not in result
    assert result["changed"] is True
    assert result["returned_instance_ids"] == [running]
    assert result["instance_ids"] == [failed]
    assert any("failed to create" in w for w in warnings(result))


def test_absent_waits_through_a_failing_creation(fake, capsys):
    creating = fake.add(status=3)
    original = fake.call

    def call(action, params=None):
        if action == "DescribeInstances" and params.get("instanceIds"):
            fake.instances[creating]["status"] = -1
        if action == "ReturnInstance":
            fake.calls.append((action, params))
            raise QcloudApiError("ReturnInstance", 5100, "OperationConstraints.InvaildInstanceStatus", "status -1")
        return original(action, params)
    fake.call = call
    result = run(capsys, state="absent")
    assert "failed" not in result and result["changed"] is False
    assert result["instance_ids"] == [creating]


def test_bad_options_fail_before_any_request(fake, capsys):
    result = run(capsys, storage_size=15, password="short")
    assert result["failed"] is True
    assert "option 'storage_size'" in result["msg"] and "option 'password'" in result["msg"]
    assert fake.calls == []


@pytest.mark.parametrize("args, text", [
    (dict(password="Ab12#xyz", key_id="skey-1"), "mutually exclusive"),
    (dict(vpc_id="vpc-1"), "subnet_id"),
    (dict(is_vpc_gateway=True, bandwidth=1), "vpc_id"),
    (dict(storage_type=4), "storage_type"),
    (dict(instance_type="CVM.C1"), "instance_type"),
])
def test_argument_spec_rules(fake, capsys, args, text):
    result = run(capsys, **args)
    assert result["failed"] is True and text in result["msg"]
    assert fake.calls == []


def test_api_names_work_as_aliases(fake, capsys):
    args = dict(TASK)
    del args["zone_id"], args["image_id"], args["instance_name"]
    args.update(zoneId=100003, imageId="img-3wnd9xpl", instanceName="web", goodsNum=1, storageSize=0)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            cvm_instance_hour.main()
    assert json.loads(capsys.readouterr().out)["changed"] is True


def test_documentation_matches_the_argument_spec():
    documented = yaml.safe_load(cvm_instance_hour.DOCUMENTATION)["options"]
    spec = cvm_instance_hour.argument_spec()
    shared = set(qcloud_module.common_argument_spec())
    assert set(documented) == set(spec) - shared
    for name, doc in documented.items():
        option = spec[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("choices") == option.get("choices"), name
        assert doc.get("aliases", []) == option.get("aliases", []), name
        assert bool(doc.get("required")) == bool(option.get("required")), name


def test_examples_and_return_are_yaml():
    assert isinstance(yaml.safe_load(cvm_instance_hour.EXAMPLES), list)
    returned = yaml.safe_load(cvm_instance_hour.RETURN)
    assert {"instance_ids", "instances", "created_instance_ids", "returned_instance_ids", "client_token", "price"} <= set(returned)
