# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Legacy region short codes and their current (``ap-*``) names.

The legacy API documents short codes (``gz``, ``sh``, ...). Whether it also takes
the current names is unknown (spec 6.1), so the collection accepts both from the
user and always sends the short code. The pairing comes from matching city
names across the two generations of Tencent's docs (spec 6.1, [INF]); to change
it, change this table only.
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


def legacy_region(region):
    """The legacy short code for ``region`` (either form), or None when it is not a known region."""
    name = region.strip().lower()
    if name in LEGACY_TO_CURRENT:
        return name
    return CURRENT_TO_LEGACY.get(name)
