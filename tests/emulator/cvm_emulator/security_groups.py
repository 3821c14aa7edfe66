# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's security groups ([EMU]): a fixed table plus groups added through the control API.

Security groups are regional.  Rules are not emulated (no traffic flows),
so ``beAssociateCount`` -- how many other groups reference a group -- is
always 0.  Groups added with ``POST /_emulator/security_groups`` live in
the store (and its state file) until a reset.
"""

import re

from . import catalog
from .records import china_time

SG_ID = re.compile(r"sg-[a-z0-9]{8}")
MAX_NAME = 60
MAX_REMARK = 100
TABLE_CREATED = "2017-03-01 10:00:00"


def _group(sg_id, region, name, remark, project_id=0, created=TABLE_CREATED):
    return {"sgId": sg_id, "sgName": name, "sgRemark": remark, "projectId": project_id, "region": region, "createTime": created}


TABLE = tuple(
    _group(f"sg-{region}{suffix}", region, name, remark)
    for region in ("gz", "sh", "bj")
    for suffix, name, remark in (
        ("deflt1", "default", "all traffic allowed (the project's default group)"),
        ("web001", "web", "tcp 80, 443 from 0.0.0.0/0"),
        ("ssh001", "ssh", "tcp 22 from 0.0.0.0/0"),
        ("db0001", "db", "tcp 3306 from 10.0.0.0/8 and 172.16.0.0/12"),
    )
    if not (suffix == "db0001" and region != "gz")
)
_TABLE_BY_ID = {group["sgId"]: group for group in TABLE}


def detail(group):
    """A ``DescribeSecurityGroupEx`` ``data.detail`` item."""
    return {
        "sgId": group["sgId"],
        "sgName": group["sgName"],
        "sgRemark": group["sgRemark"],
        "createTime": group["createTime"],
        "projectId": group["projectId"],
        "beAssociateCount": 0,
    }


class SecurityGroupBook:
    """Lookups over the table and the store's added groups; callers hold ``store.lock``."""

    def __init__(self, store):
        self.store = store

    def find(self, sg_id, region):
        group = _TABLE_BY_ID.get(sg_id) or self.store.added_group(sg_id)
        return group if group is not None and group["region"] == region else None

    def in_region(self, region):
        """Table groups first, then added ones, each oldest first."""
        return [group for group in TABLE + tuple(self.store.added_groups()) if group["region"] == region]

    def everything(self):
        return list(TABLE) + self.store.added_groups()

    def add(self, region, name, project_id, remark, now):
        """Validate a ``POST /_emulator/security_groups`` body's values; raises ValueError."""
        short = catalog.normalise_region(region) if isinstance(region, str) else None
        if short is None:
            raise ValueError(f"region {region!r} is not a known region")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            raise ValueError(f"name must be a string of 1-{MAX_NAME} characters")
        if isinstance(project_id, bool) or not isinstance(project_id, int) or project_id < 0:
            raise ValueError("project_id must be an integer >= 0")
        if not isinstance(remark, str) or len(remark) > MAX_REMARK:
            raise ValueError(f"remark must be a string of at most {MAX_REMARK} characters")
        with self.store.lock:
            sg_id = self.store.new_id("sg-", set(_TABLE_BY_ID))
            group = _group(sg_id, short, name, remark, project_id, china_time(now))
            self.store.add_group(group)
        return dict(group)
