# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour's instance options (_ansible/instance_options.py): the rules the argument spec cannot say, each naming
its option, and the InstanceSpec the options make."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import (
    INSTANCE_TYPES,
    instance_argument_spec,
    option_errors,
    password_error,
    spec_from_options,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import UNNAMED_INSTANCE, InstanceSpec
from ansible_collections.qcloud.cvm.tests.unit.fakes.task_options import MODULE_PARAMS

# What AnsibleModule hands over for a minimal valid task: every option, defaults applied.
VALID = MODULE_PARAMS


def errors_for(**changes):
    return option_errors(dict(VALID, **changes))


def test_defaults_are_valid():
    assert errors_for() == []


@pytest.mark.parametrize(
    "changes",
    [
        dict(storage_size=10),
        dict(storage_size=16000),
        dict(root_size=20),
        dict(root_size=50),
        dict(goods_num=100),
        dict(instance_name="x" * 60),
        dict(client_token="t" * 64),
        dict(bandwidth=1, wan_ip=True),
        dict(bandwidth=0, wan_ip=False),
        dict(vpc_id="vpc-1", subnet_id="subnet-1", private_ip_addresses=["172.16.1.10"]),
        dict(vpc_id="vpc-1", subnet_id="subnet-1", is_vpc_gateway=True, bandwidth=1),
        dict(password="abcdefg1"),
        dict(password="Ab12#xyz"),
        dict(password="()`~!@#$%^&*-+=1"),
        dict(password="abc|defgh"),
        dict(instance_name="\u672a\u547d\u540d-" + "\u540d" * 56),
        dict(max_hourly_price=0.0),
        dict(wait_timeout=1),
    ],
)
def test_valid_values(changes):
    assert errors_for(**changes) == []


@pytest.mark.parametrize(
    "changes, option, rule",
    [
        (dict(zone_id=0), "zone_id", "1 or more"),
        (dict(cpu=0), "cpu", "1 or more"),
        (dict(mem=-1), "mem", "1 or more"),
        (dict(bandwidth=-1), "bandwidth", "0 or more"),
        (dict(project_id=-3), "project_id", "0 or more"),
        (dict(wait_timeout=0), "wait_timeout", "1 or more"),
        (dict(max_hourly_price=-0.5), "max_hourly_price", "0 or more"),
        (dict(storage_size=15), "storage_size", "multiple of 10 from 0 to 16000"),
        (dict(storage_size=16010), "storage_size", "multiple of 10 from 0 to 16000"),
        (dict(storage_size=-10), "storage_size", "multiple of 10 from 0 to 16000"),
        (dict(root_size=10), "root_size", "multiple of 10 from 20 to 50"),
        (dict(root_size=25), "root_size", "multiple of 10 from 20 to 50"),
        (dict(root_size=60), "root_size", "multiple of 10 from 20 to 50"),
        (dict(goods_num=0), "goods_num", "from 1 to 100"),
        (dict(goods_num=101), "goods_num", "from 1 to 100"),
        (dict(instance_name="x" * 61), "instance_name", "at most 60 characters"),
        (dict(instance_name=""), "instance_name", "must not be empty"),
        (dict(client_token="t" * 65), "client_token", "at most 64 characters"),
        (dict(client_token=""), "client_token", "must not be empty"),
        (dict(image_id=""), "image_id", "must not be empty"),
        (dict(key_id=""), "key_id", "must not be empty"),
        (dict(vpc_id="", subnet_id="subnet-1"), "vpc_id", "must not be empty"),
        (dict(vpc_id="vpc-1", subnet_id="", private_ip_addresses=None), "subnet_id", "must not be empty"),
        (dict(vpc_id="vpc-1", subnet_id="s", private_ip_addresses=["10.0.0.1", "10.0.0.2"]), "private_ip_addresses", "at most one"),
        (dict(vpc_id="vpc-1", subnet_id="s", private_ip_addresses=["10.0.0.256"]), "private_ip_addresses", "not a valid IPv4"),
        (dict(vpc_id="vpc-1", subnet_id="s", private_ip_addresses=["fe80::1"]), "private_ip_addresses", "not a valid IPv4"),
        (dict(vpc_id="vpc-1", subnet_id="s", private_ip_addresses=["host.example"]), "private_ip_addresses", "not a valid IPv4"),
        (dict(private_ip_addresses=["10.0.0.5"]), "private_ip_addresses", "needs 'vpc_id'"),
        (dict(vpc_id="vpc-1", subnet_id="s", private_ip_addresses=["10.0.0.5"], goods_num=2), "private_ip_addresses", "goods_num: 1"),
        (dict(wan_ip=True, bandwidth=0), "wan_ip", "'bandwidth' greater than 0"),
        (dict(vpc_id="vpc-1", subnet_id="s", is_vpc_gateway=True, bandwidth=0), "is_vpc_gateway", "public IP"),
        (dict(vpc_id="vpc-1", subnet_id="s", is_vpc_gateway=True, bandwidth=5, wan_ip=False), "is_vpc_gateway", "public IP"),
        (dict(password="Ab1#xyz"), "password", "it has 7 characters"),
        (dict(password="Ab12#xyzAb12#xyz1"), "password", "it has 17 characters"),
        (dict(password="abcdefgh"), "password", "only letters"),
        (dict(password="12345678"), "password", "only digits"),
        (dict(password="!@#$%^&*"), "password", "only specials"),
        (dict(password="Ab12 xyz"), "password", "outside that set"),
        (dict(password="Ab12_xyz"), "password", "outside that set"),
        (dict(password='Ab12"xyz'), "password", "outside that set"),
        (dict(password="Ab12<xyz"), "password", "outside that set"),
        (dict(password="Ab12\\xyz"), "password", "outside that set"),
        (dict(password="Ab12\u00e9xyz"), "password", "outside that set"),
        (dict(password=""), "password", "it has 0 characters"),
    ],
)
def test_each_rule_names_its_option(changes, option, rule):
    errors = errors_for(**changes)
    assert len(errors) == 1, errors
    assert "option '{0}'".format(option) in errors[0]
    assert rule in errors[0]


