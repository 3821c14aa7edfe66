# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A local moto server (the anchor's EC2), in its own process, and seeding it with boto3.

Only for the benchmark environment .venv-bench (``make bench-venv``), which
has moto[server] and boto3; nothing of the collection imports this.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from pathlib import Path

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
# moto accepts any AMI ID; this one is in its default catalogue anyway.
IMAGE_ID = "ami-03cf127a"
INSTANCE_TYPES = ("t3.micro", "t3.small")
# run_instances answers in one request; moto takes about 6 ms per instance, so chunks keep each call short.
CHUNK = 250


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.url = "http://127.0.0.1:{0}".format(self.port)
        self.log_path = Path(tempfile.mkdtemp(prefix="perf-moto-")) / "moto.log"
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.log_path, "ab"),  # pylint: disable=consider-using-with
        )
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("moto server did not start: " + self.log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.2)

    def _answers(self):
        try:
            with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=2):  # noqa: S310 (loopback only)
                return True
        except OSError:
            return False

    def reset(self):
        request = urllib.request.Request(self.url + "/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=60):  # noqa: S310 (loopback only)
            pass

    def env(self):
        """What boto3 (and aws_ec2) need to talk to this server."""
        return dict(CREDENTIALS, AWS_URL=self.url, AWS_ENDPOINT_URL=self.url)

    def seed(self, count, regions):
        """``count`` instances spread over ``regions``, in chunks round-robin over 3 zones of each and two instance types."""
        import boto3  # pylint: disable=import-outside-toplevel

        os.environ.update(CREDENTIALS)
        per_region = [count // len(regions) + (1 if index < count % len(regions) else 0) for index in range(len(regions))]
        for region, wanted in zip(regions, per_region):
            client = boto3.client("ec2", region_name=region, endpoint_url=self.url)
            # Zone letters differ per region (ap-northeast-1 has no "b"): ask moto for the region's zones.
            zones = sorted(zone["ZoneName"] for zone in client.describe_availability_zones()["AvailabilityZones"])[:3]
            made = 0
            while made < wanted:
                batch = min(CHUNK, wanted - made)
                slot = made // CHUNK
                client.run_instances(
                    ImageId=IMAGE_ID,
                    MinCount=batch,
                    MaxCount=batch,
                    InstanceType=INSTANCE_TYPES[slot % len(INSTANCE_TYPES)],
                    Placement={"AvailabilityZone": zones[slot % len(zones)]},
                )
                made += batch

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
