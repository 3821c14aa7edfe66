# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.2: option sets drawn across the whole documented space, valid and invalid (hypothesis).

The module's checks and the emulator's checks are two independent readings of the spec; this is where
they must agree:

* every invalid option set fails before any request is sent, with a message naming the option, no traceback;
* every valid one is accepted by the emulator too: the create succeeds with the instances asked for.

Valid sets are drawn from the spec's tables (families and their cpu/mem pairs, images and their types,
zones of gz, VPC subnets, password rules per OS) with every option of the module's DOCUMENTATION, under its
name or its alias. Invalid sets are valid sets with one or two mutations, each of which breaks one documented
rule (a required option missing, a wrong type, a value outside the choices, a range, a step, a length,
the password rules, the private IP rules, conflicting options, an unknown option, ...). Every mutation kind is
drawn at least once.

Two ansible-playbook runs side by side (playbooks/reliability/cases.yml, every other case each, against an emulator
each) loop over the cases with ignore_errors. Each case carries a unique marker in instance_name, so each emulator's
request log can be attributed: it must be exactly, in order, the requests of its valid cases and nothing else (see expected_requests: the look-up by name,
the price quote when max_hourly_price is set, the create by name, the listing of the created IDs, what completes
them, and the look-up by name that checks for a concurrent run).

