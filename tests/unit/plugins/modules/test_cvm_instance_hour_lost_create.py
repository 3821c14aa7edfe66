# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A create whose answer is lost: the module looks once more and reports what the create made."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.qcloud.cvm.plugins.module_utils import qcloud_module
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError, QcloudTransportError
from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_hour

TASK = {"zone_id": 100003, "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "instance_name": "lost",
        "secret_id": "AKIDTEST", "secret_key": "key", "region": "gz", "wait_timeout": 5, "goods_num": 2}
LOST = QcloudTransportError("RunInstancesHour", "connection to http://127.0.0.1/v2/index.php failed: reset", retryable=True)


class LossyClient:
    """DescribeInstances over a list of records; RunInstancesHour commits (or not) and then raises ``create_error``."""

    def __init__(self, commit, describe_errors_after_create=None):
        self.region = "gz"
        self.read_only = False
        self.commit = commit
        self.describe_errors_after_create = describe_errors_after_create
        self.created = False
        self.records = []
        self.calls = []

    def add(self, instance_id, status=2):
        self.records.append({"unInstanceId": instance_id, "instanceName": "lost", "zoneId": 100003, "status": status, "cpu": 1, "mem": 2,
                             "unImgId": "img-3wnd9xpl", "projectId": 0, "bandwidth": 0, "createTime": "2024-01-01 00:00:0{0}".format(len(self.records)),
                             "diskInfo": {"rootSize": 20, "rootType": 1}})

    def call(self, action, params=None):
        self.calls.append(action)
        if action == "RunInstancesHour":
            if self.commit and not self.created:
                for number in range(params["goodsNum"]):
                    self.add("ins-new0000{0}".format(number), status=3)
            self.created = True
            raise LOST
        if action == "DescribeInstances":
            if self.created and self.describe_errors_after_create:
                raise self.describe_errors_after_create
            return {"code": 0, "totalCount": len(self.records), "instanceSet": [dict(r) for r in self.records]}
        raise AssertionError(action)


@pytest.fixture
def client(monkeypatch):
    holder = {}
    monkeypatch.setattr(qcloud_module, "build_client", lambda options, read_only=False: holder["client"])

    def install(lossy):
        holder["client"] = lossy
        return lossy
    return install


def run(capsys, **args):
    with patch_module_args(dict(TASK, **args)):
        with pytest.raises(SystemExit):
            cvm_instance_hour.main()
    return json.loads(capsys.readouterr().out)


def test_lost_answer_of_a_committed_create_reports_the_new_instances(client, capsys):
    lossy = client(LossyClient(commit=True))
    lossy.add("ins-old00000")
    lossy.add("ins-gone0000", status=5)
    result = run(capsys, goods_num=3)
    assert result["failed"] is True and result["changed"] is True
    assert "connection to" in result["msg"] and "went through" in result["msg"]
    assert result["created_instance_ids"] == ["ins-new00000", "ins-new00001"]
    assert result["instance_ids"] == ["ins-old00000", "ins-new00000", "ins-new00001"]
    assert [i["instance_id"] for i in result["instances"]] == result["instance_ids"]
    assert result["transport_error"]["action"] == "RunInstancesHour"
    assert lossy.calls == ["DescribeInstances", "RunInstancesHour", "DescribeInstances"]


def test_lost_answer_of_a_create_that_did_nothing_says_so(client, capsys):
    client(LossyClient(commit=False))
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is False
    assert "may have gone through" in result["msg"] and "found no new matching instance" in result["msg"]
    assert result["created_instance_ids"] == [] and result["instance_ids"] == []


def test_failing_look_up_after_a_lost_answer_says_so(client, capsys):
    client(LossyClient(commit=True, describe_errors_after_create=QcloudApiError("DescribeInstances", 6000, "InternalError", "boom")))
    result = run(capsys)
    assert result["failed"] is True
    assert "may have gone through" in result["msg"] and "looking up its instances failed too" in result["msg"]
    assert "code 6000" in result["msg"] and "connection to" in result["msg"]
    # What failed first is what the structured fields describe.
    assert result["transport_error"]["action"] == "RunInstancesHour"
    assert result["created_instance_ids"] == []


def test_api_errors_of_the_create_are_not_looked_up_again(client, capsys, monkeypatch):
    lossy = client(LossyClient(commit=False))

    def refuse(action, params=None):
        lossy.calls.append(action)
        if action == "RunInstancesHour":
            raise QcloudApiError(action, 5100, "OperationFail.SystemBusy", "busy")
        return {"code": 0, "totalCount": 0, "instanceSet": []}
    monkeypatch.setattr(lossy, "call", refuse)
    result = run(capsys)
    assert result["api_error"]["code"] == 5100
    assert lossy.calls == ["DescribeInstances", "RunInstancesHour"]
