# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstancesHour, DescribeInstances, ReturnInstance, InquiryInstancePriceHour, and seeding.

Each handler takes ``(region, params, notes)`` and returns the payload
placed beside code/message.

What the 3.0 guardrails mean here ([EMU]: the legacy API has none of them):

* RunInstancesHour of a (zone, family, cpu, mem) whose 3.0 type is sold out
  for POSTPAID_BY_HOUR (``stock.py``) answers 5200
  ``OperationFail.PurchaseFailed`` "... is sold out ..." (or, with fewer
  left than ``goodsNum``, "only N left"), after the zone check; a create
  takes its instances off a kept count.  Types a zone does not offer at all
  are still not checked (RunInstancesHour never did).
* ReturnInstance of an instance with termination protection (3.0
  ``DisableApiTermination``) answers 5100
  ``OperationConstraints.InvaildInstanceStatus`` naming the protection;
  returning an instance drops its pending action timers.
"""

import dataclasses

from . import catalog, operations, prices, states, stock, timers
from .errors import MISSING, NOT_ALLOWED, ApiError, invalid
from .images import IMAGES
from .model import InstanceState
from .network import SubnetView, basic_ip, public_ip
from .params import list_values, optional_int, present
from .records import BANDWIDTH_TYPES, DISK_TYPES, legacy_record
from .v3 import types, zones
from .validation import CreateRequest, validate

RETURNABLE = frozenset((states.FAULT, states.RUNNING, states.STOPPED))
MAX_LIMIT = 100
SEED_IMAGE = "img-3wnd9xpl"
FAILED_CREATE = "the instance failed to launch (injected create_fails fault)"


def find_instance(store, instance_id, region):
    """The instance by ``ins-`` or ``qcvm`` id in ``region``, else 5000 ResourceNotFound."""
    inst = store.get(instance_id)
    if inst is None or inst.region != region:
        raise ApiError("ResourceNotFound", f"instance {instance_id} does not exist in Region {region}")
    return inst


class InstanceActions:
    def __init__(self, store, config, faults, clock, stock_table):
        self.store = store
        self.config = config
        self.faults = faults
        self.clock = clock
        self.stock = stock_table

    def handlers(self):
        return {
            "RunInstancesHour": self.run_instances_hour,
            "DescribeInstances": self.describe_instances,
            "ReturnInstance": self.return_instance,
            "InquiryInstancePriceHour": self.inquiry_instance_price_hour,
        }

    # -- RunInstancesHour -------------------------------------------------------

    def run_instances_hour(self, region, params, notes):
        token = params.get("clientToken") or None
        store = self.store
        with store.lock:
            now = self.clock()
            if token is not None:
                # [EMU] a known token answers its first successful answer, whatever else changed.
                known = store.token_answer(token)
                if known is not None:
                    return {"unInstanceIds": list(known)}
            view = SubnetView(store, now)
            req = validate(params, region, view, self.config.balance, check_stock=self._check_stock)
            final = states.RUNNING
            if self.faults.take_create_fails():
                final = states.LAUNCH_FAILED
                notes["fault"] = "create_fails"
            instances = self._build(req, region, now, view, final)
            ids = store.add(instances, token)
            itype = types.TYPES.get(types.type_name(req.instance_type, req.cpu, req.mem))
            if itype is not None:
                self.stock.take(itype, zones.zone_name(req.zone.zone_id), stock.POSTPAID, req.goods_num)
        return {"unInstanceIds": ids}

    def _check_stock(self, req):
        """5200 for a sold-out 3.0 type (see the module docstring)."""
        itype = types.TYPES.get(types.type_name(req.instance_type, req.cpu, req.mem))
        zone = zones.zone_name(req.zone.zone_id)
        row = self.stock.row(itype, zone, stock.POSTPAID) if itype is not None else None
        if row is None:
            return
        described = f"instanceType {req.instance_type} with cpu={req.cpu}, mem={req.mem} (3.0 {itype.name})"
        if row.status == stock.SOLD_OUT:
            raise ApiError("OperationFail.PurchaseFailed", f"{described} is sold out in zoneId {req.zone.zone_id}: {row.reason}")
        if row.available is not None and req.goods_num > row.available:
            raise ApiError("OperationFail.PurchaseFailed", f"{described}: only {row.available} left in zoneId {req.zone.zone_id}, goodsNum={req.goods_num}")

    def _build(self, req, region, now, view, final, status=None):
        """``goods_num`` new instances; ``status`` fixes the status (seeding) instead of creating -> final."""
        store = self.store
        if req.subnet is None:
            lan_ips = [basic_ip(req.zone, store.next_counter(f"zone:{req.zone.zone_id}")) for _slot in range(req.goods_num)]
        elif req.private_ip is not None:
            lan_ips = [req.private_ip]
        else:
            lan_ips = view.allocate(req.subnet, req.goods_num)
        disk_type = DISK_TYPES[req.storage_type]
        taken = set()
        instances = []
        for lan_ip in lan_ips:
            instance_id = store.new_id("ins-", taken)
            legacy_id = "qcvm" + store.new_uuid().replace("-", "")
            uuid = store.new_uuid()
            system_disk = {"disk_id": store.new_id("disk-", taken), "size": req.root_size, "type": disk_type}
            data_disk_id = store.new_id("disk-", taken)
            data_disks = [{"disk_id": data_disk_id, "size": req.storage_size, "type": disk_type}] if req.storage_size > 0 else []
            inst = InstanceState(
                instance_id=instance_id,
                legacy_id=legacy_id,
                uuid=uuid,
                region=region,
                zone_id=req.zone.zone_id,
                family=req.instance_type,
                cpu=req.cpu,
                mem=req.mem,
                image_id=req.image.image_id,
                system_disk=system_disk,
                data_disks=data_disks,
                bandwidth_charge=BANDWIDTH_TYPES[req.bandwidth_type],
                bandwidth=req.bandwidth,
                public_ips=[public_ip(store.next_counter("public_ip"))] if req.public_ip else [],
                public_ip_wanted=req.wan_ip == 1,
                vpc_id=req.vpc.vpc_id if req.vpc else None,
                subnet_id=req.subnet.subnet_id if req.subnet else None,
                private_ip=lan_ip,
                is_vpc_gateway=bool(req.is_vpc_gateway),
                project_id=req.project_id,
                name=req.name,
                created_at=now,
                seq=store.next_counter("seq"),
            )
            if status is None:
                inst.status, inst.status_time = states.CREATING, now
                inst.next_status, inst.next_at = final, now + self.config.create_delay
                inst.latest_operation = operations.record(operations.CREATE, error=FAILED_CREATE if final == states.LAUNCH_FAILED else None)
            else:
                inst.status, inst.status_time = status, now
            instances.append(inst)
        return instances

    # -- DescribeInstances ------------------------------------------------------

    def describe_instances(self, region, params, _notes):
        ids = list_values(params, "instanceIds")
        ips = set(list_values(params, "lanIps"))
        word = (params.get("searchWord") or "").casefold()
        status_code = optional_int(params, "status")
        project = optional_int(params, "projectId")
        zone = optional_int(params, "zoneId")
        offset = optional_int(params, "offset", 0)
        limit = optional_int(params, "limit", 20)
        simplify = optional_int(params, "simplify")
        if zone is not None and (zone not in catalog.ZONES or catalog.ZONES[zone].region != region):
            raise ApiError("InvalidParameter.InvaildZoneId", f"zoneId {zone} is not a zone of Region {region}")
        if offset < 0:
            raise invalid(f"offset must be >= 0, got {offset}")
        if not 1 <= limit <= MAX_LIMIT:
            raise invalid(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        if simplify not in (None, 0, 1):
            raise invalid(f"simplify must be 0 or 1, got {simplify}", NOT_ALLOWED)
        # An unknown status code matches nothing (no error), as before.
        status = None if status_code is None else states.FROM_LEGACY.get(status_code, "no such status")
        gone = states.GONE
        store = self.store
        with store.lock:
            now = self.clock()
            forget = self.config.forget_delay
            if ids:
                found = {store.get(instance_id) for instance_id in ids} - {None}
                candidates = sorted((inst for inst in found if inst.region == region), key=lambda inst: inst.seq, reverse=True)
            else:
                candidates = reversed(store.region_instances(region))
            total, end, selected = 0, offset + limit, []
            for inst in candidates:
                # Inlined InstanceState.effective: this loop runs over every instance of the region.
                if inst.next_status is not None and now >= inst.next_at:
                    current, since = inst.next_status, inst.next_at
                else:
                    current, since = inst.status, inst.status_time
                if current in gone and now >= since + forget:
                    continue
                if status is not None and current != status:
                    continue
                if zone is not None and inst.zone_id != zone:
                    continue
                if project is not None and inst.project_id != project:
                    continue
                if word and word not in inst.name.casefold():
                    continue
                if ips and inst.private_ip not in ips and not ips.intersection(inst.public_ips):
                    continue
                if offset <= total < end:
                    selected.append(inst)
                total += 1
            page = [legacy_record(inst, now) for inst in selected]
        return {"totalCount": total, "instanceSet": page}

    # -- ReturnInstance -----------------------------------------------------------

    def return_instance(self, region, params, _notes):
        if not present(params, "instanceId"):
            hint = " (singular; instanceIds.N is not accepted)" if any(key.startswith("instanceIds") for key in params) else ""
            raise invalid(f"missing required parameter instanceId{hint}", MISSING)
        instance_id = params["instanceId"]
        store = self.store
        with store.lock:
            now = self.clock()
            inst = find_instance(store, instance_id, region)
            current, _since = inst.effective(now)
            if current not in RETURNABLE:
                raise ApiError(
                    "OperationConstraints.InvaildInstanceStatus",
                    (f"instance {instance_id} has status {states.LEGACY_CODE[current]}; only status 1 (fault), 2 (running) or 4 (stopped) can be returned"),
                )
            if inst.disable_api_termination:
                raise ApiError(
                    "OperationConstraints.InvaildInstanceStatus",
                    (f"instance {instance_id} has termination protection (API 3.0 DisableApiTermination); turn it off before returning it"),
                )
            store.update_many([(inst, timers.destroy(now, self.config.return_delay, "api"))], drop_timers=timers.pending_of(store, [inst.instance_id]))
        return {}

    # -- InquiryInstancePriceHour ---------------------------------------------------

    def inquiry_instance_price_hour(self, region, params, _notes):
        req = validate(params, region, for_price=True)
        return {"data": prices.quote(req)}

    # -- seeding (control API) ------------------------------------------------------

    def seed(self, count, regions, name_prefix, status_code):
        """``count`` instances with a fixed status, round-robin over regions, then over each region's zones."""
        status = states.FROM_LEGACY[status_code]
        zones = {region: catalog.zones_of(region) for region in regions}
        width = max(5, len(str(count - 1)))
        base = CreateRequest(zone=None, cpu=1, mem=2, image=IMAGES[SEED_IMAGE], bandwidth=1, public_ip=True)
        store = self.store
        with store.lock:
            now = self.clock()
            instances = []
            for index in range(count):
                region = regions[index % len(regions)]
                region_zones = zones[region]
                zone = region_zones[(index // len(regions)) % len(region_zones)]
                req = dataclasses.replace(base, zone=zone, name=f"{name_prefix}-{index:0{width}d}")
                instances.extend(self._build(req, region, now, None, states.RUNNING, status=status))
            return store.add(instances)
