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

import os
import sys

from pathlib import Path

import pytest

from ansible.module_utils import _internal as module_utils_internal

_TARGET_SIDE = module_utils_internal.is_controller

from ansible.plugins.loader import init_plugin_loader  # noqa: E402  pylint: disable=wrong-import-position


def _collections_root():
    """The directory holding ``ansible_collections/qcloud/cvm`` (this collection).

    Not ``Path(__file__).resolve()``: the collection may be a symlink to the repository (``.build/inplace``),
    and resolving it leaves the ``ansible_collections`` tree. The path pytest imported this file by is used,
    else the ``sys.path`` entry that holds this collection.
    """
    here = Path(os.path.abspath(__file__))
    for parent in here.parents:
        if parent.name == "ansible_collections" and (parent / "qcloud" / "cvm").is_dir():
            return parent.parent
    repository = here.resolve().parents[4]
    for entry in sys.path:
        candidate = Path(entry or ".").absolute() / "ansible_collections" / "qcloud" / "cvm"
        if candidate.is_dir() and candidate.resolve() == repository:
            return candidate.parents[2]
    raise RuntimeError("{0} is not inside an ansible_collections/qcloud/cvm tree, nor is one on sys.path".format(here))


COLLECTIONS_ROOT = _collections_root()

init_plugin_loader([str(COLLECTIONS_ROOT)])
module_utils_internal.is_controller = _TARGET_SIDE


@pytest.fixture(autouse=True)
def controller_side(monkeypatch):
    monkeypatch.setattr(module_utils_internal, "is_controller", True)
