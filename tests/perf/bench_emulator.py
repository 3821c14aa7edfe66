# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator is not the bottleneck: its DescribeInstances throughput with 10,000 instances.

Pages of 100 are fetched with the collection's own signing client
(``LegacyClient`` of the installed collection), one client per thread, in two
layouts: the 10,000 instances spread over 4 regions (what the inventory
benchmark lists) and all in one region. Every page listing is done with 1
thread and with 4 threads (the inventory plugin's default ``max_workers``).
Printed: pages per second, milliseconds per page as the client sees it, and
the emulator's own CPU milliseconds per page (so a gap between the two is
waiting, not work).

    python tests/perf/bench_emulator.py [--instances 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import sys
import time

from concurrent.futures import ThreadPoolExecutor

import perf_common as pc

REGIONS = ["gz", "sh", "bj", "hk"]
PAGE = 100


def page_plan(emulator, regions):
    """(region, offset) of every page of the listing, from the emulator's own instance list."""
    counts = {}
    for instance in emulator.instances():
        if instance["status"] not in (5, 6):
            counts[instance["Region"]] = counts.get(instance["Region"], 0) + 1
    return [(region, offset) for region in regions for offset in range(0, counts.get(region, 0), PAGE)]


def fetch_all(client_factory, plan, threads):
    """Fetch every page of ``plan`` with ``threads`` workers; returns (seconds, records)."""

    def work(chunk):
        clients = {}
        records = 0
        for region, offset in chunk:
            client = clients.get(region)
            if client is None:
                client = clients[region] = client_factory(region)
            answer = client.call("DescribeInstances", {"offset": offset, "limit": PAGE})
            records += len(answer.get("instanceSet") or [])
        return records

    chunks = [plan[index::threads] for index in range(threads)]
    begin = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        records = sum(pool.map(work, chunks))
    return time.perf_counter() - begin, records


def measure(emulator, layout, regions, threads_list, repeats, client_factory):
    plan = page_plan(emulator, regions)
    # Warm-up: connections, the emulator's first-call paths.
    fetch_all(client_factory, plan[:8], 1)
    rows = []
    for threads in threads_list:
        samples = []
        for _repeat in range(repeats):
            cpu_before = pc.process_cpu_seconds(emulator.process.pid)
            client_before = time.process_time()
            seconds, records = fetch_all(client_factory, plan, threads)
            client_cpu = time.process_time() - client_before
            cpu_after = pc.process_cpu_seconds(emulator.process.pid)
            emulator_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            samples.append({"seconds": seconds, "records": records, "emulator_cpu_s": emulator_cpu, "client_cpu_s": client_cpu})
        seconds = pc.median([s["seconds"] for s in samples])
        emulator_cpu = pc.median([s["emulator_cpu_s"] for s in samples])
        client_cpu = pc.median([s["client_cpu_s"] for s in samples])
        rows.append(
            {
                "layout": layout,
                "threads": threads,
                "pages": len(plan),
                "records": samples[-1]["records"],
                "seconds": seconds,
                "pages_per_s": len(plan) / seconds,
                "ms_per_page_wall": 1000.0 * seconds / len(plan),
                "ms_per_page_latency": 1000.0 * seconds * threads / len(plan),
                "emulator_cpu_ms_per_page": None if emulator_cpu is None else 1000.0 * emulator_cpu / len(plan),
                "client_cpu_ms_per_page": 1000.0 * client_cpu / len(plan),
            }
        )
        pc.log("{0}, {1} thread(s): {2:.1f} pages/s".format(layout, threads, rows[-1]["pages_per_s"]))
    return rows


def small_answer_latency(client_factory, calls):
    """Median ms of a small answer (DescribeInstances, limit 1): on one kept-alive connection, and each on a new one.

    Far more on the kept-alive connection than on new ones is the Nagle / delayed-ACK stall: the server
    writes the headers and the body of a short answer in two sends without TCP_NODELAY.
    """
    client = client_factory("gz")
    client.call("DescribeInstances", {"limit": 1})
    kept_alive = []
    for _call in range(calls):
        begin = time.perf_counter()
        client.call("DescribeInstances", {"limit": 1})
        kept_alive.append(time.perf_counter() - begin)
    fresh = []
    for _call in range(calls):
        client = client_factory("gz")
        begin = time.perf_counter()
        client.call("DescribeInstances", {"limit": 1})
        fresh.append(time.perf_counter() - begin)
    return 1000.0 * pc.median(kept_alive), 1000.0 * pc.median(fresh)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=10000, help="instances seeded (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="listings per layout and thread count (default %(default)s)")
    parser.add_argument("--threads", default="1,4", help="worker thread counts (default %(default)s)")
    args = parser.parse_args(argv)
    threads_list = [int(t) for t in args.threads.split(",") if t.strip()]

    emulator = pc.start_emulator()
    rows = []
    try:

        def client_factory(region):
            return pc.legacy_client(emulator.endpoint, region, retries=0)

        for layout, regions in (("{0} over 4 regions".format(args.instances), REGIONS), ("{0} in 1 region".format(args.instances), ["gz"])):
            emulator.reset()
            emulator.seed(args.instances, regions)
            rows.extend(measure(emulator, layout, regions, threads_list, args.repeats, client_factory))
        kept_alive_ms, fresh_ms = small_answer_latency(client_factory, 20)
    finally:
        emulator.stop()

    pc.print_table(
        "Emulator: DescribeInstances pages of 100 (medians of {0} listings)".format(args.repeats),
        ["instances, threads", "pages", "s per listing", "pages/s", "ms/page (latency)", "emulator CPU ms/page", "client CPU ms/page"],
        [
            [
                "{0}, {1} thread(s)".format(r["layout"], r["threads"]),
                r["pages"],
                r["seconds"],
                r["pages_per_s"],
                r["ms_per_page_latency"],
                r["emulator_cpu_ms_per_page"],
                r["client_cpu_ms_per_page"],
            ]
            for r in rows
        ],
    )
    pc.print_table(
        "Emulator: one small answer (DescribeInstances, limit 1), median of 20 calls",
        ["connection", "ms per call"],
        [["kept alive (one session)", kept_alive_ms], ["new connection each call", fresh_ms]],
    )
    spread_rows = [r for r in rows if "4 regions" in r["layout"]]
    best = max(spread_rows, key=lambda r: r["pages_per_s"])
    listing_seconds = best["pages"] / best["pages_per_s"]
    listing_detail = "{0:.0f} pages/s: {1} pages in {2:.2f} s ({3} thread(s))".format(best["pages_per_s"], best["pages"], listing_seconds, best["threads"])
    stall_detail = "{0:.1f} ms kept alive vs {1:.1f} ms on a new connection".format(kept_alive_ms, fresh_ms)
    goal_list = [
        pc.goal_line("emulator lists {0} instances ({1} pages) in under 1 s".format(args.instances, best["pages"]), listing_seconds < 1.0, listing_detail),
        pc.goal_line(
            "emulator answers a small request on a kept-alive connection as fast as on a new one (no delayed-ACK stall)",
            kept_alive_ms < max(10.0, 3 * fresh_ms),
            stall_detail,
        ),
    ]
    pc.print_goals(goal_list)
    pc.emit_json(
        "emulator",
        {"instances": args.instances, "results": rows, "small_answer_ms": {"kept_alive": kept_alive_ms, "new_connection": fresh_ms}, "goals": goal_list},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
