# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of a minimal valid cvm_instance_hour task, as AnsibleModule hands them over (defaults applied)."""

from __future__ import annotations

# Every instance option of instance_argument_spec: the required ones set, the rest at their defaults.
INSTANCE_OPTIONS = {
    "zone_id": 100003,
    "cpu": 1,
    "mem": 2,
    "image_id": "img-3wnd9xpl",
    "image_type": 2,
    "instance_type": "CVM.S1",
    "storage_type": 1,
    "storage_size": 0,
    "root_size": None,
    "bandwidth_type": "PayByHour",
    "bandwidth": 0,
    "wan_ip": None,
    "vpc_id": None,
    "subnet_id": None,
    "is_vpc_gateway": False,
    "private_ip_addresses": None,
    "password": None,
    "key_id": None,
    "need_security_agent": True,
    "need_monitor_agent": True,
    "project_id": 0,
    "instance_name": None,
}

# The module's own options besides them (no guardrail option).
MODULE_PARAMS = dict(
    {"state": "present"},
    **INSTANCE_OPTIONS,
    goods_num=1,
    client_token=None,
    wait=True,
    wait_timeout=300,
    max_hourly_price=None,
)
