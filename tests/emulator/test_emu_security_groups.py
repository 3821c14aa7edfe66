# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Security groups (dfw.api.qcloud.com): ModifySecurityGroupsOfInstance, DescribeSecurityGroupEx,
DescribeInstancesOfSecurityGroup, and the control API's groups."""

import json
import re

import pytest

GZ_GROUPS = ["sg-gzdeflt1", "sg-gzweb001", "sg-gzssh001", "sg-gzdb0001"]
MODIFY = "ModifySecurityGroupsOfInstance"


def _groups_of(emu, instance_id):
    return {item["unInstanceId"]: item["securityGroupIds"] for item in emu.control.instances()}[instance_id]


def _modify(emu, mapping, **kwargs):
    params = {}
    for index, (instance_id, sg_ids) in enumerate(mapping):
        params[f"instanceSet.{index}.instanceId"] = instance_id
        for position, sg_id in enumerate(sg_ids):
            params[f"instanceSet.{index}.sgIds.{position}"] = sg_id
    return emu.client.call(MODIFY, params, **kwargs)


def _members(emu, sg_id, **params):
    answer = emu.client.call("DescribeInstancesOfSecurityGroup", dict(params, sgId=sg_id))
    assert answer["code"] == 0, answer
    return answer


def _seed(emu, count=1, status=2):
    return emu.control.post("seed", {"count": count, "status": status})["ids"]


# -- DescribeSecurityGroupEx -------------------------------------------------------


def test_describe_table(emu):
    answer = emu.client.call("DescribeSecurityGroupEx")
    assert set(answer) == {"code", "message", "codeDesc", "data"} and answer["code"] == 0
    assert answer["data"]["totalNum"] == 4
    assert [item["sgId"] for item in answer["data"]["detail"]] == GZ_GROUPS
    first = answer["data"]["detail"][0]
    assert first == {
        "sgId": "sg-gzdeflt1",
        "sgName": "default",
        "sgRemark": first["sgRemark"],
        "createTime": "2017-03-01 10:00:00",
        "projectId": 0,
        "beAssociateCount": 0,
    }
    for region, count in (("sh", 3), ("ap-beijing", 3), ("hk", 0)):
        assert emu.client.call("DescribeSecurityGroupEx", region=region)["data"]["totalNum"] == count
    listed = emu.control.get("security_groups")["security_groups"]
    assert len(listed) == 10 and all(re.fullmatch(r"sg-[a-z0-9]{8}", group["sgId"]) for group in listed)


def test_describe_filters(emu):
    def ids(**params):
        return [item["sgId"] for item in emu.client.call("DescribeSecurityGroupEx", params)["data"]["detail"]]

    assert ids(sgId="sg-gzweb001") == ["sg-gzweb001"]
    assert ids(sgId="sg-gzweb") == []
    assert ids(sgName="S") == ["sg-gzssh001"]
    assert ids(sgName="e") == ["sg-gzdeflt1", "sg-gzweb001"]
    assert ids(projectId="0") == GZ_GROUPS
    assert ids(projectId="7") == []


def test_describe_paging(emu):
    def page(**params):
        data = emu.client.call("DescribeSecurityGroupEx", params)["data"]
        assert data["totalNum"] == 4
        return [item["sgId"] for item in data["detail"]]

    assert page(limit="3") == GZ_GROUPS[:3]
    # offset counts pages, offsetLine counts rows (the legacy doc's two kinds of offset).
    assert page(limit="3", offset="1") == GZ_GROUPS[3:]
    assert page(limit="3", offsetLine="1") == GZ_GROUPS[1:]
    assert page(limit="2", offset="2") == []


@pytest.mark.parametrize(
    "params, word",
    [
        ({"offset": "0", "offsetLine": "1"}, "offsetLine"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"projectId": "x"}, "projectId"),
        ({"projectId": "-2"}, "projectId"),
    ],
)
def test_describe_errors(emu, params, word):
    answer = emu.client.call("DescribeSecurityGroupEx", params)
    assert answer["code"] == 4000 and word in answer["message"], answer


