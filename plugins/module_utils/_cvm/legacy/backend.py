# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy API (``cvm.api.qcloud.com/v2/index.php``) behind the backend interface.

Private: may change without notice. Section numbers refer to
``docs/api-notes/legacy.md``.
"""

from __future__ import annotations

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import MAX_PAGE_SIZE, Backend, Outcome, Page, Quote
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import instance_from_record, status_name
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import list_stream
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.requests import (
    describe_queries,
    price_parameters,
    run_instances_hour_parameters,
)

# ReturnInstance's answer for an instance in the wrong state (5.1); for one
# already returning or returned it means an earlier give-back went through.
INVALID_STATUS = "OperationConstraints.InvaildInstanceStatus"


class LegacyBackend(Backend):
    """RunInstancesHour, DescribeInstances, ReturnInstance and InquiryInstancePriceHour of one region."""

    api = "legacy"

    def __init__(self, client, region):
        self.client = client
        # The 3.0 name; the client sends the legacy short code.
        self.region = region

    @property
    def request_count(self):
        return self.client.request_count

    # -- reading -------------------------------------------------------------

    def list_queries(self, instance_filter):
        return describe_queries(instance_filter, self.region)

    def list_page(self, query, offset, limit=MAX_PAGE_SIZE):
        params = dict(query, offset=offset, limit=limit)
        answer = self.client.call("DescribeInstances", params)
        records = answer.get("instanceSet") or []
        return Page(int(answer.get("totalCount") or 0), [instance_from_record(record, self.region) for record in records])

    def find(self, zone_ids, instance_name):
        # searchWord is a fuzzy match (4.1): the exact name is compared here.
        found = []
        for zone_id in zone_ids:
            found.extend(instance for instance in list_stream(self, {"zoneId": zone_id, "searchWord": instance_name})
                         if instance.instance_name == instance_name)
        return found

    def get(self, instance_ids):
        instances = []
        ids = list(instance_ids)
        for start in range(0, len(ids), MAX_PAGE_SIZE):
            instances.extend(list_stream(self, {"instanceIds": ids[start:start + MAX_PAGE_SIZE]}))
        return instances

    # -- buying --------------------------------------------------------------

    def quote(self, spec, count):
        answer = self.client.call("InquiryInstancePriceHour", price_parameters(spec, count))
        return parse_quote(answer, count)

    def create(self, spec, count, client_token):
        answer = self.client.call("RunInstancesHour", run_instances_hour_parameters(spec, count, client_token))
        return list(answer.get("unInstanceIds") or [])

    # -- giving back ---------------------------------------------------------

    def give_back(self, instance_ids):
        # ReturnInstance takes one instance per call (5.1).
        return [self._give_back_one(instance_id) for instance_id in instance_ids]

    def _give_back_one(self, instance_id):
        try:
            self.client.call("ReturnInstance", {"instanceId": instance_id})
        except ApiError as error:
            if error.code == INVALID_STATUS and self._already_gone(instance_id):
                return Outcome(instance_id)
            return Outcome(instance_id, error)
        except TransportError as error:
            return Outcome(instance_id, error)
        return Outcome(instance_id)

    def _already_gone(self, instance_id):
        """Whether the instance is no longer listed, or given back (or being given back) already."""
        try:
            records = self.client.call("DescribeInstances", {"instanceIds": [instance_id]}).get("instanceSet") or []
        except (ApiError, TransportError):
            return False
        return not records or status_name(records[0].get("status")) in ("terminating", "terminated")


def parse_quote(answer, count):
    """A Quote from an InquiryInstancePriceHour answer (prices are strings under ``data``, 5.2)."""
    data = answer.get("data")
    if isinstance(data, list):
        data = data[0] if data else {}
    cvm = (data or {}).get("cvm") or {}
    bandwidth = (data or {}).get("bandwidth") or {}
    try:
        instance_price = float(cvm["price"])
        bandwidth_price = float(bandwidth.get("price") or 0)
    except (KeyError, TypeError, ValueError):
        raise TransportError("InquiryInstancePriceHour", "the price quote cannot be read: {0!r}".format(data), status=200) from None
    unit = (bandwidth.get("price_unit") or "HOUR").upper()
    hourly = instance_price + (bandwidth_price if unit == "HOUR" else 0)
    return Quote(count=count, instance_price=instance_price, bandwidth_price=bandwidth_price,
                 bandwidth_price_unit=unit, hourly_price=round(hourly, 6))
