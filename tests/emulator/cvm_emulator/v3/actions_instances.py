# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstances, DescribeInstances, DescribeInstancesStatus, TerminateInstances, InquiryPriceRunInstances.

Handlers take ``(ctx, params)`` (``face.Context``, schema-checked
parameters) and return the ``Response`` fields besides ``RequestId``.

ClientToken ([EMU], api-notes/v3.md 4.1, 7 item 9): per (region, token),
kept as long as the store (also in the state file), separate from the
legacy face's clientToken answers; a known token answers the first
successful create's ``InstanceIdSet`` and creates nothing, whatever the
other parameters; a failed create does not bind it.  DryRun (4.2) runs every
check of a create, creates nothing and leaves the token cache alone; it
answers per ``dry_run_mode``: ``request-id`` -> ``{"RequestId": ...}``,
``error`` -> ``DryRunOperation``.
"""

from .. import states, timers
from ..network import SubnetView
from ..security_groups import SecurityGroupBook
from . import checks, create, filters, pricing, render, zones
from .build import build
from .errors import V3Error, invalid_value
from .schema import FILTERS, IDS, INT, STR, List, Struct, req

TERMINABLE = frozenset((states.RUNNING, states.STOPPED, states.FAULT))
_SEP = "\x1f"


def token_key(region, token):
    """The store key of a 3.0 ClientToken: never equal to a legacy clientToken in practice."""
    return f"v3{_SEP}{region}{_SEP}{token}"


ATTRIBUTES = ("UserData",)


class InstanceActions:
    def __init__(self, store, config, faults, clock, stock):
        self.store = store
        self.config = config
        self.faults = faults
        self.clock = clock
        self.stock = stock

    def handlers(self):
        return {
            "RunInstances": (create.RUN_SCHEMA, self.run_instances),
            "InquiryPriceRunInstances": (create.RUN_SCHEMA, self.inquiry_price_run_instances),
            "DescribeInstances": (Struct(InstanceIds=IDS, Filters=FILTERS, Offset=INT, Limit=INT), self.describe_instances),
            "DescribeInstancesStatus": (Struct(InstanceIds=IDS, Offset=INT, Limit=INT), self.describe_instances_status),
            "TerminateInstances": (Struct(InstanceIds=IDS, ReleaseAddress="Boolean", ReleasePrepaidDataDisks="Boolean"), self.terminate_instances),
            "DescribeInstancesAttributes": (Struct(Attributes=req(List(STR)), InstanceIds=req(IDS)), self.describe_instances_attributes),
        }

    def run_instances(self, ctx, params):
        dry_run = bool(params.get("DryRun"))
        token = params.get("ClientToken") or None
        store = self.store
        with store.lock:
            now = self.clock()
            if token is not None and not dry_run:
                known = store.token_answer(token_key(ctx.region, token))
                if known is not None:
                    return {"InstanceIdSet": list(known)}
            view = SubnetView(store, now)
            spec = create.validate(params, ctx.region, store, now, self.stock, view, self.config.balance)
            if dry_run:
                if self.config.dry_run_mode == "error":
                    raise V3Error("DryRunOperation", "the request would have succeeded, but DryRun was set")
                return {}
            final = states.RUNNING
            if self.faults.take_create_fails("RunInstances", "v3"):
                final = states.LAUNCH_FAILED
                ctx.notes["fault"] = "create_fails"
            instances = build(store, spec, ctx.region, now, view, self.config.create_delay, final, ctx.request_id)
            made = []
            if spec.action_time is not None:
                made = [timers.new_timer(store, inst.instance_id, ctx.region, spec.action_time, now) for inst in instances]
            ids = store.add(instances, token_key(ctx.region, token) if token is not None else None, timers=made)
            self.stock.take(spec.itype, zones.zone_name(spec.zone_id), spec.charge_type, spec.count)
        return {"InstanceIdSet": ids}

    def inquiry_price_run_instances(self, ctx, params):
        with self.store.lock:
            spec = create.validate(params, ctx.region, self.store, self.clock(), self.stock, for_price=True)
        return {"Price": pricing.quote(spec)}

    def _listing(self, ctx, ids, predicates, offset, limit):
        """(TotalCount, the page's instances and their states), newest first, 3.0-visible only."""
        store = self.store
        now = self.clock()
        forget = self.config.forget_delay
        if ids:
            found = {store.instances.get(instance_id) for instance_id in ids} - {None}
            candidates = sorted((inst for inst in found if inst.region == ctx.region), key=lambda inst: inst.seq, reverse=True)
        else:
            candidates = reversed(store.region_instances(ctx.region))
        names = render.V3_STATES
        returned, failed = states.RETURNED, states.LAUNCH_FAILED
        total, end, selected = 0, offset + limit, []
        for inst in candidates:
            # Inlined render.current / render.listed: this loop visits every instance of the region.
            if inst.next_status is not None and now >= inst.next_at:
                status, since = inst.next_status, inst.next_at
            else:
                status, since = inst.status, inst.status_time
            if status == returned or (status == failed and now >= since + forget):
                continue
            state = names[status]
            if predicates and not all(test(inst, state) for test in predicates):
                continue
            if offset <= total < end:
                selected.append((inst, state))
            total += 1
        return total, selected, now

    def describe_instances(self, ctx, params):
        ids = checks.instance_ids(params, required=False)
        if ids and params.get("Filters"):
            raise V3Error("InvalidParameter", "InstanceIds and Filters cannot be given together")
        offset, limit = checks.page(params)
        given = checks.filters(params, filters.known)
        with self.store.lock:
            book = SecurityGroupBook(self.store)
            predicates = [filters.predicate(name, values, ctx.region, book) for name, values in given]
            total, selected, now = self._listing(ctx, ids, predicates, offset, limit)
            page = [render.instance(inst, now) for inst, _state in selected]
        return {"TotalCount": total, "InstanceSet": page}

    def describe_instances_status(self, ctx, params):
        ids = checks.instance_ids(params, required=False)
        offset, limit = checks.page(params)
        with self.store.lock:
            total, selected, _now = self._listing(ctx, ids, [], offset, limit)
        return {"TotalCount": total, "InstanceStatusSet": [{"InstanceId": inst.instance_id, "InstanceState": state} for inst, state in selected]}

    def terminate_instances(self, ctx, params):
        ids = checks.instance_ids(params)
        checks.no_duplicates(ids, "InstanceIds")
        store = self.store
        with store.lock:
            now = self.clock()
            instances = checks.find_all(store, ids, ctx.region)
            for inst in instances:
                checks.require_state(inst, now, TERMINABLE, "TerminateInstances")
            protected = [inst.instance_id for inst in instances if inst.disable_api_termination]
            if protected:
                raise V3Error(
                    "UnsupportedOperation.InstancesProtected",
                    f"instance(s) {', '.join(protected)} have termination protection (DisableApiTermination); turn it off with ModifyInstancesAttribute",
                )
            delay = self.config.return_delay
            store.update_many(
                [(inst, timers.destroy(now, delay, "api", ctx.request_id)) for inst in instances],
                drop_timers=timers.pending_of(store, [inst.instance_id for inst in instances]),
            )
        return {}

    def describe_instances_attributes(self, ctx, params):
        """DescribeInstancesAttributes (v3.md 10.5, 10.7 item 8): each instance's ``Attributes``, in request order."""
        attributes = params["Attributes"]
        if not attributes:
            raise V3Error("MissingParameter", "the required parameter Attributes is missing (give UserData)")
        for name in attributes:
            if name not in ATTRIBUTES:
                raise invalid_value(f"Attributes accepts {', '.join(ATTRIBUTES)} only, got {name!r}")
        ids = checks.instance_ids(params, malformed="InvalidParameterValue.InstanceIdMalformed")
        checks.no_duplicates(ids, "InstanceIds")
        store = self.store
        with store.lock:
            now = self.clock()
            found = checks.find_all(store, ids, ctx.region, now=now)
        return {"InstanceSet": [{"InstanceId": inst.instance_id, "Attributes": {"UserData": inst.user_data}} for inst in found]}
