#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cvm_instance_info
short_description: List Tencent Cloud CVM instances
version_added: 0.1.0
description:
  - Lists the CVM instances of one region through the chosen API's C(DescribeInstances) (see O(api)), page after page, and returns
    them in the shape M(qcloud.cvm.cvm_instance_hour) returns its instances in.
  - Read only. The filters are the ones of the inventory plugin P(qcloud.cvm.cvm#inventory); every filter given must
    hold, and the values of one filter are alternatives.
author:
  - qcloud.cvm developers (@qcloud-ansible)
extends_documentation_fragment:
  - qcloud.cvm.qcloud
  - qcloud.cvm.qcloud.filters
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - The module changes nothing, so it runs unchanged in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
    description: Runs where the task runs (usually the controller, with C(connection=local)) and talks to the API over HTTPS.
  action_group:
    support: full
    membership:
      - qcloud.cvm.cvm
notes:
  - The filters O(zone_ids), O(project_ids), O(statuses) and O(instance_names) take one value per request in the API,
    so each value is its own sequence of pages of 100. Every instance is also checked against every filter in code.
seealso:
  - plugin: qcloud.cvm.cvm
    plugin_type: inventory
  - module: qcloud.cvm.cvm_instance_hour
"""

EXAMPLES = r"""
- name: List the instances of the region, except those given back
  qcloud.cvm.cvm_instance_info:
    region: gz
  register: all_instances

- name: List the running instances of zones 100003 and 100004
  qcloud.cvm.cvm_instance_info:
    zone_ids: [100003, 100004]
    statuses: [running]
  register: running

- name: Find the instances a cvm_instance_hour task with instance_name "web" manages
  qcloud.cvm.cvm_instance_info:
    instance_names: [web]
  register: web

- name: Show their IDs and addresses
  ansible.builtin.debug:
    msg: "{{ item.instance_id }}: {{ item.private_ip }} {{ item.public_ips | join(',') }}"
  loop: "{{ web.instances }}"

- name: Look two instances up by ID, whatever their status
  qcloud.cvm.cvm_instance_info:
    instance_ids: [ins-a19qoqqk, ins-0f3kq8xz]
    statuses: []
  register: by_id
"""

RETURN = r"""
instances:
  description:
    - The matching instances, newest first, in the collection's instance shape (the same keys on both APIs, the same as the
      RV(qcloud.cvm.cvm_instance_hour#module:instances) of M(qcloud.cvm.cvm_instance_hour), and as the inventory's host variables
      without their C(cvm_) prefix).
  returned: always
  type: list
  elements: dict
  contains:
    # BEGIN instance keys (scripts/render-instance-docs.py)
    instance_id:
      description: >-
        The instance ID.
      type: str
      sample: "ins-a19qoqqk"
    instance_name:
      description: >-
        The name.
      type: str
      sample: "web"
    uuid:
      description: >-
        The instance's UUID.
      type: str
      sample: "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11"
    region:
      description: >-
        The region, as its API 3.0 name.
      type: str
      sample: "ap-guangzhou"
    zone:
      description: >-
        The zone, as its API 3.0 name.
      type: str
      sample: "ap-guangzhou-3"
    zone_id:
      description: >-
        The numeric zone ID, as O(qcloud.cvm.cvm_instance_hour#module:zone_id) takes it.
      type: int
      sample: 100003
    status:
      description: >-
        The state: V(pending), V(launch_failed), V(running), V(operating), V(stopped), V(starting), V(stopping),
        V(rebooting), V(terminating), V(terminated), V(fault) or V(maintenance).
      type: str
      sample: "running"
    instance_type:
      description: >-
        The instance type (family, vCPUs and memory), as API 3.0 names it; V(null) when the API does not report the
        family.
      type: str
      sample: "S1.SMALL2"
    instance_family:
      description: >-
        The instance family, as API 3.0 names it (O(qcloud.cvm.cvm_instance_hour#module:instance_type) V(CVM.S1) is
        V(S1)); V(null) when the API does not report it.
      type: str
      sample: "S1"
    cpu:
      description: >-
        vCPUs.
      type: int
      sample: 1
    memory:
      description: >-
        Memory in GB.
      type: int
      sample: 2
    image_id:
      description: >-
        The image ID.
      type: str
      sample: "img-3wnd9xpl"
    instance_charge_type:
      description: >-
        How the instance is billed; V(POSTPAID_BY_HOUR) for pay-by-hour instances.
      type: str
      sample: "POSTPAID_BY_HOUR"
    private_ip:
      description: >-
        The primary private IP.
      type: str
      sample: "10.3.0.17"
    public_ips:
      description: >-
        The public IPs; empty when there are none.
      type: list
      elements: str
      sample: ["203.0.113.10"]
    vpc_id:
      description: >-
        The VPC ID; V(null) in the basic network.
      type: str
      sample: "vpc-gzdemo01"
    subnet_id:
      description: >-
        The subnet ID; V(null) in the basic network.
      type: str
      sample: "subnet-gz3web01"
    vpc_gateway:
      description: >-
        Whether the instance is a public gateway of its VPC.
      type: bool
      sample: false
    bandwidth:
      description: >-
        Public bandwidth in Mbps (the peak with V(PayByTraffic)).
      type: int
      sample: 10
    bandwidth_type:
      description: >-
        How public bandwidth is billed, in the words of O(qcloud.cvm.cvm_instance_hour#module:bandwidth_type):
        V(PayByHour) or V(PayByTraffic) (another API 3.0 name for other billing).
      type: str
      sample: "PayByTraffic"
    project_id:
      description: >-
        The project ID; V(0) is the default project.
      type: int
      sample: 0
    system_disk:
      description: >-
        The system disk.
      type: dict
      sample: {"disk_id": "disk-8s6m0k2a", "disk_type": "LOCAL_BASIC", "disk_size": 20}
      contains:
        disk_id:
          description: >-
            The disk's ID.
          type: str
          sample: "disk-8s6m0k2a"
        disk_type:
          description: >-
            V(LOCAL_BASIC), V(CLOUD_BASIC), V(LOCAL_SSD), V(CLOUD_SSD), V(CLOUD_PREMIUM), ... (the API 3.0 names).
          type: str
          sample: "CLOUD_PREMIUM"
        disk_size:
          description: >-
            Size in GB.
          type: int
          sample: 50
    data_disks:
      description: >-
        The data disks; empty without one.
      type: list
      elements: dict
      sample: []
      contains:
        disk_id:
          description: >-
            The disk's ID.
          type: str
          sample: "disk-8s6m0k2a"
        disk_type:
          description: >-
            V(LOCAL_BASIC), V(CLOUD_BASIC), V(LOCAL_SSD), V(CLOUD_SSD), V(CLOUD_PREMIUM), ... (the API 3.0 names).
          type: str
          sample: "CLOUD_PREMIUM"
        disk_size:
          description: >-
            Size in GB.
          type: int
          sample: 50
    created_time:
      description: >-
        When the instance was created, ISO 8601 in UTC.
      type: str
      sample: "2024-05-01T02:00:00Z"
    security_group_ids:
      description: >-
        The security groups bound to the instance, in priority order where the API reports one (API 3.0; the legacy
        API lists them in the order it lists the groups); empty when none is bound (on the legacy API every port is
        then open).
      type: list
      elements: str
      sample: ["sg-gzweb001"]
    expire_time:
      description: >-
        When the instance's expiry timer gives it back, ISO 8601 in UTC (API 3.0 C(ActionTimer)); V(null) without a
        timer, and always on the legacy API, which has none.
      type: str
      sample: "2024-05-01T10:00:00Z"
    stop_charging_mode:
      description: >-
        How a stopped instance is billed: V(keep_charging) (CPU and memory still billed) or V(stop_charging) (API 3.0
        only); V(null) while it is not stopped.
      type: str
      sample: "keep_charging"
    termination_protection:
      description: >-
        Whether the API refuses to give the instance back (API 3.0 C(DisableApiTermination); always V(false) on the
        legacy API, which has no such protection).
      type: bool
      sample: false
    tags:
      description: >-
        The instance's tags (API 3.0 only: the legacy API reports none, so there it is always empty). Instances
        created by the collection on API 3.0 carry C(ansible-cvm-client-token).
      type: dict
      sample: {"team": "web"}
    # END instance keys
api_error:
  description: The API's answer when a call failed with an error, as structured fields (the same on both APIs).
  returned: on failure, when the API answered with an error
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: DescribeInstances
    code:
      description: The API's error class.
      type: str
      sample: InvalidParameter
    message:
      description: The API's message (on the legacy API followed by its numeric code).
      type: str
      sample: "(100004)limit must be between 1 and 100, got 200 (code 4000)"
    request_id:
      description: The API's request ID, where it sends one.
      type: str
      sample: 3c140219-cfe9-470e-b241-907877d6fb03
transport_error:
  description: What went wrong when no usable answer came back (connection, timeout, HTTP error, not JSON).
  returned: on failure, when no usable answer came back
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: DescribeInstances
    http_status:
      description: The HTTP status, when there was an HTTP answer.
      type: int
      sample: 500
    message:
      description: What went wrong.
      type: str
      sample: "DescribeInstances failed: HTTP 500 from https://cvm.api.qcloud.com/v2/index.php"
"""

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.module import QcloudModule
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter, filter_argument_spec
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.listing import RegionError, list_instances


class InstanceInfo(QcloudModule):
    """List the instances the filters select, in one region."""

    @staticmethod
    def argument_spec():
        return filter_argument_spec()

    def __init__(self):
        super().__init__()
        self.result["instances"] = []
        self.instance_filter = None

    def check(self):
        self.instance_filter = InstanceFilter.from_options(self.params)

    def execute(self):
        region = self.backend.region
        outside = self.instance_filter.zones_outside([region])
        if outside:
            self.warn("zone_ids {0} are not in region {1}; they match nothing".format(", ".join(str(zone) for zone in outside), region))
        try:
            # One worker: the module's one backend (and its HTTP session) is only ever used by one thread.
            listing = list_instances(lambda _region: self.backend, [region], self.instance_filter, max_workers=1)
        except RegionError as error:
            raise error.error from None
        self.result["instances"] = [instance.as_dict() for instance in listing.instances]


def main():
    InstanceInfo().run()


if __name__ == "__main__":
    main()
