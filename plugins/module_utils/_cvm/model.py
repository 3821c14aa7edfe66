# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The neutral instance model: what users get back (``Instance``) and what a task asks for (``InstanceSpec``).

Private: may change without notice. ``Instance`` is the collection's one
definition of an instance's keys: the ``instances`` both modules return and
the inventory's host variables (with the ``cvm_`` prefix) are its ``as_dict()``;
the RETURN documentation of the modules and the host variable list of the
inventory are rendered from its field metadata (scripts/render-instance-docs.py,
checked by tests/unit/plugins/module_utils/test_instance_docs.py). Every key is
one both APIs fill with the same value for the same instance; values use the
API 3.0 spellings (``ap-guangzhou``, ``ap-guangzhou-3``, ``CLOUD_SSD``).
"""

from __future__ import annotations

import dataclasses
import hashlib

from typing import Any, Dict, List, Optional

# The status names, shared by both APIs (api-notes/v3.md 5.4 pairs them).
STATUS_DESCRIPTIONS = (
    ("pending", "being created"),
    ("launch_failed", "the create failed; it will never run"),
    ("running", "running"),
    ("operating", "running, with an operation in progress (a password reset, an image, a disk change, ...)"),
    ("stopped", "stopped"),
    ("starting", "starting"),
    ("stopping", "stopping"),
    ("rebooting", "rebooting"),
    ("terminating", "being given back"),
    ("terminated", "given back"),
    ("fault", "faulty (legacy API only)"),
    ("maintenance", "in a state the collection has no name for (rescue mode, live migration, ...)"),
)
STATUS_NAMES = tuple(name for name, _description in STATUS_DESCRIPTIONS)
# Given back, or being given back: nobody manages these any more.
GONE_STATUSES = frozenset(("terminating", "terminated"))
# These will never reach running by themselves.
FAILED_STATUSES = frozenset(("launch_failed", "fault"))
# Passing states: an instance in one of them settles by itself.
TRANSITIONAL_STATUSES = frozenset(("pending", "starting", "stopping", "rebooting", "terminating", "operating"))

# The name the APIs give an instance created without one: "未命名", unnamed.
UNNAMED_INSTANCE = "\u672a\u547d\u540d"


def _field(description, sample, default=None, factory=None, elements=None, contains=None):
    metadata = {"description": description, "sample": sample, "elements": elements, "contains": contains}
    # Called in the class body of Instance below, which is where dataclasses wants field().
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)  # pylint: disable=invalid-field-call
    return dataclasses.field(default=default, metadata=metadata)  # pylint: disable=invalid-field-call


DISK_CONTAINS = (
    ("disk_id", "str", "The disk's ID.", "disk-8s6m0k2a"),
    ("disk_type", "str", "V(LOCAL_BASIC), V(CLOUD_BASIC), V(LOCAL_SSD), V(CLOUD_SSD), V(CLOUD_PREMIUM), ... (the API 3.0 names).", "CLOUD_PREMIUM"),
    ("disk_size", "int", "Size in GB.", 50),
)


@dataclasses.dataclass
class Instance:
    """One instance as users see it, whichever API listed it."""

    instance_id: str = _field("The instance ID.", "ins-a19qoqqk", default="")
    instance_name: str = _field("The name.", "web", default="")
    uuid: Optional[str] = _field("The instance's UUID.", "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11")
    region: str = _field("The region, as its API 3.0 name.", "ap-guangzhou", default="")
    zone: str = _field("The zone, as its API 3.0 name.", "ap-guangzhou-3", default="")
    zone_id: Optional[int] = _field("The numeric zone ID, as O(qcloud.cvm.cvm_instance_hour#module:zone_id) takes it.", 100003)
    status: str = _field(
        "The state: V(pending), V(launch_failed), V(running), V(operating), V(stopped), V(starting), V(stopping), "
        "V(rebooting), V(terminating), V(terminated), V(fault) or V(maintenance).",
        "running",
        default="",
    )
    instance_type: Optional[str] = _field(
        "The instance type (family, vCPUs and memory), as API 3.0 names it; V(null) when the API does not report the family.", "S1.SMALL2"
    )
    instance_family: Optional[str] = _field(
        "The instance family, as API 3.0 names it (O(qcloud.cvm.cvm_instance_hour#module:instance_type) "
        "V(CVM.S1) is V(S1)); V(null) when the API does not report it.",
        "S1",
    )
    cpu: Optional[int] = _field("vCPUs.", 1)
    memory: Optional[int] = _field("Memory in GB.", 2)
    image_id: Optional[str] = _field("The image ID.", "img-3wnd9xpl")
    instance_charge_type: Optional[str] = _field("How the instance is billed; V(POSTPAID_BY_HOUR) for pay-by-hour instances.", "POSTPAID_BY_HOUR")
    private_ip: Optional[str] = _field("The primary private IP.", "10.3.0.17")
    public_ips: List[str] = _field("The public IPs; empty when there are none.", ["203.0.113.10"], factory=list, elements="str")
    vpc_id: Optional[str] = _field("The VPC ID; V(null) in the basic network.", "vpc-gzdemo01")
    subnet_id: Optional[str] = _field("The subnet ID; V(null) in the basic network.", "subnet-gz3web01")
    vpc_gateway: bool = _field("Whether the instance is a public gateway of its VPC.", False, default=False)
    bandwidth: Optional[int] = _field("Public bandwidth in Mbps (the peak with V(PayByTraffic)).", 10)
    bandwidth_type: Optional[str] = _field(
        "How public bandwidth is billed, in the words of "
        "O(qcloud.cvm.cvm_instance_hour#module:bandwidth_type): V(PayByHour) or V(PayByTraffic) "
        "(another API 3.0 name for other billing).",
        "PayByTraffic",
    )
    project_id: Optional[int] = _field("The project ID; V(0) is the default project.", 0)
    system_disk: Dict[str, Any] = _field(
        "The system disk.", {"disk_id": "disk-8s6m0k2a", "disk_type": "LOCAL_BASIC", "disk_size": 20}, factory=dict, contains=DISK_CONTAINS
    )
    data_disks: List[Dict[str, Any]] = _field("The data disks; empty without one.", [], factory=list, elements="dict", contains=DISK_CONTAINS)
    created_time: Optional[str] = _field("When the instance was created, ISO 8601 in UTC.", "2024-05-01T02:00:00Z")
    security_group_ids: List[str] = _field(
        "The security groups bound to the instance, in priority order where the API reports "
        "one (API 3.0; the legacy API lists them in the order it lists the groups); empty when none "
        "is bound (on the legacy API every port is then open).",
        ["sg-gzweb001"],
        factory=list,
        elements="str",
    )
    expire_time: Optional[str] = _field(
        "When the instance's expiry timer gives it back, ISO 8601 in UTC (API 3.0 C(ActionTimer)); "
        "V(null) without a timer, and always on the legacy API, which has none.",
        "2024-05-01T10:00:00Z",
    )
    stop_charging_mode: Optional[str] = _field(
        "How a stopped instance is billed: V(keep_charging) (CPU and memory still billed) or V(stop_charging) (API 3.0 only); V(null) while it is not stopped.",
        "keep_charging",
    )
    termination_protection: bool = _field(
        "Whether the API refuses to give the instance back (API 3.0 C(DisableApiTermination); "
        "always V(false) on the legacy API, which has no such protection).",
        False,
        default=False,
    )
    tags: Dict[str, str] = _field(
        "The instance's tags (API 3.0 only: the legacy API reports none, so there it is always empty). "
        "Instances created by the collection on API 3.0 carry C(ansible-cvm-client-token).",
        {"team": "web"},
        factory=dict,
    )

    # The keys whose value the API did not report for this instance (a legacy
    # record of a VPC instance without the vpc-/subnet- string IDs): their value
    # is a placeholder, never compared with a task. Not part of the contract.
    unreported = frozenset()

    def as_dict(self):
        """The instance as the plain dict modules return and hosts carry (a copy)."""
        values = self.__dict__
        return {
            name: (list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value)
            for name, value in ((name, values[name]) for name in INSTANCE_KEY_ORDER)
        }

    @classmethod
    def from_dict(cls, values):
        """An Instance from ``as_dict()`` output (the inventory's cache); unknown keys are ignored."""
        names = INSTANCE_KEYS
        return cls(**{name: value for name, value in values.items() if name in names})

    @property
    def gone(self):
        return self.status in GONE_STATUSES


INSTANCE_FIELDS = dataclasses.fields(Instance)
INSTANCE_KEY_ORDER = tuple(field.name for field in INSTANCE_FIELDS)
INSTANCE_KEYS = frozenset(INSTANCE_KEY_ORDER)


@dataclasses.dataclass
class InstanceSpec:
    """What a task asks for: the configuration of the instances it manages.

    The values are neutral (API 3.0 disk type names, the family without
    ``CVM.``); each backend translates them into its own parameters.
    """

    zone_id: int
    instance_family: str
    cpu: int
    memory: int
    image_id: str
    instance_name: str = UNNAMED_INSTANCE
    image_type: int = 2
    disk_type: str = "LOCAL_BASIC"
    data_disk_size: int = 0
    system_disk_size: Optional[int] = None
    bandwidth_type: str = "PayByHour"
    bandwidth: int = 0
    public_ip: Optional[bool] = None
    vpc_id: Optional[str] = None
    subnet_id: Optional[str] = None
    vpc_gateway: bool = False
    private_ip: Optional[str] = None
    password: Optional[str] = dataclasses.field(default=None, repr=False)
    key_id: Optional[str] = None
    security_agent: bool = True
    monitor_agent: bool = True
    project_id: int = 0
    # None: the task does not manage the instances' security groups.
    security_group_ids: Optional[List[str]] = None
    # Tags to give new instances (API 3.0 only).
    tags: Optional[Dict[str, str]] = None
    # API 3.0 guardrails; None / False where the task does not ask for them.
    # The expiry: a fixed time (ISO 8601 UTC), or a number of seconds after each instance's creation.
    expire_at: Optional[str] = None
    expire_after: Optional[int] = None
    # "spot" buys spot instances (SPOTPAID), bidding at most spot_max_price per hour.
    market: str = "on_demand"
    spot_max_price: Optional[float] = None
    # Plain text; base64-encoded on the way to the API.
    user_data: Optional[str] = dataclasses.field(default=None, repr=False)
    termination_protection: Optional[bool] = None
    # Zones to buy in, in order, when zone_id sells out (they belong to the task's identity too).
    fallback_zone_ids: List[int] = dataclasses.field(default_factory=list)

    @property
    def zone_ids(self):
        """Every zone of the task's identity: zone_id, then the fallback zones."""
        return [self.zone_id] + [zone for zone in self.fallback_zone_ids if zone != self.zone_id]

    def fingerprint(self):
        """The spec's values without secrets, in a stable order (for the derived client token)."""
        values = dataclasses.asdict(self)
        values.pop("password", None)
        # User data may hold secrets too; a digest tells specs apart without them.
        if values.get("user_data") is not None:
            values["user_data"] = hashlib.sha256(values["user_data"].encode("utf-8")).hexdigest()
        return values
