# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a task (_cvm/reconcile.py): what to buy, change, power, replace, refuse or give back."""

from __future__ import annotations

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
