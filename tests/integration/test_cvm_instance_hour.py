# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour through real ansible-playbook runs against the emulator.

Playbooks live in playbooks/cvm_instance_hour/ and assert what they can; these
tests check the exit code, each task's result and the emulator's state and
request log.
"""

from __future__ import annotations

import ast

from pathlib import Path

import pytest
import yaml

from cvm_harness import assert_api_error, assert_instance_matches

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = "cvm_instance_hour/"
ENSURE = TARGET + "ensure.yml"
MODULE = REPO_ROOT / "plugins" / "modules" / "cvm_instance_hour.py"


def ensure(playbook, check=False, diff=False, **options):
    return playbook(ENSURE, extra_vars={"cvm": options}, check=check, diff=diff)


def result_of(run, name="Ensure"):
    return run.task(name)["result"]


def warnings(result):
    return [w if isinstance(w, str) else str(w) for w in result.get("warnings", [])]


def tokens(entries):
    return [entry["params"].get("clientToken") for entry in entries]


def test_create_then_rerun_unchanged(emulator, playbook):
    run = playbook(TARGET + "create_rerun.yml")
    assert run.rc == 0, run
    created = result_of(run, "Create")
    assert run.task("Create")["outcome"] == "changed"
    assert run.task("Re-run")["outcome"] == "ok"
    live = emulator.live_instances("web")
    assert sorted(i["unInstanceId"] for i in live) == sorted(created["instance_ids"])
    # Each reported instance is the emulator's, in the collection's shape, key for key.
    records = {i["unInstanceId"]: i for i in live}
    for instance in created["instances"]:
        assert_instance_matches(instance, records[instance["instance_id"]])
    creates = emulator.requests("RunInstancesHour")
    assert len(creates) == 1
    assert creates[0]["params"]["goodsNum"] == "2"
    assert creates[0]["params"]["clientToken"] == created["client_token"]


def test_rerun_sends_no_create(emulator, playbook):
    first = ensure(playbook, goods_num=2)
    assert first.rc == 0, first
    before = len(emulator.requests())
    second = ensure(playbook, goods_num=2)
    assert second.rc == 0, second
    assert result_of(second)["changed"] is False
    later = emulator.requests()[before:]
    assert {entry["action"] for entry in later} == {"DescribeInstances"}
    assert len(emulator.requests("RunInstancesHour")) == 1


def test_check_mode_creates_nothing_and_quotes(emulator, playbook):
    run = playbook(TARGET + "check_mode.yml")
    assert run.rc == 0, run
    preview = result_of(run, "Preview a create")
    assert preview["price"]["goods_num"] == 2
    assert emulator.instances() == []
    assert emulator.requests("RunInstancesHour") == []
    assert emulator.requests("ReturnInstance") == []
    assert emulator.requests("InquiryInstancePriceHour")


def test_check_flag_scale_up_and_give_back(emulator, playbook):
    assert ensure(playbook, goods_num=1).rc == 0
    existing = [i["unInstanceId"] for i in emulator.live_instances("it")]
    run = ensure(playbook, check=True, goods_num=3)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True
    assert result["price"]["goods_num"] == 2
    assert result["instance_ids"] == existing + ["<new instance 1>", "<new instance 2>"]
    run = ensure(playbook, check=True, state="absent")
    assert run.rc == 0, run
    assert result_of(run)["changed"] is True
    assert result_of(run)["returned_instance_ids"] == existing
    assert len(emulator.requests("RunInstancesHour")) == 1
    assert emulator.requests("ReturnInstance") == []
    assert [i["unInstanceId"] for i in emulator.live_instances("it")] == existing


def test_check_mode_price_failure_only_warns(emulator, playbook):
    emulator.fault("InquiryInstancePriceHour", "http_500", times=10)
    run = ensure(playbook, check=True, retries=0)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True
    assert "price" not in result
    assert "could not quote the price" in run.output


def test_diff_shows_counts_and_ids(emulator, playbook):
    run = ensure(playbook, diff=True, goods_num=2)
    assert run.rc == 0, run
    ids = result_of(run)["instance_ids"]
    assert result_of(run)["diff"] == {"before": {"count": 0, "instance_ids": []}, "after": {"count": 2, "instance_ids": ids}}
    assert "count" in run.stdout and ids[0] in run.stdout
    run = ensure(playbook, diff=True, check=True, state="absent")
    assert result_of(run)["diff"] == {"before": {"count": 2, "instance_ids": ids}, "after": {"count": 0, "instance_ids": []}}


def test_scale_up_creates_exactly_the_missing_one(emulator, playbook):
    run = playbook(TARGET + "scale.yml")
    assert run.rc == 0, run
    assert len(emulator.live_instances("scale")) == 3
    creates = emulator.requests("RunInstancesHour")
    assert [entry["params"]["goodsNum"] for entry in creates] == ["2", "1"]
    assert len(set(tokens(creates))) == 2
    assert emulator.requests("ReturnInstance") == []
    assert "more than goods_num=1" in run.output


def test_more_than_desired_warns_and_returns_nothing(emulator, playbook):
    assert ensure(playbook, goods_num=3).rc == 0
    run = ensure(playbook, goods_num=2)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is False
    assert len(result["instance_ids"]) == 3
    assert "3 instances match this task, more than goods_num=2" in run.output
    assert emulator.requests("ReturnInstance") == []
    assert len(emulator.live_instances("it")) == 3


def test_give_back_then_recreate(emulator, playbook):
    run = playbook(TARGET + "give_back.yml")
    assert run.rc == 0, run
    created = result_of(run, "Create")["instance_ids"]
    returns = emulator.requests("ReturnInstance")
    assert [entry["params"]["instanceId"] for entry in returns[:2]] == created
    assert result_of(run, "Give back again")["changed"] is False
    recreated = result_of(run, "Create again")["instance_ids"]
    assert not set(created) & set(recreated)
    assert emulator.live_instances("temp") == []
    assert len(emulator.requests("ReturnInstance")) == 4


def test_give_back_waits_for_instances_still_creating(emulator, playbook):
    emulator.configure(create_delay=3)
    assert ensure(playbook, wait=False).rc == 0
    run = ensure(playbook, state="absent", wait_timeout=30)
    assert run.rc == 0, run
    assert result_of(run)["changed"] is True
    assert emulator.live_instances("it") == []
    answers = [entry["code"] for entry in emulator.requests("ReturnInstance")]
    assert answers == [0]


def test_give_back_without_wait_refuses_creating_instances(emulator, playbook):
    emulator.configure(create_delay=30)
    assert ensure(playbook, wait=False).rc == 0
    run = ensure(playbook, state="absent", wait=False)
    assert run.rc != 0
    result = result_of(run)
    assert "still being created" in result["msg"]
    assert emulator.requests("ReturnInstance") == []


def test_wait_timeout_reports_the_created_ids(emulator, playbook):
    emulator.configure(create_delay=30)
    run = ensure(playbook, goods_num=2, wait_timeout=2)
    assert run.rc != 0
    result = result_of(run)
    assert run.task("Ensure")["outcome"] == "failed"
    assert "timed out after 2 seconds" in result["msg"]
    assert len(result["created_instance_ids"]) == 2
    assert result["instance_ids"] == result["created_instance_ids"]
    assert sorted(i["unInstanceId"] for i in emulator.live_instances("it")) == sorted(result["created_instance_ids"])
    assert {i["status"] for i in result["instances"]} == {"pending"}
    # A re-run adopts them: nothing new is created.
    emulator.configure(create_delay=0)
    rerun = ensure(playbook, goods_num=2)
    assert rerun.rc == 0, rerun
    assert result_of(rerun)["changed"] is False
    assert len(emulator.requests("RunInstancesHour")) == 1


def test_failed_creation_reports_the_created_ids(emulator, playbook):
    emulator.fault("RunInstancesHour", "create_fails")
    run = ensure(playbook, goods_num=2)
    assert run.rc != 0
    result = result_of(run)
    assert len(result["created_instance_ids"]) == 2
    assert "launch_failed" in result["msg"]
    assert {i["status"] for i in result["instances"]} == {"launch_failed"}


def test_lost_create_answer_creates_once(emulator, playbook):
    emulator.fault("RunInstancesHour", "drop_after_commit")
    run = ensure(playbook, goods_num=3)
    assert run.rc == 0, run
    result = result_of(run)
    assert len(emulator.live_instances("it")) == 3
    assert sorted(result["created_instance_ids"]) == sorted(i["unInstanceId"] for i in emulator.live_instances("it"))
    creates = emulator.requests("RunInstancesHour")
    assert len(creates) == 2
    assert tokens(creates) == [result["client_token"]] * 2


def test_user_client_token_is_sent(emulator, playbook):
    run = ensure(playbook, client_token="my-token-1")
    assert run.rc == 0, run
    assert tokens(emulator.requests("RunInstancesHour")) == ["my-token-1"]
    assert result_of(run)["client_token"] == "my-token-1"


def test_max_hourly_price_refuses(emulator, playbook):
    run = ensure(playbook, goods_num=2, max_hourly_price=0.01)
    assert run.rc != 0
    result = result_of(run)
    assert "above max_hourly_price 0.01" in result["msg"]
    assert result["changed"] is False
    assert result["price"]["hourly_price"] > 0.01
    assert emulator.requests("RunInstancesHour") == []
    assert emulator.instances() == []


def test_max_hourly_price_allows(emulator, playbook):
    run = ensure(playbook, goods_num=2, max_hourly_price=100)
    assert run.rc == 0, run
    assert result_of(run)["price"]["goods_num"] == 2
    assert len(emulator.live_instances("it")) == 2


@pytest.mark.parametrize("options, action, code, legacy_code", [
    (dict(cpu=1, mem=3), "RunInstancesHour", "InvalidParameter", 4000),
    # The look-up already names the zone, so the API's answer comes from DescribeInstances.
    (dict(zone_id=200001), "DescribeInstances", "InvalidParameter.InvaildZoneId", 4000),
    (dict(image_id="img-win2016d", password="abcdefg1"), "RunInstancesHour", "InvalidParameter.PasswordNotConformSpecs", 4000),
    (dict(image_id="img-win2016d", root_size=20), "RunInstancesHour", "InvalidParameter", 4000),
    (dict(image_type=1), "RunInstancesHour", "InvalidParameter", 4000),
    (dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["10.9.9.9"]),
     "RunInstancesHour", "InvalidParameter.IpNotInCidrRange", 4000),
    (dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["172.16.1.1"]),
     "RunInstancesHour", "InvalidParameter.NotSupportReservedIp", 4000),
    (dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-vpcerr01", retries=0), "RunInstancesHour", "InnerError.VpcError", 6000),
])
def test_server_side_errors_are_structured(emulator, playbook, options, action, code, legacy_code):
    run = ensure(playbook, **options)
    assert run.rc != 0
    result = result_of(run)
    assert_api_error(result, action, code, legacy_code)
    assert result["created_instance_ids"] == [] and result["changed"] is False
    assert emulator.instances() == []


def test_stale_user_token_after_a_give_back_fails_clearly(emulator, playbook):
    assert ensure(playbook, client_token="once").rc == 0
    assert ensure(playbook, state="absent").rc == 0
    run = ensure(playbook, client_token="once")
    assert run.rc != 0
    result = result_of(run)
    assert "given back" in result["msg"] and "good for one create" in result["msg"]
    assert result["created_instance_ids"] == [] and result["changed"] is False


def test_ip_in_use_is_structured(emulator, playbook):
    first = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["172.16.1.50"])
    assert ensure(playbook, **first).rc == 0
    run = ensure(playbook, instance_name="other", **first)
    assert run.rc != 0
    assert_api_error(result_of(run), "RunInstancesHour", "InvalidParameter.IpInUse", 4000)


def test_balance_not_enough_is_structured(emulator, playbook):
    emulator.configure(balance=0)
    run = ensure(playbook)
    assert run.rc != 0
    assert_api_error(result_of(run), "RunInstancesHour", "OperationConstraints.AccountBalanceNotEnough", 5300)
    assert emulator.instances() == []


@pytest.mark.parametrize("options, text", [
    (dict(storage_size=15), "option 'storage_size'"),
    (dict(root_size=25), "option 'root_size'"),
    (dict(password="no"), "option 'password'"),
    (dict(private_ip_addresses=["300.1.1.1"], vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01"), "option 'private_ip_addresses'"),
    (dict(goods_num=101), "option 'goods_num'"),
    (dict(instance_name="n" * 61), "option 'instance_name'"),
    (dict(client_token="t" * 65), "option 'client_token'"),
    (dict(vpc_id="vpc-gzdemo01"), "subnet_id"),
    (dict(password="Ab12#xyz", key_id="skey-1"), "mutually exclusive"),
    (dict(storage_type=4), "storage_type"),
])
def test_bad_options_fail_before_any_request(emulator, playbook, options, text):
    run = ensure(playbook, **options)
    assert run.rc != 0
    assert text in result_of(run)["msg"]
    assert emulator.requests() == []


def test_password_never_shows(emulator, playbook):
    run = ensure(playbook, password="Zz9#secret", goods_num=1)
    assert run.rc == 0, run
    assert "Zz9#secret" not in run.output
    assert "Zz9#secret" not in str(run.results)


def test_unnamed_instances_are_managed_by_unnamed_tasks(emulator, playbook):
    run = playbook(ENSURE, extra_vars={"cvm": {"instance_name": None}})
    assert run.rc == 0, run
    assert [i["instanceName"] for i in emulator.live_instances()] == ["未命名"]
    again = playbook(ENSURE, extra_vars={"cvm": {"instance_name": None}})
    assert result_of(again)["changed"] is False


def test_other_configurations_are_other_instances(emulator, playbook):
    assert ensure(playbook).rc == 0
    run = ensure(playbook, cpu=2, mem=4)
    assert result_of(run)["changed"] is True
    run = ensure(playbook, storage_size=10)
    assert result_of(run)["changed"] is True
    run = ensure(playbook, zone_id=100004)
    assert result_of(run)["changed"] is True
    assert len(emulator.live_instances("it")) == 4
    # Options outside the identity do not matter.
    run = ensure(playbook, need_monitor_agent=False, password="Ab12#xyz")
    assert result_of(run)["changed"] is False


def test_vpc_instances(emulator, playbook):
    options = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", bandwidth=1, is_vpc_gateway=True, goods_num=2)
    run = ensure(playbook, **options)
    assert run.rc == 0, run
    assert {i["vpc_id"] for i in result_of(run)["instances"]} == {"vpc-gzdemo01"}
    assert {i["subnet_id"] for i in result_of(run)["instances"]} == {"subnet-gz3web01"}
    assert {i["vpc_gateway"] for i in result_of(run)["instances"]} == {True}
    assert result_of(ensure(playbook, **options))["changed"] is False
    # The same task in the basic network manages other instances.
    basic = result_of(ensure(playbook, goods_num=2))
    assert basic["changed"] is True
    assert {(i["vpc_id"], i["subnet_id"], i["vpc_gateway"]) for i in basic["instances"]} == {(None, None, False)}


def test_module_defaults_for_the_group(emulator, playbook):
    run = playbook(TARGET + "module_defaults.yml",
                   extra_vars={"qcloud_secret_id": "AKIDEMULATOR00000000000000000000000000",
                               "qcloud_secret_key": "emulator-secret-key-0000000000000000",
                               "qcloud_endpoint": emulator.endpoint},
                   env_extra={"TENCENTCLOUD_SECRET_ID": "", "TENCENTCLOUD_SECRET_KEY": "", "TENCENTCLOUD_REGION": "",
                              "QCLOUD_CVM_ENDPOINT": ""})
    assert run.rc == 0, run
    assert len(emulator.live_instances("grouped")) == 1


def test_missing_credentials_fail_before_any_request(emulator, playbook):
    run = playbook(ENSURE, extra_vars={"cvm": {}}, env_extra={"TENCENTCLOUD_SECRET_ID": ""})
    assert run.rc != 0
    assert "secret_id" in result_of(run)["msg"]
    assert emulator.requests() == []


def examples_playbook(tmp_path):
    """The module's EXAMPLES as one play, exactly as written."""
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    examples = next(node.value.value for node in tree.body
                    if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES")
    play = [{"name": "EXAMPLES of cvm_instance_hour", "hosts": "localhost", "gather_facts": False, "tasks": yaml.safe_load(examples)}]
    path = Path(tmp_path) / "examples.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_examples_run_as_written(emulator, playbook, tmp_path):
    run = playbook(examples_playbook(tmp_path))
    assert run.rc == 0, run
    assert result_of(run, "Ensure two web servers run in Guangzhou zone 3")["changed"] is True
    assert result_of(run, "Preview a third web server and its price, without creating it")["price"]["goods_num"] == 1
    assert result_of(run, "A database server in a VPC, with a fixed private IP, a cloud data disk and a price limit")["changed"] is True
    assert result_of(run, "Give the web servers back")["changed"] is True
    assert result_of(run, "Give the database server back")["changed"] is True
    assert emulator.live_instances() == []
    assert len(emulator.requests("RunInstancesHour")) == 2
