# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Listing many regions at once: every page of every request stream through a bounded pool of threads.

Private: may change without notice. Used by the inventory (many regions) and
by cvm_instance_info (one region, one thread). Backends are made per thread
and region (an HTTP session is not documented as thread-safe).
"""

from __future__ import annotations

import threading

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import MAX_PAGE_SIZE


class RegionError(QcloudError):
    """Listing failed in one region; the message names the region and the API's error."""

    def __init__(self, region, error):
        self.region = region
        self.error = error
        super().__init__("region {0}: {1}".format(region, error))

    def details(self):
        details = self.error.details() if isinstance(self.error, QcloudError) else {}
        details["region"] = self.region
        return details


class Listing:
    """What list_instances found: the matching instances, the regions that failed (when allowed to), the requests sent."""

    def __init__(self, instances, failed_regions, request_count):
        self.instances = instances
        self.failed_regions = failed_regions
        self.request_count = request_count


def list_stream(backend, query, page_size=MAX_PAGE_SIZE):
    """Every instance of one stream, page after page, de-duplicated by ID.

    Listings are newest first, so an instance created while we page shifts
    the later pages by one: de-duplication keeps each instance once.
    """
    seen = set()
    instances = []
    offset = 0
    while True:
        page = backend.list_page(query, offset, page_size)
        for instance in page.instances:
            if instance.instance_id not in seen:
                seen.add(instance.instance_id)
                instances.append(instance)
        offset += len(page.instances)
        if not page.instances or offset >= page.total:
            return instances


def list_instances(backend_factory, regions, instance_filter, max_workers=4, skip_failing_regions=False, page_size=MAX_PAGE_SIZE):
    """Every instance in ``regions`` that ``instance_filter`` matches, newest first per region.

    The first page of every stream tells its total; the other pages of every
    stream of every region are then fetched concurrently by at most
    ``max_workers`` threads. A failure (after the backend's retries) raises
    RegionError, or with ``skip_failing_regions`` drops that region and is
    reported in ``Listing.failed_regions``. A stream whose total changed
    between its pages (instances created or given back meanwhile) is listed
    again, page after page, so that no instance is missed.
    """
    local = threading.local()
    backends = []
    backends_lock = threading.Lock()

    def backend_for(region):
        mine = getattr(local, "backends", None)
        if mine is None:
            mine = local.backends = {}
        backend = mine.get(region)
        if backend is None:
            backend = mine[region] = backend_factory(region)
            with backends_lock:
                backends.append(backend)
        return backend

    def fetch_page(region, query, offset):
        return backend_for(region).list_page(query, offset, page_size)

    def fetch_stream(region, query):
        return list_stream(backend_for(region), query, page_size)

    plan = []
    for region in regions:
        plan.extend((region, query) for query in backend_for(region).list_queries(instance_filter))
    pages = {index: {} for index in range(len(plan))}
    relisted = {}
    failed = {}
    pending = {}
    pool = ThreadPoolExecutor(max_workers=max(1, int(max_workers)))

    def fail(region, error):
        if not skip_failing_regions:
            raise RegionError(region, error) from None
        failed[region] = RegionError(region, error)
        for other, (other_index, _offset) in list(pending.items()):
            if plan[other_index][0] == region:
                other.cancel()

    try:
        for index, (region, query) in enumerate(plan):
            pending[pool.submit(fetch_page, region, query, 0)] = (index, 0)
        while pending:
            done, _not_done = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                index, offset = pending.pop(future)
                region, query = plan[index]
                if region in failed or future.cancelled():
                    continue
                try:
                    answer = future.result()
                except QcloudError as error:
                    fail(region, error)
                    continue
                if offset == -1:
                    relisted[index] = answer
                    continue
                pages[index][offset] = answer
                if offset == 0:
                    for next_offset in range(page_size, answer.total, page_size):
                        pending[pool.submit(fetch_page, region, query, next_offset)] = (index, next_offset)
                elif len(pages[index]) == _page_count(pages[index][0].total, page_size) and _changed(pages[index]):
                    pending[pool.submit(fetch_stream, region, query)] = (index, -1)
        by_region = _matching(plan, pages, relisted, failed, instance_filter)
        # Where the listing does not report security groups (legacy), the backend asks for them,
        # in a pool thread like every other request of the region.
        group_jobs = {pool.submit(lambda r=region, f=found: backend_for(r).complete_instances(f)): region for region, found in by_region.items()}
        for future, region in group_jobs.items():
            try:
                future.result()
            except QcloudError as error:
                fail(region, error)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
    instances = [
        instance for region in regions if region not in failed for instance in by_region.get(region, []) if instance_filter.matches_completed(instance)
    ]
    return Listing(instances, [failed[region] for region in regions if region in failed], sum(backend.request_count for backend in backends))


def _matching(plan, pages, relisted, failed, instance_filter):
    """The instances of every stream that pass the filter, once each, by region in listing order."""
    by_region = {}
    seen = set()
    for index, (region, _query) in enumerate(plan):
        if region in failed:
            continue
        if index in relisted:
            stream = relisted[index]
        else:
            stream = [instance for offset in sorted(pages[index]) for instance in pages[index][offset].instances]
        for instance in stream:
            key = (region, instance.instance_id)
            if key in seen or not instance_filter.matches(instance):
                continue
            seen.add(key)
            by_region.setdefault(region, []).append(instance)
    return by_region


def _page_count(total, page_size):
    return max(1, -(-total // page_size))


def _changed(stream_pages):
    return len({page.total for page in stream_pages.values()}) > 1
