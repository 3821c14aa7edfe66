# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The 3.0 face's action table: name -> (credential-scope service, parameter schema, handler)."""

from . import CVM, VPC
from .actions_catalog import CatalogActions
from .actions_instances import InstanceActions
from .actions_modify import ModifyActions
from .actions_power import PowerActions
from .actions_timers import TimerActions
from .actions_vpc import VpcActions

ACTION_NAMES = (
    "RunInstances",
    "DescribeInstances",
    "DescribeInstancesStatus",
    "TerminateInstances",
    "InquiryPriceRunInstances",
    "DescribeZones",
    "DescribeZoneInstanceConfigInfos",
    "DescribeInstanceTypeConfigs",
    "DescribeImages",
    "StartInstances",
    "StopInstances",
    "RebootInstances",
    "ResetInstancesInternetMaxBandwidth",
    "ModifyInstancesAttribute",
    "AssociateSecurityGroups",
    "DisassociateSecurityGroups",
    "DescribeSecurityGroups",
    "ImportInstancesActionTimer",
    "DescribeInstancesActionTimer",
    "DeleteInstancesActionTimer",
    "DescribeInstancesAttributes",
)
SERVICES = {"DescribeSecurityGroups": VPC}


def service_of(action):
    return SERVICES.get(action, CVM)


class ActionTable:
    def __init__(self, store, config, faults, clock, stock):
        self._entries = {}
        for part in (
            InstanceActions(store, config, faults, clock, stock),
            PowerActions(store, config, clock),
            ModifyActions(store, clock),
            CatalogActions(stock),
            VpcActions(store),
            TimerActions(store, config, clock),
        ):
            self._entries.update(part.handlers())
        assert set(self._entries) == set(ACTION_NAMES), "ACTION_NAMES and the handlers disagree"

    def get(self, action):
        """(schema, handler)."""
        return self._entries[action]

    @staticmethod
    def services(action):
        """The credential-scope services a request for ``action`` may be signed with (both for unknown actions,
        so that they answer InvalidAction rather than a signature error)."""
        if action in ACTION_NAMES:
            return (service_of(action),)
        return (CVM, VPC)
