# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the integration suite (the harness itself is cvm_harness.py, importable by tests)."""

from __future__ import annotations

import json

import pytest

from cvm_harness import TARGETS_DIR, run_ansible, start_emulator
# Emulator and Run stay importable from conftest.
from cvm_harness import Emulator, Run  # noqa: F401  pylint: disable=unused-import


@pytest.fixture(scope="session")
def emulator_server():
    server = start_emulator("--create-delay", "0.5", "--return-delay", "0.5")
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator, emptied (state, log, faults, settings) before the test."""
    emulator_server.reset()
    emulator_server.configure(create_delay=0.5, return_delay=0.5)
    yield emulator_server


@pytest.fixture
def playbook(emulator):
    """Run a playbook (a path relative to tests/integration/playbooks) against the emulator."""
    def run(path, extra_vars=None, check=False, diff=False, args=(), env_extra=None):
        cmd = [TARGETS_DIR / path, "-i", "localhost,", "-c", "local"]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        return run_ansible("ansible-playbook", emulator, cmd + list(args), env_extra=env_extra)
    return run


@pytest.fixture
def inventory(emulator):
    """Run ansible-inventory with the given arguments against the emulator."""
    def run(*args, env_extra=None):
        return run_ansible("ansible-inventory", emulator, args, env_extra=env_extra)
    return run


def pytest_terminal_summary(terminalreporter):
    """The figures of the test_reliability_* suites (cases run, faults survived, duplicates found), when any ran."""
    import reliability_support  # pylint: disable=import-outside-toplevel
    lines = reliability_support.figure_lines()
    if not lines:
        return
    terminalreporter.section("qcloud.cvm reliability figures")
    for line in lines:
        terminalreporter.write_line(line)
    path = reliability_support.report_path()
    if path:
        reliability_support.write_report(path)
        terminalreporter.write_line("written to " + path)
