# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API-neutral state of one instance, as the store keeps it.

Both faces read and change the same objects: the legacy face renders them
as DescribeInstances records (``records.py``), the 3.0 face will render
them as ``Instance`` structures.  Nothing here is named after either API's
parameters; the vocabularies are the emulator's own:

* status: a name of ``states.py``; changes are stored as "status since T,
  becomes NEXT at T2", so transitions need no background thread and
  survive a restart unchanged;
* disk types: ``local_basic``, ``cloud_basic``, ``local_ssd``,
  ``cloud_ssd``, ``cloud_premium``;
* bandwidth_charge: ``by_hour`` (legacy PayByHour, 3.0
  BANDWIDTH_POSTPAID_BY_HOUR) or ``by_traffic`` (PayByTraffic,
  TRAFFIC_POSTPAID_BY_HOUR);
* charge_type: ``postpaid_by_hour`` or ``spot`` (3.0 SPOTPAID; room for
  ``prepaid``);
* termination_cause: why the instance is returning/returned -- ``api``
  (TerminateInstances, ReturnInstance), ``timer`` (an action timer fired) or
  ``reclaim`` (a spot reclaim of the control API); None while alive.

Fields with defaults that no legacy action sets (tags, stop-charging
mode, termination protection, user data, spot options, key ids, host name,
latest operation) are filled by the 3.0 face.  Expiry timers are not
instance fields: they outlive their instance (DONE timers stay listed), so
the store keeps them on their own (``timers.py``).  ``from_row`` fills a
missing field with its default and ignores fields it no longer knows, so
adding or dropping a field does not invalidate a state file.
"""

CLOUD_DISKS = frozenset(("cloud_basic", "cloud_ssd", "cloud_premium"))

# field -> default (list defaults are empty and get a fresh list per instance)
DEFAULTS = {
    "instance_id": None,  # ins-xxxxxxxx
    "legacy_id": None,  # qcvm + 32 hex
    "uuid": None,
    "seq": 0,  # creation order, global
    "region": None,  # legacy short code (catalog.REGIONS)
    "zone_id": None,  # int (catalog.ZONES)
    "family": "CVM.S1",  # instance family of api-notes/legacy.md section 3.4
    "cpu": 1,
    "mem": 1,
    "image_id": None,  # images.IMAGES
    "system_disk": None,  # {"disk_id", "size", "type"}
    "data_disks": [],  # [{"disk_id", "size", "type"}]
    "bandwidth_charge": "by_hour",
    "bandwidth": 0,  # Mbps
    "public_ips": [],
    "public_ip_wanted": True,  # False when the create asked for no public IP (legacy wanIp=0)
    "vpc_id": None,  # vpc-... (None: basic network)
    "subnet_id": None,
    "private_ip": None,
    "is_vpc_gateway": False,
    "project_id": 0,
    "name": "",
    "created_at": 0.0,  # Unix seconds
    "status": None,
    "status_time": 0.0,
    "next_status": None,
    "next_at": None,
    "charge_type": "postpaid_by_hour",
    "security_group_ids": [],  # ordered: order = priority
    "tags": [],  # [[key, value], ...] in the order given
    "stopped_mode": None,  # None, "keep_charging" or "stop_charging" (while stopped)
    "disable_api_termination": False,
    "user_data": None,  # base64 text as received
    "host_name": None,
    "key_ids": [],
    "spot": None,  # spot instances: {"max_price": "0.05", "spot_instance_type": "one-time"}
    "ip_released": False,  # True while stopped without charging after its public IP was released
    "termination_cause": None,  # None, "api", "timer" or "reclaim"
    "latest_operation": None,  # {"name", "request_id"}; its state follows next_status
}
FIELDS = tuple(DEFAULTS)
_FIELD_SET = frozenset(FIELDS)
_LISTS = tuple(name for name, default in DEFAULTS.items() if isinstance(default, list))
_SCALARS = tuple((name, default) for name, default in DEFAULTS.items() if name not in _LISTS)


class InstanceState:
    __slots__ = FIELDS

    def __init__(self, **values):
        if not _FIELD_SET.issuperset(values):
            raise TypeError(f"unknown instance fields: {', '.join(sorted(set(values) - _FIELD_SET))}")
        # Seeding builds 10,000s of these: defaults first, then the given values, no per-field tests.
        for name, default in _SCALARS:
            setattr(self, name, default)
        for name in _LISTS:
            setattr(self, name, [])
        for name, value in values.items():
            setattr(self, name, value)

    def effective(self, now):
        """(status, since) at time ``now``."""
        if self.next_status is not None and now >= self.next_at:
            return self.next_status, self.next_at
        return self.status, self.status_time

    def stop_charging_eligible(self):
        """api-notes/v3.md 10.2.1: pay-as-you-go (not spot) with only cloud disks (system and data)."""
        disks = [self.system_disk] + list(self.data_disks)
        return self.charge_type == "postpaid_by_hour" and all(disk["type"] in CLOUD_DISKS for disk in disks)

    def stopped_without_charging(self, now):
        """STOPPED (the transition done) after StopInstances StoppedMode=STOP_CHARGING."""
        return self.stopped_mode == "stop_charging" and self.effective(now)[0] == "stopped"

    def to_row(self):
        return {name: getattr(self, name) for name in FIELDS}

    @classmethod
    def from_row(cls, row):
        return cls(**{name: row[name] for name in FIELDS if name in row})

    def __repr__(self):
        return f"InstanceState({self.instance_id!r}, {self.region!r}, {self.status!r})"
