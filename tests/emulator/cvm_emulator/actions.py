# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy face's action table: names, the host each is signed for, and dispatch.

Handlers live in one module per job (``instance_actions``, ``power``,
``bandwidth``, ``sg_actions``); each takes ``(region, params, notes)`` and
returns the payload placed beside code/message.
"""

from . import API_HOST
from .bandwidth import BandwidthActions
from .instance_actions import InstanceActions
from .power import PowerActions
from .sg_actions import DFW_HOST, SecurityGroupActions

ACTION_NAMES = (
    "RunInstancesHour",
    "DescribeInstances",
    "ReturnInstance",
    "InquiryInstancePriceHour",
    "StartInstances",
    "StopInstances",
    "RestartInstances",
    "UpdateInstanceBandwidthHour",
    "ModifySecurityGroupsOfInstance",
    "DescribeSecurityGroupEx",
    "DescribeInstancesOfSecurityGroup",
)

# Actions whose real host is not cvm.api.qcloud.com; the signature must name that host
# (or the Host header as received).
API_HOSTS = {
    "ModifySecurityGroupsOfInstance": DFW_HOST,
    "DescribeSecurityGroupEx": DFW_HOST,
    "DescribeInstancesOfSecurityGroup": DFW_HOST,
}
# Batch actions whose ``busy`` fault with an ``instance_id`` fails only that instance's detail item.
PER_ITEM_FAULTS = frozenset(("StartInstances", "StopInstances", "RestartInstances"))


def api_host(action):
    return API_HOSTS.get(action, API_HOST)


class Actions:
    def __init__(self, store, config, faults, clock, stock):
        self.instances = InstanceActions(store, config, faults, clock, stock)
        self.security_groups = SecurityGroupActions(store, clock)
        self._handlers = {}
        for part in (self.instances, PowerActions(store, config, clock), BandwidthActions(store, clock), self.security_groups):
            self._handlers.update(part.handlers())
        assert set(self._handlers) == set(ACTION_NAMES), "ACTION_NAMES and the handlers disagree"

    def run(self, action, region, params, notes):
        """``notes`` receives {"fault": "create_fails"} when that fault was consumed, and may carry
        ``busy_instance`` (see PER_ITEM_FAULTS) into the action."""
        return self._handlers[action](region, params, notes)

    def seed(self, count, regions, name_prefix, status):
        return self.instances.seed(count, regions, name_prefix, status)
