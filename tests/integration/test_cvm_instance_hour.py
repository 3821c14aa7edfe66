# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour through real ansible-playbook runs against the emulator, on both APIs.

Playbooks live in playbooks/cvm_instance_hour/ and assert what they can; these
tests check the exit code, each task's result and the emulator's state and
request log. Every test runs on the legacy API and on API 3.0 (the ``api``
fixture); the request log is read through the emulator's ``face`` (each API's
action and parameter names), and the few answers that differ between the APIs
(the API's error classes) are stated per API.
"""

from __future__ import annotations

import ast

from pathlib import Path

import pytest
import yaml

from cvm_harness import APIS, CLIENT_TOKEN_TAG, SECRET_ID, SECRET_KEY, assert_api_error, assert_instance_matches, run_ansible

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = "cvm_instance_hour/"
ENSURE = TARGET + "ensure.yml"
MODULE = REPO_ROOT / "plugins" / "modules" / "cvm_instance_hour.py"

pytestmark = pytest.mark.usefixtures("api")

# What a task that finds its instances and has nothing to do sends: the look-up and what completes the
# instances it found (the legacy listing has no security groups, the 3.0 listing no expiry timers).
READS_OF_A_RERUN = {
    "legacy": {"DescribeInstances", "DescribeSecurityGroupEx", "DescribeInstancesOfSecurityGroup"},
    "v3": {"DescribeZones", "DescribeInstances", "DescribeInstancesActionTimer"},
}
# The security groups a new instance has when the task sets none: none on the legacy API, the region's
# default group on API 3.0 (RunInstances without SecurityGroupIds).
DEFAULT_GROUPS = {"legacy": [], "v3": ["sg-gzdeflt1"]}
OPEN_PORTS_WARNING = (
    "the {0} new instance(s) get no security group, so every port is open to the internet (the legacy API binds none at create); "
    "set security_group_ids to bind some"
)
REFUSAL_TAIL = (
    ". Nothing was bought or changed. To go on, set these options back to the instances' values; or give the instances back "
    "(state: absent) and run the task again; or set replace_drifted: true to buy replacements with the new settings and give these "
    "back once the replacements run."
)


# The default task of ensure.yml, for the cases run as tasks of one playbook (see played_cases).
DEFAULT_TASK = {"zone_id": 100003, "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "instance_name": "it"}


def ensure(playbook, check=False, diff=False, **options):
    return playbook(ENSURE, extra_vars={"cvm": options}, check=check, diff=diff)


def play_tasks(emulator, directory, cases):
    """One ansible-playbook run whose tasks are ``cases`` (name -> options of the default task), in order, each ignoring
    its errors: several steps of a test (or several tests, see played_cases) for the price of one run."""
    tasks = [{"name": name, "qcloud.cvm.cvm_instance_hour": dict(DEFAULT_TASK, **options), "ignore_errors": True} for name, options in cases.items()]
    path = Path(directory) / "cases.yml"
    path.write_text(yaml.safe_dump([{"name": "cases", "hosts": "localhost", "gather_facts": False, "tasks": tasks}], allow_unicode=True))
    return run_ansible("ansible-playbook", emulator, [path, "-i", "localhost,", "-c", "local"])


def played_cases(server, tmp_path_factory, api, cases):
    """(run, request log, instances) of play_tasks(cases) against the emptied session emulator speaking ``api``.

    For cases that cannot touch each other (each fails before it buys anything), so that one ansible-playbook run
    serves many parametrized tests.
    """
    server.reset()
    server.api = api
    try:
        run = play_tasks(server, tmp_path_factory.mktemp("cases"), cases)
        return run, server.requests(), server.instances()
    finally:
        server.api = "legacy"


def result_of(run, name="Ensure"):
    return run.task(name)["result"]


def warnings(result):
    return [w if isinstance(w, str) else str(w) for w in result.get("warnings", [])]


def tokens(face, entries):
    return [face.token(entry) for entry in entries]


def on(api, *values, name=None):
    """One pytest parameter for one API (the ``api`` fixture parametrized indirectly), called ``api-name``."""
    return pytest.param(api, *values, id="-".join(part for part in (api, name) if part))


def refusal(*parts, count=1):
    """The message of a task refused for drift: each (option, current, wanted, ids) part, in the module's words."""
    described = "; ".join(
        "{0} is {1!r} where the task asks {2!r} ({3})".format(option, current, wanted, ", ".join(ids)) for option, current, wanted, ids in parts
    )
    return "{0} instance(s) of this task differ from it in settings that cannot change in place: {1}".format(count, described) + REFUSAL_TAIL


def test_create_then_rerun_unchanged(emulator, playbook, api):
    run = playbook(TARGET + "create_rerun.yml")
    assert run.rc == 0, run
    created = result_of(run, "Create")
    assert run.task("Create")["outcome"] == "changed"
    assert run.task("Re-run")["outcome"] == "ok"
    live = emulator.live_instances("web")
    assert sorted(i["unInstanceId"] for i in live) == sorted(created["instance_ids"])
    # Each reported instance is the emulator's, in the collection's shape, key for key (on API 3.0 with the tag of its create).
    records = {i["unInstanceId"]: i for i in live}
    tags = {CLIENT_TOKEN_TAG: created["client_token"]} if api == "v3" else None
    for instance in created["instances"]:
        assert_instance_matches(instance, records[instance["instance_id"]], api, tags=tags)
    creates = emulator.creates()
    assert len(creates) == 1
    assert emulator.face.count(creates[0]) == 2
    assert emulator.face.token(creates[0]) == created["client_token"]


def test_rerun_sends_no_create(emulator, playbook, api):
    first = ensure(playbook, goods_num=2)
    assert first.rc == 0, first
    before = len(emulator.requests())
    second = ensure(playbook, goods_num=2)
    assert second.rc == 0, second
    result = result_of(second)
    assert result["changed"] is False
    assert result["instance_ids"] == result_of(first)["instance_ids"] and result["changes"] == []
    # Only reads: the look-up by name, once, and what completes the instances it found.
    later = emulator.requests()[before:]
    assert {entry["action"] for entry in later} == READS_OF_A_RERUN[api]
    assert [emulator.face.searched_name(e) for e in later if e["action"] == "DescribeInstances"] == ["it"]
    assert len(emulator.creates()) == 1


def test_check_mode_creates_nothing_and_quotes(emulator, playbook, api):
    run = playbook(TARGET + "check_mode.yml")
    assert run.rc == 0, run
    preview = result_of(run, "Preview a create")
    assert preview["price"]["goods_num"] == 2
    assert emulator.instances() == []
    assert emulator.creates() == []
    assert emulator.requests(emulator.face.give_back) == []
    assert emulator.requests(emulator.face.price)
    # API 3.0 checks the create with a DryRun, carrying the token the create would send first (what check mode reports).
    dry_runs = emulator.requests(emulator.face.create)
    assert [emulator.face.token(e) for e in dry_runs] == ([preview["client_token"]] if api == "v3" else [])
    assert all(emulator.face.is_dry_run(e) for e in dry_runs)


def test_check_flag_scale_up_and_give_back(emulator, playbook):
    face = emulator.face
    assert ensure(playbook, goods_num=1).rc == 0
    existing = [i["unInstanceId"] for i in emulator.live_instances("it")]
    run = ensure(playbook, check=True, goods_num=3)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True
    assert result["price"]["goods_num"] == 2
    assert result["instance_ids"] == existing + ["<new instance 1>", "<new instance 2>"]
    assert result["plan"]["create"] == 2 and result["created_instance_ids"] == []
    run = ensure(playbook, check=True, state="absent")
    assert run.rc == 0, run
    assert result_of(run)["changed"] is True
    assert result_of(run)["returned_instance_ids"] == existing
    assert len(emulator.creates()) == 1
    assert emulator.requests(face.give_back) == []
    assert [i["unInstanceId"] for i in emulator.live_instances("it")] == existing


def test_check_mode_price_failure_only_warns(emulator, playbook):
    emulator.fault(emulator.face.price, "http_500", times=10)
    run = ensure(playbook, check=True, retries=0)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True
    assert "price" not in result
    assert "could not quote the price" in run.output


def test_diff_shows_each_instance_before_and_after(emulator, playbook, api):
    """Diff mode: the count and a summary of each instance by ID, before and after; instances to buy are ``<new instance N>``."""

    def summary(**changed):
        base = {"status": "running", "instance_type": "CVM.S1", "cpu": 1, "mem": 2, "image_id": "img-3wnd9xpl", "storage_type": 1, "bandwidth": 0}
        return dict(base, security_group_ids=[], **changed) if "security_group_ids" not in changed else dict(base, **changed)

    run = ensure(playbook, diff=True, goods_num=2)
    assert run.rc == 0, run
    ids = result_of(run)["instance_ids"]
    assert len(ids) == 2
    # The plan's diff, made before the create: the new instances as the task describes them.
    assert result_of(run)["diff"] == {
        "before": {"count": 0, "instances": {}},
        "after": {"count": 2, "instances": {"<new instance 1>": summary(), "<new instance 2>": summary()}},
    }
    assert "<new instance 2>" in run.stdout and "count" in run.stdout
    # An in-place change shows on each instance it changes (check mode: nothing changes).
    groups = DEFAULT_GROUPS[api]
    run = ensure(playbook, diff=True, check=True, goods_num=2, bandwidth=5)
    assert run.rc == 0, run
    assert result_of(run)["diff"] == {
        "before": {"count": 2, "instances": {i: summary(security_group_ids=groups) for i in ids}},
        "after": {"count": 2, "instances": {i: summary(security_group_ids=groups, bandwidth=5) for i in ids}},
    }
    assert ids[0] in run.stdout
    run = ensure(playbook, diff=True, check=True, state="absent")
    assert result_of(run)["diff"] == {
        "before": {"count": 2, "instances": {i: summary(security_group_ids=groups) for i in ids}},
        "after": {"count": 0, "instances": {}},
    }
    assert {i["bandwidth"] for i in emulator.live_instances("it")} == {0}


def test_scale_up_creates_exactly_the_missing_one(emulator, playbook):
    face = emulator.face
    run = playbook(TARGET + "scale.yml")
    assert run.rc == 0, run
    assert len(emulator.live_instances("scale")) == 3
    creates = emulator.creates()
    assert [face.count(entry) for entry in creates] == [2, 1]
    assert len(set(tokens(face, creates))) == 2
    assert emulator.requests(face.give_back) == []
    assert "3 instances of this task exist, more than goods_num=1" in " ".join(run.output.split())


def test_more_than_desired_warns_and_returns_nothing(emulator, playbook):
    assert ensure(playbook, goods_num=3).rc == 0
    run = ensure(playbook, goods_num=2)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is False
    assert len(result["instance_ids"]) == 3
    assert warnings(result) == [
        "3 instances of this task exist, more than goods_num=2; the module never gives instances back unless asked (state: absent), "
        "so all are kept and reported: " + ", ".join(result["instance_ids"])
    ]
    assert emulator.requests(emulator.face.give_back) == []
    assert len(emulator.live_instances("it")) == 3


def test_give_back_then_recreate(emulator, playbook):
    face = emulator.face
    run = playbook(TARGET + "give_back.yml")
    assert run.rc == 0, run
    created = result_of(run, "Create")["instance_ids"]
    # Given back several at a time (in parallel on the legacy API, one call on API 3.0): each once.
    given_back = face.given_back_ids(emulator.requests(face.give_back))
    assert sorted(given_back[:2]) == sorted(created)
    assert result_of(run, "Give back again")["changed"] is False
    recreated = result_of(run, "Create again")["instance_ids"]
    assert not set(created) & set(recreated)
    assert sorted(given_back[2:]) == sorted(recreated) and len(given_back) == 4
    assert emulator.live_instances("temp") == []


def test_give_back_waits_for_instances_still_creating(emulator, playbook):
    emulator.configure(create_delay=3)
    assert ensure(playbook, wait=False).rc == 0
    run = ensure(playbook, state="absent", wait_timeout=30)
    assert run.rc == 0, run
    assert result_of(run)["changed"] is True
    assert emulator.live_instances("it") == []
    answers = [entry["code"] for entry in emulator.requests(emulator.face.give_back)]
    assert answers == [0]


def test_give_back_without_wait_refuses_instances_changing_state(emulator, playbook):
    emulator.configure(create_delay=30)
    first = ensure(playbook, wait=False)
    assert first.rc == 0, first
    [pending] = result_of(first)["instance_ids"]
    run = ensure(playbook, state="absent", wait=False)
    assert run.rc != 0
    result = result_of(run)
    assert result["msg"] == (
        "instance(s) {0} are still changing state (pending) and cannot be given back yet; set wait: true to wait for them, or run again later".format(pending)
    )
    assert result["changed"] is False and result["returned_instance_ids"] == []
    assert emulator.requests(emulator.face.give_back) == []


def test_wait_timeout_reports_the_created_ids(emulator, playbook):
    # Long enough for the 2-second wait to time out, short enough for the re-run to wait for them.
    emulator.configure(create_delay=6)
    run = ensure(playbook, goods_num=2, wait_timeout=2)
    assert run.rc != 0
    result = result_of(run)
    assert run.task("Ensure")["outcome"] == "failed"
    assert "timed out after 2 seconds" in result["msg"]
    assert len(result["created_instance_ids"]) == 2
    assert result["instance_ids"] == result["created_instance_ids"]
    assert sorted(i["unInstanceId"] for i in emulator.live_instances("it")) == sorted(result["created_instance_ids"])
    assert {i["status"] for i in result["instances"]} == {"pending"}
    # A re-run adopts them (and waits until they run): nothing new is created.
    emulator.configure(create_delay=0)
    rerun = ensure(playbook, goods_num=2)
    assert rerun.rc == 0, rerun
    assert result_of(rerun)["changed"] is False
    assert {i["status"] for i in result_of(rerun)["instances"]} == {"running"}
    assert len(emulator.creates()) == 1


def test_failed_creation_reports_the_created_ids(emulator, playbook):
    emulator.fault(emulator.face.create, "create_fails")
    run = ensure(playbook, goods_num=2)
    assert run.rc != 0
    result = result_of(run)
    assert len(result["created_instance_ids"]) == 2
    assert "launch_failed" in result["msg"]
    assert {i["status"] for i in result["instances"]} == {"launch_failed"}


def test_lost_create_answer_creates_once(emulator, playbook):
    face = emulator.face
    emulator.fault(face.create, "drop_after_commit")
    run = ensure(playbook, goods_num=3)
    assert run.rc == 0, run
    result = result_of(run)
    assert len(emulator.live_instances("it")) == 3
    assert sorted(result["created_instance_ids"]) == sorted(i["unInstanceId"] for i in emulator.live_instances("it"))
    creates = emulator.creates()
    assert len(creates) == 2
    assert tokens(face, creates) == [result["client_token"]] * 2


def test_user_client_token_is_sent(emulator, playbook):
    run = ensure(playbook, client_token="my-token-1")
    assert run.rc == 0, run
    assert tokens(emulator.face, emulator.creates()) == ["my-token-1"]
    assert result_of(run)["client_token"] == "my-token-1"


def test_max_hourly_price_refuses(emulator, playbook):
    run = ensure(playbook, goods_num=2, max_hourly_price=0.01)
    assert run.rc != 0
    result = result_of(run)
    assert "above max_hourly_price 0.01" in result["msg"]
    assert result["changed"] is False
    assert result["price"]["hourly_price"] > 0.01
    assert emulator.creates() == []
    assert emulator.instances() == []


def test_max_hourly_price_allows(emulator, playbook):
    run = ensure(playbook, goods_num=2, max_hourly_price=100)
    assert run.rc == 0, run
    assert result_of(run)["price"]["goods_num"] == 2
    assert len(emulator.live_instances("it")) == 2


WINDOWS_SHORT_PASSWORD = dict(image_id="img-win2016d", password="abcdefg1")
WINDOWS_SMALL_DISK = dict(image_id="img-win2016d", root_size=20)
IP_OUTSIDE = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["10.9.9.9"])
IP_RESERVED = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["172.16.1.1"])
VPC_ERROR = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-vpcerr01", retries=0)
# name: (options, API: (action, code, legacy numeric code)); an API without an entry answers otherwise (see the tests below).
SERVER_ERRORS = {
    "pair": (dict(cpu=1, mem=3), {"legacy": ("RunInstancesHour", "InvalidParameter", 4000)}),
    # The look-up already names the zone, so the API's answer comes from DescribeInstances.
    "zone": (
        dict(zone_id=200001),
        {"legacy": ("DescribeInstances", "InvalidParameter.InvaildZoneId", 4000), "v3": ("DescribeInstances", "InvalidZone.MismatchRegion", None)},
    ),
    "password": (
        WINDOWS_SHORT_PASSWORD,
        {"legacy": ("RunInstancesHour", "InvalidParameter.PasswordNotConformSpecs", 4000), "v3": ("RunInstances", "InvalidPassword", None)},
    ),
    "root_size": (WINDOWS_SMALL_DISK, {"legacy": ("RunInstancesHour", "InvalidParameter", 4000), "v3": ("RunInstances", "InvalidParameterValue.Range", None)}),
    "image_type": (dict(image_type=1), {"legacy": ("RunInstancesHour", "InvalidParameter", 4000)}),
    "ip-outside": (IP_OUTSIDE, {"legacy": ("RunInstancesHour", "InvalidParameter.IpNotInCidrRange", 4000), "v3": ("RunInstances", "VpcAddrNotInSubNet", None)}),
    "ip-reserved": (
        IP_RESERVED,
        {"legacy": ("RunInstancesHour", "InvalidParameter.NotSupportReservedIp", 4000), "v3": ("RunInstances", "InvalidParameterValue", None)},
    ),
    "vpc-error": (VPC_ERROR, {"legacy": ("RunInstancesHour", "InnerError.VpcError", 6000), "v3": ("RunInstances", "InternalError", None)}),
}


