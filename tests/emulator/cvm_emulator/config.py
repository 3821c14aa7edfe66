# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Start-up settings and the part of them that can change at run time."""

import dataclasses
import math
import threading

from decimal import Decimal, InvalidOperation
from typing import Optional

from . import DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY


@dataclasses.dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 0
    port_file: Optional[str] = None
    secret_id: str = DEFAULT_SECRET_ID
    secret_key: str = DEFAULT_SECRET_KEY
    security_token: Optional[str] = None
    create_delay: float = 1.0
    return_delay: float = 1.0
    power_delay: float = 1.0
    forget_delay: float = 60.0
    timestamp_window: float = 7200.0
    v3_timestamp_window: float = 300.0
    state_file: Optional[str] = None
    tls_cert: Optional[str] = None
    tls_key: Optional[str] = None
    balance: str = "1000000"
    latency: float = 0.0
    rate_limits: bool = False
    dry_run_mode: str = "request-id"
    reclaim_delay: float = 1.0
    timer_keep: float = 86400.0
    stop_charging_mode: str = "strict"
    timer_delete_mode: str = "strict"
    access_log: bool = False


RUNTIME_KEYS = (
    "create_delay",
    "return_delay",
    "power_delay",
    "forget_delay",
    "reclaim_delay",
    "timer_keep",
    "balance",
    "latency",
    "rate_limits",
    "dry_run_mode",
    "stop_charging_mode",
    "timer_delete_mode",
)
MAX_LATENCY = 3600.0
# How the 3.0 face answers a RunInstances DryRun that passed every check (api-notes/v3.md 4.2, 7 item 10).
DRY_RUN_MODES = ("request-id", "error")
# StopInstances StoppedMode=STOP_CHARGING for an ineligible instance (api-notes/v3.md 10.7 item 4):
# strict -> UnsupportedOperation.StoppedModeStopCharging for the whole call; lenient -> stopped, charging.
STOP_CHARGING_MODES = ("strict", "lenient")
# DeleteInstancesActionTimer with an unknown or already run timer (10.7 item 3):
# strict -> InvalidParameterValue, nothing deleted; ignore -> skipped, the others deleted.
TIMER_DELETE_MODES = ("strict", "ignore")
CHOICES = {"dry_run_mode": DRY_RUN_MODES, "stop_charging_mode": STOP_CHARGING_MODES, "timer_delete_mode": TIMER_DELETE_MODES}


class RuntimeConfig:
    """Delays, balance and switches; ``POST /_emulator/config`` changes them, reset restores them."""

    def __init__(self, settings):
        self._settings = settings
        self._lock = threading.Lock()
        self.create_delay = self.return_delay = self.power_delay = self.forget_delay = self.latency = 0.0
        self.reclaim_delay = self.timer_keep = 0.0
        self.balance = Decimal(0)
        self.rate_limits = False
        self.dry_run_mode = DRY_RUN_MODES[0]
        self.stop_charging_mode = STOP_CHARGING_MODES[0]
        self.timer_delete_mode = TIMER_DELETE_MODES[0]
        self.restore()

    def restore(self):
        self.update({key: getattr(self._settings, key) for key in RUNTIME_KEYS})

    def update(self, values):
        """Validate all values first so a bad one changes nothing; raises ValueError."""
        checked = {}
        for key, value in values.items():
            if key not in RUNTIME_KEYS:
                raise ValueError(f"unknown config key {key!r}; allowed: {', '.join(RUNTIME_KEYS)}")
            checked[key] = _check(key, value)
        with self._lock:
            for key, value in checked.items():
                setattr(self, key, value)

    def as_dict(self):
        with self._lock:
            return {key: str(self.balance) if key == "balance" else getattr(self, key) for key in RUNTIME_KEYS}


def _check(key, value):
    if key in CHOICES:
        if value not in CHOICES[key]:
            raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}")
        return value
    if key == "rate_limits":
        if not isinstance(value, bool):
            raise ValueError("rate_limits must be true or false")
        return value
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number")
    if key == "balance":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("balance must be a number") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError("balance must be a finite number >= 0")
        return amount
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number of seconds") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{key} must be a finite number >= 0")
    if key == "latency" and seconds > MAX_LATENCY:
        raise ValueError(f"latency must be at most {MAX_LATENCY:g} seconds")
    return seconds
