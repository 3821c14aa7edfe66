# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Regions and zones in both spellings.

Private: may change without notice. Users may write a region either way
(``gz`` or ``ap-guangzhou``); the collection's model always uses the API 3.0
name. The legacy short codes pair with the 3.0 names by city
(api-notes/legacy.md 6.1, an inference: no Tencent page states the pairing),
and a numeric zone ID names its 3.0 zone by the static rule of
api-notes/v3.md 5.1 (region from the ID's leading digits, zone number = ID mod
1000). To change a pairing, change these tables only.
"""

from __future__ import annotations

LEGACY_TO_CURRENT = {
    "gz": "ap-guangzhou",
    "sh": "ap-shanghai",
    "bj": "ap-beijing",
    "cd": "ap-chengdu",
    "cq": "ap-chongqing",
    "hk": "ap-hongkong",
    "shjr": "ap-shanghai-fsi",
    "szjr": "ap-shenzhen-fsi",
    "gzopen": "ap-guangzhou-open",
    "sg": "ap-singapore",
    "kr": "ap-seoul",
    "jp": "ap-tokyo",
    "th": "ap-bangkok",
    "in": "ap-mumbai",
    "usw": "na-siliconvalley",
    "use": "na-ashburn",
    "ca": "na-toronto",
    "de": "eu-frankfurt",
}
CURRENT_TO_LEGACY = {current: legacy for legacy, current in LEGACY_TO_CURRENT.items()}

# Regions that API 3.0 serves but the legacy tables have no short code for.
CURRENT_ONLY = frozenset(("ap-nanjing", "ap-jakarta", "sa-saopaulo"))

# A zone ID is its region's number times 10000 plus the zone's number
# (api-notes/legacy.md 6.2); these are the region numbers of the documented zones.
ZONE_PREFIX_REGIONS = {
    10: "ap-guangzhou",
    11: "ap-shenzhen-fsi",
    12: "ap-guangzhou-open",
    15: "na-siliconvalley",
    16: "ap-chengdu",
    17: "eu-frankfurt",
    18: "ap-seoul",
    19: "ap-chongqing",
    20: "ap-shanghai",
    30: "ap-hongkong",
    33: "ap-nanjing",
    40: "na-toronto",
    70: "ap-shanghai-fsi",
    80: "ap-beijing",
    90: "ap-singapore",
}
REGION_ZONE_PREFIXES = {region: prefix for prefix, region in ZONE_PREFIX_REGIONS.items()}


def region_name(region):
    """The API 3.0 name of ``region`` (either spelling, any case), or None when it is not a known region."""
    name = str(region).strip().lower()
    if name in CURRENT_TO_LEGACY or name in CURRENT_ONLY:
        return name
    return LEGACY_TO_CURRENT.get(name)


def legacy_code(region):
    """The legacy short code of a region (either spelling), or None when the legacy API has none."""
    return CURRENT_TO_LEGACY.get(region_name(region) or "")


def known_region_names():
    return sorted(set(LEGACY_TO_CURRENT) | set(CURRENT_TO_LEGACY) | CURRENT_ONLY)


def zone_region(zone_id):
    """The region (3.0 name) a numeric zone ID belongs to, or None when its prefix is not documented."""
    try:
        return ZONE_PREFIX_REGIONS.get(int(zone_id) // 10000)
    except (TypeError, ValueError):
        return None


def zone_name(zone_id):
    """The 3.0 zone name of a numeric zone ID by the static rule (100003 -> ap-guangzhou-3), or None."""
    region = zone_region(zone_id)
    if region is None:
        return None
    return "{0}-{1}".format(region, int(zone_id) % 1000)


def zone_id_of(name):
    """The numeric zone ID of a 3.0 zone name by the static rule (ap-guangzhou-3 -> 100003), or None."""
    region, _dash, number = str(name).rpartition("-")
    if region not in REGION_ZONE_PREFIXES or not number.isdigit():
        return None
    return REGION_ZONE_PREFIXES[region] * 10000 + int(number)
