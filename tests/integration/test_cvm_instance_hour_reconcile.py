# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reconcile issue's cases a playbook cannot express: faults in the middle of a run, two runs at once, time.

Each runs real ansible-playbook processes (playbooks/cvm_instance_hour/ensure.yml) against the emulator, on both
APIs, and judges by each run's result and the emulator's state and request log:

* one of three bandwidth changes fails (a ``busy`` fault narrowed to one instance): the run reports each instance
  in ``changes`` (two ``changed``, one ``failed`` with the API's error), loses nothing and fails naming it; a run
  without the fault changes just that one;
* two runs of the same task at once: never more than twice goods_num bought; with the derived token both get the
  same instances; with a token each, a run whose check after its create sees the other's instances warns, naming
  exactly them; nothing is ever given back on its own;
* a teardown, then the same task once the given-back instances have left the listing (a short forget delay): the
  derived token is the first create's again, whose answer is stale; the create moves on along the token chain
  (``stale_client_tokens``) and never waits for the old IDs;
* a create whose instances fail (``create_fails``), then a run without the fault: the failed ones are reported, not
  counted, and goods_num new ones are bought;
* every answer of a committed create lost (``drop_after_commit``): the run fails naming what it made, and the
  re-run buys nothing twice.
"""

from __future__ import annotations

import json
import time

import pytest

from cvm_harness import PLAYBOOKS_DIR
from reliability_support import read_results, start_process, wait_for

ENSURE = "cvm_instance_hour/ensure.yml"
# How long the emulator holds each of the two concurrent creates before processing it: longer than the start of the
# second ansible-playbook run takes, so that both runs look up before either create is committed.
HOLD = 5
ANOTHER_RUN = "another run created instances of this task at the same time: {0} exist besides the ones this run knows."
FAILED_TO_CREATE = (
    "instance {0} failed to create (launch_failed); it does not count towards goods_num. Give it back with state: absent when you no longer need to look at it."
)
pytestmark = pytest.mark.usefixtures("api")


def ensure(playbook, **options):
    return playbook(ENSURE, extra_vars={"cvm": options})


def result_of(run):
    return run.task("Ensure")["result"]


def warnings(result):
    return [w if isinstance(w, str) else str(w) for w in result.get("warnings", [])]


def bandwidths(emulator, name="it"):
    return {i["unInstanceId"]: i["bandwidth"] for i in emulator.live_instances(name)}


@pytest.mark.parametrize(
    "api, bandwidth_type",
    [("legacy", "PayByHour"), ("v3", "PayByHour"), ("v3", "PayByTraffic")],
    indirect=["api"],
)
def test_one_failed_bandwidth_change_is_reported_per_instance(emulator, playbook, bandwidth_type):
    """PayByHour: one instance per call on both APIs; PayByTraffic on API 3.0: one call for all, the refused call then
    retried one instance at a time (the fault, narrowed to one instance, refuses every call that names it). (The legacy
    API changes one instance per call whatever the billing, so PayByTraffic would repeat PayByHour there.)"""
    face = emulator.face
    first = ensure(playbook, goods_num=3, bandwidth=1, bandwidth_type=bandwidth_type)
    assert first.rc == 0, first
    ids = result_of(first)["instance_ids"]
    assert len(ids) == 3
    failing = ids[1]
    emulator.fault(face.bandwidth, "busy", times=20, instance_id=failing)
    before = len(emulator.requests())

    run = ensure(playbook, goods_num=3, bandwidth=5, bandwidth_type=bandwidth_type, retries=1)
    assert run.rc != 0, run
    result = result_of(run)
    assert result["plan"]["change"] == [{"instance_id": i, "attribute": "bandwidth", "before": 1, "after": 5} for i in ids]
    changes = {change["instance_id"]: change for change in result["changes"]}
    assert len(result["changes"]) == 3 and sorted(changes) == sorted(ids)
    error = changes[failing].get("error", "")
    for instance_id in ids:
        expected = {"instance_id": instance_id, "attribute": "bandwidth", "before": 1, "after": 5}
        if instance_id == failing:
            expected.update(result="failed", error=error)
        else:
            expected["result"] = "changed"
        assert changes[instance_id] == expected
    assert error.startswith("{0} failed: {1}: ".format(face.bandwidth, face.busy_code)), error
    # The task fails naming the instance, the option and the error; the other two are changed (so it changed), nothing is lost.
    assert result["msg"] == "the task did not finish: {0} bandwidth: {1}".format(failing, error)
    assert result["changed"] is True
    assert result["instance_ids"] == ids and result["created_instance_ids"] == [] and result["returned_instance_ids"] == []
    assert bandwidths(emulator) == {i: (1 if i == failing else 5) for i in ids}
    later = emulator.requests()[before:]
    assert not [e for e in later if e["action"] in (face.create, face.give_back)]
    # Each of the two was asked for once; the failing one was tried with each retry (and, in a batch, on its own).
    asked = [face.target_ids(e) for e in later if e["action"] == face.bandwidth and e["code"] == 0]
    assert sorted(i for targets in asked for i in targets) == sorted(i for i in ids if i != failing)

    emulator.control("DELETE", "faults")
    again = ensure(playbook, goods_num=3, bandwidth=5, bandwidth_type=bandwidth_type)
    assert again.rc == 0, again
    assert result_of(again)["changes"] == [{"instance_id": failing, "attribute": "bandwidth", "before": 1, "after": 5, "result": "changed"}]
    assert bandwidths(emulator) == {i: 5 for i in ids}


def start_ensure(emulator, options):
    return start_process("ansible-playbook", emulator, [PLAYBOOKS_DIR / ENSURE, "-i", "localhost,", "-c", "local", "-e", json.dumps({"cvm": options})])


@pytest.mark.parametrize("tokens", ["derived", "own"])
def test_two_runs_of_the_same_task_at_once(emulator, tokens):
    """Both creates are held in the emulator, so that both runs look up before either create is committed."""
    face = emulator.face
    goods_num = 2
    emulator.fault(face.create, "delay", times=2, seconds=HOLD)
    runs = []
    for number in (1, 2):
        options = {"goods_num": goods_num, "instance_name": "twice"}
        if tokens == "own":
            options["client_token"] = "twice-run-{0}".format(number)
        runs.append(start_ensure(emulator, options))
    results = []
    for process, result_log, output in runs:
        process.wait(timeout=300)
        assert process.returncode == 0, output.read_text(errors="replace")[-5000:]
        [entry] = [r for r in read_results(result_log) if r["task"] == "Ensure"]
        results.append(entry["result"])
    live = sorted(i["unInstanceId"] for i in emulator.bought_for("twice"))
    log = emulator.requests()
    creates = emulator.creates()
    # Never more than goods_num per run, and never anything given back on its own.
    assert len(live) <= 2 * goods_num
    assert emulator.requests(face.give_back) == []
    assert all(result["returned_instance_ids"] == [] for result in results)
    # Both runs looked up before either create was answered (the creates were held).
    lookups = [e for e in log if face.is_lookup(e) and face.searched_name(e) == "twice"]
    assert len([e for e in lookups if e["time"] < creates[0]["time"] + HOLD]) >= 2, lookups
    assert len(creates) == 2
    if tokens == "derived":
        # One task, one derived token: the API answers the second create with the first one's instances.
        assert len(live) == goods_num
        assert len({face.token(e) for e in creates}) == 1
        for result in results:
            assert sorted(result["instance_ids"]) == sorted(result["created_instance_ids"]) == live
            assert not [w for w in warnings(result) if "another run" in w]
        return
    # A token each: both buy; every run that sees the other's instances after its create warns, naming exactly them,
    # and keeps reporting its own.
    assert len(live) == 2 * goods_num
    created = [sorted(result["created_instance_ids"]) for result in results]
    assert [len(ids) for ids in created] == [goods_num, goods_num] and sorted(created[0] + created[1]) == live
    warned = []
    for index, result in enumerate(results):
        assert sorted(result["instance_ids"]) == created[index]
        others = created[1 - index]
        mine = [w for w in warnings(result) if w.startswith("another run")]
        if mine:
            [text] = mine
            assert text.startswith(ANOTHER_RUN.format(", ".join(others))), text
            assert "Nothing is given back on its own" in text
            warned.append(index)
    # The run whose create was processed last saw the other's instances in its check.
    last = max(creates, key=lambda e: e["seq"])
    assert ["twice-run-{0}".format(index + 1) for index in warned] in (["twice-run-1", "twice-run-2"], [face.token(last)]), (warned, face.token(last))


def test_recreate_once_the_given_back_instances_left_the_listing(emulator, playbook):
    face = emulator.face
    emulator.configure(forget_delay=1)
    first = ensure(playbook, goods_num=2)
    assert first.rc == 0, first
    old_ids, old_token = result_of(first)["instance_ids"], result_of(first)["client_token"]
    gone = ensure(playbook, state="absent")
    assert gone.rc == 0 and sorted(result_of(gone)["returned_instance_ids"]) == sorted(old_ids), gone
    # Given back, then forgotten by the listing (forget_delay after that; API 3.0 lists no terminated instance at all).
    wait_for(lambda: all(i["status"] == 5 for i in emulator.instances() if i["unInstanceId"] in old_ids), timeout=30, what="the give-back")
    time.sleep(1.5)
    before = len(emulator.requests())

    run = ensure(playbook, goods_num=2, wait_timeout=60)
    assert run.rc == 0, run
    result = result_of(run)
    new_ids = result["created_instance_ids"]
    assert result["changed"] is True and len(new_ids) == 2 and not set(new_ids) & set(old_ids)
    assert sorted(result["instance_ids"]) == sorted(new_ids) == sorted(i["unInstanceId"] for i in emulator.live_instances("it"))
    # Nothing is listed any more, so the derived token is the first create's, which the API answers with the old IDs:
    # stale. The create is sent again with the next token of the chain, which buys.
    assert result["stale_client_tokens"] == [old_token] and result["client_token"] != old_token
    later = emulator.requests()[before:]
    creates = [e for e in later if e["action"] == face.create and not face.is_dry_run(e)]
    assert [face.token(e) for e in creates] == [old_token, result["client_token"]]
    # The old IDs are only listed to see that they are gone (at once, and after the listing-lag pauses), before the
    # second create; never waited for after it.
    checks = [e for e in later if set(face.listed_ids(e)) & set(old_ids)]
    assert 1 <= len(checks) <= 4 and all(set(face.listed_ids(e)) <= set(old_ids) for e in checks), checks
    assert max(e["seq"] for e in checks) < creates[1]["seq"]
    assert {i for e in later if e["seq"] > creates[1]["seq"] for i in face.listed_ids(e)} <= set(new_ids)


def test_failed_create_then_a_successful_run(emulator, playbook):
    face = emulator.face
    emulator.fault(face.create, "create_fails")
    failed = ensure(playbook, goods_num=2)
    assert failed.rc != 0, failed
    broken = result_of(failed)
    failed_ids = broken["created_instance_ids"]
    assert len(failed_ids) == 2 and broken["instance_ids"] == failed_ids
    assert {i["status"] for i in broken["instances"]} == {"launch_failed"}
    assert "will not reach running" in broken["msg"] and all("{0} launch_failed".format(i) in broken["msg"] for i in failed_ids)

    run = ensure(playbook, goods_num=2)
    assert run.rc == 0, run
    result = result_of(run)
    new_ids = result["created_instance_ids"]
    # The failed instances are reported (oldest first), never counted: goods_num new ones are bought, with a token of their own.
    assert result["changed"] is True and len(new_ids) == 2 and not set(new_ids) & set(failed_ids)
    assert result["instance_ids"] == failed_ids + new_ids
    assert {i["instance_id"]: i["status"] for i in result["instances"]} == dict({i: "launch_failed" for i in failed_ids}, **{i: "running" for i in new_ids})
    assert [w for w in warnings(result) if "failed to create" in w] == [FAILED_TO_CREATE.format(i) for i in failed_ids]
    assert result["client_token"] != broken["client_token"] and "stale_client_tokens" not in result
    assert sorted(i["unInstanceId"] for i in emulator.live_instances("it")) == sorted(failed_ids + new_ids)

    again = ensure(playbook, goods_num=2)
    assert again.rc == 0, again
    assert result_of(again)["changed"] is False and result_of(again)["instance_ids"] == failed_ids + new_ids
    assert [face.token(e) for e in emulator.creates()] == [broken["client_token"], result["client_token"]]


def lose_every_answer(emulator, playbook):
    """A create of two whose two attempts (retries: 1) both commit and lose their answer; (result, what was bought)."""
    face = emulator.face
    emulator.fault(face.create, "drop_after_commit", times=2)
    run = ensure(playbook, goods_num=2, retries=1)
    assert run.rc != 0, run
    result = result_of(run)
    bought = sorted(i["unInstanceId"] for i in emulator.bought_for("it"))
    # The second attempt sent the same token: the API answered it with the first one's instances, buying nothing more.
    assert len(bought) == 2
    assert [face.token(e) for e in emulator.creates()] == [result["client_token"]] * 2
    return result, bought


def test_lost_answers_after_commit_then_a_rerun_buys_nothing_twice(emulator, playbook):
    face = emulator.face
    lost, bought = lose_every_answer(emulator, playbook)
    assert "{0} failed: connection to {1} failed: ".format(face.create, emulator.endpoint) in lost["msg"], lost["msg"]
    assert "The create went through nevertheless: a look-up found 2 new instance(s)" in lost["msg"], lost["msg"]
    assert sorted(lost["created_instance_ids"]) == bought and sorted(lost["instance_ids"]) == bought

    rerun = ensure(playbook, goods_num=2)
    assert rerun.rc == 0, rerun
    result = result_of(rerun)
    assert sorted(result["instance_ids"]) == bought
    # Nothing bought twice: the same instances, now all named as the task, and every create sent the same token.
    assert sorted(i["unInstanceId"] for i in emulator.bought_for("it")) == bought
    assert sorted(i["unInstanceId"] for i in emulator.live_instances("it")) == bought
    assert {face.token(e) for e in emulator.creates()} == {lost["client_token"]}
    # The re-run finds them by name (on API 3.0 the failed run named them as the task) and has nothing to do.
    assert result["changed"] is False and result["created_instance_ids"] == [] and len(emulator.creates()) == 2
