# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The anchor: our inventory against amazon.aws's aws_ec2 (the peer users would pick), side by side.

Runs with the benchmark environment's Python (``make bench-venv``: .venv-bench
has the same ansible-core as .venv, the ``ansible`` package that ships
amazon.aws, boto3 and moto[server]); both sides run that environment's
``ansible-inventory``, so the ansible-core is the same. For each N (default
1,000 and 5,000):

* theirs: ``plugin: amazon.aws.aws_ec2`` against a local moto server holding N
  EC2 instances over 4 regions (3 zones each, two instance types);
* ours: ``plugin: qcloud.cvm.cvm`` (``api: v3`` and ``api: legacy``) against the
  emulator holding N instances over 4 regions, no latency, no rate limits.

The same shape of configuration: hosts named by instance ID (ours: the
default), ``ansible_host`` composed from the private IP, two keyed groups (zone,
instance type). Runs alternate (rotating order), ``--repeats`` each; medians.
Wall and CPU of the ``ansible-inventory`` process alone (os.wait4): moto's and
the emulator's own CPU are not counted (printed apart). Printed: ratios ours /
theirs. Issue 14's reference, measured before: at 5,000 hosts ours took 0.21 x
the wall and 0.42 x the CPU of aws_ec2.

    .venv-bench/bin/python tests/perf/bench_anchor.py [--sizes 1000,5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile

from pathlib import Path

import perf_common as pc

AWS_REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]
CVM_REGIONS = ["gz", "sh", "bj", "hk"]
OURS = ("v3", "legacy")
# Issue 14: measured beforehand at 5,000 hosts (ours / aws_ec2).
REFERENCE = {"n": 5000, "wall": 0.21, "cpu": 0.42}

AWS_CONFIG = """plugin: amazon.aws.aws_ec2
regions: [{regions}]
hostnames: [instance-id]
compose:
  ansible_host: private_ip_address
keyed_groups:
  - key: placement.availability_zone
    prefix: az
  - key: instance_type
    prefix: type
"""
CVM_CONFIG = """plugin: qcloud.cvm.cvm
api: {api}
regions: [{regions}]
compose:
  ansible_host: cvm_private_ip
keyed_groups:
  - key: cvm_zone
    prefix: az
  - key: cvm_instance_type
    prefix: type
"""


def import_moto_server():
    try:
        import boto3  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        import moto_server  # pylint: disable=import-outside-toplevel
    except ImportError as error:
        raise SystemExit("bench_anchor needs the benchmark environment (make bench-venv; run with .venv-bench/bin/python): {0}".format(error)) from None
    return moto_server


