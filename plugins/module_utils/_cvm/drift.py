# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How an instance differs from its task, setting by setting.

Private: may change without notice. Each difference is named by the module
option it comes from, with the instance's value and the task's, both in the
option's own words (``instance_type`` ``CVM.S1``, ``storage_type`` ``1``), so
a refusal can tell the user exactly what to change. Only what the APIs report
back is compared; the password, the key, the agents and the image type are
create-time only (neither API lists them).
"""

from __future__ import annotations

import dataclasses
import time

from typing import Any, List

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.expiry import MIN_LEAD, SAME_TIME, iso, parse_time, same_time, wanted_expiry
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import DISK_TYPE_NUMBERS, option_of_family

# The settings an API can change in place without losing data.
IN_PLACE_OPTIONS = ("bandwidth", "security_group_ids", "expire_time", "termination_protection")
# User data may hold secrets: a difference says that it differs, never what it is.
HIDDEN = "(not shown)"


@dataclasses.dataclass
class Difference:
    """One setting of one instance that is not what the task asks for."""

    option: str
    current: Any
    wanted: Any

    @property
    def in_place(self):
        return self.option in IN_PLACE_OPTIONS


def _disk_number(disk_type):
    return DISK_TYPE_NUMBERS.get(disk_type, disk_type)


def _replace_only(instance, spec):
    """(option, current, wanted) of every setting only a new instance can change, where the instance reports it."""
    data_disk = instance.data_disks[0] if instance.data_disks else None
    pairs = [
        ("image_id", instance.image_id, spec.image_id),
        ("cpu", instance.cpu, spec.cpu),
        ("mem", instance.memory, spec.memory),
        ("storage_size", data_disk["disk_size"] if data_disk else 0, spec.data_disk_size),
        ("vpc_id", instance.vpc_id, spec.vpc_id),
        ("subnet_id", instance.subnet_id, spec.subnet_id),
        ("is_vpc_gateway", instance.vpc_gateway, spec.vpc_gateway),
        ("project_id", instance.project_id or 0, spec.project_id),
    ]
    if instance.instance_family is not None:
        pairs.append(("instance_type", option_of_family(instance.instance_family), option_of_family(spec.instance_family)))
    system_type = instance.system_disk.get("disk_type")
    if system_type is not None:
        pairs.append(("storage_type", _disk_number(system_type), _disk_number(spec.disk_type)))
    elif data_disk and data_disk.get("disk_type") is not None and spec.data_disk_size:
        pairs.append(("storage_type", _disk_number(data_disk["disk_type"]), _disk_number(spec.disk_type)))
    if spec.system_disk_size is not None and instance.system_disk.get("disk_size") is not None:
        pairs.append(("root_size", instance.system_disk["disk_size"], spec.system_disk_size))
    if spec.private_ip:
        pairs.append(("private_ip_addresses", [instance.private_ip] if instance.private_ip else [], [spec.private_ip]))
    if instance.bandwidth_type is not None:
        pairs.append(("bandwidth_type", instance.bandwidth_type, spec.bandwidth_type))
    if spec.public_ip is not None:
        pairs.append(("wan_ip", bool(instance.public_ips), spec.public_ip))
    if instance.instance_charge_type is not None:
        pairs.append(("market", "spot" if instance.instance_charge_type == "SPOTPAID" else "on_demand", spec.market))
    return [pair for pair in pairs if pair[0] not in instance.unreported]


def same_groups(current, wanted, ordered):
    """Whether two security group lists agree: in order where the API reports an order, as sets elsewhere."""
    if ordered:
        return list(current) == list(wanted)
    return sorted(set(current)) == sorted(set(wanted)) and len(current) == len(set(current))


def differences(instance, spec, groups_ordered=True, user_data=None):
    """Every Difference of ``instance`` from ``spec``, the ones to replace first, in a stable order.

    ``user_data`` maps instance IDs to the user data the API reports (asked
    only when the task sets some); an instance missing from it is not compared.
    """
    found: List[Difference] = [Difference(option, current, wanted) for option, current, wanted in _replace_only(instance, spec) if current != wanted]
    if spec.user_data is not None and user_data is not None and instance.instance_id in user_data and user_data[instance.instance_id] != spec.user_data:
        found.append(Difference("user_data", HIDDEN, HIDDEN))
    if (instance.bandwidth or 0) != spec.bandwidth:
        found.append(Difference("bandwidth", instance.bandwidth or 0, spec.bandwidth))
    if spec.security_group_ids is not None and not same_groups(instance.security_group_ids, spec.security_group_ids, groups_ordered):
        found.append(Difference("security_group_ids", list(instance.security_group_ids), list(spec.security_group_ids)))
    if spec.termination_protection is not None and instance.termination_protection != spec.termination_protection:
        found.append(Difference("termination_protection", instance.termination_protection, spec.termination_protection))
    expiry = _expiry_difference(instance, spec)
    if expiry is not None:
        found.append(expiry)
    return found


def _expiry_difference(instance, spec, now=None):
    """The expiry timer to set, or None when the instance's is right (or the API does not tell)."""
    wanted = wanted_expiry(spec, instance.created_time)
    if wanted is None or "expire_time" in instance.unreported:
        return None
    now = time.time() if now is None else now
    current = parse_time(instance.expire_time) if instance.expire_time else None
    earliest = int(now) + MIN_LEAD
    if wanted < earliest:
        # Overdue (older than expire_after): a timer as early as the API takes it is right; pushing
        # it on at every run would keep the instance for ever.
        if current is not None and current <= earliest + SAME_TIME:
            return None
        wanted = earliest
    if same_time(current, wanted):
        return None
    return Difference("expire_time", instance.expire_time, iso(wanted))
