# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a task (_cvm/reconcile.py): what to buy, change, power, replace, refuse or give back."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance, InstanceSpec
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.reconcile import Change, Desired, make_plan

SPEC = InstanceSpec(zone_id=100003, instance_family="S1", cpu=1, memory=2, image_id="img-3wnd9xpl", instance_name="web", bandwidth=5)


def instance(number, status="running", **fields):
    values = dict(
        instance_id="ins-{0}".format(number),
        instance_name="web",
        zone_id=100003,
        status=status,
        instance_family="S1",
        cpu=1,
        memory=2,
        image_id="img-3wnd9xpl",
        project_id=0,
        bandwidth=5,
    )
    values.update(fields)
    return Instance(**values)


def plan(instances, state="present", count=1, replace_drifted=False, spec=SPEC):
    return make_plan(instances, spec, Desired(state=state, count=count, replace_drifted=replace_drifted))


def test_the_missing_number_is_bought():
    result = plan([instance(1)], count=3)
    assert result.keep == ["ins-1"] and result.create == 2 and not result.refused and result.changes_anything


def test_nothing_missing_nothing_to_do():
    result = plan([instance(1), instance(2)], count=2)
    assert result.create == 0 and result.changes == [] and not result.changes_anything
    assert result.as_dict() == {"create": 0, "change": [], "start": [], "stop": [], "restart": [], "replace": [], "give_back": [], "refused": []}


def test_more_than_asked_for_are_kept_and_reported():
    result = plan([instance(1), instance(2), instance(3)], count=1)
    assert result.keep == ["ins-1", "ins-2", "ins-3"] and result.excess == ["ins-2", "ins-3"] and result.create == 0
    assert result.give_back == [] and not result.changes_anything


def test_failed_creates_are_reported_not_counted():
    result = plan([instance(1, status="launch_failed"), instance(2)], count=2)
    assert result.failed == ["ins-1"] and result.keep == ["ins-2"] and result.create == 1


@pytest.mark.parametrize("status", ["terminating", "terminated"])
def test_given_back_instances_are_not_the_task_s(status):
    result = plan([instance(1, status=status)], count=1)
    assert result.instance_ids == [] and result.create == 1


def test_drift_that_cannot_change_in_place_refuses_everything():
    result = plan([instance(1, cpu=2), instance(2, cpu=2), instance(3, image_id="img-other")], count=5)
    assert result.refused and result.create == 0 and result.keep == [] and result.changes == []
    assert sorted(result.drifted) == ["ins-1", "ins-2", "ins-3"]
    message = result.refusal()
    assert message.startswith("3 instance(s) of this task differ from it in settings that cannot change in place: ")
    assert "cpu is 2 where the task asks 1 (ins-1, ins-2)" in message
    assert "image_id is 'img-other' where the task asks 'img-3wnd9xpl' (ins-3)" in message
    assert "Nothing was bought or changed" in message and "replace_drifted: true" in message
    assert result.as_dict()["refused"][0] == {"instance_id": "ins-1", "differences": [{"option": "cpu", "current": 2, "wanted": 1}]}


def test_replace_drifted_buys_replacements_and_gives_the_drifted_back():
    result = plan([instance(1, cpu=2), instance(2)], count=2, replace_drifted=True)
    assert not result.refused and result.replace == ["ins-1"] and result.keep == ["ins-2"] and result.create == 1


def test_in_place_drift_is_a_change():
    result = plan([instance(1, bandwidth=1)])
    assert result.changes == [Change("ins-1", "bandwidth", 1, 5)] and not result.refused
    assert result.as_dict()["change"] == [{"instance_id": "ins-1", "attribute": "bandwidth", "before": 1, "after": 5}]


def test_failed_instances_are_not_compared():
    assert not plan([instance(1, status="launch_failed", cpu=8)], count=1).refused


@pytest.mark.parametrize(
    "state, status, start, stop, restart, kept_stopped",
    [
        ("present", "running", [], [], [], []),
        ("present", "stopped", [], [], [], ["ins-1"]),
        ("running", "stopped", ["ins-1"], [], [], []),
        ("running", "stopping", ["ins-1"], [], [], []),
        ("running", "running", [], [], [], []),
        ("stopped", "running", [], ["ins-1"], [], []),
        ("stopped", "pending", [], ["ins-1"], [], []),
        ("stopped", "stopped", [], [], [], []),
        ("restarted", "running", [], [], ["ins-1"], []),
        ("restarted", "stopped", ["ins-1"], [], [], []),
    ],
)
def test_power_follows_the_state(state, status, start, stop, restart, kept_stopped):
    result = plan([instance(1, status=status)], state=state)
    assert (result.start, result.stop, result.restart, result.stopped_kept) == (start, stop, restart, kept_stopped)
    assert result.changes_anything is bool(start or stop or restart)


