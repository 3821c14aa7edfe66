# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Regions and zones as API 3.0 names them (api-notes/v3.md 3.7, 5.1; legacy.md 6).

The zone table is the legacy face's (``catalog``): zone 100003 of region
``gz`` is ``ap-guangzhou-3`` (``<region>-<zone id mod 1000>``), ZoneId
``"100003"`` (a string), ZoneName ``广州三区`` (zh-CN, the default) or
``Guangzhou Zone 3`` (en-US).  Only the 3.0 region names are accepted in
``X-TC-Region``; the legacy short codes are not 3.0 regions.
"""

from .. import catalog

# legacy short code -> English city name for en-US ZoneName
ENGLISH = {
    "gz": "Guangzhou",
    "sh": "Shanghai",
    "bj": "Beijing",
    "cd": "Chengdu",
    "cq": "Chongqing",
    "hk": "Hong Kong",
    "shjr": "Shanghai Finance",
    "szjr": "Shenzhen Finance",
    "gzopen": "Guangzhou Open",
    "sg": "Singapore",
    "kr": "Seoul",
    "jp": "Tokyo",
    "th": "Bangkok",
    "in": "Mumbai",
    "usw": "Silicon Valley",
    "use": "Virginia",
    "ca": "Toronto",
    "de": "Frankfurt",
}
LANGUAGES = ("zh-CN", "en-US")

REGION_OF = {long_name: short for short, (long_name, _city) in catalog.REGIONS.items()}


def long_region(short):
    return catalog.REGIONS[short][0]


def zone_name(zone_id):
    """100003 -> ap-guangzhou-3."""
    zone = catalog.ZONES[zone_id]
    return f"{long_region(zone.region)}-{zone_id % 1000}"


ZONE_IDS = {zone_name(zone_id): zone_id for zone_id in catalog.ZONES}


def zone_id(name):
    """ap-guangzhou-3 -> 100003, or None."""
    return ZONE_IDS.get(name)


def region_of_zone(name):
    """ap-guangzhou-3 -> gz (the legacy short code), or None."""
    found = ZONE_IDS.get(name)
    return catalog.ZONES[found].region if found is not None else None


def zones_of(short):
    return [zone_name(zone.zone_id) for zone in catalog.zones_of(short)]


def description(zone_id_value, language):
    zone = catalog.ZONES[zone_id_value]
    if language == "en-US":
        return f"{ENGLISH[zone.region]} Zone {zone_id_value % 1000}"
    return zone.name


def zone_info(zone_id_value, language):
    """A DescribeZones ``ZoneSet`` item."""
    return {"Zone": zone_name(zone_id_value), "ZoneName": description(zone_id_value, language), "ZoneId": str(zone_id_value), "ZoneState": "AVAILABLE"}
