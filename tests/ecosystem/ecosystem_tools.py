# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers of the ecosystem tests: run the tools users and Galaxy run on the collection.

A plain module, not conftest.py, so that test files can import it by a name no
other test directory uses."""

from __future__ import annotations

import os
import subprocess
import sys

from pathlib import Path

import pytest

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent


def run_tool(args, cwd=COLLECTION_ROOT, env_extra=None, timeout=900):
    """Run a tool of the test virtual environment; return (exit code, stdout + stderr)."""
    env = dict(os.environ, PATH="{0}{1}{2}".format(BIN_DIR, os.pathsep, os.environ.get("PATH", "")), **(env_extra or {}))
    completed = subprocess.run([str(a) for a in args], cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return completed.returncode, completed.stdout + completed.stderr


@pytest.fixture(scope="session")
def tarball():
    path = Path(os.environ.get("QCLOUD_CVM_TARBALL", ""))
    if not path.is_file():
        pytest.fail("QCLOUD_CVM_TARBALL must name the built collection tarball (make pytest sets it), got {0!r}".format(str(path)))
    return path
