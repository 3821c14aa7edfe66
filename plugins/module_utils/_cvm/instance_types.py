# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Instance families and the naming convention of their types.

Private: may change without notice. The module's ``instance_type`` option
names a family the legacy way (``CVM.S1``); API 3.0 names types
``<FAMILY>.<SIZE><MEMORY>`` (``S1.SMALL2``: 1 vCPU, 2 GB). The convention
holds for the legacy families only (api-notes/v3.md 5.3: 106 of 106 types of
a real listing), so it is used for those only, and only where the API cannot
be asked (the legacy API reports no type name).
"""

from __future__ import annotations

LEGACY_FAMILIES = ("S1", "S2", "I1", "I2", "M1", "M2", "C2")
FAMILY_PREFIX = "CVM."
SIZE_WORDS = {1: "SMALL", 2: "MEDIUM", 4: "LARGE"}

# Disk types: the legacy API's numbers and the 3.0 names (api-notes/v3.md 5.1, 5.5).
DISK_TYPE_NAMES = {1: "LOCAL_BASIC", 2: "CLOUD_BASIC", 3: "LOCAL_SSD", 4: "CLOUD_SSD", 5: "CLOUD_PREMIUM"}
DISK_TYPE_NUMBERS = {name: number for number, name in DISK_TYPE_NAMES.items()}


def family_of_option(instance_type):
    """``CVM.S2`` -> ``S2``."""
    return instance_type[len(FAMILY_PREFIX) :] if instance_type.startswith(FAMILY_PREFIX) else instance_type


def option_of_family(family):
    """``S2`` -> ``CVM.S2``."""
    return FAMILY_PREFIX + family


def size_word(cpu):
    """SMALL, MEDIUM, LARGE, then <n>XLARGE for 4n vCPUs; None for other counts."""
    if cpu in SIZE_WORDS:
        return SIZE_WORDS[cpu]
    if cpu >= 8 and cpu % 4 == 0:
        return "{0}XLARGE".format(cpu // 4)
    return None


def conventional_type_name(family, cpu, memory):
    """``S1.SMALL2`` for a legacy family; None where the convention does not apply."""
    word = size_word(cpu) if family in LEGACY_FAMILIES else None
    if word is None or memory is None:
        return None
    return "{0}.{1}{2}".format(family, word, memory)


def family_of_type(instance_type):
    """``S5.LARGE8`` -> ``S5``; None for a name without a dot."""
    if not instance_type or "." not in instance_type:
        return None
    return instance_type.split(".", 1)[0]
