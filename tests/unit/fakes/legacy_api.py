# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory legacy API (``/v2/index.php``) behind a requests-like session, for unit tests.

Tests install ``FakeLegacyApi.session`` as ``requests.Session`` (``install``), so
the collection's own code runs the whole way down: options -> Connection ->
open_backend -> LegacyBackend -> LegacyClient -> one signed form POST. The fake
checks what a server checks, with code of its own (section numbers of
docs/api-notes/legacy.md): the Host header and the HmacSHA256 signature (1.3),
a nonce used once (1.5); it decodes the flat form parameters (1.4) and answers
HTTP 200 JSON with ``code`` (2.1):

* DescribeInstances filters by instanceIds, zoneId, projectId, status and a
  fuzzy searchWord, and pages with offset/limit (default 20, at most 100) (4.1);
* RunInstancesHour creates ``goodsNum`` records, and answers a clientToken it
  has seen with the same IDs, creating nothing (3.1);
* ReturnInstance refuses an instance being created, failed, or given back (5.1);
* InquiryInstancePriceHour quotes, prices as strings under ``data`` (5.2);
* Start/Stop/RestartInstances answer a per-instance ``detail``, also when some
  or all fail (2.1), and pass through starting/stopping/rebooting on the clock;
* UpdateInstanceBandwidthHour changes one instance's bandwidth;
* the security-group actions of the dfw host (api-notes/v3.md 6.2, 6.5):
  DescribeSecurityGroupEx, DescribeInstancesOfSecurityGroup and
  ModifySecurityGroupsOfInstance over ``security_groups`` (group IDs per legacy
  region) and each record's ``_sgIds``.

A POST whose body is not a form (an API 3.0 client) is answered HTTP 404 and
kept in ``foreign_posts``.

Records are legacy records (4.2), kept per legacy region code, newest first.
Failures are injected per action (``errors``) or per region (``region_errors``):
an answer dict, a FakeResponse, or an exception the session raises; a list is
consumed one item per call. ``before_call(call)`` may return an answer (or
raise) instead of the normal one; ``after_call(call, answer)`` may raise after
the API did the work, which is how a lost answer looks.
"""

from __future__ import annotations

import base64
import calendar
import functools
import hashlib
import hmac
import itertools
import json
import threading
import time

from urllib.parse import urlsplit

UNNAMED = "\u672a\u547d\u540d"

# codeDesc -> public code (api-notes/legacy.md 2.2, 2.3).
CODES = {
    "InvalidParameter": 4000,
    "InvalidParameter.InvaildZoneId": 4000,
    "InvalidParameter.PasswordNotConformSpecs": 4000,
    "AuthFailure": 4100,
    "AuthFailure.SecretIdNotFound": 4104,
    "RequestLimitExceeded": 4400,
    "InvalidRequest.ReplayAttack": 4500,
    "ResourceNotFound": 5000,
    "OperationFail.SystemBusy": 5100,
    "OperationConstraints.InvaildInstanceStatus": 5100,
    "OperationFail.PurchaseFailed": 5200,
    "OperationConstraints.AccountBalanceNotEnough": 5300,
    "InternalError": 6000,
    "InvalidAction": 6100,
    "OperationFail": 5100,
    "OperationFail.PartialFailure": 5400,
    "InvalidSecurityGroupId.NotFound": 7000,
    "OperationConstraints.InstanceStatusForbidsAssociation": 7003,
}

COMMON_PARAMETERS = ("Action", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod", "Signature", "Token")
INT_PARAMETERS = frozenset(
    (
        "offset",
        "limit",
        "zoneId",
        "projectId",
        "status",
        "cpu",
        "mem",
        "storageSize",
        "storageType",
        "rootSize",
        "bandwidth",
        "goodsNum",
        "imageType",
        "wanIp",
        "isVpcGateway",
        "needSecurityAgent",
        "needMonitorAgent",
        "offsetLine",
        "forceStop",
    )
)
# Power actions: (the status they need, the passing status, the status they end in).
POWER = {"StartInstances": (4, 8, 2), "StopInstances": (2, 9, 4), "RestartInstances": (2, 7, 2)}

SECRET_KEYS = {"AKIDTEST": "key", "AKIDUNITTEST": "unit-test-secret-key"}

ZONES = {"gz": (100001, 100002, 100003, 100004), "sh": (200001, 200002), "bj": (800001, 800002), "hk": (300001,)}

# createTime is China time (4.2); the first record is created at 2024-05-01 10:00:00, one second apart.
_FIRST_CREATE = calendar.timegm((2024, 5, 1, 10, 0, 0, 0, 0, 0))


def china_time(number):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(_FIRST_CREATE + number))


def error(code_desc, message, request_id=None, code=None):
    """An error answer: ``{"code": 5100, "codeDesc": "OperationFail.SystemBusy", "message": ...}``."""
    answer = {"code": CODES[code_desc] if code is None else code, "codeDesc": code_desc, "message": message}
    if request_id:
        answer["requestId"] = request_id
    return answer


class FakeResponse:
    def __init__(self, status_code=200, body=None, text=None):
        self.status_code = status_code
        self.text = text if text is not None else json.dumps(body, ensure_ascii=False)


def http_status(status, text="error"):
    return FakeResponse(status_code=status, text=text)


def make_record(number, region="gz", zone_id=None, status=2, name=None, project_id=0, wan_ips=None, **extra):
    """A DescribeInstances record as the API lists it (4.2); ``extra`` adds or replaces keys."""
    zone_id = zone_id or ZONES[region][number % len(ZONES[region])]
    record = {
        "unInstanceId": "ins-{0}{1:06d}".format(region, number),
        "instanceId": "qcvm{0:032d}".format(number),
        "uuid": "00000000-0000-4000-8000-{0:012d}".format(number),
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
        "createTime": china_time(number),
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


def signature_of(secret_key, host, path, data, method="POST"):
    """The signature a server computes (1.3), written independently of the collection's signer."""
    pairs = sorted((key.replace("_", "."), value) for key, value in data.items() if key != "Signature")
    text = "{0}{1}{2}?{3}".format(method, host, path, "&".join("{0}={1}".format(key, value) for key, value in pairs))
    digest = hashlib.sha256 if data.get("SignatureMethod") == "HmacSHA256" else hashlib.sha1
    return base64.b64encode(hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), digest).digest()).decode("ascii")


