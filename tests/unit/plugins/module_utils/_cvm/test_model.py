# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The neutral model (_cvm/model.py), regions (_cvm/regions.py) and instance type names (_cvm/instance_types.py)."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import instance_types, regions
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import (
    FAILED_STATUSES,
    GONE_STATUSES,
    INSTANCE_FIELDS,
    INSTANCE_KEYS,
    STATUS_NAMES,
    TRANSITIONAL_STATUSES,
    Instance,
    InstanceSpec,
)

# The documented instance contract.
CONTRACT = (
    "instance_id",
    "instance_name",
    "uuid",
    "region",
    "zone",
    "zone_id",
    "status",
    "instance_type",
    "instance_family",
    "cpu",
    "memory",
    "image_id",
    "instance_charge_type",
    "private_ip",
    "public_ips",
    "vpc_id",
    "subnet_id",
    "vpc_gateway",
    "bandwidth",
    "bandwidth_type",
    "project_id",
    "system_disk",
    "data_disks",
    "created_time",
    "security_group_ids",
    "expire_time",
    "stop_charging_mode",
    "termination_protection",
    "tags",
)


def test_the_instance_keys_are_the_contract_in_its_order():
    assert tuple(field.name for field in INSTANCE_FIELDS) == CONTRACT
    assert INSTANCE_KEYS == frozenset(CONTRACT)
    assert list(Instance().as_dict()) == list(CONTRACT)


def test_every_key_is_documented():
    for field in INSTANCE_FIELDS:
        assert field.metadata["description"] and "sample" in field.metadata, field.name


def test_as_dict_is_a_copy():
    instance = Instance(instance_id="ins-1", public_ips=["203.0.113.1"], system_disk={"disk_size": 20}, data_disks=[{"disk_size": 10}])
    values = instance.as_dict()
    values["public_ips"].append("x")
    values["system_disk"]["disk_size"] = 50
    values["data_disks"].append({})
    assert instance.public_ips == ["203.0.113.1"] and instance.system_disk == {"disk_size": 20} and len(instance.data_disks) == 1


def test_from_dict_round_trips_and_ignores_unknown_keys():
    instance = Instance(instance_id="ins-1", region="ap-guangzhou", zone_id=100003, status="running", public_ips=["203.0.113.1"])
    assert Instance.from_dict(instance.as_dict()) == instance
    assert Instance.from_dict(dict(instance.as_dict(), status_name="running", wan_ips=[])) == instance


def test_defaults_are_not_shared():
    first, second = Instance(), Instance()
    first.public_ips.append("x")
    first.system_disk["disk_size"] = 1
    first.security_group_ids.append("sg-1")
    first.tags["team"] = "web"
    assert second.public_ips == [] and second.system_disk == {} and second.security_group_ids == [] and second.tags == {}


@pytest.mark.parametrize("status, gone", [("terminating", True), ("terminated", True), ("running", False), ("launch_failed", False)])
def test_gone(status, gone):
    assert Instance(status=status).gone is gone


def test_status_sets_use_known_names():
    assert GONE_STATUSES | FAILED_STATUSES | TRANSITIONAL_STATUSES <= set(STATUS_NAMES)
    assert len(STATUS_NAMES) == len(set(STATUS_NAMES)) == 12


def test_the_spec_never_shows_its_password():
    spec = InstanceSpec(zone_id=100003, instance_family="S1", cpu=1, memory=2, image_id="img-1", password="Ab12#xyz")
    assert "Ab12#xyz" not in repr(spec) and "password" not in spec.fingerprint()
    assert spec.instance_name == "\u672a\u547d\u540d" and spec.disk_type == "LOCAL_BASIC" and spec.bandwidth_type == "PayByHour"
    assert set(spec.fingerprint()) == {field.name for field in dataclasses.fields(InstanceSpec)} - {"password"}


# -- regions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, name",
    [
        ("gz", "ap-guangzhou"),
        (" GZ ", "ap-guangzhou"),
        ("ap-guangzhou", "ap-guangzhou"),
        ("AP-Shanghai", "ap-shanghai"),
        ("usw", "na-siliconvalley"),
        ("ap-nanjing", "ap-nanjing"),
        ("mars-1", None),
        ("", None),
    ],
)
def test_region_name_takes_either_spelling(value, name):
    assert regions.region_name(value) == name


@pytest.mark.parametrize("value, code", [("ap-guangzhou", "gz"), ("gz", "gz"), ("ap-shanghai-fsi", "shjr"), ("ap-nanjing", None), ("mars-1", None)])
def test_legacy_code(value, code):
    assert regions.legacy_code(value) == code


def test_every_legacy_code_pairs_with_one_current_name():
    assert len(set(regions.LEGACY_TO_CURRENT.values())) == len(regions.LEGACY_TO_CURRENT)
    for code, name in regions.LEGACY_TO_CURRENT.items():
        assert regions.legacy_code(name) == code and regions.region_name(code) == name
    assert regions.known_region_names() == sorted(regions.known_region_names())
    assert {"gz", "ap-guangzhou", "ap-nanjing"} <= set(regions.known_region_names())


@pytest.mark.parametrize(
    "zone_id, region",
    [
        (100003, "ap-guangzhou"),
        (200008, "ap-shanghai"),
        (800007, "ap-beijing"),
        (300001, "ap-hongkong"),
        (150001, "na-siliconvalley"),
        (110003, "ap-shenzhen-fsi"),
        (700001, "ap-shanghai-fsi"),
        (120001, "ap-guangzhou-open"),
        (900001, "ap-singapore"),
        (330001, "ap-nanjing"),
        (990001, None),
        ("100003", "ap-guangzhou"),
        ("x", None),
        (None, None),
    ],
)
def test_documented_zones_map_to_their_region(zone_id, region):
    assert regions.zone_region(zone_id) == region


@pytest.mark.parametrize(
    "zone_id, zone", [(100003, "ap-guangzhou-3"), (200001, "ap-shanghai-1"), (800002, "ap-beijing-2"), (110003, "ap-shenzhen-fsi-3"), (990001, None)]
)
def test_zone_names_and_back(zone_id, zone):
    assert regions.zone_name(zone_id) == zone
    if zone:
        assert regions.zone_id_of(zone) == zone_id


@pytest.mark.parametrize("zone", ["ap-mars-1", "ap-guangzhou", "ap-guangzhou-x", ""])
def test_unknown_zone_names(zone):
    assert regions.zone_id_of(zone) is None


# -- instance types ------------------------------------------------------------


@pytest.mark.parametrize("cpu, word", [(1, "SMALL"), (2, "MEDIUM"), (4, "LARGE"), (8, "2XLARGE"), (12, "3XLARGE"), (3, None), (6, None), (10, None)])
def test_size_words(cpu, word):
    assert instance_types.size_word(cpu) == word


def test_type_names():
    assert instance_types.conventional_type_name("S1", 1, 2) == "S1.SMALL2"
    assert instance_types.conventional_type_name("S5", 1, 2) is None
    assert instance_types.conventional_type_name("S1", 1, None) is None
    assert instance_types.family_of_option("CVM.S2") == "S2" and instance_types.family_of_option("S2") == "S2"
    assert instance_types.option_of_family("C2") == "CVM.C2"
    assert instance_types.family_of_type("S5.LARGE8") == "S5" and instance_types.family_of_type("S5") is None
    assert instance_types.family_of_type(None) is None


def test_disk_type_numbers_and_names_pair():
    for number, name in instance_types.DISK_TYPE_NAMES.items():
        assert instance_types.DISK_TYPE_NUMBERS[name] == number