Both APIs: the valid sets are drawn within what both APIs sell and accept (the emulator's stock table: no type sold
out in the zone; on API 3.0 also no I1/I2 in ap-guangzhou-6/-7, key IDs of the documented 8 characters, bandwidth
within 3.0's 100 Mbps, no name with the {R: pattern, which the module refuses there).

Hypothesis draws the cases in blocks, one block per example: QCLOUD_CVM_HYPOTHESIS_BLOCKS (default 5) blocks of
QCLOUD_CVM_HYPOTHESIS_VALID_PER_BLOCK (default 18) valid cases and one invalid case per mutation kind (21), so
90 valid and 105 invalid cases by default, from the seed QCLOUD_CVM_HYPOTHESIS_SEED (fixed by default, so a failure
is reproducible). That full matrix runs on the legacy API; API 3.0 gets QCLOUD_CVM_HYPOTHESIS_BLOCKS_V3 (default 1)
blocks of the same shape, every mutation kind included, to keep the suite's time in bounds. Since all cases are judged
by one playbook run, a failing case is reported as drawn (marker and options), not shrunk.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import string

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cvm_harness import APIS, FACES, run_ansible, start_emulator
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from reliability_support import Unsafe, no_traceback, playbook_command, record, write_unsafe_vars

# Hypothesis examples (blocks) and valid cases per block; each block also holds one invalid case per mutation kind.
BLOCKS = int(os.environ.get("QCLOUD_CVM_HYPOTHESIS_BLOCKS", "5"))
BLOCKS_OF = {"legacy": BLOCKS, "v3": int(os.environ.get("QCLOUD_CVM_HYPOTHESIS_BLOCKS_V3", "1"))}
VALID_PER_BLOCK = int(os.environ.get("QCLOUD_CVM_HYPOTHESIS_VALID_PER_BLOCK", "18"))
PLACEHOLDER = "hpXXXX-"
SEED = int(os.environ.get("QCLOUD_CVM_HYPOTHESIS_SEED", "20261126"))
# Playbook runs side by side (each against an emulator of its own), on the machine's two cores.
SHARDS = 2

# Spec 3.4 (the emulator's catalogue is the same table).
FAMILIES = {
    "CVM.S1": "1:1 1:2 1:4 2:2 2:4 2:8 2:12 4:4 4:8 4:16 8:8 8:16 8:20 8:32 12:16 12:24 12:48 16:16 16:32 16:48 16:64 24:48 32:64 48:96",
    "CVM.S2": "1:1 1:2 1:4 2:2 2:4 2:8 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:48 16:64 24:48 24:96 32:64 32:128 56:224",
    "CVM.M1": "1:8 2:16 4:32 8:64 12:96 16:128 24:192 32:256 48:368",
    "CVM.M2": "1:8 2:16 4:32 8:64 12:96 16:128 24:192 32:256 48:384 56:448",
    "CVM.I1": "2:4 2:8 2:16 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:64 24:48 24:96 32:64 32:128 48:192",
    "CVM.I2": "2:4 2:8 4:8 4:16 8:16 8:32 12:24 12:48 16:32 16:64 24:48 24:96 32:64 32:128 56:224",
    "CVM.C2": "4:8 4:16 4:32 8:16 8:32 16:32 16:60 16:64 32:64 32:96",
}
PAIRS = {family: [tuple(int(n) for n in pair.split(":")) for pair in text.split()] for family, text in FAMILIES.items()}
# What the emulator does not sell (tests/emulator/README.md, "Availability"): (family, cpu, mem, zone) sold out on both
# faces, and the families API 3.0 does not offer at all in a zone.
SOLD_OUT = {("CVM.S2", 1, 1, 100006), ("CVM.M1", 1, 8, 100007)}
NOT_OFFERED_V3 = {("CVM.I1", 100006), ("CVM.I1", 100007), ("CVM.I2", 100006), ("CVM.I2", 100007)}
# API 3.0's bandwidth maximum (100 Mbps billed by traffic, 200 by the hour; the lower one for both).
V3_MAX_BANDWIDTH = 100
LINUX_IMAGES = [
    ("img-3wnd9xpl", 2),
    ("img-31tjrtph", 2),
    ("img-lkxqa4kj", 2),
    ("img-bsd11x64", 2),
    ("img-priv0001", 1),
    ("img-mkt00001", 3),
    ("img-shr00001", 4),
]
WINDOWS_IMAGES = [("img-win2016d", 2)]
ZONES = [100001, 100002, 100003, 100004, 100006, 100007]
VPC_SUBNETS = [("vpc-gzdemo01", "subnet-gz3web01", 100003), ("vpc-gzdemo01", "subnet-gz4web01", 100004), ("vpc-gzdemo01", "subnet-gz1web01", 100001)]
# Fixed private IPs are only drawn in this subnet, which no other case uses, so they never collide with an automatic one.
FIXED_IP_VPC = ("vpc-gzdemo02", "subnet-gz3db001", 100003)
FIXED_IP_NETWORK = ipaddress.IPv4Network("192.168.10.0/24")
LINUX_SPECIALS = "()`~!@#$%^&*-+=|{}[]:;',.?/"
WINDOWS_SPECIALS = LINUX_SPECIALS.replace("|", "")
ALIASES = {
    "zone_id": "zoneId",
    "image_id": "imageId",
    "image_type": "imageType",
    "instance_type": "instanceType",
    "storage_type": "storageType",
    "storage_size": "storageSize",
    "root_size": "rootSize",
    "bandwidth_type": "bandwidthType",
    "wan_ip": "wanIp",
    "vpc_id": "vpcId",
    "subnet_id": "subnetId",
    "is_vpc_gateway": "isVpcGateway",
    "private_ip_addresses": "privateIpAddresses",
    "key_id": "keyId",
    "need_security_agent": "needSecurityAgent",
    "need_monitor_agent": "needMonitorAgent",
    "project_id": "projectId",
    "instance_name": "instanceName",
    "goods_num": "goodsNum",
    "client_token": "clientToken",
}
INT_OPTIONS = [
    "zone_id",
    "cpu",
    "mem",
    "image_type",
    "storage_type",
    "storage_size",
    "root_size",
    "bandwidth",
    "project_id",
    "goods_num",
    "wait_timeout",
    "retries",
]
BOOL_OPTIONS = ["wan_ip", "is_vpc_gateway", "need_security_agent", "need_monitor_agent", "wait", "validate_certs"]
FLOAT_OPTIONS = ["max_hourly_price", "timeout"]
CHOICES = {
    "state": ["present", "absent"],
    "image_type": [1, 2, 3, 4],
    "instance_type": sorted(FAMILIES),
    "storage_type": [1, 2, 3],
    "bandwidth_type": ["PayByHour", "PayByTraffic"],
}
# Characters of names after the marker: anything printable but '-', so that no name holds another case's marker.
NAME_CHARACTERS = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"), exclude_characters="-")
MARKER = re.compile(r"hp\d{4}-")


def optional(strategy):
    """Either the option is left out (None) or drawn."""
    return st.one_of(st.none(), strategy)


def password_with(alphabet, classes, low, high, need):
    def enough(text):
        return sum(1 for chars in classes if any(c in chars for c in text)) >= need

    return st.text(alphabet=alphabet, min_size=low, max_size=high).filter(enough)


LINUX_PASSWORD = password_with(string.ascii_letters + string.digits + LINUX_SPECIALS, (string.ascii_letters, string.digits, LINUX_SPECIALS), 8, 16, 2)
WINDOWS_PASSWORD = password_with(
    string.ascii_letters + string.digits + WINDOWS_SPECIALS, (string.ascii_lowercase, string.ascii_uppercase, string.digits, WINDOWS_SPECIALS), 12, 16, 3
)


def put(options, name, value):
    if value is not None:
        options[name] = value


def sells(api, family, cpu, mem, zone_id):
    """Whether the emulator sells the type in the zone, through the API's face."""
    if (family, cpu, mem, zone_id) in SOLD_OUT:
        return False
    return api != "v3" or (family, zone_id) not in NOT_OFFERED_V3


def draw_valid(draw, marker, api="legacy"):
    """A valid option set: every documented option, each left out or drawn within its rules and the emulator's catalogue."""
    options = {}
    windows = draw(st.integers(0, 5)) == 0
    image_id, image_type = draw(st.sampled_from(WINDOWS_IMAGES if windows else LINUX_IMAGES))
    network = draw(st.sampled_from(["basic", "basic", "vpc", "fixed_ip"]))
    if network == "basic":
        zone_id = draw(st.sampled_from(ZONES))
    else:
        vpc_id, subnet_id, zone_id = FIXED_IP_VPC if network == "fixed_ip" else draw(st.sampled_from(VPC_SUBNETS))
    family = draw(st.sampled_from([f for f in sorted(FAMILIES) if any(sells(api, f, c, m, zone_id) for c, m in PAIRS[f])]))
    cpu, mem = draw(st.sampled_from([(c, m) for c, m in PAIRS[family] if sells(api, family, c, m, zone_id)]))
    options.update(cpu=cpu, mem=mem, image_id=image_id)
    put(options, "image_type", image_type if image_type != 2 else draw(optional(st.just(2))))
    put(options, "instance_type", family if family != "CVM.S1" else draw(optional(st.just(family))))
    if network == "basic":
        options["zone_id"] = zone_id
        put(options, "goods_num", draw(optional(st.one_of(st.integers(1, 3), st.just(100), st.integers(1, 100)))))
    else:
        options.update(zone_id=zone_id, vpc_id=vpc_id, subnet_id=subnet_id)
        if network == "fixed_ip":
            options["private_ip_addresses"] = ["(assigned)"]
            put(options, "goods_num", draw(optional(st.just(1))))
        else:
            put(options, "goods_num", draw(optional(st.integers(1, 3))))
    put(options, "storage_type", draw(optional(st.integers(1, 3))))
    put(options, "storage_size", draw(optional(st.integers(0, 1600).map(lambda n: n * 10))))
    put(options, "root_size", draw(optional(st.just(50) if windows else st.sampled_from([20, 30, 40, 50]))))
    put(options, "bandwidth_type", draw(optional(st.sampled_from(CHOICES["bandwidth_type"]))))
    bandwidth = draw(optional(st.one_of(st.just(0), st.integers(1, 10), st.integers(0, V3_MAX_BANDWIDTH if api == "v3" else 1000))))
    put(options, "bandwidth", bandwidth)
    put(options, "wan_ip", draw(optional(st.booleans() if bandwidth else st.just(False))))
    public_ip = bool(bandwidth) and options.get("wan_ip") is not False
    put(options, "is_vpc_gateway", draw(optional(st.booleans() if network != "basic" and public_ip else st.just(False))))
    login = draw(st.sampled_from(["none", "password", "key"] if not windows else ["none", "password"]))
    if login == "password":
        options["password"] = draw(WINDOWS_PASSWORD if windows else LINUX_PASSWORD)
    elif login == "key":
        # API 3.0 takes the documented key IDs only (skey- and 8 characters); the legacy API any text.
        key_size = {"min_size": 8} if api == "v3" else {"min_size": 1}
        options["key_id"] = "skey-" + draw(st.text(alphabet=string.ascii_lowercase + string.digits, max_size=8, **key_size))
    put(options, "need_security_agent", draw(optional(st.booleans())))
    put(options, "need_monitor_agent", draw(optional(st.booleans())))
    put(options, "project_id", draw(optional(st.integers(0, 2**31 - 1))))
    # API 3.0 would expand {R:...} in a name, so the module refuses it there.
    name_tail = st.text(alphabet=NAME_CHARACTERS, max_size=60 - len(marker))
    options["instance_name"] = marker + draw(name_tail.filter(lambda tail: "{R:" not in tail) if api == "v3" else name_tail)
    token_tail = st.text(alphabet=string.ascii_letters + string.digits + "-_.:", max_size=64 - len(marker) - 4)
    put(options, "client_token", draw(optional(token_tail.map(lambda tail: "tok-" + marker + tail))))
    put(options, "max_hourly_price", draw(optional(st.floats(100000, 1e9))))
    options["wait"] = False
    put(options, "wait_timeout", draw(optional(st.integers(1, 10**6))))
    put(options, "timeout", draw(optional(st.floats(5, 300))))
    put(options, "retries", draw(optional(st.integers(0, 10))))
    put(options, "validate_certs", draw(optional(st.booleans())))
    put(options, "region", draw(optional(st.sampled_from(["gz", "ap-guangzhou"]))))
    put(options, "state", draw(optional(st.just("present"))))
    # Ansible converts "2" to 2 and "yes" to true: the spec's types, as a playbook may write them.
    if draw(st.integers(0, 4)) == 0:
        for name in [n for n in ("cpu", "mem", "zone_id", "goods_num") if n in options]:
            options[name] = str(options[name])
        if "need_monitor_agent" in options:
            options["need_monitor_agent"] = "yes" if options["need_monitor_agent"] else "no"
    return options


# Mutations: each breaks one documented rule whatever the valid set it is applied to, and returns the option
# names of which the failure message must name one.


def missing_required(draw, options):
    name = draw(st.sampled_from(["zone_id", "cpu", "mem", "image_id"]))
    options.pop(name, None)
    return [name]


def wrong_int(draw, options):
    name = draw(st.sampled_from(INT_OPTIONS))
    options[name] = draw(st.one_of(st.sampled_from(["two", "1O", "ten", "0x1g", "[]"]), st.floats(0.1, 0.9).map(lambda f: f + 1)))
    return [name]


def wrong_bool(draw, options):
    name = draw(st.sampled_from(BOOL_OPTIONS))
    options[name] = draw(st.sampled_from(["maybe", "sometimes", "2", "tru"]))
    return [name]


def wrong_float(draw, options):
    name = draw(st.sampled_from(FLOAT_OPTIONS))
    options[name] = draw(st.sampled_from(["cheap", "1,5", "one"]))
    return [name]


def not_a_choice(draw, options):
    name = draw(st.sampled_from(sorted(CHOICES)))
    wrong = {
        "state": ["gone", "started", "Present"],
        "image_type": [0, 5, 9],
        "instance_type": ["CVM.C1", "CVM.S3", "cvm.s1"],
        "storage_type": [0, 4, 5],
        "bandwidth_type": ["PayByMonth", "paybyhour"],
    }[name]
    options[name] = draw(st.sampled_from(wrong))
    return [name]


def password_and_key(draw, options):
    options["password"] = "Ab12#xyz"
    options["key_id"] = "skey-12345678"
    return ["password", "key_id"]


def vpc_without_subnet(draw, options):
    options.pop("private_ip_addresses", None)
    options.pop("is_vpc_gateway", None)
    if draw(st.booleans()):
        options["vpc_id"] = "vpc-gzdemo01"
        options.pop("subnet_id", None)
    else:
        options["subnet_id"] = "subnet-gz3web01"
        options.pop("vpc_id", None)
    return ["vpc_id", "subnet_id"]


def gateway_without_vpc(draw, options):
    for name in ("vpc_id", "subnet_id", "private_ip_addresses"):
        options.pop(name, None)
    options["is_vpc_gateway"] = True
    return ["is_vpc_gateway", "vpc_id"]


def below_minimum(draw, options):
    name, low = draw(st.sampled_from([("zone_id", 1), ("cpu", 1), ("mem", 1), ("bandwidth", 0), ("project_id", 0), ("wait_timeout", 1)]))
    options[name] = draw(st.integers(-(10**6), low - 1))
    return [name]


def negative_price(draw, options):
    options["max_hourly_price"] = draw(st.floats(-1e6, -0.001))
    return ["max_hourly_price"]


def goods_num_out_of_range(draw, options):
    options["goods_num"] = draw(st.one_of(st.integers(-100, 0), st.integers(101, 10**6)))
    return ["goods_num"]


def storage_size_off(draw, options):
    options["storage_size"] = draw(
        st.one_of(st.integers(-(10**4), -1), st.integers(1601, 10**4).map(lambda n: n * 10), st.integers(0, 16000).filter(lambda n: n % 10))
    )
    return ["storage_size"]


def root_size_off(draw, options):
    options["root_size"] = draw(st.one_of(st.integers(-100, 19), st.integers(51, 10**4), st.integers(20, 50).filter(lambda n: n % 10)))
    return ["root_size"]


def empty_text(draw, options):
    name = draw(st.sampled_from(["image_id", "vpc_id", "subnet_id", "key_id", "instance_name", "client_token"]))
    if name == "key_id":
        options.pop("password", None)
    if name in ("vpc_id", "subnet_id"):
        options.setdefault("vpc_id", "vpc-gzdemo01")
        options.setdefault("subnet_id", "subnet-gz3web01")
    options[name] = ""
    return [name]


def too_long(draw, options):
    if draw(st.booleans()):
        options["instance_name"] = options.get("instance_name", "") + "n" * draw(st.integers(61, 100))
        return ["instance_name"]
    options["client_token"] = "t" * draw(st.integers(65, 200))
    return ["client_token"]


def bad_password(draw, options):
    options.pop("key_id", None)
    options["password"] = draw(
        st.one_of(
            st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=7).map(lambda t: t + "#").filter(lambda t: len(t) < 8),
            st.tuples(LINUX_PASSWORD, st.integers(17, 40)).map(lambda p: (p[0] * 3)[: p[1]]).filter(lambda t: len(t) > 16),
            st.tuples(LINUX_PASSWORD, st.sampled_from(list(' _"<>\\\u00e9\u4e2d\t'))).map(lambda p: p[0][:15] + p[1]),
            st.text(alphabet=string.ascii_letters, min_size=8, max_size=16),
            st.text(alphabet=string.digits, min_size=8, max_size=16),
            st.text(alphabet=LINUX_SPECIALS, min_size=8, max_size=16),
        )
    )
    return ["password"]


