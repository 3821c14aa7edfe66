# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a 3.0 region sells: its zones, and the instance types of a family (api-notes/v3.md 3.6, 3.7, 5.3).

Private: may change without notice. Each answer is asked once per backend.
"""

from __future__ import annotations

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError, TaskFailure
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import ZoneUnavailable
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import conventional_type_name, family_of_type, option_of_family
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_name as static_zone_name

CHARGE_TYPE = "POSTPAID_BY_HOUR"
SOLD_OUT = "SOLD_OUT"


class InstanceTypeUnavailable(ZoneUnavailable):
    """The family does not sell the CPU/memory pair in the zone, or has sold it out."""


def _family_of(item):
    return item.get("InstanceFamily") or family_of_type(item.get("InstanceType"))


class Catalog:
    """Zones and instance types of one region, through one 3.0 client."""

    def __init__(self, client):
        self.client = client
        self._zones = None
        self._types = {}

    def zones(self):
        """``{numeric zone ID: zone name}`` of the region (DescribeZones); {} when it cannot be listed."""
        if self._zones is None:
            try:
                answer = self.client.call("DescribeZones", {})
            except QcloudError:
                # The documented static rule (5.1) still names the zones of every documented prefix;
                # the failure is remembered, so the region is not asked again.
                self._zones = {}
                return self._zones
            self._zones = {}
            for item in answer.get("ZoneSet") or []:
                try:
                    self._zones[int(item["ZoneId"])] = item["Zone"]
                except (KeyError, TypeError, ValueError):
                    continue
        return self._zones

    def zone_name(self, zone_id):
        """The zone name of a numeric zone ID: DescribeZones when it answers (authoritative), else the static rule (5.1).

        TaskFailure, naming the option, when neither knows the zone.
        """
        name = self.zones().get(int(zone_id)) or static_zone_name(zone_id)
        if name is None:
            raise TaskFailure(
                "option 'zone_id': {0} is no zone of this region (DescribeZones does not list it, and its leading "
                "digits name no documented region); nothing was sent".format(zone_id)
            )
        return name

    def zone_ids(self):
        """``{zone name: numeric ID}`` once DescribeZones was asked (None before: listings use the static rule then)."""
        if self._zones is None:
            return None
        return {name: zone_id for zone_id, name in self._zones.items()}

    def offers(self, zone, family, charge_type=CHARGE_TYPE):
        """The family's types in the zone for ``charge_type`` (DescribeZoneInstanceConfigInfos), as the API lists them.

        Stock is per zone, type and charge type (10.4.1): a spot create asks for SPOTPAID.
        """
        key = (zone, family, charge_type)
        if key not in self._types:
            filters = [
                {"Name": "zone", "Values": [zone]},
                {"Name": "instance-family", "Values": [family]},
                {"Name": "instance-charge-type", "Values": [charge_type]},
            ]
            answer = self.client.call("DescribeZoneInstanceConfigInfos", {"Filters": filters})
            self._types[key] = answer.get("InstanceTypeQuotaSet") or []
        return self._types[key]

    def instance_type(self, zone, family, cpu, memory, charge_type=CHARGE_TYPE):
        """The InstanceType of ``family`` with ``cpu`` vCPUs and ``memory`` GB in ``zone`` (5.3 rules 1-3).

        Never another family: a pair the family does not sell there fails,
        listing the pairs it does sell; a sold-out one fails as sold out.
        """
        # Only the family's own offers, even if the answer lists others: never another family.
        offers = [item for item in self.offers(zone, family, charge_type) if _family_of(item) == family]
        matches = [item for item in offers if item.get("Cpu") == cpu and item.get("Memory") == memory]
        option = option_of_family(family)
        if not matches:
            pairs = sorted({(item.get("Cpu"), item.get("Memory")) for item in offers if item.get("Cpu") is not None})
            sold = ", ".join("{0}/{1}".format(c, m) for c, m in pairs) or "nothing"
            raise InstanceTypeUnavailable(
                "instance_type {0} does not sell cpu {1} with mem {2} in zone {3}; it sells (cpu/mem): {4}. Nothing was bought".format(
                    option, cpu, memory, zone, sold
                )
            )
        # More than one type of the same size has not been seen; take the one named by the convention (5.3 rule 2).
        conventional = conventional_type_name(family, cpu, memory)
        matches.sort(key=lambda item: item.get("InstanceType") != conventional)
        chosen = matches[0]
        if chosen.get("Status") == SOLD_OUT:
            raise InstanceTypeUnavailable(
                "instance_type {0} with cpu {1} and mem {2} ({3}) is sold out in zone {4}; nothing was bought".format(
                    option, cpu, memory, chosen.get("InstanceType"), zone
                ),
                sold_out=True,
            )
        return chosen["InstanceType"]
