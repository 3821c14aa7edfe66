# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour's money guardrails (_ansible/guardrail_options.py): every rule of guardrail_errors, each naming its
option, on the legacy API and on API 3.0, and the InstanceSpec values the options make."""

from __future__ import annotations

import base64
import calendar

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.guardrail_options import (
    GUARDRAIL_EXCLUSIVE,
    MAX_USER_DATA,
    NEUTRAL_VALUES,
    V3_FEATURES,
    encode_user_data,
    guardrail_argument_spec,
    guardrail_errors,
    guardrail_spec_values,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import instance_argument_spec, option_errors, spec_from_options
from ansible_collections.qcloud.cvm.tests.unit.fakes.task_options import MODULE_PARAMS

# A minimal valid task without the guardrails (tests/unit/fakes/task_options.py).
VALID = MODULE_PARAMS

# 2030-01-01T00:00:00Z: "now" for the rules that need one.
NOW = calendar.timegm((2030, 1, 1, 0, 0, 0, 0, 0, 0))

# The guardrail options as AnsibleModule hands them over when none is set (their defaults).
UNSET = {
    "expire_after": None,
    "expire_at": None,
    "market": "on_demand",
    "spot_max_price": None,
    "fallback_zones": [],
    "user_data": None,
    "termination_protection": None,
    "stopped_mode": "keep_charging",
}


def params(api="v3", **changes):
    values = dict(VALID, api=api, **UNSET)
    values.update(changes)
    return values


def errors(api="v3", **changes):
    return guardrail_errors(params(api, **changes), now=NOW)


# -- the options --------------------------------------------------------------------


def test_the_argument_spec():
    assert guardrail_argument_spec() == {
        "expire_after": {"type": "str"},
        "expire_at": {"type": "str"},
        "market": {"type": "str", "default": "on_demand", "choices": ["on_demand", "spot"]},
        "spot_max_price": {"type": "float"},
        "fallback_zones": {"type": "list", "elements": "int", "default": []},
        "user_data": {"type": "str", "no_log": True},
        "termination_protection": {"type": "bool"},
        "stopped_mode": {"type": "str", "default": "keep_charging", "choices": ["keep_charging", "stop_charging"]},
    }
    assert GUARDRAIL_EXCLUSIVE == [("expire_after", "expire_at")]


def test_the_guardrails_are_instance_options_with_their_defaults():
    spec = instance_argument_spec()
    for name, option in guardrail_argument_spec().items():
        assert spec[name] == option, name
    assert {name: option.get("default") for name, option in guardrail_argument_spec().items()} == UNSET


def test_every_guardrail_names_its_3_0_feature_and_the_neutral_values_are_the_defaults():
    assert set(V3_FEATURES) == set(guardrail_argument_spec())
    for option, value in NEUTRAL_VALUES.items():
        if option == "termination_protection":
            # No default (unset leaves existing instances alone); false is neutral because no legacy instance is protected.
            assert "default" not in guardrail_argument_spec()[option] and value is False
            continue
        assert guardrail_argument_spec()[option]["default"] == value, option


def test_nothing_asked_is_valid_on_both_apis():
    assert errors("v3") == [] and errors("legacy") == []
    assert guardrail_errors(params("v3")) == []


# -- the legacy API: every guardrail is refused, naming the 3.0 feature ------------------------


@pytest.mark.parametrize(
    "option, value, feature",
    [
        ("expire_after", "8h", "RunInstances ActionTimer"),
        ("expire_at", "2099-01-01T00:00:00Z", "RunInstances ActionTimer"),
        ("market", "spot", "SPOTPAID with InstanceMarketOptions"),
        ("spot_max_price", 0.5, "InstanceMarketOptions.SpotOptions.MaxPrice"),
        ("fallback_zones", [100004], "DescribeZoneInstanceConfigInfos stock per zone"),
        ("user_data", "#!/bin/sh", "RunInstances UserData"),
        ("user_data", "", "RunInstances UserData"),
        ("termination_protection", True, "DisableApiTermination"),
        ("stopped_mode", "stop_charging", "StopInstances StoppedMode"),
    ],
)
def test_the_legacy_api_refuses_each_guardrail_naming_the_3_0_feature(option, value, feature):
    assert errors("legacy", **{option: value}) == ["option '{0}' needs api: v3 (API 3.0 {1}); the legacy API has nothing like it".format(option, feature)]


def test_without_an_api_option_the_api_is_legacy():
    assert guardrail_errors(dict(params(), api=None, expire_after="8h"), now=NOW) == [
        "option 'expire_after' needs api: v3 (API 3.0 RunInstances ActionTimer); the legacy API has nothing like it"
    ]
    assert guardrail_errors({"expire_after": "8h"}, now=NOW)[0].startswith("option 'expire_after' needs api: v3")


def test_the_legacy_api_reports_every_guardrail_asked_for_and_no_3_0_rule():
    found = errors("legacy", expire_after="1m", market="spot", spot_max_price=-1.0, fallback_zones=[100003], stopped_mode="stop_charging")
    assert [message.split("'")[1] for message in found] == ["expire_after", "market", "spot_max_price", "fallback_zones", "stopped_mode"]
    assert all("needs api: v3" in message for message in found)


@pytest.mark.parametrize("option, value", sorted(NEUTRAL_VALUES.items()))
def test_the_neutral_values_are_accepted_on_the_legacy_api(option, value):
    assert errors("legacy", **{option: value}) == []


# -- API 3.0: the expiry ----------------------------------------------------------------------


@pytest.mark.parametrize("duration", ["10m", "11m", "8h", "2d", "1d12h", "0d0h10m", "600m"])
def test_expire_after_of_at_least_10_minutes(duration):
    assert errors(expire_after=duration) == []


@pytest.mark.parametrize("duration", ["9m", "5m", "0m", "0d"])
def test_expire_after_shorter_than_10_minutes_is_refused(duration):
    assert errors(expire_after=duration) == [
        "option 'expire_after' must be at least 10 minutes (the API sets no timer less than 5 minutes ahead), got {0!r}".format(duration)
    ]


@pytest.mark.parametrize("duration", ["8", "8 hours", "1h30", "", "1.5h", "-2h"])
def test_expire_after_that_is_no_duration_is_refused(duration):
    assert errors(expire_after=duration) == [
        "option 'expire_after': {0!r} is not a duration: use days, hours and minutes such as 30m, 8h, 2d or 1d12h".format(duration)
    ]


@pytest.mark.parametrize("moment", ["2030-01-01T00:10:00Z", "2030-01-01T08:10:00+08:00", "2030-01-01 00:10:00", "2099-12-24T18:00:00Z"])
def test_expire_at_at_least_10_minutes_from_now(moment):
    assert errors(expire_at=moment) == []


@pytest.mark.parametrize(
    "moment, utc",
    [
        ("2030-01-01T00:09:59Z", "2030-01-01T00:09:59Z"),
        ("2030-01-01T08:05:00+08:00", "2030-01-01T00:05:00Z"),
        ("2029-12-31T00:00:00Z", "2029-12-31T00:00:00Z"),
        ("2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"),
    ],
)
def test_expire_at_sooner_or_past_is_refused_with_now_and_the_time_in_utc(moment, utc):
    assert errors(expire_at=moment) == ["option 'expire_at' must be at least 10 minutes from now (2030-01-01T00:00:00Z), got {0} ({1})".format(moment, utc)]


@pytest.mark.parametrize("moment", ["tomorrow", "2030-01-01", "2030-02-30T00:00:00Z", "01/01/2031 10:00"])
def test_expire_at_that_is_no_time_is_refused(moment):
    assert errors(expire_at=moment) == [
        "option 'expire_at': {0!r} is not a time: use ISO 8601 such as 2024-05-01T10:00:00Z or 2024-05-01T18:00:00+08:00".format(moment)
    ]


def test_expire_at_is_checked_against_the_clock_without_a_pinned_now():
    assert guardrail_errors(params(expire_at="2000-01-01T00:00:00Z"))[0].startswith("option 'expire_at' must be at least 10 minutes from now (")
    assert guardrail_errors(params(expire_at="2999-01-01T00:00:00Z")) == []


# -- API 3.0: spot ---------------------------------------------------------------------------


@pytest.mark.parametrize("price", [None, 0.01, 0.5, 100.0])
def test_spot_with_or_without_a_price(price):
    assert errors(market="spot", spot_max_price=price) == []


def test_a_spot_price_needs_the_spot_market():
    assert errors(spot_max_price=0.5) == ["option 'spot_max_price' needs market: spot"]
    assert errors(market="on_demand", spot_max_price=0.5) == ["option 'spot_max_price' needs market: spot"]


@pytest.mark.parametrize("price", [0.0, -0.5])
def test_a_spot_price_must_be_above_zero(price):
    assert errors(market="spot", spot_max_price=price) == ["option 'spot_max_price' must be greater than 0, got {0}".format(price)]


# -- API 3.0: fallback zones -----------------------------------------------------------------


@pytest.mark.parametrize("zones", [[], [100004], [100004, 100006], [200002]])
def test_fallback_zones_other_than_zone_id(zones):
    assert errors(fallback_zones=zones) == []


@pytest.mark.parametrize("zones", [[100003], [100004, 100003], [100004, 100004], [100004, 100006, 100004]])
def test_fallback_zones_must_be_other_zones_each_once(zones):
    assert errors(fallback_zones=zones) == ["option 'fallback_zones' must list other zones than zone_id, each once"]


def test_no_fallback_zones_at_all_is_none():
    assert errors(fallback_zones=None) == []


# -- API 3.0: user data ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 12287, 12288])
def test_user_data_up_to_16_kb_once_encoded(size):
    text = "a" * size
    assert len(encode_user_data(text)) <= MAX_USER_DATA
    assert errors(user_data=text) == []


@pytest.mark.parametrize("text, encoded", [("a" * 12289, 16388), ("a" * 20000, 26668), ("\u7f51" * 4097, 16388)])
def test_user_data_above_16_kb_once_encoded_is_refused_without_quoting_it(text, encoded):
    found = errors(user_data=text)
    assert found == ["option 'user_data' must be at most 16384 bytes once base64-encoded, got {0}".format(encoded)]
    assert text[:50] not in found[0]


def test_user_data_is_counted_as_utf_8():
    # 4096 three-byte characters are 12288 bytes: exactly 16384 once encoded.
    assert errors(user_data="\u7f51" * 4096) == []
    assert encode_user_data("\u7f51") == base64.b64encode("\u7f51".encode("utf-8")).decode("ascii") == "572R"


# -- API 3.0: stop charging and protection -------------------------------------------------------


def test_stop_charging_applies_to_state_stopped():
    assert errors(state="stopped", stopped_mode="stop_charging") == []
    assert errors(state="stopped", stopped_mode="keep_charging") == []


@pytest.mark.parametrize("state", ["present", "running", "restarted", "absent"])
def test_stop_charging_with_another_state_is_refused(state):
    assert errors(state=state, stopped_mode="stop_charging") == ["option 'stopped_mode' applies to state: stopped, not state: {0}".format(state)]


@pytest.mark.parametrize("protection", [True, False])
def test_termination_protection_either_way(protection):
    assert errors(termination_protection=protection) == []
    assert errors(state="absent", termination_protection=protection) == []


# API 3.0 refuses a timer on a protected instance and protection on a timed one (api-notes/v3.md 10.1.1, 10.6).
@pytest.mark.parametrize("expiry", [{"expire_after": "8h"}, {"expire_at": "2099-01-01T00:00:00Z"}])
def test_termination_protection_with_an_expiry_is_refused_before_any_request(expiry):
    found = errors(termination_protection=True, **expiry)
    assert len(found) == 1 and "termination_protection" in found[0] and next(iter(expiry)) in found[0]


@pytest.mark.parametrize("expiry", [{"expire_after": "8h"}, {"expire_at": "2099-01-01T00:00:00Z"}])
def test_an_expiry_without_protection_is_fine(expiry):
    assert errors(termination_protection=False, **expiry) == [] and errors(**expiry) == []


# -- every rule at once, and through option_errors -------------------------------------------------


def test_every_broken_rule_is_reported_in_order():
    found = errors(
        expire_after="1m",
        expire_at="yesterday",
        spot_max_price=1.0,
        fallback_zones=[100003],
        user_data="a" * 13000,
        stopped_mode="stop_charging",
    )
    assert [message.split("'")[1] for message in found] == ["expire_after", "expire_at", "spot_max_price", "fallback_zones", "user_data", "stopped_mode"]


def test_option_errors_include_the_guardrails():
    assert option_errors(params("legacy", market="spot")) == [
        "option 'market' needs api: v3 (API 3.0 SPOTPAID with InstanceMarketOptions); the legacy API has nothing like it"
    ]
    assert option_errors(params("v3", spot_max_price=0.1)) == ["option 'spot_max_price' needs market: spot"]
    assert option_errors(params("legacy", tags={"a": "b"}, user_data="x")) == [
        "option 'tags' needs api: v3 (API 3.0 TagSpecification); the legacy API has nothing like it",
        "option 'user_data' needs api: v3 (API 3.0 RunInstances UserData); the legacy API has nothing like it",
    ]


# -- the spec values --------------------------------------------------------------------------------


def test_nothing_asked_makes_the_neutral_spec_values():
    assert guardrail_spec_values(params()) == {
        "expire_at": None,
        "expire_after": None,
        "market": "on_demand",
        "spot_max_price": None,
        "user_data": None,
        "termination_protection": None,
        "fallback_zone_ids": [],
    }


def test_the_spec_values_in_neutral_form():
    zones = [100004, 100006]
    values = guardrail_spec_values(
        params(
            expire_at="2030-01-01T08:00:00+08:00",
            market="spot",
            spot_max_price=0.25,
            fallback_zones=zones,
            user_data="#!/bin/sh\n",
            termination_protection=False,
        )
    )
    assert values == {
        # One UTC spelling, whatever the option's: the same time is the same spec (and the same derived token).
        "expire_at": "2030-01-01T00:00:00Z",
        "expire_after": None,
        "market": "spot",
        "spot_max_price": 0.25,
        "user_data": "#!/bin/sh\n",
        "termination_protection": False,
        "fallback_zone_ids": [100004, 100006],
    }
    assert values["fallback_zone_ids"] is not zones


@pytest.mark.parametrize("duration, seconds", [("8h", 28800), ("1d12h", 129600), ("10m", 600)])
def test_expire_after_becomes_seconds(duration, seconds):
    assert guardrail_spec_values(params(expire_after=duration))["expire_after"] == seconds


def test_a_market_left_out_is_on_demand():
    assert guardrail_spec_values({"market": None})["market"] == "on_demand"
    assert guardrail_spec_values({})["fallback_zone_ids"] == []


def test_the_same_expiry_written_otherwise_is_the_same_spec():
    first = spec_from_options(params(expire_at="2030-01-01T08:00:00+08:00"))
    second = spec_from_options(params(expire_at="2030-01-01 00:00:00"))
    assert first == second and first.fingerprint() == second.fingerprint()


def test_the_spec_carries_the_guardrails_and_its_zones():
    spec = spec_from_options(params(expire_after="2d", market="spot", fallback_zones=[100006, 100004], termination_protection=True, user_data="x"))
    assert (spec.expire_after, spec.expire_at, spec.market, spec.termination_protection, spec.user_data) == (172800, None, "spot", True, "x")
    # The identity: zone_id first, then the fallback zones in their order.
    assert spec.zone_ids == [100003, 100006, 100004]
    assert spec_from_options(params()).zone_ids == [100003]


def test_the_fingerprint_never_holds_the_user_data_itself():
    spec = spec_from_options(params(user_data="export TOKEN=hunter2"))
    fingerprint = spec.fingerprint()
    assert "hunter2" not in repr(fingerprint) and "hunter2" not in repr(spec)
    assert fingerprint["user_data"] != spec_from_options(params(user_data="export TOKEN=hunter3")).fingerprint()["user_data"]
    assert spec_from_options(params()).fingerprint()["user_data"] is None
