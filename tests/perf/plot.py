# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PNG plots of the benchmark results, for tests/perf/README.md.

Needs matplotlib, which only the benchmark environment has (``make
bench-venv``); the benchmarks themselves never import it. Reads the results
file run_all.py writes (``--results``: ``{bench name: its BENCH_JSON record}``),
or any text holding ``BENCH_JSON`` lines, and writes into the figures folder:

* ``anchor_inventory.png``: wall (and CPU) time of ``ansible-inventory --list``
  against N, ours (both APIs) and amazon.aws's aws_ec2 (bench_anchor);
* ``tasks_vs_n.png``: give-back and bandwidth-change task time against the
  number of instances, at each latency on both APIs, with the rate-limit floor
  (the 1-instance task plus the seconds the rate limits add; bench_latency_tasks).

A plot whose benchmark is not in the results is skipped (its PNG left as it was).

    .venv-bench/bin/python tests/perf/plot.py RESULTS [RESULTS ...] [--figures DIR] [--merged FILE]

``--merged FILE`` also writes the merged records there (as run_all.py would).
"""

from __future__ import annotations

import argparse
import json
import sys

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

FIGURES_DIR = Path(__file__).resolve().parent / "figures"
# 800 x 500 pixels: readable in a README, small in the repository.
SIZE_INCHES = (8, 5)
DPI = 100
API_COLOURS = {"aws_ec2": "tab:red", "v3": "tab:blue", "legacy": "tab:green"}
LATENCY_STYLES = ("-", "--", "-.", ":")


def load(path):
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return json.loads(text)
    records = {}
    for line in text.splitlines():
        if line.startswith("BENCH_JSON "):
            record = json.loads(line[len("BENCH_JSON ") :])
            records[record["bench"]] = record
    return records


def subtitle(record):
    machine = record.get("machine") or {}
    load_avg = machine.get("loadavg") or []
    return "{0}, {1} CPUs, load {2}, ansible-core {3}".format(
        (machine.get("date") or "")[:10], machine.get("cpus"), ", ".join(str(x) for x in load_avg), machine.get("ansible_core")
    )


def plot_anchor(record, out):
    results = sorted(record["results"], key=lambda r: r["n"])
    sizes = [r["n"] for r in results]
    fig, ax = plt.subplots(figsize=SIZE_INCHES, dpi=DPI)
    for side, label in (("aws_ec2", "amazon.aws.aws_ec2 (moto)"), ("v3", "qcloud.cvm.cvm, api: v3"), ("legacy", "qcloud.cvm.cvm, api: legacy")):
        colour = API_COLOURS[side]
        ax.plot(sizes, [r["sides"][side]["wall_s"] for r in results], marker="o", color=colour, label=label + ", wall")
        ax.plot(sizes, [r["sides"][side]["cpu_s"] for r in results], marker="x", linestyle="--", color=colour, label=label + ", CPU")
    ax.set_xlabel("hosts (instances over 4 regions)")
    ax.set_ylabel("seconds (median of {0} runs)".format(results[0]["repeats"]))
    ax.set_title("ansible-inventory --list: ours vs aws_ec2\n" + subtitle(record), fontsize=10)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, handlelength=3.5)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def plot_tasks(record, out):
    rows = record["summary"]
    fig, axes = plt.subplots(1, 2, figsize=SIZE_INCHES, dpi=DPI)
    for ax, step, title in ((axes[0], "absent", "give-back (state: absent)"), (axes[1], "bandwidth", "bandwidth change")):
        for api in record["apis"]:
            for index, latency in enumerate(record["latencies"]):
                points = sorted((r["n"], r) for r in rows if r["api"] == api and r["latency_s"] == latency and r["step"] == step and r["task_s"] is not None)
                if not points:
                    continue
                sizes = [n for n, _row in points]
                style = LATENCY_STYLES[index % len(LATENCY_STYLES)]
                ax.plot(
                    sizes, [r["task_s"] for _n, r in points], marker="o", linestyle=style, color=API_COLOURS[api], label="{0}, {1:g} s".format(api, latency)
                )
                # The rate-limit floor at the goals' latency (the largest): the 1-instance task plus what the rate limits add at N.
                one = points[0][1]
                floor = [one["task_s"] + r["rate_floor_s"] - one["rate_floor_s"] for _n, r in points]
                if latency == max(record["latencies"]) and any(r["rate_floor_s"] for _n, r in points):
                    ax.plot(
                        sizes,
                        floor,
                        linestyle=":",
                        linewidth=1,
                        color=API_COLOURS[api],
                        label="{0}, {1:g} s: 1-instance task + rate-limit floor".format(api, latency),
                    )
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("instances (N)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("task seconds (median)")
    axes[1].legend(fontsize=7, handlelength=3.5)
    fig.suptitle("cvm_instance_hour with rate limits on, latency per answer\n" + subtitle(record), fontsize=10)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


PLOTS = (("anchor", "anchor_inventory.png", plot_anchor), ("latency_tasks", "tasks_vs_n.png", plot_tasks))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", help="result files (run_all.py --results, or output with BENCH_JSON lines)")
    parser.add_argument("--figures", default=str(FIGURES_DIR), help="folder for the PNGs (default %(default)s)")
    parser.add_argument("--merged", help="write the merged records here")
    args = parser.parse_args(argv)
    records = {}
    for path in args.results:
        records.update(load(path))
    if args.merged:
        Path(args.merged).write_text(json.dumps(records, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    figures = Path(args.figures)
    figures.mkdir(parents=True, exist_ok=True)
    for bench, filename, plot in PLOTS:
        if bench not in records:
            print("plot: no {0} results, {1} left as it was".format(bench, filename))
            continue
        plot(records[bench], figures / filename)
        print("plot: wrote {0}".format(figures / filename))
    return 0


if __name__ == "__main__":
    sys.exit(main())
