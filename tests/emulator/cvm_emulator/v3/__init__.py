# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API 3.0 face (``/`` on the emulator's port, api-notes/v3.md section 7).

Same store, faults, request log, rate limits and latency as the legacy face;
only the protocol (TC3-HMAC-SHA256, ``{"Response": ...}``) and the actions
differ.  One module per job: ``auth`` (TC3), ``decode`` (JSON body or GET
query), ``schema`` (parameter shapes), ``checks`` (shared value rules),
``render`` (the 3.0 view of an instance), ``types``/``zones``/``images``/
``pricing`` (tables), ``spot`` (SPOTPAID rules), ``actions_*`` (handlers,
``actions_timers`` for the action timers), ``table`` (the action table) and
``face`` (the pipeline).  The guardrails' shared parts are outside the
package: ``..clock``, ``..timers``, ``..stock``.
"""

VERSION = "2017-03-12"
CVM = "cvm"
VPC = "vpc"
