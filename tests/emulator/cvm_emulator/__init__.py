# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local emulator of Tencent Cloud's legacy CVM API (``/v2/index.php``).

Standard library only; an independent reading of ``legacy-cvm-api.md`` that
imports nothing from the collection's ``plugins/``.

Start it from the collection root::

    PYTHONPATH=tests/emulator python -m cvm_emulator --port 0 --port-file /tmp/cvm.port

The one key pair it accepts (override with ``--secret-id`` / ``--secret-key``):

* SecretId:  ``AKIDEMULATOR00000000000000000000000000``
* SecretKey: ``emulator-secret-key-0000000000000000``

Actions: RunInstancesHour, DescribeInstances, ReturnInstance,
InquiryInstancePriceHour, StartInstances, StopInstances, RestartInstances,
UpdateInstanceBandwidthHour, and the dfw.api.qcloud.com actions
ModifySecurityGroupsOfInstance, DescribeSecurityGroupEx,
DescribeInstancesOfSecurityGroup (same port and path).  A JSON control API
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
