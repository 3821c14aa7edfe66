# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The neutral instance model, its legacy rendering and the state-file schema."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from cvm_emulator import states
from cvm_emulator.config import Settings
from cvm_emulator.emulator import Emulator
from cvm_emulator.model import FIELDS, InstanceState
from emu_client import HERE

# The legacy record's key order is part of the answer (clients may print it as is).
RECORD_ORDER = [
    "unInstanceId",
    "instanceId",
    "uuid",
    "instanceName",
    "instanceType",
    "zoneId",
    "zoneName",
    "Region",
    "lanIp",
    "wanIpSet",
    "cpu",
    "mem",
    "bandwidth",
    "unImgId",
    "imageType",
    "os",
    "createTime",
    "deadlineTime",
    "autoRenew",
    "projectId",
    "cvmPayMode",
    "networkPayMode",
    "vpcId",
    "subnetId",
    "unVpcId",
    "unSubnetId",
    "isVpcGateway",
    "diskInfo",
    "status",
    "statusTime",
]


def test_record_key_order_and_values(emu):
    emu.client.create(
        {
            "storageSize": "100",
            "storageType": "2",
            "bandwidthType": "PayByTraffic",
            "bandwidth": "5",
            "vpcId": "vpc-gzdemo01",
            "subnetId": "subnet-gz3web01",
            "zoneId": "100003",
            "isVpcGateway": "1",
            "instanceName": "order",
        }
    )
    (record,) = emu.client.call("DescribeInstances")["instanceSet"]
    assert list(record) == RECORD_ORDER
    assert list(record["diskInfo"]) == ["rootId", "rootSize", "rootType", "storageId", "storageSize", "storageType"]
    assert record["networkPayMode"] == 2 and record["isVpcGateway"] == 1 and record["vpcId"] == 1001
    assert record["diskInfo"]["rootType"] == 2 and record["diskInfo"]["storageType"] == 2
    (control,) = emu.control.instances()
    assert list(control)[: len(RECORD_ORDER)] == RECORD_ORDER


def test_every_legacy_status_has_a_name():
    assert sorted(states.FROM_LEGACY) == [-1] + list(range(1, 21))
    assert states.RELEASED >= states.GONE


def test_row_round_trip_and_defaults():
    inst = InstanceState(instance_id="ins-abcdefgh", tags=[["k", "v"]], security_group_ids=["sg-1"])
    again = InstanceState.from_row(json.loads(json.dumps(inst.to_row())))
    assert again.to_row() == inst.to_row()
    assert set(inst.to_row()) == set(FIELDS)
    # A row written before a field existed loads with the field's default.
    partial = InstanceState.from_row({"instance_id": "ins-00000001"})
    assert partial.security_group_ids == [] and partial.disable_api_termination is False
    # Defaults are never shared between instances.
    partial.security_group_ids.append("sg-x")
    assert InstanceState().security_group_ids == []
    with pytest.raises(TypeError):
        InstanceState(colour="red")


def _old_state_file(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE instances (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL)")
    db.execute("INSERT INTO instances VALUES ('ins-old00001', 0, '{\"record\": {}}')")
    db.commit()
    db.close()


def test_old_state_file_is_refused(tmp_path):
    path = str(tmp_path / "old.sqlite")
    _old_state_file(path)
    with pytest.raises(ValueError, match="schema version 1"):
        Emulator(Settings(state_file=path))
    result = subprocess.run(
        [sys.executable, "-m", "cvm_emulator", "--state-file", path],
        env=dict(os.environ, PYTHONPATH=HERE),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "schema version" in result.stderr and "Traceback" not in result.stderr


def test_new_state_file_reopens(tmp_path):
    path = str(tmp_path / "new.sqlite")
    first = Emulator(Settings(state_file=path))
    ids = first.actions.seed(3, ["gz"], "m", 2)
    first.close()
    second = Emulator(Settings(state_file=path))
    try:
        assert [inst.instance_id for inst in second.store.all_instances()] == ids
        assert second.store.get(ids[0]).status == states.RUNNING
    finally:
        second.close()
