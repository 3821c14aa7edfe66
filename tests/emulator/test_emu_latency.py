# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Added latency: before every API answer, never serialising requests, never on the control API."""

import threading
import time

import pytest

from emu_client import Client, Control

LATENCY = 0.3
PARALLEL = 10


def test_config_latency(emu):
    config = emu.control.get("config")["config"]
    assert config["latency"] == 0.0 and config["rate_limits"] is False
    assert emu.control.post("config", {"latency": 0.25})["config"]["latency"] == 0.25
    for bad in (-1, "slow", True, 3601):
        assert "error" in emu.control.post("config", {"latency": bad}, expect=400)
    emu.control.post("reset")
    assert emu.control.get("config")["config"]["latency"] == 0.0


def test_every_answer_waits(emu):
    emu.control.post("config", {"latency": LATENCY})
    for call in (
        lambda: emu.client.call("DescribeInstances"),
        lambda: emu.client.call("DescribeInstances", {"limit": "0"}),  # an error answer
        lambda: emu.client.call("NoSuchAction"),
    ):
        started = time.monotonic()
        call()
        assert time.monotonic() - started >= LATENCY


def test_control_api_is_not_delayed(emu):
    emu.control.post("config", {"latency": 2})
    started = time.monotonic()
    for _attempt in range(3):
        emu.control.get("config")
        emu.control.instances()
    assert time.monotonic() - started < 2


def test_concurrent_requests_wait_in_parallel(emu):
    emu.control.post("config", {"latency": LATENCY})
    emu.control.post("seed", {"count": 5})
    barrier = threading.Barrier(PARALLEL)
    times, errors = [], []
    lock = threading.Lock()

    def work():
        try:
            client = Client(emu.url)
            barrier.wait(timeout=10)
            started = time.monotonic()
            answer = client.call("DescribeInstances")
            with lock:
                times.append(time.monotonic() - started)
            assert answer["totalCount"] == 5
        except Exception as exc:  # pylint: disable=broad-exception-caught
            errors.append(exc)

    threads = [threading.Thread(target=work) for _index in range(PARALLEL)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert len(times) == PARALLEL and min(times) >= LATENCY
    # Serialised, ten calls would need 3 s; in parallel they take one latency plus overhead.
    assert elapsed < LATENCY * 3, elapsed


def test_latency_flag(cli):
    proc = cli("--latency", "0.2")
    url = f"http://127.0.0.1:{proc.port}"
    assert Control(url).get("config")["config"]["latency"] == 0.2
    started = time.monotonic()
    assert Client(url).call("DescribeInstances")["code"] == 0
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize("args", [["--latency", "-1"], ["--latency", "3601"]])
def test_latency_flag_validation(cli, args):
    with pytest.raises(AssertionError, match="did not start"):
        cli(*args)
