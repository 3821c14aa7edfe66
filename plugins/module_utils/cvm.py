# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CVM knowledge shared by the modules and the inventory plugin.

Status codes, the snake_case shape of an instance record, and DescribeInstances
paging. Section numbers refer to ``spec/legacy-cvm-api.md``.
"""

from __future__ import annotations

import time

from ansible.module_utils.common.dict_transformations import _camel_to_snake

# DescribeInstances ``status`` codes (spec 4.3).
STATUS_NAMES = {
    -1: "creation_failed",
    1: "fault",
    2: "running",
    3: "creating",
    4: "stopped",
    5: "returned",
    6: "returning",
    7: "rebooting",
    8: "starting",
    9: "stopping",
    10: "resetting_password",
    11: "formatting",
    12: "creating_image",
    13: "setting_bandwidth",
    14: "reinstalling",
    15: "binding_domain",
    16: "unbinding_domain",
    17: "binding_load_balancer",
    18: "unbinding_load_balancer",
    19: "upgrading",
    20: "distributing_ssh_key",
}
STATUS_RUNNING = 2
STATUS_CREATING = 3
STATUS_RETURNED = 5
STATUS_RETURNING = 6
# An instance in one of these will never reach running by itself.
STATUS_FAILED = frozenset((-1, 1))
# Instances given back (or being given back) are no longer managed by anyone.
STATUS_GONE = frozenset((STATUS_RETURNED, STATUS_RETURNING))

# DescribeInstances pages hold at most 100 records (spec 4.1).
MAX_PAGE_SIZE = 100

# Record keys whose snake_case form would mislead: the API's ``unInstanceId`` is
# what every other call calls the instance ID, ``instanceId`` is the old
# ``qcvm...`` one, and ``vpcId``/``subnetId`` are numeric internal IDs, not the
# ``vpc-...`` strings a create takes (those come as ``unVpcId``/``unSubnetId``
# where the API sends them at all, spec 4.2).
RENAMED_KEYS = {
    "unInstanceId": "instance_id",
    "instanceId": "legacy_instance_id",
    "unImgId": "image_id",
    "imageId": "legacy_image_id",
    "wanIpSet": "wan_ips",
    "Region": "region",
    "vpcId": "vpc_internal_id",
    "subnetId": "subnet_internal_id",
    "unVpcId": "vpc_id",
    "unSubnetId": "subnet_id",
}
# diskInfo is one object (the doc table says Array, every example is an object);
# its keys are flattened so that a data disk's absence reads as storage_size 0.
DISK_KEYS = {
    "rootId": "root_id",
    "rootSize": "root_size",
    "rootType": "root_type",
    "storageId": "storage_id",
    "storageSize": "storage_size",
    "storageType": "storage_type",
}

_snake_names = {}


def snake_name(key):
    """The snake_case name of a record key, cached: the inventory converts the same few keys for every host."""
    name = _snake_names.get(key)
    if name is None:
        name = RENAMED_KEYS.get(key) or _camel_to_snake(key)
        _snake_names[key] = name
    return name


def normalize_instance(record):
    """One DescribeInstances record as a flat snake_case dict (the shape modules return and hosts carry)."""
    instance = {}
    for key, value in record.items():
        if key == "diskInfo":
            continue
        instance[snake_name(key)] = value
    disk = record.get("diskInfo")
    if isinstance(disk, list):
        disk = disk[0] if disk else {}
    disk = disk or {}
    for key, name in DISK_KEYS.items():
        instance[name] = disk.get(key)
    if instance["storage_size"] is None:
        instance["storage_size"] = 0
    instance.setdefault("wan_ips", [])
    instance["status_name"] = STATUS_NAMES.get(instance.get("status"), "maintenance")
    return instance


def describe_page(client, filters, offset=0, limit=MAX_PAGE_SIZE):
    """One DescribeInstances page: (totalCount, records)."""
    params = dict(filters)
    params.update(offset=offset, limit=limit)
    answer = client.call("DescribeInstances", params)
    return int(answer.get("totalCount") or 0), answer.get("instanceSet") or []


def describe_instances(client, filters=None, page_size=MAX_PAGE_SIZE):
    """Every record matching ``filters`` (DescribeInstances parameter names), page after page.

    Records are de-duplicated by ID: the listing is newest first, so an
    instance created while we page shifts the later pages by one.
    """
    filters = filters or {}
    seen = set()
    records = []
    offset = 0
    while True:
        total, page = describe_page(client, filters, offset, page_size)
        for record in page:
            if record.get("unInstanceId") not in seen:
                seen.add(record.get("unInstanceId"))
                records.append(record)
        offset += len(page)
        if not page or offset >= total:
            return records


# RunInstancesHour parameters (spec 3.1) as (module option, API name) pairs, in the doc's order.
RUN_INSTANCES_HOUR_PARAMETERS = (
    ("zone_id", "zoneId"),
    ("cpu", "cpu"),
    ("mem", "mem"),
    ("image_id", "imageId"),
    ("storage_size", "storageSize"),
    ("instance_type", "instanceType"),
    ("image_type", "imageType"),
    ("bandwidth_type", "bandwidthType"),
    ("bandwidth", "bandwidth"),
    ("wan_ip", "wanIp"),
    ("vpc_id", "vpcId"),
    ("subnet_id", "subnetId"),
    ("is_vpc_gateway", "isVpcGateway"),
    ("storage_type", "storageType"),
    ("root_size", "rootSize"),
    ("password", "password"),
    ("key_id", "keyId"),
    ("need_security_agent", "needSecurityAgent"),
    ("need_monitor_agent", "needMonitorAgent"),
    ("project_id", "projectId"),
    ("instance_name", "instanceName"),
    ("goods_num", "goodsNum"),
    ("client_token", "clientToken"),
    ("private_ip_addresses", "privateIpAddresses"),
)
# The RunInstancesHour parameters InquiryInstancePriceHour takes (spec 5.2; zoneId and rootSize per the CLI).
# instanceType is not in the quote's documented table, but a family's price and its cpu/mem pairs are its own:
# without it the quote is for CVM.S1, which refuses (or misprices) the pairs of every other family.
PRICE_PARAMETERS = ("cpu", "mem", "imageId", "imageType", "storageSize", "storageType", "bandwidthType", "bandwidth",
                    "goodsNum", "zoneId", "rootSize", "instanceType")
# The name RunInstancesHour gives an instance created without instanceName (spec 3.1): "未命名", unnamed.
UNNAMED_INSTANCE = "\u672a\u547d\u540d"


def run_instances_hour_parameters(options):
    """RunInstancesHour parameters from module options: API names, booleans as 0/1, unset options not sent."""
    params = {}
    for option, name in RUN_INSTANCES_HOUR_PARAMETERS:
        value = options.get(option)
        if value is None or value == []:
            continue
        params[name] = int(value) if isinstance(value, bool) else value
    return params


def price_parameters(params):
    """The InquiryInstancePriceHour parameters for a RunInstancesHour request."""
    return {name: params[name] for name in PRICE_PARAMETERS if name in params}


def instance_disk(record):
    """A record's ``diskInfo`` as one dict (documented as an Array, every example is an object)."""
    disk = record.get("diskInfo")
    if isinstance(disk, list):
        disk = disk[0] if disk else {}
    return disk or {}


