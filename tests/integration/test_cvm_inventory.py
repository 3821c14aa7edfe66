# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin qcloud.cvm.cvm through real ansible-inventory and ansible-playbook runs against the emulator, on both APIs.

Configuration files live in playbooks/cvm_inventory/ (or, when a test needs a path of its own such as a
cache directory, are written to a temporary directory). Tests read the JSON of ``--list``, the text of
``--graph``, the emulator's state and its request log.
"""

from __future__ import annotations

import json
import subprocess

from collections import Counter

import pytest
import yaml

from cvm_harness import (
    BIN_DIR,
    HOSTVAR_KEYS,
    INSTANCE_KEYS,
    PLAYBOOKS_DIR,
    REGION_NAMES,
    SECRET_ID,
    SECRET_KEY,
    assert_instance_matches,
    cached_entries,
    group_name,
    plain,
    zone_name,
)

TARGET = PLAYBOOKS_DIR / "cvm_inventory"
pytestmark = pytest.mark.usefixtures("api")
# Only this plugin parses the sources, and a source that fails fails the command.
STRICT = {"ANSIBLE_INVENTORY_ENABLED": "qcloud.cvm.cvm", "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"}


def listed(run):
    assert run.rc == 0, run
    return plain(json.loads(run.stdout))


def hosts_of(data, group):
    """Every host of ``group``, through its children too."""
    entry = data.get(group, {})
    hosts = list(entry.get("hosts", []))
    for child in entry.get("children", []):
        hosts += hosts_of(data, child)
    return hosts


def write_config(tmp_path, name, **options):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict({"plugin": "qcloud.cvm.cvm"}, **options)))
    return path


def unprefixed(hostvars):
    """A host's cvm_* variables as the instance they came from (the keys without their prefix)."""
    return {key[len("cvm_") :]: value for key, value in hostvars.items() if key.startswith("cvm_")}


def live_ids(emulator, regions=None):
    return sorted(i["unInstanceId"] for i in emulator.live_instances() if regions is None or i["Region"] in regions)


def describe_requests(emulator):
    return emulator.requests("DescribeInstances")


def test_list_several_regions_pages_beyond_100(emulator, inventory, api):
    emulator.seed(250, ["gz", "sh", "bj"], name_prefix="many")
    emulator.seed(120, ["gz"], name_prefix="more")
    emulator.seed(5, ["hk"], name_prefix="elsewhere")
    data = listed(inventory("-i", TARGET / "regions.cvm.yml", "--list", env_extra=STRICT))
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == live_ids(emulator, ("gz", "sh", "bj"))
    assert len(hostvars) == 370
    all_hosts = hosts_of(data, "cvm")
    assert len(all_hosts) == 370 * 2  # once by zone, once by status
    assert sorted(hosts_of(data, "cvm_status_running")) == sorted(hostvars)
    assert sorted(data["cvm"]["children"]) == sorted(["cvm_region_ap_guangzhou", "cvm_region_ap_shanghai", "cvm_region_ap_beijing", "cvm_status_running"])
    for region in ("gz", "sh", "bj"):
        group = "cvm_region_" + group_name(REGION_NAMES[region])
        in_region = sorted(hosts_of(data, group))
        assert in_region == live_ids(emulator, (region,))
        assert data[group].get("hosts", []) == []
        assert all(child.startswith("cvm_zone_" + group_name(REGION_NAMES[region]) + "_") for child in data[group]["children"])
    assert "cvm_region_ap_hongkong" not in data
    # A zone group holds exactly the hosts of its zone.
    records = {i["unInstanceId"]: i for i in emulator.live_instances()}
    for instance_id, record in records.items():
        if record["Region"] in ("gz", "sh", "bj"):
            assert instance_id in data["cvm_zone_" + group_name(zone_name(record))]["hosts"]

    face = emulator.face
    requests = describe_requests(emulator)
    assert all(face.page(entry)[1] == 100 for entry in requests)
    pages = Counter((entry["region"], face.page(entry)[0]) for entry in requests)
    assert max(pages.values()) == 1
    gz_total = len(live_ids(emulator, ("gz",)))
    assert gz_total > 200
    assert sorted(offset for region, offset in pages if region == face.region_of("gz")) == [0, 100, 200]
    assert {region for region, _offset in pages} == {face.region_of(region) for region in ("gz", "sh", "bj")}

    # Every host carries exactly the instance's keys with the cvm_ prefix (and ansible_host), with the emulator's values.
    for hostname, variables in hostvars.items():
        assert set(variables) == HOSTVAR_KEYS | {"ansible_host"}, sorted(set(variables) ^ (HOSTVAR_KEYS | {"ansible_host"}))
        assert_instance_matches(unprefixed(variables), records[hostname], api)
        assert variables["ansible_host"] == records[hostname]["wanIpSet"][0]
    one = hostvars[all_hosts[0]]
    record = records[all_hosts[0]]
    assert one["cvm_instance_id"] == record["unInstanceId"]
    assert one["cvm_region"] == REGION_NAMES[record["Region"]]
    assert one["cvm_zone"] == zone_name(record) and one["cvm_zone_id"] == record["zoneId"]
    assert one["cvm_status"] == "running"
    assert one["cvm_private_ip"] == record["lanIp"]
    assert one["cvm_public_ips"] == record["wanIpSet"]
    assert one["cvm_system_disk"]["disk_size"] == record["diskInfo"]["rootSize"]


