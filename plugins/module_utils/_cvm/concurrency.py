# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Work the API takes one instance at a time, done by a bounded pool of threads, in order.

Private: may change without notice. Each thread gets its own client (an HTTP
session is not documented as thread-safe); the process-wide pacer of
``_api/rate_limits.py`` keeps the threads together within the API's rate limit.
"""

from __future__ import annotations

import threading

from concurrent.futures import ThreadPoolExecutor

DEFAULT_CONCURRENCY = 10


def each_in_parallel(client, work, items, max_workers=DEFAULT_CONCURRENCY):
    """``[work(a_client, item) for item in items]``, with at most ``max_workers`` threads, results in order.

    Each pool thread works with a clone of ``client``; the clones' requests
    are added to ``client.request_count`` at the end.
    """
    items = list(items)
    if len(items) <= 1 or max_workers <= 1:
        return [work(client, item) for item in items]
    local = threading.local()
    clones = []
    lock = threading.Lock()

    def run(item):
        mine = getattr(local, "client", None)
        if mine is None:
            mine = local.client = client.clone()
            with lock:
                clones.append(mine)
        return work(mine, item)

    try:
        with ThreadPoolExecutor(max_workers=min(max_workers, len(items))) as pool:
            return list(pool.map(run, items))
    finally:
        client.request_count += sum(clone.request_count for clone in clones)
