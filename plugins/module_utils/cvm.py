# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""CVM knowledge shared by the modules and the inventory plugin.

Status codes, the snake_case shape of an instance record, and DescribeInstances
paging. Section numbers refer to ``spec/legacy-cvm-api.md``.
"""

from __future__ import annotations

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
