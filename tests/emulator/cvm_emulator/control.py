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
POST   /_emulator/reset       empty everything
"""

import json

from urllib.parse import parse_qs

from . import catalog
from .records import control_record
from .reply import Reply

PREFIX = "/_emulator/"
MAX_SEED = 200000
SEED_STATUSES = frozenset((-1,) + tuple(range(1, 21)))


class BadRequest(Exception):
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
            return Reply.json(handler(parse_qs(query), _json_body(body)))
        except BadRequest as exc:
            return Reply.json({"error": str(exc)}, status=400)
        except ValueError as exc:
            return Reply.json({"error": str(exc)}, status=400)

    def instances(self, _query, _body):
        emulator = self.emulator
        with emulator.store.lock:
            now = emulator.clock()
            found = [control_record(inst, now) for inst in reversed(emulator.store.all_instances())]
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

    def reset(self, _query, _body):
        self.emulator.reset()
        return {"reset": True}


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
