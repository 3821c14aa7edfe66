# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 (``cvm.tencentcloudapi.com``, pay-by-hour ``RunInstances``) behind the backend interface.

Private: may change without notice. Section numbers refer to
``docs/api-notes/v3.md``.
"""

from __future__ import annotations

import base64

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, QcloudError, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import MAX_PAGE_SIZE, Backend, Outcome, Page, Quote, ZoneUnavailable
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.concurrency import DEFAULT_CONCURRENCY, each_in_parallel
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import list_stream
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_id_of
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.catalog import Catalog
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.records import instance_from_record, utc_time
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.requests import (
    CLIENT_TOKEN_TAG,
    MAX_FILTER_VALUES,
    charge_type,
    describe_queries,
    price_parameters,
    run_instances_parameters,
)

# Every batch action takes at most 100 IDs (3.4, 3.8, 3.9, 3.10).
MAX_BATCH = 100
# Answers that mean "already given back" to TerminateInstances (3.4).
ALREADY_GONE = frozenset(
    (
        "InvalidInstanceId.NotFound",
        "UnsupportedOperation.InstanceStateTerminating",
        "UnsupportedOperation.InstanceStateTerminated",
        "UnsupportedOperation.InstanceStateShutdown",
    )
)
# RunInstances' answers for a zone out of stock or not selling the type (10.4.2): another zone may have it.
STOCK_ERROR_PREFIXES = (
    "ResourcesSoldOut.",
    "ResourceInsufficient.SpecifiedInstanceType",
    "ResourceInsufficient.AvailabilityZoneSoldOut",
    "ResourceUnavailable.InstanceType",
    "InvalidParameterValue.InsufficientOffering",
)
# What an API without the timer actions answers (10.1: they exist since 2024).
TIMERS_UNAVAILABLE = ("InvalidAction", "UnsupportedOperation")
# The DryRun of a create that would succeed: a common error code on some
# services, a plain success on the CVM docs' own reading; both are accepted (4.2).
DRY_RUN_PASSED = "DryRunOperation"
# ResetInstancesInternetMaxBandwidth takes one instance per call when the
# bandwidth is billed by the hour (BANDWIDTH_POSTPAID_BY_HOUR, 3.9).
ONE_AT_A_TIME_BANDWIDTH = "PayByHour"
# The legacy default system disk, which 3.0 does not share (5.1): 20 GB for
# Linux and BSD images, 50 GB (fixed) for Windows ones.
LEGACY_SYSTEM_DISK = {"Windows": 50}
LEGACY_SYSTEM_DISK_DEFAULT = 20


def _chunks(values, size=MAX_BATCH):
    values = list(values)
    return [values[start : start + size] for start in range(0, len(values), size)]


class V3Backend(Backend):
    """The 3.0 CVM actions of one region."""

    api = "v3"
    completed_attributes = frozenset(("expire_time",))

    def __init__(self, client, region, vpc_client=None, concurrency=DEFAULT_CONCURRENCY):
        self.client = client
        # DescribeSecurityGroups is a vpc action (3.11).
        self.vpc_client = vpc_client
        # How many calls run at once where one call cannot take every instance.
        self.concurrency = concurrency
        self.region = region
        self.catalog = Catalog(client)
        # The last Instance listed of each ID: the bandwidth change needs its billing.
        self._seen = {}
        self._platforms = {}
        # The waiting expiry timer of each instance seen, by ID (to delete it before setting another).
        self._timers = {}

    @property
    def request_count(self):
        return self.client.request_count + (self.vpc_client.request_count if self.vpc_client is not None else 0)

    # -- reading -------------------------------------------------------------

    def _instances(self, records):
        zone_ids = self.catalog.zone_ids()
        if zone_ids is None and any(zone_id_of((record.get("Placement") or {}).get("Zone") or "") is None for record in records):
            # A zone the static rule cannot number (5.1: some regions' prefixes are unknown): ask DescribeZones once.
            self.catalog.zones()
            zone_ids = self.catalog.zone_ids()
        instances = [instance_from_record(record, self.region, zone_ids) for record in records]
        for instance in instances:
            self._seen[instance.instance_id] = instance
        return instances

    def list_queries(self, instance_filter):
        return describe_queries(instance_filter, self.region, self.catalog.zone_name)

    def list_page(self, query, offset, limit=MAX_PAGE_SIZE):
        answer = self.client.call("DescribeInstances", dict(query, Offset=offset, Limit=limit))
        return Page(int(answer.get("TotalCount") or 0), self._instances(answer.get("InstanceSet") or []))

    def find_by_client_token(self, client_token):
        """The instances a create with ``client_token`` made, by the tag every create gives them (4.1), whatever their names."""
        query = {"Filters": [{"Name": "tag:" + CLIENT_TOKEN_TAG, "Values": [client_token]}]}
        return list_stream(self, query)

    def find(self, zone_ids, instance_name):
        # Whether the instance-name filter is exact is not documented (3.2): the name is compared here as well.
        zones = [self.catalog.zone_name(zone_id) for zone_id in zone_ids]
        found = []
        # A filter takes at most 5 values (3.2).
        for chunk in _chunks(zones, MAX_FILTER_VALUES):
            query = {"Filters": [{"Name": "zone", "Values": chunk}, {"Name": "instance-name", "Values": [instance_name]}]}
            found.extend(instance for instance in list_stream(self, query) if instance.instance_name == instance_name)
        return found

    def get(self, instance_ids):
        instances = []
        for chunk in _chunks(instance_ids):
            instances.extend(list_stream(self, {"InstanceIds": chunk}))
        return instances

    def complete_instances(self, instances):
        """Their expiry: DescribeInstances reports no timer, DescribeInstancesActionTimer does (10.1.5).

        One call for the region's waiting timers when many instances are
        asked for (the action has no paging), else one per 100 IDs.
        """
        if not instances:
            return
        by_id = {instance.instance_id: instance for instance in instances}
        base = {"TimerAction": "TerminateInstances", "StatusList": ["UNDO"]}
        queries = [base] if len(by_id) > MAX_BATCH else [dict(base, InstanceIds=chunk) for chunk in _chunks(by_id)]
        timers = {}
        try:
            for query in queries:
                for timer in self.client.call("DescribeInstancesActionTimer", query).get("ActionTimers") or []:
                    if timer.get("Status", "UNDO") == "UNDO" and timer.get("InstanceId") in by_id:
                        timers[timer["InstanceId"]] = timer
        except ApiError as error:
            if not error.code.startswith(TIMERS_UNAVAILABLE):
                raise
            # An account or region without the timer actions (they are from 2024): the expiry is not known.
            for instance in instances:
                instance.unreported = instance.unreported | {"expire_time"}
            return
        for instance_id, instance in by_id.items():
            timer = timers.get(instance_id)
            instance.expire_time = utc_time(timer.get("ActionTime")) if timer else None
        self._timers.update((instance_id, timer.get("ActionTimerId")) for instance_id, timer in timers.items())

    def user_data(self, instance_ids):
        """DescribeInstancesAttributes (10.5): the user data as stored, decoded from base64."""
        found = {}
        for chunk in _chunks(instance_ids):
            try:
                answer = self.client.call("DescribeInstancesAttributes", {"InstanceIds": chunk, "Attributes": ["UserData"]})
            except ApiError as error:
                if not error.code.startswith(TIMERS_UNAVAILABLE):
                    raise
                # An API without the action (it is from 2025): the user data cannot be told, so it is not compared.
                return {}
            for item in answer.get("InstanceSet") or []:
                encoded = (item.get("Attributes") or {}).get("UserData")
                found[item.get("InstanceId")] = _decoded(encoded)
        return found

    def unknown_security_groups(self, group_ids):
        if self.vpc_client is None:
            return []
        # By filter, not by SecurityGroupIds: asked by ID, an unknown group fails the whole call (3.11).
        params = {"Filters": [{"Name": "security-group-id", "Values": list(group_ids)}], "Limit": str(MAX_BATCH)}
        answer = self.vpc_client.call("DescribeSecurityGroups", params)
        known = {group.get("SecurityGroupId") for group in answer.get("SecurityGroupSet") or []}
        return [group_id for group_id in group_ids if group_id not in known]

    # -- buying --------------------------------------------------------------

    def _create_parameters(self, spec):
        """(zone, instance type, system disk size): the 3.0 values the legacy options leave to resolve (5.1, 5.3)."""
        zone = self.catalog.zone_name(spec.zone_id)
        instance_type = self.catalog.instance_type(zone, spec.instance_family, spec.cpu, spec.memory, charge_type(spec))
        return zone, instance_type, self._system_disk_size(spec)

    def _system_disk_size(self, spec):
        if spec.system_disk_size is not None:
            return spec.system_disk_size
        if spec.image_id not in self._platforms:
            try:
                answer = self.client.call("DescribeImages", {"ImageIds": [spec.image_id]})
                images = answer.get("ImageSet") or []
                self._platforms[spec.image_id] = images[0].get("Platform") if images else None
            except QcloudError:
                self._platforms[spec.image_id] = None
        platform = self._platforms[spec.image_id]
        if platform is None:
            # Unknown image: leave the size to the API rather than guess one the image may refuse.
            return None
        return LEGACY_SYSTEM_DISK.get(platform, LEGACY_SYSTEM_DISK_DEFAULT)

    def quote(self, spec, count):
        zone, instance_type, disk_size = self._create_parameters(spec)
        answer = self.client.call("InquiryPriceRunInstances", price_parameters(spec, count, zone, instance_type, disk_size))
        return parse_quote(answer, count)

    def dry_run(self, spec, count, client_token=None):
        zone, instance_type, disk_size = self._create_parameters(spec)
        params = run_instances_parameters(spec, count, zone, instance_type, disk_size, client_token, dry_run=True)
        try:
            # The same parameters as the create, token and tags included: a DryRun never uses the token (4.2).
            self.client.call("RunInstances", params)
        except ApiError as error:
            if error.code != DRY_RUN_PASSED:
                raise _unavailable(error, zone) from None

    def create(self, spec, count, client_token):
        zone, instance_type, disk_size = self._create_parameters(spec)
        try:
            answer = self.client.call("RunInstances", run_instances_parameters(spec, count, zone, instance_type, disk_size, client_token))
        except ApiError as error:
            raise _unavailable(error, zone) from None
        return list(answer.get("InstanceIdSet") or [])

    def after_create(self, instance_ids, spec):
        # RunInstances appends 1..n to the names of a create of several instances
        # (3.1.1); every instance of a task carries the task's name, as on legacy.
        if len(instance_ids) > 1:
            return self._batch("ModifyInstancesAttribute", instance_ids, {"InstanceName": spec.instance_name})
        return [Outcome(i) for i in instance_ids]

    # -- changing in place -----------------------------------------------------

    def _batch(self, action, instance_ids, params, size=MAX_BATCH):
        """One call per ``size`` IDs, several calls at once; a refused call is retried one ID at a time,
        so each instance gets its own outcome, in order."""

        def send(client, chunk):
            try:
                client.call(action, dict(params, InstanceIds=chunk))
            except (ApiError, TransportError) as error:
                if len(chunk) == 1 or isinstance(error, TransportError):
                    return [Outcome(i, error) for i in chunk]
                return [outcome for one in chunk for outcome in send(client, [one])]
            return [Outcome(i) for i in chunk]

        results = each_in_parallel(self.client, send, _chunks(instance_ids, size), self.concurrency)
        return [outcome for outcomes in results for outcome in outcomes]

    def set_bandwidth(self, instance_ids, bandwidth):
        params = {"InternetAccessible": {"InternetMaxBandwidthOut": bandwidth}}
        single = [i for i in instance_ids if getattr(self._seen.get(i), "bandwidth_type", None) == ONE_AT_A_TIME_BANDWIDTH]
        batched = [i for i in instance_ids if i not in single]
        outcomes = {o.instance_id: o for o in self._batch("ResetInstancesInternetMaxBandwidth", single, params, size=1)}
        outcomes.update((o.instance_id, o) for o in self._batch("ResetInstancesInternetMaxBandwidth", batched, params))
        return [outcomes[i] for i in instance_ids]

    def set_security_groups(self, instance_ids, group_ids):
        # Replaces the whole list, in priority order (3.10).
        return self._batch("ModifyInstancesAttribute", instance_ids, {"SecurityGroups": list(group_ids)})

    def start(self, instance_ids):
        return self._batch("StartInstances", instance_ids, {})

    def stop(self, instance_ids, force=False, stop_charging=False):
        # SOFT_FIRST: a soft stop, then a hard one when it fails (3.8); STOP_CHARGING stops the CPU and
        # memory bill where the instance allows (10.2).
        params = {"StopType": "SOFT_FIRST" if force else "SOFT", "StoppedMode": "STOP_CHARGING" if stop_charging else "KEEP_CHARGING"}
        return self._batch("StopInstances", instance_ids, params)

    def set_expiry(self, instance_ids, moment):
        """No timer can be modified: delete the waiting one, import the new one (10.1.2-10.1.4)."""
        outcomes = []
        for instance_id in instance_ids:
            try:
                timer_id = self._timers.get(instance_id)
                if timer_id:
                    self.client.call("DeleteInstancesActionTimer", {"ActionTimerIds": [timer_id]})
                    self._timers.pop(instance_id, None)
                if moment is not None:
                    answer = self.client.call(
                        "ImportInstancesActionTimer", {"InstanceIds": [instance_id], "ActionTimer": {"TimerAction": "TerminateInstances", "ActionTime": moment}}
                    )
                    ids = answer.get("ActionTimerIds") or []
                    if ids:
                        self._timers[instance_id] = ids[0]
            except (ApiError, TransportError) as error:
                outcomes.append(Outcome(instance_id, error))
                continue
            outcomes.append(Outcome(instance_id))
        return outcomes

    def set_termination_protection(self, instance_ids, protected):
        return self._batch("ModifyInstancesAttribute", instance_ids, {"DisableApiTermination": bool(protected)})

    def restart(self, instance_ids, force=False):
        return self._batch("RebootInstances", instance_ids, {"StopType": "SOFT_FIRST" if force else "SOFT"})

    # -- giving back ---------------------------------------------------------

    def give_back(self, instance_ids):
        outcomes = self._batch("TerminateInstances", instance_ids, {})
        return [Outcome(o.instance_id) if isinstance(o.error, ApiError) and o.error.code in ALREADY_GONE else o for o in outcomes]


def _unavailable(error, zone):
    """A stock answer as ZoneUnavailable (another zone may sell it); any other error as it is."""
    if error.code.startswith(STOCK_ERROR_PREFIXES):
        return ZoneUnavailable("zone {0} cannot sell this now: {1}".format(zone, error), error, sold_out=not error.code.startswith("ResourceUnavailable."))
    return error


def _decoded(encoded):
    if not encoded:
        return None
    try:
        return base64.b64decode(encoded).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        # Not ours to read: compared as it is.
        return encoded


def _price(item):
    """What is paid per unit: the discounted price, the list price where that is null or absent (1.6)."""
    discounted = item.get("UnitPriceDiscount")
    return discounted if discounted is not None else item.get("UnitPrice")


def parse_quote(answer, count):
    """A Quote from an InquiryPriceRunInstances answer (floats under ``Price``, 3.5)."""
    price = answer.get("Price") or {}
    instance = price.get("InstancePrice") or {}
    bandwidth = price.get("BandwidthPrice") or {}
    try:
        instance_price = float(_price(instance))
        bandwidth_price = float(_price(bandwidth) or 0)
    except (TypeError, ValueError):
        raise TransportError("InquiryPriceRunInstances", "the price quote cannot be read: {0!r}".format(price), status=200) from None
    unit = (bandwidth.get("ChargeUnit") or "HOUR").upper()
    hourly = instance_price + (bandwidth_price if unit == "HOUR" else 0)
    return Quote(count=count, instance_price=instance_price, bandwidth_price=bandwidth_price, bandwidth_price_unit=unit, hourly_price=round(hourly, 6))
