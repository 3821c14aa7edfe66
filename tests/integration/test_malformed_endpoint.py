# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A malformed ``endpoint`` fails before any request, naming the option and the rule, everywhere.

Each malformed form (a port out of range or not a number, a broken IPv6 literal, a missing or wrong scheme,
...) is given to cvm_instance_hour (also in check mode) and cvm_instance_info as the task's option and through
the environment variable QCLOUD_CVM_ENDPOINT, and to the inventory plugin in its configuration file and
through the same variable. Every run must fail with ``option 'endpoint'``, the form and its rule in the
message, without a Python traceback or a bare Python exception text (what urllib.parse says about a port, for
example), and without a single request reaching the emulator, whose good endpoint is in the environment (a
fallback to it would show in its request log; each task searches for a name of its own, so a request is
traced to its form).

The module tasks run in two ansible-playbook runs side by side (every other form each), each against an emulator of
its own, once per API. The rules
do not depend on the API (both parse the endpoint alike), so the legacy API is given every form and API 3.0 a
representative subset (V3_FORMS: a port, an IPv6 literal, a scheme, a query string and the once-broken bracket rule),
to keep the suite's time in bounds.
"""

from __future__ import annotations

import json

from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from cvm_harness import APIS, run_ansible, start_emulator
from reliability_support import no_traceback

STRICT = {"ANSIBLE_INVENTORY_ENABLED": "qcloud.cvm.cvm", "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"}
PORT_RULE = "the port must be a number from 1 to 65535"
IPV6_RULE = "an IPv6 address must be written in brackets, complete"
SCHEME_RULE = "it needs a scheme, http:// or https://, before the host"
# id: (form, the rule its message must state, marks). PORT in a form is the emulator's port, so that only the
# flaw keeps a request from reaching it. (The two bracket forms were let through, or explained with the port rule,
# until the endpoint check was fixed; they stay here so that the fix stays.)
FORMS = {
    "port-above-65535": ("http://127.0.0.1:99999/v2/index.php", PORT_RULE, ()),
    "port-0": ("http://127.0.0.1:0/v2/index.php", PORT_RULE, ()),
    "port-not-a-number": ("http://127.0.0.1:PORTx/v2/index.php", PORT_RULE, ()),
    "port-negative": ("http://127.0.0.1:-1/v2/index.php", PORT_RULE, ()),
    "ipv6-unclosed": ("http://[::1:PORT/v2/index.php", IPV6_RULE, ()),
    "ipv6-not-an-address": ("http://[::g]:PORT/v2/index.php", IPV6_RULE, ()),
    "no-scheme": ("127.0.0.1:PORT/v2/index.php", SCHEME_RULE, ()),
    "no-scheme-network-path": ("//127.0.0.1:PORT/v2/index.php", SCHEME_RULE, ()),
    "scheme-ftp": ("ftp://127.0.0.1:PORT/v2/index.php", "the scheme must be http or https, not 'ftp'", ()),
    "no-host": ("http:///v2/index.php", "it has no host name", ()),
    "query-string": ("http://127.0.0.1:PORT/v2/index.php?Action=DescribeInstances", "it must not carry a query string or a fragment", ()),
    "ipv6-two-closing-brackets": ("http://[::1]]:PORT/v2/index.php", IPV6_RULE, ()),
    "ipv6-without-brackets": ("http://::1:PORT/v2/index.php", IPV6_RULE, ()),
}
V3_FORMS = ("port-above-65535", "ipv6-unclosed", "no-scheme", "query-string", "ipv6-without-brackets")
# Playbook runs side by side, each with every other form and an emulator of its own.
SHARDS = 2
FORMS_OF = {"legacy": tuple(FORMS), "v3": V3_FORMS}
# What Python itself says about such URLs: never the message a user gets.
PYTHON_TEXTS = ("Port out of range", "Port could not be cast", "Invalid IPv6 URL", "does not appear to be an IPv4 or IPv6 address", "Traceback", "ValueError")
WHERE = ("option", "environment")
MODULE_TASKS = ("hour", "hour-check", "info")
# retries 0: a form the check lets through (the xfail ones) fails at once instead of after the backoffs.
HOUR = {"zone_id": 100003, "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "retries": 0}


def params(*extra):
    """Every form of each API as a pytest parameter (api, form, crossed with ``extra`` values), with its marks."""
    return [
        pytest.param(*((api, form_id) + ((value,) if extra else ())), id="-".join([api, form_id] + ([value] if extra else [])), marks=FORMS[form_id][2])
        for api in APIS
        for form_id in FORMS_OF[api]
        for value in (extra or [None])
    ]


def endpoint_of(emulator, form_id):
    return FORMS[form_id][0].replace("PORT", str(emulator.port))


def marker(form_id, where, task):
    return "me-{0}-{1}-{2}".format(form_id, where, task)


def assert_names_the_rule(text, endpoint, rule):
    # Ansible may wrap a long warning or error over lines.
    flat = " ".join(text.split())
    assert "option 'endpoint': {0!r} is not a usable URL: {1}".format(endpoint, rule) in flat, text[-3000:]
    assert not [python for python in PYTHON_TEXTS if python in text], text[-3000:]


def module_tasks(emulator, form_id, where):
    endpoint = endpoint_of(emulator, form_id)
    tasks = [
        {"name": marker(form_id, where, "hour"), "qcloud.cvm.cvm_instance_hour": dict(HOUR, instance_name=marker(form_id, where, "hour"))},
        {
            "name": marker(form_id, where, "hour-check"),
            "check_mode": True,
            "qcloud.cvm.cvm_instance_hour": dict(HOUR, instance_name=marker(form_id, where, "hour-check"), state="absent"),
        },
        {"name": marker(form_id, where, "info"), "qcloud.cvm.cvm_instance_info": {"instance_names": [marker(form_id, where, "info")], "retries": 0}},
    ]
    for task in tasks:
        task["ignore_errors"] = True
        options = next(value for key, value in task.items() if key.startswith("qcloud."))
        if where == "option":
            options["endpoint"] = endpoint
        else:
            # The module's own environment: the fallback of its endpoint option.
            task["environment"] = {"QCLOUD_CVM_ENDPOINT": endpoint}
    return tasks


@pytest.fixture(scope="module")
def module_runs():
    """By API: the shards of runs_of, once each API's first test asks for them."""
    return {}


