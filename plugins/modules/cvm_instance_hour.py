#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cvm_instance_hour
short_description: Buy, keep in shape and give back Tencent Cloud CVM pay-by-hour instances
version_added: 0.1.0
description:
  - Keeps a named set of pay-by-hour CVM instances in the state the task describes. It buys the missing ones
    (legacy C(RunInstancesHour), or C(RunInstances) on API 3.0, see O(api)), changes what can change in place, starts,
    stops or restarts them, and gives them back (C(ReturnInstance), C(TerminateInstances)).
  - "B(Identity.) The instances a task manages are those in its region and zone (O(zone_id)) whose name is exactly
    O(instance_name), in any configuration and any state except given back (V(terminating), V(terminated)). Name your
    tasks: without O(instance_name) the API names instances C(未命名) (\"unnamed\"), and every unnamed instance of the
    zone belongs to every task without a name. All of a task's instances are counted, reported, reconciled and given back
    by O(state=absent)."
  - "B(Count.) O(goods_num) is the number of instances the task wants (like C(exact_count)); only the missing number is
    bought. Instances that failed to create (V(launch_failed)) are reported but not counted. When more instances exist
    than O(goods_num), they are all kept and reported with a warning: the module gives nothing back unless asked with
    O(state=absent)."
  - "B(Drift.) Every instance is compared with the task, for every option the API reports back. O(bandwidth),
    O(security_group_ids), the expiry (O(expire_after), O(expire_at)) and O(termination_protection) are changed in place,
    and the power state follows O(state); each such change is reported in RV(changes) with its before and after. Any other
    difference (O(image_id), O(cpu)/O(mem), O(instance_type), O(storage_type), O(storage_size), O(root_size),
    O(vpc_id)/O(subnet_id), O(private_ip_addresses), O(project_id), O(bandwidth_type), O(wan_ip), O(is_vpc_gateway),
    O(market), O(user_data)) refuses the task before anything is bought or changed, naming each option with the current
    and the wanted value and the instances that differ; unless O(replace_drifted=true)."
  - "B(Replacement.) With O(replace_drifted=true), drifted instances are replaced: replacements with the new settings are
    bought, waited for until they run, and only then are the drifted ones given back. A failure at any step leaves at
    least as many running instances as before, and the result reports every ID."
  - "B(Create-time only.) O(password), O(key_id), O(need_security_agent), O(need_monitor_agent) and O(image_type) only
    shape new instances: no API reports them back, so changing them changes no existing instance."
  - Every rule that the argument spec cannot express (sizes and their steps, the password rules, one valid private IP, ...)
    is checked before any request is sent; a bad value fails with a message that names the option and the rule.
    Rules only the API can judge (the CPU/memory pairs of each O(instance_type), whether the zone belongs to the
    region, the image's type and OS, VPC and subnet, the balance) fail with the API's error in RV(ignore:api_error).
options:
  state:
    description:
      - V(present) ensures O(goods_num) instances exist; new ones run, existing ones keep their power state (a stopped one
        stays stopped, with a warning).
      - V(running) also starts stopped ones (C(StartInstances)); V(stopped) stops running ones (C(StopInstances)), new ones
        included once they run; V(restarted) restarts running ones (C(RestartInstances)) and starts stopped ones, and
        always reports a change. With O(wait), the module waits until every instance has settled.
      - V(absent) gives back every instance of the task (C(ReturnInstance), one call per instance). An instance in a passing
        state (being created, started, stopped) is waited for first with O(wait=true); with O(wait=false) the task fails and
        names it. Give-back is accepted once the API answers; the module does not wait for V(terminating) to end.
        An instance that failed to create and that the API refuses to give back is left as it is, with a warning.
    type: str
    choices: [present, running, stopped, restarted, absent]
    default: present
  security_group_ids:
    description:
      - The security groups of the instances, in priority order, for example V([sg-gzweb001, sg-gzssh001]); one to five
        groups, each of which must exist in O(region) (checked before anything is bought or changed).
      - New instances are bound to them before the task reports success (on the legacy API right after they run,
        C(ModifySecurityGroupsOfInstance); a failed bind fails the task and still reports the instances); existing ones
        that differ are changed in place.
      - The legacy API reports an instance's groups without their order, so there the groups are compared as a set.
      - If not set, the module leaves the groups alone. On the legacy API new instances then get no group at all and
        every port is open; the module warns when it creates such instances.
      - On API 3.0, C(SecurityGroupIds) at create and C(ModifyInstancesAttribute) C(SecurityGroups) as drift.
    type: list
    elements: str
  replace_drifted:
    description:
      - What to do with instances that differ from the task in a setting that cannot change in place (see Drift above).
      - V(false) refuses the task before anything is bought or changed.
      - V(true) buys replacements with the task's settings, waits until they run, then gives the drifted instances back.
    type: bool
    default: false
  force_stop:
    description:
      - With O(state=stopped) and O(state=restarted), whether the API may stop an instance hard when a soft stop fails.
    type: bool
    default: false
  zone_id:
    description:
      - The availability zone, a numeric zone ID such as V(100003) (Guangzhou zone 3). It must belong to O(region).
      - "On API 3.0, C(Placement.Zone): the zone's 3.0 name, from C(DescribeZones) (by the documented rule V(100003) is
        V(ap-guangzhou-3) when C(DescribeZones) cannot be asked)."
    type: int
    required: true
    aliases: [zoneId]
  cpu:
    description:
      - Number of vCPUs. Together with O(mem) it must be a CPU/memory pair that O(instance_type) offers.
      - On API 3.0, together with O(mem) and O(instance_type), the C(InstanceType) that
        C(DescribeZoneInstanceConfigInfos) lists for the family in the zone (for example V(S1.SMALL2)); a pair the
        family does not sell there fails before anything is bought, listing the pairs it sells. Another family is never
        taken.
    type: int
    required: true
  mem:
    description:
      - Memory in GB.
      - On API 3.0, see O(cpu).
    type: int
    required: true
  image_id:
    description:
      - The image, as the C(unImgId) that C(DescribeImages) returns, for example V(img-3wnd9xpl).
      - On API 3.0, C(ImageId) (the same C(img-) IDs).
    type: str
    required: true
    aliases: [imageId]
  image_type:
    description:
      - The kind of image O(image_id) is; it must match the image.
      - V(1) private, V(2) public, V(3) marketplace, V(4) shared.
      - "On API 3.0 nothing is sent: the image ID implies its type."
    type: int
    choices: [1, 2, 3, 4]
    default: 2
    aliases: [imageType]
  instance_type:
    description:
      - The instance family. There is no C(CVM.C1).
      - On API 3.0, the family of C(InstanceType) (V(CVM.S1) is V(S1)), see O(cpu).
    type: str
    choices: [CVM.S1, CVM.S2, CVM.I1, CVM.I2, CVM.M1, CVM.M2, CVM.C2]
    default: CVM.S1
    aliases: [instanceType]
  storage_type:
    description:
      - The disk type of the system disk and of the data disk.
      - V(1) local disk, V(2) ordinary cloud disk, V(3) local SSD. Which types a family allows is up to the API.
      - "On API 3.0, C(SystemDisk.DiskType) and the data disk's C(DiskType): V(1) C(LOCAL_BASIC), V(2) C(CLOUD_BASIC), V(3) C(LOCAL_SSD)."
    type: int
    choices: [1, 2, 3]
    default: 1
    aliases: [storageType]
  storage_size:
    description:
      - Size of the data disk in GB, a multiple of 10 from V(0) to V(16000). V(0) means no data disk.
      - It is always sent, as the API requires.
      - On API 3.0, C(DataDisks.0.DiskSize); V(0) sends no data disk.
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
      - "On API 3.0, C(SystemDisk.DiskSize). If not set, the legacy default is sent explicitly (API 3.0's own would be
        50 GB): 20 GB, or 50 GB when C(DescribeImages) says the image is a Windows one."
    type: int
    aliases: [rootSize]
  bandwidth_type:
    description:
      - How public bandwidth is billed. V(PayByHour) by bandwidth and time, V(PayByTraffic) by traffic.
      - "On API 3.0, C(InternetAccessible.InternetChargeType), always sent: V(PayByHour) is
        C(BANDWIDTH_POSTPAID_BY_HOUR), V(PayByTraffic) C(TRAFFIC_POSTPAID_BY_HOUR)."
    type: str
    choices: [PayByHour, PayByTraffic]
    default: PayByHour
    aliases: [bandwidthType]
  bandwidth:
    description:
      - Public bandwidth in Mbps (the peak with V(PayByTraffic)). V(0) means no public network.
      - On API 3.0, C(InternetAccessible.InternetMaxBandwidthOut). Changed in place with C(UpdateInstanceBandwidthHour)
        (legacy) or C(ResetInstancesInternetMaxBandwidth) (3.0).
    type: int
    default: 0
  wan_ip:
    description:
      - Whether to assign a public IP.
      - If not set, nothing is sent and the API's default applies, a public IP whenever O(bandwidth) is above 0.
      - V(true) needs O(bandwidth) above 0; with bandwidth 0 the API never assigns one.
      - On API 3.0, C(InternetAccessible.PublicIpAssigned), sent as the legacy default (a public IP whenever
        O(bandwidth) is above 0) when not set, and never sent with bandwidth 0.
    type: bool
    aliases: [wanIp]
  vpc_id:
    description:
      - The VPC to create the instances in, for example V(vpc-gzdemo01). If not set, the basic network is used.
      - Requires O(subnet_id).
      - On API 3.0, C(VirtualPrivateCloud.VpcId).
    type: str
    aliases: [vpcId]
  subnet_id:
    description:
      - The subnet of O(vpc_id), in O(zone_id). Required with O(vpc_id).
      - On API 3.0, C(VirtualPrivateCloud.SubnetId).
    type: str
    aliases: [subnetId]
  is_vpc_gateway:
    description:
      - Whether the instances are public network gateways of their VPC.
      - V(true) requires O(vpc_id) and a public IP (O(bandwidth) above 0 and O(wan_ip) not V(false)).
      - On API 3.0, C(VirtualPrivateCloud.AsVpcGateway).
    type: bool
    default: false
    aliases: [isVpcGateway]
  private_ip_addresses:
    description:
      - The private IP of the instance in O(subnet_id). At most one address (the API supports one), a valid IPv4 address.
      - Requires O(vpc_id) and O(goods_num=1). Whether the address is in the subnet, reserved or in use, the API judges.
      - On API 3.0, C(VirtualPrivateCloud.PrivateIpAddresses).
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
      - On API 3.0, C(LoginSettings.Password).
    type: str
  key_id:
    description:
      - The ID of an SSH key to log in with (from C(DescribeKeyPairs)). Not for Windows images.
      - Mutually exclusive with O(password).
      - On API 3.0, C(LoginSettings.KeyIds).
    type: str
    aliases: [keyId]
  need_security_agent:
    description:
      - Whether to install the Cloud Security agent.
      - On API 3.0, C(EnhancedService.SecurityService.Enabled), always sent (3.0 would keep a custom image's own agents).
    type: bool
    default: true
    aliases: [needSecurityAgent]
  need_monitor_agent:
    description:
      - Whether to install the Cloud Monitor agent.
      - On API 3.0, C(EnhancedService.MonitorService.Enabled), always sent.
    type: bool
    default: true
    aliases: [needMonitorAgent]
  project_id:
    description:
      - The project of the instances. V(0) is the default project.
      - On API 3.0, C(Placement.ProjectId).
    type: int
    default: 0
    aliases: [projectId]
  instance_name:
    description:
      - The name of the instances, at most 60 characters; all instances of one task share it.
      - If not set, the API names them C(未命名) ("unnamed"), and the task manages the instances of that name.
      - On API 3.0, C(InstanceName). A create of several instances makes the API append 1, 2, ... to their names, so the
        module names them all O(instance_name) again right after (C(ModifyInstancesAttribute)). A name with C({R:) is
        refused on API 3.0, which would expand it.
    type: str
    aliases: [instanceName]
  tags:
    description:
      - Tags for new instances, as a dict of keys and values (API 3.0 C(TagSpecification)); O(api=v3) only, the legacy API
        has no tags and refuses the option with a message.
      - Create-time only; tags of existing instances are not compared or changed.
    type: dict
  goods_num:
    description:
      - How many instances the task wants, from V(1) to V(100). The missing number is bought in one request.
      - On API 3.0, C(InstanceCount).
    type: int
    default: 1
    aliases: [goodsNum]
  client_token:
    description:
      - The idempotency token of the create, at most 64 characters. The API treats requests with the same token as
        one request, so a create whose answer was lost is not repeated when it is sent again.
      - "If not set, the module derives one: C(ansible-) and a SHA-256 hash of the region, the settings (never O(password)),
        the number to buy and the IDs of every listed instance of the task, given-back and failed ones included. Every retry
        of one create, and a re-run after a lost answer, sends the same token."
      - "A token never replays a finished create: when the API answers a create with instances that are not new (listed
        before the create, failed ones included, given back, or no longer listed, as after a teardown or a failed create), that token belonged to an earlier
        create; the module then sends the create again with the next token of a chain that also hashes those IDs
        (reported in RV(stale_client_tokens)). A run that lost such an answer walks the same chain, so nothing is ever
        bought twice."
      - A token given here is sent as is, so it is good for one create only. When the API answers it with instances of an
        earlier create, the task fails, naming the token, and nothing is bought.
      - On API 3.0, C(ClientToken); each new instance also carries the tag C(ansible-cvm-client-token) with the token, so
        that an interrupted create can be found again.
    type: str
    aliases: [clientToken]
  wait:
    description:
      - Whether to wait until new instances run, and until instances that were started, stopped or restarted have
        settled.
      - The module polls C(DescribeInstances) with a capped backoff, 0.5 s after the change, then every second for the
        first 5 seconds (where most changes finish), then each poll 1.5 times as late as the one before, at most 60 s
        apart. It fails when an instance fails to create (V(launch_failed)) or turns faulty, or after O(wait_timeout);
        the IDs created are still returned.
      - Some steps wait whatever this says, since they cannot go on before the instances run; replacing drifted instances
        (O(replace_drifted)), stopping new instances (O(state=stopped)), and binding O(security_group_ids) to new
        instances on the legacy API.
      - With O(state=absent), whether to wait for instances in a passing state before giving them back.
      - Starting, stopping or restarting an instance always waits first for it to leave a passing state (being created,
        started, stopped), since the API refuses to change the power of such an instance.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, at least V(1).
    type: int
    default: 300
  max_hourly_price:
    description:
      - The most the instances to buy may cost per hour, in the account's currency.
      - When set, the module asks the API for the price of the instances it is about to buy (the instances, plus the
        bandwidth with O(bandwidth_type=PayByHour); traffic is billed per GB and not included) and fails without buying
        anything when the quote is higher, or when the price cannot be quoted.
    type: float
  expire_after:
    description:
      - Give each instance back this long after its creation, for example V(8h), V(30m), V(2d) or V(1d12h) (at least 10 minutes).
        A pay-by-hour instance forgotten after a test then stops billing by itself.
      - O(api=v3) only (C(ActionTimer) at create, C(ImportInstancesActionTimer) for existing instances); the legacy API
        has no timers and refuses the option.
      - Existing instances of the task get the timer, or have theirs changed, in place (reported in RV(changes) as
        V(expire_time)). An instance already older than the duration (one bought before the option was set, or moved
        from the legacy API) gets a timer 10 minutes ahead, the earliest the API takes, so it is given back soon after
        the run. Mutually exclusive with O(expire_at).
      - Excludes O(termination_protection=true), which the API refuses for an instance with a timer.
    type: str
  expire_at:
    description:
      - Give every instance of the task back at this time, ISO 8601 such as V(2026-12-24T18:00:00Z) or
        V(2026-12-25T02:00:00+08:00) (a time without an offset is UTC); at least 10 minutes from now.
      - O(api=v3) only, as O(expire_after).
    type: str
  market:
    description:
      - V(on_demand) buys pay-by-hour instances (C(POSTPAID_BY_HOUR)).
      - V(spot) buys spot instances (C(SPOTPAID)), at a fraction of the price; the cloud may reclaim them when it runs short
        of capacity, without keeping their data. A reclaimed instance shows as V(terminating), then disappears, and the
        next run of the task buys a replacement (O(goods_num) is exact). The price quote and O(max_hourly_price) cover the
        spot price. O(api=v3) only.
      - The market of an existing instance cannot change in place; a difference is drift (refused, or replaced with
        O(replace_drifted)).
    type: str
    choices: [on_demand, spot]
    default: on_demand
  spot_max_price:
    description:
      - With O(market=spot), the highest hourly price to bid per instance (C(InstanceMarketOptions.SpotOptions.MaxPrice));
        a create whose bid is below the spot price fails. If not set, the bid is the current spot price.
    type: float
  fallback_zones:
    description:
      - Zones to buy in, in order, when O(zone_id) does not sell (or has sold out) the wanted family, CPU and memory, known
        from the instance type look-up before buying or from the create's answer. O(api=v3) only.
      - The task's identity then covers O(zone_id) and these zones, so instances of the name in any of them belong to
        the task and nothing is bought twice. Check mode says which zone a create would use (RV(create_zone_id)).
    type: list
    elements: int
    default: []
  user_data:
    description:
      - The user data of new instances, as text (cloud-init scripts, for example); the module sends it base64-encoded,
        at most 16 KB encoded (C(UserData)). O(api=v3) only.
      - Create-time only, but read back (C(DescribeInstancesAttributes)); an instance whose user data differs is drift,
        refused or replaced as for any other setting. Its value is never shown in results or messages.
    type: str
  termination_protection:
    description:
      - Whether the API refuses to give the instances back (C(DisableApiTermination)); set at create and changed in place
        on existing instances. V(true) needs O(api=v3); V(false) is accepted on the legacy API, which protects nothing.
      - V(true) excludes O(expire_after) and O(expire_at), since the API protects no instance with an expiry timer.
      - With O(state=absent), protected instances make the task fail before anything is given back, unless this is
        V(false), which turns the protection off first.
      - If not set, new instances are not protected and existing ones are left as they are.
    type: bool
  stopped_mode:
    description:
      - With O(state=stopped), how the stopped instances are billed. V(keep_charging) (the API's default) keeps billing
        CPU and memory; V(stop_charging) stops it (C(StoppedMode=STOP_CHARGING)), for instances whose disks are all cloud
        disks and that are not spot, at the price of a new public IP at the next start. O(api=v3) only.
      - The API refuses instances that cannot stop charging; the task then fails and names them.
    type: str
    choices: [keep_charging, stop_charging]
    default: keep_charging
  concurrency:
    description:
      - How many requests to send at the same time for work the API does not take in one request (on the legacy API
        C(ReturnInstance), C(UpdateInstanceBandwidthHour) and the security group look-ups; on API 3.0 a bandwidth change
        billed by the hour, and batches beyond 100 instances).
      - Requests are paced within the API's documented rate limit per action (20 per second where none is documented, as
        for the legacy C(ReturnInstance)), and a request the API throttles anyway is retried after a back-off, so a high
        value does not fail the task.
    type: int
    default: 10
extends_documentation_fragment:
  - qcloud.cvm.qcloud
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Nothing is bought, changed or given back; the backend refuses every call that changes something.
      - The result shows the plan (RV(plan), RV(changes)) and the price of what would be bought (RV(price)).
      - Check mode fails where the real run would fail, before any change, for drift that cannot change in place, unknown
        security groups, and a create the API refuses to price for a parameter reason.
  diff_mode:
    support: full
    details:
      - Before and after per instance (state, family, CPU, memory, image, disk type, bandwidth, security groups);
        instances to buy appear in the after as C(<new instance N>).
  platform:
    platforms: all
    description: Runs where the task runs (usually the controller, with C(connection=local)) and talks to the API over HTTPS.
  action_group:
    support: full
    membership:
      - qcloud.cvm.cvm
notes:
  - Pay-by-hour instances are billed until they are given back. Use O(state=absent) to give them back.
  - Two runs of one task at the same time can both buy; after a create the module lists the task's instances again and
    warns, naming them, when there are more than it knows of. It never gives any of them back on its own.
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
    msg: "{{ web.instances | map(attribute='instance_id') | zip(web.instances | map(attribute='public_ips')) | list }}"

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
    - The IDs of every instance the task manages after it ran, oldest first (by create time, then by ID),
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
created_instance_ids:
  description:
    - The IDs bought in this run, in the order of RV(instance_ids); empty when nothing was bought (and always in check mode).
    - Also returned when the task fails after a create (for example while waiting or binding security groups), so nothing
      is lost track of.
    - When the create got no usable answer after every retry (a lost connection, a timeout, an answer that is not JSON),
      the create may still have gone through; the module then looks up the task's instances once more and returns
      those that were not there before the create here (the task still fails).
  returned: always
  type: list
  elements: str
  sample: [ins-0f3kq8xz]
returned_instance_ids:
  description:
    - The IDs given back in this run, by O(state=absent) or as replaced drifted instances (in check mode, the ones that
      would be); empty otherwise.
  returned: always
  type: list
  elements: str
  sample: [ins-a19qoqqk]
changes:
  description:
    - Every in-place change of this run, one per instance and attribute, in the order they were made.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance.
      type: str
      sample: ins-a19qoqqk
    attribute:
      description: >-
        What changed: V(bandwidth), V(security_group_ids), V(expire_time) (the expiry timer), V(termination_protection),
        or V(status) for a power change.
      type: str
      sample: bandwidth
    before:
      description: The value before.
      type: raw
      sample: 1
    after:
      description: The value after (V(restarted) for a restart).
      type: raw
      sample: 10
    result:
      description: V(changed), V(failed) (see RV(changes[].error)), or V(planned) in check mode.
      type: str
      sample: changed
    error:
      description: Why the change failed.
      type: str
      returned: when RV(changes[].result) is V(failed)
      sample: "UpdateInstanceBandwidthHour failed: OperationFail.SystemBusy: ..."
plan:
  description:
    - What the task does (in check mode, would do), computed before any change.
  returned: always, unless the task fails before the look-up
  type: dict
  contains:
    create:
      description: How many instances to buy.
      type: int
      sample: 1
    change:
      description: The in-place changes planned, as in RV(changes) (without RV(changes[].result)).
      type: list
      elements: dict
      sample: [{"instance_id": "ins-a19qoqqk", "attribute": "bandwidth", "before": 1, "after": 10}]
    start:
      description: The instances to start.
      type: list
      elements: str
      sample: []
    stop:
      description: The instances to stop.
      type: list
      elements: str
      sample: []
    restart:
      description: The instances to restart.
      type: list
      elements: str
      sample: []
    replace:
      description: The drifted instances to give back once their replacements run (with O(replace_drifted)).
      type: list
      elements: str
      sample: []
    give_back:
      description: The instances to give back (O(state=absent)).
      type: list
      elements: str
      sample: []
    refused:
      description: The instances whose differences refuse the task, each with its C(differences) (C(option), C(current), C(wanted)).
      type: list
      elements: dict
      sample: [{"instance_id": "ins-a19qoqqk", "differences": [{"option": "cpu", "current": 1, "wanted": 2}]}]
client_token:
  description:
    - The client token of the create that bought the instances (in check mode, the one it would send first). V(null) when
      nothing had to be bought.
  returned: always
  type: str
  sample: ansible-5c0e0b3c8f1e4b8f9a8d0f1e2d3c4b5a69788776655443322110ffeeddcc
create_zone_id:
  description:
    - The zone the create bought in (in check mode, would buy in), O(zone_id) or the first of O(fallback_zones) that sells
      the instances.
  returned: when instances were (or in check mode would be) bought
  type: int
  sample: 100004
stale_client_tokens:
  description:
    - The derived tokens the API answered with an earlier create whose instances are gone, before the token of
      RV(client_token) bought the instances (see O(client_token)).
  returned: when the create had to skip such tokens
  type: list
  elements: str
  sample: [ansible-7f1e0b3c8f1e4b8f9a8d0f1e2d3c4b5a69788776655443322110ffeeddcc]
price:
  description:
    - The API's quote for the instances to buy.
  returned: when instances were (or in check mode would be) bought and the API quoted the price, which it is asked
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
  description: Before and after, each the C(count) of instances and C(instances), a summary of each by ID.
  returned: in diff mode
  type: dict
  sample: {"before": {"count": 1, "instances": {"ins-a19qoqqk": {"status": "running", "bandwidth": 1}}},
           "after": {"count": 2, "instances": {"ins-a19qoqqk": {"status": "running", "bandwidth": 10},
                                               "<new instance 1>": {"status": "running", "bandwidth": 10}}}}
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
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.reconcile import STATES, Desired
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.task import InstanceTask, TaskSettings


class InstanceHour(QcloudModule):
    """Options -> checks -> the task's plan, carried out -> one exit."""

    module_kwargs = dict(
        mutually_exclusive=[("password", "key_id"), ("expire_after", "expire_at")],
        required_together=[("vpc_id", "subnet_id")],
        required_if=[("is_vpc_gateway", True, ("vpc_id",))],
    )

    @staticmethod
    def argument_spec():
        spec = instance_argument_spec()
        spec.update(
            state=dict(type="str", default="present", choices=list(STATES)),
            goods_num=dict(type="int", default=1, aliases=["goodsNum"]),
            security_group_ids=dict(type="list", elements="str"),
            replace_drifted=dict(type="bool", default=False),
            force_stop=dict(type="bool", default=False),
            client_token=dict(type="str", no_log=False, aliases=["clientToken"]),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=300),
            max_hourly_price=dict(type="float"),
            concurrency=dict(type="int", default=10),
        )
        return spec

    def __init__(self):
        super().__init__()
        # Every result key from the start, so even a failure before the look-up has them.
        self.result.update(instance_ids=[], instances=[], created_instance_ids=[], returned_instance_ids=[], changes=[], client_token=None)

    def check(self):
        errors = option_errors(self.params)
        if self.params["concurrency"] < 1:
            errors.append("option 'concurrency' must be 1 or more, got {0}".format(self.params["concurrency"]))
        if errors:
            raise ConfigError("; ".join(errors))

    def execute(self):
        params = self.params
        desired = Desired(
            state=params["state"], count=params["goods_num"], replace_drifted=params["replace_drifted"], groups_ordered=self.backend.groups_ordered
        )
        settings = TaskSettings(
            wait=params["wait"],
            wait_timeout=params["wait_timeout"],
            client_token=params["client_token"],
            max_hourly_price=params["max_hourly_price"],
            force_stop=params["force_stop"],
            check_mode=self.module.check_mode,
            diff=self.module._diff,
            stop_charging=params["stopped_mode"] == "stop_charging",
        )
        InstanceTask(self.backend, spec_from_options(params), desired, settings, self.result, self.warn).run()


def main():
    InstanceHour().run()


if __name__ == "__main__":
    main()
