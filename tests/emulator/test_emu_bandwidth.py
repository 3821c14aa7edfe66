# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""UpdateInstanceBandwidthHour (docs/api-notes/v3.md section 6.1) and fault injection on it."""

import json

import pytest

ACTION = "UpdateInstanceBandwidthHour"


def _record(emu, instance_id):
    return emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"][0]


def _created(emu, **params):
    emu.control.post("config", {"create_delay": 0})
    return emu.client.create(params)["unInstanceIds"][0]


def _update(emu, instance_id, bandwidth, **kwargs):
    return emu.client.call(ACTION, {"instanceId": instance_id, "bandwidth": str(bandwidth)}, **kwargs)


def test_success_is_immediate(emu):
    instance_id = _created(emu)
    before = _record(emu, instance_id)
    assert _update(emu, instance_id, 50) == {"code": 0, "message": "", "codeDesc": "Success"}
    after = _record(emu, instance_id)
    assert after["bandwidth"] == 50 and after["status"] == 2
    assert after["wanIpSet"] == before["wanIpSet"] and after["statusTime"] == before["statusTime"]
    assert _update(emu, instance_id, 1, method="POST")["code"] == 0
    assert _record(emu, instance_id)["bandwidth"] == 1


@pytest.mark.parametrize("bandwidth_type, maximum", [("PayByHour", 200), ("PayByTraffic", 100)])
def test_maximum_by_bandwidth_type(emu, bandwidth_type, maximum):
    instance_id = _created(emu, bandwidthType=bandwidth_type)
    assert _update(emu, instance_id, maximum)["code"] == 0
    answer = _update(emu, instance_id, maximum + 1)
    assert answer["code"] == 4000 and str(maximum) in answer["message"] and bandwidth_type in answer["message"]
    assert _record(emu, instance_id)["bandwidth"] == maximum
    assert _update(emu, instance_id, 0)["code"] == 0


@pytest.mark.parametrize(
    "params, module",
    [
        ({"bandwidth": "5"}, 100001),
        ({"instanceId": "ins-abcdefgh"}, 100001),
        ({"instanceId": "ins-abcdefgh", "bandwidth": "five"}, 100002),
        ({"instanceId": "ins-abcdefgh", "bandwidth": "-1"}, 100004),
    ],
)
def test_parameter_errors(emu, params, module):
    answer = emu.client.call(ACTION, params)
    assert answer["code"] == 4000 and answer["message"].startswith(f"({module})"), answer


def test_unknown_and_other_region(emu):
    answer = _update(emu, "ins-nothere0", 5)
    assert answer["code"] == 5000 and answer["codeDesc"] == "ResourceNotFound"
    instance_id = _created(emu)
    assert _update(emu, instance_id, 5, region="sh")["code"] == 5000


def test_legacy_id(emu):
    instance_id = _created(emu)
    legacy = _record(emu, instance_id)["instanceId"]
    assert _update(emu, legacy, 7)["code"] == 0
    assert _record(emu, instance_id)["bandwidth"] == 7


def test_stopped_is_allowed(emu):
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": 4})["ids"]
    assert _update(emu, instance_id, 9)["code"] == 0
    assert _record(emu, instance_id)["status"] == 4


@pytest.mark.parametrize("status", [1, 7, 8, 9, 13])
def test_other_statuses_refused(emu, status):
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": status})["ids"]
    answer = _update(emu, instance_id, 9)
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"
    assert f"status {status}" in answer["message"]


def test_creating_and_returning_refused(emu):
    emu.control.post("config", {"create_delay": 30})
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert _update(emu, instance_id, 9)["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"
    emu.control.post("config", {"create_delay": 0, "return_delay": 30})
    other = emu.client.create()["unInstanceIds"][0]
    emu.client.call("ReturnInstance", {"instanceId": other})
    assert _update(emu, other, 9)["code"] == 5100


def test_raising_from_zero_assigns_a_public_ip(emu):
    instance_id = _created(emu, bandwidth="0")
    assert _record(emu, instance_id)["wanIpSet"] == []
    assert _update(emu, instance_id, 0)["code"] == 0
    assert _record(emu, instance_id)["wanIpSet"] == []
    _update(emu, instance_id, 3)
    (address,) = _record(emu, instance_id)["wanIpSet"]
    others = {ip for item in emu.control.instances() if item["unInstanceId"] != instance_id for ip in item["wanIpSet"]}
    assert address not in others
    # Lowering to 0 keeps the address; raising again does not add a second one.
    _update(emu, instance_id, 0)
    assert _record(emu, instance_id)["wanIpSet"] == [address]
    _update(emu, instance_id, 2)
    assert _record(emu, instance_id)["wanIpSet"] == [address]


def test_wan_ip_zero_stays_without_public_ip(emu):
    instance_id = _created(emu, wanIp="0", bandwidth="0")
    _update(emu, instance_id, 10)
    record = _record(emu, instance_id)
    assert record["bandwidth"] == 10 and record["wanIpSet"] == []


def test_not_pay_by_hour_refused(emu, shared_server):
    instance_id = _created(emu)
    store = shared_server.emulator.store
    with store.lock:
        store.get(instance_id).charge_type = "prepaid"
    answer = _update(emu, instance_id, 5)
    assert answer["code"] == 5100 and answer["codeDesc"] == "UnsupportedOperation.InstanceChargeType"


def test_busy_fault_for_one_of_three(emu):
    ids = emu.control.post("seed", {"count": 3})["ids"]
    emu.control.post("faults", {"action": ACTION, "kind": "busy", "instance_id": ids[1], "times": 2})
    codes = [_update(emu, instance_id, 20)["code"] for instance_id in ids]
    assert codes == [0, 5100, 0]
    bandwidths = {item["unInstanceId"]: item["bandwidth"] for item in emu.control.instances()}
    assert [bandwidths[instance_id] for instance_id in ids] == [20, 1, 20]
    # times=2: the fault stays for one more call naming that instance.
    (pending,) = emu.control.get("faults")["faults"]
    assert pending["times"] == 1 and pending["instance_id"] == ids[1]
    assert _update(emu, ids[1], 20)["code"] == 5100
    assert _update(emu, ids[1], 20)["code"] == 0


def test_fault_by_legacy_id_matches_ins_id(emu):
    ids = emu.control.post("seed", {"count": 2})["ids"]
    legacy = {item["unInstanceId"]: item["instanceId"] for item in emu.control.instances()}
    emu.control.post("faults", {"action": ACTION, "kind": "internal_error", "instance_id": legacy[ids[0]]})
    assert _update(emu, ids[1], 5)["code"] == 0
    answer = _update(emu, ids[0], 5)
    assert answer["code"] == 6000 and answer["codeDesc"] == "InternalError"


def test_first_of_three_fails_with_http_500(emu):
    ids = emu.control.post("seed", {"count": 3})["ids"]
    emu.control.post("faults", {"action": ACTION, "kind": "http_500"})
    statuses = []
    for instance_id in ids:
        status, body = emu.client.send("GET", emu.client.signed(ACTION, {"instanceId": instance_id, "bandwidth": "4"}))
        statuses.append(status)
        if status == 200:
            assert json.loads(body)["code"] == 0
    assert statuses == [500, 200, 200]
    log = emu.control.get(f"requests?action={ACTION}")["requests"]
    assert [entry["fault"] for entry in log] == ["http_500", None, None]