def _differs(actual, expected):
    return str(actual) != str(expected)


def configuration_differences(record, params):
    """The RunInstancesHour parameters whose value ``record`` does not have; empty means the same configuration.

    Compared: cpu, mem, imageId (unImgId), projectId, bandwidth, storageSize, storageType (of the data
    disk, when there is one), rootSize (when requested), and, only when the record carries them,
    instanceType, the VPC and subnet (unVpcId/unSubnetId, else whether vpcId/subnetId is non-zero)
    and the private IP (lanIp, when requested). Zone and name are the lookup's job.
    """
    differences = []
    disk = instance_disk(record)
    pairs = [
        ("cpu", record.get("cpu"), params.get("cpu")),
        ("mem", record.get("mem"), params.get("mem")),
        ("imageId", record.get("unImgId"), params.get("imageId")),
        ("projectId", record.get("projectId", 0), params.get("projectId", 0)),
        ("bandwidth", record.get("bandwidth", 0), params.get("bandwidth", 0)),
        ("storageSize", disk.get("storageSize") or 0, params.get("storageSize", 0)),
    ]
    if params.get("storageSize", 0) and "storageType" in disk:
        pairs.append(("storageType", disk["storageType"], params.get("storageType", 1)))
    if "rootSize" in params and "rootSize" in disk:
        pairs.append(("rootSize", disk["rootSize"], params["rootSize"]))
    if "instanceType" in record:
        pairs.append(("instanceType", record["instanceType"], params.get("instanceType", "CVM.S1")))
    for name, string_key, numeric_key in (("vpcId", "unVpcId", "vpcId"), ("subnetId", "unSubnetId", "subnetId")):
        if string_key in record:
            pairs.append((name, record[string_key] or "", params.get(name) or ""))
        elif numeric_key in record:
            pairs.append((name, bool(record[numeric_key]) and str(record[numeric_key]) != "0", bool(params.get(name))))
    if params.get("privateIpAddresses"):
        pairs.append(("privateIpAddresses", record.get("lanIp"), params["privateIpAddresses"][0]))
    for name, actual, expected in pairs:
        if _differs(actual, expected):
            differences.append(name)
    return differences


