# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The security-group actions of host dfw.api.qcloud.com (docs/api-notes/v3.md sections 6.2 and 6.5).

ModifySecurityGroupsOfInstance replaces the ordered group list of each
listed instance, all or nothing; DescribeSecurityGroupEx and
DescribeInstancesOfSecurityGroup are how a legacy client reads groups and
their members.
"""

from . import operations, states
from .errors import CONFLICT, ApiError, invalid, missing
from .instance_actions import find_instance
from .params import nested_list, optional_int, present
from .security_groups import SecurityGroupBook, detail

DFW_HOST = "dfw.api.qcloud.com"
MAX_INSTANCES = 20
MAX_GROUPS = 5
MAX_LIMIT = 100
# Statuses from which the group list may change; anything else answers 7003.
ASSOCIABLE = frozenset((states.RUNNING, states.STOPPED))


def _page_limit(params):
    limit = optional_int(params, "limit", 20)
    if not 1 <= limit <= MAX_LIMIT:
        raise invalid(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit


def _non_negative(params, name):
    value = optional_int(params, name, 0)
    if value < 0:
        raise invalid(f"{name} must be >= 0, got {value}")
    return value


class SecurityGroupActions:
    def __init__(self, store, clock):
        self.store = store
        self.book = SecurityGroupBook(store)
        self.clock = clock

    def handlers(self):
        return {
            "ModifySecurityGroupsOfInstance": self.modify_security_groups_of_instance,
            "DescribeSecurityGroupEx": self.describe_security_group_ex,
            "DescribeInstancesOfSecurityGroup": self.describe_instances_of_security_group,
        }

    # -- ModifySecurityGroupsOfInstance -------------------------------------------

    def modify_security_groups_of_instance(self, region, params, _notes):
        entries = nested_list(params, "instanceSet", scalars=("instanceId",), lists=("sgIds",))
        if not entries:
            raise missing("instanceSet.0.instanceId")
        if len(entries) > MAX_INSTANCES:
            raise invalid(f"instanceSet accepts at most {MAX_INSTANCES} instances, got {len(entries)}")
        for index, entry in entries:
            if "instanceId" not in entry:
                raise missing(f"instanceSet.{index}.instanceId")
            if "sgIds" not in entry:
                raise missing(f"instanceSet.{index}.sgIds.0")
            seen = set()
            for sg_id in entry["sgIds"]:
                if sg_id in seen:
                    raise invalid(f"instanceSet.{index}.sgIds lists {sg_id} twice", CONFLICT)
                seen.add(sg_id)
        store = self.store
        with store.lock:
            now = self.clock()
            changes, targeted = [], set()
            for index, entry in entries:
                inst = find_instance(store, entry["instanceId"], region)
                if inst.instance_id in targeted:
                    raise invalid(f"instanceSet lists instance {entry['instanceId']} more than once", CONFLICT)
                targeted.add(inst.instance_id)
                self._check_groups(index, entry["sgIds"], region)
                current, _since = inst.effective(now)
                if current not in ASSOCIABLE:
                    raise ApiError(
                        "OperationConstraints.InstanceStatusForbidsAssociation",
                        (
                            f"instance {entry['instanceId']} has status {states.LEGACY_CODE[current]}; security "
                            "groups can change only while it is running (2) or stopped (4)"
                        ),
                    )
                changes.append((inst, {"security_group_ids": list(entry["sgIds"]), "latest_operation": operations.record(operations.MODIFY_ATTRIBUTE)}))
            store.update_many(changes)
        return {}

    def _check_groups(self, index, sg_ids, region):
        for sg_id in sg_ids:
            if self.book.find(sg_id, region) is None:
                raise ApiError("InvalidSecurityGroupId.NotFound", f"security group {sg_id} (instanceSet.{index}.sgIds) does not exist in Region {region}")
        if len(sg_ids) > MAX_GROUPS:
            raise ApiError(
                "LimitExceeded.AssociateUSGLimitExceeded",
                (f"instanceSet.{index}.sgIds has {len(sg_ids)} groups; an instance can be in at most {MAX_GROUPS} security groups"),
            )

    # -- DescribeSecurityGroupEx ----------------------------------------------------

    def describe_security_group_ex(self, region, params, _notes):
        project = optional_int(params, "projectId")
        if project is not None and project < 0:
            raise invalid(f"projectId must be >= 0, got {project}")
        if present(params, "offset") and present(params, "offsetLine"):
            raise invalid("offset (a page number) and offsetLine (a row number) cannot be given together", CONFLICT)
        page = _non_negative(params, "offset")
        row = _non_negative(params, "offsetLine")
        limit = _page_limit(params)
        skip = row if present(params, "offsetLine") else page * limit
        sg_id = params.get("sgId") or None
        word = (params.get("sgName") or "").casefold()
        with self.store.lock:
            groups = [
                group
                for group in self.book.in_region(region)
                if (project is None or group["projectId"] == project) and (sg_id is None or group["sgId"] == sg_id) and word in group["sgName"].casefold()
            ]
        return {"data": {"totalNum": len(groups), "detail": [detail(group) for group in groups[skip : skip + limit]]}}

    # -- DescribeInstancesOfSecurityGroup ---------------------------------------------

    def describe_instances_of_security_group(self, region, params, _notes):
        if not present(params, "sgId"):
            raise missing("sgId")
        sg_id = params["sgId"]
        offset = _non_negative(params, "offset")
        limit = _page_limit(params)
        store = self.store
        with store.lock:
            if self.book.find(sg_id, region) is None:
                raise ApiError("InvalidSecurityGroupId.NotFound", f"security group {sg_id} does not exist in Region {region}")
            now = self.clock()
            members = [
                inst.instance_id
                for inst in reversed(store.region_instances(region))
                if sg_id in inst.security_group_ids and inst.effective(now)[0] not in states.RELEASED
            ]
        return {"totalCount": len(members), "data": [{"instanceId": instance_id} for instance_id in members[offset : offset + limit]]}
