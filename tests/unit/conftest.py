# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Set-up shared by every unit test.

* Modules run in-process here (``patch_module_args``), and AnsibleModule keeps
  the warnings of a process in one module-level table that no exit clears:
  without a fresh table per test, a result would also carry the warnings of
  every module run before it.
* Every client paces its requests through the process-wide pacer
  (``_api/rate_limits.py``), which sleeps for real once a second's burst is
  spent. Unit tests send hundreds of requests in well under a second, so the
  pacer only records here (``paced`` fixture); tests/unit/plugins/module_utils/_api/test_rate_limits.py
  tests the pacing itself, on a fake clock.
"""

from __future__ import annotations

import pytest

from ansible.module_utils.common import warnings as module_warnings


@pytest.fixture(autouse=True)
def fresh_module_warnings(monkeypatch):
    for name in ("_global_warnings", "_global_deprecations"):
        table = getattr(module_warnings, name, None)
        if table is not None:
            monkeypatch.setattr(module_warnings, name, type(table)())


@pytest.fixture(autouse=True)
def paced(monkeypatch):
    """The (protocol, SecretId, action) of every request paced; nothing waits."""
    try:
        from ansible_collections.qcloud.cvm.plugins.module_utils._api import rate_limits  # pylint: disable=import-outside-toplevel
    except ImportError:
        yield []
        return
    calls = []

    def record(protocol, secret_id, action):
        calls.append((protocol, secret_id, action))
        return 0.0

    monkeypatch.setattr(rate_limits.PROCESS_PACER, "wait", record)
    yield calls
