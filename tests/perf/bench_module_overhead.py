# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Module overhead: an unchanged cvm_instance_hour run against a playbook running ansible.builtin.ping once.

Both playbooks have one task on localhost (connection local) and run in
alternating order ``--repeats`` times; printed are the medians of the whole
ansible-playbook wall time, its CPU time (with the worker and module
processes), and the task's own time (from the record_results callback), and their
ratios. Then the module on its own:

* run directly (``python -m ...cvm_instance_hour args.json``): the module's
  whole process, start to exit, with its one DescribeInstances request;
* its import time (``import ansible_collections.qcloud.cvm.plugins.modules.cvm_instance_hour``
  in a fresh interpreter), with the biggest parts from ``python -X importtime``;
* its request time: the lookup the module makes (DescribeInstances by zone and
  name), sent by the collection's client, first call (new connection) and the
  median of the following ones (kept-alive connection).

    python tests/perf/bench_module_overhead.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from pathlib import Path

import perf_common as pc

MODULE = "ansible_collections.qcloud.cvm.plugins.modules.cvm_instance_hour"
NAME = "perf-overhead"
IMPORT_PARTS = (
    ("ansible.module_utils.basic", "ansible.module_utils.basic"),
    ("requests", "requests"),
    ("qcloud.cvm module_utils (self time)", "ansible_collections.qcloud.cvm.plugins.module_utils."),
    ("the module file itself (self time)", MODULE),
)


def module_env():
    return dict(os.environ, PYTHONPATH=pc.collections_path())


def import_seconds(repeats):
    """Median wall seconds of importing the module in a fresh interpreter (interpreter start-up excluded)."""
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)".format(MODULE)
    samples = []
    for _repeat in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], env=module_env(), capture_output=True, text=True, check=True)
        samples.append(float(out.stdout.strip()))
    return pc.median(samples)


