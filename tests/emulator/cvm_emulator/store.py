# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Emulator state: instances (``model.InstanceState``), clientToken answers,
counters, added security groups, action timers and the clock offset;
optional SQLite file.

One re-entrant lock (``Store.lock``) guards everything; callers hold it
across read-validate-write sequences so concurrent requests see a consistent
state.  Writes go to SQLite and are committed *before* memory changes, so a
successful answer is never sent for state a hard kill could lose, and a
failed write leaves memory untouched.  Reads never touch SQLite: per-region
lists in creation order keep DescribeInstances fast at 10,000+ instances.

The file holds the neutral instance state as JSON (schema version
``SCHEMA_VERSION`` in table ``meta``); a file written by an emulator that
stored legacy records is refused with a clear message instead of misread.
Timers (``timers.py``: plain JSON-able dicts keyed by ``timer_id``) have a
table of their own; the clock offset (``clock.py``) is the ``meta`` row
``clock_offset``.  Both were added without a schema change: an older
version-2 file simply has no timers and no offset.
"""

import json
import random
import sqlite3
import string
import threading
import uuid

from .model import InstanceState

_ALPHABET = string.ascii_lowercase + string.digits

SCHEMA_VERSION = 2
_TABLES = ("instance_states", "client_tokens", "counters", "security_groups", "action_timers")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS instance_states (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS client_tokens (token TEXT PRIMARY KEY, ids TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS security_groups (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS action_timers (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT NOT NULL)",
)


class Store:
    def __init__(self, path=None):
        self.lock = threading.RLock()
        # Ids need to be unique, not unguessable; a seeded PRNG keeps seeding 10,000 fast.
        self._random = random.Random()
        self._db = None
        self._clear_memory()
        if path:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            # WAL + NORMAL survives a killed process (not a power cut), which is what tests need.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._check_schema(path)
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            self._load()

    def _clear_memory(self):
        self.instances = {}
        self._legacy = {}
        self._by_region = {}
        self._tokens = {}
        self._counters = {}
        self._subnet_ips = {}
        self._groups = {}
        self.timers = {}  # timer_id -> timer dict, in creation order
        self.next_due = None  # the earliest action_time of a timer not yet fired (timers.fire_due)
        self.clock_offset = 0.0

    def _check_schema(self, path):
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        found = None
        if "meta" in tables:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            found = row[0] if row else None
        elif "instances" in tables:
            found = "1"
        if found is not None and found != str(SCHEMA_VERSION):
            self.close()
            raise ValueError(
                f"state file {path} has schema version {found}, this emulator writes version {SCHEMA_VERSION}; delete the file or use another --state-file"
            )

    def _load(self):
        for (body,) in self._db.execute("SELECT body FROM instance_states ORDER BY seq"):
            self._install(InstanceState.from_row(json.loads(body)))
        for token, ids in self._db.execute("SELECT token, ids FROM client_tokens"):
            self._tokens[token] = json.loads(ids)
        for name, value in self._db.execute("SELECT name, value FROM counters"):
            self._counters[name] = value
        for (body,) in self._db.execute("SELECT body FROM security_groups ORDER BY seq"):
            group = json.loads(body)
            self._groups[group["sgId"]] = group
        for (body,) in self._db.execute("SELECT body FROM action_timers ORDER BY seq"):
            timer = json.loads(body)
            self.timers[timer["timer_id"]] = timer
        self._refresh_due()
        row = self._db.execute("SELECT value FROM meta WHERE name = 'clock_offset'").fetchone()
        self.clock_offset = float(row[0]) if row else 0.0

    def close(self):
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- reads (hold the lock) ------------------------------------------------

    def get(self, instance_id):
        """By ``ins-`` id or by legacy ``qcvm`` id."""
        found = self.instances.get(instance_id)
        if found is None and instance_id in self._legacy:
            found = self.instances[self._legacy[instance_id]]
        return found

    def region_instances(self, region):
        """Oldest first; callers reverse for newest first."""
        return self._by_region.get(region, [])

    def all_instances(self):
        return sorted(self.instances.values(), key=lambda inst: inst.seq)

    def added_groups(self):
        """Security groups added through the control API, oldest first."""
        return list(self._groups.values())

    def added_group(self, sg_id):
        return self._groups.get(sg_id)

    def token_answer(self, token):
        return self._tokens.get(token)

    def ip_holder(self, subnet_id, address):
        instance_id = self._subnet_ips.get(subnet_id, {}).get(address)
        return self.instances.get(instance_id) if instance_id else None

    # -- id and counter allocation (hold the lock) -----------------------------

    def next_counter(self, name):
        """Advance a counter in memory; ``add`` persists it with the instances."""
        value = self._counters.get(name, 0)
        self._counters[name] = value + 1
        return value

    def new_id(self, prefix, taken):
        while True:
            candidate = prefix + "".join(self._random.choices(_ALPHABET, k=8))
            if candidate not in taken and candidate not in self.instances and candidate not in self._groups:
                taken.add(candidate)
                return candidate

    @staticmethod
    def new_uuid():
        return str(uuid.uuid4())

    # -- writes (hold the lock) ------------------------------------------------

    def add(self, instances, token=None, timers=()):
        """Persist new instances (and the token's answer, their timers and all counters), then index them."""
        ids = [inst.instance_id for inst in instances]
        if self._db is not None:
            self._write(lambda db: self._write_add(db, instances, token, ids, timers))
        for inst in instances:
            self._install(inst)
        if token is not None:
            self._tokens[token] = ids
        if timers:
            for timer in timers:
                self.timers[timer["timer_id"]] = timer
            self._refresh_due()
        return ids

    def _write_add(self, db, instances, token, ids, timers):
        db.executemany(
            "INSERT INTO instance_states (id, seq, body) VALUES (?, ?, ?)", [(inst.instance_id, inst.seq, json.dumps(inst.to_row())) for inst in instances]
        )
        if token is not None:
            db.execute("INSERT OR REPLACE INTO client_tokens (token, ids) VALUES (?, ?)", (token, json.dumps(ids)))
        self._write_timers(db, timers, ())
        db.executemany("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", list(self._counters.items()))

    def update(self, inst, **changes):
        """Change fields of one instance, durably first (counters too: they may have advanced)."""
        self.update_many([(inst, changes)])

    def update_many(self, pairs, timers=(), drop_timers=()):
        """``[(instance, {field: value})]``, timers to write (whole dicts) and timer ids to delete, in one
        transaction: all or nothing."""
        if self._db is not None:
            rows = [(json.dumps(dict(inst.to_row(), **changes)), inst.instance_id) for inst, changes in pairs]
            self._write(lambda db: self._write_update(db, rows, timers, drop_timers))
        for inst, changes in pairs:
            for key, value in changes.items():
                setattr(inst, key, value)
        if timers or drop_timers:
            for timer in timers:
                self.timers[timer["timer_id"]] = timer
            for timer_id in drop_timers:
                self.timers.pop(timer_id, None)
            self._refresh_due()

    def _refresh_due(self):
        self.next_due = min((timer["action_time"] for timer in self.timers.values() if not timer["fired"]), default=None)

    def _write_update(self, db, rows, timers, drop_timers):
        db.executemany("UPDATE instance_states SET body = ? WHERE id = ?", rows)
        self._write_timers(db, timers, drop_timers)
        db.executemany("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", list(self._counters.items()))

    def _write_timers(self, db, timers, drop_timers):
        db.executemany("INSERT OR REPLACE INTO action_timers (id, seq, body) VALUES (?, ?, ?)", [(t["timer_id"], t["seq"], json.dumps(t)) for t in timers])
        db.executemany("DELETE FROM action_timers WHERE id = ?", [(timer_id,) for timer_id in drop_timers])

    def set_clock_offset(self, offset):
        if self._db is not None:
            self._write(lambda db: db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('clock_offset', ?)", (repr(float(offset)),)))
        self.clock_offset = float(offset)

    def add_group(self, group):
        """Persist a security group added through the control API (a dict with ``sgId``)."""
        if self._db is not None:
            seq = len(self._groups)
            self._write(lambda db: db.execute("INSERT INTO security_groups (id, seq, body) VALUES (?, ?, ?)", (group["sgId"], seq, json.dumps(group))))
        self._groups[group["sgId"]] = group

    def reset(self):
        if self._db is not None:
            self._write(_delete_everything)
        self._clear_memory()

    def _write(self, work):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            work(self._db)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _install(self, inst):
        self.instances[inst.instance_id] = inst
        self._legacy[inst.legacy_id] = inst.instance_id
        self._by_region.setdefault(inst.region, []).append(inst)
        if inst.subnet_id:
            self._subnet_ips.setdefault(inst.subnet_id, {})[inst.private_ip] = inst.instance_id


def _delete_everything(db):
    for table in _TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM meta WHERE name = 'clock_offset'")