def private_ip_rules(draw, options):
    rule = draw(st.sampled_from(["two", "not_ipv4", "no_vpc", "many_goods"]))
    if rule == "no_vpc":
        for name in ("vpc_id", "subnet_id", "is_vpc_gateway"):
            options.pop(name, None)
        options["private_ip_addresses"] = ["192.168.10.9"]
        options["goods_num"] = 1
        return ["private_ip_addresses"]
    options.update(vpc_id=FIXED_IP_VPC[0], subnet_id=FIXED_IP_VPC[1], zone_id=FIXED_IP_VPC[2], goods_num=1)
    if rule == "two":
        options["private_ip_addresses"] = ["192.168.10.9", "192.168.10.10"]
    elif rule == "not_ipv4":
        options["private_ip_addresses"] = [draw(st.sampled_from(["300.1.1.1", "192.168.10", "abc", "", "::1", "192.168.10.9/32"]))]
    else:
        options["private_ip_addresses"] = ["192.168.10.9"]
        options["goods_num"] = draw(st.integers(2, 100))
        return ["private_ip_addresses", "goods_num"]
    return ["private_ip_addresses"]


def public_ip_without_bandwidth(draw, options):
    options["wan_ip"] = True
    options["bandwidth"] = 0
    return ["wan_ip"]