def test_graph_several_regions(emulator, inventory):
    emulator.seed(150, ["gz", "sh", "bj"], name_prefix="graph")
    run = inventory("-i", TARGET / "regions.cvm.yml", "--graph", env_extra=STRICT)
    assert run.rc == 0, run
    for group in (
        "@cvm:",
        "@cvm_region_ap_guangzhou:",
        "@cvm_region_ap_shanghai:",
        "@cvm_region_ap_beijing:",
        "@cvm_zone_ap_guangzhou_1:",
        "@cvm_zone_ap_shanghai_1:",
        "@cvm_status_running:",
    ):
        assert group in run.stdout
    for instance_id in live_ids(emulator):
        assert instance_id in run.stdout
    # The zone group sits in its region's group, and holds the hosts of the zone.
    graph_region = run.stdout.split("@cvm_region_ap_shanghai:")[1].split("@cvm_region_")[0].split("@cvm_status_")[0]
    assert "@cvm_zone_ap_shanghai_1:" in graph_region and "@cvm_zone_ap_guangzhou_" not in graph_region
    graph_zone = run.stdout.split("@cvm_zone_ap_shanghai_1:")[1].split("@")[0]
    assert sorted(line.strip(" |-") for line in graph_zone.splitlines() if line.strip(" |-")) == sorted(
        i["unInstanceId"] for i in emulator.live_instances() if i["zoneId"] == 200001
    )


def test_keyed_groups_groups_compose_and_hostnames(emulator, inventory):
    emulator.seed(40, ["gz", "sh"], name_prefix="kg")
    data = listed(inventory("-i", TARGET / "constructed.cvm.yml", "--list", env_extra=STRICT))
    hostvars = data["_meta"]["hostvars"]
    instances = {"{0}.{1}".format(i["instanceName"], REGION_NAMES[i["Region"]]): i for i in emulator.live_instances()}
    assert sorted(hostvars) == sorted(instances)
    for name, instance in instances.items():
        assert name in data["zone_{0}".format(instance["zoneId"])]["hosts"]
        assert name in data["where_{0}".format(group_name(REGION_NAMES[instance["Region"]]))]["hosts"]
        assert name in data["family_S1"]["hosts"]
        assert hostvars[name]["ansible_host"] == instance["lanIp"]
        assert hostvars[name]["ansible_user"] == "admin"
        assert hostvars[name]["cvm_label"] == "{0}@{1}".format(instance["unInstanceId"], instance["zoneId"])
        assert hostvars[name]["disk_gb"] == instance["diskInfo"]["rootSize"]
    assert sorted(data["shanghai"]["hosts"]) == sorted(name for name, i in instances.items() if i["Region"] == "sh")
    assert sorted(data["zone_three"]["hosts"]) == sorted(name for name, i in instances.items() if i["zoneId"] % 1000 == 3)
    assert len(data["first_ten"]["hosts"]) == 10


