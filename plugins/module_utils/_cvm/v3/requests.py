# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Neutral specs and filters as API 3.0 request parameters (api-notes/v3.md 3.1, 3.2, 3.5, 5.1).

Private: may change without notice. The legacy options map onto 3.0 as 5.1
says, with the defaults that differ between the APIs sent explicitly: the
system disk size (legacy 20 GB for Linux, 50 for Windows; 3.0 would give 50),
the agents (3.0 keeps a custom image's own), the bandwidth billing (3.0's
default is not stated) and the public IP (legacy: one whenever bandwidth > 0).
"""

from __future__ import annotations

import base64
import itertools

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import MAX_PAGE_SIZE
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.expiry import iso, wanted_expiry
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.records import BANDWIDTH_CHARGE_TYPES, STATES_BY_STATUS

CHARGE_TYPE = "POSTPAID_BY_HOUR"
SPOT_CHARGE_TYPE = "SPOTPAID"
# The tag every instance gets at create, holding the create's client token, so
# that an interrupted create is found again (4.1: instances do not expose the token).
# Tag keys starting with qcloud, tencent or project are reserved (FailedOperation.TagKeyReserved).
CLIENT_TOKEN_TAG = "ansible-cvm-client-token"
# Cloud disks alone may be deleted with the instance; local disks go with it anyway (3.1.1).
CLOUD_DISK_PREFIX = "CLOUD_"
# Filters take at most 5 values each, at most 10 filters (3.2).
MAX_FILTER_VALUES = 5
MAX_STREAMS_PER_REGION = 64


def encode_user_data(text):
    """UserData is base64 (10.5)."""
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _internet(spec):
    internet = {
        "InternetChargeType": BANDWIDTH_CHARGE_TYPES[spec.bandwidth_type],
        "InternetMaxBandwidthOut": spec.bandwidth,
    }
    # With bandwidth 0 the legacy API silently gave no IP; 3.0 forbids asking for one (5.1).
    if spec.bandwidth > 0:
        internet["PublicIpAssigned"] = True if spec.public_ip is None else bool(spec.public_ip)
    return internet


def _network(spec):
    if not spec.vpc_id:
        return None
    network = {"VpcId": spec.vpc_id, "SubnetId": spec.subnet_id, "AsVpcGateway": bool(spec.vpc_gateway)}
    if spec.private_ip:
        network["PrivateIpAddresses"] = [spec.private_ip]
    return network


def _login(spec):
    if spec.password:
        return {"Password": spec.password}
    if spec.key_id:
        return {"KeyIds": [spec.key_id]}
    return None


def _data_disks(spec):
    if not spec.data_disk_size:
        return None
    disk = {"DiskType": spec.disk_type, "DiskSize": spec.data_disk_size}
    if spec.disk_type.startswith(CLOUD_DISK_PREFIX):
        disk["DeleteWithInstance"] = True
    return [disk]


def _tags(spec, client_token):
    tags = [{"Key": key, "Value": value} for key, value in sorted((spec.tags or {}).items())]
    if client_token:
        tags.append({"Key": CLIENT_TOKEN_TAG, "Value": client_token})
    return [{"ResourceType": "instance", "Tags": tags}] if tags else None


def charge_type(spec):
    return SPOT_CHARGE_TYPE if spec.market == "spot" else CHARGE_TYPE


def _decimal(price):
    """A price as the decimal string MaxPrice takes (10.3.1), without float noise or a lost digit."""
    return "{0:.8f}".format(float(price)).rstrip("0").rstrip(".")


def _market(spec):
    """InstanceMarketOptions of a spot create (10.3.1); without a price the bid is the current spot price."""
    if spec.market != "spot" or spec.spot_max_price is None:
        return None
    return {"MarketType": "spot", "SpotOptions": {"MaxPrice": _decimal(spec.spot_max_price), "SpotInstanceType": "one-time"}}


def _timer(spec, now):
    """ActionTimer (10.1.1): the expiry of the instances about to be bought."""
    moment = wanted_expiry(spec, now=now)
    if moment is None:
        return None
    return {"TimerAction": "TerminateInstances", "ActionTime": iso(moment)}


def run_instances_parameters(spec, count, zone, instance_type, system_disk_size, client_token=None, dry_run=False, now=None):
    """RunInstances parameters for ``count`` instances of ``spec`` (5.1); None means "not sent"."""
    params = {
        "InstanceChargeType": charge_type(spec),
        "InstanceMarketOptions": _market(spec),
        "Placement": {"Zone": zone, "ProjectId": spec.project_id},
        "InstanceType": instance_type,
        "ImageId": spec.image_id,
        "SystemDisk": {"DiskType": spec.disk_type, "DiskSize": system_disk_size},
        "DataDisks": _data_disks(spec),
        "VirtualPrivateCloud": _network(spec),
        "InternetAccessible": _internet(spec),
        "InstanceCount": count,
        "InstanceName": spec.instance_name,
        "LoginSettings": _login(spec),
        "SecurityGroupIds": list(spec.security_group_ids) if spec.security_group_ids else None,
        "EnhancedService": {"SecurityService": {"Enabled": bool(spec.security_agent)}, "MonitorService": {"Enabled": bool(spec.monitor_agent)}},
        "ClientToken": client_token,
        "TagSpecification": _tags(spec, client_token),
        "ActionTimer": _timer(spec, now),
        "UserData": encode_user_data(spec.user_data) if spec.user_data is not None else None,
        "DisableApiTermination": spec.termination_protection,
    }
    if dry_run:
        params["DryRun"] = True
    return params


def price_parameters(spec, count, zone, instance_type, system_disk_size):
    """InquiryPriceRunInstances takes the same structures, without the token, the tags and the password (3.5)."""
    params = run_instances_parameters(spec, count, zone, instance_type, system_disk_size)
    for name in ("ClientToken", "TagSpecification", "LoginSettings", "ActionTimer", "UserData", "DisableApiTermination"):
        params.pop(name, None)
    return params


def _chunks(values, size):
    values = list(values)
    return [values[start : start + size] for start in range(0, len(values), size)]


def describe_queries(instance_filter, region, zone_name):
    """DescribeInstances parameter sets (without Offset/Limit) for ``instance_filter`` in ``region`` (3.2).

    Filters take up to 5 values each and AND together; InstanceIds cannot be
    combined with Filters. Values beyond 5 become more streams; what no
    filter can say (the search word, states without a 3.0 name) is checked
    in code only. ``zone_name`` gives the 3.0 name of a numeric zone ID.
    """
    dimensions = []
    zones = instance_filter.zones_in(region)
    if zones is not None:
        if not zones:
            return []
        names = [zone_name(zone) for zone in zones]
        dimensions.append([("zone", chunk) for chunk in _chunks(names, MAX_FILTER_VALUES)])
    if instance_filter.project_ids:
        dimensions.append([("project-id", [str(p) for p in chunk]) for chunk in _chunks(instance_filter.project_ids, MAX_FILTER_VALUES)])
    if instance_filter.statuses:
        states = [STATES_BY_STATUS.get(status) for status in instance_filter.statuses]
        if None not in states:
            dimensions.append([("instance-state", chunk) for chunk in _chunks(states, MAX_FILTER_VALUES)])
    names = instance_filter.names_wanted()
    if names is not None:
        if not names:
            return []
        dimensions.append([("instance-name", chunk) for chunk in _chunks(names, MAX_FILTER_VALUES)])
    ids = instance_filter.instance_ids
    if ids and not dimensions:
        return [{"InstanceIds": chunk} for chunk in _chunks(ids, MAX_PAGE_SIZE)]
    if ids:
        dimensions.append([("instance-id", chunk) for chunk in _chunks(ids, MAX_FILTER_VALUES)])
    while _product_size(dimensions) > MAX_STREAMS_PER_REGION:
        largest = max(range(len(dimensions)), key=lambda index: len(dimensions[index]))
        del dimensions[largest]
    streams = []
    for combination in itertools.product(*dimensions):
        filters = [{"Name": name, "Values": list(values)} for name, values in combination]
        streams.append({"Filters": filters} if filters else {})
    return streams


def _product_size(dimensions):
    size = 1
    for values in dimensions:
        size *= len(values)
    return size