def runs_of(module_runs, tmp_path_factory, api):
    """[(run, request log, emulator, forms)]: SHARDS playbooks side by side, each with every other form of the API, in
    both places, for every module task, against an emulator of its own."""
    if api not in module_runs:
        forms = FORMS_OF[api]
        shards = [forms[index::SHARDS] for index in range(SHARDS)]
        with ThreadPoolExecutor(max_workers=SHARDS) as pool:
            module_runs[api] = list(pool.map(lambda shard: play_forms(tmp_path_factory, api, shard), shards))
    return module_runs[api]


def shard_of(module_runs, tmp_path_factory, api, form_id):
    return next(shard for shard in runs_of(module_runs, tmp_path_factory, api) if form_id in shard[3])


def play_forms(tmp_path_factory, api, forms):
    workdir = tmp_path_factory.mktemp("malformed-endpoint-" + api)
    emulator = start_emulator(workdir=workdir, api=api)
    try:
        tasks = [task for form_id in forms for where in WHERE for task in module_tasks(emulator, form_id, where)]
        path = workdir / "malformed.yml"
        path.write_text(yaml.safe_dump([{"name": "malformed endpoints", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
        run = run_ansible("ansible-playbook", emulator, [path, "-i", "localhost,", "-c", "local"])
        return run, emulator.requests(), emulator, forms
    finally:
        emulator.stop()


@pytest.mark.parametrize("api", APIS)
def test_the_playbook_ran(module_runs, tmp_path_factory, api):
    shards = runs_of(module_runs, tmp_path_factory, api)
    assert sorted(form for shard in shards for form in shard[3]) == sorted(FORMS_OF[api])
    for run, _log, _emulator, forms in shards:
        assert run.rc == 0, run
        assert len(run.results) == len(forms) * len(WHERE) * len(MODULE_TASKS), run


@pytest.mark.parametrize("api, form_id, where", params(*WHERE))
def test_modules_name_the_option_and_the_rule(module_runs, tmp_path_factory, api, form_id, where):
    run, log, emulator, _forms = shard_of(module_runs, tmp_path_factory, api, form_id)
    endpoint, rule = endpoint_of(emulator, form_id), FORMS[form_id][1]
    for task in MODULE_TASKS:
        name = marker(form_id, where, task)
        result = run.task(name)["result"]
        assert run.task(name)["outcome"] == "failed", (name, result)
        assert_names_the_rule(result["msg"], endpoint, rule)
        assert no_traceback(result), result
        assert "api_error" not in result and "transport_error" not in result, result
        assert result["changed"] is False
        # Nothing reported as found or created (a failure this early may carry no such key at all).
        assert result.get("instance_ids", []) == [] and result.get("created_instance_ids", []) == [], result
        assert result.get("instances", []) == [], result
        # No request of this task reached the emulator.
        assert not [e for e in log if name in (e["params"].get("searchWord"), e["params"].get("instanceName"))], name


@pytest.mark.parametrize("api", APIS)
def test_no_request_reached_the_emulator(module_runs, tmp_path_factory, api):
    for _run, log, _emulator, _forms in runs_of(module_runs, tmp_path_factory, api):
        assert log == []


@pytest.mark.parametrize("api, form_id, where", params("file", "environment"), indirect=["api"])
def test_inventory_names_the_option_and_the_rule(emulator, inventory, tmp_path, api, form_id, where):
    emulator.seed(2, ["gz"], name_prefix="malformed")
    endpoint, rule = endpoint_of(emulator, form_id), FORMS[form_id][1]
    config = {"plugin": "qcloud.cvm.cvm", "regions": ["gz", "sh"], "retries": 0}
    env = dict(STRICT)
    if where == "file":
        config["endpoint"] = endpoint
    else:
        env["QCLOUD_CVM_ENDPOINT"] = endpoint
    path = tmp_path / "malformed.cvm.yml"
    path.write_text(yaml.safe_dump(config))
    run = inventory("-i", path, "--list", env_extra=env)
    assert run.rc != 0, run
    assert_names_the_rule(run.output, endpoint, rule)
    assert emulator.requests() == []


@pytest.mark.parametrize("api", APIS, indirect=True)
def test_inventory_goes_on_with_the_other_sources(emulator, inventory, tmp_path, api):
    """Not strict: each malformed source is left out with its own message, and a good source beside them is listed."""
    emulator.seed(3, ["gz"], name_prefix="good")
    sources = []
    for index, form_id in enumerate(form_id for form_id, (dummy, dummy_rule, marks) in FORMS.items() if not marks):
        path = tmp_path / "bad{0:02d}.cvm.yml".format(index)
        path.write_text(yaml.safe_dump({"plugin": "qcloud.cvm.cvm", "regions": ["gz"], "endpoint": endpoint_of(emulator, form_id)}))
        sources += ["-i", path]
    good = tmp_path / "good.cvm.yml"
    good.write_text(yaml.safe_dump({"plugin": "qcloud.cvm.cvm", "regions": ["gz"]}))
    run = inventory(*(sources + ["-i", good, "--list"]))
    assert run.rc == 0, run
    for form_id, (_form, rule, marks) in FORMS.items():
        if not marks:
            assert_names_the_rule(run.output, endpoint_of(emulator, form_id), rule)
    assert sorted(json.loads(run.stdout)["_meta"]["hostvars"]) == sorted(i["unInstanceId"] for i in emulator.live_instances())
    listed = [e for e in emulator.requests() if e["action"] == "DescribeInstances"]
    # Only the good source asked the emulator: once, for gz.
    assert [e["region"] for e in listed] == [emulator.face.region_of("gz")], listed
