# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""README.md's commands, playbook and inventory configuration work as written (against the emulator), on both APIs."""

from __future__ import annotations

import json
import re

import pytest

from cvm_harness import FACES, REPO_ROOT, plain, run_ansible

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
TASK = "Ensure two instances named web exist and run"


def readme_blocks(language):
    return re.findall(r"```{0}\n(.*?)```".format(language), README, flags=re.S)


def api_env(emulator, api):
    """The environment the README tells a user to set for ``api``, pointed at the emulator's face for that API."""
    endpoint = emulator.base_url + "/v2/index.php" if api == "legacy" else emulator.base_url
    return {"QCLOUD_CVM_API": api, "QCLOUD_CVM_ENDPOINT": endpoint}


def write_examples(tmp_path):
    playbook_text, inventory_text = readme_blocks("yaml")[:2]
    assert "qcloud.cvm.cvm_instance_hour" in playbook_text and "plugin: qcloud.cvm.cvm" in inventory_text
    playbook = tmp_path / "readme-playbook.yml"
    playbook.write_text(playbook_text)
    # The file name the README gives: the plugin only accepts names ending in cvm.yml.
    inventory_file = tmp_path / "web.cvm.yml"
    inventory_file.write_text(inventory_text)
    return playbook, inventory_file


def run_playbook(emulator, playbook, api):
    run = run_ansible("ansible-playbook", emulator, [playbook, "-i", "localhost,", "-c", "local"], env_extra=api_env(emulator, api))
    assert run.rc == 0, run
    return run.task(TASK)["result"]


def list_hosts(emulator, inventory_file, api):
    listing = run_ansible("ansible-inventory", emulator, ["-i", inventory_file, "--list"], env_extra=api_env(emulator, api))
    assert listing.rc == 0, listing
    return plain(json.loads(listing.stdout))


def creates(emulator, api):
    """The create requests of ``api``'s face that could buy (API 3.0 DryRun checks left out)."""
    return [e for e in emulator.requests(FACES[api].create) if (e.get("face") == "v3") == (api == "v3") and not (e.get("params") or {}).get("DryRun")]


def test_readme_opens_with_the_two_commands_and_says_which_api_a_new_account_needs():
    first_block = readme_blocks("sh")[0]
    assert [line.split()[:2] for line in first_block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]
    first_screen = README[: README.index("## What it is")]
    assert "api: v3" in first_screen and "QCLOUD_CVM_API=v3" in first_screen
    credentials = [block for block in readme_blocks("sh") if "export TENCENTCLOUD_SECRET_ID=" in block]
    assert len(credentials) == 1 and "export QCLOUD_CVM_API=v3" in credentials[0]


@pytest.mark.parametrize("api", ["legacy", "v3"])
def test_readme_playbook_then_inventory(emulator, tmp_path, api):
    playbook, inventory_file = write_examples(tmp_path)
    created = run_playbook(emulator, playbook, api)
    assert created["changed"] is True and len(created["instance_ids"]) == 2
    assert sorted(created["created_instance_ids"]) == sorted(created["instance_ids"])
    assert [i["security_group_ids"] for i in created["instances"]] == [["sg-gzweb001"], ["sg-gzweb001"]]
    assert {i["status"] for i in created["instances"]} == {"running"}
    # One create, through the face of the API the environment chose, and none through the other.
    other = "v3" if api == "legacy" else "legacy"
    assert len(creates(emulator, api)) == 1 and creates(emulator, other) == []

    inventory = list_hosts(emulator, inventory_file, api)
    hosts = inventory["_meta"]["hostvars"]
    assert sorted(hosts) == sorted(created["instance_ids"])
    zone_groups = [name for name in inventory if name.startswith("zone_")]
    assert zone_groups == ["zone_100003"]
    assert sorted(inventory["zone_100003"]["hosts"]) == sorted(created["instance_ids"])
    assert {hostvars["cvm_instance_name"] for hostvars in hosts.values()} == {"web"}


def test_readme_playbook_moves_from_the_legacy_api_to_api_3_without_buying_again(emulator, tmp_path):
    """What README.md promises: the task that ran on the legacy API finds its instances on API 3.0, with the same IDs."""
    playbook, inventory_file = write_examples(tmp_path)
    on_legacy = run_playbook(emulator, playbook, "legacy")
    on_v3 = run_playbook(emulator, playbook, "v3")
    assert on_legacy["changed"] is True
    assert on_v3["changed"] is False and on_v3["created_instance_ids"] == [] and on_v3["changes"] == []
    assert on_v3["instance_ids"] == on_legacy["instance_ids"]
    assert len(creates(emulator, "legacy")) == 1 and creates(emulator, "v3") == []
    assert sorted(list_hosts(emulator, inventory_file, "v3")["_meta"]["hostvars"]) == sorted(on_legacy["instance_ids"])