def gateway_without_public_ip(draw, options):
    options.pop("private_ip_addresses", None)
    options.update(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", zone_id=100003, is_vpc_gateway=True)
    if draw(st.booleans()):
        options["bandwidth"] = 0
        options.pop("wan_ip", None)
    else:
        options["bandwidth"] = 5
        options["wan_ip"] = False
    return ["is_vpc_gateway"]


def shared_option_off(draw, options):
    name = draw(st.sampled_from(["timeout", "retries", "region"]))
    options[name] = {
        "timeout": draw(st.floats(-100, 0)),
        "retries": draw(st.integers(-100, -1)),
        "region": draw(st.sampled_from(["", "xx", "ap-nowhere", "guangzhou"])),
    }[name]
    return [name]


def unknown_option(draw, options):
    # (tags and security_group_ids were unknown once; they are options now.)
    name = draw(st.sampled_from(["instance_count", "zone", "image", "cpus", "memory", "tag", "security_groups", "name"]))
    options[name] = draw(st.sampled_from([1, "x", True]))
    return [name]


MUTATIONS = [
    missing_required,
    wrong_int,
    wrong_bool,
    wrong_float,
    not_a_choice,
    password_and_key,
    vpc_without_subnet,
    gateway_without_vpc,
    below_minimum,
    negative_price,
    goods_num_out_of_range,
    storage_size_off,
    root_size_off,
    empty_text,
    too_long,
    bad_password,
    private_ip_rules,
    public_ip_without_bandwidth,
    gateway_without_public_ip,
    shared_option_off,
    unknown_option,
]


def draw_invalid(draw, marker, mutation, api="legacy"):
    options = draw_valid(draw, marker, api)
    if options.get("private_ip_addresses") == ["(assigned)"]:
        # Never sent (the case is refused first), so any address of the subnet does.
        options["private_ip_addresses"] = ["192.168.10.200"]
    # A second mutation now and then.
    mutations = [mutation]
    if draw(st.integers(0, 3)) == 0:
        mutations.append(draw(st.sampled_from(MUTATIONS)))
    names = []
    for each in mutations:
        names += each(draw, options)
    if draw(st.integers(0, 3)) == 0 and "state" not in names:
        options["state"] = "absent"
    return options, names, [m.__name__ for m in mutations]


def with_aliases(draw, options):
    """Some options under the API's name (the documented alias) instead of the snake_case one."""
    renamed = {}
    for name, value in options.items():
        alias = ALIASES.get(name)
        renamed[alias if alias and draw(st.integers(0, 3)) == 0 else name] = value
    return renamed


def generate_cases(api="legacy"):
    """Draw the cases with hypothesis, block by block; a block holds valid cases and one invalid case per mutation kind.

    A block is one hypothesis example and draws from nothing but hypothesis' data, so the cases are reproducible
    from the seed. Markers (hp0000-, hp0001-, ...) are numbered after the draw.
    """
    blocks = []
    count = BLOCKS_OF[api]

    @seed(SEED)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def draw_block(data):
        draw = data.draw
        valid = [
            {"valid": True, "names": [], "mutations": [], "options": with_aliases(draw, draw_valid(draw, PLACEHOLDER, api))} for dummy in range(VALID_PER_BLOCK)
        ]
        invalid = []
        for mutation in MUTATIONS:
            options, names, mutations = draw_invalid(draw, PLACEHOLDER, mutation, api)
            invalid.append({"valid": False, "names": names, "mutations": mutations, "options": with_aliases(draw, options)})
        blocks.append(interleave(valid, invalid))

    while len(blocks) < count:
        draw_block()  # pylint: disable=no-value-for-parameter
    cases = []
    for case in [case for block in blocks[:count] for case in block]:
        marker = "hp{0:04d}-".format(len(cases))
        options = {name: value.replace(PLACEHOLDER, marker) if isinstance(value, str) else value for name, value in case["options"].items()}
        cases.append(dict(case, marker=marker, options=options))
    assign_fixed_ips(cases)
    return cases


def interleave(first, second):
    """Both lists merged in proportion, so that invalid cases sit between valid ones."""
    count, total = len(first), len(first) + len(second)
    merged, first, second = [], list(first), list(second)
    for index in range(total):
        take_first = index * count // total != (index + 1) * count // total
        merged.append(first.pop(0) if take_first else second.pop(0))
    return merged


def assign_fixed_ips(cases):
    """One distinct free address of the fixed-IP subnet per valid case that asks for one (.4 to .254 are not reserved)."""
    free = iter(str(host) for host in list(FIXED_IP_NETWORK.hosts())[3:-1])
    for case in cases:
        for key in ("private_ip_addresses", "privateIpAddresses"):
            if case["options"].get(key) == ["(assigned)"]:
                case["options"][key] = [next(free)]


def option(options, name, default=None):
    """An option's value under its name or its alias."""
    return options.get(name, options.get(ALIASES.get(name, name), default))


def unsafe(value):
    if isinstance(value, str):
        return Unsafe(value)
    if isinstance(value, list):
        return [unsafe(v) for v in value]
    if isinstance(value, dict):
        return {k: unsafe(v) for k, v in value.items()}
    return value


def expected_requests(face, case, created_ids, group_count):
    """The requests a valid case sends (without waiting), in order: (action, what identifies it, its value).

    Legacy: the look-up by name, the quote (max_hourly_price), the create by name, the listing of the created IDs,
    their security groups (the legacy listing has none: the region's groups, then each group's members), and the
    look-up by name that checks for a concurrent run. API 3.0: the zones, the look-up, the instance type (and the
    image's platform, for the default system disk size), the quote, the create, the listing of the created IDs, the
    rename of a create of several (3.0 numbers their names), their expiry timers, and the look-up again.
    """
    options = case["options"]
    name = option(options, "instance_name")
    ids = ("instanceIds", sorted(created_ids))
    priced = option(options, "max_hourly_price") is not None
    if face.api == "legacy":
        expected = [("DescribeInstances", "name", name)]
        expected += [(face.price, None, None)] if priced else []
        expected += [(face.create, "name", name), ("DescribeInstances",) + ids]
        expected += [("DescribeSecurityGroupEx", None, None)] + [("DescribeInstancesOfSecurityGroup", None, None)] * group_count
        return expected + [("DescribeInstances", "name", name)]
    expected = [("DescribeZones", None, None), ("DescribeInstances", "name", name), ("DescribeZoneInstanceConfigInfos", None, None)]
    expected += [("DescribeImages", None, None)] if option(options, "root_size") is None else []
    expected += [(face.price, None, None)] if priced else []
    expected += [(face.create, "name", name), ("DescribeInstances",) + ids]
    expected += [("ModifyInstancesAttribute",) + ids] if len(created_ids) > 1 else []
    return expected + [("DescribeInstancesActionTimer",) + ids, ("DescribeInstances", "name", name)]


def describe(face, entry):
    """(action, "name", the name a look-up or a create is for) / (action, "instanceIds", the IDs it names) / (action, None, None)."""
    name = face.name_of(entry)
    if name is not None:
        return (entry["action"], "name", name)
    ids = sorted(face.listed_ids(entry) if entry["action"] == "DescribeInstances" else face.target_ids(entry))
    if ids:
        return (entry["action"], "instanceIds", ids)
    return (entry["action"], None, None)


def play_shard(api, cases, directory):
    """Run ``cases`` through cases.yml against an emulator of their own; (results, instances, request log, groups in gz)."""
    emulator = start_emulator(workdir=directory, api=api)
    try:
        cases_file = write_unsafe_vars(Path(directory) / "cases.yml", {"cases": [dict(c, options=unsafe(c["options"])) for c in cases]})
        run = run_ansible("ansible-playbook", emulator, playbook_command("cases.yml", extra_vars={"cases_file": str(cases_file)}))
        assert run.rc == 0, run
        # The registered results (the callback's copy of a loop item has no 'failed' key on ansible-core 2.21).
        results = run.task("Report")["result"]["outcome"]["results"]
        assert [r["item"]["marker"] for r in results] == [c["marker"] for c in cases]
        groups = len([g for g in emulator.control("GET", "security_groups")["security_groups"] if g["region"] == "gz"])
        return results, emulator.instances(), emulator.requests(), groups
    finally:
        emulator.stop()


def judge(face, cases, results, instances, log, group_count):
    """The problems of one shard: its cases against what the module answered and what its emulator saw."""
    problems = []
    expected_log = []
    for case, result in zip(cases, results):
        options = case["options"]
        if case["valid"]:
            name = option(options, "instance_name")
            goods_num = int(option(options, "goods_num", 1))
            mine = [i for i in instances if i["instanceName"] == name]
            if result.get("failed") or len(result.get("created_instance_ids", [])) != goods_num or len(mine) != goods_num:
                problems.append(("valid case refused or miscounted", case, result.get("msg"), len(mine)))
                continue
            problems += check_instances(case, mine)
            expected_log += expected_requests(face, case, result["created_instance_ids"], group_count)
        else:
            message = str(result.get("msg", ""))
            named = [n for n in case["names"] if n in message or ALIASES.get(n, n) in message]
            if not result.get("failed") or not named or not no_traceback(result):
                problems.append(("invalid case not refused clearly", case, message))
            password = option(options, "password")
            if isinstance(password, str) and len(password) >= 4 and password in message and password not in LINUX_SPECIALS:
                problems.append(("password shown", case, message))
    # The request log is exactly the valid cases' requests, in order: no invalid case sent anything.
    actual_log = [describe(face, entry) for entry in log]
    if actual_log != expected_log:
        first = next((i for i, (a, b) in enumerate(zip(actual_log, expected_log)) if a != b), min(len(actual_log), len(expected_log)))
        problems.append(("request log differs at entry {0}".format(first), actual_log[first : first + 3], expected_log[first : first + 3]))
    if any(entry["code"] != 0 for entry in log):
        problems.append(("a request was refused", [e for e in log if e["code"] != 0][:3]))
    return problems


@pytest.mark.parametrize("api", APIS)
def test_generated_option_sets(tmp_path, api):
    """The cases run in SHARDS playbook runs side by side, each against an emulator of its own (so that each request log
    is still exactly its cases' requests, in order)."""
    face = FACES[api]
    cases = generate_cases(api)
    valid = [c for c in cases if c["valid"]]
    invalid = [c for c in cases if not c["valid"]]
    assert {m for c in invalid for m in c["mutations"]} == {m.__name__ for m in MUTATIONS}
    shards = [cases[index::SHARDS] for index in range(SHARDS)]
    directories = [tmp_path / "shard{0}".format(index) for index in range(SHARDS)]
    for directory in directories:
        directory.mkdir()
    with ThreadPoolExecutor(max_workers=SHARDS) as pool:
        played = list(pool.map(lambda pair: play_shard(api, *pair), zip(shards, directories)))
    record("properties", cases=len(cases), valid=len(valid), invalid=len(invalid), seed=SEED, mutation_kinds=len(MUTATIONS))
    problems = []
    for shard, (results, instances, log, group_count) in zip(shards, played):
        problems += judge(face, shard, results, instances, log, group_count)
    record("properties", disagreements=len(problems))
    assert not problems, "\n".join(explain(problem) for problem in problems)


def explain(problem):
    """One line per problem: what, which case (marker, mutations, options), and what came back."""
    parts = []
    for part in problem:
        if isinstance(part, dict) and "marker" in part:
            parts.append("{0} {1} {2}".format(part["marker"], part["mutations"] or "valid", json.dumps(part["options"], ensure_ascii=False, default=str)))
        else:
            parts.append(str(part)[:400])
    return " | ".join(parts)


def check_instances(case, instances):
    """The created instances have the configuration the options asked for."""
    options = case["options"]
    wanted = {
        "zoneId": int(option(options, "zone_id")),
        "cpu": int(option(options, "cpu")),
        "mem": int(option(options, "mem")),
        "unImgId": option(options, "image_id"),
        "instanceType": option(options, "instance_type", "CVM.S1"),
        "projectId": option(options, "project_id", 0),
        "bandwidth": option(options, "bandwidth", 0),
        "unVpcId": option(options, "vpc_id", ""),
        "unSubnetId": option(options, "subnet_id", ""),
    }
    problems = []
    for instance in instances:
        actual = {key: instance.get(key) for key in wanted}
        disk = instance.get("diskInfo") or {}
        if actual != wanted or (disk.get("storageSize") or 0) != option(options, "storage_size", 0):
            problems.append(("instance differs from the options", case, actual, disk))
        ips = option(options, "private_ip_addresses")
        if ips and instance["lanIp"] != ips[0]:
            problems.append(("private IP not used", case, instance["lanIp"]))
    return problems
