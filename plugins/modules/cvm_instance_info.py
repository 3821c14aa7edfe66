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
  - Lists the CVM instances of one region through the legacy C(DescribeInstances) API, page after page, and returns
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
    statuses: [2]
  register: running

- name: Find the instances a cvm_instance_hour task with instance_name "web" manages
  qcloud.cvm.cvm_instance_info:
    instance_names: [web]
  register: web

- name: Show their IDs and addresses
  ansible.builtin.debug:
    msg: "{{ item.instance_id }}: {{ item.lan_ip }} {{ item.wan_ips | join(',') }}"
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
    - The matching instances, newest first, as C(DescribeInstances) returned them, with snake_case keys
      (the same shape as the RV(qcloud.cvm.cvm_instance_hour#module:instances) of M(qcloud.cvm.cvm_instance_hour)).
    - The IDs that matter are C(instance_id) (the C(ins-...) ID) and C(image_id) (the C(img-...) ID);
      the API's numeric C(vpcId)/C(subnetId) are C(vpc_internal_id)/C(subnet_internal_id). C(diskInfo) is flattened.
    - Every other key of the API's record is there as well, in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance ID.
      type: str
      sample: ins-a19qoqqk
    instance_name:
      description: The name.
      type: str
      sample: web
    zone_id:
      description: The zone ID.
      type: int
      sample: 100003
    zone_name:
      description: The zone's name.
      type: str
      sample: 广州三区
    region:
      description: The legacy region code.
      type: str
      sample: gz
    status:
      description: The status code; 2 running, 3 creating, -1 creation failed, 1 fault, 4 stopped, ...
      type: int
      sample: 2
    status_name:
      description: The status as a word; V(maintenance) for codes without a documented name.
      type: str
      sample: running
    lan_ip:
      description: The primary private IP.
      type: str
      sample: 10.3.0.17
    wan_ips:
      description: The public IPs; empty when there are none.
      type: list
      elements: str
      sample: [203.0.113.10]
    cpu:
      description: vCPUs.
      type: int
      sample: 1
    mem:
      description: Memory in GB.
      type: int
      sample: 2
    bandwidth:
      description: Public bandwidth in Mbps.
      type: int
      sample: 10
    image_id:
      description: The image ID.
      type: str
      sample: img-3wnd9xpl
    os:
      description: The OS name.
      type: str
      sample: centos7.2x86_64
    project_id:
      description: The project ID.
      type: int
      sample: 0
    create_time:
      description: When the instance was created (China time, C(YYYY-MM-DD HH:MM:SS)).
      type: str
      sample: "2024-05-01 10:00:00"
    root_size:
      description: System disk size in GB.
      type: int
      sample: 20
    storage_size:
      description: Data disk size in GB, 0 without a data disk.
      type: int
      sample: 0
api_error:
  description: The API's answer when a call failed with an error code, as structured fields.
  returned: on failure, when the API answered with an error
  type: dict
  contains:
    action:
      description: The API action that failed.
      type: str
      sample: DescribeInstances
    code:
      description: The API's public error code.
      type: int
      sample: 4000
    code_desc:
      description: The API's C(codeDesc), the error class.
      type: str
      sample: InvalidParameter
    message:
      description: The API's C(message).
      type: str
      sample: (100006)limit must be at most 100
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

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm import normalize_instance
from ansible_collections.qcloud.cvm.plugins.module_utils.cvm_filters import FilterError, InstanceFilter, RegionError, filter_argument_spec, list_instances
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_module import QcloudModule, common_argument_spec


def main():
    argument_spec = common_argument_spec()
    argument_spec.update(filter_argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    qcloud = QcloudModule(module)
    try:
        instance_filter = InstanceFilter.from_options(module.params)
    except FilterError as error:
        module.fail_json(msg=str(error))
    region = qcloud.client.region
    outside = instance_filter.zones_outside([region])
    if outside:
        module.warn("zone_ids {0} are not in region {1}; they match nothing".format(", ".join(str(zone) for zone in outside), region))
    try:
        # One worker: the module's one client (and its HTTP session) is only ever used by one thread.
        listing = list_instances(lambda _region: qcloud.client, [region], instance_filter, max_workers=1)
    except RegionError as error:
        qcloud.fail(error.error, instances=[])
    module.exit_json(changed=False, instances=[normalize_instance(record) for record in listing.records])


if __name__ == "__main__":
    main()
