# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_info through real ansible-playbook runs against the emulator: filters, check mode, EXAMPLES; on both APIs."""

from __future__ import annotations

import ast

from pathlib import Path

import pytest
import yaml

from cvm_harness import assert_api_error, assert_instance_matches

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = "cvm_instance_info/"
MODULE = REPO_ROOT / "plugins" / "modules" / "cvm_instance_info.py"

pytestmark = pytest.mark.usefixtures("api")


def ids(run, task):
    result = run.task(task)["result"]
    assert run.task(task)["outcome"] == "ok", result
    return sorted(instance["instance_id"] for instance in result["instances"])


def seed(emulator):
    emulator.seed(24, ["gz", "sh"], name_prefix="info")
    emulator.seed(3, ["gz"], name_prefix="halt", status=4)
    emulator.seed(2, ["gz"], name_prefix="gone", status=6)
    return emulator.instances()


def expected(instances, **conditions):
    def keep(instance):
        return all(test(instance) for test in conditions.values())

    return sorted(instance["unInstanceId"] for instance in instances if keep(instance))


def test_filters(emulator, playbook, api):
    instances = seed(emulator)
    run = playbook(TARGET + "filters.yml")
    assert run.rc == 0, run
    in_gz = {"region": lambda i: i["Region"] == "gz"}
    assert ids(run, "Default statuses") == expected(instances, status=lambda i: i["status"] not in (5, 6), **in_gz)
    assert ids(run, "Every status") == expected(instances, **in_gz)
    assert ids(run, "Stopped only") == expected(instances, status=lambda i: i["status"] == 4, **in_gz)
    assert ids(run, "Zones") == expected(instances, zone=lambda i: i["zoneId"] in (100001, 100003), status=lambda i: i["status"] not in (5, 6))
    assert ids(run, "Zone of another region") == []
    assert any("200001" in str(warning) for warning in run.task("Zone of another region")["result"].get("warnings", []))
    assert ids(run, "Exact names") == expected(instances, name=lambda i: i["instanceName"] in ("info-00002", "halt-00001"), **in_gz)
    assert ids(run, "Search word") == expected(instances, name=lambda i: "info-0001" in i["instanceName"], **in_gz)
    assert len(ids(run, "By ID")) == 3
    assert ids(run, "Other region") == expected(instances, region=lambda i: i["Region"] == "sh")
    # Every instance listed is the emulator's, in the collection's shape (exactly its keys), value for value.
    records = {i["unInstanceId"]: i for i in instances}
    for task in ("Default statuses", "Every status", "Other region"):
        for instance in run.task(task)["result"]["instances"]:
            assert_instance_matches(instance, records[instance["instance_id"]], api)
    statuses = {i["status"] for i in run.task("Every status")["result"]["instances"]}
    assert statuses == {"running", "stopped", "terminating"}
    assert {i["region"] for i in run.task("Other region")["result"]["instances"]} == {"ap-shanghai"}


def test_exact_names_ask_the_api_by_name(emulator, playbook, api):
    seed(emulator)
    run = playbook(TARGET + "filters.yml")
    assert run.rc == 0, run
    face = emulator.face
    listings = emulator.requests("DescribeInstances")
    if api == "legacy":
        # Every exact name is a search word of its own; the search word is sent as written (the API compares without case).
        words = [entry["params"].get("searchWord") for entry in listings]
        assert {"info-00002", "halt-00001", "info-0000", "INFO-0001"} <= set(words)
    else:
        # API 3.0's instance-name filter is exact: the names in one filter; it has no search word (compared here, in code).
        names = [sorted(item["Values"]) for entry in listings for item in entry["params"].get("Filters", []) if item["Name"] == "instance-name"]
        assert names == [["halt-00001", "info-0000", "info-00002"]]
        assert not [entry for entry in listings if "INFO-0001" in str(entry["params"])]
    # The zone of another region is never sent to gz (the API would refuse it).
    assert all(entry["params"].get("zoneId") != "200001" for entry in listings)
    assert all("ap-shanghai-1" not in str(entry["params"]) for entry in listings)
    assert {entry["region"] for entry in listings} == {face.region_of("gz"), face.region_of("sh")}


def test_check_mode_lists_the_same(emulator, playbook):
    instances = seed(emulator)
    run = playbook(TARGET + "filters.yml", check=True)
    assert run.rc == 0, run
    assert ids(run, "Stopped only") == expected(instances, status=lambda i: i["status"] == 4, region=lambda i: i["Region"] == "gz")
    assert run.task("Default statuses")["result"]["changed"] is False


def test_same_instances_and_shape_as_cvm_instance_hour(emulator, playbook):
    run = playbook(TARGET + "compare.yml")
    assert run.rc == 0, run
    created = run.task("Create")["result"]
    found = run.task("Info")["result"]
    assert sorted(i["instance_id"] for i in found["instances"]) == sorted(created["instance_ids"])
    by_id = {i["instance_id"]: i for i in created["instances"]}
    for instance in found["instances"]:
        assert instance == by_id[instance["instance_id"]]


@pytest.mark.parametrize("api, legacy_code", [("legacy", 5100), ("v3", None)], indirect=["api"])
def test_api_error_is_reported(emulator, playbook, tmp_path, legacy_code):
    face = emulator.face
    emulator.fault("DescribeInstances", "busy", times=1)
    book = tmp_path / "error.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "error",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [{"name": "Info", "qcloud.cvm.cvm_instance_info": {"retries": 0}, "ignore_errors": True}],
                }
            ]
        )
    )
    run = playbook(book)
    assert run.task("Info")["outcome"] == "failed"
    result = run.task("Info")["result"]
    assert result["msg"].startswith("DescribeInstances failed: {0}: ".format(face.busy_code))
    assert_api_error(result, "DescribeInstances", face.busy_code, legacy_code)
    assert result["instances"] == []


def test_statuses_take_names_only(emulator, playbook, tmp_path):
    """The legacy status codes, and names in another case, are refused before any request, naming the option."""
    book = tmp_path / "statuses.yml"
    book.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "statuses",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {"name": "Code {0}".format(value), "qcloud.cvm.cvm_instance_info": {"statuses": [value]}, "ignore_errors": True}
                        for value in (2, "4", "RUNNING", "status_name")
                    ],
                }
            ]
        )
    )
    run = playbook(book)
    assert run.rc == 0, run
    for value in (2, "4", "RUNNING", "status_name"):
        result = run.task("Code {0}".format(value))["result"]
        assert run.task("Code {0}".format(value))["outcome"] == "failed", result
        assert "statuses" in result["msg"] and "running" in result["msg"], result["msg"]
    assert emulator.requests() == []


def examples():
    tree = ast.parse(MODULE.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no EXAMPLES")


def test_examples_run(emulator, playbook, tmp_path):
    seed(emulator)
    setup = {
        "name": "an instance called web",
        "qcloud.cvm.cvm_instance_hour": {"zone_id": 100003, "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "instance_name": "web", "bandwidth": 1},
    }
    book = tmp_path / "examples.yml"
    book.write_text(yaml.safe_dump([{"name": "EXAMPLES", "hosts": "localhost", "gather_facts": False, "tasks": [setup] + examples()}], allow_unicode=True))
    run = playbook(book)
    assert run.rc == 0, run
    for task in examples():
        assert run.task(task["name"])["outcome"] in ("ok", "changed")
    web = run.task('Find the instances a cvm_instance_hour task with instance_name "web" manages')["result"]["instances"]
    assert [i["instance_name"] for i in web] == ["web"]