# -- signature host ------------------------------------------------------------


def test_signed_for_dfw_host(emu):
    assert emu.client.call("DescribeSecurityGroupEx", sign_host="dfw.api.qcloud.com")["code"] == 0
    wrong = emu.client.call("DescribeSecurityGroupEx", sign_host="cvm.api.qcloud.com")
    assert wrong["code"] == 4100 and "dfw.api.qcloud.com" in wrong["message"]
    # And the CVM actions keep their own host.
    assert emu.client.call("DescribeInstances", sign_host="cvm.api.qcloud.com")["code"] == 0
    assert emu.client.call("DescribeInstances", sign_host="dfw.api.qcloud.com")["code"] == 4100


# -- ModifySecurityGroupsOfInstance ----------------------------------------------------


def test_new_instances_have_no_group(emu):
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert _groups_of(emu, instance_id) == []
    assert _members(emu, "sg-gzdeflt1")["totalCount"] == 0
    # The legacy record itself has no security-group field.
    record = emu.client.call("DescribeInstances")["instanceSet"][0]
    assert "securityGroupIds" not in record


def test_modify_replaces_in_order(emu):
    (instance_id,) = _seed(emu)
    answer = _modify(emu, [(instance_id, ["sg-gzweb001", "sg-gzssh001"])])
    assert answer == {"code": 0, "message": "", "codeDesc": "Success"}
    assert _groups_of(emu, instance_id) == ["sg-gzweb001", "sg-gzssh001"]
    _modify(emu, [(instance_id, ["sg-gzssh001", "sg-gzdb0001", "sg-gzweb001"])], method="POST")
    assert _groups_of(emu, instance_id) == ["sg-gzssh001", "sg-gzdb0001", "sg-gzweb001"]
    _modify(emu, [(instance_id, ["sg-gzdb0001"])])
    assert _groups_of(emu, instance_id) == ["sg-gzdb0001"]
    assert _members(emu, "sg-gzweb001")["totalCount"] == 0
    assert _members(emu, "sg-gzdb0001")["data"] == [{"instanceId": instance_id}]


def test_modify_several_instances_and_index_order(emu):
    first, second = _seed(emu, 2)
    params = {
        "instanceSet.1.instanceId": second,
        "instanceSet.1.sgIds.10": "sg-gzweb001",
        "instanceSet.1.sgIds.2": "sg-gzssh001",
        "instanceSet.0.instanceId": first,
        "instanceSet.0.sgIds.0": "sg-gzdeflt1",
    }
    assert emu.client.call(MODIFY, params)["code"] == 0
    assert _groups_of(emu, first) == ["sg-gzdeflt1"]
    assert _groups_of(emu, second) == ["sg-gzssh001", "sg-gzweb001"]


def test_modify_legacy_id_and_stopped(emu):
    (instance_id,) = _seed(emu, status=4)
    legacy = emu.control.instances()[0]["instanceId"]
    assert _modify(emu, [(legacy, ["sg-gzweb001"])])["code"] == 0
    assert _groups_of(emu, instance_id) == ["sg-gzweb001"]


def test_five_groups_ok_six_refused(emu):
    (instance_id,) = _seed(emu)
    extra = [emu.control.post("security_groups", {"region": "gz", "name": f"extra{n}"})["security_group"]["sgId"] for n in range(2)]
    assert _modify(emu, [(instance_id, GZ_GROUPS + extra[:1])])["code"] == 0
    answer = _modify(emu, [(instance_id, GZ_GROUPS + extra)])
    assert answer["code"] == 7000 and answer["codeDesc"] == "LimitExceeded.AssociateUSGLimitExceeded"
    assert answer["message"].startswith("(100041)")
    assert _groups_of(emu, instance_id) == GZ_GROUPS + extra[:1]


