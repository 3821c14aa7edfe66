# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's price table, CNY ([EMU]: made-up but plausible numbers).

Hourly instance price = cpu * per-vCPU-hour + mem * per-GB-hour of the family
+ data disk (per started 10 GB-hour by storageType) + the part of the system
disk above the free allowance (20 GB Linux/BSD, 50 GB Windows) at the same
disk rate; times goodsNum.  Bandwidth: PayByHour is per Mbps-hour (times
goodsNum), PayByTraffic is per GB of traffic (unit "GB", not scaled).
"""

from decimal import ROUND_HALF_UP, Decimal

# instanceType -> (per vCPU-hour, per GB-hour)
FAMILY_RATES = {
    "CVM.S1": (Decimal("0.10"), Decimal("0.05")),
    "CVM.S2": (Decimal("0.11"), Decimal("0.05")),
    "CVM.I1": (Decimal("0.14"), Decimal("0.06")),
    "CVM.I2": (Decimal("0.15"), Decimal("0.06")),
    "CVM.M1": (Decimal("0.10"), Decimal("0.06")),
    "CVM.M2": (Decimal("0.11"), Decimal("0.06")),
    "CVM.C2": (Decimal("0.16"), Decimal("0.07")),
}

# storageType -> per 10 GB-hour
DISK_RATES = {
    1: Decimal("0.004"),
    2: Decimal("0.005"),
    3: Decimal("0.010"),
    4: Decimal("0.014"),
}

BANDWIDTH_PER_MBPS_HOUR = Decimal("0.063")
TRAFFIC_PER_GB = Decimal("0.80")

CENT = Decimal("0.01")


def _money(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def instance_hour(req):
    """Hourly price of all ``goodsNum`` instances of a validated request."""
    cpu_rate, mem_rate = FAMILY_RATES[req.instance_type]
    disk_rate = DISK_RATES[req.storage_type]
    free_root = 50 if req.image.windows else 20
    disk_units = Decimal(req.storage_size + max(req.root_size - free_root, 0)) / 10
    one = cpu_rate * req.cpu + mem_rate * req.mem + disk_rate * disk_units
    return one * req.goods_num


def bandwidth_price(req):
    """(price, unit): per hour for PayByHour, per GB for PayByTraffic."""
    if req.bandwidth_type == "PayByTraffic":
        return (TRAFFIC_PER_GB if req.bandwidth > 0 else Decimal(0)), "GB"
    return BANDWIDTH_PER_MBPS_HOUR * req.bandwidth * req.goods_num, "HOUR"


def first_hour(req):
    """What the balance check compares: instances plus hourly bandwidth."""
    total = instance_hour(req)
    price, unit = bandwidth_price(req)
    if unit == "HOUR":
        total += price
    return total


def quote(req):
    bandwidth, unit = bandwidth_price(req)
    return {
        "cvm": {"price": str(_money(instance_hour(req))), "price_unit": "HOUR"},
        "bandwidth": {"price": str(_money(bandwidth)), "price_unit": unit},
    }
