# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait latency: how long after the instances turned running does cvm_instance_hour (wait: true) return?

The emulator turns a new instance from creating to running exactly D seconds
(``--delay``, default 5) after it took the RunInstancesHour call. Each of
``--repeats`` runs creates ``--count`` new instance(s) with wait; from the
emulator's request log and the record_results callback:

* flip       = time the emulator logged the RunInstancesHour call + D
  (the log's time is taken as the call arrives, so this flip is a few ms
  early at most, and the latency a few ms pessimistic);
* last poll  = the DescribeInstances call that saw them running, minus flip;
* latency    = the task's result reaching the controller, minus flip.

    python tests/perf/bench_wait_latency.py [--delay 5] [--repeats 5] [--count 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

import perf_common as pc


def analyse(run, delay):
    creates = [entry for entry in run.requests if entry["action"] == "RunInstancesHour"]
    if len(creates) != 1:
        raise SystemExit("expected one RunInstancesHour call, the log has {0}".format(len(creates)))
    created = creates[0]["time"]
    flip = created + delay
    polls = [entry for entry in run.requests if entry["action"] == "DescribeInstances" and entry["seq"] > creates[0]["seq"]]
    task = run.task()
    if task["outcome"] != "changed":
        raise SystemExit("the create did not succeed: {0}".format(task["result"].get("msg")))
    return {
        "polls": len(polls),
        "poll_offsets_s": [round(entry["time"] - created, 3) for entry in polls],
        "last_poll_after_flip_s": polls[-1]["time"] - flip if polls else None,
        "latency_s": task["ended"] - flip,
        "return_after_last_poll_s": task["ended"] - polls[-1]["time"] if polls else None,
        "task_s": task["ended"] - task["started"],
        "create_offset_in_task_s": created - task["started"],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=5.0, help="emulator create delay D in seconds (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=5, help="creates with wait (default %(default)s)")
    parser.add_argument("--count", type=int, default=1, help="instances per create (goods_num; default %(default)s)")
    args = parser.parse_args(argv)

    emulator = pc.start_emulator("--create-delay", str(args.delay))
    samples = []
    try:
        with tempfile.TemporaryDirectory(prefix="perf-wait-") as workdir:
            for index in range(args.repeats):
                task = pc.instance_hour_task("perf-wait-{0}".format(index), args.count, wait_timeout=int(args.delay * 4 + 60))
                samples.append(analyse(pc.run_playbook(emulator, workdir, [task], "wait-{0}".format(index)), args.delay))
                pc.log(
                    "run {0}: latency {1:.2f} s, last poll {2:.2f} s after the flip, polls at {3}".format(
                        index + 1, samples[-1]["latency_s"], samples[-1]["last_poll_after_flip_s"], samples[-1]["poll_offsets_s"]
                    )
                )
    finally:
        emulator.stop()

    rows = [
        [
            "run {0}".format(i + 1),
            s["latency_s"],
            s["last_poll_after_flip_s"],
            s["return_after_last_poll_s"],
            s["polls"],
            " ".join("{0:.2f}".format(t) for t in s["poll_offsets_s"]),
        ]
        for i, s in enumerate(samples)
    ]
    med = {key: pc.median([s[key] for s in samples]) for key in ("latency_s", "last_poll_after_flip_s", "return_after_last_poll_s", "polls", "task_s")}
    rows.append(["median", med["latency_s"], med["last_poll_after_flip_s"], med["return_after_last_poll_s"], med["polls"], ""])
    pc.print_table(
        "Wait latency: D = {0:g} s, {1} instance(s) per create (s after the instances turned running)".format(args.delay, args.count),
        ["run", "returned after", "last poll after", "return after last poll", "polls", "poll times after the create call (s)"],
        rows,
    )
    detail = "{0:.2f} s (last poll {1:.2f} s after the flip)".format(med["latency_s"], med["last_poll_after_flip_s"])
    goal_list = [
        pc.goal_line(
            "D={0:g} s: module returns <= 1.0 s after the instances run (median of {1})".format(args.delay, args.repeats), med["latency_s"] <= 1.0, detail
        )
    ]
    pc.print_goals(goal_list)
    pc.emit_json("wait_latency", {"delay_s": args.delay, "count": args.count, "median": med, "runs": samples, "goals": goal_list})
    return 0


if __name__ == "__main__":
    sys.exit(main())
