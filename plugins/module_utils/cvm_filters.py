# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Instance filters shared by the module ``cvm_instance_info`` and the inventory plugin.

One ``InstanceFilter`` says which instances a user asked for. It answers two
questions: which DescribeInstances requests to send in a region (``streams``),
and whether one record matches (``matches``). The records are always checked
in code, so the parameters sent to the API only make the listing smaller,
never decide what is listed: a filter the API applies differently (or not at
all) cannot let a wrong instance through.

``list_instances`` pages every request stream of every region through a
bounded pool of worker threads, one API client per thread and region.
Section numbers refer to ``spec/legacy-cvm-api.md``.
"""

from __future__ import annotations

import itertools
import threading

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm import MAX_PAGE_SIZE, STATUS_GONE, describe_instances, describe_page
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudError

# The filter options, the same for the module and the inventory plugin.
FILTER_OPTIONS = ("zone_ids", "project_ids", "instance_ids", "instance_names", "search_word", "statuses")

# Without ``statuses``, everything but the instances given back (5) or being
# given back (6): nobody manages those any more.
DEFAULT_EXCLUDED_STATUSES = STATUS_GONE

# A zone ID is its region's number times 10000 plus the zone's number: every
# zone of the documented tables (spec 6.2) follows it. A zone is only ever
# asked for in its own region (the API refuses a zone of another region); a
# zone not in this table is looked for in every region, by code.
ZONE_PREFIX_REGIONS = {
    10: "gz", 11: "szjr", 12: "gzopen", 15: "usw", 16: "cd", 17: "de", 18: "kr", 19: "cq",
    20: "sh", 30: "hk", 40: "ca", 70: "shjr", 80: "bj", 90: "sg",
}

# No more request streams than this per region: past it, the filter with the
# most values is applied in code only (the records are checked in code anyway).
MAX_STREAMS_PER_REGION = 64


def zone_region(zone_id):
    """The legacy region code of ``zone_id``, or None when the zone's region is not known."""
    return ZONE_PREFIX_REGIONS.get(int(zone_id) // 10000)


def filter_argument_spec():
    """The filter options as an Ansible argument spec (the module's; the plugin documents the same)."""
    return {
        "zone_ids": {"type": "list", "elements": "int"},
        "project_ids": {"type": "list", "elements": "int"},
        "instance_ids": {"type": "list", "elements": "str"},
        "instance_names": {"type": "list", "elements": "str"},
        "search_word": {"type": "str"},
        "statuses": {"type": "list", "elements": "int"},
    }


class FilterError(ValueError):
    """A filter option's value cannot be used; the message names the option."""


def _int_list(name, values):
    result = []
    for value in values or ():
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            raise FilterError("option '{0}': {1!r} is not an integer".format(name, value)) from None
    return result


def _str_list(values):
    return [str(value) for value in values or () if value is not None and str(value) != ""]


class InstanceFilter:
    """Which instances to list: every given filter must hold (AND); the values of one filter are alternatives (OR)."""

    def __init__(self, zone_ids=None, project_ids=None, instance_ids=None, instance_names=None, search_word=None, statuses=None):
        self.zone_ids = sorted(set(_int_list("zone_ids", zone_ids)))
        self.project_ids = sorted(set(_int_list("project_ids", project_ids)))
        self.instance_ids = sorted(set(_str_list(instance_ids)))
        self.instance_names = sorted(set(_str_list(instance_names)))
        self.search_word = search_word or None
        # None: the default (all but DEFAULT_EXCLUDED_STATUSES); []: every status.
        self.statuses = None if statuses is None else sorted(set(_int_list("statuses", statuses)))
        # Sets for the per-record check, which runs once per instance.
        self._zone_set = frozenset(self.zone_ids)
        self._project_set = frozenset(self.project_ids)
        self._id_set = frozenset(self.instance_ids)
        self._name_set = frozenset(self.instance_names)
        self._status_set = None if not self.statuses else frozenset(self.statuses)
        self._search_folded = self.search_word.casefold() if self.search_word else None

    @classmethod
    def from_options(cls, options):
        """An InstanceFilter from a mapping holding (some of) FILTER_OPTIONS."""
        return cls(**{name: options.get(name) for name in FILTER_OPTIONS})

    def matches(self, record):
        """Whether one raw DescribeInstances record passes every filter."""
        status = record.get("status")
        if self._status_set is not None:
            if status not in self._status_set:
                return False
        elif self.statuses is None and status in DEFAULT_EXCLUDED_STATUSES:
            return False
        if self._zone_set and record.get("zoneId") not in self._zone_set:
            return False
        if self._project_set and record.get("projectId") not in self._project_set:
            return False
        if self._id_set and record.get("unInstanceId") not in self._id_set:
            return False
        name = record.get("instanceName") or ""
        if self._name_set and name not in self._name_set:
            return False
        # The API's searchWord is a fuzzy match; in code it is a case-insensitive
        # substring, so the check in code is never stricter than the API.
        if self._search_folded and self._search_folded not in name.casefold():
            return False
        return True

    def zones_outside(self, regions):
        """The zone IDs that belong to a known region not in ``regions`` (they can match nothing)."""
        return [zone for zone in self.zone_ids if zone_region(zone) not in (None,) + tuple(regions)]

    def streams(self, region):
        """The DescribeInstances parameter sets (without offset/limit) to page in ``region``.

        A filter with several values for a parameter that takes one value
        (zoneId, projectId, status, searchWord) becomes one request stream per
        value: a stream fetches only matching records, so it costs at most one
        request more than fetching everything and filtering in code, and saves
        every page of non-matching records. The product of the streams is
        capped (MAX_STREAMS_PER_REGION) by applying the largest filters in
        code only. An empty list means nothing can match in this region.
        """
        dimensions = []
        if self.zone_ids:
            own = [zone for zone in self.zone_ids if zone_region(zone) == region]
            unknown = [zone for zone in self.zone_ids if zone_region(zone) is None]
            if not own and not unknown:
                return []
            # A zone of unknown region may be in this one: fetch unfiltered by zone, check in code.
            dimensions.append([None] if unknown else [{"zoneId": zone} for zone in own])
        if self.project_ids:
            dimensions.append([{"projectId": project} for project in self.project_ids])
        if self.statuses:
            dimensions.append([{"status": status} for status in self.statuses])
        if self.instance_names:
            # An exact name is also the best searchWord; a name without the
            # search word in it cannot match at all.
            names = [name for name in self.instance_names if not self._search_folded or self._search_folded in name.casefold()]
            if not names:
                return []
            dimensions.append([{"searchWord": name} for name in names])
        elif self.search_word:
            dimensions.append([{"searchWord": self.search_word}])
        if self.instance_ids:
            chunks = [self.instance_ids[start:start + MAX_PAGE_SIZE] for start in range(0, len(self.instance_ids), MAX_PAGE_SIZE)]
            dimensions.append([{"instanceIds": chunk} for chunk in chunks])
        dimensions = _cap_streams(dimensions, MAX_STREAMS_PER_REGION)
        streams = []
        for combination in itertools.product(*dimensions):
            params = {}
            for part in combination:
                if part:
                    params.update(part)
            streams.append(params)
        return streams


def _product_size(dimensions):
    size = 1
    for values in dimensions:
        size *= len(values)
    return size


def _cap_streams(dimensions, cap):
    dimensions = list(dimensions)
    while _product_size(dimensions) > cap:
        largest = max(range(len(dimensions)), key=lambda index: len(dimensions[index]))
        dimensions[largest] = [None]
    return dimensions


class RegionError(QcloudError):
    """Listing failed in one region; the message names the region and the API's error."""

    def __init__(self, region, error):
        self.region = region
        self.error = error
        super().__init__("region {0}: {1}".format(region, error))

    def result(self):
        details = self.error.result() if isinstance(self.error, QcloudError) else {}
        details["region"] = self.region
        return details


class Listing:
    """What list_instances found: the matching records, and the regions that failed (when allowed to)."""

    def __init__(self, records, failed_regions, request_count):
        self.records = records
        self.failed_regions = failed_regions
        self.request_count = request_count


def list_instances(client_factory, regions, instance_filter, max_workers=4, skip_failing_regions=False, page_size=MAX_PAGE_SIZE):
    """Every record in ``regions`` that ``instance_filter`` matches, newest first per region.

    The first page of every request stream tells its totalCount; the other
    pages of every stream of every region are then fetched concurrently by at
    most ``max_workers`` threads. ``client_factory(region)`` makes a client;
    each thread makes its own per region (a requests.Session is not
    documented as thread-safe). A failure (after the client's retries) raises
    RegionError, or with ``skip_failing_regions`` drops that region's records
    and is reported in ``Listing.failed_regions``. A stream whose totalCount
    changed between its pages (instances created or given back meanwhile) is
    listed again, page after page, so that no instance is missed.
    """
    local = threading.local()
    clients = []
    clients_lock = threading.Lock()

    def client_for(region):
        mine = getattr(local, "clients", None)
        if mine is None:
            mine = local.clients = {}
        client = mine.get(region)
        if client is None:
            client = mine[region] = client_factory(region)
            with clients_lock:
                clients.append(client)
        return client

    def fetch_page(region, params, offset):
        return describe_page(client_for(region), params, offset, page_size)

    def fetch_stream(region, params):
        return describe_instances(client_for(region), params, page_size)

    plan = [(region, params) for region in regions for params in instance_filter.streams(region)]
    # stream index -> {offset: (totalCount, records)}
    pages = {index: {} for index in range(len(plan))}
    relisted = {}
    failed = {}
    pending = {}
    pool = ThreadPoolExecutor(max_workers=max(1, int(max_workers)))
    try:
        for index, (region, params) in enumerate(plan):
            pending[pool.submit(fetch_page, region, params, 0)] = (index, 0)
        while pending:
            done, _not_done = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index, offset = pending.pop(future)
                region, params = plan[index]
                if region in failed or future.cancelled():
                    continue
                try:
                    answer = future.result()
                except QcloudError as error:
                    if not skip_failing_regions:
                        raise RegionError(region, error) from None
                    failed[region] = RegionError(region, error)
                    for other, (other_index, _offset) in list(pending.items()):
                        if plan[other_index][0] == region:
                            other.cancel()
                    continue
                if offset == -1:
                    relisted[index] = answer
                    continue
                pages[index][offset] = answer
                if offset == 0:
                    total = answer[0]
                    for next_offset in range(page_size, total, page_size):
                        pending[pool.submit(fetch_page, region, params, next_offset)] = (index, next_offset)
                elif len(pages[index]) == _page_count(pages[index][0][0], page_size) and _changed(pages[index]):
                    pending[pool.submit(fetch_stream, region, params)] = (index, -1)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)

    records = []
    seen = set()
    for index, (region, _params) in enumerate(plan):
        if region in failed:
            continue
        if index in relisted:
            stream_records = relisted[index]
        else:
            stream_records = [record for offset in sorted(pages[index]) for record in pages[index][offset][1]]
        for record in stream_records:
            key = (region, record.get("unInstanceId"))
            if key in seen or not instance_filter.matches(record):
                continue
            seen.add(key)
            records.append(record)
    return Listing(records, [failed[region] for region in regions if region in failed], sum(client.request_count for client in clients))


def _page_count(total, page_size):
    return max(1, -(-total // page_size))


def _changed(stream_pages):
    totals = {total for total, _records in stream_pages.values()}
    return len(totals) > 1