def test_unknown_group_changes_nothing(emu):
    first, second = _seed(emu, 2)
    answer = _modify(emu, [(first, ["sg-gzweb001"]), (second, ["sg-nothere0"])])
    assert answer["code"] == 7000 and answer["codeDesc"] == "InvalidSecurityGroupId.NotFound"
    assert "sg-nothere0" in answer["message"]
    assert _groups_of(emu, first) == [] and _groups_of(emu, second) == []
    # A group of another region is unknown here.
    assert _modify(emu, [(first, ["sg-shweb001"])])["code"] == 7000


@pytest.mark.parametrize("status", [1, 7, 8, 9, 19])
def test_status_forbids_association(emu, status):
    (instance_id,) = _seed(emu, status=status)
    answer = _modify(emu, [(instance_id, ["sg-gzweb001"])])
    assert answer["code"] == 7003 and answer["codeDesc"] == "OperationConstraints.InstanceStatusForbidsAssociation"
    assert f"status {status}" in answer["message"]


def test_creating_and_returning_forbid_association(emu):
    emu.control.post("config", {"create_delay": 30, "return_delay": 30})
    creating = emu.client.create()["unInstanceIds"][0]
    assert _modify(emu, [(creating, ["sg-gzweb001"])])["code"] == 7003
    (running,) = _seed(emu)
    emu.client.call("ReturnInstance", {"instanceId": running})
    assert _modify(emu, [(running, ["sg-gzweb001"])])["code"] == 7003


def test_unknown_instance(emu):
    answer = _modify(emu, [("ins-nothere0", ["sg-gzweb001"])])
    assert answer["code"] == 5000 and answer["codeDesc"] == "ResourceNotFound"
    (instance_id,) = _seed(emu)
    assert _modify(emu, [(instance_id, ["sg-shweb001"])], region="sh")["code"] == 5000


@pytest.mark.parametrize(
    "params, word",
    [
        ({}, "instanceSet.0.instanceId"),
        ({"instanceSet.0.instanceId": "ins-abcdefgh"}, "instanceSet.0.sgIds.0"),
        ({"instanceSet.3.sgIds.0": "sg-gzweb001"}, "instanceSet.3.instanceId"),
        ({"instanceSet.0.instanceId": "ins-abcdefgh", "instanceSet.0.sgIds.0": "sg-gzweb001", "instanceSet.0.sgIds.1": "sg-gzweb001"}, "twice"),
        ({"instanceSet.0.instanceId": "ins-abcdefgh", "instanceSet.0.sgId.0": "sg-gzweb001"}, "sgId.0"),
        ({"instanceSet.0.instanceId": "ins-abcdefgh", "instanceSet.0.sgIds": "sg-gzweb001"}, "sgIds"),
        ({"instanceSet.x.instanceId": "ins-abcdefgh"}, "instanceSet.x"),
        ({"instanceSet": "ins-abcdefgh"}, "list"),
    ],
)
def test_modify_parameter_errors(emu, params, word):
    answer = emu.client.call(MODIFY, params)
    assert answer["code"] == 4000 and word in answer["message"], answer


def test_modify_limits(emu):
    ids = _seed(emu, 21)
    answer = _modify(emu, [(instance_id, ["sg-gzweb001"]) for instance_id in ids])
    assert answer["code"] == 4000 and "at most 20" in answer["message"]
    assert _modify(emu, [(instance_id, ["sg-gzweb001"]) for instance_id in ids[:20]])["code"] == 0
    twice = _modify(emu, [(ids[0], ["sg-gzweb001"]), (ids[0], ["sg-gzssh001"])])
    assert twice["code"] == 4000 and "more than once" in twice["message"]


def test_modify_busy_fault_for_one_instance_fails_the_call(emu):
    first, second = _seed(emu, 2)
    emu.control.post("faults", {"action": MODIFY, "kind": "busy", "instance_id": second})
    assert _modify(emu, [(first, ["sg-gzweb001"])])["code"] == 0
    answer = _modify(emu, [(first, ["sg-gzssh001"]), (second, ["sg-gzssh001"])])
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationFail.SystemBusy"
    assert _groups_of(emu, first) == ["sg-gzweb001"]