@pytest.fixture(scope="module")
def server_errors(emulator_server, tmp_path_factory):
    """By API: every case of SERVER_ERRORS that the API answers with an error, as the tasks of one playbook."""
    return {
        api: played_cases(emulator_server, tmp_path_factory, api, {name: options for name, (options, answers) in SERVER_ERRORS.items() if api in answers})
        for api in APIS
    }


@pytest.mark.parametrize(
    "api, name", [on(api, name, name=name) for name, (_options, answers) in SERVER_ERRORS.items() for api in APIS if api in answers], indirect=["api"]
)
def test_server_side_errors_are_structured(server_errors, api, name):
    """Each task fails with the API's error, structured, having bought nothing (the emulator has no instance at all)."""
    run, _log, instances = server_errors[api]
    action, code, legacy_code = SERVER_ERRORS[name][1][api]
    assert run.rc == 0, run
    assert run.task(name)["outcome"] == "failed", run.task(name)
    result = result_of(run, name)
    assert_api_error(result, action, code, legacy_code)
    assert result["created_instance_ids"] == [] and result["changed"] is False
    assert instances == []


@pytest.mark.parametrize("api", ["v3"], indirect=True)
def test_a_pair_the_family_does_not_sell_fails_before_buying(emulator, playbook):
    """API 3.0 resolves cpu/mem to an InstanceType of the family in the zone, and names the pairs it sells."""
    run = ensure(playbook, cpu=1, mem=3)
    assert run.rc != 0
    result = result_of(run)
    assert result["msg"].startswith("instance_type CVM.S1 does not sell cpu 1 with mem 3 in zone ap-guangzhou-3; it sells (cpu/mem): 1/1, 1/2, 1/4, ")
    assert result["msg"].endswith(". Nothing was bought")
    assert "api_error" not in result and result["changed"] is False
    assert emulator.requests(emulator.face.create) == [] and emulator.instances() == []


