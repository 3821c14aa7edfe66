# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Address allocation ([EMU]).

* VPC instances: the requested address, or the lowest free usable address of
  the subnet.  An address is busy while its holder is not returning,
  returned or failed, so ReturnInstance frees it at once.
* Basic network: 10.<zone octet>.0.0/16, one /16 per zone, handed out in
  order and never reused (a per-zone counter).
* Public IPs (bandwidth > 0 and wanIp=1): the documentation ranges
  203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24, then the benchmarking
  range 198.18.0.0/15, in order from a counter, so they are unique for the
  first ~131,000 instances.
"""

import ipaddress

from .errors import ApiError
from .states import RELEASED

_PUBLIC_POOLS = (
    (ipaddress.IPv4Network("203.0.113.0/24"), 254),
    (ipaddress.IPv4Network("198.51.100.0/24"), 254),
    (ipaddress.IPv4Network("192.0.2.0/24"), 254),
    (ipaddress.IPv4Network("198.18.0.0/15"), 131070),
)
_PUBLIC_TOTAL = sum(size for _net, size in _PUBLIC_POOLS)
_BASIC_HOSTS = 65534 - 1  # 10.N.0.1 is the zone gateway


def public_ip(counter):
    index = counter % _PUBLIC_TOTAL
    for network, size in _PUBLIC_POOLS:
        if index < size:
            return str(network.network_address + 1 + index)
        index -= size
    raise AssertionError("unreachable")


def basic_ip(zone, counter):
    offset = 2 + counter % _BASIC_HOSTS
    return f"10.{zone.pool_octet}.{offset >> 8}.{offset & 255}"


class SubnetView:
    """What validation and allocation need to know about addresses in use, at one moment."""

    def __init__(self, store, now):
        self._store = store
        self._now = now

    def ip_in_use(self, subnet, address):
        holder = self._store.ip_holder(subnet.subnet_id, address)
        return holder is not None and holder.effective(self._now)[0] not in RELEASED

    def free_count(self, subnet):
        return sum(1 for address in subnet.usable() if not self.ip_in_use(subnet, str(address)))

    def allocate(self, subnet, count):
        """The ``count`` lowest free addresses, as strings."""
        found = []
        for address in subnet.usable():
            text = str(address)
            if not self.ip_in_use(subnet, text):
                found.append(text)
                if len(found) == count:
                    return found
        raise ApiError("OperationFail.PurchaseFailed", f"subnet {subnet.subnet_id} has no free address left")
