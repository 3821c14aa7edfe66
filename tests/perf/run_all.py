# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run every benchmark of tests/perf (``make bench``), then print all goals in one table.

Each benchmark runs as its own process and prints its tables and its
``BENCH_JSON`` line; this script repeats the goals of all of them at the end
and prints one more line ``BENCH_JSON {"bench": "summary", ...}``. It exits
non-zero only when a benchmark could not run, never because a goal was missed.

    python tests/perf/run_all.py [--quick] [--only inventory,wait_latency] [--repeats N] [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import perf_common as pc

BENCHES = ("emulator", "api_economy", "wait_latency", "module_overhead", "inventory")


def command(name, args):
    script = pc.PERF_DIR / "bench_{0}.py".format(name)
    extra = []
    if name == "inventory":
        extra += ["--sizes", args.sizes or ("1000" if args.quick else "1000,10000")]
        if args.repeats or args.quick:
            extra += ["--repeats", str(args.repeats or 2)]
        if args.profile:
            extra.append("--profile")
    elif name in ("wait_latency", "module_overhead"):
        if args.repeats or args.quick:
            extra += ["--repeats", str(args.repeats or 3)]
    elif name == "api_economy" and args.quick:
        extra += ["--extra-delays", ""]
    elif name == "emulator" and args.quick:
        extra += ["--repeats", "1"]
    return [sys.executable, str(script)] + extra


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller and fewer runs (about 2 minutes), for trying the scripts")
    parser.add_argument("--only", help="comma-separated benchmarks to run, of: " + ", ".join(BENCHES))
    parser.add_argument("--repeats", type=int, help="repeats for inventory, wait_latency and module_overhead")
    parser.add_argument("--sizes", help="inventory sizes (default 1000,10000)")
    parser.add_argument("--profile", action="store_true", help="profile the inventory runs at the largest size")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.only.split(",")] if args.only else list(BENCHES)
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        parser.error("unknown benchmark(s): {0}".format(", ".join(unknown)))

    pc.collections_path()  # fail early, with the hint, when the collection is not installed
    records = {}
    failed = []
    for name in names:
        cmd = command(name, args)
        print("\n=== {0}: {1}".format(name, " ".join(cmd[1:])), flush=True)
        begin = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=str(pc.REPO_ROOT))  # pylint: disable=consider-using-with
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if line.startswith("BENCH_JSON "):
                records[name] = json.loads(line[len("BENCH_JSON ") :])
        process.wait()
        print("=== {0}: exit {1} after {2:.0f} s".format(name, process.returncode, time.perf_counter() - begin), flush=True)
        if process.returncode != 0 or name not in records:
            failed.append(name)

    goals = [dict(goal, bench=name) for name in names if name in records for goal in records[name].get("goals", [])]
    pc.print_table(
        "All goals",
        ["bench", "goal", "met", "measured"],
        [[g["bench"], g["goal"], "MET" if g["met"] else ("n/a" if g["met"] is None else "MISSED"), g["detail"]] for g in goals],
    )
    if failed:
        print("\nbenchmarks that could not run: " + ", ".join(failed))
    pc.emit_json("summary", {"benches": names, "failed": failed, "goals": goals})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
