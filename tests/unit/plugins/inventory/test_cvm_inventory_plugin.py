# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin qcloud.cvm.cvm against an in-memory DescribeInstances: hosts, variables, groups, cache."""

from __future__ import annotations

import pytest
import yaml

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.qcloud.cvm.plugins.inventory import cvm as cvm_inventory
from ansible_collections.qcloud.cvm.plugins.module_utils.cvm import normalize_instance
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import QcloudApiError
from ansible_collections.qcloud.cvm.tests.unit.plugins.inventory.fake_describe import FakeApi, make_record

SECRET_KEY = "unit-test-secret-key"


class Run:
    def __init__(self, inventory, plugin, api, built, warnings):
        self.inventory = inventory
        self.plugin = plugin
        self.api = api
        self.built = built
        self.warnings = warnings

    @property
    def hosts(self):
        return sorted(self.inventory.hosts)

    def hostvars(self, host):
        return self.inventory.get_host(host).vars

    def group_hosts(self, group):
        return sorted(host.name for host in self.inventory.groups[group].get_hosts())

    def children(self, group):
        return sorted(child.name for child in self.inventory.groups[group].child_groups)


@pytest.fixture
def parse(tmp_path, monkeypatch):
    """Parse a configuration (a dict) against a FakeApi; returns a Run."""
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDUNITTEST")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_REGION", "gz")
    monkeypatch.delenv("TENCENTCLOUD_SECURITY_TOKEN", raising=False)
    monkeypatch.delenv("QCLOUD_CVM_ENDPOINT", raising=False)

    def run(config, api, cache=True, name="test.cvm.yml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({"plugin": "qcloud.cvm.cvm"}, **config)))
        built = []

        def build_client(options, read_only=False):
            built.append(dict(options))
            return api.client(options["region"])

        monkeypatch.setattr(cvm_inventory, "build_client", build_client)
        plugin = inventory_loader.get("qcloud.cvm.cvm")
        warnings = []
        monkeypatch.setattr(plugin.display, "warning", lambda message, *args, **kwargs: warnings.append(message))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        if getattr(plugin, "_cache", None):
            # What the inventory manager does after parse.
            plugin.update_cache_if_changed()
        return Run(inventory, plugin, api, built, warnings)
    return run


def gz_api(count=3, **fields):
    return FakeApi([make_record(number, **fields) for number in range(count)])


# -- verify_file -------------------------------------------------------------

@pytest.mark.parametrize("name, accepted", [
    ("demo.cvm.yml", True), ("demo.cvm.yaml", True), ("cvm.yml", True), ("prod_cvm.yaml", True),
    ("demo.yml", False), ("cvm.json", False), ("aws_ec2.yml", False), ("demo.cvm.yml.bak", False),
])
def test_verify_file_accepts_only_cvm_yml_and_yaml(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text("plugin: qcloud.cvm.cvm\n")
    assert inventory_loader.get("qcloud.cvm.cvm").verify_file(str(path)) is accepted


def test_verify_file_refuses_a_missing_file(tmp_path):
    assert not inventory_loader.get("qcloud.cvm.cvm").verify_file(str(tmp_path / "missing.cvm.yml"))


# -- record -> host variables --------------------------------------------------

def test_every_record_field_becomes_a_prefixed_snake_case_variable():
    record = make_record(7, region="sh", zone_id=200002, status=4, name="db", project_id=3, wan_ips=[],
                         unVpcId="vpc-1", unSubnetId="subnet-1", instanceType="CVM.S2", uuid="u-1")
    original = dict(record)
    hostvars = cvm_inventory.prefixed_hostvars(normalize_instance(record))
    assert record == original
    assert hostvars["cvm_instance_id"] == "ins-sh000007"
    assert hostvars["cvm_instance_name"] == "db"
    assert hostvars["cvm_region"] == "sh"
    assert hostvars["cvm_zone_id"] == 200002
    assert hostvars["cvm_status"] == 4
    assert hostvars["cvm_status_name"] == "stopped"
    assert hostvars["cvm_lan_ip"] == record["lanIp"]
    assert hostvars["cvm_wan_ips"] == []
    assert hostvars["cvm_project_id"] == 3
    assert hostvars["cvm_image_id"] == "img-3wnd9xpl"
    assert hostvars["cvm_legacy_instance_id"] == record["instanceId"]
    assert hostvars["cvm_vpc_id"] == "vpc-1"
    assert hostvars["cvm_subnet_id"] == "subnet-1"
    assert hostvars["cvm_vpc_internal_id"] == 0
    assert hostvars["cvm_root_size"] == 20
    assert hostvars["cvm_storage_size"] == 0
    assert hostvars["cvm_instance_type"] == "CVM.S2"
    assert all(key.startswith("cvm_") for key in hostvars)
    assert set(key[len("cvm_"):] for key in hostvars) <= cvm_inventory.HOSTVAR_FIELDS


def test_documented_fields_are_the_fields_of_a_full_record():
    record = make_record(1, unVpcId="vpc-1", unSubnetId="subnet-1", instanceType="CVM.S1", uuid="u", imageId=3,
                         imageType="公有镜像", statusTime="2024-05-01 10:00:00", deviceClass="VSELF_2",
                         diskInfo={"rootId": "disk-1", "rootSize": 20, "rootType": 1, "storageId": "disk-2", "storageSize": 10, "storageType": 1})
    assert set(normalize_instance(record)) == cvm_inventory.HOSTVAR_FIELDS
    documentation = yaml.safe_load(cvm_inventory.DOCUMENTATION)
    text = " ".join(documentation["description"])
    for field in cvm_inventory.HOSTVAR_FIELDS:
        assert "C(cvm_{0})".format(field) in text, field


def test_hosts_carry_the_variables(parse):
    run = parse({}, gz_api(2))
    assert run.hosts == ["ins-gz000000", "ins-gz000001"]
    hostvars = run.hostvars("ins-gz000001")
    assert hostvars["cvm_instance_name"] == "seed-00001"
    assert hostvars["cvm_wan_ips"] == ["203.0.113.2"]
    assert hostvars["ansible_host"] == "203.0.113.2"
    assert SECRET_KEY not in repr(hostvars)


# -- hostnames -----------------------------------------------------------------

def test_hostname_defaults_to_instance_id(parse):
    assert parse({}, gz_api(1)).hosts == ["ins-gz000000"]


def test_hostname_preferences_first_non_empty_wins(parse):
    api = FakeApi([make_record(0, name="web"), make_record(1, name="")])
    run = parse({"hostnames": ["instance_name", "lan_ip"]}, api)
    assert run.hosts == sorted(["web", api.records["gz"][1]["lanIp"]])


@pytest.mark.parametrize("preference, expected", [
    ("cvm_instance_name", "seed-00000"),
    ("private_ip", "10.0.0.1"),
    ("public_ip", "203.0.113.1"),
    ("wan_ip", "203.0.113.1"),
    ("zone_id", "100002"),
    ("cvm_instance_name ~ '-' ~ cvm_region", "seed-00000-gz"),
    ("cvm_wan_ips[0]", "203.0.113.1"),
    ("{{ cvm_instance_name }}.example.com", "seed-00000.example.com"),
    ("cvm_instance_name | upper", "SEED-00000"),
])
def test_hostname_fields_aliases_and_expressions(parse, preference, expected):
    assert parse({"hostnames": [preference]}, FakeApi([make_record(0, zone_id=100002)])).hosts == [expected]


def test_hostname_without_public_ip_falls_through(parse):
    run = parse({"hostnames": ["wan_ip", "instance_name"]}, FakeApi([make_record(0, wan_ips=[])]))
    assert run.hosts == ["seed-00000"]


def test_hostname_falls_back_to_instance_id(parse):
    run = parse({"hostnames": ["instance_name", "cvm_vpc_id"]}, FakeApi([make_record(0, name="")]))
    assert run.hosts == ["ins-gz000000"]


def test_failing_expression_counts_as_empty(parse):
    run = parse({"hostnames": ["cvm_wan_ips[0]", "instance_name"]}, FakeApi([make_record(0, wan_ips=[])]))
    assert run.hosts == ["seed-00000"]


def test_failing_expression_fails_with_strict(parse):
    with pytest.raises(AnsibleParserError, match="hostnames: cannot evaluate 'cvm_wan_ips\\[0\\]' for instance ins-gz000000"):
        parse({"hostnames": ["cvm_wan_ips[0]"], "strict": True}, FakeApi([make_record(0, wan_ips=[])]))


def test_unknown_field_is_an_error(parse):
    with pytest.raises(AnsibleParserError, match="unknown field 'instance_nmae'"):
        parse({"hostnames": ["instance_nmae"]}, gz_api(1))


def test_duplicate_hostnames_fall_back_to_instance_id_with_a_warning(parse):
    run = parse({"hostnames": ["instance_name"]}, FakeApi([make_record(0, name="web"), make_record(1, name="web")]))
    assert run.hosts == ["ins-gz000001", "web"]
    assert run.hostvars("web")["cvm_instance_id"] == "ins-gz000000"
    assert run.warnings == ["qcloud.cvm.cvm: 1 instance(s) would have had the host name of another instance, so they are named "
                            "by their instance ID: web (ins-gz000000, ins-gz000001)"]


def test_many_duplicate_hostnames_give_one_warning(parse):
    run = parse({"hostnames": ["instance_name"]}, FakeApi([make_record(number, name="web") for number in range(8)]))
    assert len(run.hosts) == 8
    assert len(run.warnings) == 1
    assert run.warnings[0].startswith("qcloud.cvm.cvm: 7 instance(s) would have had the host name")
    assert run.warnings[0].endswith(", ...")


def test_record_data_is_not_rendered_as_a_template(parse):
    run = parse({"hostnames": ["cvm_instance_name ~ ''"]}, FakeApi([make_record(0, name="{{ 7 * 6 }}")]))
    assert run.hosts == ["{{ 7 * 6 }}"]


# -- ansible_host --------------------------------------------------------------

@pytest.mark.parametrize("connect_with, with_wan, without_wan", [
    ("public_ip_first", "203.0.113.1", "10.0.0.2"),
    ("public_ip", "203.0.113.1", None),
    ("private_ip", "10.0.0.1", "10.0.0.2"),
    ("inventory_hostname", None, None),
])
def test_ansible_host_choice(parse, connect_with, with_wan, without_wan):
    run = parse({"connect_with": connect_with}, FakeApi([make_record(0), make_record(1, wan_ips=[])]))
    assert run.hostvars("ins-gz000000").get("ansible_host") == with_wan
    assert run.hostvars("ins-gz000001").get("ansible_host") == without_wan


def test_compose_overrides_ansible_host(parse):
    run = parse({"compose": {"ansible_host": "cvm_lan_ip"}}, gz_api(1))
    assert run.hostvars("ins-gz000000")["ansible_host"] == "10.0.0.1"


# -- groups --------------------------------------------------------------------

def test_default_group_names():
    instance = normalize_instance(make_record(0, region="sh", zone_id=200001, status=3))
    assert cvm_inventory.default_group_names(instance) == ("cvm_region_sh", "cvm_zone_200001", "cvm_status_creating")
    assert cvm_inventory.default_group_names({"status_name": "running"}) == (None, None, "cvm_status_running")


def test_default_groups_region_zone_status(parse):
    api = FakeApi([make_record(0, region="gz", zone_id=100003), make_record(1, region="gz", zone_id=100004, status=4),
                   make_record(2, region="sh", zone_id=200001)])
    run = parse({"regions": ["gz", "ap-shanghai"]}, api)
    assert run.children("cvm") == ["cvm_region_gz", "cvm_region_sh", "cvm_status_running", "cvm_status_stopped"]
    assert run.children("cvm_region_gz") == ["cvm_zone_100003", "cvm_zone_100004"]
    assert run.children("cvm_region_sh") == ["cvm_zone_200001"]
    assert run.group_hosts("cvm_zone_100003") == ["ins-gz000000"]
    assert run.group_hosts("cvm_region_gz") == ["ins-gz000000", "ins-gz000001"]
    assert run.group_hosts("cvm_status_running") == ["ins-gz000000", "ins-sh000002"]
    assert run.group_hosts("cvm") == ["ins-gz000000", "ins-gz000001", "ins-sh000002"]


def test_default_group_names_are_sanitised(parse, monkeypatch):
    monkeypatch.setattr(cvm_inventory.InventoryModule, "_sanitize_group_name", staticmethod(lambda name: name.replace("-", "_")))
    run = parse({"statuses": []}, FakeApi([make_record(0, status=-1)]))
    assert "cvm_status_creation_failed" in run.inventory.groups
    api = FakeApi()
    api.records["gz"] = [make_record(0, Region="gz-x")]
    run = parse({}, api)
    assert run.children("cvm") == ["cvm_region_gz_x", "cvm_status_running"]


def test_keyed_groups_groups_and_compose(parse):
    api = FakeApi([make_record(0, project_id=1, name="web"), make_record(1, project_id=2, name="db")])
    config = {
        "keyed_groups": [{"key": "cvm_project_id", "prefix": "project"}, {"key": "cvm_cpu", "prefix": "cpu"},
                         {"key": "cvm_wan_ips", "prefix": "ip"}, {"key": "cvm_status_name", "prefix": "st"}],
        "groups": {"webservers": "cvm_instance_name == 'web'"},
        "compose": {"short_name": "cvm_instance_name | upper", "where": "inventory_hostname ~ '@' ~ cvm_region",
                    "memory_mb": "cvm_mem * 1024"},
    }
    run = parse(config, api)
    assert run.group_hosts("project_1") == ["ins-gz000000"]
    assert run.group_hosts("project_2") == ["ins-gz000001"]
    assert run.group_hosts("webservers") == ["ins-gz000000"]
    assert run.group_hosts("cpu_1") == ["ins-gz000000", "ins-gz000001"]
    assert run.group_hosts("ip_203_0_113_1") == ["ins-gz000000"]
    assert run.group_hosts("st_running") == ["ins-gz000000", "ins-gz000001"]
    # Numbers stay numbers everywhere else.
    assert run.hostvars("ins-gz000000")["cvm_project_id"] == 1
    assert run.hostvars("ins-gz000001")["short_name"] == "DB"
    assert run.hostvars("ins-gz000001")["where"] == "ins-gz000001@gz"
    assert run.hostvars("ins-gz000001")["memory_mb"] == 2048


def test_nothing_is_templated_without_constructed_options(parse, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("templated although no compose, groups or keyed_groups is set")
    for name in ("_set_composite_vars", "_add_host_to_composed_groups", "_add_host_to_keyed_groups", "_compose"):
        monkeypatch.setattr(cvm_inventory.InventoryModule, name, forbidden)
    assert len(parse({}, gz_api(5)).hosts) == 5


# -- options: regions, filters, templates ----------------------------------------

def test_regions_default_to_the_configured_region(parse):
    api = FakeApi([make_record(0, region="gz"), make_record(1, region="sh")])
    run = parse({"region": "ap-shanghai"}, api)
    assert run.hosts == ["ins-sh000001"]
    assert {region for region, _params in api.calls} == {"sh"}


def test_unknown_region_is_an_error(parse):
    with pytest.raises(AnsibleParserError, match="unknown region 'mars'"):
        parse({"regions": ["gz", "mars"]}, gz_api(1))


def test_filters_reach_the_api_and_the_records(parse):
    api = FakeApi([make_record(0, name="web"), make_record(1, name="web-2"), make_record(2, name="web", status=5),
                   make_record(3, name="web", zone_id=100004)])
    run = parse({"instance_names": ["web"], "zone_ids": [100001, 100003]}, api)
    assert run.hosts == ["ins-gz000000"]
    assert sorted((params["zoneId"], params["searchWord"]) for params in api.describe_calls()) == [(100001, "web"), (100003, "web")]


def test_templated_credentials_are_rendered(parse, monkeypatch):
    monkeypatch.setenv("MY_QCLOUD_KEY", "key-from-lookup")
    config = {"secret_key": "{{ lookup('ansible.builtin.env', 'MY_QCLOUD_KEY') }}", "region": "{{ 'ap-' ~ 'beijing' }}",
              "endpoint": "{{ 'http://127.0.0.1:1/v2/index.php' }}"}
    run = parse(config, gz_api(1))
    assert run.built[0]["secret_key"] == "key-from-lookup"
    assert run.built[0]["endpoint"] == "http://127.0.0.1:1/v2/index.php"
    assert {options["region"] for options in run.built} == {"bj"}


def test_environment_values_are_never_rendered(parse, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "{{ lookup('ansible.builtin.env', 'HOME') }}")
    run = parse({}, gz_api(1))
    assert run.built[0]["secret_id"] == "{{ lookup('ansible.builtin.env', 'HOME') }}"


def test_bad_max_workers_is_an_error(parse):
    with pytest.raises(AnsibleParserError, match="max_workers"):
        parse({"max_workers": 0}, gz_api(1))


# -- failures --------------------------------------------------------------------

def test_failing_region_fails_the_source_naming_region_and_error(parse):
    api = FakeApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.failures["sh"] = QcloudApiError("DescribeInstances", 5100, "OperationFail.SystemBusy", "busy")
    with pytest.raises(AnsibleError, match=r"failed in region sh: DescribeInstances failed: code 5100 \(OperationFail.SystemBusy\): busy"):
        parse({"regions": ["gz", "sh"]}, api)


def test_skip_failing_regions_warns_and_keeps_the_others(parse):
    api = FakeApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.failures["sh"] = QcloudApiError("DescribeInstances", 5100, "OperationFail.SystemBusy", "busy")
    run = parse({"regions": ["gz", "sh"], "skip_failing_regions": True}, api)
    assert run.hosts == ["ins-gz000000"]
    assert any("skipping region sh" in warning and "5100" in warning for warning in run.warnings)


# -- cache -------------------------------------------------------------------------

def cache_config(tmp_path, **extra):
    return dict({"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}, **extra)


def test_cache_hit_rebuilds_everything_without_api_calls(parse, tmp_path):
    api = gz_api(3)
    config = cache_config(tmp_path, hostnames=["instance_name"], keyed_groups=[{"key": "cvm_zone_id", "prefix": "z"}],
                          compose={"upper": "cvm_instance_name | upper"})
    first = parse(config, api)
    calls = len(api.calls)
    assert calls == 1
    second = parse(config, api)
    assert len(api.calls) == calls
    assert second.hosts == first.hosts == ["seed-00000", "seed-00001", "seed-00002"]
    assert second.hostvars("seed-00001")["upper"] == "SEED-00001"
    assert second.group_hosts("z_100002") == ["seed-00001"]
    assert second.children("cvm_region_gz") == first.children("cvm_region_gz")


def test_cache_holds_raw_records_and_no_secret(parse, tmp_path):
    api = gz_api(2)
    run = parse(cache_config(tmp_path), api)
    cached = run.plugin._cache[run.plugin.get_cache_key(str(tmp_path / "test.cvm.yml"))]  # pylint: disable=protected-access
    assert [record["unInstanceId"] for record in cached] == ["ins-gz000000", "ins-gz000001"]
    assert "diskInfo" in cached[0] and "cvm_instance_id" not in cached[0]
    text = "".join(path.read_text() for path in (tmp_path / "cache").iterdir())
    assert SECRET_KEY not in text and "AKIDUNITTEST" not in text


def test_refresh_lists_again_and_updates_the_cache(parse, tmp_path):
    api = gz_api(2)
    parse(cache_config(tmp_path), api)
    api.records["gz"].insert(0, make_record(9, region="gz"))
    assert len(parse(cache_config(tmp_path), api).hosts) == 2
    assert len(parse(cache_config(tmp_path), api, cache=False).hosts) == 3
    calls = len(api.calls)
    assert len(parse(cache_config(tmp_path), api).hosts) == 3
    assert len(api.calls) == calls


def test_a_skipped_region_does_not_update_the_cache(parse, tmp_path):
    api = FakeApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.failures["sh"] = QcloudApiError("DescribeInstances", 5100, "OperationFail.SystemBusy", "busy")
    config = cache_config(tmp_path, regions=["gz", "sh"], skip_failing_regions=True)
    parse(config, api)
    del api.failures["sh"]
    run = parse(config, api)
    assert run.hosts == ["ins-gz000000", "ins-sh000001"]
