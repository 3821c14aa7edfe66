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
* charge_type: ``postpaid_by_hour`` (room for ``spot`` and ``prepaid``).

Fields with defaults that no legacy action sets yet (tags, stop-charging
mode, termination protection, user data, spot options, expiry timer, key
ids, host name, latest operation) are kept so the 3.0 face can fill them;
``from_row`` fills a missing field with its default, so adding a field does
not invalidate a state file.
"""

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
    "spot": None,  # e.g. {"max_price": "0.5", "spot_instance_type": "one-time"}
    "expire_at": None,  # Unix seconds of a scheduled termination (3.0 ActionTimer)
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

    def to_row(self):
        return {name: getattr(self, name) for name in FIELDS}

    @classmethod
    def from_row(cls, row):
        return cls(**{name: row[name] for name in FIELDS if name in row})

    def __repr__(self):
        return f"InstanceState({self.instance_id!r}, {self.region!r}, {self.status!r})"
