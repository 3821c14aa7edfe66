# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StopInstances StoppedMode (api-notes/v3.md 10.2, 10.7 item 4) through both faces."""

import pytest

CLOUD = {"SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}, "DataDisks": [{"DiskType": "CLOUD_SSD", "DiskSize": 100}]}


@pytest.fixture
def fast(emu):
    emu.control.post("config", {"create_delay": 0, "power_delay": 0, "return_delay": 0})
    return emu


def _legacy(emu, instance_id):
    return emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"][0]


def _stop(v3, ids, mode="STOP_CHARGING"):
    return v3.ok("StopInstances", {"InstanceIds": ids, "StoppedMode": mode})


def test_stop_charging_cycle(v3, fast):
    (instance_id,) = v3.run(CLOUD)
    before = v3.instance(instance_id)
    (address,) = before["PublicIpAddresses"]
    assert before["StopChargingMode"] == "NOT_APPLICABLE"
    _stop(v3, [instance_id])
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "STOPPED" and inst["StopChargingMode"] == "STOP_CHARGING"
    assert inst["PublicIpAddresses"] is None and inst["InternetAccessible"]["PublicIpAssigned"] is False
    assert inst["InternetAccessible"]["InternetChargeType"] == "" and inst["PrivateIpAddresses"] == before["PrivateIpAddresses"]
    assert v3.instances({"Filters": [{"Name": "public-ip-address", "Values": [address]}]}) == []
    record = _legacy(fast, instance_id)
    assert record["status"] == 4 and record["wanIpSet"] == [] and record["lanIp"] == before["PrivateIpAddresses"][0]
    v3.ok("StartInstances", {"InstanceIds": [instance_id]})
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "RUNNING" and inst["StopChargingMode"] == "NOT_APPLICABLE"
    (new_address,) = inst["PublicIpAddresses"]
    assert new_address != address and inst["InternetAccessible"]["InternetChargeType"] == "BANDWIDTH_POSTPAID_BY_HOUR"
    assert _legacy(fast, instance_id)["wanIpSet"] == [new_address]
    # KEEP_CHARGING keeps the address.
    _stop(v3, [instance_id], "KEEP_CHARGING")
    inst = v3.instance(instance_id)
    assert inst["StopChargingMode"] == "KEEP_CHARGING" and inst["PublicIpAddresses"] == [new_address]


def test_address_goes_at_the_stop_call(v3, fast):
    fast.control.post("config", {"power_delay": 30})
    (instance_id,) = v3.run(CLOUD)
    _stop(v3, [instance_id])
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "STOPPING" and inst["PublicIpAddresses"] is None and inst["StopChargingMode"] == "NOT_APPLICABLE"
    # Not STOPPED yet: the refusals of "stopped without charging" do not apply, the state rules do.
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "SecurityGroups": []}) == "OperationDenied.InstanceOperationInProgress"
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "InstanceName": "renamed"})


def test_no_public_ip_no_new_one(v3, fast):
    (instance_id,) = v3.run(dict(CLOUD, InternetAccessible={"InternetMaxBandwidthOut": 0}))
    _stop(v3, [instance_id])
    v3.ok("StartInstances", {"InstanceIds": [instance_id]})
    assert v3.instance(instance_id)["PublicIpAddresses"] is None


