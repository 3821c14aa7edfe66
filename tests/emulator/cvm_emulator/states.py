# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Instance states, API-neutral, and how each face names them.

The store keeps these names; the legacy face renders the integer codes of
docs/api-notes/legacy.md section 4.3, the 3.0 face the InstanceState strings of
docs/api-notes/v3.md section 3.2.2 (pairing of section 5.4).  States 10-20 of the
legacy list are "an operation is running"; 3.0 shows them as RUNNING with
LatestOperationState OPERATING, so the 3.0 column says RUNNING.
"""

CREATING = "creating"
LAUNCH_FAILED = "launch_failed"
RUNNING = "running"
STOPPED = "stopped"
STARTING = "starting"
STOPPING = "stopping"
REBOOTING = "rebooting"
RETURNING = "returning"
RETURNED = "returned"
FAULT = "fault"

# name -> (legacy status code, 3.0 InstanceState or None when 3.0 has no counterpart [UNK])
TABLE = {
    LAUNCH_FAILED: (-1, "LAUNCH_FAILED"),
    FAULT: (1, None),
    RUNNING: (2, "RUNNING"),
    CREATING: (3, "PENDING"),
    STOPPED: (4, "STOPPED"),
    RETURNED: (5, "SHUTDOWN"),
    RETURNING: (6, "TERMINATING"),
    REBOOTING: (7, "REBOOTING"),
    STARTING: (8, "STARTING"),
    STOPPING: (9, "STOPPING"),
    "resetting_password": (10, "RUNNING"),
    "formatting": (11, "RUNNING"),
    "creating_image": (12, "RUNNING"),
    "setting_bandwidth": (13, "RUNNING"),
    "reinstalling": (14, "RUNNING"),
    "binding_domain": (15, "RUNNING"),
    "unbinding_domain": (16, "RUNNING"),
    "binding_load_balancer": (17, "RUNNING"),
    "unbinding_load_balancer": (18, "RUNNING"),
    "upgrading": (19, "RUNNING"),
    "distributing_key": (20, "RUNNING"),
}

LEGACY_CODE = {name: codes[0] for name, codes in TABLE.items()}
FROM_LEGACY = {code: name for name, code in LEGACY_CODE.items()}

# States in which an instance no longer holds its private IP or its security groups.
RELEASED = frozenset((RETURNING, RETURNED, LAUNCH_FAILED))
# States after which the instance drops out of listings once forget_delay passed.
GONE = frozenset((RETURNED, LAUNCH_FAILED))
