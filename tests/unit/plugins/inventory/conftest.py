# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller-side set-up for the inventory tests, kept out of the other unit tests of the same pytest run.

The inventory tests load qcloud.cvm.cvm through the plugin loader, as ansible-inventory does, so that its
documented options (and the doc fragment qcloud.cvm.qcloud) are what the tests exercise. So Ansible's
collection loader must own ``ansible_collections`` from the first import on (as under ``ansible-test units``).

Importing controller code also flags the process as "controller" for good
(``ansible.module_utils._internal.is_controller``), and a module's ``warn()`` then goes to the display
instead of the module's result. The flag is set back at once, and set only while a test of this
directory runs, so module tests that read their warnings see them whatever ran first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.module_utils import _internal as module_utils_internal

_TARGET_SIDE = module_utils_internal.is_controller

from ansible.plugins.loader import init_plugin_loader  # noqa: E402  pylint: disable=wrong-import-position

# tests/unit/plugins/inventory/conftest.py inside <root>/ansible_collections/qcloud/cvm
COLLECTIONS_ROOT = Path(__file__).resolve().parents[7]

init_plugin_loader([str(COLLECTIONS_ROOT)])
module_utils_internal.is_controller = _TARGET_SIDE


@pytest.fixture(autouse=True)
def controller_side(monkeypatch):
    monkeypatch.setattr(module_utils_internal, "is_controller", True)