def test_eligibility_strict_and_lenient(v3, fast):
    (cloud,) = v3.run(CLOUD)
    (local_root,) = v3.run({"SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 50}})
    (local_data,) = v3.run(dict(CLOUD, DataDisks=[{"DiskType": "LOCAL_SSD", "DiskSize": 100}]))
    (seeded,) = fast.control.post("seed", {"count": 1})["ids"]
    for other in (local_root, local_data, seeded):
        assert v3.error("StopInstances", {"InstanceIds": [cloud, other], "StoppedMode": "STOP_CHARGING"}) == "UnsupportedOperation.StoppedModeStopCharging"
    assert v3.instance(cloud)["InstanceState"] == "RUNNING", "whole call: nothing stopped"
    assert v3.error("StopInstances", {"InstanceIds": [cloud], "StoppedMode": "stop_charging"}) == "InvalidParameterValue"
    fast.control.post("config", {"stop_charging_mode": "lenient"})
    _stop(v3, [cloud, local_root])
    assert v3.instance(cloud)["StopChargingMode"] == "STOP_CHARGING"
    inst = v3.instance(local_root)
    assert inst["InstanceState"] == "STOPPED" and inst["StopChargingMode"] == "KEEP_CHARGING" and inst["PublicIpAddresses"]
    assert fast.control.post("config", {"stop_charging_mode": "loose"}, expect=400)
    fast.control.post("reset")
    assert fast.control.get("config")["config"]["stop_charging_mode"] == "strict"


def test_stop_charging_mode_flag(make_emulator):
    handle = make_emulator(stop_charging_mode="lenient", create_delay=0, power_delay=0)
    assert handle.control.get("config")["config"]["stop_charging_mode"] == "lenient"


def test_refused_while_stopped_without_charging(v3, fast):
    ids = v3.run(dict(CLOUD, InstanceCount=2))
    _stop(v3, ids)
    code = "UnsupportedOperation.StoppedModeStopCharging"
    for params in (
        {"InstanceName": "x"},
        {"SecurityGroups": ["sg-gzweb001"]},
        {"DisableApiTermination": True},
        {"UserData": "ZWNobyBoaQ=="},
    ):
        assert v3.error("ModifyInstancesAttribute", dict(params, InstanceIds=ids)) == code, params
    assert v3.error("ResetInstancesInternetMaxBandwidth", {"InstanceIds": ids[:1], "InternetAccessible": {"InternetMaxBandwidthOut": 5}}) == code
    assert v3.error("RebootInstances", {"InstanceIds": ids}) == code
    assert v3.error("StopInstances", {"InstanceIds": ids}) == "UnsupportedOperation.InstanceStateStopped"
    # Allowed: security-group association (not in its documented error list), timers, reads, start, terminate.
    assert v3.ok("AssociateSecurityGroups", {"InstanceIds": ids[:1], "SecurityGroupIds": ["sg-gzweb001"]})
    assert v3.ok("DescribeInstancesAttributes", {"InstanceIds": ids, "Attributes": ["UserData"]})
    # The legacy face: bandwidth refused (as its 3.0 counterpart), groups and start allowed.
    answer = fast.client.call("UpdateInstanceBandwidthHour", {"instanceId": ids[0], "bandwidth": "3"})
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationConstraints.InvaildInstanceStatus" and "without charging" in answer["message"]
    assert fast.client.call("ModifySecurityGroupsOfInstance", {"instanceSet.0.instanceId": ids[0], "instanceSet.0.sgIds.0": "sg-gzssh001"})["code"] == 0
    assert fast.client.call("RestartInstances", {"instanceIds.0": ids[0]})["code"] == 5100
    assert fast.client.call("StartInstances", {"instanceIds.0": ids[0]})["code"] == 0
    assert _legacy(fast, ids[0])["wanIpSet"], "a new address at a legacy start too"
    assert v3.ok("TerminateInstances", {"InstanceIds": ids[1:]})
    assert v3.instances({"InstanceIds": ids[1:]}) == []


def test_legacy_stop_keeps_charging(v3, fast):
    (instance_id,) = v3.run(CLOUD)
    assert fast.client.call("StopInstances", {"instanceIds.0": instance_id})["code"] == 0
    inst = v3.instance(instance_id)
    assert inst["StopChargingMode"] == "KEEP_CHARGING" and inst["PublicIpAddresses"]
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "InstanceName": "fine"})
    assert fast.client.call("UpdateInstanceBandwidthHour", {"instanceId": instance_id, "bandwidth": "3"})["code"] == 0


def test_seeded_stopped_keeps_charging(v3, emu):
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": 4})["ids"]
    assert v3.instance(instance_id)["StopChargingMode"] == "KEEP_CHARGING"
