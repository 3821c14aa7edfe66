# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a 3.0 region sells (_cvm/v3/catalog.py): zone names from DescribeZones or the static rule, InstanceType resolution (api-notes/v3.md 5.3)."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, TaskFailure, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.catalog import Catalog, InstanceTypeUnavailable
from ansible_collections.qcloud.cvm.tests.unit.fakes.v3_api import offer

ZONES = {
    "ZoneSet": [
        {"Zone": "ap-guangzhou-3", "ZoneName": "Guangzhou Zone 3", "ZoneId": "100003", "ZoneState": "AVAILABLE"},
        {"Zone": "ap-guangzhou-4", "ZoneName": "Guangzhou Zone 4", "ZoneId": "100004", "ZoneState": "AVAILABLE"},
        {"Zone": "ap-guangzhou-6", "ZoneName": "Guangzhou Zone 6", "ZoneId": "100006", "ZoneState": "UNAVAILABLE"},
    ],
    "TotalCount": 3,
}


class StubClient:
    """A 3.0 client that answers from a table, or raises what the table holds; it keeps every call."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def call(self, action, params=None):
        self.calls.append((action, params))
        answer = self.answers[action]
        if callable(answer):
            answer = answer(params)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def actions(self):
        return [action for action, _params in self.calls]


def offers(*items):
    return {"InstanceTypeQuotaSet": list(items)}


def catalog(types=(), zones=None):
    zones = ZONES if zones is None else zones
    return Catalog(StubClient({"DescribeZones": zones, "DescribeZoneInstanceConfigInfos": offers(*types)}))


S1_GZ3 = [offer("ap-guangzhou-3", "S1", 1, 1), offer("ap-guangzhou-3", "S1", 1, 2), offer("ap-guangzhou-3", "S1", 2, 4), offer("ap-guangzhou-3", "S1", 4, 8)]


# -- zones (3.7, 5.1) ----------------------------------------------------------------


def test_zone_names_come_from_describe_zones():
    zones = catalog()
    assert zones.zone_name(100003) == "ap-guangzhou-3" and zones.zone_name("100004") == "ap-guangzhou-4"
    assert zones.zones() == {100003: "ap-guangzhou-3", 100004: "ap-guangzhou-4", 100006: "ap-guangzhou-6"}
    assert zones.zone_ids() == {"ap-guangzhou-3": 100003, "ap-guangzhou-4": 100004, "ap-guangzhou-6": 100006}
    assert zones.client.calls == [("DescribeZones", {})]


def test_describe_zones_is_authoritative():
    renamed = {"ZoneSet": [{"Zone": "ap-guangzhou-3b", "ZoneId": "100003"}]}
    assert catalog(zones=renamed).zone_name(100003) == "ap-guangzhou-3b"


def test_zones_of_an_undocumented_prefix_need_describe_zones():
    tokyo = {"ZoneSet": [{"Zone": "ap-tokyo-1", "ZoneId": "250001"}, {"Zone": "ap-tokyo-2", "ZoneId": "250002"}]}
    assert catalog(zones=tokyo).zone_name(250002) == "ap-tokyo-2"
    with pytest.raises(TaskFailure, match="option 'zone_id': 250002 is no zone of this region.*nothing was sent"):
        catalog(zones=ZONES).zone_name(250002)


def test_a_zone_describe_zones_does_not_list_falls_back_to_the_static_rule():
    # Another region's zone: named by the rule, so that the API (not the module) says it is not in the region.
    assert catalog().zone_name(200002) == "ap-shanghai-2"


@pytest.mark.parametrize(
    "failure", [ApiError("DescribeZones", "UnauthorizedOperation", "no"), TransportError("DescribeZones", "connection reset", retryable=True)]
)
def test_zone_names_fall_back_to_the_static_rule_when_describe_zones_fails(failure):
    zones = Catalog(StubClient({"DescribeZones": failure}))
    assert zones.zone_name(100003) == "ap-guangzhou-3" and zones.zone_name(700003) == "ap-shanghai-fsi-3"
    with pytest.raises(TaskFailure, match="option 'zone_id': 250001"):
        zones.zone_name(250001)
    # The failure is remembered: listings name zones by the static rule without asking again.
    assert zones.zone_ids() == {}


def test_malformed_zone_items_are_skipped():
    answer = {
        "ZoneSet": [{"Zone": "ap-guangzhou-3", "ZoneId": "100003"}, {"Zone": "ap-guangzhou-x", "ZoneId": "x"}, {"ZoneId": "100004"}, {"Zone": "ap-guangzhou-7"}]
    }
    assert catalog(zones=answer).zones() == {100003: "ap-guangzhou-3"}


def test_zone_ids_are_none_until_describe_zones_was_asked():
    zones = catalog()
    assert zones.zone_ids() is None and zones.client.calls == []


def test_describe_zones_is_asked_once():
    zones = catalog()
    for zone_id in (100003, 100004, 100003, 200002, 100006):
        zones.zone_name(zone_id)
    zones.zone_ids()
    assert zones.client.actions() == ["DescribeZones"]


def test_a_failed_describe_zones_is_asked_once_too():
    zones = Catalog(StubClient({"DescribeZones": ApiError("DescribeZones", "UnauthorizedOperation", "no")}))
    for zone_id in (100003, 100004, 100003):
        zones.zone_name(zone_id)
    assert zones.client.actions() == ["DescribeZones"]


# -- InstanceType (5.3) -------------------------------------------------------------------


def test_exactly_one_match_is_its_type():
    types = catalog(S1_GZ3)
    assert types.instance_type("ap-guangzhou-3", "S1", 1, 2) == "S1.SMALL2"
    (call,) = types.client.calls
    assert call == (
        "DescribeZoneInstanceConfigInfos",
        {
            "Filters": [
                {"Name": "zone", "Values": ["ap-guangzhou-3"]},
                {"Name": "instance-family", "Values": ["S1"]},
                {"Name": "instance-charge-type", "Values": ["POSTPAID_BY_HOUR"]},
            ]
        },
    )


def test_the_type_is_taken_from_the_answer_not_built_by_the_convention():
    # An official example lists S2.SMALL2 with 1 vCPU and 1 GB (5.3): Cpu and Memory decide, the name is the API's.
    types = catalog([offer("ap-guangzhou-6", "S2", 1, 1, instance_type="S2.SMALL2"), offer("ap-guangzhou-6", "S2", 1, 2, instance_type="S2.SMALL4")])
    assert types.instance_type("ap-guangzhou-6", "S2", 1, 1) == "S2.SMALL2"
    assert types.instance_type("ap-guangzhou-6", "S2", 1, 2) == "S2.SMALL4"


def test_no_match_names_the_option_the_size_the_zone_and_what_is_sold():
    types = catalog(
        [
            offer("ap-guangzhou-3", "S2", 4, 16),
            offer("ap-guangzhou-3", "S2", 1, 2),
            offer("ap-guangzhou-3", "S2", 2, 4),
            offer("ap-guangzhou-3", "S2", 1, 2, status="SOLD_OUT", instance_type="S2.SMALL2B"),
        ]
    )
    with pytest.raises(InstanceTypeUnavailable) as caught:
        types.instance_type("ap-guangzhou-3", "S2", 2, 8)
    message = str(caught.value)
    assert message == ("instance_type CVM.S2 does not sell cpu 2 with mem 8 in zone ap-guangzhou-3; it sells (cpu/mem): 1/2, 2/4, 4/16. Nothing was bought")
    assert caught.value.sold_out is False and isinstance(caught.value, TaskFailure)


def test_a_family_selling_nothing_says_so():
    with pytest.raises(
        InstanceTypeUnavailable,
        match=r"^instance_type CVM\.I2 does not sell cpu 1 with mem 2 in zone ap-guangzhou-3; "
        r"it sells \(cpu/mem\): nothing\. Nothing was bought$",
    ):
        catalog([]).instance_type("ap-guangzhou-3", "I2", 1, 2)


def test_offers_of_another_family_are_never_taken():
    # Whatever the filter, an answer may hold other families (a server ignoring instance-family, a family alias):
    # rule 3 of 5.3 is never to substitute another family.
    types = catalog([offer("ap-guangzhou-3", "S1", 2, 4), offer("ap-guangzhou-3", "S3", 1, 2), offer("ap-guangzhou-3", "S5", 1, 2)])
    with pytest.raises(InstanceTypeUnavailable) as caught:
        types.instance_type("ap-guangzhou-3", "S1", 1, 2)
    assert str(caught.value).endswith("it sells (cpu/mem): 2/4. Nothing was bought")


def test_offers_of_another_family_do_not_shadow_the_family_s_own():
    types = catalog([offer("ap-guangzhou-3", "S3", 1, 2), offer("ap-guangzhou-3", "S1", 1, 2)])
    assert types.instance_type("ap-guangzhou-3", "S1", 1, 2) == "S1.SMALL2"


def test_sold_out_fails_as_sold_out():
    types = catalog([offer("ap-guangzhou-3", "S1", 1, 2, status="SOLD_OUT"), offer("ap-guangzhou-3", "S1", 2, 4)])
    with pytest.raises(InstanceTypeUnavailable) as caught:
        types.instance_type("ap-guangzhou-3", "S1", 1, 2)
    assert caught.value.sold_out is True
    assert str(caught.value) == "instance_type CVM.S1 with cpu 1 and mem 2 (S1.SMALL2) is sold out in zone ap-guangzhou-3; nothing was bought"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_of_two_matches_the_conventional_name_wins(order):
    items = [offer("ap-guangzhou-3", "S1", 2, 4, instance_type="S1.MEDIUM4NE"), offer("ap-guangzhou-3", "S1", 2, 4)]
    types = catalog([items[index] for index in order])
    assert types.instance_type("ap-guangzhou-3", "S1", 2, 4) == "S1.MEDIUM4"


def test_of_two_matches_the_conventional_one_decides_the_sold_out_state():
    types = catalog([offer("ap-guangzhou-3", "S1", 2, 4, instance_type="S1.MEDIUM4NE"), offer("ap-guangzhou-3", "S1", 2, 4, status="SOLD_OUT")])
    with pytest.raises(InstanceTypeUnavailable) as caught:
        types.instance_type("ap-guangzhou-3", "S1", 2, 4)
    assert caught.value.sold_out is True and "(S1.MEDIUM4)" in str(caught.value)


def test_of_two_unconventional_matches_the_first_listed_wins():
    # A family outside the convention's scope (5.3: GPU families break it).
    types = catalog([offer("ap-guangzhou-3", "GN7", 4, 8, instance_type="GN7.LARGE8"), offer("ap-guangzhou-3", "GN7", 4, 8, instance_type="GN7.LARGE8B")])
    assert types.instance_type("ap-guangzhou-3", "GN7", 4, 8) == "GN7.LARGE8"


def test_each_family_and_zone_is_asked_once():
    types = catalog(S1_GZ3)
    for cpu, memory in ((1, 2), (1, 1), (2, 4), (1, 2)):
        types.instance_type("ap-guangzhou-3", "S1", cpu, memory)
    with pytest.raises(InstanceTypeUnavailable):
        types.instance_type("ap-guangzhou-3", "S1", 8, 8)
    assert types.client.actions() == ["DescribeZoneInstanceConfigInfos"]
    types.offers("ap-guangzhou-4", "S1")
    types.offers("ap-guangzhou-3", "S2")
    types.offers("ap-guangzhou-4", "S1")
    assert [params["Filters"][0]["Values"] + params["Filters"][1]["Values"] for _action, params in types.client.calls] == [
        ["ap-guangzhou-3", "S1"],
        ["ap-guangzhou-4", "S1"],
        ["ap-guangzhou-3", "S2"],
    ]


def test_a_failing_catalog_answer_raises_and_is_asked_again():
    answers = [ApiError("DescribeZoneInstanceConfigInfos", "InternalError", "boom"), offers(*S1_GZ3)]
    types = Catalog(StubClient({"DescribeZoneInstanceConfigInfos": lambda params: answers.pop(0)}))
    with pytest.raises(ApiError):
        types.instance_type("ap-guangzhou-3", "S1", 1, 2)
    assert types.instance_type("ap-guangzhou-3", "S1", 1, 2) == "S1.SMALL2"


def test_an_empty_answer_is_nothing_sold():
    types = Catalog(StubClient({"DescribeZoneInstanceConfigInfos": {"InstanceTypeQuotaSet": None}}))
    with pytest.raises(InstanceTypeUnavailable, match="it sells \\(cpu/mem\\): nothing"):
        types.instance_type("ap-guangzhou-3", "S1", 1, 2)
