# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ecosystem_tools import COLLECTION_ROOT, run_tool

PLAYBOOK_DIRS = ["docs/examples", "tests/integration/playbooks", "tests/integration/targets"]


def test_every_example_and_test_playbook_passes_ansible_lint_production():
    playbooks = [p for d in PLAYBOOK_DIRS for p in sorted((COLLECTION_ROOT / d).rglob("*.yml"))]
    assert playbooks, "no playbooks found"
    code, output = run_tool(["ansible-lint", "--profile", "production", "--offline", "--nocolor"] + PLAYBOOK_DIRS)
    assert code == 0, output
