# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Regions, zones and instance families (api-notes/legacy.md sections 3.4, 6.1, 6.2).

Images, VPCs and prices have their own modules (``images``, ``vpcs``,
``prices``).
"""

_NUMERALS = "零一二三四五六七八九"

# legacy short code -> (3.0 name, Chinese city name used in zoneName)
REGIONS = {
    "gz": ("ap-guangzhou", "广州"),
    "sh": ("ap-shanghai", "上海"),
    "bj": ("ap-beijing", "北京"),
    "cd": ("ap-chengdu", "成都"),
    "cq": ("ap-chongqing", "重庆"),
    "hk": ("ap-hongkong", "香港"),
    "shjr": ("ap-shanghai-fsi", "上海金融"),
    "szjr": ("ap-shenzhen-fsi", "深圳金融"),
    "gzopen": ("ap-guangzhou-open", "广州Open"),
    "sg": ("ap-singapore", "新加坡"),
    "kr": ("ap-seoul", "首尔"),
    "jp": ("ap-tokyo", "东京"),
    "th": ("ap-bangkok", "曼谷"),
    "in": ("ap-mumbai", "孟买"),
    "usw": ("na-siliconvalley", "硅谷"),
    "use": ("na-ashburn", "弗吉尼亚"),
    "ca": ("na-toronto", "多伦多"),
    "de": ("eu-frankfurt", "法兰克福"),
}

_LONG_NAMES = {long_name: short for short, (long_name, _city) in REGIONS.items()}

# Region -> zone ids, in the order of api-notes/legacy.md section 6.2.  Regions whose zone ids
# are unknown (jp, th, in, use) are accepted but have no zone, so every
# RunInstancesHour there fails with InvaildZoneId.
_ZONE_IDS = {
    "gz": (100001, 100002, 100003, 100004, 100006, 100007),
    "gzopen": (120001,),
    "sh": (200001, 200002, 200003, 200004, 200005, 200007, 200008),
    "shjr": (700001, 700002, 700003),
    "szjr": (110001, 110002, 110003),
    "bj": (800001, 800002, 800003, 800004, 800005, 800006, 800007),
    "cd": (160001, 160002),
    "cq": (190001,),
    "hk": (300001,),
    "ca": (400001,),
    "sg": (900001,),
    "usw": (150001,),
    "de": (170001,),
    "kr": (180001,),
}


class Zone:
    __slots__ = ("zone_id", "region", "name", "pool_octet")

    def __init__(self, zone_id, region, name, pool_octet):
        self.zone_id = zone_id
        self.region = region
        self.name = name
        # Basic-network private IPs come from 10.<pool_octet>.0.0/16, one /16 per zone.
        self.pool_octet = pool_octet


def _build_zones():
    zones = {}
    octet = 0
    for region, ids in _ZONE_IDS.items():
        city = REGIONS[region][1]
        for zone_id in ids:
            octet += 1
            number = zone_id % 100
            zones[zone_id] = Zone(zone_id, region, f"{city}{_NUMERALS[number]}区", octet)
    return zones


ZONES = _build_zones()


def normalise_region(value):
    """Short code for a legacy code or an ``ap-*``/3.0 name, else None."""
    if value in REGIONS:
        return value
    return _LONG_NAMES.get(value)


def zones_of(region):
    return [ZONES[zone_id] for zone_id in _ZONE_IDS.get(region, ())]


def _pairs(text):
    return frozenset(tuple(int(part) for part in pair.split(":")) for pair in text.split())


# instanceType -> allowed (cpu, mem) pairs, api-notes/legacy.md section 3.4.
FAMILIES = {
    "CVM.S1": _pairs("1:1 1:2 1:4 2:2 2:4 2:8 2:12 4:4 4:8 4:16 8:8 8:16 8:20 8:32 12:16 12:24 12:48 16:16 16:32 16:48 16:64 24:48 32:64 48:96"),
    "CVM.S2": _pairs("1:1 1:2 1:4 2:2 2:4 2:8 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:48 16:64 24:48 24:96 32:64 32:128 56:224"),
    "CVM.I1": _pairs("2:4 2:8 2:16 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:64 24:48 24:96 32:64 32:128 48:192"),
    "CVM.I2": _pairs("2:4 2:8 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:64 24:48 24:96 32:64 32:128 56:224"),
    "CVM.M1": _pairs("1:8 2:16 4:32 8:64 12:96 16:128 24:192 32:256 48:368"),
    "CVM.M2": _pairs("1:8 2:16 4:32 8:64 12:96 16:128 24:192 32:256 48:384 56:448"),
    "CVM.C2": _pairs("4:8 4:16 4:32 8:16 8:32 16:32 16:60 16:64 32:64 32:96"),
}
DEFAULT_FAMILY = "CVM.S1"
