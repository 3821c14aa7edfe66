# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the benchmarks share: paths, the emulator, measured child processes, tables, the JSON line.

The benchmarks run the collection as installed (``make install``), through real
``ansible-inventory`` / ``ansible-playbook`` processes, against the emulator
started by the integration suite's harness. They never assert on times: they
print a table and one line ``BENCH_JSON {...}`` for machines.

Every child process is measured on its own with ``os.wait4``: wall time, CPU
time (user + system) and peak RSS of that process alone. The emulator runs on
the same cores, so its CPU time is read separately from /proc.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
REPO_ROOT = PERF_DIR.parents[1]
INTEGRATION_DIR = REPO_ROOT / "tests" / "integration"

sys.path.insert(0, str(INTEGRATION_DIR))
import cvm_harness  # noqa: E402  pylint: disable=wrong-import-position

SECRET_ID = cvm_harness.SECRET_ID
SECRET_KEY = cvm_harness.SECRET_KEY
REGION = "gz"
ZONE_ID = 100003
IMAGE_ID = "img-3wnd9xpl"


def collections_path():
    """Where the collection is installed: ANSIBLE_COLLECTIONS_PATH, else the perf or default build of ``make install``."""
    configured = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if configured:
        return configured
    for build in (".build-perf", ".build"):
        candidate = REPO_ROOT / build / "collections"
        if (candidate / "ansible_collections" / "qcloud" / "cvm").is_dir():
            return str(candidate)
    raise SystemExit("the collection is not installed: run `make install` (or set ANSIBLE_COLLECTIONS_PATH)")


def ansible_bin(name):
    """An ansible executable beside the running Python (the venv), else from PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise SystemExit("{0} not found: run from the venv (`make bench`) or put it on PATH".format(name))
    return found


def use_installed_collection():
    """Make ``ansible_collections.qcloud.cvm`` importable in this process, from the installed copy."""
    path = collections_path().split(os.pathsep)[0]
    if path not in sys.path:
        sys.path.insert(0, path)


def legacy_client(endpoint, region=REGION, retries=0):
    """The installed collection's own signing client of the legacy API (``_api/legacy.py``), for one region's short code.

    Built without the process-wide request pacer (``pacer=None``): the benchmarks measure the emulator and the
    client, not the pacing within the API's rate limits (40 DescribeInstances/s would be ~25 ms per answer).
    """
    use_installed_collection()
    # pylint: disable=import-outside-toplevel
    from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
    from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
    from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient
    from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy

    return LegacyClient(Credentials(SECRET_ID, SECRET_KEY), region, parse_endpoint(endpoint), retry_policy=RetryPolicy(retries=retries), pacer=None)


def ansible_env(emulator, **extra):
    """The integration harness's environment (installed collection, credentials, the emulator),
    without its test-result callback and with less noise."""
    # None removes the variable: an empty ANSIBLE_CALLBACKS_ENABLED is a callback without a name, which ansible-playbook refuses.
    settings = dict(ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_CALLBACKS_ENABLED=None, ANSIBLE_DEPRECATION_WARNINGS="0")
    settings.update(extra)
    return cvm_harness.ansible_env(emulator, **settings)


def start_emulator(*flags):
    return cvm_harness.start_emulator(*flags)


class Measured:
    """One finished child process: exit code, wall seconds, CPU seconds (user + sys), peak RSS in MiB."""

    def __init__(self, rc, wall, user, system, maxrss_kib, started, ended, stdout_path, stderr_text):
        self.rc = rc
        self.wall = wall
        self.user = user
        self.system = system
        self.cpu = user + system
        self.rss_mib = maxrss_kib / 1024.0
        self.started = started
        self.ended = ended
        self.stdout_path = stdout_path
        self.stderr = stderr_text

    def stdout(self):
        return Path(self.stdout_path).read_text(encoding="utf-8") if self.stdout_path else ""

    def check(self, what):
        if self.rc != 0:
            raise SystemExit("{0} failed (rc {1}):\n{2}\n{3}".format(what, self.rc, self.stdout()[-3000:], self.stderr[-3000:]))
        return self


def machine_busy_seconds():
    """CPU seconds all cores spent busy since boot (/proc/stat), or None where /proc is missing."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal ...
    busy = sum(int(fields[index]) for index in (1, 2, 3, 6, 7, 8) if index < len(fields))
    return busy / os.sysconf("SC_CLK_TCK")


def run_measured(command, env, cwd, stdout_path=None):
    """Run ``command`` to its end and measure that process alone (os.wait4).

    Also ``busy``: the CPU seconds the whole machine was busy meanwhile, so that
    the load of other processes during the run can be told apart.
    """
    stdout_path = Path(stdout_path) if stdout_path else Path(cwd) / "stdout.txt"
    stderr_path = Path(cwd) / "stderr.txt"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        busy_before = machine_busy_seconds()
        started = time.time()
        begin = time.perf_counter()
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [str(part) for part in command],
            env=env,
            cwd=str(cwd),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - begin
        ended = time.time()
        busy_after = machine_busy_seconds()
        process.returncode = os.waitstatus_to_exitcode(status)
    measured = Measured(
        process.returncode,
        wall,
        usage.ru_utime,
        usage.ru_stime,
        usage.ru_maxrss,
        started,
        ended,
        stdout_path,
        stderr_path.read_text(encoding="utf-8", errors="replace"),
    )
    measured.busy = None if busy_before is None or busy_after is None else busy_after - busy_before
    return measured


