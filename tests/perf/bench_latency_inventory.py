# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory at real round-trip times, with the API's rate limits on, on both APIs.

One emulator with ``--rate-limits`` holds N instances (default 10,000) over 4
regions. Timed, in a rotating order, ``--repeats`` times each:

* floor: bench_inventory's no-network floor (perf_floor plugin, the same
  hosts, variables and groups from a local JSON file): Ansible's own time;
* plugin: ``ansible-inventory --list`` of ``plugin: qcloud.cvm.cvm`` with
  ``api: legacy`` / ``api: v3``, at every latency (default 0 and 0.1 s);
* cached: the same with a jsonfile cache, filled by a ``--flush-cache`` run at
  the largest latency; the next run is the one measured.

Each plugin run is printed beside its floors (latency_common): the rate-limit
floor of its pages (100 pages of DescribeInstances at 40/s with a burst of 40:
1.5 s) and the latency floor (every request of the listing through the
plugin's ``max_workers`` = 4 workers: ceil(requests / 4) rounds per action). Goals, at the largest latency:
the plugin within 10 % of (no-network floor + rate-limit floor), no run failed
from throttling; the cached run at most 1.05 x the floor and 0 requests.

    python tests/perf/bench_latency_inventory.py [--size 10000] [--latencies 0,0.1] [--apis legacy,v3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from pathlib import Path

import bench_inventory
import latency_common as lc
import perf_common as pc

REGIONS = bench_inventory.REGIONS
# The inventory plugin's default (option max_workers).
MAX_WORKERS = 4
# Goals of issue 14.
PLUGIN_SLACK = 1.10
CACHED_RATIO = 1.05


class Sides:
    """The inventory sources and how to run each: floor, plugin per (API, latency), fill and cached per API."""

    def __init__(self, emulator, workdir, size):
        self.emulator = emulator
        self.workdir = Path(workdir)
        self.size = size
        self.floor_file = self.workdir / "hosts.perf_floor.json"
        self.floor_env = pc.ansible_env(emulator, ANSIBLE_INVENTORY_PLUGINS=pc.PERF_DIR / "inventory_plugins", ANSIBLE_INVENTORY_ENABLED="perf_floor")
        self.runs = 0

    def config(self, api, cached=False):
        path = self.workdir / ("{0}{1}.cvm.yml".format(api, "-cached" if cached else ""))
        text = "plugin: qcloud.cvm.cvm\napi: {0}\nregions: [{1}]\n".format(api, ", ".join(REGIONS))
        if cached:
            text += "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {0}\ncache_timeout: 3600\n".format(self.workdir / ("cache-" + api))
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, side, api=None, latency=0.0):
        """One measured run of ``side`` (floor, plugin, fill, cached): the process, its requests and its floors."""
        self.runs += 1
        if side != "floor":
            lc.set_latency(self.emulator, latency)
            lc.let_buckets_refill()
        command = [
            pc.ansible_bin("ansible-inventory"),
            "-i",
            self.floor_file if side == "floor" else self.config(api, cached=side in ("fill", "cached")),
            "--list",
        ]
        if side == "fill":
            command.append("--flush-cache")
        env = self.floor_env if side == "floor" else lc.api_env(self.emulator, api)
        before = pc.last_seq(self.emulator)
        emulator_before = pc.process_cpu_seconds(self.emulator.process.pid)
        out = self.workdir / "{0}-{1}.json".format(side, self.runs)
        run = pc.run_measured(command, env, self.workdir, out)
        emulator_after = pc.process_cpu_seconds(self.emulator.process.pid)
        emulator_cpu = None if emulator_before is None or emulator_after is None else emulator_after - emulator_before
        entries = pc.request_log_since(self.emulator, before)
        by_action = pc.count_by_action(entries)
        # Every request of a listing (pages, and per region the groups or the timers) goes through the plugin's workers.
        rounds = lc.latency_rounds(by_action, lambda action: MAX_WORKERS)
        record = {
            "side": side,
            "api": api,
            "latency_s": latency,
            "rc": run.rc,
            "wall_s": run.wall,
            "cpu_s": run.cpu,
            "rss_mib": run.rss_mib,
            "requests": len(entries),
            "by_action": by_action,
            "throttled": lc.throttled(entries),
            "rate_floor_s": lc.rate_limit_floor(api, by_action) if api else 0.0,
            "rounds": rounds,
            "latency_floor_s": rounds * latency,
            "api_span_s": lc.api_span(entries, latency),
            "emulator_cpu_s": emulator_cpu,
            # CPU the rest of the machine (other test runs) used meanwhile: the noise in the wall time.
            "others_cpu_s": None if run.busy is None else max(0.0, run.busy - run.cpu - (emulator_cpu or 0.0)),
            "error": None if run.rc == 0 else run.stderr[-2000:],
        }
        return record, out

    def prepare(self):
        """The floor's file from one plugin run (v3, no latency); the floor's output checked equal to each API's."""
        reference, out = self.run("plugin", "v3", 0.0)
        if reference["rc"] != 0:
            raise SystemExit("reference run failed: " + str(reference["error"]))
        listing = json.loads(out.read_text(encoding="utf-8"))
        hosts = len(listing.get("_meta", {}).get("hostvars", {}))
        if hosts != self.size:
            raise SystemExit("the plugin listed {0} hosts, expected {1}".format(hosts, self.size))
        self.floor_file.write_text(json.dumps(bench_inventory.floor_data(listing)), encoding="utf-8")
        floor, floor_out = self.run("floor")
        floor_listing = bench_inventory.normalised(json.loads(floor_out.read_text(encoding="utf-8")))
        identical = {"v3": floor_listing == bench_inventory.normalised(listing)}
        legacy, legacy_out = self.run("plugin", "legacy", 0.0)
        identical["legacy"] = legacy["rc"] == 0 and floor_listing == bench_inventory.normalised(json.loads(legacy_out.read_text(encoding="utf-8")))
        for path in (out, floor_out, legacy_out):
            path.unlink()
        return identical


def units(apis, latencies):
    """What one round runs: the floor, every (API, latency) plugin run, and a fill + cached pair per API."""
    result = [[("floor", None, 0.0)]]
    result += [[("plugin", api, latency)] for latency in latencies for api in apis]
    result += [[("fill", api, max(latencies)), ("cached", api, max(latencies))] for api in apis]
    return result


def measure(sides, apis, latencies, repeats):
    records = []
    plan = units(apis, latencies)
    for round_index in range(repeats):
        shift = round_index % len(plan)
        for unit in plan[shift:] + plan[:shift]:
            for side, api, latency in unit:
                record, out = sides.run(side, api, latency)
                out.unlink(missing_ok=True)
                record["round"] = round_index
                records.append(record)
                pc.log(
                    "N={0} round {1}: {2:6s} {3:6s} latency {4:g}: wall {5:6.2f}s cpu {6:6.2f}s requests {7} throttled {8} rc {9}".format(
                        sides.size,
                        round_index + 1,
                        side,
                        api or "-",
                        latency,
                        record["wall_s"],
                        record["cpu_s"],
                        record["requests"],
                        record["throttled"],
                        record["rc"],
                    )
                )
    return records


def summarise(records):
    groups = {}
    for record in records:
        groups.setdefault((record["side"], record["api"], record["latency_s"]), []).append(record)
    floor_wall = pc.median([r["wall_s"] for r in groups[("floor", None, 0.0)]])
    floor_cpu = pc.median([r["cpu_s"] for r in groups[("floor", None, 0.0)]])
    summary = []
    for (side, api, latency), runs in groups.items():
        wall = pc.median([r["wall_s"] for r in runs])
        rate_floor = pc.median([r["rate_floor_s"] for r in runs])
        latency_floor = pc.median([r["latency_floor_s"] for r in runs])
        summary.append(
            {
                "side": side,
                "api": api,
                "latency_s": latency,
                "repeats": len(runs),
                "failed": sum(1 for r in runs if r["rc"] != 0),
                "wall_s": wall,
                "wall_range_s": pc.spread([r["wall_s"] for r in runs]),
                "cpu_s": pc.median([r["cpu_s"] for r in runs]),
                "rss_mib": max(r["rss_mib"] for r in runs),
                "requests_max": max(r["requests"] for r in runs),
                "by_action": runs[-1]["by_action"],
                "throttled_max": max(r["throttled"] for r in runs),
                "rate_floor_s": rate_floor,
                "rounds": runs[-1]["rounds"],
                "latency_floor_s": latency_floor,
                "api_span_s": pc.median([r["api_span_s"] for r in runs]),
                "others_cpu_s": pc.median([r["others_cpu_s"] for r in runs]),
                "x_floor_wall": pc.ratio(wall, floor_wall),
                "x_floor_cpu": pc.ratio(pc.median([r["cpu_s"] for r in runs]), floor_cpu),
                # The goal's bound: Ansible's own time plus what the rate limits impose.
                "x_floor_plus_rate": pc.ratio(wall, floor_wall + rate_floor),
                "x_floor_plus_network": pc.ratio(wall, floor_wall + max(rate_floor, latency_floor)),
                "walls_s": [r["wall_s"] for r in runs],
            }
        )
    order = {"floor": 0, "plugin": 1, "fill": 2, "cached": 3}
    summary.sort(key=lambda row: (order[row["side"]], row["latency_s"], row["api"] or ""))
    return summary


def print_summary(size, summary):
    pc.print_table(
        "Inventory of {0} instances over {1} regions, rate limits on: medians (s); x = ratio to the no-network floor".format(size, len(REGIONS)),
        [
            "side",
            "API",
            "latency",
            "wall",
            "wall range",
            "CPU",
            "x wall",
            "rate floor",
            "rounds",
            "latency floor",
            "x (floor + rate)",
            "x (floor + max(rate, latency))",
            "API span",
            "requests",
            "throttled",
            "failed",
            "others' CPU",
        ],
        [
            [
                row["side"],
                row["api"] or "-",
                row["latency_s"],
                row["wall_s"],
                "{0}-{1}".format(pc.fmt(row["wall_range_s"][0]), pc.fmt(row["wall_range_s"][1])),
                row["cpu_s"],
                row["x_floor_wall"],
                row["rate_floor_s"],
                row["rounds"],
                row["latency_floor_s"],
                row["x_floor_plus_rate"],
                row["x_floor_plus_network"],
                row["api_span_s"],
                row["requests_max"],
                row["throttled_max"],
                row["failed"],
                row["others_cpu_s"],
            ]
            for row in summary
        ],
    )


def goals(size, summary, apis, latency, identical):
    def row_of(side, api, at):
        return next((row for row in summary if (row["side"], row["api"], row["latency_s"]) == (side, api, at)), None)

    goal_list = []
    for api in apis:
        plugin = row_of("plugin", api, latency)
        goal_list.append(
            pc.goal_line(
                "{0} at {1:g} s, N={2}: plugin wall <= {3:.2f} x (no-network floor + rate-limit floor)".format(api, latency, size, PLUGIN_SLACK),
                plugin["x_floor_plus_rate"] <= PLUGIN_SLACK and not plugin["failed"],
                "{0:.2f} x ({1:.2f} s vs {2:.2f} s + {3:.2f} s); latency floor {4:.2f} s ({5} rounds, {6} workers): {7:.2f} x (floor + max(both))".format(
                    plugin["x_floor_plus_rate"],
                    plugin["wall_s"],
                    plugin["wall_s"] / plugin["x_floor_wall"],
                    plugin["rate_floor_s"],
                    plugin["latency_floor_s"],
                    plugin["rounds"],
                    MAX_WORKERS,
                    plugin["x_floor_plus_network"],
                ),
            )
        )
        cached = row_of("cached", api, latency)
        goal_list.append(
            pc.goal_line(
                "{0}, N={1}: cached run wall <= {2:.2f} x floor, 0 requests".format(api, size, CACHED_RATIO),
                cached["x_floor_wall"] <= CACHED_RATIO and cached["requests_max"] == 0,
                "{0:.3f} x ({1:.2f} s), {2} requests".format(cached["x_floor_wall"], cached["wall_s"], cached["requests_max"]),
            )
        )
        goal_list.append(
            pc.goal_line(
                "{0}: no inventory run failed from throttling".format(api),
                not any(row["failed"] for row in summary if row["api"] == api),
                "{0} failed runs; {1} throttled answers (retried)".format(
                    sum(row["failed"] for row in summary if row["api"] == api), sum(row["throttled_max"] for row in summary if row["api"] == api)
                ),
            )
        )
    goal_list.append(
        pc.goal_line(
            "floor loads the same hosts, vars and groups as each API",
            all(identical.values()),
            ", ".join("{0}: {1}".format(k, pc.fmt(v)) for k, v in identical.items()),
        )
    )
    return goal_list


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000, help="instances over the 4 regions (default %(default)s)")
    parser.add_argument("--latencies", default="0,0.1", help="emulator latencies in seconds (default %(default)s); goals at the largest")
    parser.add_argument("--apis", default=",".join(lc.APIS), help="APIs (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default %(default)s)")
    args = parser.parse_args(argv)
    latencies = [float(value) for value in args.latencies.split(",") if value.strip()]
    apis = [api.strip() for api in args.apis.split(",") if api.strip()]

    emulator = lc.start_rate_limited_emulator()
    try:
        with tempfile.TemporaryDirectory(prefix="perf-latency-inventory-") as workdir:
            emulator.seed(args.size, REGIONS, name_prefix="seed", status=2)
            pc.log("N={0}: seeded over {1}; reference runs and floor check".format(args.size, ", ".join(REGIONS)))
            sides = Sides(emulator, workdir, args.size)
            identical = sides.prepare()
            records = measure(sides, apis, latencies, args.repeats)
    finally:
        emulator.stop()

    summary = summarise(records)
    print_summary(args.size, summary)
    goal_list = goals(args.size, summary, apis, max(latencies), identical)
    pc.print_goals(goal_list)
    pc.emit_json(
        "latency_inventory",
        {"size": args.size, "regions": REGIONS, "latencies": latencies, "apis": apis, "max_workers": MAX_WORKERS, "summary": summary, "goals": goal_list},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
