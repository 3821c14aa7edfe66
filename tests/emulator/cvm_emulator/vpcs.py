# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's VPC and subnet table ([EMU]).

Reserved addresses in every subnet ([EMU], Tencent's exact list is unknown):
the network address, the first host (gateway), the second and third hosts
(kept for platform services) and the broadcast address.  In a /24 that is
x.0, x.1, x.2, x.3 and x.255; x.4 is the first address an instance can get.

``subnet-vpcerr01`` is a deliberate trap: any create that uses it answers
6000 ``InnerError.VpcError``, so clients can test that documented error.
"""

import ipaddress


class Vpc:
    __slots__ = ("vpc_id", "numeric_id", "region", "cidr")

    def __init__(self, vpc_id, numeric_id, region, cidr):
        self.vpc_id = vpc_id
        self.numeric_id = numeric_id
        self.region = region
        self.cidr = ipaddress.IPv4Network(cidr)


class Subnet:
    __slots__ = ("subnet_id", "numeric_id", "vpc_id", "zone_id", "cidr", "broken")

    def __init__(self, subnet_id, numeric_id, vpc_id, zone_id, cidr, broken=False):
        self.subnet_id = subnet_id
        self.numeric_id = numeric_id
        self.vpc_id = vpc_id
        self.zone_id = zone_id
        self.cidr = ipaddress.IPv4Network(cidr)
        self.broken = broken

    def reserved(self, address):
        offset = int(address) - int(self.cidr.network_address)
        return offset in (0, 1, 2, 3) or address == self.cidr.broadcast_address

    def usable(self):
        """Host addresses an instance may get, lowest first."""
        first = int(self.cidr.network_address) + 4
        last = int(self.cidr.broadcast_address) - 1
        return (ipaddress.IPv4Address(value) for value in range(first, last + 1))


VPCS = {
    vpc.vpc_id: vpc
    for vpc in (
        Vpc("vpc-gzdemo01", 1001, "gz", "172.16.0.0/16"),
        Vpc("vpc-gzdemo02", 1002, "gz", "192.168.0.0/16"),
        Vpc("vpc-shdemo01", 1003, "sh", "172.20.0.0/16"),
        Vpc("vpc-bjdemo01", 1004, "bj", "172.30.0.0/16"),
    )
}

SUBNETS = {
    subnet.subnet_id: subnet
    for subnet in (
        Subnet("subnet-gz3web01", 2001, "vpc-gzdemo01", 100003, "172.16.1.0/24"),
        Subnet("subnet-gz4web01", 2002, "vpc-gzdemo01", 100004, "172.16.2.0/24"),
        Subnet("subnet-gz1web01", 2003, "vpc-gzdemo01", 100001, "172.16.3.0/24"),
        Subnet("subnet-gz3tiny1", 2004, "vpc-gzdemo01", 100003, "172.16.9.0/29"),
        Subnet("subnet-vpcerr01", 2005, "vpc-gzdemo01", 100003, "172.16.99.0/24", broken=True),
        Subnet("subnet-gz3db001", 2006, "vpc-gzdemo02", 100003, "192.168.10.0/24"),
        Subnet("subnet-sh2web01", 2007, "vpc-shdemo01", 200002, "172.20.2.0/24"),
        Subnet("subnet-sh3web01", 2008, "vpc-shdemo01", 200003, "172.20.3.0/24"),
        Subnet("subnet-bj1web01", 2009, "vpc-bjdemo01", 800001, "172.30.1.0/24"),
        Subnet("subnet-bj3big01", 2010, "vpc-bjdemo01", 800003, "172.30.4.0/22"),
    )
}
