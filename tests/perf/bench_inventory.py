# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inventory at scale: ``ansible-inventory --list`` with the qcloud.cvm.cvm plugin against the floor.

The emulator holds N instances spread over 4 regions. Three sides are timed,
in a rotating order, ``--repeats`` times each:

* plugin: ``ansible-inventory -i bench.cvm.yml --list`` (regions gz, sh, bj, hk);
* floor:  the same hosts, host variables and groups loaded from a local JSON
  file by tests/perf/inventory_plugins/perf_floor.py with the same inventory
  calls and no network: what Ansible itself costs for those hosts;
* cached: ``cached.cvm.yml`` (the same plus a jsonfile cache): a run with
  ``--flush-cache`` fills the cache, the next run is the one measured.

The floor's file is made from one ``--list`` output of the plugin, and the
floor's own ``--list`` output is compared with it (``identical`` in the table).

    python tests/perf/bench_inventory.py [--sizes 1000,10000] [--repeats 3] [--profile]
"""

from __future__ import annotations

import argparse
import json
import pstats
import sys
import tempfile

from pathlib import Path

import perf_common as pc

REGIONS = ["gz", "sh", "bj", "hk"]
BUILTIN_GROUPS = ("all", "ungrouped")
# Variables ansible-inventory adds itself; the floor gets them from add_host like the plugin.
INTERNAL_VARS = ("inventory_file", "inventory_dir")


def unwrap(value):
    """A ``--list`` value without the ``{"__ansible_unsafe": ...}`` wrappers of ansible-core 2.19."""
    if isinstance(value, dict):
        if len(value) == 1 and "__ansible_unsafe" in value:
            return unwrap(value["__ansible_unsafe"])
        return {key: unwrap(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    return value


def floor_data(listing):
    """The perf_floor file's content from a ``--list`` output: groups (in creation order), group vars, hosts."""
    listing = unwrap(listing)
    groups = []
    seen = set()
    queue = [("all", None)]
    while queue:
        name, parent = queue.pop(0)
        if name not in BUILTIN_GROUPS:
            groups.append([name, parent if parent not in BUILTIN_GROUPS else None])
        if name in seen:
            continue
        seen.add(name)
        for child in listing.get(name, {}).get("children", []):
            queue.append((child, name))
    memberships = {}
    for name, group in listing.items():
        if name == "_meta" or name in BUILTIN_GROUPS:
            continue
        for host in group.get("hosts", []):
            memberships.setdefault(host, []).append(name)
    hostvars = listing.get("_meta", {}).get("hostvars", {})
    hosts = []
    for host in list(hostvars) + [h for h in memberships if h not in hostvars]:
        host_groups = memberships.get(host, [])
        variables = {key: value for key, value in hostvars.get(host, {}).items() if key not in INTERNAL_VARS}
        hosts.append([host, host_groups[0] if host_groups else None, host_groups[1:], variables])
    group_vars = {name: group["vars"] for name, group in listing.items() if name != "_meta" and group.get("vars")}
    return {"groups": groups, "group_vars": group_vars, "hosts": hosts}


def normalised(listing):
    """A ``--list`` output in a form that ignores the order of groups, children and hosts."""
    listing = unwrap(listing)
    groups = {}
    for name, group in listing.items():
        if name == "_meta":
            continue
        groups[name] = {key: sorted(value) if isinstance(value, list) else value for key, value in group.items()}
    return {"groups": groups, "hostvars": listing.get("_meta", {}).get("hostvars", {})}


