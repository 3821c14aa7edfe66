# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The integration suite's harness: a real emulator over HTTP and real ansible runs.

Every test talks to the emulator (tests/emulator) over a loopback socket through
real ``ansible-playbook`` / ``ansible-inventory`` processes, using the collection
installed from its own tarball (``make install``; ANSIBLE_COLLECTIONS_PATH).
Playbooks assert what they can themselves; pytest reads each task's result
from the record_results callback and the emulator's state and request log.
"""

from __future__ import annotations

import ast
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
INTEGRATION_DIR = Path(__file__).resolve().parent
# The playbooks pytest drives (the ansible-test targets live in targets/).
PLAYBOOKS_DIR = INTEGRATION_DIR / "playbooks"
EMULATOR_PATH = REPO_ROOT / "tests" / "emulator"
BIN_DIR = Path(sys.executable).parent

SECRET_ID = "AKIDEMULATOR00000000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
REGION = "gz"
# The two APIs the collection speaks (its option ``api``, environment QCLOUD_CVM_API); the emulator serves both on one port.
APIS = ("legacy", "v3")
# The tag API 3.0 creates put on every instance, holding the create's client token.
CLIENT_TOKEN_TAG = "ansible-cvm-client-token"

# The instance contract: every instance both modules return, and (with the cvm_ prefix) every inventory host,
# has exactly the keys of the Instance dataclass (plugins/module_utils/_cvm/model.py) of the collection under
# test, read from its source in the installed copy (never imported: the tests judge it from outside).
# CORE_INSTANCE_KEYS is the contract as this suite states it, restated on purpose: these keys must be among
# them, with the values expected_instance() derives from the emulator, and the keys of the old shape are gone.
CORE_INSTANCE_KEYS = frozenset(
    (
        "instance_id",
        "instance_name",
        "uuid",
        "region",
        "zone",
        "zone_id",
        "status",
        "instance_type",
        "instance_family",
        "cpu",
        "memory",
        "image_id",
        "instance_charge_type",
        "private_ip",
        "public_ips",
        "vpc_id",
        "subnet_id",
        "vpc_gateway",
        "bandwidth",
        "bandwidth_type",
        "project_id",
        "system_disk",
        "data_disks",
        "created_time",
    )
)
OLD_INSTANCE_KEYS = frozenset(
    (
        "lan_ip",
        "wan_ips",
        "mem",
        "status_name",
        "zone_name",
        "os",
        "storage_size",
        "storage_type",
        "root_size",
        "un_instance_id",
        "instanceName",
        "unInstanceId",
    )
)


def installed_collection_root():
    for base in os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO_ROOT / ".build" / "collections")).split(os.pathsep):
        root = Path(base) / "ansible_collections" / "qcloud" / "cvm"
        if root.is_dir():
            return root
    raise RuntimeError("the collection is not installed: run `make install` (or set ANSIBLE_COLLECTIONS_PATH)")


def instance_keys():
    """The field names of the Instance dataclass in the installed collection's _cvm/model.py, in order."""
    tree = ast.parse((installed_collection_root() / "plugins" / "module_utils" / "_cvm" / "model.py").read_text(encoding="utf-8"))
    instance = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Instance")
    return [node.target.id for node in instance.body if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)]


