# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of a task: what to buy, change in place, power on or off, replace, refuse or give back.

Private: may change without notice. ``make_plan`` is a pure function of the
task's instances (its identity: zone and exact name, any configuration, any
state but given back), the spec and the desired state; the module carries
the plan out, and check mode shows it. The rules:

* an instance that failed to create (``launch_failed``) is reported, never
  counted: it will never run;
* a difference that the API can apply in place without losing data
  (bandwidth, security groups, power state) is planned as a change;
* any other difference refuses the task before anything is bought or
  changed, unless replacement is asked for: then the drifted instances are
  replaced (bought anew, and given back once the new ones run);
* ``count`` is exact for buying (the missing number is bought) and never
  gives anything back: more instances than ``count`` are reported.
"""

from __future__ import annotations

import dataclasses

from typing import Any, Dict, List

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.drift import Difference, differences

STATES = ("present", "running", "stopped", "restarted", "absent")
# The power state each state wants of the instances it keeps (None: whatever they are).
WANTED_POWER = {"present": None, "running": "running", "stopped": "stopped", "restarted": "running"}
# Where a passing state ends (what the task can count on once it settles).
SETTLES_AS = {"pending": "running", "starting": "running", "rebooting": "running", "operating": "running", "stopping": "stopped"}


@dataclasses.dataclass
class Desired:
    """What the task asks for besides the configuration."""

    state: str = "present"
    count: int = 1
    replace_drifted: bool = False
    # Whether the API reports an instance's security groups in priority order (API 3.0 does, legacy does not).
    groups_ordered: bool = True


@dataclasses.dataclass
class Change:
    """One in-place change of one instance: the attribute (an option name, or ``status``), before and after."""

    instance_id: str
    attribute: str
    before: Any
    after: Any

    def as_dict(self):
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Plan:
    """What a task will do; ``refused`` means it does nothing and fails."""

    desired: Desired
    instance_ids: List[str] = dataclasses.field(default_factory=list)
    failed: List[str] = dataclasses.field(default_factory=list)
    drifted: Dict[str, List[Difference]] = dataclasses.field(default_factory=dict)
    keep: List[str] = dataclasses.field(default_factory=list)
    create: int = 0
    replace: List[str] = dataclasses.field(default_factory=list)
    changes: List[Change] = dataclasses.field(default_factory=list)
    start: List[str] = dataclasses.field(default_factory=list)
    stop: List[str] = dataclasses.field(default_factory=list)
    restart: List[str] = dataclasses.field(default_factory=list)
    give_back: List[str] = dataclasses.field(default_factory=list)
    excess: List[str] = dataclasses.field(default_factory=list)
    stopped_kept: List[str] = dataclasses.field(default_factory=list)

    @property
    def refused(self):
        return bool(self.drifted) and not self.desired.replace_drifted

    @property
    def changes_anything(self):
        return bool(self.create or self.replace or self.changes or self.start or self.stop or self.restart or self.give_back)

    def as_dict(self):
        """The plan as RETURN's ``plan``."""
        return {
            "create": self.create,
            "change": [change.as_dict() for change in self.changes],
            "start": list(self.start),
            "stop": list(self.stop),
            "restart": list(self.restart),
            "replace": list(self.replace),
            "give_back": list(self.give_back),
            "refused": [{"instance_id": instance_id, "differences": [dataclasses.asdict(d) for d in diffs]} for instance_id, diffs in self.drifted.items()]
            if self.refused
            else [],
        }

    def refusal(self):
        """The message of a refused plan: each option with its current and wanted value and the instances that differ."""
        by_option = {}
        for instance_id, diffs in self.drifted.items():
            for diff in diffs:
                key = (diff.option, repr(diff.current), repr(diff.wanted))
                entry = by_option.setdefault(key, (diff, []))
                entry[1].append(instance_id)
        parts = [
            "{0} is {1!r} where the task asks {2!r} ({3})".format(diff.option, diff.current, diff.wanted, ", ".join(ids)) for diff, ids in by_option.values()
        ]
        return (
            "{0} instance(s) of this task differ from it in settings that cannot change in place: {1}. Nothing was bought "
            "or changed. To go on, set these options back to the instances' values; or give the instances back "
            "(state: absent) and run the task again; or set replace_drifted: true to buy replacements with the new "
            "settings and give these back once the replacements run."
        ).format(len(self.drifted), "; ".join(parts))


def _power_plan(plan, instance, state):
    wanted = WANTED_POWER[state]
    status = SETTLES_AS.get(instance.status, instance.status)
    if state == "restarted":
        if status == "running":
            plan.restart.append(instance.instance_id)
        elif status == "stopped":
            plan.start.append(instance.instance_id)
        return
    if wanted is None:
        if status == "stopped":
            plan.stopped_kept.append(instance.instance_id)
        return
    if wanted == "running" and status == "stopped":
        plan.start.append(instance.instance_id)
        plan.changes.append(Change(instance.instance_id, "status", instance.status, "running"))
    elif wanted == "stopped" and status == "running":
        plan.stop.append(instance.instance_id)
        plan.changes.append(Change(instance.instance_id, "status", instance.status, "stopped"))


def make_plan(instances, spec, desired, user_data=None):
    """The Plan for the task's ``instances`` (Instances, oldest first; given-back ones are ignored).

    ``user_data``: the user data of each instance, where the task sets some (see drift.differences).
    """
    plan = Plan(desired=desired)
    live = [instance for instance in instances if not instance.gone]
    plan.instance_ids = [instance.instance_id for instance in live]
    if desired.state == "absent":
        plan.give_back = list(plan.instance_ids)
        # Protected instances cannot be given back: the task turns protection off first when it says so.
        if spec.termination_protection is False:
            plan.changes.extend(Change(i.instance_id, "termination_protection", True, False) for i in live if i.termination_protection)
        return plan
    plan.failed = [instance.instance_id for instance in live if instance.status == "launch_failed"]
    healthy = [instance for instance in live if instance.status != "launch_failed"]
    in_place = {}
    for instance in healthy:
        diffs = differences(instance, spec, desired.groups_ordered, user_data)
        refused = [diff for diff in diffs if not diff.in_place]
        if refused:
            plan.drifted[instance.instance_id] = refused
        in_place[instance.instance_id] = [diff for diff in diffs if diff.in_place]
    if plan.refused:
        return plan
    kept = [instance for instance in healthy if instance.instance_id not in plan.drifted]
    plan.keep = [instance.instance_id for instance in kept]
    plan.replace = list(plan.drifted)
    plan.create = max(0, desired.count - len(kept))
    if len(kept) > desired.count:
        plan.excess = plan.keep[desired.count :]
    for instance in kept:
        for diff in in_place[instance.instance_id]:
            plan.changes.append(Change(instance.instance_id, diff.option, diff.current, diff.wanted))
        _power_plan(plan, instance, desired.state)
    if desired.state == "restarted":
        plan.changes.extend(Change(i, "status", "running", "restarted") for i in plan.restart)
        plan.changes.extend(Change(i, "status", "stopped", "running") for i in plan.start)
    return plan