class Bench:
    def __init__(self, emulator, workdir, size, regions):
        self.emulator = emulator
        self.workdir = Path(workdir)
        self.size = size
        self.regions = regions
        self.runs = 0
        regions_yaml = "[" + ", ".join(regions) + "]"
        self.plugin_config = self.workdir / "bench.cvm.yml"
        self.plugin_config.write_text("plugin: qcloud.cvm.cvm\nregions: {0}\n".format(regions_yaml))
        self.cache_dir = self.workdir / "cache"
        self.cached_config = self.workdir / "cached.cvm.yml"
        self.cached_config.write_text(
            "plugin: qcloud.cvm.cvm\nregions: {0}\ncache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {1}\ncache_timeout: 3600\n".format(
                regions_yaml, self.cache_dir
            )
        )
        self.floor_file = self.workdir / "hosts.perf_floor.json"
        self.plugin_env = pc.ansible_env(emulator)
        self.floor_env = pc.ansible_env(emulator, ANSIBLE_INVENTORY_PLUGINS=pc.PERF_DIR / "inventory_plugins", ANSIBLE_INVENTORY_ENABLED="perf_floor")

    def command(self, side):
        inventory = {"plugin": self.plugin_config, "floor": self.floor_file, "fill": self.cached_config, "cached": self.cached_config}[side]
        command = [pc.ansible_bin("ansible-inventory"), "-i", inventory, "--list"]
        if side == "fill":
            command.append("--flush-cache")
        return command

    def env(self, side):
        return self.floor_env if side == "floor" else self.plugin_env

    def run(self, side, prefix=()):
        """One measured run: the Measured process plus API requests and the emulator's CPU seconds meanwhile."""
        self.runs += 1
        before_seq = pc.last_seq(self.emulator)
        before_cpu = pc.process_cpu_seconds(self.emulator.process.pid)
        out = self.workdir / "{0}-{1}.json".format(side, self.runs)
        run = pc.run_measured(list(prefix) + self.command(side), self.env(side), self.workdir, out)
        run.check("ansible-inventory ({0}, N={1})".format(side, self.size))
        after_cpu = pc.process_cpu_seconds(self.emulator.process.pid)
        entries = pc.request_log_since(self.emulator, before_seq)
        run.requests = len(entries)
        run.requests_by_action = pc.count_by_action(entries)
        run.emulator_cpu = None if before_cpu is None or after_cpu is None else after_cpu - before_cpu
        # CPU the rest of the machine (other developers' jobs) used during the run: the noise in the wall time.
        run.others_cpu = None if run.busy is None else max(0.0, run.busy - run.cpu - (run.emulator_cpu or 0.0))
        return run

    def prepare(self):
        """Reference run of the plugin -> the floor's file; then the floor's output is compared with the plugin's."""
        reference = self.run("plugin")
        listing = json.loads(reference.stdout())
        hosts = len(listing.get("_meta", {}).get("hostvars", {}))
        if hosts != self.size:
            raise SystemExit("the plugin listed {0} hosts, expected {1}".format(hosts, self.size))
        self.floor_file.write_text(json.dumps(floor_data(listing)))
        floor = self.run("floor")
        identical = normalised(json.loads(floor.stdout())) == normalised(listing)
        Path(reference.stdout_path).unlink()
        Path(floor.stdout_path).unlink()
        return identical

    def measure(self, repeats):
        units = [["plugin"], ["floor"], ["fill", "cached"]]
        runs = {"plugin": [], "floor": [], "fill": [], "cached": []}
        for round_index in range(repeats):
            shift = round_index % len(units)
            for unit in units[shift:] + units[:shift]:
                for side in unit:
                    run = self.run(side)
                    Path(run.stdout_path).unlink()
                    runs[side].append(run)
                    pc.log(
                        "N={0} round {1}: {2:6s} wall {3:6.2f}s cpu {4:6.2f}s rss {5:6.0f}MiB requests {6}".format(
                            self.size, round_index + 1, side, run.wall, run.cpu, run.rss_mib, run.requests
                        )
                    )
        return runs

    def profile(self, side):
        """One run of ``side`` under cProfile (main thread only); returns the pstats.Stats."""
        prof = self.workdir / "{0}.prof".format(side)
        self.run(side, prefix=[sys.executable, "-m", "cProfile", "-o", prof])
        return pstats.Stats(str(prof))


def summarise(size, runs, identical):
    def med(side, attribute):
        return pc.median([getattr(run, attribute) for run in runs[side]])

    result = {"n": size, "identical": identical, "repeats": len(runs["plugin"])}
    for side in ("plugin", "floor", "fill", "cached"):
        walls = [run.wall for run in runs[side]]
        result[side] = {
            "wall_s": med(side, "wall"),
            "wall_range_s": pc.spread(walls),
            "cpu_s": med(side, "cpu"),
            "user_s": med(side, "user"),
            "sys_s": med(side, "system"),
            "rss_mib": max(run.rss_mib for run in runs[side]),
            "requests": pc.median([run.requests for run in runs[side]]),
            "requests_max": max(run.requests for run in runs[side]),
            "requests_by_action": runs[side][-1].requests_by_action,
            "emulator_cpu_s": med(side, "emulator_cpu"),
            "others_cpu_s": med(side, "others_cpu"),
            "cpu_ms_per_host": med(side, "cpu") * 1000.0 / size,
            "walls_s": walls,
            "cpus_s": [run.cpu for run in runs[side]],
        }
    floor = result["floor"]
    result["ratios"] = {
        "plugin_cpu": pc.ratio(result["plugin"]["cpu_s"], floor["cpu_s"]),
        "plugin_wall": pc.ratio(result["plugin"]["wall_s"], floor["wall_s"]),
        "cached_wall": pc.ratio(result["cached"]["wall_s"], floor["wall_s"]),
        "cached_cpu": pc.ratio(result["cached"]["cpu_s"], floor["cpu_s"]),
        # Per-round ratios: each pair ran close in time, so these see less of the machine's noise.
        "plugin_cpu_per_round": pc.median([p.cpu / f.cpu for p, f in zip(runs["plugin"], runs["floor"])]),
        "plugin_wall_per_round": pc.median([p.wall / f.wall for p, f in zip(runs["plugin"], runs["floor"])]),
        "cached_wall_per_round": pc.median([c.wall / f.wall for c, f in zip(runs["cached"], runs["floor"])]),
    }
    result["plugin_minus_floor_cpu_ms_per_host"] = (result["plugin"]["cpu_s"] - floor["cpu_s"]) * 1000.0 / size
    return result


