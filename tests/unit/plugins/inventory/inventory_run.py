# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parsing one configuration of qcloud.cvm.cvm, loaded as ansible-inventory loads it, against an in-memory legacy API."""

from __future__ import annotations

import yaml

from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import install

SECRET_ID = "AKIDUNITTEST"
SECRET_KEY = "unit-test-secret-key"
ENVIRONMENT = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_REGION",
    "QCLOUD_CVM_ENDPOINT",
    "QCLOUD_CVM_API",
)


class Run:
    def __init__(self, inventory, plugin, api, warnings):
        self.inventory = inventory
        self.plugin = plugin
        self.api = api
        self.warnings = warnings

    @property
    def hosts(self):
        return sorted(self.inventory.hosts)

    def hostvars(self, host):
        return self.inventory.get_host(host).vars

    def group_hosts(self, group):
        return sorted(host.name for host in self.inventory.groups[group].get_hosts())

    def children(self, group):
        return sorted(child.name for child in self.inventory.groups[group].child_groups)


def parser(tmp_path, monkeypatch):
    """A ``parse(config, api, cache=True, name=...)`` for one test: credentials from the environment, gz by default."""
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "gz")

    def parse(config, api, cache=True, name="test.cvm.yml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({"plugin": "qcloud.cvm.cvm"}, **config)))
        install(monkeypatch, api)
        plugin = inventory_loader.get("qcloud.cvm.cvm")
        warnings = []
        monkeypatch.setattr(plugin.display, "warning", lambda message, *args, **kwargs: warnings.append(message))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        if getattr(plugin, "_cache", None):
            # What the inventory manager does after parse.
            plugin.update_cache_if_changed()
        return Run(inventory, plugin, api, warnings)

    return parse
