# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.3: secret_key, security_token and password never appear anywhere a user or a log reader can look.

The emulator runs with its own distinctive SecretKey and session Token, so the secrets are real: the tasks that
use them succeed. Paths searched: the whole output of ansible-playbook at -vvvv with --diff (successes,
check mode, diff, an API error, an option error, a transport error after a committed create, a wrong token),
Ansible's log file, every task result the callback recorded (exceptions included), the inventory plugin's
-vvvv output (success and failure) and its cache files, the emulator's request log and its own log. Both APIs
(the legacy Token parameter, the 3.0 X-TC-Token header).
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from cvm_harness import APIS, SECRET_ID, assert_api_error, run_ansible, start_emulator
from reliability_support import no_traceback, playbook_command, record, write_unsafe_vars

SECRET_KEY = "sk-RELIABILITY-5ecretK3y-7f3a9c2e"
SECURITY_TOKEN = "st-RELIABILITY-5essionT0ken-91b2d4"
PASSWORD = "Rl7#kQ9!zxW2"
BAD_PASSWORD = "Zq 9xY8 wV7"  # a space: refused by the module, and still a secret
WRONG_TOKEN = "st-RELIABILITY-Wr0ngT0ken-33c1a8"
SECRETS = (SECRET_KEY, SECURITY_TOKEN, PASSWORD, BAD_PASSWORD, WRONG_TOKEN)
# The API's answer to the "API error" task (a Windows image with a 20 GB system disk): (class, legacy numeric code).
API_ERROR = {"legacy": ("InvalidParameter", 4000), "v3": ("InvalidParameterValue.Range", None)}
TOKEN_FAILURE = {"legacy": ("AuthFailure.TokenFailure", 4105), "v3": ("AuthFailure.TokenFailure", None)}


