# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""3.0 prices from the legacy price table (``..prices``), as floats (api-notes/v3.md 3.5).

The rates are the legacy ones, so a configuration priced through both
faces costs the same: per vCPU-hour and GB-hour of the family, per 10
GB-hour of disk (the system disk above its free 20 GB Linux / 50 GB
Windows, every data disk at its own type's rate), bandwidth per Mbps-hour
(BANDWIDTH_POSTPAID_BY_HOUR) or per GB (TRAFFIC_POSTPAID_BY_HOUR).  As the
legacy quote does, the instance and hourly-bandwidth prices cover the
whole ``InstanceCount``; the traffic price is per GB whatever the count.
``UnitPriceDiscount`` equals ``UnitPrice`` (no discounts emulated), except
for SPOTPAID (v3.md 10.3.2, [INF]): ``UnitPrice`` is the pay-as-you-go list
price, ``UnitPriceDiscount`` the spot price of CPU and memory (``spot.price``)
plus the disks at their normal rate, ``Discount`` their ratio in per cent.
``CLOUD_PREMIUM``, which the legacy create cannot order, costs 0.008 per
10 GB-hour ([EMU]).
"""

from decimal import Decimal

from .. import prices

# [EMU] the spot price as a share of the pay-as-you-go CPU + memory price (see spot.py).
SPOT_RATE = Decimal("0.2")

DISK_RATES = {
    "local_basic": prices.DISK_RATES[1],
    "cloud_basic": prices.DISK_RATES[2],
    "local_ssd": prices.DISK_RATES[3],
    "cloud_ssd": prices.DISK_RATES[4],
    "cloud_premium": Decimal("0.008"),
}


def type_hour(family, cpu, mem):
    cpu_rate, mem_rate = prices.FAMILY_RATES[family]
    return cpu_rate * cpu + mem_rate * mem


def spot_price(itype):
    """One instance of ``itype`` per hour on the spot market: ``SPOT_RATE`` of its CPU + memory price, to the cent."""
    return prices._money(type_hour(itype.family, itype.cpu, itype.mem) * SPOT_RATE)  # pylint: disable=protected-access


def disks_hour(spec):
    """One instance's disks, per hour."""
    free_root = 50 if spec.image.windows else 20
    system_type, system_size = spec.system_disk
    disks = DISK_RATES[system_type] * Decimal(max(system_size - free_root, 0)) / 10
    return disks + sum((DISK_RATES[kind] * Decimal(size) / 10 for kind, size in spec.data_disks), Decimal(0))


def instance_hour(spec):
    """All ``spec.count`` instances at the list (pay-as-you-go) price, per hour (``spec``: a ``create.Spec``)."""
    return (type_hour(spec.itype.family, spec.itype.cpu, spec.itype.mem) + disks_hour(spec)) * spec.count


def charged_hour(spec):
    """What the instances cost per hour: the list price, or for spot the spot price of CPU/memory plus disks."""
    if not spec.spot:
        return instance_hour(spec)
    return (spot_price(spec.itype) + disks_hour(spec)) * spec.count


def bandwidth_price(spec):
    """(price, ChargeUnit)."""
    if spec.bandwidth_charge == "by_traffic":
        return (prices.TRAFFIC_PER_GB if spec.bandwidth > 0 else Decimal(0)), "GB"
    return prices.BANDWIDTH_PER_MBPS_HOUR * spec.bandwidth * spec.count, "HOUR"


def first_hour(spec):
    price, unit = bandwidth_price(spec)
    return charged_hour(spec) + (price if unit == "HOUR" else 0)


def item_price(amount, unit):
    value = float(prices._money(amount))  # pylint: disable=protected-access
    return {"UnitPrice": value, "UnitPriceDiscount": value, "ChargeUnit": unit, "Discount": 100.0}


def discounted_price(listed, charged, unit):
    """An ItemPrice whose ``UnitPriceDiscount`` differs from ``UnitPrice`` (spot)."""
    value, discounted = float(prices._money(listed)), float(prices._money(charged))  # pylint: disable=protected-access
    ratio = round(100.0 * discounted / value, 1) if value else 100.0
    return {"UnitPrice": value, "UnitPriceDiscount": discounted, "ChargeUnit": unit, "Discount": ratio}


def quote(spec):
    bandwidth, unit = bandwidth_price(spec)
    instance = discounted_price(instance_hour(spec), charged_hour(spec), "HOUR") if spec.spot else item_price(instance_hour(spec), "HOUR")
    return {"InstancePrice": instance, "BandwidthPrice": item_price(bandwidth, unit)}