class Anchor:
    def __init__(self, workdir, moto, emulator):
        self.workdir = Path(workdir)
        self.moto = moto
        self.emulator = emulator
        self.configs = {"aws_ec2": self.workdir / "bench.aws_ec2.yml"}
        self.configs["aws_ec2"].write_text(AWS_CONFIG.format(regions=", ".join(AWS_REGIONS)), encoding="utf-8")
        for api in OURS:
            self.configs[api] = self.workdir / "bench-{0}.cvm.yml".format(api)
            self.configs[api].write_text(CVM_CONFIG.format(api=api, regions=", ".join(CVM_REGIONS)), encoding="utf-8")
        self.runs = 0

    def env(self, side):
        if side == "aws_ec2":
            # No credentials file, no metadata service look-up: only moto's test keys.
            return pc.ansible_env(self.emulator, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", **self.moto.env())
        endpoint = self.emulator.base_url + ("/v2/index.php" if side == "legacy" else "")
        return pc.ansible_env(self.emulator, QCLOUD_CVM_API=side, QCLOUD_CVM_ENDPOINT=endpoint)

    def run(self, side, size):
        self.runs += 1
        server_pid = self.moto.process.pid if side == "aws_ec2" else self.emulator.process.pid
        server_before = pc.process_cpu_seconds(server_pid)
        out = self.workdir / "{0}-{1}.json".format(side, self.runs)
        run = pc.run_measured([pc.ansible_bin("ansible-inventory"), "-i", self.configs[side], "--list"], self.env(side), self.workdir, out)
        run.check("ansible-inventory {0} (N={1})".format(side, size))
        server_after = pc.process_cpu_seconds(server_pid)
        hosts = len(json.loads(out.read_text(encoding="utf-8")).get("_meta", {}).get("hostvars", {}))
        out.unlink()
        if hosts != size:
            raise SystemExit("{0} listed {1} hosts, expected {2}".format(side, hosts, size))
        server_cpu = None if server_before is None or server_after is None else server_after - server_before
        return {
            "side": side,
            "wall_s": run.wall,
            "cpu_s": run.cpu,
            "rss_mib": run.rss_mib,
            "hosts": hosts,
            "server_cpu_s": server_cpu,
            "others_cpu_s": None if run.busy is None else max(0.0, run.busy - run.cpu - (server_cpu or 0.0)),
        }


def measure(anchor, size, repeats):
    sides = ["aws_ec2"] + list(OURS)
    runs = {side: [] for side in sides}
    for round_index in range(repeats):
        shift = round_index % len(sides)
        for side in sides[shift:] + sides[:shift]:
            record = anchor.run(side, size)
            runs[side].append(record)
            pc.log(
                "N={0} round {1}: {2:8s} wall {3:6.2f}s cpu {4:6.2f}s server cpu {5}".format(
                    size, round_index + 1, side, record["wall_s"], record["cpu_s"], pc.fmt(record["server_cpu_s"])
                )
            )
    return runs


def summarise(size, runs):
    result = {"n": size, "repeats": len(runs["aws_ec2"]), "sides": {}}
    for side, records in runs.items():
        result["sides"][side] = {
            "wall_s": pc.median([r["wall_s"] for r in records]),
            "wall_range_s": pc.spread([r["wall_s"] for r in records]),
            "cpu_s": pc.median([r["cpu_s"] for r in records]),
            "rss_mib": max(r["rss_mib"] for r in records),
            "server_cpu_s": pc.median([r["server_cpu_s"] for r in records]),
            "others_cpu_s": pc.median([r["others_cpu_s"] for r in records]),
            "walls_s": [r["wall_s"] for r in records],
            "cpus_s": [r["cpu_s"] for r in records],
        }
    theirs = result["sides"]["aws_ec2"]
    result["ratios"] = {
        api: {
            "wall": pc.ratio(result["sides"][api]["wall_s"], theirs["wall_s"]),
            "cpu": pc.ratio(result["sides"][api]["cpu_s"], theirs["cpu_s"]),
            # Runs of one round ran one right after the other: these see less of the machine's noise.
            "wall_per_round": pc.median([o["wall_s"] / t["wall_s"] for o, t in zip(runs[api], runs["aws_ec2"])]),
            "cpu_per_round": pc.median([o["cpu_s"] / t["cpu_s"] for o, t in zip(runs[api], runs["aws_ec2"])]),
        }
        for api in OURS
    }
    return result


def print_results(results):
    rows = []
    for result in results:
        for side, data in result["sides"].items():
            ratios = result["ratios"].get(side, {"wall": 1.0, "cpu": 1.0, "wall_per_round": None, "cpu_per_round": None})
            rows.append(
                [
                    "{0:>5} {1}".format(result["n"], "aws_ec2 (moto)" if side == "aws_ec2" else "qcloud.cvm.cvm api: " + side),
                    data["wall_s"],
                    "{0}-{1}".format(pc.fmt(data["wall_range_s"][0]), pc.fmt(data["wall_range_s"][1])),
                    data["cpu_s"],
                    ratios["wall"],
                    ratios["cpu"],
                    ratios["wall_per_round"],
                    ratios["cpu_per_round"],
                    data["rss_mib"],
                    data["server_cpu_s"],
                    data["others_cpu_s"],
                ]
            )
    pc.print_table(
        "Anchor: ansible-inventory --list, ours vs amazon.aws aws_ec2, medians of {0} runs (s; x = ours / theirs)".format(results[0]["repeats"]),
        ["N, side", "wall", "wall range", "CPU", "x wall", "x CPU", "x wall per round", "x CPU per round", "peak RSS MiB", "server CPU", "others' CPU"],
        rows,
    )
    print("(server CPU: moto's or the emulator's own CPU during the run, not counted in CPU; others' CPU: the rest of the machine.)")


def goals(results):
    """At the reference size: no worse than measured before (issue 14: "keep it that way"); at the others: faster than aws_ec2."""
    goal_list = []
    for result in results:
        for api in OURS:
            ratios = result["ratios"][api]
            detail = "{0:.2f} x wall, {1:.2f} x CPU (per round {2:.2f} x, {3:.2f} x)".format(
                ratios["wall"], ratios["cpu"], ratios["wall_per_round"], ratios["cpu_per_round"]
            )
            if result["n"] == REFERENCE["n"]:
                name = "anchor N={0}, api {1}: ours <= {2} x the wall and <= {3} x the CPU of aws_ec2 (as measured before)".format(
                    result["n"], api, REFERENCE["wall"], REFERENCE["cpu"]
                )
                met = ratios["wall"] <= REFERENCE["wall"] and ratios["cpu"] <= REFERENCE["cpu"]
            else:
                name = "anchor N={0}, api {1}: ours faster than aws_ec2 (wall and CPU < 1 x)".format(result["n"], api)
                met = ratios["wall"] < 1.0 and ratios["cpu"] < 1.0
            goal_list.append(pc.goal_line(name, met, detail))
    return goal_list


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000", help="instances, comma-separated (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each side per size (default %(default)s)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    moto_server = import_moto_server()

    moto = moto_server.MotoServer()
    emulator = None
    results = []
    try:
        emulator = pc.start_emulator()
        with tempfile.TemporaryDirectory(prefix="perf-anchor-") as workdir:
            anchor = Anchor(workdir, moto, emulator)
            for size in sizes:
                moto.reset()
                emulator.reset()
                pc.log("N={0}: seeding moto and the emulator".format(size))
                moto.seed(size, AWS_REGIONS)
                emulator.seed(size, CVM_REGIONS, name_prefix="seed", status=2)
                results.append(summarise(size, measure(anchor, size, args.repeats)))
    finally:
        moto.stop()
        if emulator is not None:
            emulator.stop()

    print_results(results)
    goal_list = goals(results)
    pc.print_goals(goal_list)
    pc.emit_json("anchor", {"aws_regions": AWS_REGIONS, "cvm_regions": CVM_REGIONS, "reference": REFERENCE, "results": results, "goals": goal_list})
    return 0


if __name__ == "__main__":
    sys.exit(main())
