# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Whether an instance has the configuration a spec asks for.

Private: may change without notice.
"""

from __future__ import annotations


def configuration_differences(instance, spec):
    """The spec's settings that ``instance`` does not have, by name; empty means the same configuration.

    Compared: CPU, memory, image, project, bandwidth, the data disk's size and
    (when there is one) type, the system disk's size (when asked for), and,
    where the API reports them, the family, the VPC and subnet, and the private
    IP (when asked for). Zone and name are the look-up's job.
    """
    data_disk = instance.data_disks[0] if instance.data_disks else {}
    pairs = [
        ("cpu", instance.cpu, spec.cpu),
        ("memory", instance.memory, spec.memory),
        ("image_id", instance.image_id, spec.image_id),
        ("project_id", instance.project_id or 0, spec.project_id),
        ("bandwidth", instance.bandwidth or 0, spec.bandwidth),
        ("data_disk_size", data_disk.get("disk_size") or 0, spec.data_disk_size),
        ("vpc_id", instance.vpc_id, spec.vpc_id),
        ("subnet_id", instance.subnet_id, spec.subnet_id),
    ]
    if spec.data_disk_size and data_disk.get("disk_type"):
        pairs.append(("data_disk_type", data_disk["disk_type"], spec.disk_type))
    if spec.system_disk_size is not None and instance.system_disk.get("disk_size") is not None:
        pairs.append(("system_disk_size", instance.system_disk["disk_size"], spec.system_disk_size))
    if instance.instance_family is not None:
        pairs.append(("instance_family", instance.instance_family, spec.instance_family))
    if spec.private_ip:
        pairs.append(("private_ip", instance.private_ip, spec.private_ip))
    return [name for name, actual, wanted in pairs if actual != wanted]


def matches_spec(instance, spec):
    """Same zone, exactly the same name, and the same configuration."""
    return (instance.zone_id == spec.zone_id and instance.instance_name == spec.instance_name
            and not configuration_differences(instance, spec))
