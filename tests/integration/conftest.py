# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the integration suite (the harness itself is cvm_harness.py, importable by tests)."""

from __future__ import annotations

import json

import pytest


# Emulator and Run stay importable from conftest.
from cvm_harness import APIS, PLAYBOOKS_DIR, Emulator, Run, run_ansible, start_emulator  # noqa: F401  pylint: disable=unused-import


@pytest.fixture(scope="session")
def emulator_server():
    server = start_emulator("--create-delay", "0.2", "--return-delay", "0.2")
    yield server
    server.stop()


@pytest.fixture(params=APIS)
def api(request):
    """The API a test runs on, legacy then v3: a test (or module) that asks for this fixture runs on both."""
    return request.param


@pytest.fixture
def emulator(request, emulator_server):
    """The session's emulator, emptied (state, log, faults, settings) before the test.

    Its ansible runs speak the test's ``api`` when the test asks for that fixture, else the legacy API (the default).
    """
    emulator_server.reset()
    # Short transitions: a new instance runs at the module's first poll (0.5 s after the create).
    emulator_server.configure(create_delay=0.2, return_delay=0.2)
    emulator_server.api = request.getfixturevalue("api") if "api" in request.fixturenames else "legacy"
    yield emulator_server
    emulator_server.api = "legacy"


@pytest.fixture
def playbook(emulator):
    """Run a playbook (a path relative to tests/integration/playbooks) against the emulator."""

    def run(path, extra_vars=None, check=False, diff=False, args=(), env_extra=None):
        cmd = [PLAYBOOKS_DIR / path, "-i", "localhost,", "-c", "local"]
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


def pytest_sessionfinish(session):
    """Under pytest-xdist, a worker hands its reliability figures to the controller, which prints them."""
    import reliability_support  # pylint: disable=import-outside-toplevel

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["qcloud_cvm_figures"] = json.dumps(reliability_support.FIGURES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # pylint: disable=unused-argument
    """pytest-xdist's controller: add a finished worker's figures to its own."""
    import reliability_support  # pylint: disable=import-outside-toplevel

    for section, figures in json.loads(getattr(node, "workeroutput", {}).get("qcloud_cvm_figures", "{}")).items():
        reliability_support.record(section, **figures)


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