@pytest.fixture(scope="module", params=APIS)
def secret_emulator(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("secret-emulator-" + request.param)
    server = start_emulator("--secret-key", SECRET_KEY, "--security-token", SECURITY_TOKEN, "--create-delay", "0.3", workdir=workdir, api=request.param)
    server.workdir = workdir
    yield server
    server.stop()


def listed_json(run):
    """The JSON of ``--list``; at -vvvv, ansible-inventory writes its version and configuration before it."""
    start = re.search(r"^\{$", run.stdout, re.MULTILINE)
    assert start, run
    return json.loads(run.stdout[start.start() :])


def leaks(text):
    return [secret for secret in SECRETS if secret in text]


def env_with_secrets(tmp_path, **extra):
    env = {"TENCENTCLOUD_SECRET_KEY": SECRET_KEY, "TENCENTCLOUD_SECURITY_TOKEN": SECURITY_TOKEN, "ANSIBLE_LOG_PATH": str(tmp_path / "ansible.log")}
    env.update(extra)
    return env


def test_playbook_paths_never_show_a_secret(secret_emulator, tmp_path):
    face = secret_emulator.face
    secrets_file = write_unsafe_vars(
        tmp_path / "secrets.yml",
        {
            "control": secret_emulator.base_url + "/_emulator",
            "create_action": face.create,
            "secret_key": SECRET_KEY,
            "security_token": SECURITY_TOKEN,
            "password": PASSWORD,
            "bad_password": BAD_PASSWORD,
            "wrong_token": WRONG_TOKEN,
        },
    )
    run = run_ansible(
        "ansible-playbook",
        secret_emulator,
        playbook_command("secrets.yml", args=["-e", "@" + str(secrets_file), "-vvvv", "--diff"]),
        env_extra=env_with_secrets(tmp_path),
    )
    assert run.rc == 0, run
    # The secrets are real: the tasks that need them worked, and the failures are the ones intended.
    assert len(run.task("Create with the secrets as options")["result"]["instance_ids"]) == 2
    assert run.task("Check mode")["result"]["changed"] is True
    for name in ("API error", "Option error", "Transport error", "Wrong token"):
        assert run.task(name)["outcome"] == "failed", name
    assert_api_error(run.task("API error")["result"], face.create, *API_ERROR[secret_emulator.api])
    assert "option 'password'" in run.task("Option error")["result"]["msg"]
    transport = run.task("Transport error")["result"]
    assert "connection to" in transport["msg"] and len(transport["created_instance_ids"]) == 1
    assert_api_error(run.task("Wrong token")["result"], "DescribeInstances", *TOKEN_FAILURE[secret_emulator.api])
    assert len(run.task("Info")["result"]["instances"]) == 2
    assert run.task("Give back")["result"]["changed"] is True
    for name in ("API error", "Option error", "Transport error", "Wrong token"):
        assert no_traceback(run.task(name)["result"])
    # -vvvv shows the results (and, on ansible-core 2.19, the module arguments, with the secrets masked) and the diff.
    created = run.task("Create with the secrets as options")["result"]["instance_ids"]
    assert created[0] in run.output and "after" in run.output
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.output or '"invocation"' not in run.output
    places = {
        "ansible-playbook -vvvv --diff output": run.output,
        "task results": json.dumps(run.results, ensure_ascii=False),
        "ansible log file": (tmp_path / "ansible.log").read_text(encoding="utf-8"),
        "emulator request log": json.dumps(secret_emulator.requests(), ensure_ascii=False),
        "emulator log": (secret_emulator.workdir / "emulator.log").read_text(encoding="utf-8", errors="replace"),
    }
    assert {place: leaks(text) for place, text in places.items() if leaks(text)} == {}
    requests = secret_emulator.requests()
    assert {face.session_token(e) for e in requests} == {"********"}
    assert {face.password(e) for e in requests if e["action"] == face.create} == {"********"}
    record("secrets", playbook_tasks_searched=len(run.results), places_searched=len(places), leaks_found=0)


def test_inventory_output_and_cache_never_show_a_secret(secret_emulator, tmp_path):
    secret_emulator.seed(3, ["gz"], name_prefix="secret-inv")
    cache = tmp_path / "cache"
    config = tmp_path / "secrets.cvm.yml"
    options = {
        "plugin": "qcloud.cvm.cvm",
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "security_token": SECURITY_TOKEN,
        "regions": ["gz"],
        "cache": True,
        "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(cache),
        "compose": {"cvm_label": "cvm_instance_id ~ '@' ~ cvm_zone_id"},
    }
    config.write_text(yaml.safe_dump(options))
    # Only the file's credentials can work: the environment's are empty.
    env = env_with_secrets(
        tmp_path,
        TENCENTCLOUD_SECRET_KEY="",
        TENCENTCLOUD_SECURITY_TOKEN="",
        ANSIBLE_INVENTORY_ENABLED="qcloud.cvm.cvm",
        ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="1",
    )
    listed = run_ansible("ansible-inventory", secret_emulator, ["-i", config, "--list", "-vvvv"], env_extra=env)
    assert listed.rc == 0, listed
    hostvars = listed_json(listed)["_meta"]["hostvars"]
    assert len(hostvars) >= 3
    cached = run_ansible("ansible-inventory", secret_emulator, ["-i", config, "--list", "-vvvv"], env_extra=env)
    assert cached.rc == 0 and listed_json(cached)["_meta"]["hostvars"].keys() == hostvars.keys()
    cache_files = [path for path in cache.rglob("*") if path.is_file()]
    assert cache_files, "the inventory wrote no cache"
    # A failure (a wrong token in the file) names the error, not the secrets.
    config.write_text(yaml.safe_dump(dict(options, security_token=WRONG_TOKEN, cache=False)))
    failed = run_ansible("ansible-inventory", secret_emulator, ["-i", config, "--list", "-vvvv"], env_extra=env)
    code, legacy_code = TOKEN_FAILURE[secret_emulator.api]
    assert failed.rc != 0 and code in failed.output and (legacy_code is None or str(legacy_code) in failed.output), failed
    places = {
        "inventory --list -vvvv": listed.output,
        "inventory from cache": cached.output,
        "failing inventory": failed.output,
        "ansible log file": (tmp_path / "ansible.log").read_text(encoding="utf-8"),
    }
    places.update({"cache file " + path.name: path.read_text(encoding="utf-8", errors="replace") for path in cache_files})
    assert {place: leaks(text) for place, text in places.items() if leaks(text)} == {}
    record("secrets", inventory_places_searched=len(places))
