# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Neutral specs and filters as legacy request parameters (api-notes/legacy.md 3.1, 4.1, 5.2).

Private: may change without notice.
"""

from __future__ import annotations

import itertools

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import MAX_PAGE_SIZE
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import DISK_TYPE_NUMBERS, option_of_family
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import CODES_BY_STATUS

# The RunInstancesHour parameters InquiryInstancePriceHour takes (5.2; zoneId and rootSize per the CLI).
# instanceType is not in the quote's documented table, but a family's price and its cpu/mem pairs are its own:
# without it the quote is for CVM.S1, which refuses (or misprices) the pairs of every other family.
PRICE_PARAMETERS = (
    "cpu",
    "mem",
    "imageId",
    "imageType",
    "storageSize",
    "storageType",
    "bandwidthType",
    "bandwidth",
    "goodsNum",
    "zoneId",
    "rootSize",
    "instanceType",
)

# No more request streams than this per region: past it, the filter with the
# most values is applied in code only (every instance is checked in code anyway).
MAX_STREAMS_PER_REGION = 64


def _flag(value):
    return None if value is None else int(bool(value))


def run_instances_hour_parameters(spec, count, client_token=None):
    """RunInstancesHour parameters for ``count`` instances of ``spec`` (3.1); None means "not sent"."""
    return {
        "zoneId": spec.zone_id,
        "cpu": spec.cpu,
        "mem": spec.memory,
        "imageId": spec.image_id,
        # Marked required with a default of 0: always sent (3.1).
        "storageSize": spec.data_disk_size,
        "instanceType": option_of_family(spec.instance_family),
        "imageType": spec.image_type,
        "bandwidthType": spec.bandwidth_type,
        "bandwidth": spec.bandwidth,
        "wanIp": _flag(spec.public_ip),
        "vpcId": spec.vpc_id,
        "subnetId": spec.subnet_id,
        "isVpcGateway": _flag(spec.vpc_gateway),
        "storageType": DISK_TYPE_NUMBERS[spec.disk_type],
        "rootSize": spec.system_disk_size,
        "password": spec.password,
        "keyId": spec.key_id,
        "needSecurityAgent": _flag(spec.security_agent),
        "needMonitorAgent": _flag(spec.monitor_agent),
        "projectId": spec.project_id,
        "instanceName": spec.instance_name,
        "goodsNum": count,
        "clientToken": client_token,
        "privateIpAddresses": [spec.private_ip] if spec.private_ip else None,
    }


def price_parameters(spec, count):
    """The InquiryInstancePriceHour parameters for a create (5.2)."""
    params = run_instances_hour_parameters(spec, count)
    return {name: params[name] for name in PRICE_PARAMETERS if params.get(name) is not None}


def describe_queries(instance_filter, region):
    """The DescribeInstances parameter sets (without offset/limit) that list ``instance_filter`` in ``region``.

    zoneId, projectId, status and searchWord take one value each (4.1): a
    filter with several values is one stream per value. A stream fetches only
    matching instances, so it costs at most one request more than listing
    everything and saves every page of the others. The product of the
    streams is capped (MAX_STREAMS_PER_REGION) by applying the largest
    filters in code only. An empty list means nothing can match in this region.
    """
    dimensions = []
    zones = instance_filter.zones_in(region)
    if zones is not None:
        if not zones:
            return []
        dimensions.append([{"zoneId": zone} for zone in zones])
    if instance_filter.project_ids:
        dimensions.append([{"projectId": project} for project in instance_filter.project_ids])
    if instance_filter.statuses:
        codes = [CODES_BY_STATUS.get(status) for status in instance_filter.statuses]
        # A status without a single legacy code (operating, maintenance) is checked in code only.
        dimensions.append([{"status": code} for code in codes] if None not in codes else [None])
    names = instance_filter.names_wanted()
    if names is not None:
        if not names:
            return []
        # An exact name is also the best searchWord (a fuzzy, substring match).
        dimensions.append([{"searchWord": name} for name in names])
    elif instance_filter.search_word:
        dimensions.append([{"searchWord": instance_filter.search_word}])
    if instance_filter.instance_ids:
        ids = instance_filter.instance_ids
        dimensions.append([{"instanceIds": ids[start : start + MAX_PAGE_SIZE]} for start in range(0, len(ids), MAX_PAGE_SIZE)])
    dimensions = _cap_streams(dimensions, MAX_STREAMS_PER_REGION)
    streams = []
    for combination in itertools.product(*dimensions):
        params = {}
        for part in combination:
            if part:
                params.update(part)
        streams.append(params)
    return streams


def _product_size(dimensions):
    size = 1
    for values in dimensions:
        size *= len(values)
    return size


def _cap_streams(dimensions, cap):
    dimensions = list(dimensions)
    while _product_size(dimensions) > cap:
        largest = max(range(len(dimensions)), key=lambda index: len(dimensions[index]))
        dimensions[largest] = [None]
    return dimensions