INSTANCE_KEYS = frozenset(instance_keys())
DISK_KEYS = frozenset(("disk_id", "disk_type", "disk_size"))
HOSTVAR_KEYS = frozenset("cvm_" + key for key in INSTANCE_KEYS)
STATUS_NAMES = (
    "pending",
    "launch_failed",
    "running",
    "operating",
    "stopped",
    "starting",
    "stopping",
    "rebooting",
    "terminating",
    "terminated",
    "fault",
    "maintenance",
)
# The emulator's face is the legacy API: its records carry legacy short codes and status numbers (spec 4.3, 6.1).
REGION_NAMES = {
    "gz": "ap-guangzhou",
    "sh": "ap-shanghai",
    "bj": "ap-beijing",
    "hk": "ap-hongkong",
    "cd": "ap-chengdu",
    "cq": "ap-chongqing",
    "sg": "ap-singapore",
    "usw": "na-siliconvalley",
    "de": "eu-frankfurt",
}
LEGACY_STATUS_NAMES = {
    -1: "launch_failed",
    1: "fault",
    2: "running",
    3: "pending",
    4: "stopped",
    5: "terminated",
    6: "terminating",
    7: "rebooting",
    8: "starting",
    9: "stopping",
}
LEGACY_STATUS_NAMES.update({code: "operating" for code in range(10, 21)})
DISK_TYPE_NAMES = {1: "LOCAL_BASIC", 2: "CLOUD_BASIC", 3: "LOCAL_SSD", 4: "CLOUD_SSD", 5: "CLOUD_PREMIUM"}
BANDWIDTH_TYPES = {2: "PayByTraffic", 3: "PayByHour"}


def group_name(text):
    """A group name as Ansible sanitises it: cvm_zone_ap-guangzhou-3 -> cvm_zone_ap_guangzhou_3."""
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def zone_name(record):
    """The API 3.0 zone name of an emulator record (ap-guangzhou-3 for zone 100003)."""
    return "{0}-{1}".format(REGION_NAMES[record["Region"]], record["zoneId"] % 1000)


