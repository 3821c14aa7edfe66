#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cvm_instance_hour
short_description: Create, ensure and give back Tencent Cloud CVM pay-by-hour instances
version_added: 0.1.0
description:
  - Ensures that a number of pay-by-hour CVM instances of one configuration exist in a zone, through the legacy
    C(RunInstancesHour) API, or gives them back (C(ReturnInstance)).
  - "Idempotent: the instances a task manages are those in the same zone (O(zone_id)) with exactly the same name
    (O(instance_name)) and the same configuration, that are not given back (every status except returning (6) and
    returned (5)). The configuration compared is O(cpu), O(mem), O(image_id), O(project_id), O(bandwidth),
    O(storage_size), O(storage_type) (of the data disk, when O(storage_size) is above 0), O(root_size) (when set),
    and, when the API's instance records carry them, O(instance_type), O(vpc_id) and O(subnet_id); O(private_ip_addresses)
    is compared with the instance's private IP when set. The other options only shape a create and do not tell
    instances apart."
  - With O(state=present), O(goods_num) is the desired total (like C(exact_count)). Only the missing number is created;
    when nothing is missing, nothing is sent but look-ups and the task reports no change. When more instances match than
    O(goods_num), the module reports them all and warns; it never gives anything back with O(state=present).
  - Every rule that the argument spec cannot express (sizes and their steps, the password rules, one valid private IP, ...)
    is checked before any request is sent; a bad value fails with a message that names the option and the rule.
    Rules only the API can judge (the CPU/memory pairs of each O(instance_type), whether the zone belongs to the
    region, the image's type and OS, VPC and subnet, the balance) fail with the API's C(code), C(codeDesc) and C(message)
    in RV(ignore:api_error).
options:
  state:
    description:
      - V(present) ensures O(goods_num) matching instances exist, creating the missing ones.
      - V(absent) gives back (C(ReturnInstance), one call per instance) every matching instance.
        An instance still being created (status 3) cannot be given back yet; with O(wait=true) the module first
        waits for it to run, with O(wait=false) the task fails and names it.
        Give-back is accepted once the API answers; the module does not wait for returning (6) to turn into returned (5).
        An instance that failed to create (status -1) and that the API refuses to give back is left as it is, with a warning.
    type: str
    choices: [present, absent]
    default: present
  zone_id:
    description:
      - The availability zone, a numeric zone ID such as V(100003) (Guangzhou zone 3). It must belong to O(region).
    type: int
    required: true
    aliases: [zoneId]
  cpu:
    description:
      - Number of vCPUs. Together with O(mem) it must be a CPU/memory pair that O(instance_type) offers.
    type: int
    required: true
  mem:
    description:
      - Memory in GB.
    type: int
    required: true
  image_id:
    description:
      - The image, as the C(unImgId) that C(DescribeImages) returns, for example V(img-3wnd9xpl).
    type: str
    required: true
    aliases: [imageId]
  image_type:
    description:
      - The kind of image O(image_id) is; it must match the image.
      - V(1) private, V(2) public, V(3) marketplace, V(4) shared.
    type: int
    choices: [1, 2, 3, 4]
    default: 2
    aliases: [imageType]
  instance_type:
    description:
      - The instance family. There is no C(CVM.C1).
    type: str
    choices: [CVM.S1, CVM.S2, CVM.I1, CVM.I2, CVM.M1, CVM.M2, CVM.C2]
    default: CVM.S1
    aliases: [instanceType]
  storage_type:
    description:
      - The disk type of the system disk and of the data disk.
      - V(1) local disk, V(2) ordinary cloud disk, V(3) local SSD. Which types a family allows is up to the API.
    type: int
    choices: [1, 2, 3]
    default: 1
    aliases: [storageType]
  storage_size:
    description:
      - Size of the data disk in GB, a multiple of 10 from V(0) to V(16000). V(0) means no data disk.
      - It is always sent, as the API requires.
    type: int
    default: 0
    aliases: [storageSize]
  root_size:
    description:
      - Size of the system disk in GB. Linux and BSD images take a multiple of 10 from V(20) to V(50);
        Windows images only V(50).
      - If not set, nothing is sent and the API's default applies, 20 GB for Linux/BSD and 50 GB for Windows,
        so the same task works for both. The module cannot know an image's OS, so it checks the Linux range;
        the API rejects a Windows image with a size other than 50.
    type: int
    aliases: [rootSize]
  bandwidth_type:
    description:
      - How public bandwidth is billed. V(PayByHour) by bandwidth and time, V(PayByTraffic) by traffic.
    type: str
    choices: [PayByHour, PayByTraffic]
    default: PayByHour
    aliases: [bandwidthType]
  bandwidth:
    description:
      - Public bandwidth in Mbps (the peak with V(PayByTraffic)). V(0) means no public network.
    type: int
    default: 0
  wan_ip:
    description:
      - Whether to assign a public IP.
      - If not set, nothing is sent and the API's default applies, a public IP whenever O(bandwidth) is above 0.
      - V(true) needs O(bandwidth) above 0; with bandwidth 0 the API never assigns one.
    type: bool
    aliases: [wanIp]
  vpc_id:
    description:
      - The VPC to create the instances in, for example V(vpc-gzdemo01). If not set, the basic network is used.
      - Requires O(subnet_id).
    type: str
    aliases: [vpcId]
  subnet_id:
    description:
      - The subnet of O(vpc_id), in O(zone_id). Required with O(vpc_id).
    type: str
    aliases: [subnetId]
  is_vpc_gateway:
    description:
      - Whether the instances are public network gateways of their VPC.
      - V(true) requires O(vpc_id) and a public IP (O(bandwidth) above 0 and O(wan_ip) not V(false)).
    type: bool
    default: false
    aliases: [isVpcGateway]
  private_ip_addresses:
    description:
      - The private IP of the instance in O(subnet_id). At most one address (the API supports one), a valid IPv4 address.
      - Requires O(vpc_id) and O(goods_num=1). Whether the address is in the subnet, reserved or in use, the API judges.
    type: list
    elements: str
    aliases: [privateIpAddresses]
  password:
    description:
      - The login password. If neither this nor O(key_id) is set, the API sets a random password and sends it
        by in-console message.
      - >-
        The module checks the Linux/BSD rules, which every valid password meets, 8 to 16 characters with at least two of
        letters, digits and the specials (round brackets and C(` ~ ! @ # $ % ^ & * - + = | { } [ ] : ; ' , . ? /)),
        and no other character.
        For Windows images the API adds its own rules (12 to 16 characters, three of lower case, upper case, digits
        and specials, no C(|)) and answers C(InvalidParameter.PasswordNotConformSpecs) when they fail.
      - Never logged, returned or part of the derived O(client_token). Changing it does not change which instances
        the task manages, and does not change existing instances.
    type: str
  key_id:
    description:
      - The ID of an SSH key to log in with (from C(DescribeKeyPairs)). Not for Windows images.
      - Mutually exclusive with O(password).
    type: str
    aliases: [keyId]
  need_security_agent:
    description:
      - Whether to install the Cloud Security agent.
    type: bool
    default: true
    aliases: [needSecurityAgent]
  need_monitor_agent:
    description:
      - Whether to install the Cloud Monitor agent.
    type: bool
    default: true
    aliases: [needMonitorAgent]
  project_id:
    description:
      - The project of the instances. V(0) is the default project.
    type: int
    default: 0
    aliases: [projectId]
  instance_name:
    description:
      - The name of the instances, at most 60 characters; all instances of one task share it.
      - If not set, the API names them C(未命名) ("unnamed"), and the task manages the instances of that name.
    type: str
    aliases: [instanceName]
  goods_num:
    description:
      - How many matching instances should exist, from V(1) to V(100). The missing number is created in one request.
    type: int
    default: 1
    aliases: [goodsNum]
  client_token:
    description:
      - The idempotency token of the create, at most 64 characters. The API treats requests with the same token as
        one request, so a create whose answer was lost is not repeated when it is sent again.
      - If not set, the module derives one, C(ansible-) and a SHA-256 hash of the region, the create parameters
        (without O(password)) and the IDs of the matching instances the look-up found, including given-back ones the API
        still lists. Every retry of one create sends the same token, and a later run that finds other instances
        (for example after a give-back) sends a new one.
      - A token given here is sent as is with every create, so it is good for one create only; a later create with the
        same token gets the first create's instances back. The module warns when those are still managed, and fails
        when they were given back.
    type: str
    aliases: [clientToken]
  wait:
    description:
      - Whether to wait until the created instances, and matching ones still being created by an earlier run, are
        running (status 2).
      - The module polls C(DescribeInstances) with a capped backoff, 0.5 s after the create, then every second for the
        first 5 seconds (where most creates finish), then each poll 1.5 times as late as the one before, at most 60 s
        apart. It fails when an instance fails to create (status -1) or turns faulty (1), or after O(wait_timeout);
        the IDs created are still returned.
      - With O(state=absent), whether to wait for instances still being created before giving them back.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, at least V(1).
    type: int
    default: 300
  max_hourly_price:
    description:
      - The most the instances to create may cost per hour, in the account's currency.
      - When set, the module asks C(InquiryInstancePriceHour) for the price of the instances it is about to create
        (the instances, plus the bandwidth with O(bandwidth_type=PayByHour); traffic is billed per GB and not
        included) and fails without creating anything when the quote is higher, or when the price cannot be quoted.
    type: float
extends_documentation_fragment:
  - qcloud.cvm.qcloud
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Nothing is created or given back; the client refuses every call that changes something.
      - A create reports RV(price) when the API quotes it; a failing quote only adds a warning.
  diff_mode:
    support: full
    details:
      - Before and after as the count and the IDs of the managed instances. In check mode, instances that would be
        created appear in the after IDs as placeholders C(<new instance N>).
  platform:
    platforms: all
    description: Runs where the task runs (usually the controller, with C(connection=local)) and talks to the API over HTTPS.
  action_group:
    support: full
    membership:
      - qcloud.cvm.cvm
notes:
  - Pay-by-hour instances are billed until they are given back. Use O(state=absent) to give them back.
  - The module does not change existing instances. An instance whose configuration differs is not managed by the task at all
    (it does not count towards O(goods_num) and is never given back by it); give it back with a task of its own configuration.
  - Instances that failed to create (status -1) or are faulty (1) still count towards O(goods_num); the module warns about them.
seealso:
  - name: RunInstancesHour (legacy API)
    description: The API call this module makes to create instances.
    link: https://cloud.tencent.com/doc/api/229/1350
author:
  - qcloud.cvm developers (@qcloud-ansible)
"""

EXAMPLES = r"""
# Credentials and region come from the environment here (TENCENTCLOUD_SECRET_ID,
# TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_REGION), or from module_defaults as shown below.

- name: Ensure two web servers run in Guangzhou zone 3
  qcloud.cvm.cvm_instance_hour:
    zone_id: 100003
    cpu: 1
    mem: 2
    image_id: img-3wnd9xpl
    instance_name: web
    bandwidth_type: PayByTraffic
    bandwidth: 10
    goods_num: 2
  register: web

- name: Show their IDs and public IPs
  ansible.builtin.debug:
    msg: "{{ web.instances | map(attribute='instance_id') | zip(web.instances | map(attribute='wan_ips')) | list }}"

- name: Preview a third web server and its price, without creating it
  qcloud.cvm.cvm_instance_hour:
    zone_id: 100003
    cpu: 1
    mem: 2
    image_id: img-3wnd9xpl
    instance_name: web
    bandwidth_type: PayByTraffic
    bandwidth: 10
    goods_num: 3
  check_mode: true
  register: preview

- name: Show the price of the preview
  ansible.builtin.debug:
    msg: "One more web server would cost {{ preview.price.hourly_price }} per hour"

- name: A database server in a VPC, with a fixed private IP, a cloud data disk and a price limit
  qcloud.cvm.cvm_instance_hour:
    zone_id: 100003
    instance_type: CVM.S2
    cpu: 2
    mem: 8
    image_id: img-3wnd9xpl
    storage_type: 2
    storage_size: 100
    root_size: 50
    vpc_id: vpc-gzdemo02
    subnet_id: subnet-gz3db001
    private_ip_addresses:
      - 192.168.10.20
    instance_name: db
    password: "{{ db_root_password | default('Db-pass2024') }}"
    need_security_agent: false
    max_hourly_price: 1.5

- name: Set the region once for every module of the collection, then give everything back
  module_defaults:
    group/qcloud.cvm.cvm:
      region: ap-guangzhou
      timeout: 20
  block:
    - name: Give the web servers back
      qcloud.cvm.cvm_instance_hour:
        state: absent
        zone_id: 100003
        cpu: 1
        mem: 2
        image_id: img-3wnd9xpl
        instance_name: web
        bandwidth_type: PayByTraffic
        bandwidth: 10

    - name: Give the database server back
      qcloud.cvm.cvm_instance_hour:
        state: absent
        zone_id: 100003
        instance_type: CVM.S2
        cpu: 2
        mem: 8
        image_id: img-3wnd9xpl
        storage_type: 2
        storage_size: 100
        root_size: 50
        vpc_id: vpc-gzdemo02
        subnet_id: subnet-gz3db001
        private_ip_addresses:
          - 192.168.10.20
        instance_name: db
"""

RETURN = r"""
instance_ids:
  description:
    - The IDs (C(unInstanceId)) of every instance the task manages after it ran, oldest first (by create time, then by ID),
      so every run lists the same instances in the same order.
    - In check mode, the instances a create would add appear at the end as placeholders C(<new instance N>).
    - Empty after O(state=absent), unless an instance could not be given back.
  returned: always
  type: list
  elements: str
  sample: [ins-a19qoqqk, ins-0f3kq8xz]
instances:
  description:
    - One dict per ID of RV(instance_ids), as the API last listed it, in the collection's instance shape (the same keys
      on both APIs, and the same keys as the inventory's host variables without their C(cvm_) prefix).
    - Without O(wait), new instances are as the API listed them just after the create (usually V(pending)),
      and an instance it did not list yet is missing.
  returned: always
  type: list
  elements: dict
  contains:
    # BEGIN instance keys (scripts/render-instance-docs.py)
    instance_id:
      description: "The instance ID."
      type: str
      sample: "ins-a19qoqqk"
    instance_name:
      description: "The name."
      type: str
      sample: "web"
    uuid:
      description: "The instance's UUID."
      type: str
      sample: "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11"
    region:
      description: "The region, as its API 3.0 name."
      type: str
      sample: "ap-guangzhou"
    zone:
      description: "The zone, as its API 3.0 name."
      type: str
      sample: "ap-guangzhou-3"
    zone_id:
      description: "The numeric zone ID, as O(qcloud.cvm.cvm_instance_hour#module:zone_id) takes it."
      type: int
      sample: 100003
    status:
      description: "The state: V(pending), V(launch_failed), V(running), V(operating), V(stopped), V(starting), V(stopping), V(rebooting), V(terminating), V(terminated), V(fault) or V(maintenance)."
      type: str
      sample: "running"
    instance_type:
      description: "The instance type (family, vCPUs and memory), as API 3.0 names it; V(null) when the API does not report the family."
      type: str
      sample: "S1.SMALL2"
    instance_family:
      description: "The instance family, as API 3.0 names it (O(qcloud.cvm.cvm_instance_hour#module:instance_type) V(CVM.S1) is V(S1)); V(null) when the API does not report it."
      type: str
      sample: "S1"
    cpu:
      description: "vCPUs."
      type: int
      sample: 1
    memory:
      description: "Memory in GB."
      type: int
      sample: 2
    image_id:
      description: "The image ID."
      type: str
      sample: "img-3wnd9xpl"
    instance_charge_type:
      description: "How the instance is billed; V(POSTPAID_BY_HOUR) for pay-by-hour instances."
      type: str
      sample: "POSTPAID_BY_HOUR"
    private_ip:
      description: "The primary private IP."
      type: str
      sample: "10.3.0.17"
    public_ips:
      description: "The public IPs; empty when there are none."
      type: list
      elements: str
      sample: ["203.0.113.10"]
    vpc_id:
      description: "The VPC ID; V(null) in the basic network."
      type: str
      sample: "vpc-gzdemo01"
    subnet_id:
      description: "The subnet ID; V(null) in the basic network."
      type: str
      sample: "subnet-gz3web01"
    vpc_gateway:
      description: "Whether the instance is a public gateway of its VPC."
      type: bool
      sample: false
    bandwidth:
      description: "Public bandwidth in Mbps (the peak with V(PayByTraffic))."
      type: int
      sample: 10
    bandwidth_type:
      description: "How public bandwidth is billed, in the words of O(qcloud.cvm.cvm_instance_hour#module:bandwidth_type): V(PayByHour) or V(PayByTraffic) (another API 3.0 name for other billing)."
      type: str
      sample: "PayByTraffic"
    project_id:
      description: "The project ID; V(0) is the default project."
      type: int
      sample: 0
    system_disk:
      description: "The system disk."
      type: dict
      sample: {"disk_id": "disk-8s6m0k2a", "disk_type": "LOCAL_BASIC", "disk_size": 20}
      contains:
        disk_id:
          description: "The disk's ID."
          type: str
          sample: "disk-8s6m0k2a"
        disk_type:
          description: "V(LOCAL_BASIC), V(CLOUD_BASIC), V(LOCAL_SSD), V(CLOUD_SSD), V(CLOUD_PREMIUM), ... (the API 3.0 names)."
          type: str
          sample: "CLOUD_PREMIUM"
        disk_size:
          description: "Size in GB."
          type: int
          sample: 50
    data_disks:
      description: "The data disks; empty without one."
      type: list
      elements: dict
      sample: []
      contains:
        disk_id:
          description: "The disk's ID."
          type: str
          sample: "disk-8s6m0k2a"
        disk_type:
          description: "V(LOCAL_BASIC), V(CLOUD_BASIC), V(LOCAL_SSD), V(CLOUD_SSD), V(CLOUD_PREMIUM), ... (the API 3.0 names)."
          type: str
          sample: "CLOUD_PREMIUM"
        disk_size:
          description: "Size in GB."
          type: int
          sample: 50
    created_time:
      description: "When the instance was created, ISO 8601 in UTC."
      type: str
      sample: "2024-05-01T02:00:00Z"
    # END instance keys
created_instance_ids:
  description:
    - The IDs the create returned in this run, in the order of RV(instance_ids); empty when nothing was created (and always in check mode).
    - Also returned when the task fails after a create (for example while waiting), so nothing is lost track of.
    - When the create got no usable answer after every retry (a lost connection, a timeout, an answer that is not JSON),
      the create may still have gone through; the module then looks up the matching instances once more and returns
      those that were not there before the create here (the task still fails).
  returned: always
  type: list
  elements: str
  sample: [ins-0f3kq8xz]
returned_instance_ids:
  description:
    - The IDs given back in this run with O(state=absent) (in check mode, the ones that would be); empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [ins-a19qoqqk]
client_token:
  description:
    - The C(clientToken) the create sent (in check mode, would send). V(null) when nothing had to be created.
  returned: always
  type: str
  sample: ansible-5c0e0b3c8f1e4b8f9a8d0f1e2d3c4b5a69788776655443322110ffeeddcc
price:
  description:
    - The API's quote (C(InquiryInstancePriceHour)) for the instances to create.
  returned: when instances were (or in check mode would be) created and the API quoted the price, which it is asked
    in check mode and whenever O(max_hourly_price) is set
  type: dict
  contains:
    goods_num:
      description: How many instances the quote is for.
      type: int
      sample: 1
    instance_price:
      description: The hourly price of the instances.
      type: float
      sample: 0.2
    bandwidth_price:
      description: The bandwidth price, per V(bandwidth_price_unit).
      type: float
      sample: 0.8
    bandwidth_price_unit:
      description: V(HOUR) with O(bandwidth_type=PayByHour), V(GB) with O(bandwidth_type=PayByTraffic).
      type: str
      sample: GB
    hourly_price:
      description: What O(max_hourly_price) is compared with, the instances plus the bandwidth when it is billed by the hour.
      type: float
      sample: 0.2
diff:
  description: Before and after, each the C(count) and the C(instance_ids) of the managed instances.
  returned: in diff mode
  type: dict
  sample: {"before": {"count": 1, "instance_ids": [ins-a19qoqqk]}, "after": {"count": 2, "instance_ids": [ins-a19qoqqk, ins-0f3kq8xz]}}
api_error:
  description: The API's answer when a call failed with an error, as structured fields (the same on both APIs).
  returned: on failure, when the API answered with an error
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: RunInstancesHour
    code:
      description: The API's error class, for example C(InvalidParameter.InvaildZoneId) (legacy) or C(InvalidZone.MismatchRegion) (API 3.0).
      type: str
      sample: InvalidParameter.InvaildZoneId
    message:
      description: The API's message (on the legacy API followed by its numeric code).
      type: str
      sample: "(100011)zoneId 200001 is not a zone of Region gz (code 4000)"
    request_id:
      description: The API's request ID, where it sends one.
      type: str
      sample: 3c140219-cfe9-470e-b241-907877d6fb03
transport_error:
  description: What went wrong when no usable answer came back (connection, timeout, HTTP error, not JSON).
  returned: on failure, when the API could not be reached or answered something unusable
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: DescribeInstances
    http_status:
      description: The HTTP status, when there was an answer.
      type: int
      sample: 502
    message:
      description: What happened.
      type: str
      sample: "DescribeInstances failed: HTTP 502 from https://cvm.api.qcloud.com/v2/index.php"
"""

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import (
    instance_argument_spec,
    option_errors,
    spec_from_options,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.module import QcloudModule
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError, QcloudError, TaskFailure, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.client_token import derive_client_token
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.matching import matches_spec
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import FAILED_STATUSES, GONE_STATUSES
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.waiting import InstanceWaitError, wait_for_status

# What ends a wait: running, for present; for absent also failure and give-back.
SETTLED_RUNNING = frozenset(("running",))
SETTLED_ANY = SETTLED_RUNNING | FAILED_STATUSES | GONE_STATUSES


def placeholders(count):
    return ["<new instance {0}>".format(number) for number in range(1, count + 1)]


class InstanceHour(QcloudModule):
    """Look the task's instances up, then create the missing ones or give them all back."""

    module_kwargs = dict(
        mutually_exclusive=[("password", "key_id")],
        required_together=[("vpc_id", "subnet_id")],
        required_if=[("is_vpc_gateway", True, ("vpc_id",))],
    )

    @staticmethod
    def argument_spec():
        spec = instance_argument_spec()
        spec.update(
            state=dict(type="str", default="present", choices=["present", "absent"]),
            goods_num=dict(type="int", default=1, aliases=["goodsNum"]),
            client_token=dict(type="str", no_log=False, aliases=["clientToken"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
            max_hourly_price=dict(type="float"),
        )
        return spec

    def __init__(self):
        super().__init__()
        self.result.update(instance_ids=[], instances=[], created_instance_ids=[], returned_instance_ids=[], client_token=None)
        self.spec = None
        self.instances = {}
        self.before_ids = []
        self.given_back_ids = []

    def check(self):
        errors = option_errors(self.params)
        if errors:
            raise ConfigError("; ".join(errors))

    def execute(self):
        self.spec = spec_from_options(self.params)
        matching = [i for i in self.backend.find([self.spec.zone_id], self.spec.instance_name) if matches_spec(i, self.spec)]
        self.instances = {instance.instance_id: instance for instance in matching}
        self.before_ids = self.ordered(i.instance_id for i in matching if not i.gone)
        # Given back, but still listed: part of the derived client token, so that
        # a create after a give-back is a new request to the API (see create()).
        self.given_back_ids = sorted(i.instance_id for i in matching if i.gone)
        self.report(self.before_ids)
        if self.params["state"] == "absent":
            self.absent()
        else:
            self.present()

    # -- reporting -------------------------------------------------------------

    def ordered(self, instance_ids):
        """Oldest first (create time, then ID), so every run lists the same instances in the same order.

        IDs without an instance (placeholders, instances not listed yet) keep their order, at the end.
        """
        def key(instance_id):
            instance = self.instances.get(instance_id)
            return (instance.created_time or "", instance_id) if instance else ("\uffff", "")
        return sorted(instance_ids, key=key)

    def report(self, after_ids):
        """Put what is known into the result (also what a failure reports)."""
        after_ids = self.ordered(after_ids)
        self.result["instance_ids"] = after_ids
        self.result["created_instance_ids"] = self.ordered(self.result["created_instance_ids"])
        self.result["instances"] = [self.instances[i].as_dict() for i in after_ids if i in self.instances]
        if self.module._diff:
            self.result["diff"] = {
                "before": {"count": len(self.before_ids), "instance_ids": list(self.before_ids)},
                "after": {"count": len(after_ids), "instance_ids": list(after_ids)},
            }

    def wait_for(self, instance_ids, settled=SETTLED_RUNNING):
        """Wait until ``instance_ids`` settle; the instances seen are kept either way."""
        try:
            self.instances.update(wait_for_status(self.backend, instance_ids, settled, self.params["wait_timeout"]))
        except InstanceWaitError as error:
            self.instances.update(error.instances)
            raise
        except QcloudError as error:
            raise TaskFailure("waiting for instance(s) {0}: {1}".format(", ".join(instance_ids), error), error) from None

    def pending(self, instance_ids):
        return [i for i in instance_ids if i in self.instances and self.instances[i].status == "pending"]

    # -- present ---------------------------------------------------------------

    def present(self):
        for instance_id in self.before_ids:
            status = self.instances[instance_id].status
            if status in FAILED_STATUSES:
                self.warn("instance {0} is {1}; it still counts towards goods_num. Give it back with state=absent "
                          "and run again to replace it.".format(instance_id, status))
        missing = self.params["goods_num"] - len(self.before_ids)
        if missing < 0:
            self.warn("{0} instances match this task, more than goods_num={1}; state=present never gives instances back, so all are "
                      "kept and reported: {2}".format(len(self.before_ids), self.params["goods_num"], ", ".join(self.before_ids)))
        if missing > 0:
            self.create(missing)
        elif self.params["wait"] and not self.module.check_mode and self.pending(self.before_ids):
            self.wait_for(self.pending(self.before_ids))
            self.report(self.before_ids)

    def create(self, count):
        token = self.params["client_token"] or derive_client_token(self.backend.region, self.spec, count,
                                                                   self.before_ids + self.given_back_ids)
        self.result["client_token"] = token
        if self.module.check_mode or self.params["max_hourly_price"] is not None:
            self.check_price(count)
        if self.module.check_mode:
            self.result["changed"] = True
            self.report(self.before_ids + placeholders(count))
            return
        try:
            created = self.backend.create(self.spec, count, token)
        except TransportError as error:
            raise self.lost_create(error) from None
        stale = [i for i in created if i in self.given_back_ids]
        if stale:
            raise TaskFailure("the API answered client_token {0} with instances that were given back ({1}): the token was used by an "
                              "earlier create. A client_token is good for one create; unset it to let the module derive one".format(
                                  token, ", ".join(stale)))
        self.result.update(changed=True, created_instance_ids=created)
        again = [i for i in created if i in self.before_ids]
        if again:
            self.warn("the API answered client_token {0} with instances that already existed ({1}): a client_token is good for one create; "
                      "unset it to let the module derive one".format(token, ", ".join(again)))
        if len(created) != count:
            self.warn("asked the API for {0} instance(s), it answered {1} ID(s)".format(count, len(created)))
        new_ids = [i for i in created if i not in self.before_ids]
        after_ids = self.before_ids + new_ids
        self.report(after_ids)
        try:
            if self.params["wait"]:
                self.wait_for(self.pending(self.before_ids) + new_ids)
            elif new_ids:
                self.instances.update((i.instance_id, i) for i in self.backend.get(new_ids))
        except QcloudError as error:
            self.report(after_ids)
            raise TaskFailure("instance(s) {0} were created, but {1}".format(", ".join(new_ids), error), error) from None
        self.report(after_ids)

    def lost_create(self, error):
        """The failure after a create that got no usable answer, reporting what a look-up finds it made.

        The create may have gone through (a lost answer, a timeout after the API
        committed), so the task's instances are looked up once more; any that
        were not there before the create are reported as created.
        """
        again = "run the task again: it finds the instances this create made, or sends the same client token again if there are none"
        try:
            found = self.backend.find([self.spec.zone_id], self.spec.instance_name)
        except QcloudError as lookup_error:
            raise TaskFailure("{0}. The create may have gone through, and looking up its instances failed too ({1}); {2}".format(
                error, lookup_error, again), error) from None
        known = set(self.before_ids) | set(self.given_back_ids)
        new = [i for i in found if matches_spec(i, self.spec) and i.instance_id not in known and not i.gone]
        if not new:
            return TaskFailure("{0}. The create may have gone through, though a look-up right after found no new matching instance; {1}".format(
                error, again), error)
        self.instances.update((i.instance_id, i) for i in new)
        new_ids = self.ordered(i.instance_id for i in new)
        self.result.update(changed=True, created_instance_ids=new_ids)
        self.report(self.before_ids + new_ids)
        return TaskFailure("{0}. The create went through nevertheless: a look-up found {1} new matching instance(s), {2} (in created_instance_ids); "
                          "{3}".format(error, len(new_ids), ", ".join(new_ids), again), error)

    def check_price(self, count):
        """Quote the create; enforce max_hourly_price. A failing quote only warns, unless a limit must be checked."""
        limit = self.params["max_hourly_price"]
        try:
            quote = self.backend.quote(self.spec, count)
        except QcloudError as error:
            if limit is not None:
                raise TaskFailure("max_hourly_price is set but the price could not be quoted, so nothing was created: {0}".format(error),
                                  error) from None
            self.warn("could not quote the price: {0}".format(error))
            return
        self.result["price"] = quote.as_dict()
        if limit is not None and quote.hourly_price > limit:
            raise TaskFailure("the {0} instance(s) to create cost {1} per hour, above max_hourly_price {2}; nothing was created".format(
                count, quote.hourly_price, limit))

    # -- absent ----------------------------------------------------------------

    def absent(self):
        if not self.before_ids:
            self.report([])
            return
        if self.module.check_mode:
            self.result.update(changed=True, returned_instance_ids=list(self.before_ids))
            self.report([])
            return
        creating = self.pending(self.before_ids)
        if creating and not self.params["wait"]:
            raise TaskFailure("instance(s) {0} are still being created and cannot be given back yet; set wait: true to wait for them, "
                              "or run again later".format(", ".join(creating)))
        if creating:
            # Pending ends in running (then give it back) or in failure.
            self.wait_for(creating, settled=SETTLED_ANY)
        remaining = list(self.before_ids)
        failures = []
        for outcome in self.backend.give_back(self.before_ids):
            if outcome.ok:
                remaining.remove(outcome.instance_id)
                self.result["returned_instance_ids"].append(outcome.instance_id)
                self.result["changed"] = True
            elif self.instances[outcome.instance_id].status == "launch_failed":
                self.warn("instance {0} failed to create and the API refuses to give it back ({1}); it is left as it is".format(
                    outcome.instance_id, outcome.error))
            else:
                failures.append(outcome)
        self.report(remaining)
        if failures:
            first = failures[0]
            raise TaskFailure("giving back {0}: {1}".format(", ".join(o.instance_id for o in failures), first.error), first.error)


def main():
    InstanceHour().run()


if __name__ == "__main__":
    main()