def print_results(results):
    rows = []
    for result in results:
        floor = result["floor"]
        for side, label in (("floor", "floor (JSON file)"), ("plugin", "plugin"), ("fill", "plugin, filling cache"), ("cached", "plugin, from cache")):
            data = result[side]
            rows.append(
                [
                    "{0:>6} {1}".format(result["n"], label),
                    data["wall_s"],
                    "{0}-{1}".format(pc.fmt(data["wall_range_s"][0]), pc.fmt(data["wall_range_s"][1])),
                    pc.ratio(data["wall_s"], floor["wall_s"]),
                    data["cpu_s"],
                    pc.ratio(data["cpu_s"], floor["cpu_s"]),
                    data["cpu_ms_per_host"],
                    data["rss_mib"],
                    data["requests"],
                    data["emulator_cpu_s"],
                    data["others_cpu_s"],
                ]
            )
    pc.print_table(
        "Inventory: ansible-inventory --list, medians of {0} runs (wall/CPU in s; x = ratio to the floor)".format(results[0]["repeats"]),
        ["N, side", "wall", "wall range", "x wall", "CPU", "x CPU", "CPU ms/host", "peak RSS MiB", "API req", "emulator CPU", "others' CPU"],
        rows,
    )
    pc.print_table(
        "Inventory: checks, and ratios of runs made one after the other (median over rounds)",
        [
            "N",
            "floor output == plugin output",
            "cached run requests (max)",
            "plugin requests by action",
            "x CPU per round",
            "x wall per round",
            "cached x wall per round",
            "plugin - floor CPU ms/host",
        ],
        [
            [
                r["n"],
                r["identical"],
                r["cached"]["requests_max"],
                json.dumps(r["plugin"]["requests_by_action"]),
                r["ratios"]["plugin_cpu_per_round"],
                r["ratios"]["plugin_wall_per_round"],
                r["ratios"]["cached_wall_per_round"],
                r["plugin_minus_floor_cpu_ms_per_host"],
            ]
            for r in results
        ],
    )
    print("(others' CPU: CPU seconds the rest of the machine used during the run, from /proc/stat: the noise in the wall times.)")


def goals(results):
    largest = max(results, key=lambda r: r["n"])
    ratios = largest["ratios"]
    n = largest["n"]
    return [
        pc.goal_line(
            "N={0}: plugin CPU <= 1.25 x floor".format(n),
            ratios["plugin_cpu"] <= 1.25,
            "{0:.2f} x ({1:.2f} s vs {2:.2f} s)".format(ratios["plugin_cpu"], largest["plugin"]["cpu_s"], largest["floor"]["cpu_s"]),
        ),
        pc.goal_line(
            "N={0}: plugin wall <= 1.5 x floor".format(n),
            ratios["plugin_wall"] <= 1.5,
            "{0:.2f} x ({1:.2f} s vs {2:.2f} s)".format(ratios["plugin_wall"], largest["plugin"]["wall_s"], largest["floor"]["wall_s"]),
        ),
        pc.goal_line(
            "N={0}: cached run wall <= 1.05 x floor".format(n),
            ratios["cached_wall"] <= 1.05,
            "{0:.2f} x ({1:.2f} s vs {2:.2f} s)".format(ratios["cached_wall"], largest["cached"]["wall_s"], largest["floor"]["wall_s"]),
        ),
        pc.goal_line(
            "N={0}: cached run makes no API request".format(n), largest["cached"]["requests_max"] == 0, "{0} requests".format(largest["cached"]["requests_max"])
        ),
        pc.goal_line(
            "floor loads the same hosts, vars and groups",
            all(r["identical"] for r in results),
            ", ".join("N={0}: {1}".format(r["n"], pc.fmt(r["identical"])) for r in results),
        ),
    ]