def china_to_utc(text):
    """``2024-05-01 10:00:00`` (the legacy API's China time) as ``2024-05-01T02:00:00Z``."""
    parsed = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    return parsed.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def type_name(family, cpu, memory):
    """API 3.0's name of a legacy family's type (api-notes/v3.md 5.3), or None where the convention has no word."""
    word = {1: "SMALL", 2: "MEDIUM", 4: "LARGE"}.get(cpu) or ("{0}XLARGE".format(cpu // 4) if cpu >= 8 and cpu % 4 == 0 else None)
    return "{0}.{1}{2}".format(family, word, memory) if word else None


def expected_instance(record, api="legacy", tags=None):
    """The instance (module result, or hostvars without cvm_) the collection must make of one emulator record.

    Every key, from the record as the emulator keeps it (GET /_emulator/instances), by the spec's tables;
    ``instance_type`` by API 3.0's naming convention (``S1.SMALL2``: family, size word of the vCPUs, memory),
    which the legacy record does not carry. ``tags``: the instance's tags where the test knows them (the legacy
    API reports none; API 3.0 shows the client-token tag of the create that made it, which the record lacks).
    """
    disk = record["diskInfo"]
    family = record["instanceType"][len("CVM.") :]
    groups = list(record.get("securityGroupIds") or [])
    return {
        "instance_type": type_name(family, record["cpu"], record["mem"]),
        "instance_id": record["unInstanceId"],
        "instance_name": record["instanceName"],
        "uuid": record["uuid"],
        "region": REGION_NAMES[record["Region"]],
        "zone": zone_name(record),
        "zone_id": record["zoneId"],
        "status": LEGACY_STATUS_NAMES[record["status"]],
        "instance_family": family,
        "cpu": record["cpu"],
        "memory": record["mem"],
        "image_id": record["unImgId"],
        "instance_charge_type": "POSTPAID_BY_HOUR",
        "private_ip": record["lanIp"],
        "public_ips": record["wanIpSet"],
        "vpc_id": record["unVpcId"] or None,
        "subnet_id": record["unSubnetId"] or None,
        "vpc_gateway": bool(record["isVpcGateway"]),
        "bandwidth": record["bandwidth"],
        "bandwidth_type": BANDWIDTH_TYPES[record["networkPayMode"]],
        "project_id": record["projectId"],
        "system_disk": {"disk_id": disk["rootId"], "disk_type": DISK_TYPE_NAMES[disk["rootType"]], "disk_size": disk["rootSize"]},
        "data_disks": [{"disk_id": disk["storageId"], "disk_type": DISK_TYPE_NAMES[disk["storageType"]], "disk_size": disk["storageSize"]}]
        if disk.get("storageSize")
        else [],
        "created_time": china_to_utc(record["createTime"]),
        # Keys the Instance gained after the contract above. The groups: in priority order on API 3.0, as a set on the
        # legacy API (which has no order of an instance's groups).
        "tags": {} if api == "legacy" else tags,
        "security_group_ids": groups if api == "v3" else sorted(groups),
    }


def assert_instance_matches(instance, record, api="legacy", tags=None):
    """``instance`` (a module's instance dict) has exactly the contract's keys and the values of the emulator's ``record``.

    On API 3.0 without ``tags``, the instance's tags are either none (an instance the collection did not create)
    or exactly the client-token tag of its create.
    """
    assert set(instance) == INSTANCE_KEYS, sorted(set(instance) ^ INSTANCE_KEYS)
    assert CORE_INSTANCE_KEYS <= set(instance) and not OLD_INSTANCE_KEYS & set(instance), sorted(instance)
    assert set(instance["system_disk"]) == DISK_KEYS and all(set(disk) == DISK_KEYS for disk in instance["data_disks"]), instance
    expected = expected_instance(record, api, tags)
    if api == "v3" and tags is None:
        assert instance["tags"] == {} or (set(instance["tags"]) == {CLIENT_TOKEN_TAG} and instance["tags"][CLIENT_TOKEN_TAG]), instance["tags"]
        expected["tags"] = instance["tags"]
    wanted = {key: value for key, value in expected.items() if key in INSTANCE_KEYS}
    actual = {key: sorted(instance[key]) if key == "security_group_ids" and api == "legacy" else instance[key] for key in wanted}
    assert actual == wanted, {key: (actual[key], wanted[key]) for key in wanted if actual[key] != wanted[key]}
    assert instance["status"] in STATUS_NAMES


def cached_entries(cache_dir):
    """The instances of each entry of a jsonfile inventory cache directory.

    ansible-core 2.19 wraps a value as a JSON string in __payload__; the
    plugin's value is itself one JSON text of the instances (cache format 3).
    """
    entries = []
    for path in sorted(Path(cache_dir).iterdir()):
        if path.is_file():
            value = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(value, dict) and set(value) == {"__payload__"}:
                value = json.loads(value["__payload__"])
            entries.append(json.loads(value))
    return entries


def plain(value):
    """ansible-inventory --list output with ansible-core 2.19's untrusted-string markers removed."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


API_ERROR_KEYS = frozenset(("action", "code", "message", "request_id"))


def assert_api_error(result, action, code, legacy_code=None):
    """A failed task's ``api_error``: exactly {action, code, message, request_id}, ``code`` the error class (the legacy
    codeDesc, the 3.0 Error.Code), and the task's message naming the action and the class.

    ``legacy_code``: a legacy answer's numeric code, which its ``message`` ends with as "(code N)" and the task's
    message names too. Without it (API 3.0) the message is the API's own text and the request ID is the API's.
    """
    error = result["api_error"]
    assert set(error) == API_ERROR_KEYS, error
    assert error["action"] == action, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert "{0} failed: {1}: ".format(action, code) in result["msg"], result["msg"]
    if legacy_code is not None:
        assert error["message"].endswith("(code {0})".format(legacy_code)), error
        assert error["message"] != "(code {0})".format(legacy_code), error
        assert "(code {0})".format(legacy_code) in result["msg"], result["msg"]
    else:
        assert "(code " not in error["message"], error
        assert re.match(r"^[0-9a-f-]{36}$", error["request_id"] or ""), error
        assert error["request_id"] in result["msg"], result["msg"]


class Face:
    """What one API looks like in the emulator's request log: its path, its action names, its parameters.

    Tests speak of actions by their job (``face.create``, ``face.give_back``, ...) and read parameters
    through the face (``face.token(entry)``, ``face.count(entry)``, ...), so one test states one behaviour for
    both APIs, each counted in its own words.
    """

    api = None
    path = None
    # Every action a task may send without changing anything.
    read_actions = frozenset()

    def __repr__(self):
        return "Face({0})".format(self.api)

    def endpoint(self, base_url):
        return base_url + self.path

    def name_of(self, entry):
        """The instance name an entry is about: the name a look-up searches for, or a create's name."""
        return self.searched_name(entry) or (self.created_name(entry) if entry["action"] == self.create else None)

    def given_back_ids(self, entries):
        """Every instance ID the give-back entries name, in order."""
        return [i for entry in entries if entry["action"] == self.give_back for i in self.target_ids(entry)]

    def is_lookup(self, entry):
        """A DescribeInstances by name (the task's identity), as opposed to one by IDs (a poll, a check)."""
        return entry["action"] == "DescribeInstances" and self.searched_name(entry) is not None

    def is_poll(self, entry):
        return entry["action"] == "DescribeInstances" and bool(self.listed_ids(entry))


class LegacyFace(Face):
    api = "legacy"
    path = "/v2/index.php"
    create = "RunInstancesHour"
    price = "InquiryInstancePriceHour"
    give_back = "ReturnInstance"
    start = "StartInstances"
    stop = "StopInstances"
    restart = "RestartInstances"
    bandwidth = "UpdateInstanceBandwidthHour"
    groups = "ModifySecurityGroupsOfInstance"
    read_actions = frozenset(("DescribeInstances", "DescribeSecurityGroupEx", "DescribeInstancesOfSecurityGroup", "InquiryInstancePriceHour"))
    # What the module reads to learn the groups of the instances it found (the legacy listing has none).
    group_reads = frozenset(("DescribeSecurityGroupEx", "DescribeInstancesOfSecurityGroup"))
    # The error class of the emulator's ``busy`` fault, and the numeric code the legacy message ends with.
    busy_code = "OperationFail.SystemBusy"

    @staticmethod
    def token(entry):
        return entry["params"].get("clientToken")

    @staticmethod
    def count(entry):
        return int(entry["params"]["goodsNum"])

    @staticmethod
    def searched_name(entry):
        return entry["params"].get("searchWord") if entry["action"] == "DescribeInstances" else None

    @staticmethod
    def created_name(entry):
        return entry["params"].get("instanceName")

    @staticmethod
    def listed_ids(entry):
        """The IDs a DescribeInstances asks for."""
        params = entry["params"]
        return [params[key] for key in sorted((k for k in params if k.startswith("instanceIds.")), key=lambda k: int(k.split(".")[1]))]

    @staticmethod
    def target_ids(entry):
        """The instances a change action names (instanceId, instanceIds.N, instanceSet.N.instanceId)."""
        params = entry["params"]
        if "instanceId" in params:
            return [params["instanceId"]]
        keys = [k for k in params if k.startswith("instanceIds.") or (k.startswith("instanceSet.") and k.endswith(".instanceId"))]
        return [params[k] for k in sorted(keys, key=lambda k: int(k.split(".")[1]))]

    @staticmethod
    def is_dry_run(entry):
        return False

    @staticmethod
    def bandwidth_of(entry):
        return int(entry["params"]["bandwidth"])

    @staticmethod
    def is_group_change(entry):
        return entry["action"] == LegacyFace.groups

    @staticmethod
    def region_of(region):
        """How the request log names a region the tests call by its short code (the legacy face: the short code)."""
        return region

    @staticmethod
    def secret_id(entry):
        """The SecretId a request was signed with."""
        return entry["params"].get("SecretId")

    @staticmethod
    def session_token(entry):
        """The session token a request carried, as the log shows it (masked)."""
        return entry["params"].get("Token")

    @staticmethod
    def password(entry):
        """The login password a create carried, as the log shows it (masked)."""
        return entry["params"].get("password")

    @staticmethod
    def page(entry):
        """(offset, limit) of a listing."""
        return int(entry["params"]["offset"]), int(entry["params"]["limit"])

    @staticmethod
    def filters(entry):
        """A DescribeInstances' filters as {name: values}, in the legacy parameters' own names."""
        params = entry["params"]
        return {key: [value] for key, value in params.items() if key in ("zoneId", "status", "searchWord", "projectId")}


class V3Face(Face):
    api = "v3"
    path = ""
    create = "RunInstances"
    price = "InquiryPriceRunInstances"
    give_back = "TerminateInstances"
    start = "StartInstances"
    stop = "StopInstances"
    restart = "RebootInstances"
    bandwidth = "ResetInstancesInternetMaxBandwidth"
    groups = "ModifyInstancesAttribute"
    read_actions = frozenset(
        (
            "DescribeZones",
            "DescribeInstances",
            "DescribeInstancesActionTimer",
            "DescribeZoneInstanceConfigInfos",
            "DescribeImages",
            "InquiryPriceRunInstances",
            "DescribeSecurityGroups",
            "DescribeInstancesAttributes",
        )
    )
    group_reads = frozenset()
    busy_code = "ResourceInUse"

    @staticmethod
    def token(entry):
        return entry["params"].get("ClientToken")

    @staticmethod
    def count(entry):
        return int(entry["params"].get("InstanceCount", 1))

    @staticmethod
    def searched_name(entry):
        if entry["action"] != "DescribeInstances":
            return None
        for item in entry["params"].get("Filters") or []:
            if item.get("Name") == "instance-name":
                return item["Values"][0]
        return None

    @staticmethod
    def created_name(entry):
        return entry["params"].get("InstanceName")

    @staticmethod
    def listed_ids(entry):
        return list(entry["params"].get("InstanceIds") or [])

    @staticmethod
    def target_ids(entry):
        return list(entry["params"].get("InstanceIds") or [])

    @staticmethod
    def is_dry_run(entry):
        return entry["params"].get("DryRun") is True

    @staticmethod
    def bandwidth_of(entry):
        return int(entry["params"]["InternetAccessible"]["InternetMaxBandwidthOut"])

    @staticmethod
    def is_group_change(entry):
        return entry["action"] == V3Face.groups and "SecurityGroups" in entry["params"]

    @staticmethod
    def region_of(region):
        return REGION_NAMES.get(region, region)

    @staticmethod
    def secret_id(entry):
        # Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, SignedHeaders=..., Signature=...
        match = re.search(r"Credential=([^/,\s]+)/", entry["headers"].get("authorization", ""))
        return match.group(1) if match else None

    @staticmethod
    def session_token(entry):
        return entry["headers"].get("x-tc-token")

    @staticmethod
    def password(entry):
        return (entry["params"].get("LoginSettings") or {}).get("Password")

    @staticmethod
    def page(entry):
        return int(entry["params"].get("Offset", 0)), int(entry["params"].get("Limit", 20))

    @staticmethod
    def filters(entry):
        """A DescribeInstances' filters as {name: values}, in the 3.0 filter names."""
        return {item["Name"]: list(item["Values"]) for item in entry["params"].get("Filters") or []}


FACES = {"legacy": LegacyFace(), "v3": V3Face()}


def owned_by(name, record):
    """Whether an emulator record belongs to the task named ``name``: that name, or (API 3.0) the name and a number.

    RunInstances of several instances names them NAME1, NAME2, ...; the module renames them NAME right after. An
    instance a failed run left with such a name was still bought for the task, and counts when counting what was bought.
    """
    return re.fullmatch(re.escape(name) + "[0-9]*", record["instanceName"]) is not None


class Emulator:
    """A running emulator process and its control API.

    ``api`` is the API the ansible runs of a test speak to it (both faces share one store): it chooses
    ``endpoint``, QCLOUD_CVM_API in ansible_env() and ``face``, the action and parameter names in its request log.
    """

    def __init__(self, process, port, scheme="http", api="legacy"):
        self.process = process
        self.port = port
        self.base_url = "{0}://127.0.0.1:{1}".format(scheme, port)
        self.api = api

    @property
    def face(self):
        return FACES[self.api]

    @property
    def endpoint(self):
        return self.face.endpoint(self.base_url)

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + "/_emulator/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
            text = response.read().decode("utf-8")
        return json.loads(text) if text else {}

    def reset(self):
        self.control("POST", "reset", {})

    def instances(self):
        return self.control("GET", "instances")["instances"]

    def live_instances(self, name=None):
        """Instances not given back (legacy status 5, terminated) nor being given back (6, terminating)."""
        return [i for i in self.instances() if i["status"] not in (5, 6) and (name is None or i["instanceName"] == name)]

    def bought_for(self, name):
        """The live instances a create of task ``name`` made, whatever they are called yet (see owned_by)."""
        return [i for i in self.instances() if i["status"] not in (5, 6) and owned_by(name, i)]

    def requests(self, action=None):
        entries = self.control("GET", "requests")["requests"]
        return [e for e in entries if action is None or e["action"] == action]

    def creates(self):
        """The create requests of the test's API that could buy (3.0 DryRun checks left out)."""
        return [e for e in self.requests(self.face.create) if not self.face.is_dry_run(e)]

    def fault(self, action, kind, times=1, seconds=0, instance_id=None, face=None):
        body = {"action": action, "kind": kind, "times": times, "seconds": seconds}
        if instance_id is not None:
            body["instance_id"] = instance_id
        if face is not None:
            body["face"] = face
        return self.control("POST", "faults", body)

    def configure(self, **settings):
        return self.control("POST", "config", settings)

    def seed(self, count, regions, name_prefix="seed", status=2):
        return self.control("POST", "seed", {"count": count, "regions": regions, "name_prefix": name_prefix, "status": status})

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_emulator(*flags, scheme="http", workdir=None, api="legacy"):
    """Start ``python -m cvm_emulator`` on a free loopback port and wait until it serves; ``api``: see Emulator."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="cvm-emulator-"))
    port_file = workdir / "port"
    env = dict(os.environ, PYTHONPATH=str(EMULATOR_PATH))
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "cvm_emulator", "--port", "0", "--port-file", str(port_file)] + list(flags),
        env=env,
        stderr=open(workdir / "emulator.log", "ab"),  # pylint: disable=consider-using-with
    )
    deadline = time.monotonic() + 20
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the emulator did not start: " + (workdir / "emulator.log").read_text())
        time.sleep(0.05)
    return Emulator(process, int(port_file.read_text().strip()), scheme=scheme, api=api)


def ansible_env(emulator, **extra):
    """The environment an ansible process gets: the installed collection, credentials, the emulator's API and endpoint.

    An ``extra`` value of None removes that variable.
    """
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO_ROOT / ".build" / "collections")),
        ANSIBLE_CALLBACK_PLUGINS=str(INTEGRATION_DIR / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="record_results",
        ANSIBLE_NOCOLOR="1",
        # Modules run with the test's own Python, the one that has requests.
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        TENCENTCLOUD_SECRET_ID=SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
        TENCENTCLOUD_REGION=REGION,
        QCLOUD_CVM_API=emulator.api,
        QCLOUD_CVM_ENDPOINT=emulator.endpoint,
    )
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


class Run:
    """One finished ansible process: its exit code, output and per-task results."""

    def __init__(self, completed, results):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results = results

    @property
    def output(self):
        return self.stdout + self.stderr

    def task(self, name, host=None):
        """The last result of the task called ``name``."""
        matches = [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]
        if not matches:
            raise AssertionError("no result for task {0!r}; tasks run: {1}".format(name, sorted({r["task"] for r in self.results})))
        return matches[-1]

    def __repr__(self):
        return "Run(rc={0}, output=...{1})".format(self.rc, self.output[-3000:])


def run_ansible(command, emulator, args=(), env_extra=None, timeout=600):
    with tempfile.TemporaryDirectory(prefix="cvm-run-") as workdir:
        result_log = Path(workdir) / "results.jsonl"
        env = ansible_env(emulator, QCLOUD_CVM_RESULT_LOG=result_log, **(env_extra or {}))
        completed = subprocess.run(
            [str(BIN_DIR / command)] + [str(a) for a in args], env=env, cwd=str(INTEGRATION_DIR), capture_output=True, text=True, timeout=timeout, check=False
        )
        results = [json.loads(line) for line in result_log.read_text().splitlines()] if result_log.exists() else []
    return Run(completed, results)
