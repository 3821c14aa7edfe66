# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stock per (zone, instance type, charge type) (api-notes/v3.md 10.4, 10.7 item 7), named in 3.0 terms
(``ap-guangzhou-3``, ``S1.SMALL2``, ``POSTPAID_BY_HOUR`` / ``SPOTPAID``).

What a zone offers at all is the type table's (``v3/types.py``: I1/I2 are
not offered in ap-guangzhou-6/-7; no spot in the regions of
``v3/spot.UNSUPPORTED_REGIONS``).  Of what is offered, every row is
``SELL`` (``StatusCategory`` ``EnoughStock``) except

* the start-up table: ``S2.SMALL1`` in ap-guangzhou-6 and ``M1.SMALL8`` in
  ap-guangzhou-7 are sold out for POSTPAID_BY_HOUR (``v3/types.SOLD_OUT``);
* what ``POST /_emulator/stock`` changed since: a status (``SELL`` /
  ``SOLD_OUT``), a ``SoldOutReason`` and optionally a remaining count
  (``available``): a create of more instances than are left answers
  ``ResourceInsufficient.SpecifiedInstanceType``, every create (either face)
  takes its instances off the count, and at 0 the row is ``SOLD_OUT``; a
  row with a count above 0 is ``SELL`` / ``UnderStock``.

Runtime state, like the config: not in the state file; reset (and a
restart) puts the start-up table back.
"""

import threading

from .v3 import spot, types, zones

POSTPAID, SPOTPAID = "POSTPAID_BY_HOUR", "SPOTPAID"
CHARGE_TYPES = (POSTPAID, SPOTPAID)
SELL, SOLD_OUT = "SELL", "SOLD_OUT"
TABLE_REASON = "sold out (emulator table)"
CONTROL_REASON = "sold out (emulator control)"
EMPTY_REASON = "no stock left (emulator count)"


class Row:
    __slots__ = ("status", "category", "reason", "available")

    def __init__(self, status, category, reason, available):
        self.status = status
        self.category = category
        self.reason = reason
        self.available = available

    def as_dict(self, zone, type_name, charge):
        return {
            "zone": zone,
            "instance_type": type_name,
            "charge_type": charge,
            "status": self.status,
            "status_category": self.category,
            "reason": self.reason,
            "available": self.available,
        }


_SELLING = Row(SELL, "EnoughStock", "", None)


def offered(itype, zone, charge):
    """Whether ``zone`` offers ``itype`` for ``charge`` at all (regardless of stock)."""
    if types.status(itype, zone) is None:
        return False
    return charge == POSTPAID or zones.region_of_zone(zone) not in spot.UNSUPPORTED_REGIONS


class Stock:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = {}
        self.restore()

    def restore(self):
        with self._lock:
            self._entries = {(zone, name, POSTPAID): {"status": SOLD_OUT, "reason": TABLE_REASON, "available": None} for name, zone in types.SOLD_OUT}

    def row(self, itype, zone, charge):
        """The ``Row`` of an offered type, or None when the zone does not offer it for ``charge``."""
        if not offered(itype, zone, charge):
            return None
        with self._lock:
            entry = self._entries.get((zone, itype.name, charge))
        if entry is None:
            return _SELLING
        available = entry["available"]
        if entry["status"] == SOLD_OUT or available == 0:
            return Row(SOLD_OUT, "WithoutStock", entry["reason"] or (EMPTY_REASON if available == 0 else CONTROL_REASON), available)
        return Row(SELL, "UnderStock" if available is not None else "EnoughStock", entry["reason"], available)

    def set(self, zone, items, charge, status, reason=None, available=None):
        """Change the rows of ``items`` (InstanceTypes offered in ``zone``); the new rows as dicts."""
        with self._lock:
            for itype in items:
                if status == SELL and reason is None and available is None:
                    self._entries.pop((zone, itype.name, charge), None)
                else:
                    text = reason if reason is not None else (CONTROL_REASON if status == SOLD_OUT else "")
                    self._entries[(zone, itype.name, charge)] = {"status": status, "reason": text, "available": available}
        return [self.row(itype, zone, charge).as_dict(zone, itype.name, charge) for itype in items]

    def take(self, itype, zone, charge, count):
        """A create of ``count`` instances happened: lower the remaining count, if one is kept."""
        with self._lock:
            entry = self._entries.get((zone, itype.name, charge))
            if entry is not None and entry["available"] is not None:
                entry["available"] = max(entry["available"] - count, 0)

    def changed(self):
        """Every row that is not plain SELL/EnoughStock, zone by zone (table order), as dicts."""
        with self._lock:
            keys = list(self._entries)
        rows = []
        for zone, name, charge in keys:
            row = self.row(types.TYPES[name], zone, charge)
            if row is not None:
                rows.append(row.as_dict(zone, name, charge))
        return rows