def instance_status(record):
    try:
        return int(record.get("status"))
    except (TypeError, ValueError):
        return None


def matches_request(record, params):
    """Whether ``record`` is an instance a RunInstancesHour request describes, in any status.

    Same zone, exactly the same name (the API's default name when none is given)
    and the same configuration.
    """
    return (
        not _differs(record.get("zoneId"), params.get("zoneId"))
        and record.get("instanceName") == (params.get("instanceName") or UNNAMED_INSTANCE)
        and not configuration_differences(record, params)
    )


def is_managed_instance(record, params):
    """Whether ``record`` is one of the instances a request manages: it matches and is not given back (returning or returned)."""
    return matches_request(record, params) and instance_status(record) not in STATUS_GONE


def find_matching_instances(client, params):
    """The records of every listed instance a RunInstancesHour request describes, given back or not, in listing order.

    ``searchWord`` is a substring match, so the exact name is compared here.
    """
    filters = {"zoneId": params.get("zoneId"), "searchWord": params.get("instanceName") or UNNAMED_INSTANCE}
    return [record for record in describe_instances(client, filters) if matches_request(record, params)]


def find_managed_instances(client, params):
    """The records of the instances a RunInstancesHour request manages (matching, not given back)."""
    return [record for record in find_matching_instances(client, params) if instance_status(record) not in STATUS_GONE]


def _seen(records, instance_ids):
    """``ins-1 creating, ins-2 not listed yet``: what the last poll saw of each instance."""
    return ", ".join("{0} {1}".format(i, STATUS_NAMES.get(instance_status(records[i]), "maintenance") if i in records else "not listed yet")
                     for i in instance_ids)


class InstanceWaitError(Exception):
    """Instances did not all reach running: one failed or was given back, or the time ran out."""

    def __init__(self, message, records):
        super().__init__(message)
        # The last record seen of each instance, by ID.
        self.records = records


def next_poll_time(elapsed, fast_interval=1.0, fast_until=5.0, factor=1.5, max_interval=60.0):
    """When to poll next, in seconds since the wait began, after a poll at ``elapsed``.

    Every ``fast_interval`` for the first ``fast_until`` seconds, where most
    creates finish, so a quick create is seen within a second; then each poll
    ``factor`` times as late as the one before (never less than
    ``fast_interval``, never more than ``max_interval`` apart), so a slow one
    costs about log1.5 of its duration in polls. The cap of 60 s keeps that
    bound (ceil(log1.5(duration)) + 3 polls) for creates of up to 381 s, past
    the default wait_timeout of 300 s; a cap of 30 s broke it from 183 s on
    (tests/perf/bench_api_economy.py).
    """
    if elapsed < fast_until:
        return elapsed + fast_interval
    return elapsed + min(max(elapsed * (factor - 1), fast_interval), max_interval)


def wait_until_running(client, instance_ids, timeout, clock=time.monotonic, sleep=time.sleep,
                       first_delay=0.5, schedule=next_poll_time, settled=frozenset((STATUS_RUNNING,))):
    """Poll DescribeInstances until every instance of ``instance_ids`` is running; return the records by ID.

    The first poll comes ``first_delay`` seconds in, the next ones at the
    times ``schedule`` gives (counted from the start, so the time the polls
    themselves take does not add up). No sleep goes past the deadline; the
    last poll happens at it. Raises InstanceWaitError when an instance fails
    (status -1 or 1), is given back, or the timeout passes. ``settled`` are
    the statuses that end the wait for an instance; one of the failed or
    given-back statuses in it is accepted instead of raised.
    """
    instance_ids = list(instance_ids)
    records = {}
    pending = list(instance_ids)
    start = clock()
    deadline = start + timeout
    target = first_delay
    while True:
        pause = min(start + target, deadline) - clock()
        if pause > 0:
            sleep(pause)
        for record in describe_instances(client, {"instanceIds": pending}):
            records[record.get("unInstanceId")] = record
        broken = [i for i in instance_ids if instance_status(records.get(i, {})) in (STATUS_FAILED | STATUS_GONE) - settled]
        if broken:
            raise InstanceWaitError("instance(s) will not reach running: {0}".format(_seen(records, broken)), records)
        pending = [i for i in instance_ids if instance_status(records.get(i, {})) not in settled]
        if not pending:
            return records
        if clock() >= deadline:
            raise InstanceWaitError("timed out after {0} seconds waiting for instance(s) to reach running: {1}".format(
                timeout, _seen(records, pending)), records)
        target = schedule(target)
