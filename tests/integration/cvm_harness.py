# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The integration suite's harness: a real emulator over HTTP and real ansible runs.

Every test talks to the emulator (tests/emulator) over a loopback socket through
real ``ansible-playbook`` / ``ansible-inventory`` processes, using the collection
installed from its own tarball (``make install``; ANSIBLE_COLLECTIONS_PATH).
Playbooks assert what they can themselves; pytest reads each task's result
from the record_results callback and the emulator's state and request log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
INTEGRATION_DIR = Path(__file__).resolve().parent
TARGETS_DIR = INTEGRATION_DIR / "targets"
EMULATOR_PATH = REPO_ROOT / "tests" / "emulator"
BIN_DIR = Path(sys.executable).parent

SECRET_ID = "AKIDEMULATOR00000000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
REGION = "gz"


class Emulator:
    """A running emulator process and its control API."""

    def __init__(self, process, port, scheme="http"):
        self.process = process
        self.port = port
        self.base_url = "{0}://127.0.0.1:{1}".format(scheme, port)
        self.endpoint = self.base_url + "/v2/index.php"

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.base_url + "/_emulator/" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
            text = response.read().decode("utf-8")
        return json.loads(text) if text else {}

    def reset(self):
        self.control("POST", "reset", {})

    def instances(self):
        return self.control("GET", "instances")["instances"]

    def live_instances(self, name=None):
        """Instances not given back (status 5) nor being given back (6)."""
        return [i for i in self.instances() if i["status"] not in (5, 6) and (name is None or i["instanceName"] == name)]

    def requests(self, action=None):
        entries = self.control("GET", "requests")["requests"]
        return [e for e in entries if action is None or e["action"] == action]

    def fault(self, action, kind, times=1, seconds=0):
        return self.control("POST", "faults", {"action": action, "kind": kind, "times": times, "seconds": seconds})

    def configure(self, **settings):
        return self.control("POST", "config", settings)

    def seed(self, count, regions, name_prefix="seed", status=2):
        return self.control("POST", "seed", {"count": count, "regions": regions, "name_prefix": name_prefix, "status": status})

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_emulator(*flags, scheme="http", workdir=None):
    """Start ``python -m cvm_emulator`` on a free loopback port and wait until it serves."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="cvm-emulator-"))
    port_file = workdir / "port"
    env = dict(os.environ, PYTHONPATH=str(EMULATOR_PATH))
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "cvm_emulator", "--port", "0", "--port-file", str(port_file)] + list(flags),
        env=env, stderr=open(workdir / "emulator.log", "ab"),  # pylint: disable=consider-using-with
    )
    deadline = time.monotonic() + 20
    while not (port_file.exists() and port_file.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the emulator did not start: " + (workdir / "emulator.log").read_text())
        time.sleep(0.05)
    return Emulator(process, int(port_file.read_text().strip()), scheme=scheme)


def ansible_env(emulator, **extra):
    """The environment an ansible process gets: the installed collection, credentials, the emulator's endpoint."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(REPO_ROOT / ".build" / "collections")),
        ANSIBLE_CALLBACK_PLUGINS=str(INTEGRATION_DIR / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="record_results",
        ANSIBLE_NOCOLOR="1",
        # Modules run with the test's own Python, the one that has requests.
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        TENCENTCLOUD_SECRET_ID=SECRET_ID,
        TENCENTCLOUD_SECRET_KEY=SECRET_KEY,
        TENCENTCLOUD_REGION=REGION,
        QCLOUD_CVM_ENDPOINT=emulator.endpoint,
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


class Run:
    """One finished ansible process: its exit code, output and per-task results."""

    def __init__(self, completed, results):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.results = results

    @property
    def output(self):
        return self.stdout + self.stderr

    def task(self, name, host=None):
        """The last result of the task called ``name``."""
        matches = [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]
        if not matches:
            raise AssertionError("no result for task {0!r}; tasks run: {1}".format(name, sorted({r["task"] for r in self.results})))
        return matches[-1]

    def __repr__(self):
        return "Run(rc={0}, output=...{1})".format(self.rc, self.output[-3000:])


def run_ansible(command, emulator, args=(), env_extra=None, timeout=600):
    with tempfile.TemporaryDirectory(prefix="cvm-run-") as workdir:
        result_log = Path(workdir) / "results.jsonl"
        env = ansible_env(emulator, QCLOUD_CVM_RESULT_LOG=result_log, **(env_extra or {}))
        completed = subprocess.run([str(BIN_DIR / command)] + [str(a) for a in args], env=env, cwd=str(INTEGRATION_DIR),
                                   capture_output=True, text=True, timeout=timeout, check=False)
        results = [json.loads(line) for line in result_log.read_text().splitlines()] if result_log.exists() else []
    return Run(completed, results)
