# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""vpc DescribeSecurityGroups (api-notes/v3.md 3.11), signed for service ``vpc``, served on the same port.

The groups are the legacy face's (``security_groups``: the table plus
groups added through the control API) of the request's region, oldest
first.  ``SecurityGroupIds`` (at most 100; an unknown one ->
``ResourceNotFound``) or ``Filters`` (``security-group-id``,
``project-id``, ``security-group-name`` exact, ``tag-key``, ``tag:<key>``;
no group has tags), not both.  ``Offset``/``Limit`` are strings in the SDK
(integers are accepted too); ``Limit`` 1-100, default 20.  ``ProjectId`` is
a string, ``IsDefault`` true for the group named ``default``, times are
China time as the legacy ``createTime``.
"""

import re

from ..security_groups import SecurityGroupBook
from .checks import SG_ID
from .errors import V3Error, out_of_range
from .schema import FILTERS, IDS, IGNORED, STR, Struct

GROUP_FILTERS = ("security-group-id", "project-id", "security-group-name", "tag-key")


def _number(params, name, default):
    value = params.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"[0-9]+", value))):
        raise V3Error("InvalidParameterValue", f"{name} must be a non-negative integer (as a string), got {value!r}")
    return int(value)


def security_group(group):
    return {
        "SecurityGroupId": group["sgId"],
        "SecurityGroupName": group["sgName"],
        "SecurityGroupDesc": group["sgRemark"],
        "ProjectId": str(group["projectId"]),
        "IsDefault": group["sgName"] == "default",
        "CreatedTime": group["createTime"],
        "UpdateTime": group["createTime"],
        "TagSet": [],
    }


class VpcActions:
    def __init__(self, store):
        self.store = store
        self.book = SecurityGroupBook(store)

    def handlers(self):
        return {
            "DescribeSecurityGroups": (
                Struct(SecurityGroupIds=IDS, Filters=FILTERS, Offset=IGNORED, Limit=IGNORED, OrderField=STR, OrderDirection=STR),
                self.describe_security_groups,
            )
        }

    def describe_security_groups(self, ctx, params):
        ids = params.get("SecurityGroupIds") or []
        given = params.get("Filters") or []
        if ids and given:
            raise V3Error("InvalidParameter.Coexist", "SecurityGroupIds and Filters cannot be given together")
        if len(ids) > 100:
            raise V3Error("InvalidParameterValue.LimitExceeded", f"SecurityGroupIds accepts at most 100 ids, got {len(ids)}")
        for sg_id in ids:
            if not SG_ID.fullmatch(sg_id):
                raise V3Error("InvalidSecurityGroupID.Malformed", f"security group id {sg_id!r} is malformed (sg-xxxxxxxx)")
        if len(given) > 10:
            raise V3Error("LimitExceeded.NumberOfFilters", f"at most 10 Filters, got {len(given)}")
        for item in given:
            if item["Name"] not in GROUP_FILTERS and not item["Name"].startswith("tag:"):
                raise V3Error("InvalidParameter.FilterInvalidKey", f"{item['Name']!r} is not a filter of DescribeSecurityGroups")
        offset = _number(params, "Offset", 0)
        limit = _number(params, "Limit", 20)
        if not 1 <= limit <= 100:
            raise out_of_range(f"Limit must be between 1 and 100, got {limit}")
        order = params.get("OrderField")
        direction = params.get("OrderDirection", "ASC")
        if order is not None and order not in ("CreatedTime", "UpdateTime"):
            raise V3Error("InvalidParameterValue", f"OrderField must be CreatedTime or UpdateTime, got {order!r}")
        if direction not in ("ASC", "DESC"):
            raise V3Error("InvalidParameterValue", f"OrderDirection must be ASC or DESC, got {direction!r}")
        with self.store.lock:
            groups = self.book.in_region(ctx.region)
        if ids:
            by_id = {group["sgId"]: group for group in groups}
            missing = [sg_id for sg_id in ids if sg_id not in by_id]
            if missing:
                raise V3Error("ResourceNotFound", f"security group(s) {', '.join(missing)} not found in this region")
            groups = [group for group in groups if group["sgId"] in ids]
        for item in given:
            groups = [group for group in groups if _matches(group, item["Name"], item["Values"])]
        if order is not None:
            groups = sorted(groups, key=lambda group: group["createTime"], reverse=direction == "DESC")
        elif direction == "DESC":
            groups = groups[::-1]
        return {"SecurityGroupSet": [security_group(group) for group in groups[offset : offset + limit]], "TotalCount": len(groups)}


def _matches(group, name, values):
    if name == "security-group-id":
        return group["sgId"] in values
    if name == "project-id":
        return str(group["projectId"]) in values
    if name == "security-group-name":
        return group["sgName"] in values
    return False  # tag-key, tag:<key>: no group has tags