@pytest.mark.parametrize("api", ["v3"], indirect=True)
def test_image_type_is_not_sent_on_v3(emulator, playbook):
    """On API 3.0 the image ID implies its type: image_type is not sent, so a mismatch the legacy API refuses buys."""
    run = ensure(playbook, image_type=1)
    assert run.rc == 0, run
    assert len(result_of(run)["created_instance_ids"]) == 1
    assert ["ImageType" in e["params"] for e in emulator.creates()] == [False]


def test_stale_user_token_after_a_give_back_fails_clearly(emulator, playbook):
    assert ensure(playbook, client_token="once").rc == 0
    assert ensure(playbook, state="absent").rc == 0
    run = ensure(playbook, client_token="once")
    assert run.rc != 0
    result = result_of(run)
    assert "given back" in result["msg"] and "good for one create" in result["msg"] and "client_token once" in result["msg"]
    assert result["created_instance_ids"] == [] and result["changed"] is False
    assert emulator.live_instances("it") == []


@pytest.mark.parametrize("api, code, legacy_code", [on("legacy", "InvalidParameter.IpInUse", 4000), on("v3", "VpcIpIsUsed", None)], indirect=["api"])
def test_ip_in_use_is_structured(emulator, playbook, code, legacy_code):
    first = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", private_ip_addresses=["172.16.1.50"])
    assert ensure(playbook, **first).rc == 0
    run = ensure(playbook, instance_name="other", **first)
    assert run.rc != 0
    assert_api_error(result_of(run), emulator.face.create, code, legacy_code)


