# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DescribeZones, DescribeZoneInstanceConfigInfos, DescribeInstanceTypeConfigs, DescribeImages
(api-notes/v3.md 3.6, 3.7, 7 item 14; the tables are ``zones``, ``types``, ``images``, ``..stock``).

DescribeZoneInstanceConfigInfos lists one row per (zone, type, charge type):
POSTPAID_BY_HOUR rows without an ``instance-charge-type`` filter (as
before), the rows of each listed charge type with one -- ``SPOTPAID`` rows
for the same types where spot is sold (not in the financial regions), with
the spot stock's ``Status`` and a ``Price`` whose ``UnitPriceDiscount`` is
the spot price (``spot.py``); other charge types match nothing.  ``Status``,
``StatusCategory`` and ``SoldOutReason`` come from the stock (v3.md 10.4.1):
``SELL``/``EnoughStock``/``""``, ``SELL``/``UnderStock`` (a count is kept),
``SOLD_OUT``/``WithoutStock``/the reason.
"""

import re

from .. import catalog, stock
from ..images import IMAGES
from . import checks, images, pricing, types, zones
from .errors import V3Error
from .schema import FILTERS, IDS, INT, STR, Struct

IMAGE_ID = re.compile(r"img-[a-z0-9]{8}")
CONFIG_FILTERS = ("zone", "instance-family", "instance-type", "instance-charge-type", "sort-keys")
TYPE_FILTERS = ("zone", "instance-family", "instance-type")
IMAGE_FILTERS = ("image-id", "image-type", "image-name", "platform", "tag-key", "tag-value", "dedicated-cluster-id", "cdc-cache-status")
SORT_KEYS = {"cpu": lambda item: item[1].cpu, "mem": lambda item: item[1].mem}


def _zone_filter(values, region):
    for value in values:
        if zones.zone_id(value) is None or catalog.ZONES[zones.zone_id(value)].region != region:
            raise V3Error("InvalidZone.MismatchRegion", f"zone {value!r} is not a zone of this region")
    return set(values)


def _selected(ctx, given):
    """(zone, InstanceType, status) rows of the region matching zone / instance-family / instance-type."""
    wanted = dict(given)
    region_zones = zones.zones_of(ctx.region)
    if "zone" in wanted:
        allowed = _zone_filter(wanted["zone"], ctx.region)
        region_zones = [zone for zone in region_zones if zone in allowed]
    rows = types.offered(region_zones)
    if "instance-family" in wanted:
        rows = [row for row in rows if row[1].short_family in wanted["instance-family"]]
    if "instance-type" in wanted:
        for value in wanted["instance-type"]:
            if not types.WELL_FORMED.fullmatch(value):
                raise V3Error("InvalidInstanceType.Malformed", f"instance-type {value!r} is malformed (e.g. S1.SMALL2)")
        rows = [row for row in rows if row[1].name in wanted["instance-type"]]
    return rows


class CatalogActions:
    def __init__(self, stock_table):
        self.stock = stock_table

    def handlers(self):
        return {
            "DescribeZones": (Struct(), self.describe_zones),
            "DescribeZoneInstanceConfigInfos": (Struct(Filters=FILTERS), self.describe_zone_instance_config_infos),
            "DescribeInstanceTypeConfigs": (Struct(Filters=FILTERS), self.describe_instance_type_configs),
            "DescribeImages": (Struct(ImageIds=IDS, Filters=FILTERS, Offset=INT, Limit=INT, InstanceType=STR), self.describe_images),
        }

    def describe_zones(self, ctx, _params):
        found = [zones.zone_info(zone.zone_id, ctx.language) for zone in catalog.zones_of(ctx.region)]
        return {"TotalCount": len(found), "ZoneSet": found}

    def describe_zone_instance_config_infos(self, ctx, params):
        given = checks.filters(params, CONFIG_FILTERS.__contains__, max_values=100)
        offered = _selected(ctx, given)
        wanted = dict(given)
        charges = [charge for charge in stock.CHARGE_TYPES if charge in wanted.get("instance-charge-type", [stock.POSTPAID])]
        rows = []
        for charge in charges:
            for zone, item, _status in offered:
                row = self.stock.row(item, zone, charge)
                if row is not None:
                    rows.append((zone, item, charge, row))
        for key in reversed(wanted.get("sort-keys", [])):
            field, _colon, direction = key.partition(":")
            if field not in SORT_KEYS or direction not in ("asc", "desc"):
                raise V3Error("InvalidParameterValue", f"sort-keys value {key!r} must be cpu|mem:asc|desc")
            rows = sorted(rows, key=SORT_KEYS[field], reverse=direction == "desc")
        english = ctx.language == "en-US"
        return {"InstanceTypeQuotaSet": [self._quota_item(zone, item, charge, row, english) for zone, item, charge, row in rows]}

    @staticmethod
    def _quota_item(zone, item, charge, row, english):
        hour = pricing.type_hour(item.family, item.cpu, item.mem)
        price = pricing.discounted_price(hour, pricing.spot_price(item), "HOUR") if charge == stock.SPOTPAID else pricing.item_price(hour, "HOUR")
        return {
            "Zone": zone,
            "InstanceType": item.name,
            "InstanceChargeType": charge,
            "NetworkCard": 0,
            "Externals": {},
            "Cpu": item.cpu,
            "Memory": item.mem,
            "InstanceFamily": item.short_family,
            "TypeName": types.TYPE_NAMES[item.short_family][1 if english else 0],
            "LocalDiskTypeList": [],
            "Status": row.status,
            "Price": price,
            "SoldOutReason": row.reason if row.status == stock.SOLD_OUT else "",
            "InstanceBandwidth": 1.5,
            "InstancePps": 30,
            "StorageBlockAmount": 0,
            "CpuType": "Intel Xeon",
            "Gpu": 0,
            "Fpga": 0,
            "Remark": "",
            "GpuCount": 0.0,
            "Frequency": "",
            "StatusCategory": row.category,
        }

    def describe_instance_type_configs(self, ctx, params):
        given = checks.filters(params, TYPE_FILTERS.__contains__, max_values=1)
        rows = _selected(ctx, given)
        return {
            "InstanceTypeConfigSet": [
                {
                    "Zone": zone,
                    "InstanceType": item.name,
                    "InstanceFamily": item.short_family,
                    "GPU": 0,
                    "CPU": item.cpu,
                    "Memory": item.mem,
                    "FPGA": 0,
                    "GpuCount": 0.0,
                    "GpuType": "",
                    "GpuMemory": 0.0,
                }
                for zone, item, _status in rows
            ]
        }

    def describe_images(self, ctx, params):
        ids = params.get("ImageIds") or []
        if ids and params.get("Filters"):
            raise V3Error("InvalidParameter.InvalidParameterCoexistImageIdsFilters", "ImageIds and Filters cannot be given together")
        if len(ids) > 100:
            raise V3Error("InvalidParameterValue.LimitExceeded", f"ImageIds accepts at most 100 ids, got {len(ids)}")
        for image_id in ids:
            if not IMAGE_ID.fullmatch(image_id):
                raise V3Error("InvalidImageId.Malformed", f"image id {image_id!r} is malformed (img-xxxxxxxx)")
        offset, limit = checks.page(params)
        given = checks.filters(params, IMAGE_FILTERS.__contains__)
        items = [images.image_item(image) for image in IMAGES.values() if not ids or image.image_id in ids]
        for name, values in given:
            items = [item for item in items if _image_matches(item, name, values)]
        return {"TotalCount": len(items), "ImageSet": items[offset : offset + limit]}


def _image_matches(item, name, values):
    if name == "image-id":
        return item["ImageId"] in values
    if name == "image-type":
        return item["ImageType"] in values
    if name == "image-name":
        return any(value.casefold() in item["ImageName"].casefold() for value in values)
    if name == "platform":
        return any(value.casefold() in item["Platform"].casefold() for value in values)
    return False  # tags, CDC: no emulated image has any
