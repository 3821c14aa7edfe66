# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Carrying out one cvm_instance_hour task: look up, plan, then buy, change, power and give back.

Private: may change without notice. ``InstanceTask.run`` works through the
plan of ``reconcile.make_plan`` in an order that never leaves fewer running
instances than before: buy first, change in place, then give back what was
replaced, and only once its replacements run. Everything it learns goes into
``result`` as it goes, so a failure at any step still reports every ID made,
changed or given back.
"""

from __future__ import annotations

import dataclasses
import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, QcloudError, TaskFailure, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backend import ZoneUnavailable
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.client_token import derive_client_token
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.create import buy
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.drift import IN_PLACE_OPTIONS
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import DISK_TYPE_NUMBERS, option_of_family
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import FAILED_STATUSES, GONE_STATUSES, TRANSITIONAL_STATUSES
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.reconcile import Change, make_plan
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.waiting import InstanceWaitError, wait_for_status

RUNNING = frozenset(("running",))
STOPPED = frozenset(("stopped",))
# What ends the wait before a give-back: anything but a passing state.
SETTLED_FOR_GIVE_BACK = RUNNING | STOPPED | FAILED_STATUSES | GONE_STATUSES | frozenset(("fault",))


def placeholder(number):
    return "<new instance {0}>".format(number)


class TaskSettings:
    """The module options that steer a run but do not describe the instances."""

    def __init__(
        self, wait=True, wait_timeout=300, client_token=None, max_hourly_price=None, force_stop=False, check_mode=False, diff=False, stop_charging=False
    ):
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.client_token = client_token
        self.max_hourly_price = max_hourly_price
        self.force_stop = force_stop
        self.check_mode = check_mode
        self.diff = diff
        self.stop_charging = stop_charging


class InstanceTask:
    """One run of a task over its instances."""

    def __init__(self, backend, spec, desired, settings, result, warn, sleep=time.sleep):
        self.backend = backend
        self.spec = spec
        self.desired = desired
        self.settings = settings
        self.result = result
        self.warn = warn
        self.sleep = sleep
        self.instances = {}
        self.plan = None
        self.before_ids = []
        self.known_ids = []
        self.failures = []
        self.completed_ids = set()
        self._zone_specs = None
        result.update(changed=False, instance_ids=[], instances=[], created_instance_ids=[], returned_instance_ids=[], changes=[], client_token=None)

    # -- reporting -------------------------------------------------------------

    def ordered(self, instance_ids):
        """Oldest first (create time, then ID), so every run lists the same instances in the same order."""

        def key(instance_id):
            instance = self.instances.get(instance_id)
            return (instance.created_time or "", instance_id) if instance else ("\uffff", "")

        return sorted(instance_ids, key=key)

    def report(self, after_ids):
        after_ids = self.ordered(after_ids)
        self.result["instance_ids"] = after_ids
        self.result["created_instance_ids"] = self.ordered(self.result["created_instance_ids"])
        self.result["instances"] = [self.instances[i].as_dict() for i in after_ids if i in self.instances]

    def record_change(self, change, error=None):
        entry = change.as_dict()
        entry["result"] = "planned" if self.settings.check_mode else ("failed" if error else "changed")
        if error is not None:
            entry["error"] = str(error)
            self.failures.append("{0} {1}: {2}".format(change.instance_id, change.attribute, error))
        else:
            self.result["changed"] = True
        self.result["changes"].append(entry)

    def _summary(self, instance):
        system = instance.system_disk or {}
        return {
            "status": instance.status,
            "instance_type": option_of_family(instance.instance_family) if instance.instance_family else None,
            "cpu": instance.cpu,
            "mem": instance.memory,
            "image_id": instance.image_id,
            "storage_type": DISK_TYPE_NUMBERS.get(system.get("disk_type"), system.get("disk_type")),
            "bandwidth": instance.bandwidth,
            "security_group_ids": list(instance.security_group_ids),
        }

    def _spec_summary(self):
        spec = self.spec
        return {
            "status": "stopped" if self.desired.state == "stopped" else "running",
            "instance_type": option_of_family(spec.instance_family),
            "cpu": spec.cpu,
            "mem": spec.memory,
            "image_id": spec.image_id,
            "storage_type": DISK_TYPE_NUMBERS.get(spec.disk_type),
            "bandwidth": spec.bandwidth,
            "security_group_ids": list(spec.security_group_ids or []),
        }

    def planned_diff(self):
        """Before and after, per instance: what the plan does to each (check mode shows it unchanged by any request)."""
        plan = self.plan
        before = {i: self._summary(self.instances[i]) for i in self.before_ids}
        after = {}
        if self.desired.state != "absent":
            for i in plan.keep + plan.failed:
                after[i] = dict(before[i])
            for change in plan.changes:
                after[change.instance_id][change.attribute] = change.after
            for number in range(1, plan.create + 1):
                after[placeholder(number)] = self._spec_summary()
        return {"before": {"count": len(before), "instances": before}, "after": {"count": len(after), "instances": after}}

    # -- steps -------------------------------------------------------------------

    def look_up(self):
        # The identity: the exact name in zone_id and the fallback zones.
        found = self.backend.find(self.spec.zone_ids, self.spec.instance_name)
        live = [instance for instance in found if not instance.gone]
        self.complete(live)
        self.instances = {instance.instance_id: instance for instance in found}
        self.known_ids = sorted(self.instances)
        self.before_ids = self.ordered(i.instance_id for i in live)
        self.report(self.before_ids)
        # User data is create-time only and not listed: asked for only when the task sets some.
        user_data = self.backend.user_data(self.before_ids) if self.spec.user_data is not None and self.before_ids else None
        self.plan = make_plan([self.instances[i] for i in self.before_ids], self.spec, self.desired, user_data)
        self.result["plan"] = self.plan.as_dict()
        if self.settings.diff:
            self.result["diff"] = self.planned_diff()

    def run(self):
        self.look_up()
        plan = self.plan
        if plan.refused:
            raise TaskFailure(plan.refusal())
        if self.desired.state == "absent":
            self.check_protection(plan)
            if plan.changes and not self.settings.check_mode:
                self.change_in_place()
            self.give_back(plan.give_back, final=True)
            return
        self.warn_about(plan)
        self.check_groups_exist()
        if plan.create and (self.settings.check_mode or self.settings.max_hourly_price is not None):
            self.check_price(plan.create)
        if self.settings.check_mode:
            self.preview()
            return
        new_ids = self.create(plan.create) if plan.create else []
        # Instances an earlier run is still creating: with wait, the task ends once they run too.
        pending = [i for i in plan.keep if self.instances[i].status == "pending"]
        if pending and self.settings.wait:
            self.wait_for(pending, RUNNING, "running")
        self.change_in_place()
        self.power(new_ids)
        if self.failures:
            raise TaskFailure("the task did not finish: {0}".format("; ".join(self.failures)))
        if plan.replace:
            self.give_back(plan.replace, final=False)
        self.report(plan.keep + plan.failed + new_ids)

    def check_protection(self, plan):
        """Give nothing back while an instance is protected, unless the task turns the protection off itself."""
        unprotecting = {change.instance_id for change in plan.changes if change.attribute == "termination_protection"}
        protected = [i for i in plan.give_back if self.instances[i].termination_protection and i not in unprotecting]
        if protected:
            raise TaskFailure(
                "instance(s) {0} have termination protection, so the API refuses to give them back; nothing was given "
                "back. Set termination_protection: false in this task to turn it off first, or turn it off with a task "
                "of state: present".format(", ".join(protected))
            )
        for change in plan.changes:
            if self.settings.check_mode:
                self.record_change(change)

    def warn_about(self, plan):
        for instance_id in plan.failed:
            self.warn(
                "instance {0} failed to create (launch_failed); it does not count towards goods_num. Give it back with "
                "state: absent when you no longer need to look at it.".format(instance_id)
            )
        for instance_id in plan.stopped_kept:
            self.warn("instance {0} is stopped; state: present leaves it so (state: running starts it)".format(instance_id))
        if plan.excess:
            self.warn(
                "{0} instances of this task exist, more than goods_num={1}; the module never gives instances back unless "
                "asked (state: absent), so all are kept and reported: {2}".format(len(plan.keep), self.desired.count, ", ".join(plan.keep))
            )

    def check_groups_exist(self):
        wanted = self.spec.security_group_ids
        if wanted:
            unknown = self.backend.unknown_security_groups(wanted)
            if unknown:
                raise TaskFailure(
                    "option 'security_group_ids': {0} not in region {1}; nothing was bought or changed".format(
                        ", ".join(unknown) + (" is" if len(unknown) == 1 else " are"), self.backend.region
                    )
                )

    def zone_specs(self):
        """The spec in zone_id, then in each fallback zone: where a create may buy."""
        if not self.spec.fallback_zone_ids:
            return [self.spec]
        if self._zone_specs is None:
            self._zone_specs = [dataclasses.replace(self.spec, zone_id=zone) for zone in self.spec.zone_ids]
        return self._zone_specs

    def check_price(self, count):
        """Quote (and, where the API can, dry-run) the create; enforce max_hourly_price.

        A refusal for a parameter reason fails, as the create itself would; a
        quote that cannot be had for another reason only warns, unless a
        price limit must be checked.
        """
        limit = self.settings.max_hourly_price
        dry_run_spec = None
        if self.settings.check_mode:
            dry_run_spec, _answer = self.first_zone("a create would try the next fallback zone", lambda spec: self.dry_run(spec, count))
            self.result["create_zone_id"] = dry_run_spec.zone_id
        try:
            if dry_run_spec is not None:
                quote = self.backend.quote(dry_run_spec, count)
            else:
                # Priced in the first zone that can sell (the create falls back the same way).
                _spec, quote = self.first_zone("pricing in the next fallback zone", lambda spec: self.backend.quote(spec, count))
        except ApiError as error:
            if not error.retryable or limit is not None:
                raise TaskFailure(
                    "the API refuses to price the {0} instance(s) to create, so it would refuse to create them; nothing was bought: {1}".format(count, error),
                    error,
                ) from None
            self.warn("could not quote the price: {0}".format(error))
            return
        except TransportError as error:
            if limit is not None:
                raise TaskFailure("max_hourly_price is set but the price could not be quoted, so nothing was bought: {0}".format(error), error) from None
            self.warn("could not quote the price: {0}".format(error))
            return
        self.result["price"] = quote.as_dict()
        if limit is not None and quote.hourly_price > limit:
            raise TaskFailure(
                "the {0} instance(s) to create cost {1} per hour, above max_hourly_price {2}; nothing was bought".format(count, quote.hourly_price, limit)
            )

    def first_zone(self, what_next, attempt):
        """(spec, answer) of the first zone of zone_id and the fallback zones where ``attempt(spec)`` does not find it unavailable."""
        for zone_spec in self.zone_specs():
            try:
                answer = attempt(zone_spec)
            except ZoneUnavailable as error:
                if zone_spec is self.zone_specs()[-1]:
                    raise
                self.warn("zone {0}: {1}; {2}".format(zone_spec.zone_id, error, what_next))
                continue
            return zone_spec, answer
        return self.spec, None

    def dry_run(self, spec, count):
        """Check mode: the API checks the create, stock included, without buying (api-notes/v3.md 4.2)."""
        token = self.settings.client_token or derive_client_token(self.backend.region, spec, count, self.known_ids)
        self.backend.dry_run(spec, count, token)

    def preview(self):
        plan = self.plan
        for change in plan.changes:
            self.record_change(change)
        self.result["changed"] = plan.changes_anything
        self.result["returned_instance_ids"] = list(plan.replace)
        if plan.create:
            # The token the create would send first (a stale answer would move it along the chain).
            zone_id = self.result.get("create_zone_id", self.spec.zone_id)
            spec = self.spec if zone_id == self.spec.zone_id else dataclasses.replace(self.spec, zone_id=zone_id)
            self.result["client_token"] = self.settings.client_token or derive_client_token(self.backend.region, spec, plan.create, self.known_ids)
        self.report(plan.keep + plan.failed + [placeholder(n) for n in range(1, plan.create + 1)])

    def wait_for(self, instance_ids, wanted, what, complete=True):
        try:
            settled = wait_for_status(self.backend, instance_ids, wanted, self.settings.wait_timeout, what=what)
        except InstanceWaitError as error:
            self.instances.update(error.instances)
            raise
        # The polls list what DescribeInstances reports; the rest (groups, expiry) once, at the end,
        # and only for instances not completed before: waiting moves the status alone.
        if complete:
            self.complete(list(settled.values()), moved={"status"})
        self.instances.update(settled)

    def create(self, count):
        def remember(token):
            self.result["client_token"] = token

        def answered(instance_ids):
            # Reported as created until the check says otherwise: a failure right after still names them.
            self.result["created_instance_ids"] = list(instance_ids)
            self.result["changed"] = bool(instance_ids)

        spec = self.spec
        if spec.security_group_ids is None and self.backend.open_without_security_groups:
            self.warn(
                "the {0} new instance(s) get no security group, so every port is open to the internet (the legacy API binds "
                "none at create); set security_group_ids to bind some".format(count)
            )
        purchase = None
        for zone_spec in self.zone_specs():
            try:
                purchase = buy(
                    self.backend, zone_spec, count, self.known_ids, self.settings.client_token, sleep=self.sleep, on_token=remember, on_answer=answered
                )
            except TransportError as error:
                raise self.lost_create(error) from None
            except ZoneUnavailable as error:
                if zone_spec is self.zone_specs()[-1]:
                    raise
                self.warn("zone {0}: {1}; trying the next fallback zone".format(zone_spec.zone_id, error))
                continue
            except TaskFailure:
                self.report(self.plan.keep + self.plan.failed + self.result["created_instance_ids"])
                raise
            self.result["create_zone_id"] = zone_spec.zone_id
            break
        new_ids = purchase.instance_ids
        self.instances.update(purchase.instances)
        self.result.update(changed=True, created_instance_ids=list(new_ids))
        if purchase.stale_tokens:
            self.result["stale_client_tokens"] = purchase.stale_tokens
        if len(new_ids) != count:
            self.warn("asked the API for {0} instance(s), it answered {1} ID(s)".format(count, len(new_ids)))
        self.report(self.plan.keep + self.plan.failed + new_ids)
        for outcome in self.backend.after_create(new_ids, spec):
            if not outcome.ok:
                self.failures.append("{0} instance_name: {1}".format(outcome.instance_id, outcome.error))
        binds_groups_now = spec.security_group_ids is not None and not self.backend.binds_security_groups_at_create
        must_run = self.settings.wait or self.plan.replace or self.desired.state == "stopped" or binds_groups_now
        try:
            if must_run:
                # Instances whose groups are bound next are completed once, after the binding.
                self.wait_for(new_ids, RUNNING, "running", complete=not binds_groups_now)
            if binds_groups_now:
                for outcome in self.backend.set_security_groups(new_ids, spec.security_group_ids):
                    if not outcome.ok:
                        self.failures.append("{0} security_group_ids: {1}".format(outcome.instance_id, outcome.error))
                self.refresh(new_ids, moved={"security_group_ids"})
            elif not must_run:
                # Listed by the create's check a moment ago: only what the listing does not report is asked for.
                self.complete([self.instances[i] for i in new_ids if i in self.instances])
        except QcloudError as error:
            self.report(self.plan.keep + self.plan.failed + new_ids)
            raise TaskFailure("instance(s) {0} were created, but {1}".format(", ".join(new_ids), error), error) from None
        self.report(self.plan.keep + self.plan.failed + new_ids)
        self.check_concurrent_creates(new_ids)
        return new_ids

    def refresh(self, instance_ids, moved):
        """List ``instance_ids`` again after a change that may have moved the attributes ``moved``."""
        listed = self.backend.get(instance_ids)
        self.complete(listed, moved)
        self.instances.update((instance.instance_id, instance) for instance in listed)

    def complete(self, instances, moved=None):
        """Fill in what the listing does not report (``Backend.complete_instances``), asking the API only where needed.

        An instance completed earlier in this run keeps what it had when no
        change since (``moved``: the attributes the change may have moved;
        None when any) touched what the completion fills: a legacy bandwidth
        change would otherwise read every security group of the region again.
        """
        filled = self.backend.completed_attributes
        unmoved = moved is not None and not filled & set(moved)
        fresh = []
        for instance in instances:
            before = self.instances.get(instance.instance_id)
            if unmoved and before is not None and instance.instance_id in self.completed_ids:
                for name in filled:
                    setattr(instance, name, getattr(before, name))
                instance.unreported = (instance.unreported - filled) | (before.unreported & filled)
            else:
                fresh.append(instance)
        self.backend.complete_instances(fresh)
        self.completed_ids.update(instance.instance_id for instance in instances)

    def lost_create(self, error):
        """The failure after a create that got no usable answer, reporting what a look-up finds it made.

        The create may have gone through (a lost answer, a timeout after the
        API committed), so the task's instances are looked up once more; any
        that were not there before the create are reported as created.
        """
        again = "run the task again: it finds the instances this create made, or sends the same client token again if there are none"
        try:
            found = self.backend.find(self.spec.zone_ids, self.spec.instance_name)
            token = self.result.get("client_token")
            if token:
                # A create of several is named 1..n until it is renamed (API 3.0): its token tag finds it by any name.
                seen = {instance.instance_id for instance in found}
                found += [i for i in self.backend.find_by_client_token(token) if i.instance_id not in seen]
        except QcloudError as lookup_error:
            return TaskFailure(
                "{0}. The create may have gone through, and looking up its instances failed too ({1}); {2}".format(error, lookup_error, again), error
            )
        new = [i for i in found if i.instance_id not in self.known_ids and not i.gone]
        if not new:
            return TaskFailure("{0}. The create may have gone through, though a look-up right after found no new instance; {1}".format(error, again), error)
        self.instances.update((i.instance_id, i) for i in new)
        new_ids = self.ordered(i.instance_id for i in new)
        self.result.update(changed=True, created_instance_ids=new_ids)
        # Name them as the task now (API 3.0 numbers a create of several), or the re-run's look-up by name
        # would miss them and replay the create.
        unnamed = ["{0} instance_name: {1}".format(o.instance_id, o.error) for o in self.backend.after_create(new_ids, self.spec) if not o.ok]
        self.report(self.plan.keep + self.plan.failed + new_ids)
        return TaskFailure(
            "{0}. The create went through nevertheless: a look-up found {1} new instance(s), {2} (in created_instance_ids){3}; {4}".format(
                error, len(new_ids), ", ".join(new_ids), "; naming them failed: " + "; ".join(unnamed) if unnamed else "", again
            ),
            error,
        )

    def check_concurrent_creates(self, new_ids):
        """After a create, warn about instances of the task that another run made meanwhile (never give them back)."""
        try:
            found = self.backend.find(self.spec.zone_ids, self.spec.instance_name)
        except QcloudError:
            return
        ours = set(self.plan.keep) | set(self.plan.failed) | set(self.plan.replace) | set(new_ids)
        others = [i.instance_id for i in found if not i.gone and i.instance_id not in ours]
        if others:
            self.warn(
                "another run created instances of this task at the same time: {0} exist besides the ones this run knows. "
                "Nothing is given back on its own; give the extra ones back with a task of their own or lower goods_num and "
                "run state: absent for them".format(", ".join(sorted(others)))
            )

    def change_in_place(self):
        """Bandwidth and security groups of the kept instances, each instance on its own Outcome."""
        by_value = {}
        for change in self.plan.changes:
            if change.attribute in IN_PLACE_OPTIONS:
                key = (change.attribute, tuple(change.after) if isinstance(change.after, list) else change.after)
                by_value.setdefault(key, []).append(change)
        for (attribute, _value), changes in by_value.items():
            ids = [change.instance_id for change in changes]
            after = changes[0].after
            if attribute == "bandwidth":
                outcomes = self.backend.set_bandwidth(ids, after)
            elif attribute == "security_group_ids":
                outcomes = self.backend.set_security_groups(ids, after)
            elif attribute == "expire_time":
                outcomes = self.backend.set_expiry(ids, after)
            else:
                outcomes = self.backend.set_termination_protection(ids, after)
            for change, outcome in zip(changes, outcomes):
                self.record_change(change, outcome.error)
        if by_value:
            self.refresh(self.plan.keep or self.plan.give_back, moved={attribute for attribute, _value in by_value})

    def power(self, new_ids):
        """Start, stop or restart as the state asks, after waiting for passing states to settle."""
        plan = self.plan
        stop = list(plan.stop) + (list(new_ids) if self.desired.state == "stopped" else [])
        actions = (("start", plan.start, RUNNING), ("stop", stop, STOPPED), ("restart", plan.restart, RUNNING))
        changes = {(c.instance_id, c.attribute): c for c in plan.changes if c.attribute == "status"}
        touched = []
        for name, ids, _wanted in actions:
            if not ids:
                continue
            passing = [i for i in ids if self.instances[i].status in TRANSITIONAL_STATUSES]
            if passing:
                self.wait_for(passing, RUNNING | STOPPED, "a settled state")
            if name == "start":
                outcomes = self.backend.start(ids)
            elif name == "stop":
                outcomes = self.backend.stop(ids, self.settings.force_stop, self.settings.stop_charging)
            else:
                outcomes = self.backend.restart(ids, self.settings.force_stop)
            for outcome in outcomes:
                # A new instance stopped for state: stopped has no planned change.
                change = changes.get((outcome.instance_id, "status")) or Change(outcome.instance_id, "status", "running", "stopped")
                self.record_change(change, outcome.error)
                if outcome.ok:
                    touched.append(outcome.instance_id)
        if touched:
            if self.settings.wait:
                wanted = STOPPED if self.desired.state == "stopped" else RUNNING
                self.wait_for(touched, wanted, "stopped" if wanted is STOPPED else "running")
            else:
                self.refresh(touched, moved={"status"})

    def give_back(self, instance_ids, final):
        """Give ``instance_ids`` back; with ``final`` they are all the task had (state: absent)."""
        if not instance_ids:
            self.report([])
            return
        if self.settings.check_mode:
            self.result.update(changed=True, returned_instance_ids=list(instance_ids))
            self.report([])
            return
        passing = [i for i in instance_ids if self.instances[i].status in TRANSITIONAL_STATUSES]
        if passing and not self.settings.wait:
            raise TaskFailure(
                "instance(s) {0} are still changing state ({1}) and cannot be given back yet; set wait: true to wait for them, or run again later".format(
                    ", ".join(passing), ", ".join(self.instances[i].status for i in passing)
                )
            )
        if passing:
            self.wait_for(passing, SETTLED_FOR_GIVE_BACK, "a state they can be given back in")
        remaining = [i for i in self.result["instance_ids"] if i in set(instance_ids)] if not final else list(instance_ids)
        failures = []
        for outcome in self.backend.give_back(instance_ids):
            if outcome.ok:
                self.result["returned_instance_ids"].append(outcome.instance_id)
                self.result["changed"] = True
                if outcome.instance_id in remaining:
                    remaining.remove(outcome.instance_id)
            elif self.instances[outcome.instance_id].status == "launch_failed":
                self.warn(
                    "instance {0} failed to create and the API refuses to give it back ({1}); it is left as it is".format(outcome.instance_id, outcome.error)
                )
            else:
                failures.append(outcome)
        if final:
            self.report(remaining)
        else:
            self.report([i for i in self.result["instance_ids"] if i not in self.result["returned_instance_ids"]])
        if failures:
            first = failures[0]
            raise TaskFailure("giving back {0}: {1}".format(", ".join(o.instance_id for o in failures), first.error), first.error)