def process_cpu_seconds(pid):
    """CPU seconds (user + sys) a running process used so far, from /proc; None where /proc is missing."""
    try:
        fields = Path("/proc/{0}/stat".format(pid)).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    """(min, max) of the values, for the table's noise column."""
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def ceil_log(value, base):
    return math.ceil(math.log(value) / math.log(base)) if value > 1 else 0


def fmt(value, digits=2):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "{0:.{1}f}".format(value, digits)
    return str(value)


def print_table(title, headers, rows):
    """A plain text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[fmt(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print()
    print(title)
    for index, row in enumerate(cells):
        print("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    sys.stdout.flush()


def goal_line(name, met, detail):
    return {"goal": name, "met": met, "detail": detail}


def print_goals(goals):
    print_table(
        "Goals", ["goal", "met", "measured"], [[g["goal"], "MET" if g["met"] else ("n/a" if g["met"] is None else "MISSED"), g["detail"]] for g in goals]
    )


def machine():
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in load] if load else None,
        "python": platform.python_version(),
        "ansible_core": _ansible_core_version(),
    }


def _ansible_core_version():
    try:
        from ansible.release import __version__  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return __version__


def emit_json(bench, payload):
    """The machine-readable line: ``BENCH_JSON {"bench": ..., ...}``."""
    record = {"bench": bench, "machine": machine()}
    record.update(payload)
    print("BENCH_JSON " + json.dumps(record, sort_keys=True, default=str))
    sys.stdout.flush()


def log(message):
    print("[{0}] {1}".format(time.strftime("%H:%M:%S"), message), file=sys.stderr)
    sys.stderr.flush()


def request_log_since(emulator, seq):
    """API calls the emulator logged after sequence number ``seq``."""
    return emulator.control("GET", "requests?since={0}".format(int(seq)))["requests"]


def last_seq(emulator):
    """The sequence number of the last API call logged so far (0 when none)."""
    entries = emulator.control("GET", "requests")["requests"]
    return entries[-1]["seq"] if entries else 0


def count_by_action(entries):
    counts = {}
    for entry in entries:
        counts[entry["action"]] = counts.get(entry["action"], 0) + 1
    return dict(sorted(counts.items()))


def playbook_text(tasks):
    """A one-play playbook on the implicit localhost, no facts."""
    return json.dumps([{"name": "perf", "hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def instance_hour_task(name, goods_num, state="present", wait=True, wait_timeout=300, register="result"):
    return {
        "name": "cvm_instance_hour",
        "qcloud.cvm.cvm_instance_hour": {
            "zone_id": ZONE_ID,
            "cpu": 1,
            "mem": 2,
            "image_id": IMAGE_ID,
            "instance_name": name,
            "goods_num": goods_num,
            "wait": wait,
            "wait_timeout": wait_timeout,
            "state": state,
        },
        "register": register,
    }


def timer_env(log_path):
    """Settings that turn on the integration suite's record_results callback, writing task results and timings to ``log_path``."""
    return {
        "ANSIBLE_CALLBACK_PLUGINS": str(cvm_harness.INTEGRATION_DIR / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "QCLOUD_CVM_RESULT_LOG": str(log_path),
    }


def read_timer_log(log_path):
    path = Path(log_path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class PlaybookRun:
    """A finished ansible-playbook run: the measured process, the task timings and the API calls it made."""

    def __init__(self, measured, timings, requests):
        self.measured = measured
        self.timings = timings
        self.requests = requests

    def task(self, name="cvm_instance_hour"):
        matches = [entry for entry in self.timings if entry["task"] == name]
        if not matches:
            raise SystemExit("no result for task {0!r}: {1}\n{2}".format(name, self.measured.stdout()[-3000:], self.measured.stderr[-3000:]))
        return matches[-1]

    def by_action(self):
        return count_by_action(self.requests)


def run_playbook(emulator, workdir, tasks, label, check_ok=True):
    """Write a one-play playbook of ``tasks`` and run it on localhost against the emulator."""
    workdir = Path(workdir)
    playbook = workdir / "{0}.yml".format(label)
    playbook.write_text(playbook_text(tasks), encoding="utf-8")
    timer_log = workdir / "{0}.timings.jsonl".format(label)
    if timer_log.exists():
        timer_log.unlink()
    before = last_seq(emulator) if emulator is not None else 0
    measured = run_measured(
        [ansible_bin("ansible-playbook"), "-i", "localhost,", "-c", "local", playbook],
        ansible_env(emulator, **timer_env(timer_log)),
        workdir,
        workdir / "{0}.out".format(label),
    )
    if check_ok:
        measured.check("ansible-playbook {0}".format(label))
    requests = request_log_since(emulator, before) if emulator is not None else []
    return PlaybookRun(measured, read_timer_log(timer_log), requests)
