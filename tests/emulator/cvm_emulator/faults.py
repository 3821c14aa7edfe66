# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Injected faults, consumed by the next matching API calls that passed the common checks.

Kinds:
  busy               answer 5100 OperationFail.SystemBusy without processing
  internal_error     answer 6000 InternalError without processing
  request_limit      answer 4400 RequestLimitExceeded without processing
  http_500           HTTP 500 with a non-JSON body, no processing
  malformed          HTTP 200 whose body is not JSON, no processing
  delay              sleep ``seconds`` (default 1.0), then process normally
  drop_after_commit  process and commit, then close the connection without an answer
  create_fails       RunInstancesHour / RunInstances only: the created instances end in
                     status -1 (LAUNCH_FAILED) instead of 2 (RUNNING); consumed only by a
                     call that really creates

``face`` (optional): ``legacy`` or ``v3`` limits a fault to one face; by
default it matches the action on either face (``DescribeInstances``,
``StartInstances`` and ``StopInstances`` exist on both).

``instance_id`` (optional) narrows a fault to calls that name that instance
(``instanceId``, ``instanceIds.N`` or ``instanceSet.N.instanceId``, or the
3.0 ``InstanceIds``, by its ``ins-`` or ``qcvm`` id); in a legacy batch
action (Start/Stop/RestartInstances) a ``busy`` fault with an
``instance_id`` fails only that instance's item.
"""

import itertools
import threading

KINDS = ("busy", "internal_error", "request_limit", "http_500", "malformed", "delay", "drop_after_commit", "create_fails")
DEFAULT_DELAY = 1.0
FACES = ("legacy", "v3")
CREATE_ACTIONS = ("RunInstancesHour", "RunInstances")


class Fault:
    __slots__ = ("fault_id", "action", "kind", "times", "seconds", "instance_id", "face")

    def __init__(self, fault_id, action, kind, times, seconds, instance_id=None, face=None):
        self.fault_id = fault_id
        self.action = action
        self.kind = kind
        self.times = times
        self.seconds = seconds
        self.instance_id = instance_id
        self.face = face

    def matches(self, action, named=frozenset(), face=None):
        return self.action in ("*", action) and (self.face is None or self.face == face) and (self.instance_id is None or self.instance_id in named)

    def as_dict(self):
        return {
            "id": self.fault_id,
            "action": self.action,
            "kind": self.kind,
            "times": self.times,
            "seconds": self.seconds,
            "instance_id": self.instance_id,
            "face": self.face,
        }


class FaultBook:
    def __init__(self, actions):
        """``actions``: face -> its action names."""
        self._faces = {face: tuple(names) for face, names in actions.items()}
        self._actions = tuple(dict.fromkeys(name for names in self._faces.values() for name in names))
        self._lock = threading.Lock()
        self._pending = []
        self._ids = itertools.count(1)

    def add(self, spec):
        """Validate a ``POST /_emulator/faults`` body; raises ValueError."""
        if not isinstance(spec, dict):
            raise ValueError("body must be a JSON object")
        unknown = set(spec) - {"action", "kind", "times", "seconds", "instance_id", "face"}
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        face = spec.get("face")
        if face is not None and face not in self._faces:
            raise ValueError(f"face must be one of {', '.join(self._faces)} (or absent: both)")
        actions = self._faces[face] if face is not None else self._actions
        action = spec.get("action", "*")
        if action != "*" and action not in actions:
            raise ValueError(f"action must be '*' or one of {', '.join(actions)}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if kind == "create_fails" and action not in ("*",) + CREATE_ACTIONS:
            raise ValueError("create_fails applies to RunInstancesHour and RunInstances only")
        times = spec.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError("times must be an integer >= 1")
        seconds = spec.get("seconds", DEFAULT_DELAY if kind == "delay" else 0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 3600:
            raise ValueError("seconds must be a number between 0 and 3600")
        instance_id = spec.get("instance_id")
        if instance_id is not None and (not isinstance(instance_id, str) or not instance_id):
            raise ValueError("instance_id must be a non-empty string (an ins- or qcvm id)")
        if instance_id is not None and kind == "create_fails":
            raise ValueError("create_fails cannot name an instance_id (a create names no instance)")
        with self._lock:
            fault = Fault(next(self._ids), action, kind, times, float(seconds), instance_id, face)
            self._pending.append(fault)
            return fault.as_dict()

    def pending(self):
        with self._lock:
            return [fault.as_dict() for fault in self._pending]

    def clear(self):
        with self._lock:
            self._pending.clear()

    def take(self, action, named=frozenset(), face=None):
        """The first pending request-level fault for ``action`` on ``face`` (one use consumed), or None.

        ``named``: every id (both forms) of the instances the call names.
        """
        return self._take(lambda fault: fault.kind != "create_fails" and fault.matches(action, named, face))

    def wants_instances(self):
        """Whether any pending fault is narrowed to an instance (then the caller computes ``named``)."""
        with self._lock:
            return any(fault.instance_id is not None for fault in self._pending)

    def take_create_fails(self, action="RunInstancesHour", face="legacy"):
        return self._take(lambda fault: fault.kind == "create_fails" and fault.matches(action, face=face)) is not None

    def _take(self, wanted):
        with self._lock:
            for fault in self._pending:
                if wanted(fault):
                    fault.times -= 1
                    if fault.times == 0:
                        self._pending.remove(fault)
                    return fault
            return None
