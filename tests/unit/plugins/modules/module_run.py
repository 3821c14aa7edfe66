# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running a module in-process against an in-memory legacy API or API 3.0, with a fake clock for its waits."""

from __future__ import annotations

import functools
import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible import module as module_base
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import task as task_module
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.waiting import wait_for_status
from ansible_collections.qcloud.cvm.tests.unit.fakes import v3_api
from ansible_collections.qcloud.cvm.tests.unit.fakes.clock import FakeClock
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi, install

ENVIRONMENT = (
    "TENCENTCLOUD_SECRET_ID",
    "TENCENTCLOUD_SECRET_KEY",
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_REGION",
    "QCLOUD_CVM_ENDPOINT",
    "QCLOUD_CVM_API",
)
ENDPOINT = "http://127.0.0.1:8080/v2/index.php"
V3_ENDPOINT = "http://127.0.0.1:8080/"


def fake_api(monkeypatch, module=None):
    """A FakeLegacyApi every backend of the module talks to; ``api.connections`` are the Connections opened.

    ``api.clock`` is the clock of every wait of the task (polls, and the pauses of a create whose instances are not
    listed yet), so waits take no time and tests see when each poll happened.
    """
    clock = FakeClock()
    return _installed(monkeypatch, module, install(monkeypatch, FakeLegacyApi(clock=clock)), clock)


def fake_v3_api(monkeypatch, module=None):
    """A FakeV3Api every backend of the module talks to, as ``fake_api`` does for the legacy API.

    ``api.wait_clock`` is the clock of the task's waits (``api.clock``, the fake's own, stays the wall clock: the
    module counts expiry times from it). New instances are listed RUNNING at once unless a test sets
    ``api.created_state``.
    """
    clock = FakeClock()
    api = v3_api.install(monkeypatch, v3_api.FakeV3Api())
    api.created_state = "RUNNING"
    api.wait_clock = clock
    return _installed(monkeypatch, module, api, clock)


def _installed(monkeypatch, module, api, clock):
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(task_module, "wait_for_status", functools.partial(wait_for_status, clock=clock, sleep=clock.sleep))
    if module is not None and hasattr(module, "InstanceTask"):
        monkeypatch.setattr(module, "InstanceTask", functools.partial(task_module.InstanceTask, sleep=clock.sleep))
    api.connections = []
    real_open_backend = module_base.open_backend

    def recording_open_backend(connection, *args, **kwargs):
        api.connections.append(connection)
        return real_open_backend(connection, *args, **kwargs)

    monkeypatch.setattr(module_base, "open_backend", recording_open_backend)
    return api


def run_module(module, capsys, args, check_mode=False, diff=False):
    module_args = dict(args)
    module_args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


def warnings(result):
    """The warning texts of a result (ansible-core 2.19 sends them as structured summaries)."""
    return [w if isinstance(w, str) else w.get("event", {}).get("msg", "") for w in result.get("warnings", [])]