def test_power_changes_are_reported_as_status_changes():
    assert plan([instance(1, status="stopped")], state="running").changes == [Change("ins-1", "status", "stopped", "running")]
    assert plan([instance(1)], state="stopped").changes == [Change("ins-1", "status", "running", "stopped")]
    assert plan([instance(1)], state="restarted").changes == [Change("ins-1", "status", "running", "restarted")]


def test_absent_gives_back_every_live_instance_whatever_it_looks_like():
    result = plan([instance(1, cpu=8), instance(2, status="launch_failed"), instance(3, status="terminated")], state="absent")
    assert result.give_back == ["ins-1", "ins-2"] and not result.refused and result.changes_anything


# -- the guardrails ------------------------------------------------------------------------

AT = "2099-12-24T18:00:00Z"


def guarded(**fields):
    return dataclasses.replace(SPEC, **fields)


def test_absent_with_protection_false_turns_protection_off_first():
    instances = [instance(1, termination_protection=True), instance(2), instance(3, status="launch_failed", termination_protection=True)]
    result = plan(instances, state="absent", spec=guarded(termination_protection=False))
    assert result.give_back == ["ins-1", "ins-2", "ins-3"]
    assert result.changes == [Change("ins-1", "termination_protection", True, False), Change("ins-3", "termination_protection", True, False)]
    assert result.as_dict()["change"][0] == {"instance_id": "ins-1", "attribute": "termination_protection", "before": True, "after": False}


@pytest.mark.parametrize("protection", [None, True])
def test_absent_without_protection_false_plans_no_change(protection):
    result = plan([instance(1, termination_protection=True)], state="absent", spec=guarded(termination_protection=protection))
    assert result.give_back == ["ins-1"] and result.changes == []


def test_absent_leaves_given_back_protected_instances_out():
    result = plan([instance(1, status="terminated", termination_protection=True)], state="absent", spec=guarded(termination_protection=False))
    assert result.give_back == [] and result.changes == [] and not result.changes_anything


def test_protection_and_expiry_are_in_place_changes():
    instances = [instance(1, expire_time=None), instance(2, termination_protection=True, expire_time=AT)]
    result = plan(instances, count=2, spec=guarded(termination_protection=False, expire_at=AT))
    assert not result.refused and result.create == 0
    assert result.changes == [Change("ins-1", "expire_time", None, AT), Change("ins-2", "termination_protection", True, False)]


def test_expire_after_plans_each_instance_s_own_time():
    instances = [instance(1, created_time="2099-05-01T02:00:00Z"), instance(2, created_time="2099-05-01T03:30:00Z")]
    result = plan(instances, count=2, spec=guarded(expire_after=8 * 3600))
    assert result.changes == [Change("ins-1", "expire_time", None, "2099-05-01T10:00:00Z"), Change("ins-2", "expire_time", None, "2099-05-01T11:30:00Z")]


def test_a_market_difference_refuses_unless_replaced():
    instances = [instance(1, instance_charge_type="POSTPAID_BY_HOUR"), instance(2, instance_charge_type="SPOTPAID")]
    refused = plan(instances, count=2, spec=guarded(market="spot"))
    assert refused.refused and list(refused.drifted) == ["ins-1"]
    assert "market is 'on_demand' where the task asks 'spot' (ins-1)" in refused.refusal()
    replaced = plan(instances, count=2, spec=guarded(market="spot"), replace_drifted=True)
    assert replaced.replace == ["ins-1"] and replaced.keep == ["ins-2"] and replaced.create == 1


def test_user_data_drift_refuses_and_never_shows_the_user_data():
    secret = "export TOKEN=hunter2"
    result = make_plan([instance(1), instance(2)], guarded(user_data=secret), Desired(count=2), user_data={"ins-1": secret, "ins-2": "export TOKEN=old"})
    assert result.refused and list(result.drifted) == ["ins-2"]
    assert "user_data is '(not shown)' where the task asks '(not shown)' (ins-2)" in result.refusal()
    assert result.as_dict()["refused"] == [
        {"instance_id": "ins-2", "differences": [{"option": "user_data", "current": "(not shown)", "wanted": "(not shown)"}]}
    ]
    assert "hunter2" not in result.refusal() and "hunter2" not in repr(result.as_dict())


def test_user_data_not_told_is_not_drift():
    assert not make_plan([instance(1)], guarded(user_data="x"), Desired(), user_data=None).refused


def test_the_refusal_names_every_guardrail_with_the_other_differences():
    result = plan([instance(1, cpu=2, instance_charge_type="SPOTPAID", termination_protection=True)], spec=guarded(termination_protection=False))
    message = result.refusal()
    assert "cpu is 2 where the task asks 1" in message and "market is 'spot' where the task asks 'on_demand'" in message
    # In-place changes are not part of a refusal.
    assert "termination_protection" not in message
