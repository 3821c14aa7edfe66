# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The control API under /_emulator/ (JSON in and out, no authentication).

GET    /_emulator/instances   every instance, all regions, returned ones too
GET    /_emulator/requests    the API call log (?since=SEQ&action=NAME&face=legacy|v3 narrow it)
GET    /_emulator/faults      pending faults
POST   /_emulator/faults      {"action", "kind", "times", "seconds", "instance_id", "face"}
DELETE /_emulator/faults      clear pending faults
GET    /_emulator/config      current delays, balance and switches
POST   /_emulator/config      any of the keys GET shows
POST   /_emulator/seed        {"count", "regions", "name_prefix", "status"}
GET    /_emulator/security_groups   the table plus added groups, all regions
POST   /_emulator/security_groups   {"region", "name", "project_id", "remark"} adds one
GET    /_emulator/clock       the emulator's clock
POST   /_emulator/clock       {"advance": SECONDS} or {"to": "YYYY-MM-DDThh:mm:ssZ"}: move it forward
POST   /_emulator/reclaim     {"instance_id", "seconds"}: reclaim a spot instance
GET    /_emulator/stock       sold-out / counted rows (?zone=Z[&charge_type=C]: every row of Z)
POST   /_emulator/stock       {"zone", "instance_type" | "family", "charge_type", "status", "reason", "available"}
POST   /_emulator/reset       empty everything
"""

import json
import math

from urllib.parse import parse_qs

from . import catalog, states, stock, timers
from .records import control_record
from .reply import Reply
from .v3 import types, zones

PREFIX = "/_emulator/"
MAX_SEED = 200000
SEED_STATUSES = frozenset((-1,) + tuple(range(1, 21)))
MAX_ADVANCE = 100 * 365 * 86400
MAX_RECLAIM_DELAY = 3600
MAX_REASON = 255


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


class Control:
    def __init__(self, emulator):
        self.emulator = emulator
        self._routes = {
            ("GET", "instances"): self.instances,
            ("GET", "requests"): self.requests,
            ("GET", "faults"): self.list_faults,
            ("POST", "faults"): self.add_fault,
            ("DELETE", "faults"): self.clear_faults,
            ("GET", "config"): self.get_config,
            ("POST", "config"): self.set_config,
            ("POST", "seed"): self.seed,
            ("GET", "security_groups"): self.list_security_groups,
            ("POST", "security_groups"): self.add_security_group,
            ("GET", "clock"): self.get_clock,
            ("POST", "clock"): self.move_clock,
            ("POST", "reclaim"): self.reclaim,
            ("GET", "stock"): self.get_stock,
            ("POST", "stock"): self.set_stock,
            ("POST", "reset"): self.reset,
        }

    def handle(self, method, path, query, body):
        name = path[len(PREFIX) :].strip("/")
        handler = self._routes.get((method, name))
        if handler is None:
            if any(route_name == name for _method, route_name in self._routes):
                return Reply.json({"error": f"method {method} not allowed for {path}"}, status=405)
            return Reply.json({"error": f"unknown control endpoint {path}"}, status=404)
        try:
            self.emulator.catch_up()
            return Reply.json(handler(parse_qs(query), _json_body(body)))
        except NotFound as exc:
            return Reply.json({"error": str(exc)}, status=404)
        except BadRequest as exc:
            return Reply.json({"error": str(exc)}, status=400)
        except ValueError as exc:
            return Reply.json({"error": str(exc)}, status=400)

    def instances(self, _query, _body):
        emulator = self.emulator
        store = emulator.store
        with store.lock:
            now = emulator.clock()
            timed = timers.by_instance(store, now, emulator.config.timer_keep)
            found = []
            for inst in reversed(store.all_instances()):
                timer = timed.get(inst.instance_id)
                found.append(control_record(inst, now, timers.render(timer, now) if timer else None))
        return {"instances": found}

    def requests(self, query, _body):
        since = _query_int(query, "since", 0)
        action = query.get("action", [None])[-1]
        face = query.get("face", [None])[-1]
        return {"requests": self.emulator.log.entries(since=since, action=action, face=face)}

    def list_faults(self, _query, _body):
        return {"faults": self.emulator.faults.pending()}

    def add_fault(self, _query, body):
        return {"fault": self.emulator.faults.add(body)}

    def clear_faults(self, _query, _body):
        self.emulator.faults.clear()
        return {"faults": []}

    def get_config(self, _query, _body):
        return {"config": self.emulator.config.as_dict()}

    def set_config(self, _query, body):
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        self.emulator.config.update(body)
        return self.get_config(None, None)

    def seed(self, _query, body):
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        unknown = set(body) - {"count", "regions", "name_prefix", "status"}
        if unknown:
            raise BadRequest(f"unknown keys: {', '.join(sorted(unknown))}")
        count = body.get("count")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEED:
            raise BadRequest(f"count must be an integer between 1 and {MAX_SEED}")
        regions = body.get("regions", ["gz"])
        if not isinstance(regions, list) or not regions:
            raise BadRequest("regions must be a non-empty list")
        normalised = []
        for region in regions:
            short = catalog.normalise_region(region) if isinstance(region, str) else None
            if short is None or not catalog.zones_of(short):
                raise BadRequest(f"region {region!r} is unknown or has no zones")
            normalised.append(short)
        prefix = body.get("name_prefix", "seed")
        if not isinstance(prefix, str) or not prefix or len(prefix) > 40:
            raise BadRequest("name_prefix must be a string of 1-40 characters")
        status = body.get("status", 2)
        if status not in SEED_STATUSES or isinstance(status, bool):
            raise BadRequest("status must be -1 or an integer 1-20")
        ids = self.emulator.actions.seed(count, normalised, prefix, status)
        return {"count": len(ids), "ids": ids}

    def list_security_groups(self, _query, _body):
        book = self.emulator.actions.security_groups.book
        with self.emulator.store.lock:
            return {"security_groups": [dict(group) for group in book.everything()]}

    def add_security_group(self, _query, body):
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        unknown = set(body) - {"region", "name", "project_id", "remark"}
        if unknown:
            raise BadRequest(f"unknown keys: {', '.join(sorted(unknown))}")
        if "region" not in body or "name" not in body:
            raise BadRequest("region and name are required")
        group = self.emulator.actions.security_groups.book.add(
            body["region"], body["name"], body.get("project_id", 0), body.get("remark", ""), self.emulator.clock()
        )
        return {"security_group": group}

    # -- clock -------------------------------------------------------------------

    def get_clock(self, _query, _body):
        now = self.emulator.clock()
        return {"clock": {"now": now, "time": timers.iso_utc(now), "offset": self.emulator.clock.offset}}

    def move_clock(self, _query, body):
        body = _object(body, {"advance", "to"})
        if len(body) != 1:
            raise BadRequest('give exactly one of "advance" (seconds) and "to" (YYYY-MM-DDThh:mm:ssZ)')
        if "advance" in body:
            seconds = _seconds(body["advance"], "advance", MAX_ADVANCE)
        else:
            target = timers.parse_iso(body["to"]) if isinstance(body["to"], str) else None
            if target is None:
                raise BadRequest("to must be YYYY-MM-DDThh:mm:ssZ (UTC)")
            seconds = target - self.emulator.clock()
            if seconds < 0:
                raise BadRequest(f"to {body['to']} is in the emulator's past (now {timers.iso_utc(self.emulator.clock())}); the clock only moves forward")
            if seconds > MAX_ADVANCE:
                raise BadRequest("to is more than 100 years ahead")
        self.emulator.advance_clock(seconds)
        return self.get_clock(None, None)

    # -- spot reclaim ----------------------------------------------------------------

    def reclaim(self, _query, body):
        body = _object(body, {"instance_id", "seconds"})
        instance_id = body.get("instance_id")
        if not isinstance(instance_id, str) or not instance_id:
            raise BadRequest("instance_id (an ins- or qcvm id) is required")
        emulator = self.emulator
        seconds = _seconds(body["seconds"], "seconds", MAX_RECLAIM_DELAY) if "seconds" in body else emulator.config.reclaim_delay
        store = emulator.store
        with store.lock:
            now = emulator.clock()
            inst = store.get(instance_id)
            if inst is None:
                raise NotFound(f"instance {instance_id} does not exist")
            if inst.charge_type != "spot":
                raise BadRequest(f"instance {instance_id} is not a spot instance (SPOTPAID); only spot instances are reclaimed")
            status = inst.effective(now)[0]
            if status in (states.RETURNING, states.RETURNED, states.LAUNCH_FAILED):
                raise BadRequest(f"instance {instance_id} is {status}; there is nothing to reclaim")
            store.update_many([(inst, timers.destroy(now, seconds, "reclaim"))], drop_timers=timers.pending_of(store, [inst.instance_id]))
            record = control_record(inst, now)
        return {"reclaimed": {"instance_id": inst.instance_id, "seconds": seconds, "gone_at": timers.iso_utc(now + seconds)}, "instance": record}

    # -- stock -------------------------------------------------------------------

    def get_stock(self, query, _body):
        table = self.emulator.stock
        zone = query.get("zone", [None])[-1]
        if zone is None:
            return {"stock": table.changed()}
        if zones.zone_id(zone) is None:
            raise BadRequest(f"zone {zone!r} is not a known zone (3.0 name such as ap-guangzhou-3)")
        charges = query.get("charge_type") or list(stock.CHARGE_TYPES)
        for charge in charges:
            if charge not in stock.CHARGE_TYPES:
                raise BadRequest(f"charge_type must be one of {', '.join(stock.CHARGE_TYPES)}")
        rows = []
        for charge in charges:
            for itype in types.TYPES.values():
                row = table.row(itype, zone, charge)
                if row is not None:
                    rows.append(row.as_dict(zone, itype.name, charge))
        return {"stock": rows}

    def set_stock(self, _query, body):
        body = _object(body, {"zone", "instance_type", "family", "charge_type", "status", "reason", "available"})
        zone = body.get("zone")
        if not isinstance(zone, str) or zones.zone_id(zone) is None:
            raise BadRequest("zone must be a known zone (3.0 name such as ap-guangzhou-3)")
        if ("instance_type" in body) == ("family" in body):
            raise BadRequest("give exactly one of instance_type (e.g. S1.SMALL2) and family (e.g. S1)")
        charge = body.get("charge_type", stock.POSTPAID)
        if charge not in stock.CHARGE_TYPES:
            raise BadRequest(f"charge_type must be one of {', '.join(stock.CHARGE_TYPES)}")
        status = body.get("status")
        if status not in (stock.SELL, stock.SOLD_OUT):
            raise BadRequest("status must be SELL or SOLD_OUT")
        reason = body.get("reason")
        if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON):
            raise BadRequest(f"reason must be a string of at most {MAX_REASON} characters")
        available = body.get("available")
        if available is not None and (isinstance(available, bool) or not isinstance(available, int) or available < 0):
            raise BadRequest("available must be an integer >= 0 (or null: no count)")
        if "instance_type" in body:
            itype = types.TYPES.get(body["instance_type"]) if isinstance(body["instance_type"], str) else None
            if itype is None:
                raise BadRequest(f"instance_type {body['instance_type']!r} is not in the type table")
            items = [itype]
        else:
            items = [itype for itype in types.TYPES.values() if itype.short_family == body["family"]]
            if not items:
                raise BadRequest(f"family {body['family']!r} is not in the type table ({', '.join(types.FAMILIES)})")
        items = [itype for itype in items if stock.offered(itype, zone, charge)]
        if not items:
            raise BadRequest(f"zone {zone} does not offer that for {charge} at all (not sold there), so it has no stock to change")
        return {"stock": self.emulator.stock.set(zone, items, charge, status, reason, available)}

    def reset(self, _query, _body):
        self.emulator.reset()
        return {"reset": True}


def _object(body, allowed):
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    unknown = set(body) - allowed
    if unknown:
        raise BadRequest(f"unknown keys: {', '.join(sorted(unknown))}")
    return body


def _seconds(value, name, maximum):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= maximum:
        raise BadRequest(f"{name} must be a number of seconds between 0 and {maximum}")
    return float(value)


def _json_body(body):
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"body is not JSON: {exc}") from None


def _query_int(query, name, default):
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None
    if value < 0:
        raise BadRequest(f"{name} must be >= 0")
    return value
