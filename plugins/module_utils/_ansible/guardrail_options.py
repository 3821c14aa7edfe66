# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The money guardrails of cvm_instance_hour (API 3.0 only): expiry, stop charging, spot, fallback zones, user data, protection.

Private: may change without notice. Each option is refused on the legacy
API with a message that names the API 3.0 feature behind it.
"""

from __future__ import annotations

import base64
import time

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.expiry import MIN_LEAD, TimeFormatError, iso, parse_duration, parse_time

# The API 3.0 feature behind each guardrail (api-notes/v3.md 10).
V3_FEATURES = {
    "expire_after": "RunInstances ActionTimer",
    "expire_at": "RunInstances ActionTimer",
    "market": "SPOTPAID with InstanceMarketOptions",
    "spot_max_price": "InstanceMarketOptions.SpotOptions.MaxPrice",
    "fallback_zones": "DescribeZoneInstanceConfigInfos stock per zone",
    "user_data": "RunInstances UserData",
    "termination_protection": "DisableApiTermination",
    "stopped_mode": "StopInstances StoppedMode",
}
# The value of each that asks for nothing (so it is accepted on the legacy API).
# termination_protection false is true of every legacy instance, so it is accepted there.
NEUTRAL_VALUES = {"market": "on_demand", "stopped_mode": "keep_charging", "fallback_zones": [], "termination_protection": False}
# UserData is at most 16 KB once base64-encoded (api-notes/v3.md 10.5).
MAX_USER_DATA = 16 * 1024


def guardrail_argument_spec():
    return dict(
        expire_after=dict(type="str"),
        expire_at=dict(type="str"),
        market=dict(type="str", default="on_demand", choices=["on_demand", "spot"]),
        spot_max_price=dict(type="float"),
        fallback_zones=dict(type="list", elements="int", default=[]),
        # User data may hold secrets (cloud-init passwords, tokens): never echoed.
        user_data=dict(type="str", no_log=True),
        termination_protection=dict(type="bool"),
        stopped_mode=dict(type="str", default="keep_charging", choices=["keep_charging", "stop_charging"]),
    )


GUARDRAIL_EXCLUSIVE = [("expire_after", "expire_at")]


def _asked(params, option):
    value = params.get(option)
    return value is not None and value != NEUTRAL_VALUES.get(option)


def guardrail_errors(params, now=None):
    """Every rule the guardrail options break, as messages naming the option and the rule."""
    now = time.time() if now is None else now
    errors = []
    if (params.get("api") or "legacy") == "legacy":
        for option, feature in V3_FEATURES.items():
            if _asked(params, option):
                errors.append("option '{0}' needs api: v3 (API 3.0 {1}); the legacy API has nothing like it".format(option, feature))
        return errors
    if params.get("expire_after") is not None:
        try:
            seconds = parse_duration(params["expire_after"])
        except TimeFormatError as error:
            errors.append("option 'expire_after': {0}".format(error))
        else:
            if seconds < MIN_LEAD:
                errors.append(
                    "option 'expire_after' must be at least {0} minutes (the API sets no timer less than 5 minutes ahead), got {1!r}".format(
                        MIN_LEAD // 60, params["expire_after"]
                    )
                )
    if params.get("expire_at") is not None:
        try:
            moment = parse_time(params["expire_at"])
        except TimeFormatError as error:
            errors.append("option 'expire_at': {0}".format(error))
        else:
            if moment < now + MIN_LEAD:
                errors.append(
                    "option 'expire_at' must be at least {0} minutes from now ({1}), got {2} ({3})".format(
                        MIN_LEAD // 60, iso(now), params["expire_at"], iso(moment)
                    )
                )
    if params.get("spot_max_price") is not None:
        if params.get("market") != "spot":
            errors.append("option 'spot_max_price' needs market: spot")
        elif params["spot_max_price"] <= 0:
            errors.append("option 'spot_max_price' must be greater than 0, got {0}".format(params["spot_max_price"]))
    zones = params.get("fallback_zones") or []
    if params.get("zone_id") in zones or len(set(zones)) != len(zones):
        errors.append("option 'fallback_zones' must list other zones than zone_id, each once")
    if params.get("user_data") is not None and len(encode_user_data(params["user_data"])) > MAX_USER_DATA:
        errors.append(
            "option 'user_data' must be at most {0} bytes once base64-encoded, got {1}".format(MAX_USER_DATA, len(encode_user_data(params["user_data"])))
        )
    if params.get("termination_protection") and (params.get("expire_after") or params.get("expire_at")):
        errors.append(
            "options 'termination_protection' and 'expire_after'/'expire_at' exclude each other: the API refuses to "
            "protect an instance whose expiry timer is set, since the timer could not give it back"
        )
    if params.get("stopped_mode") == "stop_charging" and params.get("state") != "stopped":
        errors.append("option 'stopped_mode' applies to state: stopped, not state: {0}".format(params.get("state")))
    return errors


def encode_user_data(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def guardrail_spec_values(params):
    """The InstanceSpec fields of the guardrails (the options checked by guardrail_errors first)."""
    return dict(
        expire_at=iso(parse_time(params["expire_at"])) if params.get("expire_at") else None,
        expire_after=parse_duration(params["expire_after"]) if params.get("expire_after") else None,
        market=params.get("market") or "on_demand",
        spot_max_price=params.get("spot_max_price"),
        # An empty user data is none: the API reports no user data for it.
        user_data=params.get("user_data") or None,
        termination_protection=params.get("termination_protection"),
        fallback_zone_ids=list(params.get("fallback_zones") or []),
    )
