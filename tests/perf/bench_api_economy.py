# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API economy of cvm_instance_hour, read from the emulator's request log.

With the emulator's create delay D (default 5 s), three ansible-playbook runs
of one ``qcloud.cvm.cvm_instance_hour`` task:

1. create 100 instances (goods_num 100) with wait;
2. the same task again, unchanged;
3. give-back (state absent).

Printed: the API calls of each run by action, DescribeInstances pages per 100
managed instances, and the polls of the wait phase (DescribeInstances calls
after the RunInstancesHour call) against the bound ceil(log1.5(D)) + 3. With
``--extra-delays`` (default 60) one more single-instance create with wait is
run per delay, to count the polls of longer waits.

    python tests/perf/bench_api_economy.py [--count 100] [--delay 5] [--extra-delays 60]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile

import perf_common as pc


def poll_bound(delay):
    return pc.ceil_log(delay, 1.5) + 3


def wait_polls(run):
    """DescribeInstances calls after the (last) RunInstancesHour call of the run, and how many were first pages."""
    creates = [entry["seq"] for entry in run.requests if entry["action"] == "RunInstancesHour"]
    if not creates:
        return None, None
    after = [entry for entry in run.requests if entry["seq"] > creates[-1] and entry["action"] == "DescribeInstances"]
    first_pages = [entry for entry in after if str(entry["params"].get("offset", "0")) == "0"]
    return len(after), len(first_pages)


def summary(label, run, managed):
    describes = [entry for entry in run.requests if entry["action"] == "DescribeInstances"]
    polls, poll_rounds = wait_polls(run)
    task = run.task()
    return {
        "run": label,
        "requests": len(run.requests),
        "by_action": run.by_action(),
        "describe_pages": len(describes),
        "describe_pages_per_100_managed": len(describes) * 100.0 / managed if managed else None,
        "lookup_pages": len(describes) - (polls or 0),
        "wait_polls": polls,
        "wait_poll_rounds": poll_rounds,
        "changed": task["outcome"] == "changed",
        "outcome": task["outcome"],
        "wall_s": run.measured.wall,
        "module_s": task["ended"] - task["started"] if task.get("started") else None,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100, help="instances to create (goods_num; default %(default)s)")
    parser.add_argument("--delay", type=float, default=5.0, help="emulator create delay D in seconds (default %(default)s)")
    parser.add_argument("--extra-delays", default="60", help="more create delays to count wait polls at, comma-separated; empty for none (default %(default)s)")
    args = parser.parse_args(argv)
    extra_delays = [float(d) for d in args.extra_delays.split(",") if d.strip()]

    emulator = pc.start_emulator("--create-delay", str(args.delay), "--return-delay", "1")
    rows = []
    poll_rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="perf-economy-") as workdir:
            name = "perf-economy"
            create = pc.instance_hour_task(name, args.count)
            pc.log("create {0} with wait (D={1} s)".format(args.count, args.delay))
            first = pc.run_playbook(emulator, workdir, [create], "create")
            rows.append(summary("create {0}, wait".format(args.count), first, args.count))
            pc.log("unchanged re-run")
            rows.append(summary("unchanged re-run", pc.run_playbook(emulator, workdir, [create], "rerun"), args.count))
            pc.log("give-back")
            rows.append(
                summary(
                    "give-back (state absent)",
                    pc.run_playbook(emulator, workdir, [pc.instance_hour_task(name, args.count, state="absent")], "absent"),
                    args.count,
                )
            )
            poll_rows.append({"delay_s": args.delay, "instances": args.count, "polls": rows[0]["wait_polls"], "bound": poll_bound(args.delay)})
            for delay in extra_delays:
                pc.log("create 1 with wait (D={0} s)".format(delay))
                emulator.configure(create_delay=delay)
                run = pc.run_playbook(
                    emulator, workdir, [pc.instance_hour_task("perf-poll-{0:g}".format(delay), 1, wait_timeout=int(delay * 3 + 60))], "poll-{0:g}".format(delay)
                )
                polls, _rounds = wait_polls(run)
                poll_rows.append({"delay_s": delay, "instances": 1, "polls": polls, "bound": poll_bound(delay)})
    finally:
        emulator.stop()

    pc.print_table(
        "API economy: calls per run (emulator request log; D = {0:g} s)".format(args.delay),
        ["run", "changed", "API calls", "by action", "DescribeInstances pages", "pages per 100 managed", "wait polls", "wall s"],
        [
            [
                r["run"],
                r["changed"],
                r["requests"],
                json.dumps(r["by_action"]),
                r["describe_pages"],
                r["describe_pages_per_100_managed"],
                r["wait_polls"],
                r["wall_s"],
            ]
            for r in rows
        ],
    )
    pc.print_table(
        "Wait polls (DescribeInstances calls after RunInstancesHour) against ceil(log1.5(D)) + 3",
        ["D (s)", "instances", "polls", "bound"],
        [[p["delay_s"], p["instances"], p["polls"], p["bound"]] for p in poll_rows],
    )
    create, rerun, give_back = rows
    goal_list = [
        pc.goal_line(
            "unchanged re-run: no RunInstancesHour",
            rerun["by_action"].get("RunInstancesHour", 0) == 0 and not rerun["changed"],
            "{0} RunInstancesHour, changed={1}".format(rerun["by_action"].get("RunInstancesHour", 0), rerun["changed"]),
        ),
        pc.goal_line(
            "unchanged re-run: one DescribeInstances page per 100 managed",
            rerun["describe_pages"] <= math.ceil(args.count / 100.0),
            "{0} page(s) for {1} instances".format(rerun["describe_pages"], args.count),
        ),
        pc.goal_line(
            "create: one RunInstancesHour",
            create["by_action"].get("RunInstancesHour", 0) == 1,
            "{0} RunInstancesHour".format(create["by_action"].get("RunInstancesHour", 0)),
        ),
        pc.goal_line(
            "give-back: one ReturnInstance per instance (the API takes one ID per call)",
            give_back["by_action"].get("ReturnInstance", 0) == args.count,
            "{0} ReturnInstance + {1} DescribeInstances".format(give_back["by_action"].get("ReturnInstance", 0), give_back["describe_pages"]),
        ),
    ]
    for poll in poll_rows:
        goal_list.append(
            pc.goal_line(
                "wait at D={0:g} s: polls <= ceil(log1.5(D)) + 3".format(poll["delay_s"]),
                poll["polls"] is not None and poll["polls"] <= poll["bound"],
                "{0} polls, bound {1}".format(poll["polls"], poll["bound"]),
            )
        )
    pc.print_goals(goal_list)
    pc.emit_json("api_economy", {"delay_s": args.delay, "count": args.count, "runs": rows, "polls": poll_rows, "goals": goal_list})
    return 0


if __name__ == "__main__":
    sys.exit(main())
