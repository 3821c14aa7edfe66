# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""New neutral instances from a validated RunInstances ``create.Spec``.

The same allocation as the legacy create: ``ins-`` ids, a legacy ``qcvm``
id and a uuid per instance, basic-network addresses from the zone's /16,
VPC addresses as given or the lowest free ones, public IPs from the shared
pool; status PENDING (creating) until ``create_delay`` has passed.
"""

from .. import catalog, operations, states
from ..model import InstanceState
from ..network import basic_ip, public_ip
from . import rules

FAILED_CREATE = "the instance failed to launch (injected create_fails fault)"


def build(store, spec, region, now, view, create_delay, final, request_id):
    """``spec.count`` InstanceStates (not yet stored); hold ``store.lock``."""
    zone = catalog.ZONES[spec.zone_id]
    if spec.subnet is None:
        lan_ips = [basic_ip(zone, store.next_counter(f"zone:{zone.zone_id}")) for _slot in range(spec.count)]
    elif spec.private_ips:
        lan_ips = list(spec.private_ips)
    else:
        lan_ips = view.allocate(spec.subnet, spec.count)
    names = rules.expand(spec.name, spec.count)
    host_names = rules.expand(spec.host_name, spec.count, index_ip=lambda index: lan_ips[index]) if spec.host_name else [None] * spec.count
    error = FAILED_CREATE if final == states.LAUNCH_FAILED else None
    taken = set()
    instances = []
    for index, lan_ip in enumerate(lan_ips):
        system_type, system_size = spec.system_disk
        inst = InstanceState(
            instance_id=store.new_id("ins-", taken),
            legacy_id="qcvm" + store.new_uuid().replace("-", ""),
            uuid=store.new_uuid(),
            region=region,
            zone_id=spec.zone_id,
            family=spec.itype.family,
            cpu=spec.itype.cpu,
            mem=spec.itype.mem,
            image_id=spec.image.image_id,
            system_disk={"disk_id": store.new_id("disk-", taken), "size": system_size, "type": system_type},
            data_disks=[{"disk_id": store.new_id("disk-", taken), "size": size, "type": kind} for kind, size in spec.data_disks],
            bandwidth_charge=spec.bandwidth_charge,
            bandwidth=spec.bandwidth,
            public_ips=[public_ip(store.next_counter("public_ip"))] if spec.public_ip else [],
            public_ip_wanted=spec.public_ip_wanted,
            vpc_id=spec.vpc.vpc_id if spec.vpc else None,
            subnet_id=spec.subnet.subnet_id if spec.subnet else None,
            private_ip=lan_ip,
            is_vpc_gateway=spec.as_gateway,
            project_id=spec.project_id,
            name=names[index],
            created_at=now,
            seq=store.next_counter("seq"),
            security_group_ids=list(spec.security_group_ids),
            tags=[list(tag) for tag in spec.tags],
            disable_api_termination=spec.disable_api_termination,
            charge_type="spot" if spec.spot else "postpaid_by_hour",
            spot={"max_price": spec.max_price, "spot_instance_type": spec.spot_instance_type} if spec.spot else None,
            user_data=spec.user_data,
            host_name=host_names[index],
            key_ids=list(spec.key_ids),
            status=states.CREATING,
            status_time=now,
            next_status=final,
            next_at=now + create_delay,
            latest_operation=operations.record(operations.CREATE, request_id, error),
        )
        instances.append(inst)
    return instances
