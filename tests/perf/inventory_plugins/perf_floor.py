# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: perf_floor
short_description: Benchmark floor, hosts, variables and groups read from a local JSON file
description:
  - Benchmark helper of qcloud.cvm (tests/perf), not part of the collection.
  - Loads the hosts, host variables and groups that one C(ansible-inventory --list) of the qcloud.cvm.cvm
    plugin printed (converted by tests/perf/bench_inventory.py into a file ending C(.perf_floor.json)),
    with the same inventory calls that plugin makes (add_group, add_child, add_host, set_variable) and
    no network, so that its cost is what Ansible itself costs for those hosts.
  - "Enable it with ANSIBLE_INVENTORY_PLUGINS=tests/perf/inventory_plugins and ANSIBLE_INVENTORY_ENABLED=perf_floor."
"""

import json

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):
    NAME = "perf_floor"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(".perf_floor.json")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        try:
            with open(path, "rb") as source:
                data = json.load(source)
        except (OSError, ValueError) as error:
            raise AnsibleParserError("perf_floor: cannot read {0}: {1}".format(path, error)) from None
        inventory = self.inventory
        # Groups in the order the plugin made them, each under its parent.
        for name, parent in data["groups"]:
            inventory.add_group(name)
            if parent:
                inventory.add_child(parent, name)
        for name, variables in data.get("group_vars", {}).items():
            for key, value in variables.items():
                inventory.set_variable(name, key, value)
        # One add_host into the first group, add_child for each other group, set_variable per variable,
        # like the plugin does per instance.
        for hostname, first_group, other_groups, variables in data["hosts"]:
            inventory.add_host(hostname, group=first_group)
            for group in other_groups:
                inventory.add_child(group, hostname)
            for key, value in variables.items():
                inventory.set_variable(hostname, key, value)
