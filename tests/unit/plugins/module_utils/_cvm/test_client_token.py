# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The derived client token (_cvm/client_token.py): stable for one create, new when the instances found differ, never leaking the password."""

from __future__ import annotations

import dataclasses
import re

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.client_token import derive_client_token
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import InstanceSpec

SPEC = InstanceSpec(zone_id=100003, instance_family="S1", cpu=1, memory=2, image_id="img-3wnd9xpl", instance_name="web")


def other(**changes):
    return dataclasses.replace(SPEC, **changes)


def test_same_create_same_existing_ids_same_token():
    first = derive_client_token("ap-guangzhou", SPEC, 2, ["ins-b", "ins-a"])
    assert first == derive_client_token("ap-guangzhou", other(), 2, ("ins-a", "ins-b"))


def test_shape():
    token = derive_client_token("ap-guangzhou", SPEC, 2, [])
    assert len(token) == 64
    assert re.fullmatch(r"ansible-[0-9a-f]{56}", token)


def test_other_existing_ids_other_token():
    assert derive_client_token("ap-guangzhou", SPEC, 2, []) != derive_client_token("ap-guangzhou", SPEC, 2, ["ins-a"])
    assert derive_client_token("ap-guangzhou", SPEC, 2, ["ins-a"]) != derive_client_token("ap-guangzhou", SPEC, 2, ["ins-b"])


def test_other_create_or_region_other_token():
    base = derive_client_token("ap-guangzhou", SPEC, 2, [])
    assert base != derive_client_token("ap-shanghai", SPEC, 2, [])
    assert base != derive_client_token("ap-guangzhou", SPEC, 1, [])
    for changes in (
        dict(instance_name="db"),
        dict(cpu=2),
        dict(memory=4),
        dict(image_id="img-31tjrtph"),
        dict(zone_id=100004),
        dict(instance_family="S2"),
        dict(data_disk_size=10),
        dict(system_disk_size=30),
        dict(bandwidth=1),
        dict(public_ip=False),
        dict(vpc_id="vpc-1", subnet_id="subnet-1"),
        dict(private_ip="10.0.0.5"),
        dict(key_id="skey-1"),
        dict(security_agent=False),
        dict(monitor_agent=False),
        dict(project_id=3),
        dict(disk_type="CLOUD_BASIC"),
        dict(bandwidth_type="PayByTraffic"),
        dict(image_type=1),
        dict(vpc_gateway=True),
    ):
        assert base != derive_client_token("ap-guangzhou", other(**changes), 2, []), changes


def test_the_password_does_not_count_and_never_appears():
    base = derive_client_token("ap-guangzhou", SPEC, 2, [])
    with_password = derive_client_token("ap-guangzhou", other(password="Ab12#xyz"), 2, [])
    assert with_password == base
    assert "Ab12#xyz" not in with_password
    assert "password" not in SPEC.fingerprint() and "Ab12#xyz" not in repr(other(password="Ab12#xyz"))


def test_only_the_spec_region_count_and_ids_count():
    # A token given by the user is not part of the spec, so it cannot change the derived one.
    assert "client_token" not in SPEC.fingerprint()
    assert set(SPEC.fingerprint()) == {field.name for field in dataclasses.fields(InstanceSpec)} - {"password"}
