# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The 3.0 instance-type table (api-notes/v3.md 3.6, 5.3).

Built from the legacy family table (legacy.md 3.4, ``catalog.FAMILIES``):
every (family, cpu, mem) pair is one type named ``<FAMILY>.<SIZE><MEM>``
with SMALL = 1 vCPU, MEDIUM = 2, LARGE = 4, ``<n>XLARGE`` = 4n (v3.md 5.3):
``CVM.S1`` 1 vCPU / 2 GB is ``S1.SMALL2``, ``CVM.M2`` 56 / 448 is
``M2.14XLARGE448``.  The same table answers DescribeZoneInstanceConfigInfos,
DescribeInstanceTypeConfigs and RunInstances' InstanceType checks, and
renders ``Instance.InstanceType`` of instances made through either face.

Availability per zone ([EMU]; the real one changes daily): every type is
offered (``SELL``) in every zone of every region with zones, except

* ``NOT_SOLD``: the discontinued high-IO families I1 and I2 (v3.md 5.3)
  are not offered at all in ap-guangzhou-6 and ap-guangzhou-7 -- absent
  from both catalogue actions there, RunInstances answers
  ``ResourceUnavailable.InstanceType``;
* ``SOLD_OUT``: listed with ``Status: SOLD_OUT`` (``StatusCategory:
  WithoutStock``); RunInstances answers ``ResourcesSoldOut.SpecifiedInstanceType``.
"""

import re

from .. import catalog

SIZE_WORDS = {1: "SMALL", 2: "MEDIUM", 4: "LARGE"}
# short family -> (zh-CN TypeName, en-US TypeName)
TYPE_NAMES = {
    "S1": ("标准型S1", "Standard S1"),
    "S2": ("标准型S2", "Standard S2"),
    "I1": ("高IO型I1", "High IO I1"),
    "I2": ("高IO型I2", "High IO I2"),
    "M1": ("内存型M1", "Memory Optimized M1"),
    "M2": ("内存型M2", "Memory Optimized M2"),
    "C2": ("计算型C2", "Compute C2"),
}
NOT_SOLD = {("I1", "ap-guangzhou-6"), ("I1", "ap-guangzhou-7"), ("I2", "ap-guangzhou-6"), ("I2", "ap-guangzhou-7")}
SOLD_OUT = {("S2.SMALL1", "ap-guangzhou-6"), ("M1.SMALL8", "ap-guangzhou-7")}
WELL_FORMED = re.compile(r"[A-Z][A-Za-z0-9]*\.[0-9]*[A-Z]+[0-9]+")


def short_family(family):
    """CVM.S1 -> S1."""
    return family.split(".", 1)[1]


def type_name(family, cpu, mem):
    size = SIZE_WORDS.get(cpu) or (f"{cpu // 4}XLARGE" if cpu % 4 == 0 else f"{cpu}CORE")
    return f"{short_family(family)}.{size}{mem}"


class InstanceType:
    __slots__ = ("name", "family", "cpu", "mem")

    def __init__(self, name, family, cpu, mem):
        self.name = name
        self.family = family  # legacy form, CVM.S1
        self.cpu = cpu
        self.mem = mem

    @property
    def short_family(self):
        return short_family(self.family)


TYPES = {}
for _family, _pairs in catalog.FAMILIES.items():
    for _cpu, _mem in sorted(_pairs):
        _name = type_name(_family, _cpu, _mem)
        TYPES[_name] = InstanceType(_name, _family, _cpu, _mem)
FAMILIES = sorted({item.short_family for item in TYPES.values()})


def status(item, zone):
    """``SELL``, ``SOLD_OUT``, or None when the zone does not offer the type at all."""
    if (item.short_family, zone) in NOT_SOLD:
        return None
    return "SOLD_OUT" if (item.name, zone) in SOLD_OUT else "SELL"


def offered(zones):
    """(zone, InstanceType, status) for every type offered in ``zones``, zone by zone, table order."""
    return [(zone, item, state) for zone in zones for item in TYPES.values() for state in (status(item, zone),) if state is not None]
