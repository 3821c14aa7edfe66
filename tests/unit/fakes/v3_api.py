# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory Tencent Cloud API 3.0 (cvm and vpc, ``2017-03-12``) behind a requests-like session, for unit tests.

Tests install ``FakeV3Api.session`` as ``requests.Session`` (``install``), so the
collection's own code runs the whole way down: Connection -> open_backend ->
V3Backend -> V3Client -> one signed JSON POST. The fake checks what a server
checks, with code of its own (section numbers of docs/api-notes/v3.md):
``Content-Type: application/json`` exactly (1.2), the Host header, the
``X-TC-*`` headers and the TC3-HMAC-SHA256 Authorization, recomputed here
(1.3, 1.4; the service of the scope is ``vpc`` for DescribeSecurityGroups and
``cvm`` for everything else); it answers HTTP 200 ``{"Response": {...}}``
with ``Error`` on failure (1.6). A ``null`` anywhere in a body is refused
(``InvalidParameter``): the client must leave unset values out.

Actions, on per-region instance records in the 3.0 ``Instance`` shape (3.2.1), newest first:

* DescribeInstances: InstanceIds (<= 100) or Filters (<= 10, <= 5 values;
  ``zone``, ``instance-name`` (exact, or substring with ``name_filter =
  "fuzzy"``), ``instance-id``, ``instance-state``, ``project-id``), not both;
  Offset/Limit (default 20, at most 100);
* RunInstances: zone in the region, InstanceType sold in the zone, a public
  IP only with bandwidth, Password xor KeyIds; ``InstanceCount`` > 1 appends
  1..n to the name (3.1.1); a ClientToken seen before answers the same IDs;
  DryRun passes as ``dry_run_mode`` says (``"request-id"``: a plain success;
  ``"error"``: the ``DryRunOperation`` error, 4.2) and never creates;
* TerminateInstances, Start/Stop/RebootInstances, ModifyInstancesAttribute,
  ResetInstancesInternetMaxBandwidth: at most 100 IDs; the whole call fails
  when one ID is unknown (``InvalidInstanceId.NotFound``) or in a state the
  action refuses (``UnsupportedOperation.InstanceState<State>``), as the
  emulator checklist of 7.12 assumes; a given-back instance is removed, and
  later answers ``UnsupportedOperation.InstanceStateTerminated``; the bandwidth
  of BANDWIDTH_POSTPAID_BY_HOUR instances changes one per call (3.9);
