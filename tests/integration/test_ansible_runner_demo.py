# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The demo (docs/examples) through ansible-runner, the engine AWX and Automation Platform run playbooks with.

The demo is a migration: two instances created on the legacy API, the same task unchanged on API 3.0,
the inventory and the give-back through API 3.0. Each step is checked from its results and from the
emulator's request log (which face was asked, and that nothing was bought twice).
"""

from __future__ import annotations

import json
import shutil

import pytest

from cvm_harness import REPO_ROOT, ansible_env, plain

# Installed with the ecosystem tools (tests/requirements-tools.txt), in the main cell of the version matrix only.
ansible_runner = pytest.importorskip("ansible_runner")

DEMO_NAME = "demo-web"
DEMO_GROUPS = ["sg-gzweb001"]


def demo_setup(emulator, tmp_path):
    """The private data dir with a copy of docs/examples, the environment and the extra vars demo.sh gives."""
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "docs" / "examples", project)
    env = ansible_env(emulator)
    envvars = {name: env[name] for name in env if name.startswith(("ANSIBLE_", "TENCENTCLOUD_", "QCLOUD_"))}
    # demo.sh unsets QCLOUD_CVM_ENDPOINT (one variable cannot name both faces) and passes each API's URL instead;
    # the demo's files name their API themselves, so QCLOUD_CVM_API goes too.
    envvars.pop("QCLOUD_CVM_ENDPOINT")
    envvars.pop("QCLOUD_CVM_API", None)
    extravars = {"legacy_endpoint": emulator.base_url + "/v2/index.php", "v3_endpoint": emulator.base_url}
    return project, envvars, extravars


def run_playbook(tmp_path, playbook, envvars, extravars):
    runner = ansible_runner.run(
        private_data_dir=str(tmp_path),
        playbook=playbook,
        inventory="localhost ansible_connection=local",
        envvars=envvars,
        extravars=extravars,
        quiet=True,
    )
    assert runner.status == "successful", runner.stdout.read()
    results = {}
    for event in runner.events:
        if event["event"] == "runner_on_ok":
            data = event["event_data"]
            results[data["task"]] = data["res"]
    return results


def faces(emulator, since=0):
    """(legacy, v3) request log entries after ``since``."""
    entries = emulator.control("GET", "requests?since={0}".format(since))["requests"]
    return [e for e in entries if e.get("face") != "v3"], [e for e in entries if e.get("face") == "v3"]


def test_demo_moves_from_the_legacy_api_to_api_3_without_buying_again(emulator, tmp_path):
    project, envvars, extravars = demo_setup(emulator, tmp_path)

    # demo.yml: play 1 on the legacy API, play 2 on API 3.0.
    results = run_playbook(tmp_path, "demo.yml", envvars, extravars)
    created = results["Create two instances on the legacy API and wait until they run"]
    again = results["Run the same task again (it finds both, so it creates nothing)"]
    on_v3 = results["Run the same task on API 3.0 (it finds both, so it creates nothing)"]
    assert created["changed"] is True and len(created["created_instance_ids"]) == 2
    assert sorted(created["created_instance_ids"]) == sorted(created["instance_ids"])
    assert again["changed"] is False and again["instance_ids"] == created["instance_ids"] and again["created_instance_ids"] == []
    assert on_v3["changed"] is False and on_v3["instance_ids"] == created["instance_ids"]
    assert on_v3["created_instance_ids"] == [] and on_v3["changes"] == [] and on_v3["client_token"] is None
    for result in (again, on_v3):
        assert [i["instance_id"] for i in result["instances"]] == result["instance_ids"]
        assert {(i["status"], i["zone"], i["instance_name"]) for i in result["instances"]} == {("running", "ap-guangzhou-3", DEMO_NAME)}
        assert [i["security_group_ids"] for i in result["instances"]] == [DEMO_GROUPS, DEMO_GROUPS]
    # Created on the legacy API, so no API 3.0 tag (not even the client-token tag).
    assert [i["tags"] for i in on_v3["instances"]] == [{}, {}]
    live = sorted(i["unInstanceId"] for i in emulator.live_instances(DEMO_NAME))
    assert sorted(created["instance_ids"]) == live

    # Play 1 talked to the legacy face only, and bought once; play 2 to the 3.0 face only, and bought nothing.
    legacy, v3 = faces(emulator)
    assert [e["action"] for e in legacy].count("RunInstancesHour") == 1
    assert "ModifySecurityGroupsOfInstance" in [e["action"] for e in legacy]
    assert v3 and "DescribeInstances" in [e["action"] for e in v3]
    assert not {"RunInstances", "ModifyInstancesAttribute", "TerminateInstances"} & {e["action"] for e in v3}
    assert max(e["seq"] for e in legacy) < min(e["seq"] for e in v3)
    seen = max(e["seq"] for e in v3)

    # demo.cvm.yml: the same instances as hosts, listed through API 3.0.
    out, err, rc = ansible_runner.run_command(
        executable_cmd="ansible-inventory",
        cmdline_args=["-i", "demo.cvm.yml", "--list", "-e", "v3_endpoint=" + extravars["v3_endpoint"]],
        envvars=envvars,
        host_cwd=str(project),
        runner_mode="subprocess",
        quiet=True,
    )
    assert rc == 0, err
    listing = plain(json.loads(out))
    assert sorted(listing["_meta"]["hostvars"]) == sorted(created["instance_ids"])
    assert sorted(listing["name_demo_web"]["hosts"]) == sorted(created["instance_ids"])
    assert sorted(listing["cvm_zone_ap_guangzhou_3"]["hosts"]) == sorted(created["instance_ids"])
    assert {hostvars["cvm_security_group_ids"][0] for hostvars in listing["_meta"]["hostvars"].values()} == set(DEMO_GROUPS)
    legacy, v3 = faces(emulator, seen)
    assert legacy == [] and {e["action"] for e in v3} >= {"DescribeInstances"}
    seen = max(e["seq"] for e in v3)

    # demo-cleanup.yml: given back through API 3.0, and a second give-back has nothing to do.
    results = run_playbook(tmp_path, "demo-cleanup.yml", envvars, extravars)
    returned = results["Give them back"]
    second = results["Give them back again (nothing left to do)"]
    assert returned["changed"] is True and sorted(returned["returned_instance_ids"]) == sorted(created["instance_ids"])
    assert returned["instance_ids"] == []
    assert second["changed"] is False and second["returned_instance_ids"] == []
    legacy, v3 = faces(emulator, seen)
    assert legacy == [] and [e["action"] for e in v3].count("TerminateInstances") == 1
    assert emulator.live_instances(DEMO_NAME) == []
