# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.6: twenty hosts in one play (forks 20), each ensuring its own named set against one emulator,
with inventory listings (the qcloud.cvm.cvm plugin) running during the play.

Every set ends with exactly its count, every host reports its own instances, no request failed on the
emulator's side (every answer code 0, no injected or server error, nothing in the emulator's own log), and
the listings taken during the play show only instances that exist, each once. Both APIs.
"""

from __future__ import annotations

import json

import pytest
import yaml

from cvm_harness import APIS, run_ansible, start_emulator
from reliability_support import playbook_command, read_results, record, start_process, wait_for

HOSTS = 20
GOODS_NUM = 2
PREFIX = "conc"


@pytest.fixture(scope="module", params=APIS)
def busy_emulator(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("concurrency-" + request.param)
    # A create takes 3 s to run, so the play is still waiting while the inventory lists.
    server = start_emulator("--create-delay", "3", workdir=workdir, api=request.param)
    server.workdir = workdir
    yield server
    server.stop()


def fleet_inventory(path, hosts):
    lines = ["[fleet]"] + ["h{0:02d}".format(n) for n in range(1, hosts + 1)] + ["", "[fleet:vars]", "ansible_connection=local"]
    path.write_text("\n".join(lines) + "\n")
    return path


def inventory_requests(face, log):
    """The plugin's listings: DescribeInstances without the module's name or ID filters."""
    return [e for e in log if e["action"] == "DescribeInstances" and face.searched_name(e) is None and not face.listed_ids(e)]


def test_twenty_hosts_and_a_listing_at_once(busy_emulator, tmp_path):
    hosts = fleet_inventory(tmp_path / "fleet.ini", HOSTS)
    config = tmp_path / "all.cvm.yml"
    config.write_text(yaml.safe_dump({"plugin": "qcloud.cvm.cvm", "statuses": []}))
    strict = {"ANSIBLE_INVENTORY_ENABLED": "qcloud.cvm.cvm", "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"}
    process, result_log, output = start_process(
        "ansible-playbook",
        busy_emulator,
        playbook_command("fleet.yml", inventory=str(hosts), extra_vars={"set_prefix": PREFIX, "goods_num": GOODS_NUM}, args=["-f", str(HOSTS)]),
    )
    try:
        wait_for(lambda: [e for e in busy_emulator.creates() if e["code"] == 0], what="the first create")
        listings = []
        while process.poll() is None or not listings:
            listing = run_ansible("ansible-inventory", busy_emulator, ["-i", config, "--list"], env_extra=strict)
            assert listing.rc == 0, listing
            listings.append(json.loads(listing.stdout)["_meta"]["hostvars"])
        process.wait(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    text = output.read_text(errors="replace")
    assert process.returncode == 0, text[-5000:]
    results = [r for r in read_results(result_log) if r["task"] == "Ensure"]
    assert sorted(r["host"] for r in results) == ["h{0:02d}".format(n) for n in range(1, HOSTS + 1)]

    instances = busy_emulator.instances()
    duplicates = 0
    for result in results:
        item = result["result"]["results"][0]
        name = "{0}-{1}-0".format(PREFIX, result["host"])
        mine = sorted(i["unInstanceId"] for i in instances if i["instanceName"] == name)
        duplicates += max(0, len(mine) - GOODS_NUM)
        assert len(mine) == GOODS_NUM, (name, mine)
        assert sorted(item["instance_ids"]) == sorted(item["created_instance_ids"]) == mine
        assert {i["status"] for i in item["instances"]} == {"running"}
    assert len(instances) == HOSTS * GOODS_NUM

    log = busy_emulator.requests()
    failed = [e for e in log if e["code"] != 0 or e["fault"] is not None]
    assert failed == []
    assert len([e for e in log if e["action"] == busy_emulator.face.create]) == HOSTS
    emulator_log = (busy_emulator.workdir / "emulator.log").read_text(errors="replace")
    assert "Traceback" not in emulator_log and "Error" not in emulator_log, emulator_log[-3000:]
    # The listings ran during the play, and saw only instances that exist.
    listing_requests = inventory_requests(busy_emulator.face, log)
    module_seqs = [e["seq"] for e in log if e not in listing_requests]
    during = [e for e in listing_requests if min(module_seqs) < e["seq"] < max(module_seqs)]
    assert during, "no listing ran during the play"
    existing = {i["unInstanceId"] for i in instances}
    for hostvars in listings:
        assert set(hostvars) <= existing
    final = run_ansible("ansible-inventory", busy_emulator, ["-i", config, "--list"], env_extra=strict)
    assert sorted(json.loads(final.stdout)["_meta"]["hostvars"]) == sorted(existing)
    record(
        "concurrency",
        hosts=HOSTS,
        forks=HOSTS,
        sets=HOSTS,
        instances=len(instances),
        duplicates_found=duplicates,
        failed_requests=len(failed),
        requests=len(log),
        inventory_listings=len(listings),
        inventory_requests_during_play=len(during),
    )
