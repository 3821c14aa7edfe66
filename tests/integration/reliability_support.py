# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared helpers of the test_reliability_* suites, and the figures they report.

Every reliability test records what it proved as figures (cases run, faults
survived, duplicates found, ...). ``conftest.pytest_terminal_summary`` prints
them after the run, and writes them as Markdown to the file named by the
environment variable QCLOUD_CVM_RELIABILITY_REPORT when it is set.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

from pathlib import Path

import yaml

from cvm_harness import BIN_DIR, EMULATOR_PATH, PLAYBOOKS_DIR, ansible_env

RELIABILITY = PLAYBOOKS_DIR / "reliability"
REPORT_VARIABLE = "QCLOUD_CVM_RELIABILITY_REPORT"

# section -> {figure -> value}, in the order the tests recorded them.
FIGURES = {}


def record(section, **figures):
    """Add to (or set) the figures of ``section``; numbers add up, anything else replaces."""
    current = FIGURES.setdefault(section, {})
    for name, value in figures.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(current.get(name), (int, float)):
            current[name] += value
        else:
            current[name] = value


def figure_lines():
    lines = []
    for section, figures in FIGURES.items():
        lines.append("{0}: {1}".format(section, ", ".join("{0} = {1}".format(name, value) for name, value in figures.items())))
    return lines


def write_report(path):
    lines = ["# qcloud.cvm reliability figures", "", "Written by the test_reliability_* suites (tests/integration).", ""]
    lines += ["| Suite | Figures |", "|---|---|"]
    for section, figures in FIGURES.items():
        lines.append("| {0} | {1} |".format(section, "; ".join("{0} = {1}".format(name, value) for name, value in figures.items())))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


class Unsafe(str):
    """A string written as ``!unsafe``, so that Ansible never templates it (passwords may hold ``{{``)."""


def _unsafe_dumper():
    class Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
        pass

    def represent(dumper, value):
        # An empty !unsafe scalar loads as null in ansible-core 2.19; an empty string holds no template anyway.
        if not value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", "", style='"')
        return dumper.represent_scalar("!unsafe", str(value), style='"')

    Dumper.add_representer(Unsafe, represent)
    Dumper.add_representer(str, represent)
    return Dumper


def write_unsafe_vars(path, data):
    """``data`` as a vars file in which every string is ``!unsafe``."""
    Path(path).write_text(yaml.dump(data, Dumper=_unsafe_dumper(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def playbook_command(playbook, inventory="localhost,", extra_vars=None, args=()):
    cmd = [RELIABILITY / playbook, "-i", inventory]
    if inventory == "localhost,":
        cmd += ["-c", "local"]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    return cmd + list(args)


def control(base_url, method, path, body=None, context=None):
    """A call of the emulator's control API at ``base_url`` (http or https, with an optional TLS context)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base_url + "/_emulator/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30, context=context) as response:  # noqa: S310 (loopback only)
        text = response.read().decode("utf-8")
    return json.loads(text) if text else {}


def tls_context(ca_file):
    return ssl.create_default_context(cafile=str(ca_file))


def make_certificates(directory):
    """A CA and a server certificate for 127.0.0.1 signed by it: the emulator suite's (tests/emulator/tls_support.py)."""
    if str(EMULATOR_PATH) not in sys.path:
        sys.path.append(str(EMULATOR_PATH))
    from tls_support import make_certificates as make  # pylint: disable=import-outside-toplevel

    return make(directory)


def interpreter_with(directory, sitecustomize):
    """A Python interpreter wrapper for modules whose process first runs ``sitecustomize`` (a clock or RNG out of order).

    Only the module processes of tasks that set ``ansible_python_interpreter`` to it are affected,
    never the controller.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(sitecustomize, encoding="utf-8")
    wrapper = directory / "python"
    wrapper.write_text('#!/bin/sh\nPYTHONPATH="{0}${{PYTHONPATH:+:$PYTHONPATH}}" exec "{1}" "$@"\n'.format(directory, sys.executable))
    wrapper.chmod(0o755)
    return wrapper


def start_process(command, emulator, args=(), env_extra=None):
    """Start an ansible command without waiting; returns (process, result log path, output path)."""
    workdir = Path(tempfile.mkdtemp(prefix="cvm-rel-"))
    result_log = workdir / "results.jsonl"
    output = workdir / "output.txt"
    env = ansible_env(emulator, QCLOUD_CVM_RESULT_LOG=result_log, **(env_extra or {}))
    command_line = [str(BIN_DIR / command)] + [str(a) for a in args]
    with open(output, "wb") as handle:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            command_line,
            env=env,
            cwd=str(RELIABILITY.parent.parent),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    return process, result_log, output


def read_results(result_log):
    return [json.loads(line) for line in Path(result_log).read_text().splitlines()] if Path(result_log).exists() else []


def wait_for(condition, timeout=120, interval=0.05, what="a condition"):
    """Poll ``condition`` until it returns something true; fail the test after ``timeout`` seconds (a hang, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting for " + what)
        time.sleep(interval)


def report_path():
    return os.environ.get(REPORT_VARIABLE)


def no_traceback(result):
    """Whether a failed task's result carries no traceback (ansible-core 2.19 puts '(traceback unavailable)' in 'exception')."""
    exception = result.get("exception")
    text = str(result.get("msg", "")) + str(result.get("module_stderr", "")) + str(result.get("module_stdout", ""))
    return exception in (None, "(traceback unavailable)") and "Traceback" not in text and "MODULE FAILURE" not in text
