# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local emulator of Tencent Cloud's CVM APIs: the legacy API (``/v2/index.php``) and API 3.0 (``/``).

Standard library only; an independent reading of ``docs/api-notes/legacy.md``
and ``docs/api-notes/v3.md`` that imports nothing from the collection's
``plugins/``.  Both faces serve one store: an instance made through either
is seen, with the same ids, through both.

Start it from the collection root::

    PYTHONPATH=tests/emulator python -m cvm_emulator --port 0 --port-file /tmp/cvm.port

The one key pair it accepts (override with ``--secret-id`` / ``--secret-key``):

* SecretId:  ``AKIDEMULATOR00000000000000000000000000``
* SecretKey: ``emulator-secret-key-0000000000000000``

Actions: RunInstancesHour, DescribeInstances, ReturnInstance,
InquiryInstancePriceHour, StartInstances, StopInstances, RestartInstances,
UpdateInstanceBandwidthHour, and the dfw.api.qcloud.com actions
ModifySecurityGroupsOfInstance, DescribeSecurityGroupEx,
DescribeInstancesOfSecurityGroup (same port and path); on ``/``, signed with
TC3-HMAC-SHA256, the 3.0 actions of ``v3.table.ACTION_NAMES`` (cvm, and vpc
DescribeSecurityGroups).  A JSON control API
without authentication lives under ``/_emulator/`` (instances, requests,
faults, config, seed, security_groups, reset).
``tests/emulator/README.md`` documents flags, tables and every emulator choice.

Embedding in a test process::

    from cvm_emulator.config import Settings
    from cvm_emulator.server import RunningEmulator

    with RunningEmulator(Settings(create_delay=0.1)) as emu:
        print(emu.url)
"""

DEFAULT_SECRET_ID = "AKIDEMULATOR00000000000000000000000000"
DEFAULT_SECRET_KEY = "emulator-secret-key-0000000000000000"
API_PATH = "/v2/index.php"
API_HOST = "cvm.api.qcloud.com"
