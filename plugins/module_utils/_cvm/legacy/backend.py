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
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.concurrency import DEFAULT_CONCURRENCY, each_in_parallel
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import instance_from_record, status_name
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.requests import (
    describe_queries,
    price_parameters,
    run_instances_hour_parameters,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import list_stream

# ReturnInstance's answer for an instance in the wrong state (5.1); for one
# already returning or returned it means an earlier give-back went through.
INVALID_STATUS = "OperationConstraints.InvaildInstanceStatus"


# ModifySecurityGroupsOfInstance takes at most 20 instances per call (api-notes/v3.md 6.2);
# the power actions document no limit, 100 is the API's usual one.
MAX_SECURITY_GROUP_BATCH = 20
MAX_POWER_BATCH = 100
# The security-group listings document a default page of 20 rows and no
# maximum (api-notes/v3.md 6.5); 100 is the maximum of every other legacy listing.
MAX_GROUP_PAGE = 100


class LegacyBackend(Backend):
    """The legacy CVM actions of one region, and the security-group actions of the dfw host."""

    api = "legacy"
    # RunInstancesHour binds no security group: new instances have every port
    # open until one is bound (api-notes/legacy.md 3), which needs them running.
    open_without_security_groups = True
    binds_security_groups_at_create = False
    groups_ordered = False
    completed_attributes = frozenset(("security_group_ids",))

    def __init__(self, client, region, security_group_client=None, concurrency=DEFAULT_CONCURRENCY):
        self.client = client
        # The security-group actions live on dfw.api.qcloud.com (api-notes/v3.md 6.2).
        self.security_group_client = security_group_client or client
        # The 3.0 name; the clients send the legacy short code.
        self.region = region
        # How many one-instance calls (ReturnInstance, UpdateInstanceBandwidthHour) run at once.
        self.concurrency = concurrency
        # The region's group IDs, listed once per backend (they are what a task's group IDs are checked against).
        self._group_id_list = None

    @property
    def request_count(self):
        count = self.client.request_count
        if self.security_group_client is not self.client:
            count += self.security_group_client.request_count
        return count

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
            found.extend(
                instance for instance in list_stream(self, {"zoneId": zone_id, "searchWord": instance_name}) if instance.instance_name == instance_name
            )
        return found

    def get(self, instance_ids):
        instances = []
        ids = list(instance_ids)
        for start in range(0, len(ids), MAX_PAGE_SIZE):
            instances.extend(list_stream(self, {"instanceIds": ids[start : start + MAX_PAGE_SIZE]}))
        return instances

    # -- buying --------------------------------------------------------------

    def quote(self, spec, count):
        answer = self.client.call("InquiryInstancePriceHour", price_parameters(spec, count))
        return parse_quote(answer, count)

    def create(self, spec, count, client_token):
        answer = self.client.call("RunInstancesHour", run_instances_hour_parameters(spec, count, client_token))
        return list(answer.get("unInstanceIds") or [])

    def complete_instances(self, instances):
        """The legacy DescribeInstances reports no groups: list the region's groups and their members (api-notes/v3.md 6.5).

        One DescribeSecurityGroupEx page per 100 groups, and one
        DescribeInstancesOfSecurityGroup page per 100 members of each group,
        the groups asked for at the same time; an instance's groups come in the
        order the groups are listed (the legacy API has no call that tells an
        instance's priority order).
        """
        if not instances:
            return
        wanted = {instance.instance_id: [] for instance in instances}
        group_ids = self._group_ids()
        memberships = each_in_parallel(self.security_group_client, _members, group_ids, self.concurrency)
        for group_id, members in zip(group_ids, memberships):
            for member in members:
                if member in wanted:
                    wanted[member].append(group_id)
        for instance in instances:
            instance.security_group_ids = wanted[instance.instance_id]

    def unknown_security_groups(self, group_ids):
        known = set(self._group_ids())
        return [group_id for group_id in group_ids if group_id not in known]

    def _group_ids(self):
        if self._group_id_list is None:
            self._group_id_list = self._list_group_ids()
        return self._group_id_list

    def _list_group_ids(self):
        ids, row = [], 0
        while True:
            data = self.security_group_client.call("DescribeSecurityGroupEx", {"offsetLine": row, "limit": MAX_GROUP_PAGE}).get("data") or {}
            page = data.get("detail") or []
            ids.extend(group["sgId"] for group in page)
            row += len(page)
            if not page or row >= int(data.get("totalNum") or 0):
                return ids

    # -- changing in place -----------------------------------------------------

    def set_bandwidth(self, instance_ids, bandwidth):
        # One instance per call (api-notes/v3.md 6.1), so several at once.
        def change(client, instance_id):
            return _outcome(instance_id, lambda: client.call("UpdateInstanceBandwidthHour", {"instanceId": instance_id, "bandwidth": bandwidth}))

        return each_in_parallel(self.client, change, instance_ids, self.concurrency)

    def set_security_groups(self, instance_ids, group_ids):
        outcomes = []
        ids = list(instance_ids)
        for start in range(0, len(ids), MAX_SECURITY_GROUP_BATCH):
            batch = ids[start : start + MAX_SECURITY_GROUP_BATCH]
            params = {"instanceSet": [{"instanceId": i, "sgIds": list(group_ids)} for i in batch]}
            try:
                self.security_group_client.call("ModifySecurityGroupsOfInstance", params)
            except (ApiError, TransportError) as error:
                # The call is all or nothing: every instance of the batch shares its error.
                outcomes.extend(Outcome(i, error) for i in batch)
                continue
            outcomes.extend(Outcome(i) for i in batch)
        return outcomes

    def start(self, instance_ids):
        return self._power("StartInstances", instance_ids, {})

    def stop(self, instance_ids, force=False, stop_charging=False):
        return self._power("StopInstances", instance_ids, {"forceStop": int(bool(force))})

    def restart(self, instance_ids, force=False):
        return self._power("RestartInstances", instance_ids, {"forceStop": int(bool(force))})

    def _power(self, action, instance_ids, extra):
        """A batch-async action (2.1): ``detail`` tells each instance's outcome, also when some or all failed."""
        outcomes = []
        ids = list(instance_ids)
        for start in range(0, len(ids), MAX_POWER_BATCH):
            batch = ids[start : start + MAX_POWER_BATCH]
            try:
                detail = self.client.call(action, dict(extra, instanceIds=batch)).get("detail") or {}
            except ApiError as error:
                detail = error.payload.get("detail")
                if not isinstance(detail, dict):
                    outcomes.extend(Outcome(i, error) for i in batch)
                    continue
            except TransportError as error:
                outcomes.extend(Outcome(i, error) for i in batch)
                continue
            outcomes.extend(_detail_outcome(action, i, detail.get(i)) for i in batch)
        return outcomes

    # -- giving back ---------------------------------------------------------

    def give_back(self, instance_ids):
        # ReturnInstance takes one instance per call (5.1), so several at once.
        return each_in_parallel(self.client, self._give_back_one, instance_ids, self.concurrency)

    @staticmethod
    def _give_back_one(client, instance_id):
        try:
            client.call("ReturnInstance", {"instanceId": instance_id})
        except ApiError as error:
            if error.code == INVALID_STATUS and LegacyBackend._already_gone(client, instance_id):
                return Outcome(instance_id)
            return Outcome(instance_id, error)
        except TransportError as error:
            return Outcome(instance_id, error)
        return Outcome(instance_id)

    @staticmethod
    def _already_gone(client, instance_id):
        """Whether the instance is no longer listed, or given back (or being given back) already."""
        try:
            records = client.call("DescribeInstances", {"instanceIds": [instance_id]}).get("instanceSet") or []
        except (ApiError, TransportError):
            return False
        return not records or status_name(records[0].get("status")) in ("terminating", "terminated")


def _members(client, group_id):
    """The instance IDs of one security group, page after page (api-notes/v3.md 6.5)."""
    members, offset = [], 0
    while True:
        answer = client.call("DescribeInstancesOfSecurityGroup", {"sgId": group_id, "offset": offset, "limit": MAX_GROUP_PAGE})
        page = answer.get("data") or []
        members.extend(item["instanceId"] for item in page)
        offset += len(page)
        if not page or offset >= int(answer.get("totalCount") or 0):
            return members


def _outcome(instance_id, call):
    try:
        call()
    except (ApiError, TransportError) as error:
        return Outcome(instance_id, error)
    return Outcome(instance_id)


def _detail_outcome(action, instance_id, item):
    """The Outcome of one instance in a batch-async answer's ``detail`` (2.1)."""
    if not isinstance(item, dict):
        return Outcome(instance_id, ApiError(action, "NoDetail", "the answer says nothing about instance {0}".format(instance_id)))
    try:
        code = int(item.get("code", 0))
    except (TypeError, ValueError):
        code = -1
    if code == 0:
        return Outcome(instance_id)
    return Outcome(
        instance_id,
        ApiError(
            action,
            item.get("codeDesc") or str(code),
            "{0}: {1} (code {2})".format(instance_id, item.get("message", ""), code),
            request_id=item.get("requestId") or None,
        ),
    )


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
    return Quote(count=count, instance_price=instance_price, bandwidth_price=bandwidth_price, bandwidth_price_unit=unit, hourly_price=round(hourly, 6))
