# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstances / InquiryPriceRunInstances: parameters and their rules -> a ``Spec`` (api-notes/v3.md 3.1, 3.5, 7 item 7).

After the schema stages, in this order (the first failing rule answers):
values in parameter order (charge type and InstanceMarketOptions,
InstanceCount [1, 500] or [1, 100] for prices, InstanceName <= 128,
ClientToken <= 64, disks, bandwidth and PublicIpAssigned, login settings,
tags, security-group ids, private IPs, UserData, ActionTimer, a timer on a
protected instance) -> Placement.Zone in the region -> spot region ->
InstanceType (format, known, offered in the zone for the charge type, in
stock, enough left) -> spot bid -> ImageId (format, known) -> rules that
depend on the image (system disk size, password, key pairs on Windows,
KeepImageLogin, HostName) -> security groups exist -> VPC and subnet ->
private IPs (format, CIDR, reserved, in use) -> subnet capacity -> spot
quota -> balance.  Prices skip the remaining-count, private-IP use,
capacity, quota and balance checks, and answer a sold-out type (either
charge type) with ``ResourcesSoldOut.SpecifiedInstanceType`` (their
documented list has no spot stock code).
"""

import dataclasses
import ipaddress
import re

from typing import Optional

from .. import catalog, stock
from ..images import IMAGES, PUBLIC, Image
from ..security_groups import TABLE as GROUP_TABLE
from ..security_groups import SecurityGroupBook
from ..vpcs import SUBNETS, VPCS, Subnet, Vpc
from . import pricing, rules, spot, types, zones
from .checks import SG_ID
from .errors import V3Error, combination, invalid_value, out_of_range, too_many
from .render import NEUTRAL_CHARGES, NEUTRAL_DISKS
from .schema import BOOL, IGNORED, INT, STR, List, Struct, req

CHARGE_TYPES = ("PREPAID", "POSTPAID_BY_HOUR", "CDHPAID", "SPOTPAID", "CDCPAID")
DISK_TYPES_3 = ("LOCAL_BASIC", "LOCAL_SSD", "CLOUD_BASIC", "CLOUD_SSD", "CLOUD_PREMIUM", "CLOUD_BSSD", "CLOUD_HSSD", "CLOUD_TSSD", "LOCAL_NVME", "LOCAL_PRO")
INTERNET_CHARGE_TYPES = ("BANDWIDTH_PREPAID", "TRAFFIC_POSTPAID_BY_HOUR", "BANDWIDTH_POSTPAID_BY_HOUR", "BANDWIDTH_PACKAGE")
TAG_RESOURCE_TYPES = ("instance", "host", "image", "keypair", "ps", "hpc")
DEFAULT_NAME = "未命名"
DEFAULT_TYPE = "S1.SMALL1"
# bandwidth charge -> maximum Mbps (the legacy face's UpdateInstanceBandwidthHour maxima)
MAX_BANDWIDTH = {"by_traffic": 100, "by_hour": 200}
IMAGE_ID = re.compile(r"img-[a-z0-9]{8}")
KEY_ID = re.compile(r"skey-[a-z0-9]{8}")
VPC_ID = re.compile(r"vpc-[a-z0-9]{8}")
SUBNET_ID = re.compile(r"subnet-[a-z0-9]{8}")
MAX_SYSTEM_DISK = 1024
MAX_DATA_DISK = 16000
SOLD = ("POSTPAID_BY_HOUR", "SPOTPAID")

_ENABLED = Struct(Enabled=BOOL)
RUN_SCHEMA = Struct(
    InstanceChargeType=STR,
    InstanceChargePrepaid=IGNORED,
    Placement=req(
        Struct(Zone=req(STR), ProjectId=INT, HostIds=IGNORED, HostIps=IGNORED, DedicatedResourcePackTenancy=IGNORED, DedicatedResourcePackIds=IGNORED)
    ),
    InstanceType=STR,
    ImageId=req(STR),
    SystemDisk=Struct(DiskType=STR, DiskSize=INT, DiskId=IGNORED, CdcId=IGNORED, DiskName=IGNORED, Encrypt=IGNORED, KmsKeyId=IGNORED),
    DataDisks=List(
        Struct(
            DiskSize=req(INT),
            DiskType=STR,
            DiskId=IGNORED,
            DeleteWithInstance=BOOL,
            SnapshotId=IGNORED,
            Encrypt=IGNORED,
            KmsKeyId=IGNORED,
            ThroughputPerformance=IGNORED,
            CdcId=IGNORED,
            BurstPerformance=IGNORED,
            DiskName=IGNORED,
        )
    ),
    VirtualPrivateCloud=Struct(VpcId=req(STR), SubnetId=req(STR), AsVpcGateway=BOOL, PrivateIpAddresses=List(STR), Ipv6AddressCount=IGNORED),
    InternetAccessible=Struct(
        InternetChargeType=STR,
        InternetMaxBandwidthOut=INT,
        PublicIpAssigned=BOOL,
        BandwidthPackageId=IGNORED,
        InternetServiceProvider=IGNORED,
        IPv4AddressType=IGNORED,
        IPv6AddressType=IGNORED,
        AntiDDoSPackageId=IGNORED,
    ),
    InstanceCount=INT,
    MinCount=IGNORED,
    InstanceName=STR,
    LoginSettings=Struct(Password=STR, KeyIds=List(STR), KeepImageLogin=STR),
    SecurityGroupIds=List(STR),
    EnhancedService=Struct(SecurityService=_ENABLED, MonitorService=_ENABLED, AutomationService=_ENABLED),
    ClientToken=STR,
    HostName=STR,
    ActionTimer=Struct(TimerAction=STR, ActionTime=req(STR), Externals=IGNORED, ActionTimerId=IGNORED, Status=IGNORED, InstanceId=IGNORED),
    DisasterRecoverGroupIds=IGNORED,
    TagSpecification=List(Struct(ResourceType=req(STR), Tags=req(List(Struct(Key=req(STR), Value=req(STR)))))),
    InstanceMarketOptions=Struct(MarketType=STR, SpotOptions=req(Struct(MaxPrice=req(STR), SpotInstanceType=STR))),
    UserData=STR,
    Metadata=IGNORED,
    DryRun=BOOL,
    CpuTopology=IGNORED,
    CamRoleName=IGNORED,
    HpcClusterId=IGNORED,
    LaunchTemplate=IGNORED,
    DedicatedClusterId=IGNORED,
    ChcIds=IGNORED,
    DisableApiTermination=BOOL,
    EnableJumboFrame=IGNORED,
    NetworkInterfaces=IGNORED,
    PartitionNumber=IGNORED,
)


@dataclasses.dataclass
class Spec:
    zone_id: int
    itype: types.InstanceType
    image: Image
    count: int = 1
    system_disk: tuple = ("local_basic", 50)
    data_disks: list = dataclasses.field(default_factory=list)  # [(neutral type, size)]
    bandwidth_charge: str = "by_traffic"
    bandwidth: int = 0
    public_ip: bool = False
    public_ip_wanted: bool = True
    vpc: Optional[Vpc] = None
    subnet: Optional[Subnet] = None
    as_gateway: bool = False
    private_ips: list = dataclasses.field(default_factory=list)
    project_id: int = 0
    name: str = DEFAULT_NAME
    host_name: Optional[str] = None
    key_ids: list = dataclasses.field(default_factory=list)
    security_group_ids: list = dataclasses.field(default_factory=list)
    tags: list = dataclasses.field(default_factory=list)
    user_data: Optional[str] = None
    disable_api_termination: bool = False
    client_token: Optional[str] = None
    dry_run: bool = False
    spot: bool = False
    max_price: Optional[str] = None  # the bid (spot), as sent or the spot price
    spot_instance_type: str = "one-time"
    action_time: Optional[int] = None  # ActionTimer.ActionTime, Unix seconds

    @property
    def charge_type(self):
        return "SPOTPAID" if self.spot else "POSTPAID_BY_HOUR"


def validate(params, region, store, now, stock_table, network=None, balance=None, for_price=False):
    """A ``Spec`` for ``params`` in legacy region ``region`` at time ``now``; ``network`` (a SubnetView) for creates."""
    max_count = 100 if for_price else 500
    charge = params.get("InstanceChargeType", "POSTPAID_BY_HOUR")
    if charge not in CHARGE_TYPES:
        raise invalid_value(f"InstanceChargeType must be one of {', '.join(CHARGE_TYPES)}, got {charge!r}")
    if charge not in SOLD:
        raise V3Error("UnsupportedOperation.InstanceChargeType", f"the emulator sells POSTPAID_BY_HOUR and SPOTPAID instances only, not {charge}")
    is_spot = charge == "SPOTPAID"
    max_price, spot_kind = spot.market_options(params, is_spot)
    count = params.get("InstanceCount", 1)
    if not 1 <= count <= max_count:
        raise out_of_range(f"InstanceCount must be between 1 and {max_count}, got {count}")
    name = params.get("InstanceName") or DEFAULT_NAME
    if len(name) > 128:
        raise V3Error("InvalidInstanceName.TooLong", f"InstanceName must be at most 128 characters, got {len(name)}")
    token = params.get("ClientToken") or None
    if token is not None and (len(token.encode("utf-8")) > 64 or not token.isascii()):
        raise V3Error("InvalidClientToken.TooLong", "ClientToken must be at most 64 ASCII characters")
    system_disk, data_disks = _disks(params)
    bandwidth_charge, bandwidth, public_ip = _internet(params)
    login = params.get("LoginSettings") or {}
    password, key_ids, keep = login.get("Password"), login.get("KeyIds") or [], login.get("KeepImageLogin")
    if password and key_ids:
        raise combination("LoginSettings.Password and LoginSettings.KeyIds cannot be given together")
    for key_id in key_ids:
        if not KEY_ID.fullmatch(key_id):
            raise V3Error("InvalidKeyPairId.Malformed", f"key pair id {key_id!r} is malformed (skey-xxxxxxxx)")
    if keep is not None and keep.lower() not in ("true", "false"):
        raise invalid_value(f"LoginSettings.KeepImageLogin must be true or false, got {keep!r}")
    keep = keep is not None and keep.lower() == "true"
    if keep and key_ids:
        raise V3Error("InvalidParameter.ParameterConflict", "KeepImageLogin cannot be combined with KeyIds")
    if keep and password:
        raise combination("KeepImageLogin cannot be combined with Password")
    tags = _tags(params)
    group_ids = _group_ids(params)
    vpc_params = params.get("VirtualPrivateCloud")
    private_ips = (vpc_params or {}).get("PrivateIpAddresses") or []
    if private_ips and len(private_ips) != count:
        raise invalid_value(f"VirtualPrivateCloud.PrivateIpAddresses has {len(private_ips)} addresses; it must have one per instance (InstanceCount={count})")
    if len(private_ips) > 20:
        raise too_many("VirtualPrivateCloud.PrivateIpAddresses accepts at most 20 addresses")
    user_data = params.get("UserData")
    if user_data is not None:
        user_data = rules.check_user_data(user_data)
    action_time = rules.check_action_timer(params["ActionTimer"], now) if params.get("ActionTimer") is not None else None
    protected = bool(params.get("DisableApiTermination"))
    if action_time is not None and protected:
        raise V3Error(
            "UnsupportedOperation.NotSupportImportInstancesActionTimer", "an instance with termination protection (DisableApiTermination) cannot have a timer"
        )
    placement = params["Placement"]
    zone_id = zones.zone_id(placement["Zone"])
    if zone_id is None or catalog.ZONES[zone_id].region != region:
        raise V3Error(
            "InvalidZone.MismatchRegion",
            f"Placement.Zone {placement['Zone']!r} is not a zone of this region (zones: {', '.join(zones.zones_of(region)) or 'none'})",
        )
    if is_spot and region in spot.UNSUPPORTED_REGIONS:
        raise V3Error("UnsupportedOperation.SpotUnsupportedRegion", f"region {zones.long_region(region)} does not sell spot (SPOTPAID) instances")
    project_id = placement.get("ProjectId", 0)
    if project_id < 0:
        raise invalid_value(f"Placement.ProjectId must be >= 0, got {project_id}")
    itype = instance_type(params.get("InstanceType") or DEFAULT_TYPE, zones.zone_name(zone_id), charge, stock_table, None if for_price else count)
    if is_spot:
        max_price = spot.check_bid(max_price, itype)
    image = _image(params["ImageId"])
    low = 50 if image.windows else 20
    if not low <= system_disk[1] <= MAX_SYSTEM_DISK:
        raise out_of_range(f"SystemDisk.DiskSize must be between {low} and {MAX_SYSTEM_DISK} GB for image {image.image_id}, got {system_disk[1]}")
    if password:
        rules.check_password(password, image.windows)
    if key_ids and image.windows:
        raise V3Error("UnsupportedOperation.KeyPairUnsupportedWindows", f"image {image.image_id} is Windows: no key pairs")
    if keep and image.image_type == PUBLIC:
        raise combination("KeepImageLogin=true needs a custom, shared or imported image, not a public one")
    host_name = params.get("HostName") or None
    if host_name is not None:
        for candidate in rules.expand(host_name, count, index_ip=lambda _index: "10.0.0.1"):
            rules.check_host_name(candidate, image.windows)
    book = SecurityGroupBook(store)
    for sg_id in group_ids:
        if book.find(sg_id, region) is None:
            raise V3Error("InvalidSecurityGroupId.NotFound", f"security group {sg_id} does not exist in this region")
    spec = Spec(
        zone_id=zone_id,
        itype=itype,
        image=image,
        count=count,
        system_disk=system_disk,
        data_disks=data_disks,
        bandwidth_charge=bandwidth_charge,
        bandwidth=bandwidth,
        public_ip=public_ip is not False and bandwidth > 0,
        public_ip_wanted=public_ip is not False,
        project_id=project_id,
        name=name,
        host_name=host_name,
        key_ids=list(key_ids),
        security_group_ids=group_ids if "SecurityGroupIds" in params else default_groups(region),
        tags=tags,
        user_data=user_data,
        disable_api_termination=protected,
        client_token=token,
        dry_run=bool(params.get("DryRun")),
        private_ips=list(private_ips),
        spot=is_spot,
        max_price=max_price,
        spot_instance_type=spot_kind,
        action_time=action_time,
    )
    _network(spec, vpc_params, region, network, for_price)
    if is_spot and not for_price:
        spot.check_quota(store, region, zone_id, itype, count, now)
    if balance is not None and pricing.first_hour(spec) > balance:
        raise V3Error(
            "InvalidAccount.InsufficientBalance", (f"the first hour costs {pricing.first_hour(spec):.2f} CNY but the account balance is {balance:.2f} CNY")
        )
    return spec


def default_groups(region):
    """[EMU] the project's default group when SecurityGroupIds is omitted: the region's table group named
    ``default`` (sg-gzdeflt1, sg-shdeflt1, sg-bjdeflt1); regions without one get none."""
    return [group["sgId"] for group in GROUP_TABLE if group["region"] == region and group["sgName"] == "default"]


def instance_type(name, zone, charge, stock_table, count):
    """The InstanceType, offered and in stock in ``zone`` for ``charge``; ``count`` None for prices."""
    if not types.WELL_FORMED.fullmatch(name):
        raise V3Error("InvalidInstanceType.Malformed", f"InstanceType {name!r} is malformed (e.g. S1.SMALL2)")
    itype = types.TYPES.get(name)
    if itype is None:
        raise V3Error("InvalidParameterValue.InstanceTypeNotFound", f"InstanceType {name} does not exist")
    row = stock_table.row(itype, zone, charge)
    if row is None:
        raise V3Error("ResourceUnavailable.InstanceType", f"zone {zone} does not sell InstanceType {name}")
    if row.status == stock.SOLD_OUT:
        reason = f" ({row.reason})" if row.reason else ""
        if charge == stock.SPOTPAID and count is not None:
            raise V3Error("InvalidParameterValue.InsufficientOffering", f"no spot capacity left for InstanceType {name} in zone {zone}{reason}")
        raise V3Error("ResourcesSoldOut.SpecifiedInstanceType", f"InstanceType {name} is sold out in zone {zone} for {charge}{reason}")
    if count is not None and row.available is not None and count > row.available:
        raise V3Error(
            "ResourceInsufficient.SpecifiedInstanceType", f"only {row.available} instances of {name} are left in zone {zone} for {charge}, asked for {count}"
        )
    return itype


def _image(image_id):
    if not IMAGE_ID.fullmatch(image_id):
        raise V3Error("InvalidImageId.Malformed", f"ImageId {image_id!r} is malformed (img-xxxxxxxx)")
    image = IMAGES.get(image_id)
    if image is None:
        raise V3Error("InvalidImageId.NotFound", f"image {image_id} does not exist")
    return image


def _disk_type(value, where):
    if value not in DISK_TYPES_3:
        raise invalid_value(f"{where} must be one of {', '.join(DISK_TYPES_3)}, got {value!r}")
    if value not in NEUTRAL_DISKS:
        raise invalid_value(f"{where} {value} is a valid 3.0 disk type the emulator does not sell (emulated: {', '.join(NEUTRAL_DISKS)})")
    return NEUTRAL_DISKS[value]


def _disks(params):
    system = params.get("SystemDisk") or {}
    system_disk = (_disk_type(system.get("DiskType", "LOCAL_BASIC"), "SystemDisk.DiskType"), system.get("DiskSize", 50))
    disks = params.get("DataDisks") or []
    if len(disks) > 21:
        raise too_many(f"DataDisks accepts at most 21 disks, got {len(disks)}")
    data, local = [], 0
    for index, disk in enumerate(disks):
        kind = _disk_type(disk.get("DiskType", "LOCAL_BASIC"), f"DataDisks.{index}.DiskType")
        size = disk["DiskSize"]
        if not 10 <= size <= MAX_DATA_DISK or size % 10:
            raise out_of_range(f"DataDisks.{index}.DiskSize must be a multiple of 10 between 10 and {MAX_DATA_DISK}, got {size}")
        if kind == "cloud_ssd" and size < 100:
            raise V3Error("InvalidParameterValue.CloudSsdDataDiskSizeTooSmall", f"DataDisks.{index}: a CLOUD_SSD data disk needs at least 100 GB, got {size}")
        local += kind.startswith("local")
        data.append((kind, size))
    if local > 1:
        raise too_many("DataDisks may hold at most one local disk (LOCAL_BASIC or LOCAL_SSD)")
    return system_disk, data


def _internet(params):
    internet = params.get("InternetAccessible") or {}
    charge = internet.get("InternetChargeType", "TRAFFIC_POSTPAID_BY_HOUR")
    if charge not in INTERNET_CHARGE_TYPES:
        raise invalid_value(f"InternetAccessible.InternetChargeType must be one of {', '.join(INTERNET_CHARGE_TYPES)}, got {charge!r}")
    if charge not in NEUTRAL_CHARGES:
        raise combination(
            f"InternetChargeType {charge} does not go with a POSTPAID_BY_HOUR instance (use TRAFFIC_POSTPAID_BY_HOUR or BANDWIDTH_POSTPAID_BY_HOUR)"
        )
    neutral = NEUTRAL_CHARGES[charge]
    bandwidth = internet.get("InternetMaxBandwidthOut", 0)
    if not 0 <= bandwidth <= MAX_BANDWIDTH[neutral]:
        raise out_of_range(f"InternetMaxBandwidthOut must be between 0 and {MAX_BANDWIDTH[neutral]} for {charge}, got {bandwidth}")
    public_ip = internet.get("PublicIpAssigned")
    if public_ip is True and bandwidth == 0:
        raise combination("PublicIpAssigned=true needs InternetMaxBandwidthOut > 0 (no public IP at 0 Mbps)")
    return neutral, bandwidth, public_ip


def _tags(params):
    tags = []
    for index, spec in enumerate(params.get("TagSpecification") or []):
        if spec["ResourceType"] not in TAG_RESOURCE_TYPES:
            raise invalid_value(f"TagSpecification.{index}.ResourceType must be one of {', '.join(TAG_RESOURCE_TYPES)}")
        checked = rules.check_tags(spec["Tags"])
        if spec["ResourceType"] == "instance":
            tags.extend(checked)
    keys = [key for key, _value in tags]
    if len(set(keys)) != len(keys):
        raise V3Error("InvalidParameterValue.DuplicateTags", "a tag key is given twice across TagSpecification")
    if len(tags) > rules.MAX_TAGS:
        raise V3Error("InvalidParameterValue.TagQuotaLimitExceeded", f"at most {rules.MAX_TAGS} tags per instance")
    return tags


def _group_ids(params):
    ids = params.get("SecurityGroupIds") or []
    for sg_id in ids:
        if not SG_ID.fullmatch(sg_id):
            raise V3Error("InvalidSgId.Malformed", f"security group id {sg_id!r} is malformed (sg-xxxxxxxx)")
    if len(set(ids)) != len(ids):
        raise invalid_value("SecurityGroupIds lists a group twice")
    if len(ids) > 5:
        raise V3Error("LimitExceeded.AssociateUSGLimitExceeded", f"an instance can be in at most 5 security groups, got {len(ids)}")
    return list(ids)


def _network(spec, vpc_params, region, network, for_price):
    if vpc_params is not None:
        vpc_id, subnet_id = vpc_params["VpcId"], vpc_params["SubnetId"]
        if not VPC_ID.fullmatch(vpc_id):
            raise V3Error("InvalidParameterValue.VpcIdMalformed", f"VpcId {vpc_id!r} is malformed (vpc-xxxxxxxx)")
        if not SUBNET_ID.fullmatch(subnet_id):
            raise V3Error("InvalidParameterValue.SubnetIdMalformed", f"SubnetId {subnet_id!r} is malformed (subnet-xxxxxxxx)")
        vpc = VPCS.get(vpc_id)
        if vpc is None or vpc.region != region:
            raise V3Error("InvalidParameterValue.VpcIdNotExist", f"VPC {vpc_id} does not exist in this region")
        subnet = SUBNETS.get(subnet_id)
        if subnet is None:
            raise V3Error("InvalidParameterValue.SubnetNotExist", f"subnet {subnet_id} does not exist")
        if subnet.vpc_id != vpc_id:
            raise V3Error("InvalidParameterValue.VpcIdSubnetIdNotMatch", f"subnet {subnet_id} is not in VPC {vpc_id}")
        if subnet.zone_id != spec.zone_id:
            raise V3Error(
                "InvalidParameterValue.SubnetIdZoneIdNotMatch",
                f"subnet {subnet_id} is in {zones.zone_name(subnet.zone_id)}, not in {zones.zone_name(spec.zone_id)}",
            )
        if subnet.broken:
            raise V3Error("InternalError", f"internal VPC error while preparing subnet {subnet_id}; retry later")
        spec.vpc, spec.subnet = vpc, subnet
        spec.as_gateway = bool(vpc_params.get("AsVpcGateway"))
    if spec.as_gateway and not spec.public_ip:
        raise combination("AsVpcGateway=true needs a public IP (InternetMaxBandwidthOut > 0)")
    for text in spec.private_ips:
        _private_ip(spec.subnet, text, network, for_price)
    if len(set(spec.private_ips)) != len(spec.private_ips):
        raise invalid_value("VirtualPrivateCloud.PrivateIpAddresses lists an address twice")
    if not for_price and spec.subnet is not None and not spec.private_ips and network.free_count(spec.subnet) < spec.count:
        raise V3Error("FailedOperation.NoAvailableIpAddressCountInSubnet", f"subnet {spec.subnet.subnet_id} has fewer than {spec.count} free addresses")


def _private_ip(subnet, text, network, for_price):
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        raise V3Error("InvalidParameterValue.InvalidIpFormat", f"private IP {text!r} is not an IPv4 address") from None
    if address not in subnet.cidr:
        raise V3Error("VpcAddrNotInSubNet", f"private IP {text} is outside subnet {subnet.subnet_id} ({subnet.cidr})")
    if subnet.reserved(address):
        raise invalid_value(f"private IP {text} is reserved in {subnet.cidr} (network, first three hosts, broadcast)")
    if not for_price and network.ip_in_use(subnet, str(address)):
        raise V3Error("VpcIpIsUsed", f"private IP {text} is already used by another instance")
