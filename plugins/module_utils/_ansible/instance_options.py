# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The instance options of cvm_instance_hour: their argument spec, the rules a spec cannot say, and the InstanceSpec they make.

Private: may change without notice. ``option_errors(params)`` runs before
any request, so a bad value fails the task without one; each message names
the option and the rule. The options keep the names and the vocabulary of
the legacy RunInstancesHour (with the API's names as aliases), on every API:
the same task runs on either. Section numbers refer to
``docs/api-notes/legacy.md``.

Left to the server, because only it knows them: the CPU/memory pairs of each
family (3.4), whether a zone belongs to the region, the image's OS and type,
the Windows-only password rules, VPC/subnet existence, IPs in a subnet's
range, reserved or in use, and the balance.
"""

from __future__ import annotations

import ipaddress
import string

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.guardrail_options import (
    guardrail_argument_spec,
    guardrail_errors,
    guardrail_spec_values,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import DISK_TYPE_NAMES, LEGACY_FAMILIES, family_of_option, option_of_family
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import UNNAMED_INSTANCE, InstanceSpec

INSTANCE_TYPES = [option_of_family(family) for family in LEGACY_FAMILIES]

# The password characters spec 3.3 allows. Linux/BSD allows the pipe,
# Windows does not; the module cannot know the image's OS, so it takes the
# Linux set and leaves the Windows-only rules to the server.
PASSWORD_SPECIALS = "()`~!@#$%^&*-+=|{}[]:;',.?/"
PASSWORD_CLASSES = (("letters", string.ascii_letters), ("digits", string.digits), ("specials", PASSWORD_SPECIALS))
PASSWORD_MIN, PASSWORD_MAX = 8, 16

MAX_STORAGE_SIZE = 16000
ROOT_SIZE_MIN, ROOT_SIZE_MAX = 20, 50
DISK_STEP = 10
MAX_INSTANCE_NAME = 60
MAX_CLIENT_TOKEN = 64
MAX_GOODS_NUM = 100


def _at_least(errors, params, name, low):
    value = params.get(name)
    if value is not None and value < low:
        errors.append("option '{0}' must be {1} or more, got {2}".format(name, low, value))


def _stepped(errors, params, name, low, high):
    value = params.get(name)
    if value is not None and (not low <= value <= high or value % DISK_STEP):
        errors.append("option '{0}' must be a multiple of {1} from {2} to {3} (GB), got {4}".format(name, DISK_STEP, low, high, value))


def _text(errors, params, name, most):
    value = params.get(name)
    if value is None:
        return
    if value == "":
        errors.append("option '{0}' must not be empty; leave it unset instead".format(name))
    elif most and len(value) > most:
        errors.append("option '{0}' must be at most {1} characters, got {2}".format(name, most, len(value)))


def password_error(password):
    """Why ``password`` breaks the Linux/BSD rules of spec 3.3 (None when it does not); never quotes it."""
    rule = "8 to 16 characters, at least two of letters, digits and the specials {0}, nothing else".format(PASSWORD_SPECIALS)
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return "option 'password' must be {0}; it has {1} characters".format(rule, len(password))
    allowed = "".join(chars for _name, chars in PASSWORD_CLASSES)
    if any(char not in allowed for char in password):
        return "option 'password' must be {0}; it has a character outside that set".format(rule)
    used = [name for name, chars in PASSWORD_CLASSES if any(char in chars for char in password)]
    if len(used) < 2:
        return "option 'password' must be {0}; it has only {1}".format(rule, used[0])
    return None


def _private_ips(errors, params):
    addresses = params.get("private_ip_addresses") or []
    if len(addresses) > 1:
        errors.append("option 'private_ip_addresses' takes at most one address (the API supports one), got {0}".format(len(addresses)))
    for address in addresses:
        try:
            ipaddress.IPv4Address(address)
        except ValueError:
            errors.append("option 'private_ip_addresses': {0!r} is not a valid IPv4 address".format(address))
    if addresses and not params.get("vpc_id"):
        errors.append("option 'private_ip_addresses' needs 'vpc_id' and 'subnet_id': private IPs are chosen in a VPC subnet")
    if addresses and params.get("goods_num") != 1:
        errors.append("option 'private_ip_addresses' needs 'goods_num: 1': one address cannot go to {0} instances".format(params.get("goods_num")))


def _network(errors, params):
    bandwidth = params.get("bandwidth") or 0
    if params.get("wan_ip") and bandwidth == 0:
        errors.append("option 'wan_ip': a public IP needs 'bandwidth' greater than 0 (with bandwidth 0 the API assigns none)")
    if params.get("is_vpc_gateway") and (bandwidth == 0 or params.get("wan_ip") is False):
        errors.append("option 'is_vpc_gateway': a public gateway needs a public IP: 'bandwidth' greater than 0 and 'wan_ip' not false")


MAX_SECURITY_GROUPS = 5


def _security_groups(errors, params):
    groups = params.get("security_group_ids")
    if groups is None:
        return
    if not groups:
        errors.append(
            "option 'security_group_ids' must list at least one group (an instance cannot be left with none); to leave the groups alone, do not set it"
        )
    if len(groups) > MAX_SECURITY_GROUPS:
        errors.append(
            "option 'security_group_ids' takes at most {0} groups (an instance can be in at most {0}), got {1}".format(MAX_SECURITY_GROUPS, len(groups))
        )
    if len(set(groups)) != len(groups):
        errors.append("option 'security_group_ids' lists a group twice")
    malformed = [group for group in groups if not group.startswith("sg-") or len(group) < 4]
    if malformed:
        errors.append("option 'security_group_ids': {0} is not a security group ID (sg-...)".format(", ".join(repr(g) for g in malformed)))


# Options only API 3.0 can honour, and the 3.0 feature behind each.
V3_ONLY_OPTIONS = {"tags": "TagSpecification"}
# RunInstances expands {R:x} in a name into a sequence (api-notes/v3.md 3.1.1).
NAME_PATTERN = "{R:"


def _only_on_v3(errors, params):
    api = params.get("api") or "legacy"
    if api == "legacy":
        for option, feature in V3_ONLY_OPTIONS.items():
            if params.get(option):
                errors.append("option '{0}' needs api: v3 (API 3.0 {1}); the legacy API has nothing like it".format(option, feature))
    elif NAME_PATTERN in (params.get("instance_name") or ""):
        errors.append("option 'instance_name': API 3.0 would expand {0!r} into a sequence of names; choose a name without it".format(NAME_PATTERN + "...}"))


def option_errors(params):
    """Every rule ``params`` (the module's options) breaks, as messages; empty when all hold."""
    errors = []
    _at_least(errors, params, "zone_id", 1)
    _at_least(errors, params, "cpu", 1)
    _at_least(errors, params, "mem", 1)
    _at_least(errors, params, "bandwidth", 0)
    _at_least(errors, params, "project_id", 0)
    _at_least(errors, params, "wait_timeout", 1)
    _at_least(errors, params, "max_hourly_price", 0)
    _stepped(errors, params, "storage_size", 0, MAX_STORAGE_SIZE)
    _stepped(errors, params, "root_size", ROOT_SIZE_MIN, ROOT_SIZE_MAX)
    goods_num = params.get("goods_num")
    if goods_num is not None and not 1 <= goods_num <= MAX_GOODS_NUM:
        errors.append("option 'goods_num' must be from 1 to {0}, got {1}".format(MAX_GOODS_NUM, goods_num))
    _text(errors, params, "image_id", None)
    _text(errors, params, "vpc_id", None)
    _text(errors, params, "subnet_id", None)
    _text(errors, params, "key_id", None)
    _text(errors, params, "instance_name", MAX_INSTANCE_NAME)
    _text(errors, params, "client_token", MAX_CLIENT_TOKEN)
    if params.get("password") is not None:
        error = password_error(params["password"])
        if error:
            errors.append(error)
    _private_ips(errors, params)
    _network(errors, params)
    _security_groups(errors, params)
    _only_on_v3(errors, params)
    errors.extend(guardrail_errors(params))
    return errors


def instance_argument_spec():
    """The options that describe the instances (every one with the API's own name as an alias)."""
    return dict(
        zone_id=dict(type="int", required=True, aliases=["zoneId"]),
        cpu=dict(type="int", required=True),
        mem=dict(type="int", required=True),
        image_id=dict(type="str", required=True, aliases=["imageId"]),
        image_type=dict(type="int", default=2, choices=[1, 2, 3, 4], aliases=["imageType"]),
        instance_type=dict(type="str", default="CVM.S1", choices=INSTANCE_TYPES, aliases=["instanceType"]),
        storage_type=dict(type="int", default=1, choices=[1, 2, 3], aliases=["storageType"]),
        storage_size=dict(type="int", default=0, aliases=["storageSize"]),
        root_size=dict(type="int", aliases=["rootSize"]),
        bandwidth_type=dict(type="str", default="PayByHour", choices=["PayByHour", "PayByTraffic"], aliases=["bandwidthType"]),
        bandwidth=dict(type="int", default=0),
        wan_ip=dict(type="bool", aliases=["wanIp"]),
        vpc_id=dict(type="str", aliases=["vpcId"]),
        subnet_id=dict(type="str", aliases=["subnetId"]),
        is_vpc_gateway=dict(type="bool", default=False, aliases=["isVpcGateway"]),
        private_ip_addresses=dict(type="list", elements="str", aliases=["privateIpAddresses"]),
        password=dict(type="str", no_log=True),
        key_id=dict(type="str", no_log=False, aliases=["keyId"]),
        need_security_agent=dict(type="bool", default=True, aliases=["needSecurityAgent"]),
        need_monitor_agent=dict(type="bool", default=True, aliases=["needMonitorAgent"]),
        project_id=dict(type="int", default=0, aliases=["projectId"]),
        instance_name=dict(type="str", aliases=["instanceName"]),
        tags=dict(type="dict"),
        **guardrail_argument_spec(),
    )


def spec_from_options(params):
    """The InstanceSpec the options describe (checked by option_errors first)."""
    addresses = params.get("private_ip_addresses") or []
    return InstanceSpec(
        zone_id=params["zone_id"],
        instance_family=family_of_option(params["instance_type"]),
        cpu=params["cpu"],
        memory=params["mem"],
        image_id=params["image_id"],
        instance_name=params.get("instance_name") or UNNAMED_INSTANCE,
        image_type=params["image_type"],
        disk_type=DISK_TYPE_NAMES[params["storage_type"]],
        data_disk_size=params["storage_size"],
        system_disk_size=params.get("root_size"),
        bandwidth_type=params["bandwidth_type"],
        bandwidth=params["bandwidth"],
        public_ip=params.get("wan_ip"),
        vpc_id=params.get("vpc_id"),
        subnet_id=params.get("subnet_id"),
        vpc_gateway=bool(params.get("is_vpc_gateway")),
        private_ip=addresses[0] if addresses else None,
        password=params.get("password"),
        key_id=params.get("key_id"),
        security_agent=params["need_security_agent"],
        monitor_agent=params["need_monitor_agent"],
        project_id=params["project_id"],
        security_group_ids=params.get("security_group_ids"),
        tags={str(key): str(value) for key, value in params["tags"].items()} if params.get("tags") else None,
        **guardrail_spec_values(params),
    )