def host_of(url):
    """The Host header an HTTP client sends for ``url``: no default port, an IPv6 literal in brackets."""
    parts = urlsplit(url)
    host = "[{0}]".format(parts.hostname) if ":" in parts.hostname else parts.hostname
    return host if parts.port in (None, {"http": 80, "https": 443}[parts.scheme]) else "{0}:{1}".format(host, parts.port)


def _listed(tree):
    """Nested dicts whose keys are all 0, 1, ... as lists."""
    if not isinstance(tree, dict):
        return tree
    values = {key: _listed(value) for key, value in tree.items()}
    if values and all(key.isdigit() for key in values):
        return [values[key] for key in sorted(values, key=int)]
    return values


def business_parameters(data):
    """The action's own parameters of a flat form (1.4): ``name.N`` and ``name.key`` back into lists and objects,
    the numbers of INT_PARAMETERS back into ints."""
    tree = {}
    for key, value in data.items():
        if key in COMMON_PARAMETERS:
            continue
        parts = key.split(".")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = int(value) if len(parts) == 1 and key in INT_PARAMETERS else value
    return _listed(tree)


class Call:
    """One request as the server saw it."""

    def __init__(self, url, data, headers):
        self.url = url
        self.data = data
        self.headers = headers
        self.action = data.get("Action")
        self.region = data.get("Region")
        self.params = {}

    def __repr__(self):
        return "Call({0}, {1}, {2!r})".format(self.action, self.region, self.params)


class FakeSession:
    """What requests.Session gives the client: ``post``. Refuses to be used by a second thread."""

    def __init__(self, api):
        self.api = api
        self.thread = None

    def post(self, url, data, headers, timeout, verify):
        current = threading.get_ident()
        if self.thread is None:
            self.thread = current
        assert self.thread == current, "an HTTP session was shared between threads"
        if not isinstance(data, dict):
            self.api.foreign_posts.append((url, dict(headers)))
            return FakeResponse(status_code=404, text="not a legacy API request")
        return self.api.handle(url, dict(data), dict(headers))


