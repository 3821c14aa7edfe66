# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour at real round-trip times, with the API's rate limits on, on both APIs.

One emulator with ``--rate-limits``; its latency is set per run (default 0 and
0.1 s). For every API, latency and number of instances N, four
ansible-playbook runs of one task, one after the other:

1. create N with wait (``goods_num: N``, bandwidth 1 Mbps billed by traffic);
2. the unchanged re-run;
3. a bandwidth change of the N (1 -> 2 Mbps; PayByTraffic, which API 3.0
   changes in one ResetInstancesInternetMaxBandwidth call for up to 100 IDs;
   billed by the hour it would take one call per instance);
4. the give-back (``state: absent``).

Each run is printed beside its floors (latency_common: rate-limit floor,
latency floor, API span), with its requests by action from the emulator's
request log. N = 1 and the largest N are repeated ``--repeats`` times (medians),
the sizes between them ``--sweep-repeats`` times (for the plot). The goals are
read at the largest latency (0.1 s): give-back and bandwidth change of the
largest N at most 3 x the same task for 1 instance on legacy, 1.5 x on v3; the
unchanged re-run sends no create and one DescribeInstances page per 100
instances. Task time = the record_results callback's task start to its result.

    python tests/perf/bench_latency_tasks.py [--sizes 1,10,30,100] [--latencies 0,0.1] [--apis legacy,v3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import tempfile

from pathlib import Path

import latency_common as lc
import perf_common as pc

STEPS = ("create", "rerun", "bandwidth", "absent")
STEP_LABELS = {"create": "create N, wait", "rerun": "unchanged re-run", "bandwidth": "bandwidth change", "absent": "give-back (absent)"}
# The task's default concurrency (cvm_instance_hour option concurrency).
MODULE_CONCURRENCY = 10
# Actions the module sends on `concurrency` connections at once (per instance, or per security group);
# every other action is sent one request at a time (a look-up, a wait poll, one batch call of up to 100 IDs).
PARALLEL_ACTIONS = {
    "legacy": frozenset(("ReturnInstance", "UpdateInstanceBandwidthHour", "ModifySecurityGroupsOfInstance", "DescribeInstancesOfSecurityGroup")),
    "v3": frozenset(),
}
# Goals of issue 14 at 0.1 s: N-instance task time over the 1-instance task time.
GOAL_RATIO = {"legacy": 3.0, "v3": 1.5}
# Enough for a create of 100 at 0.1 s latency and its polls.
WAIT_TIMEOUT = 300


def task_for(name, count, bandwidth=1, state="present"):
    task = pc.instance_hour_task(name, count, state=state, wait_timeout=WAIT_TIMEOUT)
    task["qcloud.cvm.cvm_instance_hour"].update(bandwidth=bandwidth, bandwidth_type="PayByTraffic", concurrency=MODULE_CONCURRENCY)
    return task


def concurrency_of(api):
    return lambda action: MODULE_CONCURRENCY if action in PARALLEL_ACTIONS[api] else 1


def measure_step(emulator, workdir, api, latency, tasks, label):
    """One playbook run: task time, wall, requests by action, throttled answers and the floors."""
    lc.let_buckets_refill()
    before = pc.last_seq(emulator)
    measured = pc.run_measured(
        [pc.ansible_bin("ansible-playbook"), "-i", "localhost,", "-c", "local", write_playbook(workdir, tasks, label)],
        lc.api_env(emulator, api, **pc.timer_env(Path(workdir) / "{0}.timings.jsonl".format(label))),
        workdir,
        Path(workdir) / "{0}.out".format(label),
    )
    entries = pc.request_log_since(emulator, before)
    timings = [t for t in pc.read_timer_log(Path(workdir) / "{0}.timings.jsonl".format(label)) if t["task"] == "cvm_instance_hour"]
    task = timings[-1] if timings else {}
    by_action = pc.count_by_action(entries)
    rounds = lc.latency_rounds(by_action, concurrency_of(api))
    return {
        "rc": measured.rc,
        "outcome": task.get("outcome"),
        "task_s": task["ended"] - task["started"] if task.get("started") else None,
        "wall_s": measured.wall,
        "cpu_s": measured.cpu,
        "requests": len(entries),
        "by_action": by_action,
        "throttled": lc.throttled(entries),
        "rate_floor_s": lc.rate_limit_floor(api, by_action),
        "rounds": rounds,
        "latency_floor_s": rounds * latency,
        "api_span_s": lc.api_span(entries, latency),
        "error": None if measured.rc == 0 else (measured.stdout()[-1500:] + measured.stderr[-1500:]),
    }


def write_playbook(workdir, tasks, label):
    timer_log = Path(workdir) / "{0}.timings.jsonl".format(label)
    if timer_log.exists():
        timer_log.unlink()
    playbook = Path(workdir) / "{0}.yml".format(label)
    playbook.write_text(pc.playbook_text(tasks), encoding="utf-8")
    return playbook


def run_flow(emulator, workdir, api, latency, count, repeat):
    """Create, re-run, bandwidth change and give-back of ``count`` instances; stops at the first failed run."""
    lc.set_latency(emulator, latency)
    name = "perf-lat-{0}-{1:g}-{2}-{3}".format(api, latency, count, repeat)
    tasks = {
        "create": task_for(name, count),
        "rerun": task_for(name, count),
        "bandwidth": task_for(name, count, bandwidth=2),
        "absent": task_for(name, count, bandwidth=2, state="absent"),
    }
    results = {}
    for step in STEPS:
        label = "{0}-{1}".format(name, step)
        results[step] = measure_step(emulator, workdir, api, latency, [copy.deepcopy(tasks[step])], label)
        result = results[step]
        pc.log(
            "{0:6s} latency {1:g} N={2:3d} #{3} {4:9s} task {5} s wall {6:.2f} s requests {7} throttled {8} floors: rate {9:.2f} s latency {10:.2f} s".format(
                api,
                latency,
                count,
                repeat + 1,
                step,
                pc.fmt(result["task_s"]),
                result["wall_s"],
                result["requests"],
                result["throttled"],
                result["rate_floor_s"],
                result["latency_floor_s"],
            )
        )
        if result["rc"] != 0:
            pc.log("run failed (rc {0}):\n{1}".format(result["rc"], result["error"]))
            break
    return results


def summarise(runs):
    """Medians per (api, latency, N, step) over the repeats; requests by action of the last run."""
    groups = {}
    for run in runs:
        for step, result in run["steps"].items():
            groups.setdefault((run["api"], run["latency"], run["n"], step), []).append(result)
    summary = []
    for (api, latency, count, step), results in sorted(groups.items(), key=lambda item: item[0][:3] + (STEPS.index(item[0][3]),)):
        summary.append(
            {
                "api": api,
                "latency_s": latency,
                "n": count,
                "step": step,
                "repeats": len(results),
                "failed": sum(1 for r in results if r["rc"] != 0),
                "task_s": pc.median([r["task_s"] for r in results]),
                "task_range_s": pc.spread([r["task_s"] for r in results]),
                "wall_s": pc.median([r["wall_s"] for r in results]),
                "requests": results[-1]["requests"],
                "by_action": results[-1]["by_action"],
                "throttled_max": max(r["throttled"] for r in results),
                "rate_floor_s": pc.median([r["rate_floor_s"] for r in results]),
                "rounds": results[-1]["rounds"],
                "latency_floor_s": pc.median([r["latency_floor_s"] for r in results]),
                "api_span_s": pc.median([r["api_span_s"] for r in results]),
                "outcome": results[-1]["outcome"],
            }
        )
    return summary


def find(summary, api, latency, count, step):
    for row in summary:
        if (row["api"], row["latency_s"], row["n"], row["step"]) == (api, latency, count, step):
            return row
    return None


def print_summary(summary):
    pc.print_table(
        "cvm_instance_hour with rate limits on: medians (s); floors from the request log (rate: sum of max(0, n - burst)/limit; latency: rounds x latency)",
        ["API", "latency", "N", "run", "task", "task range", "wall", "requests", "throttled", "rate floor", "rounds", "latency floor", "API span", "by action"],
        [
            [
                row["api"],
                row["latency_s"],
                row["n"],
                STEP_LABELS[row["step"]] + (" FAILED x{0}".format(row["failed"]) if row["failed"] else ""),
                row["task_s"],
                "{0}-{1}".format(pc.fmt(row["task_range_s"][0]), pc.fmt(row["task_range_s"][1])),
                row["wall_s"],
                row["requests"],
                row["throttled_max"],
                row["rate_floor_s"],
                row["rounds"],
                row["latency_floor_s"],
                row["api_span_s"],
                json.dumps(row["by_action"]),
            ]
            for row in summary
        ],
    )


def ratio_goal(summary, api, latency, largest, step):
    """The largest N's task over the 1-instance task, with the least ratio the rate-limit floor leaves possible."""
    one, many = find(summary, api, latency, 1, step), find(summary, api, latency, largest, step)
    name = "{0} at {1:g} s: {2} of {3} <= {4:g} x the 1-instance task".format(api, latency, STEP_LABELS[step], largest, GOAL_RATIO[api])
    if not one or not many or one["task_s"] is None or many["task_s"] is None or many["failed"] or one["failed"]:
        return pc.goal_line(name, False, "a run failed or is missing")
    value = many["task_s"] / one["task_s"]
    # Even with no other cost, the N-instance task takes the 1-instance task plus the extra seconds its rate floor imposes.
    least = (one["task_s"] + many["rate_floor_s"] - one["rate_floor_s"]) / one["task_s"]
    detail = "{0:.2f} x ({1:.2f} s vs {2:.2f} s); its rate-limit floor alone allows no less than {3:.2f} x".format(value, many["task_s"], one["task_s"], least)
    return pc.goal_line(name, value <= GOAL_RATIO[api], detail)


def rerun_goals(summary, api, latency, sizes):
    rows = [find(summary, api, latency, count, "rerun") for count in sizes]
    rows = [row for row in rows if row]
    creates = sum(row["by_action"].get(lc.CREATE_ACTIONS[api], 0) for row in rows)
    unchanged = all(row["outcome"] == "ok" for row in rows)
    pages_ok = all(row["by_action"].get("DescribeInstances", 0) <= math.ceil(row["n"] / 100.0) for row in rows)
    pages = ", ".join("N={0}: {1}".format(row["n"], row["by_action"].get("DescribeInstances", 0)) for row in rows)
    return [
        pc.goal_line(
            "{0} at {1:g} s: unchanged re-run sends no create".format(api, latency),
            creates == 0 and unchanged and bool(rows),
            "{0} {1}, all unchanged: {2}".format(creates, lc.CREATE_ACTIONS[api], pc.fmt(unchanged)),
        ),
        pc.goal_line("{0} at {1:g} s: unchanged re-run, one DescribeInstances page per 100 managed".format(api, latency), pages_ok and bool(rows), pages),
    ]


def goals(summary, apis, latency, sizes):
    largest = max(sizes)
    goal_list = []
    for api in apis:
        goal_list.append(ratio_goal(summary, api, latency, largest, "absent"))
        goal_list.append(ratio_goal(summary, api, latency, largest, "bandwidth"))
        goal_list.extend(rerun_goals(summary, api, latency, sizes))
    failed = [row for row in summary if row["failed"]]
    goal_list.append(
        pc.goal_line(
            "no run failed (throttling is retried, not fatal)",
            not failed,
            "{0} failed; throttled answers (retried) in all runs: {1}".format(len(failed), sum(row["throttled_max"] for row in summary)),
        )
    )
    return goal_list


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,30,100", help="numbers of instances, comma-separated; must include 1 (default %(default)s)")
    parser.add_argument("--latencies", default="0,0.1", help="emulator latencies in seconds (default %(default)s); goals at the largest")
    parser.add_argument("--apis", default=",".join(lc.APIS), help="APIs (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of N = 1 and of the largest N (default %(default)s)")
    parser.add_argument("--sweep-repeats", type=int, default=1, help="runs of the sizes in between (default %(default)s)")
    parser.add_argument("--create-delay", type=float, default=1.0, help="emulator create delay in seconds (default %(default)s)")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(",") if size.strip())
    latencies = [float(value) for value in args.latencies.split(",") if value.strip()]
    apis = [api.strip() for api in args.apis.split(",") if api.strip()]
    if 1 not in sizes:
        parser.error("--sizes must include 1: the goals compare with the 1-instance task")

    combos = [(api, latency) for latency in latencies for api in apis]
    runs = []
    emulator = lc.start_rate_limited_emulator("--create-delay", str(args.create_delay), "--return-delay", "1")
    try:
        with tempfile.TemporaryDirectory(prefix="perf-latency-tasks-") as workdir:
            for repeat in range(max(args.repeats, args.sweep_repeats)):
                for count in sizes:
                    wanted = args.repeats if count in (1, max(sizes)) else args.sweep_repeats
                    if repeat >= wanted:
                        continue
                    # A rotating order: no API or latency always runs first (on a machine warmed by the one before).
                    shift = (repeat + count) % len(combos)
                    for api, latency in combos[shift:] + combos[:shift]:
                        steps = run_flow(emulator, workdir, api, latency, count, repeat)
                        runs.append({"api": api, "latency": latency, "n": count, "repeat": repeat, "steps": steps})
    finally:
        emulator.stop()

    summary = summarise(runs)
    print_summary(summary)
    goal_list = goals(summary, apis, max(latencies), sizes)
    pc.print_goals(goal_list)
    pc.emit_json(
        "latency_tasks",
        {
            "sizes": sizes,
            "latencies": latencies,
            "apis": apis,
            "concurrency": MODULE_CONCURRENCY,
            "create_delay_s": args.create_delay,
            "summary": summary,
            "goals": goal_list,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
