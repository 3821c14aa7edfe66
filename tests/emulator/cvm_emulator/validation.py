# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstancesHour / InquiryInstancePriceHour parameter rules (api-notes/legacy.md sections 3, 5.2).

Stages, in the order of api-notes/legacy.md section 7 step 8: required -> types -> enums and
ranges -> zone/VPC/IP -> balance.  The first failing rule answers; messages
name the parameter and the rule.  Parameters an action does not know are
ignored ([EMU]).
"""

import dataclasses
import ipaddress
import string

from typing import Optional

from . import catalog, prices
from .errors import CONFLICT, NOT_ALLOWED, ApiError, invalid, missing
from .images import IMAGE_TYPE_LABELS, IMAGES, Image
from .params import list_values, present, to_int
from .vpcs import SUBNETS, VPCS, Subnet, Vpc

CREATE_REQUIRED = ("zoneId", "cpu", "mem", "imageId", "storageSize")
PRICE_REQUIRED = ("cpu", "mem", "imageId", "imageType", "storageSize")

CREATE_INTS = (
    "zoneId",
    "cpu",
    "mem",
    "storageSize",
    "imageType",
    "bandwidth",
    "wanIp",
    "isVpcGateway",
    "storageType",
    "rootSize",
    "needSecurityAgent",
    "needMonitorAgent",
    "projectId",
    "goodsNum",
)
PRICE_INTS = ("zoneId", "cpu", "mem", "storageSize", "imageType", "bandwidth", "storageType", "rootSize", "goodsNum")

# [EMU] the docs give no maximum for data disks; 16000 GB is the largest
# single cloud disk Tencent sells today.
MAX_STORAGE_SIZE = 16000
MAX_NAME = 60
MAX_TOKEN = 64
MAX_GOODS = 100
DEFAULT_NAME = "未命名"

LINUX_SPECIALS = "()`~!@#$%^&*-+=|{}[]:;',.?/"
WINDOWS_SPECIALS = "()`~!@#$%^&*-+={}[]:;',.?/"


@dataclasses.dataclass
class CreateRequest:
    zone: Optional[catalog.Zone]
    cpu: int
    mem: int
    image: Image
    instance_type: str = catalog.DEFAULT_FAMILY
    storage_size: int = 0
    storage_type: int = 1
    root_size: int = 20
    bandwidth_type: str = "PayByHour"
    bandwidth: int = 0
    public_ip: bool = False
    wan_ip: int = 1
    vpc: Optional[Vpc] = None
    subnet: Optional[Subnet] = None
    is_vpc_gateway: int = 0
    project_id: int = 0
    name: str = DEFAULT_NAME
    goods_num: int = 1
    client_token: Optional[str] = None
    private_ip: Optional[str] = None


def validate(params, region, network=None, balance=None, for_price=False, check_stock=None):
    """Return a CreateRequest or raise ApiError.

    ``network`` answers ``ip_in_use(subnet, address)`` and
    ``free_count(subnet)`` (not needed for prices); ``balance`` enables the
    final balance check; ``check_stock(req)`` (creates) raises for a sold-out
    type once the zone is known.
    """
    for name in PRICE_REQUIRED if for_price else CREATE_REQUIRED:
        if not present(params, name):
            raise missing(name)
    ints = {name: to_int(name, params[name]) for name in (PRICE_INTS if for_price else CREATE_INTS) if present(params, name)}
    private_ips = [] if for_price else list_values(params, "privateIpAddresses")
    req = _ranges(params, ints, private_ips, for_price)
    _placement(params, ints, req, region, network, for_price, check_stock)
    if balance is not None and prices.first_hour(req) > balance:
        raise ApiError(
            "OperationConstraints.AccountBalanceNotEnough",
            (f"the first hour costs {prices.first_hour(req):.2f} CNY but the account balance is {balance:.2f} CNY; top up first"),
        )
    return req


def _enum(name, value, allowed):
    if value not in allowed:
        raise invalid(f"{name} must be one of {', '.join(str(item) for item in allowed)}, got {value!r}", NOT_ALLOWED)
    return value


def _between(name, value, low, high):
    if not low <= value <= high:
        raise invalid(f"{name} must be between {low} and {high}, got {value}")
    return value


def _ranges(params, ints, private_ips, for_price):
    family = _enum("instanceType", params.get("instanceType") or catalog.DEFAULT_FAMILY, list(catalog.FAMILIES))
    cpu, mem = ints["cpu"], ints["mem"]
    if (cpu, mem) not in catalog.FAMILIES[family]:
        allowed = " ".join(f"{c}:{m}" for c, m in sorted(catalog.FAMILIES[family]))
        raise invalid(f"cpu={cpu}, mem={mem} is not an allowed combination for instanceType {family} (allowed cpu:mem pairs: {allowed})")
    image = IMAGES.get(params["imageId"])
    if image is None:
        raise invalid(f"imageId {params['imageId']} is not a known image (see the emulator image table)", NOT_ALLOWED)
    image_type = _enum("imageType", ints.get("imageType", 2), [1, 2, 3, 4])
    if image_type != image.image_type:
        raise invalid(
            f"imageType {image_type} ({IMAGE_TYPE_LABELS[image_type]}) does not match image "
            f"{image.image_id}, whose imageType is {image.image_type} ({IMAGE_TYPE_LABELS[image.image_type]})"
        )
    storage_size = _between("storageSize", ints["storageSize"], 0, MAX_STORAGE_SIZE)
    if storage_size % 10:
        raise invalid(f"storageSize must be a multiple of 10, got {storage_size}")
    storage_type = _enum("storageType", ints.get("storageType", 1), [1, 2, 3, 4])
    root_size = _root_size(ints, image)
    bandwidth_type = _enum("bandwidthType", params.get("bandwidthType") or "PayByHour", ["PayByHour", "PayByTraffic"])
    bandwidth = ints.get("bandwidth", 0)
    if bandwidth < 0:
        raise invalid(f"bandwidth must be >= 0, got {bandwidth}")
    goods_num = _between("goodsNum", ints.get("goodsNum", 1), 1, MAX_GOODS)
    req = CreateRequest(
        zone=None,
        cpu=cpu,
        mem=mem,
        image=image,
        instance_type=family,
        storage_size=storage_size,
        storage_type=storage_type,
        root_size=root_size,
        bandwidth_type=bandwidth_type,
        bandwidth=bandwidth,
        goods_num=goods_num,
    )
    if for_price:
        return req
    req.wan_ip = _enum("wanIp", ints.get("wanIp", 1), [0, 1])
    req.public_ip = bandwidth > 0 and req.wan_ip == 1
    req.is_vpc_gateway = _enum("isVpcGateway", ints.get("isVpcGateway", 0), [0, 1])
    for name in ("needSecurityAgent", "needMonitorAgent"):
        _enum(name, ints.get(name, 1), [0, 1])
    req.project_id = ints.get("projectId", 0)
    if req.project_id < 0:
        raise invalid(f"projectId must be >= 0, got {req.project_id}")
    req.name = params.get("instanceName") or DEFAULT_NAME
    if len(req.name) > MAX_NAME:
        raise invalid(f"instanceName must be at most {MAX_NAME} characters, got {len(req.name)}")
    req.client_token = params.get("clientToken") or None
    if req.client_token is not None and len(req.client_token) > MAX_TOKEN:
        raise invalid(f"clientToken must be at most {MAX_TOKEN} characters, got {len(req.client_token)}")
    if present(params, "password"):
        check_password(params["password"], image.windows)
    if present(params, "keyId"):
        if present(params, "password"):
            raise invalid("keyId and password are mutually exclusive; give one of them", CONFLICT)
        if image.windows:
            raise invalid(f"keyId is not supported for Windows image {image.image_id}", CONFLICT)
    if len(private_ips) > 1:
        raise invalid(f"privateIpAddresses accepts at most one address, got {len(private_ips)}", CONFLICT)
    if private_ips:
        if goods_num > 1:
            raise invalid("privateIpAddresses.0 cannot be combined with goodsNum > 1", CONFLICT)
        req.private_ip = private_ips[0]
    return req


def _root_size(ints, image):
    if image.windows:
        root_size = ints.get("rootSize", 50)
        if root_size != 50:
            raise invalid(f"rootSize of a Windows image is fixed at 50, got {root_size}")
        return root_size
    root_size = _between("rootSize", ints.get("rootSize", 20), 20, 50)
    if root_size % 10:
        raise invalid(f"rootSize must be a multiple of 10, got {root_size}")
    return root_size


def check_password(password, windows):
    """Spec section 3.3; the message states the rule but never echoes the password."""
    if windows:
        specials, low, high, need = WINDOWS_SPECIALS, 12, 16, 3
        classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, specials)
        rule = f"Windows: 12-16 characters, at least 3 of lower-case, upper-case, digits and the specials {specials}"
    else:
        specials, low, high, need = LINUX_SPECIALS, 8, 16, 2
        classes = (string.ascii_letters, string.digits, specials)
        rule = f"Linux: 8-16 characters, at least 2 of letters, digits and the specials {specials}"
    allowed = set("".join(classes))
    used = sum(1 for chars in classes if any(ch in chars for ch in password))
    if not low <= len(password) <= high or any(ch not in allowed for ch in password) or used < need:
        raise ApiError("InvalidParameter.PasswordNotConformSpecs", f"password does not meet the rules ({rule})")


def _placement(params, ints, req, region, network, for_price, check_stock=None):
    if "zoneId" in ints:
        zone = catalog.ZONES.get(ints["zoneId"])
        if zone is None or zone.region != region:
            raise ApiError(
                "InvalidParameter.InvaildZoneId",
                (f"zoneId {ints['zoneId']} is not a zone of Region {region} (zones: {', '.join(str(z.zone_id) for z in catalog.zones_of(region)) or 'none'})"),
            )
        req.zone = zone
    if for_price:
        return
    if check_stock is not None:
        check_stock(req)
    vpc_id, subnet_id = params.get("vpcId") or None, params.get("subnetId") or None
    if (vpc_id is None) != (subnet_id is None):
        raise invalid("vpcId and subnetId must be given together (omit both for the basic network)", CONFLICT)
    if vpc_id is not None:
        _vpc(vpc_id, subnet_id, req, region)
    if req.is_vpc_gateway and (req.vpc is None or not req.public_ip):
        raise invalid("isVpcGateway=1 needs a VPC (vpcId/subnetId) and a public IP (bandwidth > 0, wanIp=1)", CONFLICT)
    if req.private_ip is not None:
        if req.subnet is None:
            raise invalid("privateIpAddresses needs a VPC (vpcId and subnetId)", CONFLICT)
        _private_ip(req, network)
    elif req.subnet is not None and network.free_count(req.subnet) < req.goods_num:
        raise ApiError(
            "OperationFail.PurchaseFailed", (f"subnet {req.subnet.subnet_id} ({req.subnet.cidr}) has fewer than goodsNum={req.goods_num} free addresses")
        )


def _vpc(vpc_id, subnet_id, req, region):
    vpc = VPCS.get(vpc_id)
    if vpc is None or vpc.region != region:
        raise invalid(f"vpcId {vpc_id} does not exist in Region {region}")
    subnet = SUBNETS.get(subnet_id)
    if subnet is None:
        raise invalid(f"subnetId {subnet_id} does not exist")
    if subnet.vpc_id != vpc.vpc_id:
        raise invalid(f"subnetId {subnet_id} does not belong to vpcId {vpc_id}", CONFLICT)
    if subnet.zone_id != req.zone.zone_id:
        raise invalid(f"subnetId {subnet_id} is in zone {subnet.zone_id}, not in zoneId {req.zone.zone_id}", CONFLICT)
    if subnet.broken:
        raise ApiError("InnerError.VpcError", f"internal VPC error while preparing subnet {subnet_id}; retry later")
    req.vpc, req.subnet = vpc, subnet


def _private_ip(req, network):
    text = req.private_ip
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        raise ApiError("InvalidParameter.InvalidIpFormat", f"privateIpAddresses.0 {text!r} is not an IPv4 address") from None
    subnet = req.subnet
    if address not in subnet.cidr:
        raise ApiError("InvalidParameter.IpNotInCidrRange", f"privateIpAddresses.0 {text} is outside subnet {subnet.subnet_id} ({subnet.cidr})")
    if subnet.reserved(address):
        raise ApiError(
            "InvalidParameter.NotSupportReservedIp",
            (f"privateIpAddresses.0 {text} is reserved in {subnet.cidr} (network, first three hosts and broadcast are reserved)"),
        )
    if network.ip_in_use(subnet, str(address)):
        raise ApiError("InvalidParameter.IpInUse", f"privateIpAddresses.0 {text} is already used by another instance")
    req.private_ip = str(address)