class FakeLegacyApi:
    def __init__(self, records=(), secret_keys=None, clock=None):
        self.records = {}
        self.add(*records)
        self.secret_keys = dict(SECRET_KEYS if secret_keys is None else secret_keys)
        self.clock = clock
        self.calls = []
        self.sessions = []
        self.errors = {}
        self.region_errors = {}
        self.before_call = None
        self.after_call = None
        # Sleeps of the retry policies of the clients opened while installed.
        self.retry_sleeps = []
        # What a create makes: its status, and later ones as (seconds after the create, status) on the clock.
        self.created_status = 2
        self.created_later = ()
        # Whether records carry the vpc-/subnet- strings (unVpcId/unSubnetId) besides the numeric vpcId/subnetId;
        # the field table of 4.2 documents only the numeric ones.
        self.string_vpc_ids = True
        # Whether records carry instanceType (not in the field table of 4.2).
        self.report_instance_type = False
        self.return_refused = frozenset((-1, 3, 5, 6))
        self.tokens = {}
        self.nonces = set()
        self.foreign_posts = []
        # Security group IDs per legacy region; a record's groups are its "_sgIds".
        self.security_groups = {}
        # Seconds a start, stop or restart passes in its passing state (on the clock; at once without one).
        self.power_delay = 1.0
        self._numbers = itertools.count(900001)
        self._lock = threading.RLock()

    # -- set-up and inspection ------------------------------------------------

    def add(self, *records):
        for record in records:
            self.records.setdefault(record["Region"], []).append(record)

    def record(self, instance_id):
        for records in self.records.values():
            for record in records:
                if record["unInstanceId"] == instance_id:
                    return record
        raise KeyError(instance_id)

    def session(self):
        session = FakeSession(self)
        with self._lock:
            self.sessions.append(session)
        return session

    def actions(self):
        return [call.action for call in self.calls]

    def calls_of(self, action, region=None):
        return [call for call in self.calls if call.action == action and (region is None or call.region == region)]

    def describe_calls(self, region=None):
        return [call.params for call in self.calls_of("DescribeInstances", region)]

    # -- the server -------------------------------------------------------------

    def handle(self, url, data, headers):
        call = Call(url, data, headers)
        try:
            call.params = business_parameters(data)
            malformed = None
        except ValueError as problem:
            malformed = error("InvalidParameter", "(100002){0}".format(problem))
        with self._lock:
            self.calls.append(call)
        answer = self._authenticate(call) or malformed or self._injected(call)
        if answer is None and self.before_call is not None:
            answer = self.before_call(call)
        if answer is None:
            with self._lock:
                answer = self._dispatch(call)
            if self.after_call is not None:
                self.after_call(call, answer)
        return self._respond(answer)

    @staticmethod
    def _respond(answer):
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, FakeResponse):
            return answer
        return FakeResponse(body=answer)

    def _authenticate(self, call):
        secret_key = self.secret_keys.get(call.data.get("SecretId"))
        if secret_key is None:
            return error("AuthFailure.SecretIdNotFound", "(100104)SecretId {0} not found".format(call.data.get("SecretId")))
        host = host_of(call.url)
        if call.headers.get("Host") != host:
            return error("AuthFailure", "(100100)Host header {0!r} is not the URL's host {1!r}".format(call.headers.get("Host"), host))
        if call.data.get("Signature") != signature_of(secret_key, host, urlsplit(call.url).path or "/", call.data):
            return error("AuthFailure", "(100100)signature mismatch")
        with self._lock:
            if call.data.get("Nonce") in self.nonces:
                return error("InvalidRequest.ReplayAttack", "(100500)nonce used before")
            self.nonces.add(call.data.get("Nonce"))
        return None

    def _injected(self, call):
        for table, key in ((self.region_errors, call.region), (self.errors, call.action)):
            if key in table:
                answer = table[key]
                if isinstance(answer, list):
                    if not answer:
                        continue
                    return answer.pop(0)
                return answer
        return None

    def _dispatch(self, call):
        handler = {
            "DescribeInstances": self._describe,
            "RunInstancesHour": self._run,
            "ReturnInstance": self._return,
            "InquiryInstancePriceHour": self._quote,
            "UpdateInstanceBandwidthHour": self._bandwidth,
            "DescribeSecurityGroupEx": self._groups,
            "DescribeInstancesOfSecurityGroup": self._group_members,
            "ModifySecurityGroupsOfInstance": self._bind_groups,
        }.get(call.action)
        if call.action in POWER:
            return self._power(call.action, call.region, call.params)
        if handler is None:
            return error("InvalidAction", "(100610)unknown action {0}".format(call.action))
        return handler(call.region, call.params)

    def _settle(self, record):
        later = record.get("_later")
        if not later or self.clock is None:
            return
        while later and later[0][0] <= self.clock.now:
            record["status"] = later.pop(0)[1]

    def _describe(self, region, params):
        limit = params.get("limit", 20)
        offset = params.get("offset", 0)
        if not 1 <= limit <= 100:
            return error("InvalidParameter", "(100004)limit must be between 1 and 100, got {0}".format(limit))
        found = []
        for record in self.records.get(region, []):
            self._settle(record)
            if _matches(record, params):
                found.append(record)
        page = found[offset : offset + limit]
        return {
            "code": 0,
            "message": "",
            "totalCount": len(found),
            "instanceSet": [{key: value for key, value in record.items() if not key.startswith("_")} for record in page],
        }

    def _run(self, region, params):
        missing = [name for name in ("zoneId", "cpu", "mem", "imageId") if name not in params]
        if missing:
            return error("InvalidParameter", "(100001)missing required parameter {0}".format(missing[0]))
        token = params.get("clientToken")
        if token and token in self.tokens:
            return {"code": 0, "message": "", "unInstanceIds": list(self.tokens[token])}
        ids = [self._create(region, params) for _number in range(params.get("goodsNum", 1))]
        if token:
            self.tokens[token] = ids
        return {"code": 0, "message": "", "unInstanceIds": ids}

    def _create(self, region, params):
        number = next(self._numbers)
        bandwidth = params.get("bandwidth", 0)
        storage_type = params.get("storageType", 1)
        disk = {"rootId": "disk-r{0}".format(number), "rootSize": params.get("rootSize", 20), "rootType": storage_type}
        if params.get("storageSize"):
            disk.update(storageId="disk-d{0}".format(number), storageSize=params["storageSize"], storageType=storage_type)
        addresses = params.get("privateIpAddresses") or []
        record = make_record(
            number,
            region=region,
            zone_id=params["zoneId"],
            status=self.created_status,
            name=params.get("instanceName", UNNAMED),
            project_id=params.get("projectId", 0),
            wan_ips=["198.51.100.{0}".format(number % 250 + 1)] if bandwidth and params.get("wanIp", 1) else [],
            cpu=params["cpu"],
            mem=params["mem"],
            unImgId=params["imageId"],
            bandwidth=bandwidth,
            lanIp=addresses[0] if addresses else "10.9.{0}.{1}".format(number // 250 % 250, number % 250 + 1),
            networkPayMode=2 if params.get("bandwidthType") == "PayByTraffic" else 3,
            vpcId=1001 if params.get("vpcId") else 0,
            subnetId=2001 if params.get("subnetId") else 0,
            isVpcGateway=params.get("isVpcGateway", 0),
            diskInfo=disk,
            createTime=china_time(number - 900001 + 86400),
        )
        if self.string_vpc_ids:
            record.update(unVpcId=params.get("vpcId", ""), unSubnetId=params.get("subnetId", ""))
        if self.report_instance_type:
            record["instanceType"] = params.get("instanceType", "CVM.S1")
        if self.created_later:
            now = self.clock.now if self.clock is not None else 0
            record["_later"] = [(now + delay, status) for delay, status in self.created_later]
        self.records.setdefault(region, []).insert(0, record)
        return record["unInstanceId"]

    def _return(self, region, params):
        instance_id = params.get("instanceId")
        record = self._find(region, instance_id)
        if record is None:
            return error("ResourceNotFound", "(100020)instance {0} not found".format(instance_id))
        if record["status"] in self.return_refused:
            return error(
                "OperationConstraints.InvaildInstanceStatus", "(100022)instance {0} cannot be returned in status {1}".format(instance_id, record["status"])
            )
        record["status"] = 6
        return {"code": 0, "message": ""}

    def _find(self, region, instance_id):
        record = next((r for r in self.records.get(region, []) if r["unInstanceId"] == instance_id), None)
        if record is not None:
            self._settle(record)
        return record

    def _bandwidth(self, region, params):
        record = self._find(region, params.get("instanceId"))
        if record is None:
            return error("ResourceNotFound", "(100020)instance {0} not found".format(params.get("instanceId")))
        record["bandwidth"] = params["bandwidth"]
        return {"code": 0, "message": ""}

    def _power(self, action, region, params):
        needed, passing, final = POWER[action]
        detail = {}
        for instance_id in params.get("instanceIds") or []:
            record = self._find(region, instance_id)
            if record is None or record["status"] != needed:
                item = error(
                    "ResourceNotFound" if record is None else "OperationConstraints.InvaildInstanceStatus",
                    "instance {0} cannot {1} in status {2}".format(instance_id, action, None if record is None else record["status"]),
                )
                detail[instance_id] = dict(item, requestId="")
                continue
            if self.clock is None:
                record["status"] = final
            else:
                record["status"] = passing
                record["_later"] = [(self.clock.now + self.power_delay, final)]
            detail[instance_id] = {"code": 0, "codeDesc": "Success", "message": "", "requestId": "task-{0}".format(instance_id)}
        failed = [i for i, item in detail.items() if item["code"]]
        if detail and len(failed) == len(detail):
            return dict(error("OperationFail", "{0} failed for every instance".format(action)), detail=detail)
        if failed:
            return dict(error("OperationFail.PartialFailure", "{0} failed for {1} instance(s)".format(action, len(failed))), detail=detail)
        return {"code": 0, "message": "", "detail": detail}

    def _groups(self, region, params):
        groups = self.security_groups.get(region, [])
        row, limit = params.get("offsetLine", 0), params.get("limit", 20)
        return {
            "code": 0,
            "message": "",
            "data": {"totalNum": len(groups), "detail": [{"sgId": group, "sgName": group, "projectId": 0} for group in groups[row : row + limit]]},
        }

    def _group_members(self, region, params):
        group = params.get("sgId")
        if group not in self.security_groups.get(region, []):
            return error("InvalidSecurityGroupId.NotFound", "security group {0} does not exist".format(group))
        members = [r["unInstanceId"] for r in self.records.get(region, []) if group in r.get("_sgIds", ()) and r["status"] not in (5, 6)]
        offset, limit = params.get("offset", 0), params.get("limit", 20)
        return {"code": 0, "message": "", "totalCount": len(members), "data": [{"instanceId": member} for member in members[offset : offset + limit]]}

    def _bind_groups(self, region, params):
        entries = params.get("instanceSet") or []
        records = []
        for entry in entries:
            record = self._find(region, entry.get("instanceId"))
            if record is None:
                return error("ResourceNotFound", "instance {0} not found".format(entry.get("instanceId")))
            unknown = [group for group in entry.get("sgIds", []) if group not in self.security_groups.get(region, [])]
            if unknown:
                return error("InvalidSecurityGroupId.NotFound", "security group {0} does not exist".format(unknown[0]))
            if record["status"] not in (2, 4):
                return error(
                    "OperationConstraints.InstanceStatusForbidsAssociation", "instance {0} has status {1}".format(record["unInstanceId"], record["status"])
                )
            records.append((record, list(entry.get("sgIds", []))))
        for record, groups in records:
            record["_sgIds"] = groups
        return {"code": 0, "message": ""}

    @staticmethod
    def _quote(region, params):
        count = params.get("goodsNum", 1)
        bandwidth = params.get("bandwidth", 0)
        if params.get("bandwidthType") == "PayByTraffic":
            bandwidth_price, unit = ("0.80" if bandwidth else "0.00"), "GB"
        else:
            bandwidth_price, unit = "{0:.2f}".format(0.05 * bandwidth * count), "HOUR"
        data = {"cvm": {"price": "{0:.2f}".format(0.2 * count), "price_unit": "HOUR"}, "bandwidth": {"price": bandwidth_price, "price_unit": unit}}
        return {"code": 0, "message": "", "data": data}


def _matches(record, params):
    ids = params.get("instanceIds")
    word = params.get("searchWord")
    return (
        (ids is None or record["unInstanceId"] in ids)
        and (word is None or word.casefold() in record["instanceName"].casefold())
        and ("zoneId" not in params or record["zoneId"] == params["zoneId"])
        and ("projectId" not in params or record["projectId"] == params["projectId"])
        and ("status" not in params or record["status"] == params["status"])
    )


def install(monkeypatch, api):
    """Make every client the collection opens talk to ``api``, and its retries sleep in ``api.retry_sleeps``."""
    import requests  # pylint: disable=import-outside-toplevel

    from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy  # pylint: disable=import-outside-toplevel
    from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import backends  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(requests, "Session", api.session)
    monkeypatch.setattr(backends, "RetryPolicy", functools.partial(RetryPolicy, sleep=api.retry_sleeps.append, rand=lambda: 0.5))
    return api
