# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory DescribeInstances for unit tests: filters and pages like the API (spec 4.1), per region."""

from __future__ import annotations

import threading

from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError

ZONES = {"gz": (100001, 100002, 100003, 100004), "sh": (200001, 200002), "bj": (800001, 800002), "hk": (300001,)}


def make_record(number, region="gz", zone_id=None, status=2, name=None, project_id=0, wan_ips=None, **extra):
    zone_id = zone_id or ZONES[region][number % len(ZONES[region])]
    record = {
        "unInstanceId": "ins-{0}{1:06d}".format(region, number),
        "instanceId": "qcvm{0:032d}".format(number),
        "instanceName": "seed-{0:05d}".format(number) if name is None else name,
        "zoneId": zone_id,
        "zoneName": "zone {0}".format(zone_id),
        "Region": region,
        "status": status,
        "lanIp": "10.0.{0}.{1}".format(number // 250, number % 250 + 1),
        "wanIpSet": ["203.0.113.{0}".format(number % 250 + 1)] if wan_ips is None else wan_ips,
        "cpu": 1,
        "mem": 2,
        "bandwidth": 1,
        "unImgId": "img-3wnd9xpl",
        "os": "centos7.2x86_64",
        "createTime": "2024-05-01 10:00:00",
        "deadlineTime": "0000-00-00 00:00",
        "autoRenew": 0,
        "projectId": project_id,
        "cvmPayMode": 2,
        "networkPayMode": 2,
        "vpcId": 0,
        "subnetId": 0,
        "isVpcGateway": 0,
        "diskInfo": {"rootId": "disk-{0:08d}".format(number), "rootSize": 20, "rootType": 1},
    }
    record.update(extra)
    return record


class FakeApi:
    """Records by region (newest first); every client it makes logs its calls here."""

    def __init__(self, records=()):
        self.records = {}
        for record in records:
            self.records.setdefault(record["Region"], []).append(record)
        self.calls = []
        self.failures = {}
        self.before_call = None
        self.clients = []
        self._lock = threading.Lock()

    def client(self, region):
        client = FakeClient(self, region)
        with self._lock:
            self.clients.append(client)
        return client

    def describe_calls(self, region=None):
        return [params for call_region, params in self.calls if region is None or call_region == region]

    def answer(self, region, params):
        with self._lock:
            self.calls.append((region, dict(params)))
            hook = self.before_call
        if hook:
            hook(region, params)
        if region in self.failures:
            raise self.failures[region]
        limit = int(params.get("limit", 20))
        if limit > 100:
            raise QcloudApiError("DescribeInstances", 4000, "InvalidParameter", "limit must be at most 100")
        found = [record for record in self.records.get(region, []) if _matches(record, params)]
        offset = int(params.get("offset", 0))
        return {"code": 0, "totalCount": len(found), "instanceSet": [dict(record) for record in found[offset:offset + limit]]}


def _matches(record, params):
    ids = params.get("instanceIds")
    return ((ids is None or record["unInstanceId"] in ids)
            and ("searchWord" not in params or params["searchWord"] in record["instanceName"])
            and ("zoneId" not in params or record["zoneId"] == params["zoneId"])
            and ("projectId" not in params or record["projectId"] == params["projectId"])
            and ("status" not in params or record["status"] == params["status"]))


class FakeClient:
    """One client: refuses to be used by a second thread, as a requests.Session shared that way would be unsafe."""

    def __init__(self, api, region):
        self.api = api
        self.region = region
        self.request_count = 0
        self.thread = None

    def call(self, action, params=None):
        assert action == "DescribeInstances"
        current = threading.get_ident()
        if self.thread is None:
            self.thread = current
        assert self.thread == current, "a client was shared between threads"
        self.request_count += 1
        return self.api.answer(self.region, params or {})