def import_breakdown():
    """Cumulative microseconds of the big imports, and the summed self time of our own modules, from -X importtime."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import {0}".format(MODULE)], env=module_env(), capture_output=True, text=True, check=True)
    parts = {label: 0 for label, _name in IMPORT_PARTS}
    total = 0
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        try:
            self_us, cumulative_us, name = [part.strip() for part in line[len("import time:") :].split("|")]
            self_us, cumulative_us = int(self_us), int(cumulative_us)
        except ValueError:
            continue
        if name == MODULE:
            total = cumulative_us
        for label, prefix in IMPORT_PARTS:
            if prefix.endswith("."):
                if name.startswith(prefix):
                    parts[label] += self_us
            elif name == prefix:
                parts[label] = self_us if prefix == MODULE else cumulative_us
    return total / 1e6, {label: us / 1e6 for label, us in parts.items()}


def direct_run_seconds(emulator, workdir, repeats):
    """Median wall seconds of the module run as a plain Python process against the emulator (unchanged)."""
    args = {
        "ANSIBLE_MODULE_ARGS": {
            "zone_id": pc.ZONE_ID,
            "cpu": 1,
            "mem": 2,
            "image_id": pc.IMAGE_ID,
            "instance_name": NAME,
            "goods_num": 1,
            "secret_id": pc.SECRET_ID,
            "secret_key": pc.SECRET_KEY,
            "region": pc.REGION,
            "endpoint": emulator.endpoint,
        }
    }
    args_file = Path(workdir) / "args.json"
    args_file.write_text(json.dumps(args))
    samples = []
    for _repeat in range(repeats):
        run = pc.run_measured([sys.executable, "-m", MODULE, args_file], module_env(), workdir, Path(workdir) / "direct.out")
        result = json.loads(run.stdout())
        if result.get("failed") or result.get("changed"):
            raise SystemExit("the direct module run was not an unchanged success: {0}".format(run.stdout()[-2000:]))
        samples.append((run.wall, run.cpu))
    return pc.median([s[0] for s in samples]), pc.median([s[1] for s in samples])


def request_seconds(emulator, repeats):
    """(first call, median of the next calls) of the module's lookup request, in seconds."""
    client = pc.legacy_client(emulator.endpoint, pc.REGION, retries=0)
    params = {"zoneId": pc.ZONE_ID, "searchWord": NAME, "offset": 0, "limit": 100}
    samples = []
    for _call in range(repeats + 1):
        begin = time.perf_counter()
        client.call("DescribeInstances", params)
        samples.append(time.perf_counter() - begin)
    return samples[0], pc.median(samples[1:])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each playbook (default %(default)s)")
    args = parser.parse_args(argv)

    emulator = pc.start_emulator("--create-delay", "0.5")
    runs = {"module": [], "ping": []}
    try:
        with tempfile.TemporaryDirectory(prefix="perf-overhead-") as workdir:
            module_task = pc.instance_hour_task(NAME, 1)
            ping_task = {"name": "ping", "ansible.builtin.ping": {}}
            pc.log("set-up: create the instance the unchanged runs find")
            pc.run_playbook(emulator, workdir, [module_task], "setup")
            for round_index in range(args.repeats):
                order = ("module", "ping") if round_index % 2 == 0 else ("ping", "module")
                for side in order:
                    run = pc.run_playbook(emulator, workdir, [module_task if side == "module" else ping_task], side)
                    task = run.task("cvm_instance_hour" if side == "module" else "ping")
                    if side == "module" and task["outcome"] != "ok":
                        raise SystemExit("the cvm_instance_hour run was not unchanged: {0}".format(task["outcome"]))
                    runs[side].append(
                        {"wall": run.measured.wall, "cpu": run.measured.cpu, "task": task["ended"] - task["started"], "requests": len(run.requests)}
                    )
                    pc.log("round {0}: {1:6s} wall {2:.2f}s task {3:.2f}s".format(round_index + 1, side, run.measured.wall, runs[side][-1]["task"]))
            pc.log("the module on its own")
            direct_wall, direct_cpu = direct_run_seconds(emulator, workdir, args.repeats)
            import_wall = import_seconds(args.repeats)
            importtime_total, import_parts = import_breakdown()
            first_request, request = request_seconds(emulator, max(10, args.repeats))
    finally:
        emulator.stop()

    med = {side: {key: pc.median([r[key] for r in runs[side]]) for key in ("wall", "cpu", "task", "requests")} for side in runs}
    result = {
        "repeats": args.repeats,
        "playbook": med,
        "ratios": {
            "wall": pc.ratio(med["module"]["wall"], med["ping"]["wall"]),
            "cpu": pc.ratio(med["module"]["cpu"], med["ping"]["cpu"]),
            "task": pc.ratio(med["module"]["task"], med["ping"]["task"]),
            "wall_per_round": pc.median([m["wall"] / p["wall"] for m, p in zip(runs["module"], runs["ping"])]),
        },
        "direct_run_wall_s": direct_wall,
        "direct_run_cpu_s": direct_cpu,
        "import_s": import_wall,
        "importtime_total_s": importtime_total,
        "importtime_parts_s": import_parts,
        "request_first_s": first_request,
        "request_s": request,
        "raw": runs,
    }
    pc.print_table(
        "Module overhead: one-task playbook, medians of {0} alternated runs (s)".format(args.repeats),
        ["playbook", "wall", "CPU (all processes)", "task time", "API calls"],
        [
            ["cvm_instance_hour (unchanged)", med["module"]["wall"], med["module"]["cpu"], med["module"]["task"], med["module"]["requests"]],
            ["ansible.builtin.ping", med["ping"]["wall"], med["ping"]["cpu"], med["ping"]["task"], med["ping"]["requests"]],
            ["ratio", result["ratios"]["wall"], result["ratios"]["cpu"], result["ratios"]["task"], "-"],
        ],
    )
    rows = [
        ["module run directly (python -m, start to exit)", direct_wall * 1000],
        ["  its CPU", direct_cpu * 1000],
        ["import of the module (fresh interpreter)", import_wall * 1000],
        ["  -X importtime total (inflated by the tracing)", importtime_total * 1000],
    ]
    rows += [["    " + label, seconds * 1000] for label, seconds in import_parts.items()]
    rows += [
        ["lookup request, first (new connection)", first_request * 1000],
        ["lookup request, kept-alive (median)", request * 1000],
    ]
    pc.print_table("Module overhead: the module on its own (ms)", ["part", "ms"], rows)
    goal_list = [
        pc.goal_line(
            "print the ratio unchanged cvm_instance_hour / ping (no target given)",
            None,
            "wall {0:.2f} x, task {1:.2f} x".format(result["ratios"]["wall"], result["ratios"]["task"]),
        )
    ]
    pc.print_goals(goal_list)
    pc.emit_json("module_overhead", dict(result, goals=goal_list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