@pytest.mark.parametrize(
    "api, code, legacy_code",
    [on("legacy", "OperationConstraints.AccountBalanceNotEnough", 5300), on("v3", "InvalidAccount.InsufficientBalance", None)],
    indirect=["api"],
)
def test_balance_not_enough_is_structured(emulator, playbook, code, legacy_code):
    emulator.configure(balance=0)
    run = ensure(playbook)
    assert run.rc != 0
    assert_api_error(result_of(run), emulator.face.create, code, legacy_code)
    assert emulator.instances() == []


BAD_OPTIONS = {
    "storage_size": (dict(storage_size=15), "option 'storage_size'"),
    "root_size": (dict(root_size=25), "option 'root_size'"),
    "password": (dict(password="no"), "option 'password'"),
    "private_ip": (dict(private_ip_addresses=["300.1.1.1"], vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01"), "option 'private_ip_addresses'"),
    "goods_num": (dict(goods_num=101), "option 'goods_num'"),
    "instance_name": (dict(instance_name="n" * 61), "option 'instance_name'"),
    "client_token": (dict(client_token="t" * 65), "option 'client_token'"),
    "subnet_id": (dict(vpc_id="vpc-gzdemo01"), "subnet_id"),
    "password_and_key": (dict(password="Ab12#xyz", key_id="skey-1"), "mutually exclusive"),
    "storage_type": (dict(storage_type=4), "storage_type"),
}


@pytest.fixture(scope="module")
def bad_options(emulator_server, tmp_path_factory):
    """By API: every case of BAD_OPTIONS as the tasks of one playbook."""
    return {api: played_cases(emulator_server, tmp_path_factory, api, {name: options for name, (options, _text) in BAD_OPTIONS.items()}) for api in APIS}


@pytest.mark.parametrize("api, name", [on(api, name, name=name) for name in BAD_OPTIONS for api in APIS], indirect=["api"])
def test_bad_options_fail_before_any_request(bad_options, api, name):
    run, log, _instances = bad_options[api]
    assert run.rc == 0, run
    assert run.task(name)["outcome"] == "failed", run.task(name)
    assert BAD_OPTIONS[name][1] in result_of(run, name)["msg"]
    # No task of the playbook sent anything.
    assert log == []


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


def test_another_configuration_of_the_same_name_is_drift(emulator, playbook, tmp_path):
    """The identity is the zone and the exact name, in any configuration: another configuration is drift, refused before
    anything is bought or changed, naming each option with the current and wanted value and the instances."""
    first = ensure(playbook, goods_num=2)
    assert first.rc == 0, first
    ids = result_of(first)["instance_ids"]
    drifts = {
        "cpu and mem": (dict(cpu=2, mem=4), [("cpu", 1, 2, ids), ("mem", 2, 4, ids)]),
        "storage_size": (dict(storage_size=10), [("storage_size", 0, 10, ids)]),
        "instance_type": (dict(instance_type="CVM.S2"), [("instance_type", "CVM.S1", "CVM.S2", ids)]),
    }
    steps = {name: dict(options, goods_num=2) for name, (options, _parts) in drifts.items()}
    # Another zone is another identity: its own set. Create-time only options are not compared: nothing to do.
    steps["another zone"] = dict(zone_id=100004)
    steps["create-time only"] = dict(goods_num=2, need_monitor_agent=False, password="Ab12#xyz")
    run = play_tasks(emulator, tmp_path, steps)
    assert run.rc == 0, run
    for name, (_options, parts) in drifts.items():
        assert run.task(name)["outcome"] == "failed", name
        result = result_of(run, name)
        assert result["msg"] == refusal(*parts, count=2), name
        assert result["changed"] is False and result["created_instance_ids"] == [] and result["changes"] == []
        assert result["instance_ids"] == ids
        assert result["plan"]["refused"] == [
            {"instance_id": i, "differences": [{"option": option, "current": current, "wanted": wanted} for option, current, wanted, _ids in parts]}
            for i in ids
        ]
    elsewhere = result_of(run, "another zone")
    assert elsewhere["changed"] is True and len(elsewhere["created_instance_ids"]) == 1
    assert {i["zone_id"] for i in elsewhere["instances"]} == {100004}
    same = result_of(run, "create-time only")
    assert run.task("create-time only")["outcome"] == "ok" and same["changed"] is False and same["instance_ids"] == ids
    # Nothing but the other zone's instance was bought.
    assert len(emulator.creates()) == 2
    assert sorted(i["unInstanceId"] for i in emulator.live_instances("it")) == sorted(ids + elsewhere["created_instance_ids"])


def test_vpc_instances(emulator, playbook):
    options = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", bandwidth=1, is_vpc_gateway=True, goods_num=2)
    run = ensure(playbook, **options)
    assert run.rc == 0, run
    ids = result_of(run)["instance_ids"]
    assert {i["vpc_id"] for i in result_of(run)["instances"]} == {"vpc-gzdemo01"}
    assert {i["subnet_id"] for i in result_of(run)["instances"]} == {"subnet-gz3web01"}
    assert {i["vpc_gateway"] for i in result_of(run)["instances"]} == {True}
    assert result_of(ensure(playbook, **options))["changed"] is False
    # The same task in the basic network is the same set in another configuration: refused, nothing bought or changed
    # (not even the bandwidth, which could change in place).
    run = ensure(playbook, goods_num=2)
    assert run.rc != 0, run
    basic = result_of(run)
    parts = [("vpc_id", "vpc-gzdemo01", None, ids), ("subnet_id", "subnet-gz3web01", None, ids), ("is_vpc_gateway", True, False, ids)]
    assert basic["msg"] == refusal(*parts, count=2)
    assert basic["changed"] is False and basic["created_instance_ids"] == [] and basic["changes"] == []
    assert len(emulator.creates()) == 1 and emulator.requests(emulator.face.bandwidth) == []
    assert {(i["unVpcId"], i["bandwidth"]) for i in emulator.live_instances("it")} == {("vpc-gzdemo01", 1)}


def test_module_defaults_for_the_group(emulator, playbook, api):
    run = playbook(
        TARGET + "module_defaults.yml",
        extra_vars={"qcloud_secret_id": SECRET_ID, "qcloud_secret_key": SECRET_KEY, "qcloud_endpoint": emulator.endpoint, "qcloud_api": api},
        env_extra={"TENCENTCLOUD_SECRET_ID": "", "TENCENTCLOUD_SECRET_KEY": "", "TENCENTCLOUD_REGION": "", "QCLOUD_CVM_ENDPOINT": "", "QCLOUD_CVM_API": None},
    )
    assert run.rc == 0, run
    assert len(emulator.live_instances("grouped")) == 1
    assert len(emulator.creates()) == 1


def test_missing_credentials_fail_before_any_request(emulator, playbook):
    run = playbook(ENSURE, extra_vars={"cvm": {}}, env_extra={"TENCENTCLOUD_SECRET_ID": ""})
    assert run.rc != 0
    assert "secret_id" in result_of(run)["msg"]
    assert emulator.requests() == []


def test_new_instances_without_groups_warn_on_legacy_only(emulator, playbook, api):
    """The legacy API binds no security group at create (every port open); API 3.0 binds the region's default group."""
    run = ensure(playbook, goods_num=2)
    assert run.rc == 0, run
    result = result_of(run)
    assert warnings(result) == ([OPEN_PORTS_WARNING.format(2)] if api == "legacy" else [])
    assert [i["security_group_ids"] for i in result["instances"]] == [DEFAULT_GROUPS[api]] * 2


def examples_playbook(tmp_path):
    """The module's EXAMPLES as one play, exactly as written."""
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    examples = next(node.value.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES")
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
    assert len(emulator.creates()) == 2