* InquiryPriceRunInstances: ``Price`` floats, UnitPrice above UnitPriceDiscount;
* DescribeZones, DescribeZoneInstanceConfigInfos (``offers``), DescribeImages (``images``);
* vpc DescribeSecurityGroups (``security_groups`` per region): an unknown ID in
  SecurityGroupIds is ``ResourceNotFound`` (the emulator's reading) unless
  ``strict_group_ids`` is False, when the known ones are answered.

Failures are injected per action (``errors``): a Response payload (see
``error``), a FakeResponse, or an exception the session raises; a list is
consumed one item per call. ``before_call(call)`` may return a payload (or
raise) instead of the normal one; ``after_call(call, payload)`` may raise
after the work was done, which is how a lost answer looks.
"""

from __future__ import annotations

import calendar
import copy
import functools
import hashlib
import hmac
import itertools
import json
import re
import threading
import time

from urllib.parse import urlsplit

UNNAMED = "\u672a\u547d\u540d"
SECRET_KEYS = {"AKIDTEST": "key"}
VPC_ACTIONS = frozenset(("DescribeSecurityGroups",))
ACTIONS = VPC_ACTIONS | frozenset(
    (
        "DescribeInstances",
        "RunInstances",
        "TerminateInstances",
        "StartInstances",
        "StopInstances",
        "RebootInstances",
        "ResetInstancesInternetMaxBandwidth",
        "ModifyInstancesAttribute",
        "InquiryPriceRunInstances",
        "DescribeZones",
        "DescribeZoneInstanceConfigInfos",
        "DescribeImages",
    )
)
VERSION = "2017-03-12"

# Zones per region as DescribeZones answers them (ZoneId is a string, 3.7). The
# ap-tokyo IDs have a prefix that the static rule of 5.1 does not know.
ZONES = {
    "ap-guangzhou": (("ap-guangzhou-3", "100003"), ("ap-guangzhou-4", "100004"), ("ap-guangzhou-6", "100006")),
    "ap-shanghai": (("ap-shanghai-2", "200002"), ("ap-shanghai-4", "200004")),
    "ap-tokyo": (("ap-tokyo-1", "250001"), ("ap-tokyo-2", "250002")),
}
# (family, cpu, memory) sold pay-by-hour in every zone.
TYPES = (("S1", 1, 1), ("S1", 1, 2), ("S1", 2, 4), ("S1", 4, 8), ("S2", 1, 2), ("S2", 2, 4), ("S2", 4, 16), ("C2", 4, 8))
SIZES = {1: "SMALL", 2: "MEDIUM", 4: "LARGE"}
# ImageId -> Platform (DescribeImages).
IMAGES = {"img-3wnd9xpl": "CentOS", "img-31tjrtph": "Ubuntu", "img-win2016d": "Windows"}

# The state each power action needs, the one it ends in.
POWER = {"StartInstances": ("STOPPED", "RUNNING"), "StopInstances": ("RUNNING", "STOPPED"), "RebootInstances": ("RUNNING", "RUNNING")}
ONE_PER_CALL_BANDWIDTH = frozenset(("BANDWIDTH_POSTPAID_BY_HOUR", "BANDWIDTH_PREPAID"))

_FIRST_CREATE = calendar.timegm((2024, 5, 1, 2, 0, 0, 0, 0, 0))


def offer(zone, family, cpu, memory, status="SELL", instance_type=None):
    """A DescribeZoneInstanceConfigInfos ``InstanceTypeQuotaSet`` item (3.6)."""
    return {
        "Zone": zone,
        "InstanceType": instance_type or "{0}.{1}{2}".format(family, SIZES[cpu], memory),
        "InstanceChargeType": "POSTPAID_BY_HOUR",
        "NetworkCard": 0,
        "Externals": {},
        "Cpu": cpu,
        "Memory": memory,
        "InstanceFamily": family,
        "TypeName": "Standard " + family,
        "LocalDiskTypeList": [],
        "Status": status,
        "Price": {"UnitPrice": 0.1 * cpu, "ChargeUnit": "HOUR"},
        "SoldOutReason": "",
        "InstanceBandwidth": 1.5,
        "InstancePps": 30,
        "StorageBlockAmount": 0,
        "CpuType": "Intel Xeon",
        "Gpu": 0,
        "Fpga": 0,
        "Remark": "",
    }


def default_offers():
    return [offer(zone, *kind) for zones in ZONES.values() for zone, _zone_id in zones for kind in TYPES]


def error(code, message="refused"):
    """An error payload: ``{"Error": {"Code": ..., "Message": ...}}``."""
    return {"Error": {"Code": code, "Message": message}}


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.payload = error(code, message)


class FakeResponse:
    def __init__(self, status_code=200, body=None, content=None):
        self.status_code = status_code
        self.content = content if content is not None else json.dumps(body).encode("utf-8")
        self.text = self.content.decode("utf-8", "replace")


def make_instance(number, region="ap-guangzhou", zone=None, state="RUNNING", name=None, charge="TRAFFIC_POSTPAID_BY_HOUR", bandwidth=1, **extra):
    """A DescribeInstances ``Instance`` as the API lists it (3.2.1); ``extra`` adds or replaces keys."""
    zones = ZONES[region]
    zone = zone or zones[number % len(zones)][0]
    record = {
        "InstanceId": "ins-{0:08d}".format(number),
        "InstanceName": "seed-{0:05d}".format(number) if name is None else name,
        "InstanceType": "S1.SMALL2",
        "CPU": 1,
        "Memory": 2,
        "InstanceState": state,
        "RestrictState": "NORMAL",
        "InstanceChargeType": "POSTPAID_BY_HOUR",
        "Placement": {"Zone": zone, "ProjectId": 0, "HostId": None},
        "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskId": "disk-s{0:07d}".format(number), "DiskSize": 50},
        "DataDisks": None,
        "PrivateIpAddresses": ["10.0.{0}.{1}".format(number // 250, number % 250 + 1)],
        "PublicIpAddresses": ["203.0.113.{0}".format(number % 250 + 1)] if bandwidth else None,
        "InternetAccessible": {"InternetChargeType": charge, "InternetMaxBandwidthOut": bandwidth, "PublicIpAssigned": bool(bandwidth)},
        "VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": False, "PrivateIpAddresses": None},
        "ImageId": "img-3wnd9xpl",
        "OsName": "CentOS 7.2 64bit",
        "RenewFlag": None,
        "CreatedTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_FIRST_CREATE + number)),
        "ExpiredTime": None,
        "SecurityGroupIds": ["sg-default0"],
        "LoginSettings": {"KeyIds": None},
        "Tags": [],
        "StopChargingMode": "NOT_APPLICABLE",
        "Uuid": "00000000-0000-4000-8000-{0:012d}".format(number),
        "LatestOperation": "RunInstances",
        "LatestOperationState": "SUCCESS",
        "LatestOperationRequestId": "req-{0}".format(number),
        "IsolatedSource": "NOTISOLATED",
        "DisableApiTermination": False,
        "HostName": "host-{0}".format(number),
        "DefaultLoginUser": "root",
        "DefaultLoginPort": 22,
    }
    record.update(extra)
    return record


# -- TC3, written apart from plugins/module_utils/_api/tc3.py -----------------------------


def tc3_signature(secret_key, service, timestamp, path, headers, signed_names, body):
    """The hex signature a server computes over the received headers and body bytes (1.4)."""
    date = time.strftime("%Y-%m-%d", time.gmtime(int(timestamp)))
    canonical_headers = "".join("{0}:{1}\n".format(name, headers[name].strip().lower()) for name in signed_names)
    canonical = "\n".join(("POST", path, "", canonical_headers, ";".join(signed_names), hashlib.sha256(body).hexdigest()))
    scope = "{0}/{1}/tc3_request".format(date, service)
    text = "\n".join(("TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()))
    key = ("TC3" + secret_key).encode("utf-8")
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


AUTHORIZATION = re.compile(
    r"^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, "
    r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$"
)


def host_of(url):
    parts = urlsplit(url)
    host = "[{0}]".format(parts.hostname) if ":" in parts.hostname else parts.hostname
    return host if parts.port in (None, {"http": 80, "https": 443}[parts.scheme]) else "{0}:{1}".format(host, parts.port)


def _has_null(value):
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_null(item) for item in value)
    return False


def _camel(state):
    return "".join(part.capitalize() for part in state.split("_"))


class Call:
    """One request as the server saw it."""

    def __init__(self, url, headers, body):
        self.url = url
        self.headers = headers
        self.body = body
        self.action = headers.get("X-TC-Action")
        self.region = headers.get("X-TC-Region")
        self.service = None
        self.params = {}

    def __repr__(self):
        return "Call({0}, {1}, {2!r})".format(self.action, self.region, self.params)


class FakeSession:
    def __init__(self, api):
        self.api = api

    def post(self, url, data, headers, timeout, verify):
        return self.api.handle(url, dict(headers), data)


class FakeV3Api:
    def __init__(self, records=(), secret_keys=None):
        self.records = {}
        self.add(*records)
        self.secret_keys = dict(SECRET_KEYS if secret_keys is None else secret_keys)
        self.zones = {region: list(zones) for region, zones in ZONES.items()}
        self.offers = default_offers()
        self.images = dict(IMAGES)
        self.security_groups = {"ap-guangzhou": ["sg-default0", "sg-gzweb001", "sg-gzssh001"]}
        self.calls = []
        self.errors = {}
        self.before_call = None
        self.after_call = None
        self.retry_sleeps = []
        self.tokens = {}
        self.terminated = set()
        self.name_filter = "exact"
        self.dry_run_mode = "request-id"
        self.strict_group_ids = True
        self.created_state = "PENDING"
        self._numbers = itertools.count(900001)
        self._requests = itertools.count(1)
        self._lock = threading.RLock()

    # -- set-up and inspection ------------------------------------------------

    def add(self, *records):
        for record in records:
            region = next(region for region, zones in ZONES.items() if record["Placement"]["Zone"] in dict(zones))
            self.records.setdefault(region, []).append(record)

    def record(self, instance_id):
        for records in self.records.values():
            for record in records:
                if record["InstanceId"] == instance_id:
                    return record
        raise KeyError(instance_id)

    def session(self):
        return FakeSession(self)

    def actions(self):
        return [call.action for call in self.calls]

    def calls_of(self, action):
        return [call for call in self.calls if call.action == action]

    def params_of(self, action):
        return [call.params for call in self.calls_of(action)]

    # -- the server -------------------------------------------------------------

    def handle(self, url, headers, body):
        call = Call(url, headers, body)
        with self._lock:
            self.calls.append(call)
        try:
            call.params = self._authenticate(call)
            payload = self._injected(call)
            if payload is None and self.before_call is not None:
                payload = self.before_call(call)
            if payload is None:
                with self._lock:
                    payload = self._dispatch(call)
                if self.after_call is not None:
                    self.after_call(call, payload)
        except Refused as refusal:
            payload = refusal.payload
        if isinstance(payload, BaseException):
            raise payload
        if isinstance(payload, FakeResponse):
            return payload
        return FakeResponse(body={"Response": dict(payload, RequestId="req-{0:06d}".format(next(self._requests)))})

    def _authenticate(self, call):
        headers = call.headers
        if headers.get("Content-Type") != "application/json":
            raise Refused("InvalidParameter", "Content-Type must be application/json, got {0!r}".format(headers.get("Content-Type")))
        if not isinstance(call.body, bytes):
            raise Refused("InvalidParameter", "the body is not bytes")
        match = AUTHORIZATION.match(headers.get("Authorization", ""))
        if match is None:
            raise Refused("AuthFailure.InvalidAuthorization", "Authorization is malformed")
        secret_id, date, service, signed, signature = match.groups()
        call.service = service
        secret_key = self.secret_keys.get(secret_id)
        if secret_key is None:
            raise Refused("AuthFailure.SecretIdNotFound", "SecretId {0} not found".format(secret_id))
        if headers.get("Host") != host_of(call.url):
            raise Refused("AuthFailure.SignatureFailure", "Host {0!r} is not the URL's".format(headers.get("Host")))
        timestamp = headers.get("X-TC-Timestamp", "")
        if not timestamp.isdigit() or time.strftime("%Y-%m-%d", time.gmtime(int(timestamp))) != date:
            raise Refused("AuthFailure.SignatureFailure", "the scope date is not the UTC date of X-TC-Timestamp")
        expected_service = "vpc" if call.action in VPC_ACTIONS else "cvm"
        if service != expected_service:
            raise Refused("AuthFailure.SignatureFailure", "{0} is signed for service {1}, not {2}".format(call.action, service, expected_service))
        by_name = {name.lower(): value for name, value in headers.items()}
        names = signed.split(";")
        if "content-type" not in names or "host" not in names or any(name not in by_name for name in names):
            raise Refused("AuthFailure.SignatureFailure", "SignedHeaders {0} incomplete".format(signed))
        path = urlsplit(call.url).path or "/"
        if not hmac.compare_digest(signature, tc3_signature(secret_key, service, timestamp, path, by_name, names, call.body)):
            raise Refused("AuthFailure.SignatureFailure", "signature mismatch")
        if not call.action:
            raise Refused("MissingParameter", "X-TC-Action is missing")
        if headers.get("X-TC-Version") != VERSION:
            raise Refused("NoSuchVersion", "version {0!r}".format(headers.get("X-TC-Version")))
        if call.region not in self.zones:
            raise Refused("UnsupportedRegion", "region {0!r}".format(call.region))
        try:
            params = json.loads(call.body.decode("utf-8"))
        except ValueError:
            raise Refused("InvalidParameter", "the body is not JSON") from None
        if not isinstance(params, dict):
            raise Refused("InvalidParameter", "the body is not a JSON object")
        if _has_null(params):
            raise Refused("InvalidParameter", "null is not a parameter value")
        return params

    def _injected(self, call):
        answer = self.errors.get(call.action)
        if isinstance(answer, list):
            return answer.pop(0) if answer else None
        return answer

    def _dispatch(self, call):
        handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", call.action).lower(), None) if call.action in ACTIONS else None
        if handler is None:
            raise Refused("InvalidAction", "unknown action {0}".format(call.action))
        return handler(call.region, call.params)

    # -- helpers ----------------------------------------------------------------

    def _zone_names(self, region):
        return [zone for zone, _zone_id in self.zones[region]]

    def _instances(self, region, params, most=100):
        ids = params.get("InstanceIds")
        if not ids:
            raise Refused("MissingParameter", "InstanceIds is required")
        if len(ids) > most:
            raise Refused("InvalidParameterValue.LimitExceeded", "at most {0} InstanceIds, got {1}".format(most, len(ids)))
        by_id = {record["InstanceId"]: record for record in self.records.get(region, [])}
        terminated = [i for i in ids if i in self.terminated]
        if terminated:
            raise Refused("UnsupportedOperation.InstanceStateTerminated", "instance {0} was given back".format(terminated[0]))
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise Refused("InvalidInstanceId.NotFound", "instance {0} not found".format(unknown[0]))
        return [by_id[i] for i in ids]

    @staticmethod
    def _require_state(records, states):
        for record in records:
            if record["InstanceState"] not in states:
                raise Refused(
                    "UnsupportedOperation.InstanceState" + _camel(record["InstanceState"]),
                    "instance {0} is {1}".format(record["InstanceId"], record["InstanceState"]),
                )

    def _type_in(self, zone, instance_type):
        return next((item for item in self.offers if item["Zone"] == zone and item["InstanceType"] == instance_type), None)

    def _check_create(self, region, params):
        zone = (params.get("Placement") or {}).get("Zone")
        if not zone or not params.get("ImageId"):
            raise Refused("MissingParameter", "Placement.Zone and ImageId are required")
        if zone not in self._zone_names(region):
            raise Refused("InvalidZone.MismatchRegion", "zone {0} is not in {1}".format(zone, region))
        sold = self._type_in(zone, params.get("InstanceType"))
        if sold is None:
            raise Refused("ResourceUnavailable.InstanceType", "zone {0} does not sell {1}".format(zone, params.get("InstanceType")))
        if sold["Status"] == "SOLD_OUT":
            raise Refused("ResourcesSoldOut.SpecifiedInstanceType", "{0} is sold out".format(sold["InstanceType"]))
        internet = params.get("InternetAccessible") or {}
        if internet.get("PublicIpAssigned") and not internet.get("InternetMaxBandwidthOut"):
            raise Refused("InvalidParameterCombination", "a public IP needs bandwidth")
        login = params.get("LoginSettings") or {}
        if login.get("Password") and login.get("KeyIds"):
            raise Refused("InvalidParameterCombination", "Password and KeyIds together")
        if params.get("ImageId") not in self.images:
            raise Refused("InvalidImageId.NotFound", "image {0}".format(params.get("ImageId")))
        count = params.get("InstanceCount", 1)
        if not 1 <= count <= 500:
            raise Refused("InvalidParameterValue.Range", "InstanceCount {0}".format(count))
        return zone, sold, count

    # -- the actions --------------------------------------------------------------

    def _describe_instances(self, region, params):
        ids, filters = params.get("InstanceIds"), params.get("Filters")
        if ids and filters:
            raise Refused("InvalidParameter", "InstanceIds and Filters cannot be given together")
        if ids and len(ids) > 100:
            raise Refused("InvalidParameterValue.LimitExceeded", "at most 100 InstanceIds")
        filters = filters or []
        if len(filters) > 10 or any(len(item.get("Values") or []) > 5 for item in filters):
            raise Refused("InvalidFilterValue.LimitExceeded", "at most 10 filters of at most 5 values")
        offset, limit = params.get("Offset", 0), params.get("Limit", 20)
        if not 1 <= limit <= 100:
            raise Refused("InvalidParameterValue.LimitExceeded", "Limit must be 1 to 100, got {0}".format(limit))
        found = [
            record
            for record in self.records.get(region, [])
            if (not ids or record["InstanceId"] in ids) and all(self._passes(record, item) for item in filters)
        ]
        return {"TotalCount": len(found), "InstanceSet": copy.deepcopy(found[offset : offset + limit])}

    def _passes(self, record, item):
        name, values = item.get("Name"), item.get("Values") or []
        if name == "zone":
            return record["Placement"]["Zone"] in values
        if name == "instance-name":
            if self.name_filter == "fuzzy":
                return any(value in record["InstanceName"] for value in values)
            return record["InstanceName"] in values
        if name == "instance-id":
            return record["InstanceId"] in values
        if name == "instance-state":
            return record["InstanceState"] in values
        if name == "project-id":
            return str(record["Placement"]["ProjectId"]) in values
        raise Refused("InvalidFilter", "unknown filter {0!r}".format(name))

    def _run_instances(self, region, params):
        zone, sold, count = self._check_create(region, params)
        if params.get("DryRun"):
            if self.dry_run_mode == "error":
                raise Refused("DryRunOperation", "the request would have succeeded, but DryRun was set")
            return {}
        token = params.get("ClientToken")
        if token and token in self.tokens:
            return {"InstanceIdSet": list(self.tokens[token])}
        name = params.get("InstanceName", UNNAMED)
        ids = [self._create(region, zone, sold, params, name if count == 1 else "{0}{1}".format(name, index + 1)) for index in range(count)]
        if token:
            self.tokens[token] = ids
        return {"InstanceIdSet": ids}

    def _create(self, region, zone, sold, params, name):
        number = next(self._numbers)
        internet = params.get("InternetAccessible") or {}
        bandwidth = internet.get("InternetMaxBandwidthOut", 0)
        public = bool(bandwidth) and internet.get("PublicIpAssigned", True)
        system = params.get("SystemDisk") or {}
        network = params.get("VirtualPrivateCloud") or {}
        tags = [tag for spec in params.get("TagSpecification") or [] for tag in spec.get("Tags") or []]
        record = make_instance(
            number,
            region=region,
            zone=zone,
            state=self.created_state,
            name=name,
            bandwidth=bandwidth,
            charge=internet.get("InternetChargeType", "TRAFFIC_POSTPAID_BY_HOUR"),
            InstanceType=sold["InstanceType"],
            CPU=sold["Cpu"],
            Memory=sold["Memory"],
            ImageId=params["ImageId"],
            Placement={"Zone": zone, "ProjectId": (params.get("Placement") or {}).get("ProjectId", 0), "HostId": None},
            SystemDisk={"DiskType": system.get("DiskType", "CLOUD_PREMIUM"), "DiskId": "disk-s{0}".format(number), "DiskSize": system.get("DiskSize", 50)},
            DataDisks=[
                {
                    "DiskType": disk.get("DiskType", "LOCAL_BASIC"),
                    "DiskId": "disk-d{0}".format(number),
                    "DiskSize": disk["DiskSize"],
                    "DeleteWithInstance": disk.get("DeleteWithInstance", True),
                }
                for disk in params.get("DataDisks") or []
            ]
            or None,
            PublicIpAddresses=["198.51.100.{0}".format(number % 250 + 1)] if public else None,
            VirtualPrivateCloud={
                "VpcId": network.get("VpcId", ""),
                "SubnetId": network.get("SubnetId", ""),
                "AsVpcGateway": network.get("AsVpcGateway", False),
                "PrivateIpAddresses": network.get("PrivateIpAddresses"),
            },
            SecurityGroupIds=list(params.get("SecurityGroupIds") or ["sg-default0"]),
            Tags=tags,
            LatestOperation="RunInstances",
            LatestOperationState="OPERATING",
        )
        self.records.setdefault(region, []).insert(0, record)
        return record["InstanceId"]

    def _terminate_instances(self, region, params):
        records = self._instances(region, params)
        for record in records:
            if record["InstanceState"] in ("PENDING", "TERMINATING", "STARTING", "STOPPING", "REBOOTING", "SHUTDOWN"):
                raise Refused(
                    "UnsupportedOperation.InstanceState" + _camel(record["InstanceState"]),
                    "instance {0} is {1}".format(record["InstanceId"], record["InstanceState"]),
                )
        for record in records:
            self.records[region].remove(record)
            self.terminated.add(record["InstanceId"])
        return {}

    def _power(self, action, region, params):
        needed, final = POWER[action]
        records = self._instances(region, params)
        self._require_state(records, (needed,))
        for record in records:
            record.update(InstanceState=final, LatestOperation=action, LatestOperationState="SUCCESS")
        return {}

    def _start_instances(self, region, params):
        return self._power("StartInstances", region, params)

    def _stop_instances(self, region, params):
        return self._power("StopInstances", region, params)

    def _reboot_instances(self, region, params):
        return self._power("RebootInstances", region, params)

    def _reset_instances_internet_max_bandwidth(self, region, params):
        internet = params.get("InternetAccessible") or {}
        if set(internet) != {"InternetMaxBandwidthOut"}:
            raise Refused("InvalidParameter", "only InternetAccessible.InternetMaxBandwidthOut can be changed")
        records = self._instances(region, params)
        charges = {record["InternetAccessible"]["InternetChargeType"] for record in records}
        if len(charges) > 1:
            raise Refused("UnsupportedOperation.InstanceMixedPricingModel", "mixed bandwidth billing")
        if len(records) > 1 and charges & ONE_PER_CALL_BANDWIDTH:
            raise Refused("InvalidParameterValue", "{0} bandwidth changes one instance per call".format(charges.pop()))
        self._require_state(records, ("RUNNING", "STOPPED"))
        for record in records:
            record["InternetAccessible"]["InternetMaxBandwidthOut"] = internet["InternetMaxBandwidthOut"]
        return {}

    def _modify_instances_attribute(self, region, params):
        attributes = [name for name in ("InstanceName", "SecurityGroups", "HostName") if name in params]
        if len(attributes) != 1:
            raise Refused("InvalidParameter", "exactly one attribute per call, got {0}".format(attributes))
        records = self._instances(region, params)
        if attributes == ["SecurityGroups"]:
            groups = params["SecurityGroups"]
            if len(groups) > 5:
                raise Refused("LimitExceeded.AssociateUSGLimitExceeded", "at most 5 security groups")
            unknown = [group for group in groups if group not in self.security_groups.get(region, [])]
            if unknown:
                raise Refused("InvalidSecurityGroupId.NotFound", "security group {0}".format(unknown[0]))
            for record in records:
                record["SecurityGroupIds"] = list(groups)
        elif attributes == ["InstanceName"]:
            for record in records:
                record["InstanceName"] = params["InstanceName"]
        return {}

    def _inquiry_price_run_instances(self, region, params):
        _zone, _sold, count = self._check_create(region, params)
        internet = params.get("InternetAccessible") or {}
        bandwidth = internet.get("InternetMaxBandwidthOut", 0)
        if internet.get("InternetChargeType") == "TRAFFIC_POSTPAID_BY_HOUR":
            bandwidth_price = {"UnitPrice": 0.8, "UnitPriceDiscount": 0.5 if bandwidth else 0.0, "ChargeUnit": "GB"}
        else:
            bandwidth_price = {"UnitPrice": 0.1 * bandwidth * count, "UnitPriceDiscount": round(0.05 * bandwidth * count, 6), "ChargeUnit": "HOUR"}
        return {
            "Price": {
                "InstancePrice": {"UnitPrice": 0.4 * count, "UnitPriceDiscount": round(0.2 * count, 6), "ChargeUnit": "HOUR", "Discount": 50.0},
                "BandwidthPrice": bandwidth_price,
            }
        }

    def _describe_zones(self, region, params):
        zones = [{"Zone": zone, "ZoneName": zone, "ZoneId": zone_id, "ZoneState": "AVAILABLE"} for zone, zone_id in self.zones[region]]
        return {"TotalCount": len(zones), "ZoneSet": zones}

    def _describe_zone_instance_config_infos(self, region, params):
        wanted = {item["Name"]: item["Values"] for item in params.get("Filters") or []}
        zones = self._zone_names(region)
        found = [
            item
            for item in self.offers
            if item["Zone"] in zones
            and all(
                item[{"zone": "Zone", "instance-family": "InstanceFamily", "instance-charge-type": "InstanceChargeType"}[name]] in values
                for name, values in wanted.items()
            )
        ]
        return {"InstanceTypeQuotaSet": copy.deepcopy(found)}

    def _describe_images(self, region, params):
        ids = params.get("ImageIds") or []
        return {
            "TotalCount": len(ids),
            "ImageSet": [
                {"ImageId": image_id, "Platform": self.images[image_id], "OsName": self.images[image_id] + " 64bit", "ImageType": "PUBLIC_IMAGE"}
                for image_id in ids
                if image_id in self.images
            ],
        }

    def _describe_security_groups(self, region, params):
        ids = params.get("SecurityGroupIds") or []
        if not isinstance(params.get("Limit", "20"), str):
            raise Refused("InvalidParameter", "Limit is a String")
        known = self.security_groups.get(region, [])
        missing = [group for group in ids if group not in known]
        if missing and self.strict_group_ids:
            raise Refused("ResourceNotFound", "security group(s) {0} not found in this region".format(", ".join(missing)))
        groups = [group for group in known if not ids or group in ids]
        return {
            "TotalCount": len(groups),
            "SecurityGroupSet": [
                {"SecurityGroupId": group, "SecurityGroupName": group, "ProjectId": "0", "IsDefault": group == "sg-default0"} for group in groups
            ],
        }


def install(monkeypatch, api):
    """Make every client the collection opens talk to ``api``, and its retries sleep in ``api.retry_sleeps``."""
    import requests  # pylint: disable=import-outside-toplevel

    from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy  # pylint: disable=import-outside-toplevel
    from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import backends  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(requests, "Session", api.session)
    monkeypatch.setattr(backends, "RetryPolicy", functools.partial(RetryPolicy, sleep=api.retry_sleeps.append, rand=lambda: 0.5))
    return api