# -- DescribeInstancesOfSecurityGroup ------------------------------------------------


def test_members_paging_and_order(emu):
    ids = _seed(emu, 5)
    _modify(emu, [(instance_id, ["sg-gzweb001"]) for instance_id in ids])
    full = _members(emu, "sg-gzweb001", limit="100")
    assert full["totalCount"] == 5 and full["data"] == [{"instanceId": value} for value in ids[::-1]]
    assert _members(emu, "sg-gzweb001")["totalCount"] == 5
    assert _members(emu, "sg-gzweb001", offset="3", limit="1")["data"] == [{"instanceId": ids[1]}]
    assert _members(emu, "sg-gzweb001", offset="5")["data"] == []
    assert set(_members(emu, "sg-gzweb001")) == {"code", "message", "codeDesc", "totalCount", "data"}


def test_returned_instances_leave_their_groups(emu):
    emu.control.post("config", {"return_delay": 30})
    first, second = _seed(emu, 2)
    _modify(emu, [(first, ["sg-gzweb001"]), (second, ["sg-gzweb001"])])
    emu.client.call("ReturnInstance", {"instanceId": first})
    assert _members(emu, "sg-gzweb001")["data"] == [{"instanceId": second}]
    # The control API still shows what the returned instance had.
    assert _groups_of(emu, first) == ["sg-gzweb001"]


@pytest.mark.parametrize(
    "params, code, word",
    [
        ({}, 4000, "sgId"),
        ({"sgId": "sg-nothere0"}, 7000, "sg-nothere0"),
        ({"sgId": "sg-shweb001"}, 7000, "gz"),
        ({"sgId": "sg-gzweb001", "limit": "0"}, 4000, "limit"),
        ({"sgId": "sg-gzweb001", "offset": "-1"}, 4000, "offset"),
    ],
)
def test_members_errors(emu, params, code, word):
    answer = emu.client.call("DescribeInstancesOfSecurityGroup", params)
    assert answer["code"] == code and word in answer["message"], answer


# -- control API ---------------------------------------------------------------


def test_control_add_group(emu):
    body = {"region": "ap-shanghai", "name": "app", "project_id": 3, "remark": "tcp 8080"}
    added = emu.control.post("security_groups", body)["security_group"]
    assert set(added) == {"sgId", "sgName", "sgRemark", "projectId", "region", "createTime"}
    assert re.fullmatch(r"sg-[a-z0-9]{8}", added["sgId"]) and added["region"] == "sh" and added["projectId"] == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", added["createTime"])
    listed = emu.client.call("DescribeSecurityGroupEx", {"projectId": "3"}, region="sh")["data"]["detail"]
    assert [item["sgId"] for item in listed] == [added["sgId"]]
    assert emu.control.get("security_groups")["security_groups"][-1] == added
    (instance_id,) = emu.control.post("seed", {"count": 1, "regions": ["sh"]})["ids"]
    assert _modify(emu, [(instance_id, [added["sgId"], "sg-shweb001"])], region="sh")["code"] == 0
    emu.control.post("reset")
    assert added["sgId"] not in json.dumps(emu.control.get("security_groups"))


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x"},
        {"region": "gz"},
        {"region": "mars", "name": "x"},
        {"region": "gz", "name": ""},
        {"region": "gz", "name": "x" * 61},
        {"region": "gz", "name": "x", "project_id": -1},
        {"region": "gz", "name": "x", "project_id": "1"},
        {"region": "gz", "name": "x", "colour": "red"},
        {"region": "gz", "name": "x", "remark": 5},
        ["gz"],
    ],
)
def test_control_add_group_validation(emu, body):
    assert "error" in emu.control.post("security_groups", body, expect=400)


def test_control_instances_show_groups(emu):
    (instance_id,) = _seed(emu)
    (item,) = emu.control.instances()
    assert item["securityGroupIds"] == [] and item["unInstanceId"] == instance_id
    assert list(item)[-1] == "securityGroupIds"
