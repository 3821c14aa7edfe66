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
  "fuzzy"``), ``instance-id``, ``instance-state``, ``project-id``,
  ``tag-key``, ``tag-value``, ``tag:<key>``), not both;
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
* DescribeZones, DescribeZoneInstanceConfigInfos (``offers``, one per zone,
  type and charge type: POSTPAID_BY_HOUR and SPOTPAID), DescribeImages (``images``);
* vpc DescribeSecurityGroups (``security_groups`` per region): an unknown ID in
  SecurityGroupIds is ``ResourceNotFound`` (the emulator's reading) unless
  ``strict_group_ids`` is False, when the known ones are answered.

The guardrails (section 10), as the emulator checklist of 10.7 reads them:

* expiry timers (``timers``, by ActionTimerId): RunInstances ``ActionTimer``
  makes one UNDO timer per instance; ImportInstancesActionTimer (at most one
  UNDO timer per instance, ``FailedOperation.MutActionTimerExist``; none on a
  protected instance), DescribeInstancesActionTimer (AND of the filters, at
  most 100 InstanceIds, no paging), DeleteInstancesActionTimer (UNDO timers
  only, else ``InvalidParameterValue`` and nothing deleted). ``ActionTime`` is
  ``YYYY-MM-DDThh:mm:ssZ`` only, more than 5 minutes after ``clock()`` (the
  wall clock unless given). ``timer_actions = False`` is an API without them
  (``InvalidAction``). A given-back instance takes its timers with it;
* StopInstances ``StoppedMode``: STOP_CHARGING for POSTPAID_BY_HOUR instances
  whose disks are all cloud disks, else
  ``UnsupportedOperation.StoppedModeStopCharging`` for the whole call; the
  stopped instance shows ``StopChargingMode`` (``NOT_APPLICABLE`` again once
  started), and loses its public IP when it stops charging;
* spot: ``InstanceChargeType`` SPOTPAID needs a SPOTPAID offer of the type
  (``UnsupportedOperation.NoInstanceTypeSupportSpot``); ``InstanceMarketOptions``
  is checked (MarketType spot, SpotOptions.MaxPrice a decimal String at or above
  the spot price, else ``InvalidParameterValue.InsufficientPrice``,
  SpotInstanceType one-time); the quote is the spot price;
* stock: ``sold_out_zones`` answer ``ResourceInsufficient.AvailabilityZoneSoldOut``
  and ``stock`` ((zone, InstanceType, charge type) -> instances left)
  ``ResourceInsufficient.SpecifiedInstanceType`` for a count above it, to the
  create and its DryRun alike, whatever DescribeZoneInstanceConfigInfos says;
* ``UserData``: strict base64 of at most 16384 characters
  (``InvalidParameterValue.InvalidUserDataFormat``, ``InvalidParameterValue``),
  kept in ``user_data`` (an empty one is none) and answered by
  DescribeInstancesAttributes (both parameters required, ``Attributes`` only
  ``UserData``, an unknown ID is ``InvalidInstanceId.NotFound``);
  ``attributes_action = False`` is an API without it;
* ``DisableApiTermination`` (a JSON Boolean) at create and through
  ModifyInstancesAttribute; not together with a timer (either way:
  ``UnsupportedOperation.NotSupportImportInstancesActionTimer`` at create,
  ``UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance`` to turn it
  on); TerminateInstances of a protected instance is
  ``UnsupportedOperation.InstancesProtected`` for the whole call.

Failures are injected per action (``errors``): a Response payload (see
``error``), a FakeResponse, or an exception the session raises; a list is
consumed one item per call. ``before_call(call)`` may return a payload (or
raise) instead of the normal one; ``after_call(call, payload)`` may raise
after the work was done, which is how a lost answer looks.
"""

from __future__ import annotations

import base64
import binascii
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
        "DescribeInstancesActionTimer",
        "ImportInstancesActionTimer",
        "DeleteInstancesActionTimer",
        "DescribeInstancesAttributes",
    )
)
TIMER_ACTIONS = frozenset(("DescribeInstancesActionTimer", "ImportInstancesActionTimer", "DeleteInstancesActionTimer"))
# A timer must be more than this many seconds after now (10.1.1).
TIMER_LEAD = 5 * 60
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_USER_DATA = 16384
# The spot price: this share of the pay-by-hour price (10.3.1: typically 3-20 %).
SPOT_SHARE = 0.2
CHARGE_TYPES = ("POSTPAID_BY_HOUR", "SPOTPAID")
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


def offer(zone, family, cpu, memory, status="SELL", instance_type=None, charge="POSTPAID_BY_HOUR"):
    """A DescribeZoneInstanceConfigInfos ``InstanceTypeQuotaSet`` item (3.6) of one charge type (10.4.1)."""
    return {
        "Zone": zone,
        "InstanceType": instance_type or "{0}.{1}{2}".format(family, SIZES[cpu], memory),
        "InstanceChargeType": charge,
        "NetworkCard": 0,
        "Externals": {},
        "Cpu": cpu,
        "Memory": memory,
        "InstanceFamily": family,
        "TypeName": "Standard " + family,
        "LocalDiskTypeList": [],
        "Status": status,
        "StatusCategory": "WithoutStock" if status == "SOLD_OUT" else "EnoughStock",
        "Price": {"UnitPrice": 0.1 * cpu, "UnitPriceDiscount": round(0.1 * cpu * (SPOT_SHARE if charge == "SPOTPAID" else 1), 6), "ChargeUnit": "HOUR"},
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
    return [offer(zone, *kind, charge=charge) for charge in CHARGE_TYPES for zones in ZONES.values() for zone, _zone_id in zones for kind in TYPES]


def iso(epoch):
    return time.strftime(ISO_FORMAT, time.gmtime(int(epoch)))


def parse_iso(text):
    """Unix seconds of ``YYYY-MM-DDThh:mm:ssZ``, the only form a timer takes (10.1.1); None otherwise."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text):
        return None
    try:
        return calendar.timegm(time.strptime(text, ISO_FORMAT))
    except ValueError:
        return None


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
    """What requests.Session gives the client: ``post``. Refuses to be used by a second thread."""

    def __init__(self, api):
        self.api = api
        self.thread = None

    def post(self, url, data, headers, timeout, verify):
        current = threading.get_ident()
        if self.thread is None:
            self.thread = current
        assert self.thread == current, "an HTTP session was shared between threads"
        return self.api.handle(url, dict(headers), data)


class FakeV3Api:
    def __init__(self, records=(), secret_keys=None, clock=None):
        self.records = {}
        self.add(*records)
        self.secret_keys = dict(SECRET_KEYS if secret_keys is None else secret_keys)
        self.zones = {region: list(zones) for region, zones in ZONES.items()}
        self.offers = default_offers()
        self.images = dict(IMAGES)
        self.security_groups = {"ap-guangzhou": ["sg-default0", "sg-gzweb001", "sg-gzssh001"]}
        self.calls = []
        self.sessions = []
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
        # What decides whether a timer is far enough ahead; the wall clock unless a test pins one.
        self.clock = clock or time.time
        # Timers by ActionTimerId, in the order they were made (10.1.1).
        self.timers = {}
        self.timer_actions = True
        # Base64 user data by instance ID, as RunInstances received it (10.5).
        self.user_data = {}
        self.attributes_action = True
        self.sold_out_zones = set()
        self.stock = {}
        self._numbers = itertools.count(900001)
        self._timer_numbers = itertools.count(1)
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
        session = FakeSession(self)
        with self._lock:
            self.sessions.append(session)
        return session

    def add_timer(self, instance_id, action_time, status="UNDO"):
        """A timer as if imported earlier (``action_time`` ISO or Unix seconds); its ActionTimerId."""
        timer_id = "00000000-0000-4000-a000-{0:012d}".format(next(self._timer_numbers))
        text = action_time if isinstance(action_time, str) else iso(action_time)
        self.timers[timer_id] = {
            "ActionTimerId": timer_id,
            "InstanceId": instance_id,
            "TimerAction": "TerminateInstances",
            "ActionTime": text,
            "Status": status,
            "Externals": {},
        }
        return timer_id

    def timers_of(self, instance_id, status="UNDO"):
        return [timer for timer in self.timers.values() if timer["InstanceId"] == instance_id and (status is None or timer["Status"] == status)]

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
        with self._lock:
            answer = self.errors.get(call.action)
            if isinstance(answer, list):
                return answer.pop(0) if answer else None
            return answer

    def _dispatch(self, call):
        handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", call.action).lower(), None) if call.action in ACTIONS else None
        if (call.action in TIMER_ACTIONS and not self.timer_actions) or (call.action == "DescribeInstancesAttributes" and not self.attributes_action):
            handler = None
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

    def _type_in(self, zone, instance_type, charge="POSTPAID_BY_HOUR"):
        return next(
            (item for item in self.offers if item["Zone"] == zone and item["InstanceType"] == instance_type and item["InstanceChargeType"] == charge), None
        )

    def _check_create(self, region, params, stock=True):
        zone = (params.get("Placement") or {}).get("Zone")
        if not zone or not params.get("ImageId"):
            raise Refused("MissingParameter", "Placement.Zone and ImageId are required")
        if zone not in self._zone_names(region):
            raise Refused("InvalidZone.MismatchRegion", "zone {0} is not in {1}".format(zone, region))
        charge = params.get("InstanceChargeType", "POSTPAID_BY_HOUR")
        if charge not in CHARGE_TYPES:
            raise Refused("InvalidParameterValue", "InstanceChargeType {0!r} is not sold here".format(charge))
        if params.get("InstanceMarketOptions") is not None and charge != "SPOTPAID":
            raise Refused("InvalidParameterCombination", "InstanceMarketOptions needs InstanceChargeType SPOTPAID")
        sold = self._type_in(zone, params.get("InstanceType"))
        if sold is None:
            raise Refused("ResourceUnavailable.InstanceType", "zone {0} does not sell {1}".format(zone, params.get("InstanceType")))
        if charge == "SPOTPAID":
            sold = self._type_in(zone, params.get("InstanceType"), charge)
            if sold is None:
                raise Refused("UnsupportedOperation.NoInstanceTypeSupportSpot", "{0} is not sold as spot".format(params.get("InstanceType")))
            self._check_market(params.get("InstanceMarketOptions"), sold)
        if sold["Status"] == "SOLD_OUT":
            raise Refused("ResourcesSoldOut.SpecifiedInstanceType", "{0} is sold out".format(sold["InstanceType"]))
        if stock and zone in self.sold_out_zones:
            raise Refused("ResourceInsufficient.AvailabilityZoneSoldOut", "zone {0} is sold out".format(zone))
        left = self.stock.get((zone, sold["InstanceType"], charge))
        if stock and left is not None and params.get("InstanceCount", 1) > left:
            raise Refused("ResourceInsufficient.SpecifiedInstanceType", "{0} instances of {1} left in {2}".format(left, sold["InstanceType"], zone))
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
        if "UserData" in params:
            self._check_user_data(params["UserData"])
        protected = params.get("DisableApiTermination", False)
        if not isinstance(protected, bool):
            raise Refused("InvalidParameter", "DisableApiTermination must be a Boolean, got {0!r}".format(protected))
        if params.get("ActionTimer") is not None:
            self._check_timer(params["ActionTimer"])
            if protected:
                raise Refused("UnsupportedOperation.NotSupportImportInstancesActionTimer", "an instance with termination protection cannot have a timer")
        return zone, sold, count

    @staticmethod
    def _check_market(options, sold):
        if options is None:
            return
        spot = options.get("SpotOptions") or {}
        if options.get("MarketType", "spot") != "spot" or spot.get("SpotInstanceType", "one-time") != "one-time":
            raise Refused("InvalidParameterValue", "MarketType must be spot and SpotInstanceType one-time, got {0!r}".format(options))
        price = spot.get("MaxPrice")
        if price is None:
            raise Refused("MissingParameter", "SpotOptions.MaxPrice is required")
        if not isinstance(price, str) or not re.fullmatch(r"\d+(\.\d+)?", price):
            raise Refused("InvalidParameterValue", "SpotOptions.MaxPrice must be a decimal String, got {0!r}".format(price))
        if float(price) < sold["Price"]["UnitPriceDiscount"]:
            raise Refused(
                "InvalidParameterValue.InsufficientPrice", "the bid {0} is below the spot price {1}".format(price, sold["Price"]["UnitPriceDiscount"])
            )

    @staticmethod
    def _check_user_data(text):
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise Refused("InvalidParameterValue.InvalidUserDataFormat", "UserData must be base64 encoded") from None
        if len(text) > MAX_USER_DATA:
            raise Refused("InvalidParameterValue", "UserData is at most {0} characters of base64, got {1}".format(MAX_USER_DATA, len(text)))

    def _check_timer(self, timer):
        """The ActionTime of an ActionTimer (10.1.1) as Unix seconds."""
        if timer.get("TimerAction", "TerminateInstances") != "TerminateInstances":
            raise Refused("InvalidParameterValue", "TimerAction must be TerminateInstances, got {0!r}".format(timer.get("TimerAction")))
        moment = parse_iso(timer.get("ActionTime"))
        if moment is None:
            raise Refused("InvalidParameterValue.InvalidTimeFormat", "ActionTime must be YYYY-MM-DDThh:mm:ssZ, got {0!r}".format(timer.get("ActionTime")))
        if moment <= self.clock() + TIMER_LEAD:
            raise Refused("InvalidParameterValue", "ActionTime {0} must be more than 5 minutes after now ({1})".format(timer["ActionTime"], iso(self.clock())))
        return moment

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
        tags = {tag["Key"]: tag["Value"] for tag in record.get("Tags") or []}
        if name == "tag-key":
            return any(key in values for key in tags)
        if name == "tag-value":
            return any(value in values for value in tags.values())
        if name.startswith("tag:"):
            return tags.get(name[len("tag:") :]) in values
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
        left = self.stock.get((zone, sold["InstanceType"], sold["InstanceChargeType"]))
        if left is not None:
            self.stock[(zone, sold["InstanceType"], sold["InstanceChargeType"])] = left - count
        for instance_id in ids:
            if params.get("ActionTimer") is not None:
                self.add_timer(instance_id, params["ActionTimer"]["ActionTime"])
            if params.get("UserData"):
                self.user_data[instance_id] = params["UserData"]
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
            InstanceChargeType=sold["InstanceChargeType"],
            DisableApiTermination=params.get("DisableApiTermination", False),
            CreatedTime=iso(self.clock()),
            LatestOperation="RunInstances",
            LatestOperationState="OPERATING",
        )
        self.records.setdefault(region, []).insert(0, record)
        return record["InstanceId"]

    def _terminate_instances(self, region, params):
        records = self._instances(region, params)
        protected = [record["InstanceId"] for record in records if record.get("DisableApiTermination")]
        if protected:
            raise Refused("UnsupportedOperation.InstancesProtected", "instance(s) {0} have termination protection".format(", ".join(protected)))
        for record in records:
            if record["InstanceState"] in ("PENDING", "TERMINATING", "STARTING", "STOPPING", "REBOOTING", "SHUTDOWN"):
                raise Refused(
                    "UnsupportedOperation.InstanceState" + _camel(record["InstanceState"]),
                    "instance {0} is {1}".format(record["InstanceId"], record["InstanceState"]),
                )
        for record in records:
            self.records[region].remove(record)
            self.terminated.add(record["InstanceId"])
            # The instance's timers go with it.
            for timer_id in [t["ActionTimerId"] for t in self.timers.values() if t["InstanceId"] == record["InstanceId"]]:
                del self.timers[timer_id]
        return {}

    def _power(self, action, region, params):
        needed, final = POWER[action]
        records = self._instances(region, params)
        self._require_state(records, (needed,))
        mode = params.get("StoppedMode", "KEEP_CHARGING") if action == "StopInstances" else None
        if mode not in (None, "KEEP_CHARGING", "STOP_CHARGING"):
            raise Refused("InvalidParameterValue", "StoppedMode must be KEEP_CHARGING or STOP_CHARGING, got {0!r}".format(mode))
        if mode == "STOP_CHARGING":
            for record in records:
                disks = [record["SystemDisk"]] + list(record.get("DataDisks") or [])
                if record["InstanceChargeType"] != "POSTPAID_BY_HOUR" or not all(disk["DiskType"].startswith("CLOUD_") for disk in disks):
                    raise Refused("UnsupportedOperation.StoppedModeStopCharging", "instance {0} cannot stop without charging".format(record["InstanceId"]))
        for record in records:
            record.update(InstanceState=final, LatestOperation=action, LatestOperationState="SUCCESS")
            if action == "StopInstances":
                record["StopChargingMode"] = mode
                if mode == "STOP_CHARGING":
                    # The public IP is released; a new one comes at the next start (10.2.4).
                    record["PublicIpAddresses"] = None
            else:
                record["StopChargingMode"] = "NOT_APPLICABLE"
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
        attributes = [name for name in ("InstanceName", "SecurityGroups", "HostName", "DisableApiTermination", "UserData") if name in params]
        if len(attributes) != 1:
            raise Refused("InvalidParameter", "exactly one attribute per call, got {0}".format(attributes))
        records = self._instances(region, params)
        if attributes == ["DisableApiTermination"]:
            protected = params["DisableApiTermination"]
            if not isinstance(protected, bool):
                raise Refused("InvalidParameter", "DisableApiTermination must be a Boolean, got {0!r}".format(protected))
            timed = [record["InstanceId"] for record in records if self.timers_of(record["InstanceId"])]
            if protected and timed:
                raise Refused(
                    "UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance", "instance(s) {0} have a release time".format(", ".join(timed))
                )
            for record in records:
                record["DisableApiTermination"] = protected
            return {}
        if attributes == ["UserData"]:
            self._check_user_data(params["UserData"])
            for record in records:
                self.user_data[record["InstanceId"]] = params["UserData"]
            return {}
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
        _zone, sold, count = self._check_create(region, params, stock=False)
        if sold["InstanceChargeType"] == "SPOTPAID":
            # 10.3.2: the spot price in the postpaid fields, the list price beside it.
            return {
                "Price": {
                    "InstancePrice": {"UnitPrice": 0.4 * count, "UnitPriceDiscount": round(0.4 * SPOT_SHARE * count, 6), "ChargeUnit": "HOUR"},
                    "BandwidthPrice": {"UnitPrice": 0.0, "UnitPriceDiscount": 0.0, "ChargeUnit": "HOUR"},
                }
            }
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

    # -- the guardrail actions (10.1, 10.5) --------------------------------------------

    def _describe_instances_action_timer(self, region, params):
        for name in ("ActionTimerIds", "InstanceIds"):
            if len(params.get(name) or []) > 100:
                raise Refused("InvalidParameterValue.LimitExceeded", "at most 100 {0}, got {1}".format(name, len(params[name])))
        action = params.get("TimerAction")
        if action is not None and action != "TerminateInstances":
            raise Refused("InvalidParameterValue", "TimerAction must be TerminateInstances")
        statuses = params.get("StatusList") or []
        if any(status not in ("UNDO", "DOING", "DONE") for status in statuses):
            raise Refused("InvalidParameterValue", "StatusList values are UNDO, DOING, DONE")
        ids, instance_ids = params.get("ActionTimerIds"), params.get("InstanceIds")
        in_region = {record["InstanceId"] for record in self.records.get(region, [])}
        found = [
            timer
            for timer in self.timers.values()
            if timer["InstanceId"] in in_region
            and (not ids or timer["ActionTimerId"] in ids)
            and (not instance_ids or timer["InstanceId"] in instance_ids)
            and (not statuses or timer["Status"] in statuses)
        ]
        return {"ActionTimers": copy.deepcopy(found)}

    def _import_instances_action_timer(self, region, params):
        if not params.get("InstanceIds") or not params.get("ActionTimer"):
            raise Refused("MissingParameter", "InstanceIds and ActionTimer are required")
        moment = self._check_timer(params["ActionTimer"])
        records = self._instances(region, params)
        timed = [record["InstanceId"] for record in records if self.timers_of(record["InstanceId"])]
        if timed:
            raise Refused("FailedOperation.MutActionTimerExist", "instance(s) {0} already have a TerminateInstances timer".format(", ".join(timed)))
        protected = [record["InstanceId"] for record in records if record.get("DisableApiTermination")]
        if protected:
            raise Refused(
                "UnsupportedOperation.NotSupportImportInstancesActionTimer", "instance(s) {0} have termination protection".format(", ".join(protected))
            )
        return {"ActionTimerIds": [self.add_timer(record["InstanceId"], moment) for record in records]}

    def _delete_instances_action_timer(self, region, params):
        ids = params.get("ActionTimerIds")
        if not ids:
            raise Refused("MissingParameter", "ActionTimerIds is required")
        wrong = [timer_id for timer_id in ids if timer_id not in self.timers or self.timers[timer_id]["Status"] != "UNDO"]
        if wrong:
            raise Refused("InvalidParameterValue", "timer(s) {0} unknown or not UNDO".format(", ".join(wrong)))
        for timer_id in ids:
            del self.timers[timer_id]
        return {}

    def _describe_instances_attributes(self, region, params):
        if not params.get("InstanceIds") or not params.get("Attributes"):
            raise Refused("MissingParameter", "InstanceIds and Attributes are required")
        if set(params["Attributes"]) - {"UserData"}:
            raise Refused("InvalidParameterValue", "Attributes can only be UserData")
        records = self._instances(region, params)
        return {
            "InstanceSet": [{"InstanceId": record["InstanceId"], "Attributes": {"UserData": self.user_data.get(record["InstanceId"])}} for record in records]
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
