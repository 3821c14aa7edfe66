# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Spot instances (``InstanceChargeType=SPOTPAID``, api-notes/v3.md 10.3, 10.7 item 5).

The spot price ([EMU]; Tencent's is a market price, 3-20 % of pay-as-you-go
[DOC S21]) is **20 % (``pricing.SPOT_RATE``) of the type's POSTPAID_BY_HOUR price** (cpu x
per-vCPU-hour + memory x per-GB-hour of the family, ``pricing.type_hour``),
rounded half up to 0.01 CNY like every quote: S1.SMALL1 0.15 -> 0.03,
S1.SMALL2 0.20 -> 0.04, S2.MEDIUM4 0.42 -> 0.08.  It applies to CPU and
memory only; disks and bandwidth cost their normal prices.  One price for
every zone, constant in time.

``InstanceMarketOptions`` (optional; only with SPOTPAID, else
``InvalidParameterCombination``): ``MarketType`` ``spot`` if given,
``SpotOptions`` required inside it with ``MaxPrice`` (a decimal string,
e.g. ``"0.05"``, per instance-hour) and ``SpotInstanceType`` ``one-time``
if given -- exact, lower case (anything else ``InvalidParameterValue``).
A ``MaxPrice`` below the spot price -> ``InvalidParameterValue.InsufficientPrice``;
without ``InstanceMarketOptions`` the bid is the spot price.  Billing is at
the spot price, not the bid.

Not sold in the financial regions ``ap-shanghai-fsi`` and
``ap-shenzhen-fsi`` (``UnsupportedOperation.SpotUnsupportedRegion``; no
SPOTPAID rows in DescribeZoneInstanceConfigInfos there).  Quota: 50 vCPU
of live spot instances (not terminating, terminated or failed) per zone
[DOC S21] -> ``LimitExceeded.UserSpotQuota``.
"""

import re

from decimal import Decimal

from .. import states
from . import pricing
from .errors import V3Error, combination, invalid_value

QUOTA_VCPU = 50
UNSUPPORTED_REGIONS = frozenset(("shjr", "szjr"))
MARKET_TYPES = ("spot",)
SPOT_INSTANCE_TYPES = ("one-time",)
PRICE = re.compile(r"[0-9]+(\.[0-9]+)?")
_NOT_COUNTED = frozenset((states.RETURNING, states.RETURNED, states.LAUNCH_FAILED))


price = pricing.spot_price


def market_options(params, spot):
    """Checked ``InstanceMarketOptions``: (MaxPrice text or None, SpotInstanceType)."""
    options = params.get("InstanceMarketOptions")
    if options is None:
        return None, SPOT_INSTANCE_TYPES[0]
    if not spot:
        raise combination("InstanceMarketOptions goes with InstanceChargeType SPOTPAID only")
    market = options.get("MarketType")
    if market is not None and market not in MARKET_TYPES:
        raise invalid_value(f"InstanceMarketOptions.MarketType must be spot, got {market!r}")
    spot_options = options["SpotOptions"]
    kind = spot_options.get("SpotInstanceType")
    if kind is not None and kind not in SPOT_INSTANCE_TYPES:
        raise invalid_value(f"InstanceMarketOptions.SpotOptions.SpotInstanceType must be one-time, got {kind!r}")
    max_price = spot_options["MaxPrice"]
    if not PRICE.fullmatch(max_price):
        raise invalid_value(f"InstanceMarketOptions.SpotOptions.MaxPrice must be a decimal number such as 0.05, got {max_price!r}")
    return max_price, kind or SPOT_INSTANCE_TYPES[0]


def check_bid(max_price, itype):
    market = price(itype)
    if max_price is not None and Decimal(max_price) < market:
        raise V3Error("InvalidParameterValue.InsufficientPrice", f"the bid MaxPrice {max_price} is below the spot price {market} CNY per hour of {itype.name}")
    return max_price if max_price is not None else str(market)


def check_quota(store, region, zone_id, itype, count, now):
    """50 vCPU of live spot instances per zone (hold ``store.lock``)."""
    used = sum(
        inst.cpu
        for inst in store.region_instances(region)
        if inst.charge_type == "spot" and inst.zone_id == zone_id and inst.effective(now)[0] not in _NOT_COUNTED
    )
    wanted = itype.cpu * count
    if used + wanted > QUOTA_VCPU:
        raise V3Error(
            "LimitExceeded.UserSpotQuota", f"the spot quota is {QUOTA_VCPU} vCPU per zone; {used} in use, this create needs {wanted} (ask for more by ticket)"
        )