def test_every_broken_rule_is_reported():
    errors = errors_for(cpu=0, storage_size=5, goods_num=0, instance_name="n" * 61)
    assert [e.split("'")[1] for e in errors] == ["cpu", "storage_size", "goods_num", "instance_name"]


@pytest.mark.parametrize("password", ["Ab12#xyz", "S3cret!pass|word", "zzzzzzz9"])
def test_password_errors_never_quote_the_password(password):
    assert password_error(password) is None
    for bad in (password + "_", password * 3, password[:3]):
        message = password_error(bad)
        assert message and bad not in message


# -- the spec the options make ---------------------------------------------------------


def test_the_defaults_make_a_spec_in_neutral_values():
    assert spec_from_options(VALID) == InstanceSpec(
        zone_id=100003,
        instance_family="S1",
        cpu=1,
        memory=2,
        image_id="img-3wnd9xpl",
        instance_name=UNNAMED_INSTANCE,
        image_type=2,
        disk_type="LOCAL_BASIC",
        data_disk_size=0,
        system_disk_size=None,
        bandwidth_type="PayByHour",
        bandwidth=0,
        public_ip=None,
        vpc_id=None,
        subnet_id=None,
        vpc_gateway=False,
        private_ip=None,
        password=None,
        key_id=None,
        security_agent=True,
        monitor_agent=True,
        project_id=0,
    )


def test_every_instance_option_reaches_the_spec():
    spec = spec_from_options(
        dict(
            VALID,
            zone_id=200001,
            cpu=4,
            mem=16,
            image_id="img-31tjrtph",
            image_type=1,
            instance_type="CVM.M2",
            storage_type=3,
            storage_size=100,
            root_size=50,
            bandwidth_type="PayByTraffic",
            bandwidth=10,
            wan_ip=True,
            vpc_id="vpc-1",
            subnet_id="subnet-1",
            is_vpc_gateway=True,
            private_ip_addresses=["172.16.0.9"],
            password="Ab12#xyz",
            need_security_agent=False,
            need_monitor_agent=False,
            project_id=5,
            instance_name="db",
        )
    )
    assert spec == InstanceSpec(
        zone_id=200001,
        instance_family="M2",
        cpu=4,
        memory=16,
        image_id="img-31tjrtph",
        instance_name="db",
        image_type=1,
        disk_type="LOCAL_SSD",
        data_disk_size=100,
        system_disk_size=50,
        bandwidth_type="PayByTraffic",
        bandwidth=10,
        public_ip=True,
        vpc_id="vpc-1",
        subnet_id="subnet-1",
        vpc_gateway=True,
        private_ip="172.16.0.9",
        password="Ab12#xyz",
        key_id=None,
        security_agent=False,
        monitor_agent=False,
        project_id=5,
    )


@pytest.mark.parametrize("storage_type, disk_type", [(1, "LOCAL_BASIC"), (2, "CLOUD_BASIC"), (3, "LOCAL_SSD")])
def test_storage_types_are_the_3_0_disk_types(storage_type, disk_type):
    assert spec_from_options(dict(VALID, storage_type=storage_type)).disk_type == disk_type


def test_the_argument_spec_takes_the_api_names_as_aliases():
    spec = instance_argument_spec()
    aliases = {name: option.get("aliases") for name, option in spec.items() if option.get("aliases")}
    assert aliases == {
        "zone_id": ["zoneId"],
        "image_id": ["imageId"],
        "image_type": ["imageType"],
        "instance_type": ["instanceType"],
        "storage_type": ["storageType"],
        "storage_size": ["storageSize"],
        "root_size": ["rootSize"],
        "bandwidth_type": ["bandwidthType"],
        "wan_ip": ["wanIp"],
        "vpc_id": ["vpcId"],
        "subnet_id": ["subnetId"],
        "is_vpc_gateway": ["isVpcGateway"],
        "private_ip_addresses": ["privateIpAddresses"],
        "key_id": ["keyId"],
        "need_security_agent": ["needSecurityAgent"],
        "need_monitor_agent": ["needMonitorAgent"],
        "project_id": ["projectId"],
        "instance_name": ["instanceName"],
    }
    assert spec["password"]["no_log"] is True and spec["key_id"]["no_log"] is False
    assert spec["instance_type"]["choices"] == INSTANCE_TYPES == ["CVM.S1", "CVM.S2", "CVM.I1", "CVM.I2", "CVM.M1", "CVM.M2", "CVM.C2"]


@pytest.mark.parametrize(
    "groups, rule",
    [
        ([], "must list at least one group"),
        (["sg-a", "sg-b", "sg-c", "sg-d", "sg-e", "sg-f"], "at most 5 groups"),
        (["sg-a", "sg-a"], "lists a group twice"),
        (["web"], "is not a security group ID"),
    ],
)
def test_security_group_rules(groups, rule):
    (error,) = errors_for(security_group_ids=groups)
    assert error.startswith("option 'security_group_ids'") and rule in error


def test_one_to_five_groups_are_valid():
    assert errors_for(security_group_ids=["sg-gzweb001"]) == []
    assert errors_for(security_group_ids=["sg-a", "sg-b", "sg-c", "sg-d", "sg-e"]) == []
