# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The demo through ansible-runner, the engine AWX and Automation Platform run playbooks with."""

from __future__ import annotations

import shutil

import pytest

from cvm_harness import REPO_ROOT, ansible_env


# Installed with the ecosystem tools (tests/requirements-tools.txt), in the main cell of the version matrix only.
ansible_runner = pytest.importorskip("ansible_runner")


def test_demo_playbook_through_ansible_runner_reports_the_created_instances(emulator, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO_ROOT / "docs" / "examples", project)
    env = ansible_env(emulator)
    runner = ansible_runner.run(
        private_data_dir=str(tmp_path),
        playbook="demo.yml",
        inventory="localhost ansible_connection=local",
        envvars={name: env[name] for name in env if name.startswith(("ANSIBLE_", "TENCENTCLOUD_", "QCLOUD_"))},
        quiet=True,
    )
    assert runner.status == "successful", runner.stdout.read()
    results = {}
    for event in runner.events:
        if event["event"] == "runner_on_ok":
            data = event["event_data"]
            results[data["task"]] = data["res"]
    created = results["Create two instances and wait until they run"]
    again = results["Run the same task again (it finds both, so it creates nothing)"]
    assert created["changed"] is True and len(created["created_instance_ids"]) == 2
    assert again["changed"] is False and again["instance_ids"] == created["instance_ids"]
    assert [i["instance_id"] for i in again["instances"]] == again["instance_ids"]
    assert {(i["status"], i["zone"]) for i in again["instances"]} == {("running", "ap-guangzhou-3")}
    live = sorted(i["unInstanceId"] for i in emulator.live_instances("demo-web"))
    assert sorted(created["instance_ids"]) == live
