# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import shutil

from ecosystem_tools import COLLECTION_ROOT, run_tool


def test_changelog_fragments_lint():
    code, output = run_tool(["antsibull-changelog", "lint"])
    assert code == 0, output


def test_release_notes_for_the_first_release_generate(tmp_path):
    copy = tmp_path / "ansible_collections" / "qcloud" / "cvm"
    shutil.copytree(COLLECTION_ROOT, copy, ignore=shutil.ignore_patterns(".git", "tests"))
    code, output = run_tool(["antsibull-changelog", "release", "--version", "0.1.0", "--date", "2026-12-01"], cwd=copy)
    assert code == 0, output
    notes = (copy / "CHANGELOG.rst").read_text()
    assert "v0.1.0" in notes and "Release Summary" in notes
    # New content is listed from the plugin docs themselves.
    for name in ("qcloud.cvm.cvm_instance_hour", "qcloud.cvm.cvm_instance_info", "qcloud.cvm.cvm"):
        assert name in notes, notes
