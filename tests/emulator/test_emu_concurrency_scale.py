# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Concurrent creates and a 10,000-instance inventory (timings printed, never asserted)."""

import threading
import time

from emu_client import SEED_EXAMPLE

THREADS = 20


def _run_threads(target):
    errors = []

    def guarded(index):
        try:
            target(index)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_concurrent_creates(emu):
    answers = {}
    shared = []
    lock = threading.Lock()

    def work(index):
        own = emu.client.create({"clientToken": f"own-{index}", "goodsNum": "2", "instanceName": f"t{index}"})
        vpc = emu.client.create({"vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz3web01", "zoneId": "100003", "instanceName": f"v{index}"}, method="POST")
        same = emu.client.create({"clientToken": "shared-token", "instanceName": "shared"})
        with lock:
            answers[index] = (own, vpc)
            shared.append(same)

    _run_threads(work)
    assert all(own["code"] == 0 and vpc["code"] == 0 for own, vpc in answers.values())
    assert len({tuple(answer["unInstanceIds"]) for answer in shared}) == 1
    expected = set(shared[0]["unInstanceIds"])
    for own, vpc in answers.values():
        assert len(own["unInstanceIds"]) == 2
        expected.update(own["unInstanceIds"] + vpc["unInstanceIds"])
    assert len(expected) == THREADS * 3 + 1
    instances = emu.control.instances()
    assert {item["unInstanceId"] for item in instances} == expected
    vpc_ips = [item["lanIp"] for item in instances if item["unSubnetId"] == "subnet-gz3web01"]
    assert len(vpc_ips) == THREADS == len(set(vpc_ips))
    assert len({item["lanIp"] for item in instances}) == len(instances)
    log = emu.control.requests()
    assert len(log) == THREADS * 3 and all(entry["code"] == 0 for entry in log)


def test_concurrent_same_private_ip(emu):
    params = dict(SEED_EXAMPLE, vpcId="vpc-gzdemo01", subnetId="subnet-gz1web01", **{"privateIpAddresses.0": "172.16.3.77"})
    codes = []
    lock = threading.Lock()

    def work(_index):
        answer = emu.client.create(params)
        with lock:
            codes.append(answer.get("codeDesc"))

    _run_threads(work)
    assert codes.count("Success") == 1
    assert codes.count("InvalidParameter.IpInUse") == THREADS - 1


def test_seed_10000_and_page(emu):
    started = time.monotonic()
    seeded = emu.control.post("seed", {"count": 10000, "regions": ["gz", "sh", "bj"], "name_prefix": "scale"})
    seed_seconds = time.monotonic() - started
    assert seeded["count"] == 10000 and len(set(seeded["ids"])) == 10000
    gz_ids = set(seeded["ids"][0::3])

    started = time.monotonic()
    collected = []
    offset = 0
    while True:
        page = emu.client.call("DescribeInstances", {"offset": str(offset), "limit": "100"})
        assert page["code"] == 0 and page["totalCount"] == len(gz_ids)
        if not page["instanceSet"]:
            break
        collected.extend(page["instanceSet"])
        offset += 100
    page_seconds = time.monotonic() - started
    ids = [item["unInstanceId"] for item in collected]
    assert len(ids) == len(set(ids)) == len(gz_ids)
    assert set(ids) == gz_ids
    assert all(item["Region"] == "gz" and item["status"] == 2 for item in collected)
    names = [item["instanceName"] for item in collected]
    assert names == sorted(names, reverse=True)

    started = time.monotonic()
    filtered = emu.client.call("DescribeInstances", {"searchWord": "scale-0999", "limit": "100"})
    search_seconds = time.monotonic() - started
    assert filtered["totalCount"] == len([i for i in range(9990, 10000) if i % 3 == 0])
    print(
        f"\nseed 10,000: {seed_seconds:.2f}s; {offset // 100} pages of 100: {page_seconds:.2f}s "
        f"({page_seconds / max(offset // 100, 1) * 1000:.1f} ms/page over HTTP); search: {search_seconds * 1000:.1f} ms"
    )