def origin(filename):
    if "ansible_collections/qcloud/cvm" in filename:
        return "qcloud.cvm (our code)"
    if "/perf_floor.py" in filename:
        return "perf_floor plugin"
    if "/site-packages/ansible/" in filename or "/ansible/" in filename:
        return "ansible-core"
    if "/site-packages/" in filename:
        return "other libraries (yaml, jinja2, requests, ...)"
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C functions: json, hashing, I/O, locks)"
    return "Python stdlib"


def cumulative(stats, funcname, file_part):
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if name == funcname and file_part in filename:
            total += ct
    return total


def print_profile(size, stats_by_side):
    rows = []
    for side, stats in stats_by_side.items():
        by_origin = {}
        for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
            by_origin[origin(filename)] = by_origin.get(origin(filename), 0.0) + tt
        total = sum(by_origin.values())
        for name, seconds in sorted(by_origin.items(), key=lambda item: -item[1]):
            rows.append(["{0}: {1}".format(side, name), seconds, 100.0 * seconds / total])
    pc.print_table(
        "Profile, N={0}: main-thread self time by origin (cProfile; worker threads not included)".format(size), ["side: origin", "seconds", "%"], rows
    )
    phases = [
        ("inventory plugin parse()", "parse", "ansible_collections/qcloud/cvm/plugins/inventory/cvm.py"),
        # The pages, and instance_from_record on their records, run in the listing's worker threads: inside _fetch's wait.
        ("  _fetch (list_instances, waits for the pages)", "_fetch", "plugins/inventory/cvm.py"),
        ("  _populate (hosts, groups, variables)", "_populate", "plugins/inventory/cvm.py"),
        ("    Instance.as_dict", "as_dict", "plugins/module_utils/_cvm/model.py"),
        ("    InventoryData.set_variable", "set_variable", "ansible/inventory/data.py"),
        ("    InventoryData.add_host", "add_host", "ansible/inventory/data.py"),
        ("    InventoryData.add_child", "add_child", "ansible/inventory/data.py"),
        ("  jsonfile cache read", "get", "ansible/plugins/cache/__init__.py"),
        ("perf_floor parse()", "parse", "perf_floor.py"),
        ("InventoryManager.parse_sources", "parse_sources", "ansible/inventory/manager.py"),
        ("InventoryCLI dump (--list output)", "dump", "ansible/cli/inventory.py"),
        ("InventoryCLI json_inventory", "json_inventory", "ansible/cli/inventory.py"),
    ]
    rows = []
    for side, stats in stats_by_side.items():
        total = max(ct for (_cc, _nc, _tt, ct, _callers) in stats.stats.values())
        rows.append(["{0}: whole run".format(side), total])
        for label, funcname, file_part in phases:
            seconds = cumulative(stats, funcname, file_part)
            if seconds:
                rows.append(["{0}: {1}".format(side, label), seconds])
    pc.print_table("Profile, N={0}: cumulative main-thread time of the phases (s; profiling overhead included)".format(size), ["side: phase", "seconds"], rows)
    for side, stats in stats_by_side.items():
        print("\nProfile, N={0}, {1}: top 15 functions by self time".format(size, side))
        stats.sort_stats("tottime").print_stats(15)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="instance counts, comma-separated (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side per size (default %(default)s)")
    parser.add_argument("--regions", default=",".join(REGIONS), help="regions to seed and list (default %(default)s)")
    parser.add_argument("--profile", action="store_true", help="also profile one plugin, cached and floor run at the largest size")
    parser.add_argument("--workdir", help="keep the files here (default: a temporary directory, removed)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    regions = [region.strip() for region in args.regions.split(",") if region.strip()]

    emulator = pc.start_emulator()
    results = []
    profiles = None
    try:
        with tempfile.TemporaryDirectory(prefix="perf-inventory-") as tmp:
            base = Path(args.workdir or tmp)
            for size in sizes:
                workdir = base / "n{0}".format(size)
                workdir.mkdir(parents=True, exist_ok=True)
                emulator.reset()
                emulator.seed(size, regions, name_prefix="seed", status=2)
                pc.log("N={0}: seeded over {1}; reference run and floor check".format(size, ", ".join(regions)))
                bench = Bench(emulator, workdir, size, regions)
                identical = bench.prepare()
                runs = bench.measure(args.repeats)
                results.append(summarise(size, runs, identical))
                if args.profile and size == max(sizes):
                    pc.log("N={0}: profiling".format(size))
                    bench.run("fill")
                    profiles = (size, {side: bench.profile(side) for side in ("plugin", "cached", "floor")})
    finally:
        emulator.stop()

    print_results(results)
    goal_list = goals(results)
    pc.print_goals(goal_list)
    if profiles:
        print_profile(*profiles)
    pc.emit_json("inventory", {"regions": regions, "results": results, "goals": goal_list})
    return 0


if __name__ == "__main__":
    sys.exit(main())
