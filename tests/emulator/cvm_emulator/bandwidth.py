# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""UpdateInstanceBandwidthHour (docs/api-notes/v3.md section 6.1): change a pay-by-hour instance's bandwidth.

Immediate: the next DescribeInstances shows the new value, the status does
not change (no "setting bandwidth" status 13).  [EMU] choices:

* allowed while running (2) or stopped (4) -- a stopped pay-by-hour instance
  keeps its network, as in 3.0 where only stopped-without-charging
  instances refuse; any other status answers InvaildInstanceStatus;
* raising from 0 assigns a public IP when the instance has none and its
  create did not refuse one (legacy ``wanIp`` was not 0); an instance
  created with ``wanIp=0`` stays without; lowering to 0 keeps the address;
* spot instances (3.0 SPOTPAID, shown with ``cvmPayMode`` 2) are hourly
  too and may change; an instance stopped without charging (3.0
  ``StoppedMode=STOP_CHARGING``) answers 5100 InvaildInstanceStatus, as
  its 3.0 counterpart ResetInstancesInternetMaxBandwidth refuses it.
"""

from . import operations, states
from .errors import ApiError, invalid, missing
from .instance_actions import find_instance
from .network import public_ip
from .params import present, to_int

# bandwidth charge -> (legacy bandwidthType, maximum Mbps)
MAXIMUM = {"by_traffic": ("PayByTraffic", 100), "by_hour": ("PayByHour", 200)}
CHANGEABLE = frozenset((states.RUNNING, states.STOPPED))
HOURLY = frozenset(("postpaid_by_hour", "spot"))


class BandwidthActions:
    def __init__(self, store, clock):
        self.store = store
        self.clock = clock

    def handlers(self):
        return {"UpdateInstanceBandwidthHour": self.update_instance_bandwidth_hour}

    def update_instance_bandwidth_hour(self, region, params, _notes):
        for name in ("instanceId", "bandwidth"):
            if not present(params, name):
                raise missing(name)
        instance_id = params["instanceId"]
        bandwidth = to_int("bandwidth", params["bandwidth"])
        if bandwidth < 0:
            raise invalid(f"bandwidth must be >= 0, got {bandwidth}")
        store = self.store
        with store.lock:
            now = self.clock()
            inst = find_instance(store, instance_id, region)
            if inst.charge_type not in HOURLY:
                raise ApiError(
                    "UnsupportedOperation.InstanceChargeType",
                    (f"instance {instance_id} is not pay-by-hour ({inst.charge_type}); UpdateInstanceBandwidthHour changes pay-by-hour instances only"),
                )
            kind, maximum = MAXIMUM[inst.bandwidth_charge]
            if bandwidth > maximum:
                raise invalid(f"bandwidth must be between 0 and {maximum} for {kind} bandwidth, got {bandwidth}")
            current, _since = inst.effective(now)
            if current not in CHANGEABLE:
                raise ApiError(
                    "OperationConstraints.InvaildInstanceStatus",
                    (f"instance {instance_id} has status {states.LEGACY_CODE[current]}; bandwidth can change only while it is running (2) or stopped (4)"),
                )
            if inst.stopped_without_charging(now):
                raise ApiError(
                    "OperationConstraints.InvaildInstanceStatus",
                    f"instance {instance_id} is stopped without charging (API 3.0 StoppedMode STOP_CHARGING); start it before changing its bandwidth",
                )
            changes = {"bandwidth": bandwidth, "latest_operation": operations.record(operations.SET_BANDWIDTH)}
            if bandwidth > 0 and not inst.public_ips and inst.public_ip_wanted:
                changes["public_ips"] = [public_ip(store.next_counter("public_ip"))]
            store.update(inst, **changes)
        return {}
