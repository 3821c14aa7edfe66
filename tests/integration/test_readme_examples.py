# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""README.md's playbook and inventory configuration work as written (against the emulator)."""

from __future__ import annotations

import json
import re

from cvm_harness import REPO_ROOT, run_ansible


def readme_yaml_blocks():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_readme_playbook_then_inventory(emulator, tmp_path):
    playbook_text, inventory_text = readme_yaml_blocks()[:2]
    assert "qcloud.cvm.cvm_instance_hour" in playbook_text and "plugin: qcloud.cvm.cvm" in inventory_text
    playbook = tmp_path / "readme-playbook.yml"
    playbook.write_text(playbook_text)
    run = run_ansible("ansible-playbook", emulator, [playbook, "-i", "localhost,", "-c", "local"])
    assert run.rc == 0, run
    created = run.task("Ensure two instances named web exist and run")["result"]
    assert created["changed"] is True and len(created["instance_ids"]) == 2

    # The file name the README gives: the plugin only accepts names ending in cvm.yml.
    inventory_file = tmp_path / "web.cvm.yml"
    inventory_file.write_text(inventory_text)
    listing = run_ansible("ansible-inventory", emulator, ["-i", inventory_file, "--list"])
    assert listing.rc == 0, listing
    hosts = json.loads(listing.stdout)["_meta"]["hostvars"]
    assert sorted(hosts) == sorted(created["instance_ids"])
    zone_groups = [name for name in json.loads(listing.stdout) if name.startswith("zone_")]
    assert zone_groups == ["zone_100003"]