def test_hostnames_preferences_name_instance_keys(emulator, inventory, tmp_path):
    emulator.seed(6, ["gz", "sh"], name_prefix="hn")
    records = {i["unInstanceId"]: i for i in emulator.live_instances()}
    # Instance keys, with or without the cvm_ prefix.
    by_key = {"instance_name": "instanceName", "cvm_private_ip": "lanIp", "uuid": "uuid", "cvm_instance_id": "unInstanceId"}
    for preference, field in by_key.items():
        config = write_config(tmp_path, "hn-{0}.cvm.yml".format(preference), regions=["gz", "sh"], hostnames=[preference])
        hostvars = listed(inventory("-i", config, "--list", env_extra=STRICT))["_meta"]["hostvars"]
        assert sorted(hostvars) == sorted(str(i[field]) for i in records.values()), preference
    # public_ip: the first public IP (every seeded instance has one).
    config = write_config(tmp_path, "hn-public.cvm.yml", regions=["gz", "sh"], hostnames=["public_ip", "instance_id"])
    hostvars = listed(inventory("-i", config, "--list", env_extra=STRICT))["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(i["wanIpSet"][0] for i in records.values())
    for name, variables in hostvars.items():
        assert name == variables["cvm_public_ips"][0]
    # A name that is not an instance key (old ones among them) is refused, naming the option and the name.
    sources = []
    for old in ("lan_ip", "cvm_wan_ips", "mem"):
        sources += ["-i", write_config(tmp_path, "hn-old-{0}.cvm.yml".format(old), hostnames=[old])]
    run = inventory(*(sources + ["--list"]))
    for old in ("lan_ip", "cvm_wan_ips", "mem"):
        assert "option 'hostnames': unknown field {0!r}".format(old) in " ".join(run.output.split()), run
    assert listed(run)["_meta"]["hostvars"] == {}


def test_instance_names_match_exactly(emulator, inventory, tmp_path, api):
    emulator.seed(30, ["gz"], name_prefix="web")
    config = write_config(tmp_path, "names.cvm.yml", instance_names=["web-00003", "web-00012"], hostnames=["instance_name"])
    data = listed(inventory("-i", config, "--list", env_extra=STRICT))
    assert sorted(data["_meta"]["hostvars"]) == ["web-00003", "web-00012"]
    # Asked by name: a search word per name on the legacy API, one exact instance-name filter on API 3.0.
    sent = [emulator.face.filters(entry) for entry in describe_requests(emulator)]
    if api == "legacy":
        assert sorted(f["searchWord"][0] for f in sent) == ["web-00003", "web-00012"] and len(sent) == 2
    else:
        assert [sorted(f["instance-name"]) for f in sent] == [["web-00003", "web-00012"]]


def test_filters_zone_status_and_default_statuses(emulator, inventory, tmp_path, api):
    emulator.seed(20, ["gz", "sh"], name_prefix="run")
    emulator.seed(4, ["gz"], name_prefix="stopped", status=4)
    emulator.seed(3, ["gz"], name_prefix="returning", status=6)
    data = listed(inventory("-i", write_config(tmp_path, "all.cvm.yml", regions=["gz", "sh"]), "--list", env_extra=STRICT))
    names = {hostvars["cvm_instance_name"] for hostvars in data["_meta"]["hostvars"].values()}
    assert not any(name.startswith("returning") for name in names)
    assert len(names) == 24

    before = len(describe_requests(emulator))
    config = write_config(tmp_path, "zones.cvm.yml", regions=["gz", "sh"], zone_ids=[100001, 200001], statuses=["running"])
    data = listed(inventory("-i", config, "--list", env_extra=STRICT))
    expected = sorted(i["unInstanceId"] for i in emulator.live_instances() if i["zoneId"] in (100001, 200001) and i["status"] == 2)
    assert sorted(data["_meta"]["hostvars"]) == expected
    # Each zone asked in its own region only, with the status: by the API's own filters.
    sent = sorted((e["region"], sorted(emulator.face.filters(e).items())) for e in describe_requests(emulator)[before:])
    if api == "legacy":
        assert sent == [("gz", [("status", ["2"]), ("zoneId", ["100001"])]), ("sh", [("status", ["2"]), ("zoneId", ["200001"])])]
    else:
        assert sent == [
            ("ap-guangzhou", [("instance-state", ["RUNNING"]), ("zone", ["ap-guangzhou-1"])]),
            ("ap-shanghai", [("instance-state", ["RUNNING"]), ("zone", ["ap-shanghai-1"])]),
        ]

    # The legacy status codes are not statuses any more: refused before any request.
    before = len(describe_requests(emulator))
    run = inventory("-i", write_config(tmp_path, "codes.cvm.yml", regions=["gz"], statuses=[2]), "--list", env_extra=STRICT)
    assert run.rc != 0 and "statuses" in run.output and "running" in run.output, run
    assert len(describe_requests(emulator)) == before


def test_cache_hit_makes_no_api_call(emulator, inventory, tmp_path):
    emulator.seed(130, ["gz", "sh"], name_prefix="cached")
    config = write_config(
        tmp_path,
        "cached.cvm.yml",
        regions=["gz", "sh"],
        cache=True,
        cache_plugin="ansible.builtin.jsonfile",
        cache_connection=str(tmp_path / "cache"),
        cache_timeout=600,
        keyed_groups=[{"key": "cvm_zone_id", "prefix": "zone"}],
        compose={"upper_name": "cvm_instance_name | upper"},
    )
    first = listed(inventory("-i", config, "--list", env_extra=STRICT))
    calls = len(describe_requests(emulator))
    assert calls >= 2
    cache_text = "".join(path.read_text() for path in (tmp_path / "cache").iterdir())
    assert SECRET_KEY not in cache_text and SECRET_ID not in cache_text
    # The cache holds the instances (the collection's keys), neither the API's records nor the built host variables.
    assert "unInstanceId" not in cache_text and "cvm_instance_id" not in cache_text
    [cached] = cached_entries(tmp_path / "cache")
    assert sorted(instance["instance_id"] for instance in cached) == sorted(first["_meta"]["hostvars"])
    assert all(set(instance) == INSTANCE_KEYS for instance in cached)

    emulator.seed(5, ["gz"], name_prefix="later")
    second = listed(inventory("-i", config, "--list", env_extra=STRICT))
    assert len(describe_requests(emulator)) == calls
    assert second == first
    assert second["_meta"]["hostvars"][next(iter(second["_meta"]["hostvars"]))]["upper_name"].startswith("CACHED-")

    graph = inventory("-i", config, "--graph", env_extra=STRICT)
    assert graph.rc == 0, graph
    assert len(describe_requests(emulator)) == calls

    flushed = listed(inventory("-i", config, "--list", "--flush-cache", env_extra=STRICT))
    assert len(describe_requests(emulator)) > calls
    assert len(flushed["_meta"]["hostvars"]) == 135


def test_failing_region_fails_naming_the_region(emulator, inventory, tmp_path):
    emulator.seed(10, ["gz", "sh"], name_prefix="ok")
    config = write_config(tmp_path, "fails.cvm.yml", regions=["gz", "sh"], retries=0, max_workers=1)
    emulator.fault("DescribeInstances", "busy", times=1)
    run = inventory("-i", config, "--list", env_extra=STRICT)
    assert run.rc != 0, run
    assert "listing CVM instances failed in region ap-guangzhou" in run.output
    assert emulator.face.busy_code in run.output and (("(code 5100)" in run.output) == (emulator.api == "legacy"))

    # Without the strict setting Ansible goes on with the other sources, but never with a part of this one.
    emulator.fault("DescribeInstances", "busy", times=1)
    run = inventory("-i", config, "--list")
    assert "listing CVM instances failed in region ap-guangzhou" in run.output
    assert "_meta" not in run.stdout or not listed(run)["_meta"]["hostvars"]


def test_retries_hide_a_short_outage(emulator, inventory, tmp_path):
    emulator.seed(10, ["gz"], name_prefix="busy")
    config = write_config(tmp_path, "retries.cvm.yml", retries=3)
    emulator.fault("DescribeInstances", "busy", times=2)
    data = listed(inventory("-i", config, "--list", env_extra=STRICT))
    assert len(data["_meta"]["hostvars"]) == 10


def test_skip_failing_regions_warns_and_keeps_the_others(emulator, inventory, tmp_path):
    emulator.seed(30, ["gz", "sh", "bj"], name_prefix="skip")
    config = write_config(tmp_path, "skip.cvm.yml", regions=["gz", "sh", "bj"], retries=0, max_workers=1, skip_failing_regions=True)
    emulator.fault("DescribeInstances", "http_500", times=1)
    run = inventory("-i", config, "--list", env_extra=STRICT)
    data = listed(run)
    assert "skipping region ap-guangzhou" in run.stderr
    assert sorted(data["_meta"]["hostvars"]) == live_ids(emulator, ("sh", "bj"))


def test_templated_credentials_from_lookup_and_vault(emulator, inventory, tmp_path):
    emulator.seed(6, ["gz", "sh"], name_prefix="tpl")
    password = tmp_path / "vault-password"
    password.write_text("integration-vault-password\n")
    vaulted = subprocess.run(
        [str(BIN_DIR / "ansible-vault"), "encrypt_string", "--vault-password-file", str(password), "--name", "my_qcloud_secret_key", SECRET_KEY],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    variables = tmp_path / "secrets.yml"
    variables.write_text(vaulted)
    assert SECRET_KEY not in variables.read_text()
    env = dict(STRICT, MY_QCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_ID="AKIDWRONG", TENCENTCLOUD_SECRET_KEY="wrong", TENCENTCLOUD_REGION="bj")
    run = inventory("-i", TARGET / "credentials.cvm.yml", "--list", "-e", "@" + str(variables), "--vault-password-file", password, env_extra=env)
    data = listed(run)
    assert sorted(data["_meta"]["hostvars"]) == live_ids(emulator, ("sh",))
    assert SECRET_KEY not in run.output


def test_refresh_inventory_reaches_new_hosts_by_group(emulator, playbook):
    run = playbook("cvm_inventory/refresh.yml", args=["-i", TARGET / "refresh.cvm.yml"])
    assert run.rc == 0, run
    created = run.task("Create")["result"]["instance_ids"]
    assert len(created) == 3
    reached = sorted(result["host"] for result in run.results if result["task"] == "Reach")
    assert reached == sorted(created)
    for instance_id in created:
        assert run.task("Reach", host=instance_id)["result"]["msg"].startswith("{0} is {0} (refresh-web, running) in ap-guangzhou-3 at ".format(instance_id))
        assert run.task("Delegated", host=instance_id)["result"]["stdout"] == instance_id
