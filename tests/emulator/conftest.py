# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures for the emulator tests: an in-process emulator, extra ones, and the CLI as a subprocess."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# pylint: disable=wrong-import-position
from cvm_emulator.config import Settings  # noqa: E402
from cvm_emulator.server import RunningEmulator  # noqa: E402
from emu_client import CliProcess, Handle  # noqa: E402
from emu_v3_client import V3Client  # noqa: E402


@pytest.fixture(scope="session", name="shared_server")
def shared_server_fixture():
    with RunningEmulator(Settings(create_delay=0.3, return_delay=0.3, forget_delay=60)) as running:
        yield running


@pytest.fixture
def emu(shared_server):
    """The shared in-process emulator, reset to an empty state (fast delays: 0.3 s)."""
    handle = Handle(shared_server.url)
    handle.control.post("reset")
    return handle


@pytest.fixture
def make_emulator():
    """Start an extra in-process emulator with custom Settings; stopped after the test."""
    started = []

    def start(**settings):
        running = RunningEmulator(Settings(**settings)).start()
        started.append(running)
        return Handle(running.url)

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def cli(tmp_path):
    """Start ``python -m cvm_emulator`` as a subprocess; killed after the test."""
    started = []

    def start(*args, name="emu"):
        proc = CliProcess(args, tmp_path, name)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()


@pytest.fixture
def v3(emu, shared_server):
    """A 3.0 client of the shared emulator (reset by ``emu``)."""
    return V3Client(shared_server.url)
