# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run every benchmark of tests/perf (``make bench``), then print all goals in one table.

Each benchmark runs as its own process and prints its tables and its
``BENCH_JSON`` line; this script repeats the goals of all of them at the end
and prints one more line ``BENCH_JSON {"bench": "summary", ...}``. It exits
non-zero only when a benchmark could not run, never because a goal was missed.

The anchor (bench_anchor.py) and the plots (plot.py) run with the benchmark
environment's Python (``--bench-python``, default .venv-bench/bin/python:
``make bench-venv``), which has amazon.aws, moto and matplotlib; every other
benchmark runs with this script's Python. ``--results FILE`` keeps every
benchmark's record (``{name: BENCH_JSON record}``); the plots are made from it
into ``--figures`` (default tests/perf/figures, or a temporary folder with
``--quick``, whose figures are not for the README).

    python tests/perf/run_all.py [--quick] [--only inventory,latency_tasks] [--repeats N] [--sizes 1000,10000] [--results FILE] [--figures DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

from pathlib import Path

import perf_common as pc

BENCHES = ("emulator", "api_economy", "wait_latency", "module_overhead", "inventory", "latency_tasks", "latency_inventory", "anchor")
# Run with the benchmark environment's Python (amazon.aws, boto3, moto).
BENCH_VENV_ONLY = ("anchor",)
DEFAULT_BENCH_PYTHON = pc.REPO_ROOT / ".venv-bench" / "bin" / "python"


def command(name, args):
    script = pc.PERF_DIR / "bench_{0}.py".format(name)
    python = args.bench_python if name in BENCH_VENV_ONLY else sys.executable
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
    elif name == "latency_tasks" and args.quick:
        extra += ["--sizes", "1,10", "--latencies", "0.1", "--repeats", "1"]
    elif name == "latency_tasks" and args.repeats:
        extra += ["--repeats", str(args.repeats)]
    elif name == "latency_inventory" and args.quick:
        extra += ["--size", "1000", "--latencies", "0.1", "--repeats", "1"]
    elif name == "latency_inventory" and args.repeats:
        extra += ["--repeats", str(args.repeats)]
    elif name == "anchor" and args.quick:
        extra += ["--sizes", "200", "--repeats", "1"]
    elif name == "anchor" and args.repeats:
        extra += ["--repeats", str(args.repeats)]
    return [str(python), str(script)] + extra


def plot(args, records):
    """The PNGs, made by plot.py in the benchmark environment from the records of this run."""
    results = Path(args.results) if args.results else Path(tempfile.mkdtemp(prefix="perf-results-")) / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(records, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    print("\nresults: {0}".format(results), flush=True)
    if not Path(args.bench_python).exists():
        print("no plots: {0} is missing (make bench-venv)".format(args.bench_python), flush=True)
        return
    figures = args.figures or (tempfile.mkdtemp(prefix="perf-figures-") if args.quick else str(pc.PERF_DIR / "figures"))
    subprocess.call([str(args.bench_python), str(pc.PERF_DIR / "plot.py"), str(results), "--figures", figures], cwd=str(pc.REPO_ROOT))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller and fewer runs (about 5 minutes), for trying the scripts")
    parser.add_argument("--only", help="comma-separated benchmarks to run, of: " + ", ".join(BENCHES))
    parser.add_argument("--repeats", type=int, help="repeats for inventory, wait_latency, module_overhead, latency_*, anchor")
    parser.add_argument("--sizes", help="inventory sizes (default 1000,10000)")
    parser.add_argument("--profile", action="store_true", help="profile the inventory runs at the largest size")
    parser.add_argument("--bench-python", default=str(DEFAULT_BENCH_PYTHON), help="Python of the benchmark environment (default %(default)s)")
    parser.add_argument("--results", help="write every benchmark's record here (JSON), for plot.py")
    parser.add_argument("--figures", help="folder for the PNGs (default tests/perf/figures; a temporary one with --quick)")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.only.split(",")] if args.only else list(BENCHES)
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        parser.error("unknown benchmark(s): {0}".format(", ".join(unknown)))

    pc.collections_path()  # fail early, with the hint, when the collection is not installed
    records = {}
    failed = []
    for name in names:
        if name in BENCH_VENV_ONLY and not Path(args.bench_python).exists():
            print("\n=== {0}: not run, {1} is missing (make bench-venv)".format(name, args.bench_python), flush=True)
            failed.append(name)
            continue
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
    plot(args, records)
    pc.emit_json("summary", {"benches": names, "failed": failed, "goals": goals})
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
