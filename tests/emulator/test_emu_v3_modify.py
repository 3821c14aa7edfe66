# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 ResetInstancesInternetMaxBandwidth, ModifyInstancesAttribute, Associate/DisassociateSecurityGroups,
vpc DescribeSecurityGroups; changes seen through both faces."""

import pytest

from emu_client import wait_for


def _seed(emu, count=1, status=2):
    return emu.control.post("seed", {"count": count, "status": status})["ids"]


def _legacy(emu, instance_id):
    return emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"][0]


def _groups(emu, instance_id):
    return {item["unInstanceId"]: item["securityGroupIds"] for item in emu.control.instances()}[instance_id]


def _bandwidth(v3, ids, mbps):
    return {"InstanceIds": ids, "InternetAccessible": {"InternetMaxBandwidthOut": mbps}}


def test_reset_bandwidth_both_faces(v3, emu):
    (instance_id,) = _seed(emu)
    assert v3.ok("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, [instance_id], 150))
    assert _legacy(emu, instance_id)["bandwidth"] == 150
    inst = v3.instance(instance_id)
    assert inst["InternetAccessible"]["InternetMaxBandwidthOut"] == 150
    assert (inst["LatestOperation"], inst["LatestOperationState"]) == ("ResetInstancesInternetMaxBandwidth", "SUCCESS")
    assert emu.client.call("UpdateInstanceBandwidthHour", {"instanceId": instance_id, "bandwidth": "7"})["code"] == 0
    assert v3.instance(instance_id)["InternetAccessible"]["InternetMaxBandwidthOut"] == 7
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, [instance_id], 201)) == "InvalidParameterValue.Range"


def test_reset_bandwidth_rules(v3, emu):
    hourly = _seed(emu, 2)
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, hourly, 5)) == "InvalidParameterValue.LimitExceeded"
    traffic = v3.run({"InstanceCount": 2, "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 0}})
    emu.control.post("config", {"create_delay": 0})
    wait_for(lambda: all(v3.instance(i)["InstanceState"] == "RUNNING" for i in traffic))
    assert v3.instance(traffic[0])["PublicIpAddresses"] is None
    assert v3.ok("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, traffic, 20))
    assert all(v3.instance(i)["PublicIpAddresses"] for i in traffic), "raising from 0 assigns a public IP"
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, traffic, 101)) == "InvalidParameterValue.Range"
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, [traffic[0], hourly[0]], 5)) == "InvalidParameterCombination"
    body = {"InstanceIds": [hourly[0]], "InternetAccessible": {"InternetMaxBandwidthOut": 5, "InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR"}}
    assert v3.error("ResetInstancesInternetMaxBandwidth", body) == "InvalidParameter"
    assert v3.error("ResetInstancesInternetMaxBandwidth", dict(_bandwidth(v3, [hourly[0]], 5), StartTime="2030-01-01")) == "InvalidParameterCombination"
    assert v3.error("ResetInstancesInternetMaxBandwidth", {"InstanceIds": [hourly[0]]}) == "MissingParameter"
    assert v3.error("ResetInstancesInternetMaxBandwidth", {"InstanceIds": [hourly[0]], "InternetAccessible": {}}) == "MissingParameter"
    (creating,) = _seed(emu, 1, 3)
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, [creating], 5)) == "OperationDenied.InstanceOperationInProgress"


def test_reset_bandwidth_stop_charging(v3, emu):
    emu.control.post("config", {"power_delay": 0, "create_delay": 0})
    # STOP_CHARGING needs cloud disks only (seeded instances have a local one).
    (instance_id,) = v3.run({"SystemDisk": {"DiskType": "CLOUD_SSD", "DiskSize": 50}})
    v3.ok("StopInstances", {"InstanceIds": [instance_id], "StoppedMode": "STOP_CHARGING"})
    wait_for(lambda: v3.instance(instance_id)["InstanceState"] == "STOPPED")
    assert v3.error("ResetInstancesInternetMaxBandwidth", _bandwidth(v3, [instance_id], 5)) == "UnsupportedOperation.StoppedModeStopCharging"


def test_modify_name_any_state_but_terminating(v3, emu):
    ids = [_seed(emu, 1, status)[0] for status in (2, 4, 3, 9, -1)]
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids, "InstanceName": "renamed"})
    assert {_legacy(emu, i)["instanceName"] for i in ids} == {"renamed"}
    assert v3.instance(ids[0])["LatestOperation"] == "ModifyInstancesAttribute"
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": ids[:1], "InstanceName": "x" * 61}) == "InvalidInstanceName.TooLong"
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": ids[:1], "InstanceName": ""}) == "InvalidParameterValue"
    (returning,) = _seed(emu, 1, 6)
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": [returning], "InstanceName": "x"}) == "UnsupportedOperation.InstanceStateTerminating"


@pytest.mark.parametrize(
    "body, code",
    [
        ({}, "MissingParameter"),
        ({"InstanceName": "a", "DisableApiTermination": True}, "InvalidParameterCombination"),
        ({"HostName": "web1"}, "UnsupportedOperation"),
        ({"SecurityGroups": ["sg-gzweb001"] * 2}, "InvalidParameterValue"),
        ({"SecurityGroups": ["sg-1"]}, "InvalidSgId.Malformed"),
        ({"SecurityGroups": ["sg-shweb001"]}, "InvalidSecurityGroupId.NotFound"),
        ({"SecurityGroups": ["sg-gzdeflt1", "sg-gzweb001", "sg-gzssh001", "sg-gzdb0001", "EXTRA1", "EXTRA2"]}, "LimitExceeded.AssociateUSGLimitExceeded"),
        ({"Colour": "red"}, "UnknownParameter"),
    ],
)
def test_modify_errors(v3, emu, body, code):
    (instance_id,) = _seed(emu)
    if "SecurityGroups" in body:
        extra = [emu.control.post("security_groups", {"region": "gz", "name": f"e{i}"})["security_group"]["sgId"] for i in (1, 2)]
        body = dict(body, SecurityGroups=[{"EXTRA1": extra[0], "EXTRA2": extra[1]}.get(sg, sg) for sg in body["SecurityGroups"]])
    assert v3.error("ModifyInstancesAttribute", dict(body, InstanceIds=[instance_id])) == code


def test_modify_security_groups_both_faces(v3, emu):
    (instance_id,) = _seed(emu)
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "SecurityGroups": ["sg-gzssh001", "sg-gzweb001"]})
    assert _groups(emu, instance_id) == ["sg-gzssh001", "sg-gzweb001"]
    members = emu.client.call("DescribeInstancesOfSecurityGroup", {"sgId": "sg-gzweb001"})
    assert members["totalCount"] == 1
    emu.client.call("ModifySecurityGroupsOfInstance", {"instanceSet.0.instanceId": instance_id, "instanceSet.0.sgIds.0": "sg-gzdb0001"})
    assert v3.instance(instance_id)["SecurityGroupIds"] == ["sg-gzdb0001"]
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "SecurityGroups": []})
    assert v3.instance(instance_id)["SecurityGroupIds"] == []
    (stopping,) = _seed(emu, 1, 9)
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": [stopping], "SecurityGroups": []}) == "OperationDenied.InstanceOperationInProgress"


def test_associate_disassociate(v3, emu):
    ids = _seed(emu, 2)
    assert v3.ok("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": ids})
    assert v3.ok("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzssh001"], "InstanceIds": ids[:1]})
    assert v3.ok("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": ids[:1]})
    assert _groups(emu, ids[0]) == ["sg-gzweb001", "sg-gzssh001"] and _groups(emu, ids[1]) == ["sg-gzweb001"]
    inst = v3.instance(ids[0])
    assert inst["SecurityGroupIds"] == ["sg-gzweb001", "sg-gzssh001"] and inst["LatestOperation"] == "AssociateSecurityGroups"
    assert v3.ok("DisassociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": ids})
    assert _groups(emu, ids[0]) == ["sg-gzssh001"] and _groups(emu, ids[1]) == []
    assert v3.ok("DisassociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": ids[1:]})
    assert (
        v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001", "sg-gzssh001"], "InstanceIds": ids}) == "InvalidParameterValue.LimitExceeded"
    )
    assert v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-nothere1"], "InstanceIds": ids}) == "InvalidSecurityGroupId.NotFound"
    assert v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sgweb"], "InstanceIds": ids}) == "InvalidSgId.Malformed"
    assert v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"]}) == "MissingParameter"
    assert v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": ["ins-zzzzzzzz"]}) == "InvalidInstanceId.NotFound"
    (launching,) = _seed(emu, 1, 3)
    assert (
        v3.error("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-gzweb001"], "InstanceIds": [launching]}) == "OperationDenied.InstanceOperationInProgress"
    )


def test_associate_limit(v3, emu):
    (instance_id,) = _seed(emu)
    extra = [emu.control.post("security_groups", {"region": "gz", "name": f"x{i}"})["security_group"]["sgId"] for i in range(2)]
    for sg_id in ["sg-gzdeflt1", "sg-gzweb001", "sg-gzssh001", "sg-gzdb0001", extra[0]]:
        v3.ok("AssociateSecurityGroups", {"SecurityGroupIds": [sg_id], "InstanceIds": [instance_id]})
    assert v3.error("AssociateSecurityGroups", {"SecurityGroupIds": [extra[1]], "InstanceIds": [instance_id]}) == "LimitExceeded.AssociateUSGLimitExceeded"
    assert len(_groups(emu, instance_id)) == 5


def test_describe_security_groups(v3, emu):
    answer = v3.ok("DescribeSecurityGroups", service="vpc")
    assert answer["TotalCount"] == 4
    first = answer["SecurityGroupSet"][0]
    assert first == {
        "SecurityGroupId": "sg-gzdeflt1",
        "SecurityGroupName": "default",
        "SecurityGroupDesc": first["SecurityGroupDesc"],
        "ProjectId": "0",
        "IsDefault": True,
        "CreatedTime": "2017-03-01 10:00:00",
        "UpdateTime": "2017-03-01 10:00:00",
        "TagSet": [],
    }
    assert [g["IsDefault"] for g in answer["SecurityGroupSet"]] == [True, False, False, False]
    added = emu.control.post("security_groups", {"region": "gz", "name": "app", "project_id": 5})["security_group"]
    page = v3.ok("DescribeSecurityGroups", {"Offset": "1", "Limit": "2"}, service="vpc")
    assert page["TotalCount"] == 5 and [g["SecurityGroupId"] for g in page["SecurityGroupSet"]] == ["sg-gzweb001", "sg-gzssh001"]
    by_ids = v3.ok("DescribeSecurityGroups", {"SecurityGroupIds": [added["sgId"], "sg-gzweb001"]}, service="vpc")
    assert [g["SecurityGroupId"] for g in by_ids["SecurityGroupSet"]] == ["sg-gzweb001", added["sgId"]]
    project = v3.ok("DescribeSecurityGroups", {"Filters": [{"Name": "project-id", "Values": ["5"]}]}, service="vpc")
    assert [g["SecurityGroupName"] for g in project["SecurityGroupSet"]] == ["app"] and project["SecurityGroupSet"][0]["ProjectId"] == "5"
    named = v3.ok("DescribeSecurityGroups", {"Filters": [{"Name": "security-group-name", "Values": ["ssh"]}]}, service="vpc", method="GET")
    assert [g["SecurityGroupId"] for g in named["SecurityGroupSet"]] == ["sg-gzssh001"]
    assert v3.ok("DescribeSecurityGroups", service="vpc", region="ap-shanghai")["TotalCount"] == 3
    assert (
        v3.ok("DescribeSecurityGroups", {"Limit": 2, "OrderField": "CreatedTime", "OrderDirection": "DESC"}, service="vpc")["SecurityGroupSet"][0][
            "SecurityGroupId"
        ]
        == added["sgId"]
    )


@pytest.mark.parametrize(
    "params, code",
    [
        ({"SecurityGroupIds": ["sg-gzweb001"], "Filters": [{"Name": "project-id", "Values": ["0"]}]}, "InvalidParameter.Coexist"),
        ({"SecurityGroupIds": ["sg-x"]}, "InvalidSecurityGroupID.Malformed"),
        ({"SecurityGroupIds": ["sg-shweb001"]}, "ResourceNotFound"),
        ({"Filters": [{"Name": "colour", "Values": ["x"]}]}, "InvalidParameter.FilterInvalidKey"),
        ({"Limit": "101"}, "InvalidParameterValue.Range"),
        ({"Offset": "-1"}, "InvalidParameterValue"),
        ({"OrderField": "Name"}, "InvalidParameterValue"),
    ],
)
def test_describe_security_groups_errors(v3, params, code):
    assert v3.error("DescribeSecurityGroups", params, service="vpc") == code


def test_services_are_checked(v3):
    assert v3.error("DescribeSecurityGroups") == "AuthFailure.SignatureFailure", "vpc actions are signed for vpc"
    assert v3.error("DescribeZones", service="vpc") == "AuthFailure.SignatureFailure", "cvm actions are signed for cvm"
