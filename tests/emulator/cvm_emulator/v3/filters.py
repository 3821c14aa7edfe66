# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DescribeInstances ``Filters`` (api-notes/v3.md 3.2, 7 item 13): names, value checks, predicates.

Filters AND, values of one filter OR.  ``instance-name`` matches exactly
([EMU], the notes lean exact); ``tag:<key>`` matches instances having that
key with one of the values; ``project-id`` values are integer strings;
``creation-start-time``/``creation-end-time`` are ``YYYY-MM-DD HH:MM:SS``
in China time (UTC+8, as the console shows times) [EMU].  ``host-id``,
``dedicated-cluster-id`` and ``ipv6-address`` are accepted and match
nothing (no emulated instance has a CDH host, a CDC or IPv6).

Each predicate takes ``(inst, state)`` where ``state`` is the rendered
InstanceState, so a listing of 10,000 instances renders none it skips.
"""

import calendar
import ipaddress
import re
import time

from .checks import INSTANCE_ID, SG_ID
from .errors import V3Error
from .render import INSTANCE_CHARGE_TYPES, V3_STATES
from .zones import zone_id, zones_of

SIMPLE = (
    "zone",
    "project-id",
    "host-id",
    "dedicated-cluster-id",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "uuid",
    "security-group-id",
    "instance-name",
    "instance-charge-type",
    "instance-state",
    "private-ip-address",
    "public-ip-address",
    "ipv6-address",
    "tag-key",
    "tag-value",
    "creation-start-time",
    "creation-end-time",
)
STATES = frozenset(V3_STATES.values()) | {
    "SHUTDOWN",
    "ENTER_RESCUE_MODE",
    "RESCUE_MODE",
    "EXIT_RESCUE_MODE",
    "ENTER_SERVICE_LIVE_MIGRATE",
    "SERVICE_LIVE_MIGRATE",
    "EXIT_SERVICE_LIVE_MIGRATE",
}
VPC_ID = re.compile(r"vpc-[a-z0-9]{8}")
SUBNET_ID = re.compile(r"subnet-[a-z0-9]{8}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CHINA = 8 * 3600


def known(name):
    return name in SIMPLE or (name.startswith("tag:") and len(name) > 4)


def _formatted(values, pattern, code, what):
    for value in values:
        if not pattern.fullmatch(value):
            raise V3Error(code, f"{value!r} is not a well-formed {what}")
    return frozenset(values)


def _ips(values):
    for value in values:
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise V3Error("InvalidParameterValue.InvalidIpFormat", f"{value!r} is not an IPv4 address") from None
    return frozenset(values)


def _time(values, name):
    stamps = []
    for value in values:
        try:
            stamps.append(calendar.timegm(time.strptime(value, "%Y-%m-%d %H:%M:%S")) - _CHINA)
        except ValueError:
            raise V3Error("InvalidParameterValue.InvalidTimeFormat", f"{name} value {value!r} is not YYYY-MM-DD HH:MM:SS") from None
    return stamps


def predicate(name, values, region, book):
    """A function ``(inst, state) -> bool`` for one filter; raises V3Error for bad values."""
    if name == "zone":
        ids = set()
        for value in values:
            if value not in zones_of(region):
                raise V3Error("InvalidZone.MismatchRegion", f"zone {value!r} is not a zone of this region")
            ids.add(zone_id(value))
        return lambda inst, _state: inst.zone_id in ids
    if name == "project-id":
        if not all(re.fullmatch(r"[0-9]+", value) for value in values):
            raise V3Error("InvalidParameterValue", f"project-id values must be integers, got {values}")
        projects = {int(value) for value in values}
        return lambda inst, _state: inst.project_id in projects
    if name == "instance-id":
        wanted = _formatted(values, INSTANCE_ID, "InvalidInstanceId.Malformed", "instance id")
        return lambda inst, _state: inst.instance_id in wanted
    if name == "uuid":
        wanted = _formatted(values, UUID, "InvalidParameterValue.UuidMalformed", "uuid")
        return lambda inst, _state: inst.uuid in wanted
    if name == "vpc-id":
        wanted = _formatted(values, VPC_ID, "InvalidParameterValue.VpcIdMalformed", "VPC id")
        return lambda inst, _state: inst.vpc_id in wanted
    if name == "subnet-id":
        wanted = _formatted(values, SUBNET_ID, "InvalidParameterValue.SubnetIdMalformed", "subnet id")
        return lambda inst, _state: inst.subnet_id in wanted
    if name == "security-group-id":
        wanted = _formatted(values, SG_ID, "InvalidSgId.Malformed", "security group id")
        for sg_id in wanted:
            if book.find(sg_id, region) is None:
                raise V3Error("InvalidSecurityGroupId.NotFound", f"security group {sg_id} does not exist in this region")
        return lambda inst, _state: not wanted.isdisjoint(inst.security_group_ids)
    if name == "instance-name":
        wanted = frozenset(values)
        return lambda inst, _state: inst.name in wanted
    if name == "instance-charge-type":
        charges = {neutral for neutral, text in INSTANCE_CHARGE_TYPES.items() if text in values}
        return lambda inst, _state: inst.charge_type in charges
    if name == "instance-state":
        for value in values:
            if value not in STATES:
                raise V3Error("InvalidParameterValue", f"instance-state {value!r} is not an InstanceState")
        wanted = frozenset(values)
        return lambda _inst, state: state in wanted
    if name == "private-ip-address":
        wanted = _ips(values)
        return lambda inst, _state: inst.private_ip in wanted
    if name == "public-ip-address":
        wanted = _ips(values)
        return lambda inst, _state: not wanted.isdisjoint(inst.public_ips)
    if name == "tag-key":
        wanted = frozenset(values)
        return lambda inst, _state: any(key in wanted for key, _value in inst.tags)
    if name == "tag-value":
        wanted = frozenset(values)
        return lambda inst, _state: any(value in wanted for _key, value in inst.tags)
    if name.startswith("tag:"):
        key, wanted = name[4:], frozenset(values)
        return lambda inst, _state: any(tag_key == key and value in wanted for tag_key, value in inst.tags)
    if name == "creation-start-time":
        start = min(_time(values, name))
        return lambda inst, _state: inst.created_at >= start
    if name == "creation-end-time":
        end = max(_time(values, name))
        return lambda inst, _state: inst.created_at <= end
    return lambda _inst, _state: False  # host-id, dedicated-cluster-id, ipv6-address
