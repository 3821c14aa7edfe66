# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin qcloud.cvm.cvm against an in-memory legacy API: hosts, variables, groups, cache."""

from __future__ import annotations

import json

import pytest

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins import inventory as inventory_base
from ansible.plugins.inventory import Constructable
from ansible.plugins.loader import inventory_loader

from ansible_collections.qcloud.cvm.plugins.inventory import cvm as cvm_inventory
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import instance_from_record
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_KEYS
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi, error, make_record
from ansible_collections.qcloud.cvm.tests.unit.plugins.inventory.inventory_run import SECRET_ID, SECRET_KEY, parser

HOSTVARS = {"cvm_" + key for key in INSTANCE_KEYS}


@pytest.fixture
def parse(tmp_path, monkeypatch):
    return parser(tmp_path, monkeypatch)


def gz_api(count=3, **fields):
    return FakeLegacyApi([make_record(number, **fields) for number in range(count)])


# -- verify_file -------------------------------------------------------------


@pytest.mark.parametrize(
    "name, accepted",
    [
        ("demo.cvm.yml", True),
        ("demo.cvm.yaml", True),
        ("cvm.yml", True),
        ("prod_cvm.yaml", True),
        ("demo.yml", False),
        ("cvm.json", False),
        ("aws_ec2.yml", False),
        ("demo.cvm.yml.bak", False),
    ],
)
def test_verify_file_accepts_only_cvm_yml_and_yaml(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text("plugin: qcloud.cvm.cvm\n")
    assert inventory_loader.get("qcloud.cvm.cvm").verify_file(str(path)) is accepted


def test_verify_file_refuses_a_missing_file(tmp_path):
    assert not inventory_loader.get("qcloud.cvm.cvm").verify_file(str(tmp_path / "missing.cvm.yml"))


# -- instance -> host variables --------------------------------------------------


def test_every_host_shares_one_string_per_variable_name():
    # 10,000 hosts would otherwise each keep 30-odd strings of their own for the same names.
    first, second = (cvm_inventory.prefixed_hostvars(instance_from_record(make_record(n), "ap-guangzhou").as_dict()) for n in (1, 2))
    assert set(first) == set(second) == HOSTVARS
    shared = {id(key) for key in first} & {id(key) for key in second}
    assert len(shared) == len(HOSTVARS)


def test_every_instance_key_becomes_a_prefixed_variable():
    record = make_record(
        7, region="sh", zone_id=200002, status=4, name="db", project_id=3, wan_ips=[], unVpcId="vpc-1", unSubnetId="subnet-1", instanceType="CVM.S2", uuid="u-1"
    )
    original = dict(record)
    hostvars = cvm_inventory.prefixed_hostvars(instance_from_record(record, "ap-shanghai").as_dict())
    assert record == original
    assert set(hostvars) == HOSTVARS
    assert hostvars["cvm_instance_id"] == "ins-sh000007"
    assert hostvars["cvm_instance_name"] == "db"
    assert hostvars["cvm_uuid"] == "u-1"
    assert hostvars["cvm_region"] == "ap-shanghai"
    assert hostvars["cvm_zone"] == "ap-shanghai-2" and hostvars["cvm_zone_id"] == 200002
    assert hostvars["cvm_status"] == "stopped"
    assert hostvars["cvm_private_ip"] == record["lanIp"] and hostvars["cvm_public_ips"] == []
    assert hostvars["cvm_project_id"] == 3
    assert hostvars["cvm_image_id"] == "img-3wnd9xpl"
    assert hostvars["cvm_vpc_id"] == "vpc-1" and hostvars["cvm_subnet_id"] == "subnet-1"
    assert hostvars["cvm_instance_family"] == "S2" and hostvars["cvm_instance_type"] == "S2.SMALL2"
    assert hostvars["cvm_memory"] == 2 and hostvars["cvm_cpu"] == 1
    assert hostvars["cvm_system_disk"] == {"disk_id": "disk-00000007", "disk_type": "LOCAL_BASIC", "disk_size": 20}
    assert hostvars["cvm_data_disks"] == []
    assert hostvars["cvm_created_time"] == "2024-05-01T02:00:07Z"


def test_hosts_carry_the_variables(parse):
    run = parse({}, gz_api(2))
    assert run.hosts == ["ins-gz000000", "ins-gz000001"]
    hostvars = run.hostvars("ins-gz000001")
    assert HOSTVARS <= set(hostvars)
    assert hostvars["cvm_instance_name"] == "seed-00001"
    assert hostvars["cvm_public_ips"] == ["203.0.113.2"]
    assert hostvars["cvm_region"] == "ap-guangzhou" and hostvars["cvm_zone"] == "ap-guangzhou-2"
    assert hostvars["ansible_host"] == "203.0.113.2"
    assert SECRET_KEY not in repr(hostvars)


def test_the_listing_is_read_only_and_signed(parse):
    run = parse({}, gz_api(1))
    # The listing, then the security groups the legacy listing does not report (one page of groups, none bound here).
    assert run.api.actions() == ["DescribeInstances", "DescribeSecurityGroupEx"]
    call = run.api.calls[0]
    assert call.region == "gz" and call.data["SecretId"] == SECRET_ID
    assert call.url == "https://cvm.api.qcloud.com/v2/index.php"


# -- hostnames -----------------------------------------------------------------


def test_hostname_defaults_to_instance_id(parse):
    assert parse({}, gz_api(1)).hosts == ["ins-gz000000"]


def test_hostname_preferences_first_non_empty_wins(parse):
    api = FakeLegacyApi([make_record(0, name="web"), make_record(1, name="")])
    run = parse({"hostnames": ["instance_name", "private_ip"]}, api)
    assert run.hosts == sorted(["web", api.records["gz"][1]["lanIp"]])


@pytest.mark.parametrize(
    "preference, expected",
    [
        ("cvm_instance_name", "seed-00000"),
        ("instance_name", "seed-00000"),
        ("private_ip", "10.0.0.1"),
        ("cvm_private_ip", "10.0.0.1"),
        ("public_ip", "203.0.113.1"),
        ("public_ips", "203.0.113.1"),
        ("zone_id", "100002"),
        ("zone", "ap-guangzhou-2"),
        ("uuid", "00000000-0000-4000-8000-000000000000"),
        ("cvm_instance_name ~ '-' ~ cvm_region", "seed-00000-ap-guangzhou"),
        ("cvm_public_ips[0]", "203.0.113.1"),
        ("cvm_system_disk.disk_id", "disk-00000000"),
        ("{{ cvm_instance_name }}.example.com", "seed-00000.example.com"),
        ("cvm_instance_name | upper", "SEED-00000"),
    ],
)
def test_hostname_fields_and_expressions(parse, preference, expected):
    assert parse({"hostnames": [preference]}, FakeLegacyApi([make_record(0, zone_id=100002)])).hosts == [expected]


def test_hostname_without_public_ip_falls_through(parse):
    run = parse({"hostnames": ["public_ip", "instance_name"]}, FakeLegacyApi([make_record(0, wan_ips=[])]))
    assert run.hosts == ["seed-00000"]


def test_hostname_falls_back_to_instance_id(parse):
    run = parse({"hostnames": ["instance_name", "cvm_vpc_id"]}, FakeLegacyApi([make_record(0, name="")]))
    assert run.hosts == ["ins-gz000000"]


def test_failing_expression_counts_as_empty(parse):
    run = parse({"hostnames": ["cvm_public_ips[0]", "instance_name"]}, FakeLegacyApi([make_record(0, wan_ips=[])]))
    assert run.hosts == ["seed-00000"]


def test_failing_expression_fails_with_strict(parse):
    with pytest.raises(AnsibleParserError, match="hostnames: cannot evaluate 'cvm_public_ips\\[0\\]' for instance ins-gz000000"):
        parse({"hostnames": ["cvm_public_ips[0]"], "strict": True}, FakeLegacyApi([make_record(0, wan_ips=[])]))


@pytest.mark.parametrize("field", ["instance_nmae", "wan_ip", "lan_ip", "status_name", "cvm_mem"])
def test_unknown_field_is_an_error(parse, field):
    api = gz_api(1)
    with pytest.raises(AnsibleParserError, match="option 'hostnames': unknown field '{0}'; use one of ".format(field)):
        parse({"hostnames": [field]}, api)
    assert api.calls == []


def test_duplicate_hostnames_fall_back_to_instance_id_with_a_warning(parse):
    run = parse({"hostnames": ["instance_name"]}, FakeLegacyApi([make_record(0, name="web"), make_record(1, name="web")]))
    assert run.hosts == ["ins-gz000001", "web"]
    assert run.hostvars("web")["cvm_instance_id"] == "ins-gz000000"
    assert run.warnings == [
        "qcloud.cvm.cvm: 1 instance(s) would have had the host name of another instance, so they are named "
        "by their instance ID: web (ins-gz000000, ins-gz000001)"
    ]


def test_many_duplicate_hostnames_give_one_warning(parse):
    run = parse({"hostnames": ["instance_name"]}, FakeLegacyApi([make_record(number, name="web") for number in range(8)]))
    assert len(run.hosts) == 8
    assert len(run.warnings) == 1
    assert run.warnings[0].startswith("qcloud.cvm.cvm: 7 instance(s) would have had the host name")
    assert run.warnings[0].endswith(", ...")


def test_instance_data_is_not_rendered_as_a_template(parse):
    run = parse({"hostnames": ["cvm_instance_name ~ ''"]}, FakeLegacyApi([make_record(0, name="{{ 7 * 6 }}")]))
    assert run.hosts == ["{{ 7 * 6 }}"]


# -- ansible_host --------------------------------------------------------------


@pytest.mark.parametrize(
    "connect_with, with_public, without_public",
    [
        ("public_ip_first", "203.0.113.1", "10.0.0.2"),
        ("public_ip", "203.0.113.1", None),
        ("private_ip", "10.0.0.1", "10.0.0.2"),
        ("inventory_hostname", None, None),
    ],
)
def test_ansible_host_choice(parse, connect_with, with_public, without_public):
    run = parse({"connect_with": connect_with}, FakeLegacyApi([make_record(0), make_record(1, wan_ips=[])]))
    assert run.hostvars("ins-gz000000").get("ansible_host") == with_public
    assert run.hostvars("ins-gz000001").get("ansible_host") == without_public


def test_no_address_at_all_sets_no_ansible_host(parse):
    run = parse({}, FakeLegacyApi([make_record(0, wan_ips=[], lanIp="")]))
    assert "ansible_host" not in run.hostvars("ins-gz000000")


def test_compose_overrides_ansible_host(parse):
    run = parse({"compose": {"ansible_host": "cvm_private_ip"}}, gz_api(1))
    assert run.hostvars("ins-gz000000")["ansible_host"] == "10.0.0.1"


# -- groups --------------------------------------------------------------------


def test_default_group_names():
    instance = instance_from_record(make_record(0, region="sh", zone_id=200001, status=3), "ap-shanghai").as_dict()
    assert cvm_inventory.default_group_names(instance) == ("cvm_region_ap-shanghai", "cvm_zone_ap-shanghai-1", "cvm_status_pending")
    assert cvm_inventory.default_group_names({"status": "running"}) == (None, None, "cvm_status_running")


def test_default_groups_region_zone_status(parse):
    api = FakeLegacyApi(
        [make_record(0, region="gz", zone_id=100003), make_record(1, region="gz", zone_id=100004, status=4), make_record(2, region="sh", zone_id=200001)]
    )
    run = parse({"regions": ["gz", "ap-shanghai"]}, api)
    assert run.children("cvm") == ["cvm_region_ap_guangzhou", "cvm_region_ap_shanghai", "cvm_status_running", "cvm_status_stopped"]
    assert run.children("cvm_region_ap_guangzhou") == ["cvm_zone_ap_guangzhou_3", "cvm_zone_ap_guangzhou_4"]
    assert run.children("cvm_region_ap_shanghai") == ["cvm_zone_ap_shanghai_1"]
    assert run.group_hosts("cvm_zone_ap_guangzhou_3") == ["ins-gz000000"]
    assert run.group_hosts("cvm_region_ap_guangzhou") == ["ins-gz000000", "ins-gz000001"]
    assert run.group_hosts("cvm_status_running") == ["ins-gz000000", "ins-sh000002"]
    assert run.group_hosts("cvm") == ["ins-gz000000", "ins-gz000001", "ins-sh000002"]


def test_default_group_names_are_sanitised_by_the_plugin_hook(parse, monkeypatch):
    seen = []

    def sanitise(name):
        seen.append(name)
        return name.replace("-", "_").upper()

    monkeypatch.setattr(cvm_inventory.InventoryModule, "_sanitize_group_name", staticmethod(sanitise))
    run = parse({"statuses": []}, FakeLegacyApi([make_record(0, status=-1)]))
    assert "cvm_status_launch_failed" in seen and "CVM_STATUS_LAUNCH_FAILED" in run.inventory.groups
    assert run.children("cvm") == ["CVM_REGION_AP_GUANGZHOU", "CVM_STATUS_LAUNCH_FAILED"]


def test_an_unknown_record_region_is_the_listed_region(parse):
    api = FakeLegacyApi()
    api.records["gz"] = [make_record(0, Region="gz-x")]
    run = parse({}, api)
    assert run.children("cvm") == ["cvm_region_ap_guangzhou", "cvm_status_running"]
    assert run.hostvars("ins-gz000000")["cvm_region"] == "ap-guangzhou"


BARE_NAMES = {
    "compose": {"ansible_host": "cvm_private_ip", "zone_id": "cvm_zone_id", "ips": "cvm_public_ips", "gateway": "cvm_vpc_gateway", "vpc": "cvm_vpc_id"},
    "keyed_groups": [{"key": "cvm_zone", "prefix": "az"}, {"key": "cvm_zone_id", "prefix": "zid"}, {"key": "cvm_public_ips", "prefix": "ip"}],
}


def listed(run):
    return {host: dict(run.hostvars(host)) for host in run.hosts}, {name: run.group_hosts(name) for name in sorted(run.inventory.groups)}


def test_a_bare_variable_name_gives_what_templating_gives(parse, monkeypatch):
    api = FakeLegacyApi([make_record(0), make_record(1, wan_ips=[], status=4)])
    looked_up = listed(parse(BARE_NAMES, api))
    # With no value counted a scalar, every name goes through Ansible's templating.
    monkeypatch.setattr(cvm_inventory, "_SCALARS", ())
    assert looked_up == listed(parse(BARE_NAMES, api))
    assert looked_up[0]["ins-gz000000"]["ansible_host"] == looked_up[0]["ins-gz000000"]["cvm_private_ip"]
    for host, hostvars in looked_up[0].items():
        assert host in looked_up[1]["az_" + hostvars["cvm_zone"].replace("-", "_")]
        assert host in looked_up[1]["zid_{0}".format(hostvars["cvm_zone_id"])]


def test_a_bare_variable_name_of_a_scalar_is_not_templated(parse, monkeypatch):
    templated = []
    original = Constructable._compose
    monkeypatch.setattr(Constructable, "_compose", lambda self, template, variables, *args: templated.append(template) or original(self, template, variables))
    parse(BARE_NAMES, FakeLegacyApi([make_record(0)]))
    # Only the list (a copy through templating) went to Jinja2, once for compose and once for its keyed group.
    assert sorted(templated) == ["cvm_public_ips", "cvm_public_ips"]


def test_an_extra_variable_of_the_same_name_still_wins_with_use_extra_vars(parse, monkeypatch):
    # What --extra-vars cvm_zone=from-extra-vars gives the plugin.
    monkeypatch.setattr(inventory_base, "load_extra_vars", lambda loader: {"cvm_zone": "from-extra-vars"})
    run = parse(dict(BARE_NAMES, use_extra_vars=True), FakeLegacyApi([make_record(0)]))
    assert run.group_hosts("az_from_extra_vars") == ["ins-gz000000"]


def test_keyed_groups_groups_and_compose(parse):
    api = FakeLegacyApi([make_record(0, project_id=1, name="web"), make_record(1, project_id=2, name="db", status=4)])
    config = {
        "keyed_groups": [
            {"key": "cvm_project_id", "prefix": "project"},
            {"key": "cvm_cpu", "prefix": "cpu"},
            {"key": "cvm_public_ips", "prefix": "ip"},
            {"key": "cvm_status", "prefix": "st"},
            {"key": "cvm_zone", "prefix": "in"},
            {"key": "cvm_system_disk.disk_type", "prefix": "disk"},
        ],
        "groups": {"webservers": "cvm_instance_name == 'web'", "stopped": "cvm_status == 'stopped'"},
        "compose": {"short_name": "cvm_instance_name | upper", "where": "inventory_hostname ~ '@' ~ cvm_region", "memory_mb": "cvm_memory * 1024"},
    }
    run = parse(config, api)
    assert run.group_hosts("project_1") == ["ins-gz000000"]
    assert run.group_hosts("project_2") == ["ins-gz000001"]
    assert run.group_hosts("webservers") == ["ins-gz000000"]
    assert run.group_hosts("stopped") == ["ins-gz000001"]
    assert run.group_hosts("cpu_1") == ["ins-gz000000", "ins-gz000001"]
    assert run.group_hosts("ip_203_0_113_1") == ["ins-gz000000"]
    assert run.group_hosts("st_running") == ["ins-gz000000"] and run.group_hosts("st_stopped") == ["ins-gz000001"]
    assert run.group_hosts("in_ap_guangzhou_1") == ["ins-gz000000"]
    assert run.group_hosts("disk_LOCAL_BASIC") == ["ins-gz000000", "ins-gz000001"]
    # Numbers stay numbers everywhere else.
    assert run.hostvars("ins-gz000000")["cvm_project_id"] == 1
    assert run.hostvars("ins-gz000001")["short_name"] == "DB"
    assert run.hostvars("ins-gz000001")["where"] == "ins-gz000001@ap-guangzhou"
    assert run.hostvars("ins-gz000001")["memory_mb"] == 2048


def test_nothing_is_templated_without_constructed_options(parse, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("templated although no compose, groups or keyed_groups is set")

    for name in ("_set_composite_vars", "_add_host_to_composed_groups", "_add_host_to_keyed_groups", "_compose"):
        monkeypatch.setattr(cvm_inventory.InventoryModule, name, forbidden)
    assert len(parse({}, gz_api(5)).hosts) == 5


# -- options: regions, filters, templates ----------------------------------------


def test_regions_default_to_the_configured_region(parse):
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    run = parse({"region": "ap-shanghai"}, api)
    assert run.hosts == ["ins-sh000001"]
    assert {call.region for call in api.calls} == {"sh"}


def test_regions_are_listed_once_whatever_their_spelling(parse):
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    run = parse({"regions": ["gz", "ap-guangzhou", "GZ", "sh"]}, api)
    assert run.hosts == ["ins-gz000000", "ins-sh000001"]
    assert sorted(call.region for call in api.calls_of("DescribeInstances")) == ["gz", "sh"]


def test_unknown_region_is_an_error(parse):
    with pytest.raises(AnsibleParserError, match="option 'regions': unknown region 'mars'"):
        parse({"regions": ["gz", "mars"]}, gz_api(1))


def test_no_region_at_all_is_an_error(parse, monkeypatch):
    monkeypatch.delenv("TENCENTCLOUD_REGION")
    with pytest.raises(AnsibleParserError, match="no region to list"):
        parse({}, gz_api(1))


def test_filters_reach_the_api_and_the_instances(parse):
    api = FakeLegacyApi(
        [make_record(0, name="web"), make_record(1, name="web-2"), make_record(2, name="web", status=5), make_record(3, name="web", zone_id=100004)]
    )
    run = parse({"instance_names": ["web"], "zone_ids": [100001, 100003]}, api)
    assert run.hosts == ["ins-gz000000"]
    assert sorted((params["zoneId"], params["searchWord"]) for params in api.describe_calls()) == [(100001, "web"), (100003, "web")]


def test_status_names_are_sent_as_their_legacy_codes(parse):
    api = FakeLegacyApi([make_record(0), make_record(1, status=4), make_record(2, status=5)])
    run = parse({"statuses": ["stopped", "terminated"]}, api)
    assert run.hosts == ["ins-gz000001", "ins-gz000002"]
    assert sorted(params["status"] for params in api.describe_calls()) == [4, 5]


def test_an_unknown_status_is_an_error(parse):
    api = gz_api(1)
    with pytest.raises(AnsibleError, match=r"Invalid value \['creating'\] for config 'statuses'"):
        parse({"statuses": ["creating"]}, api)
    assert api.calls == []


def test_zones_outside_the_regions_warn(parse):
    run = parse({"zone_ids": [100003, 200001]}, gz_api(4))
    assert run.hosts == ["ins-gz000002"]
    assert any("zone_ids 200001 belong to regions that are not listed (ap-guangzhou)" in warning for warning in run.warnings)


def test_templated_credentials_are_rendered(parse, monkeypatch):
    monkeypatch.setenv("MY_QCLOUD_KEY", "key-from-lookup")
    api = FakeLegacyApi([make_record(0, region="bj")], secret_keys={SECRET_ID: "key-from-lookup"})
    config = {
        "secret_key": "{{ lookup('ansible.builtin.env', 'MY_QCLOUD_KEY') }}",
        "region": "{{ 'ap-' ~ 'beijing' }}",
        "endpoint": "{{ 'http://127.0.0.1:1/v2/index.php' }}",
    }
    run = parse(config, api)
    # The fake checks each signature with the key it knows: only the rendered key signs right.
    assert run.hosts == ["ins-bj000000"]
    assert {call.region for call in api.calls} == {"bj"}
    assert {call.url for call in api.calls} == {"http://127.0.0.1:1/v2/index.php"}


def test_templated_regions_are_rendered(parse):
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    run = parse({"regions": ["{{ 'sh' }}"]}, api)
    assert run.hosts == ["ins-sh000001"]


def test_environment_values_are_never_rendered(parse, monkeypatch):
    literal = "{{ lookup('ansible.builtin.env', 'HOME') }}"
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", literal)
    api = gz_api(1)
    api.secret_keys[literal] = SECRET_KEY
    run = parse({}, api)
    assert run.hosts == ["ins-gz000000"]
    assert api.calls[0].data["SecretId"] == literal


def test_a_malformed_endpoint_is_an_error_before_any_request(parse):
    api = gz_api(1)
    with pytest.raises(
        AnsibleParserError, match="option 'endpoint': 'http://127.0.0.1:99999/v2/index.php' is not a usable URL: the port must be a number from 1 to 65535"
    ):
        parse({"endpoint": "http://127.0.0.1:99999/v2/index.php"}, api)
    assert api.calls == []


def test_a_malformed_endpoint_from_the_environment_is_an_error(parse, monkeypatch):
    monkeypatch.setenv("QCLOUD_CVM_ENDPOINT", "127.0.0.1:8080/v2/index.php")
    with pytest.raises(AnsibleParserError, match="option 'endpoint'.*it needs a scheme"):
        parse({}, gz_api(1))


def test_missing_credentials_name_the_option_and_variable(parse, monkeypatch):
    monkeypatch.delenv("TENCENTCLOUD_SECRET_KEY")
    with pytest.raises(AnsibleParserError, match="missing required option 'secret_key': set it, or the environment variable TENCENTCLOUD_SECRET_KEY"):
        parse({}, gz_api(1))


def test_bad_max_workers_is_an_error(parse):
    with pytest.raises(AnsibleParserError, match="max_workers"):
        parse({"max_workers": 0}, gz_api(1))


def test_validate_certs_false_warns(parse):
    run = parse({"validate_certs": False}, gz_api(1))
    assert any("validate_certs is false" in warning for warning in run.warnings)


# -- failures --------------------------------------------------------------------


def test_failing_region_fails_the_source_naming_region_and_error(parse):
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.region_errors["sh"] = error("OperationFail.SystemBusy", "busy")
    with pytest.raises(
        AnsibleError,
        match=r"^qcloud.cvm.cvm: listing CVM instances failed in region ap-shanghai: DescribeInstances "
        r"failed: OperationFail.SystemBusy: busy \(code 5100\)$",
    ):
        parse({"regions": ["gz", "sh"]}, api)
    # The busy region was retried (the default 4 times) before it failed the source.
    assert len(api.calls_of("DescribeInstances", "sh")) == 5 and len(api.retry_sleeps) == 4


def test_skip_failing_regions_warns_and_keeps_the_others(parse):
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.region_errors["sh"] = error("OperationFail.SystemBusy", "busy")
    run = parse({"regions": ["gz", "sh"], "skip_failing_regions": True, "retries": 0}, api)
    assert run.hosts == ["ins-gz000000"]
    assert run.warnings == [
        "qcloud.cvm.cvm: skipping region ap-shanghai: listing its CVM instances failed: DescribeInstances failed: OperationFail.SystemBusy: busy (code 5100)"
    ]


# -- cache -------------------------------------------------------------------------


def cache_config(tmp_path, **extra):
    return dict({"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}, **extra)


def cache_files(tmp_path):
    return sorted((tmp_path / "cache").iterdir())


def cached_value(entry):
    """What the jsonfile cache plugin stored (ansible-core 2.19+ wraps it in a ``__payload__``)."""
    value = json.loads(entry.read_text())
    if isinstance(value, dict) and "__payload__" in value:
        value = json.loads(value["__payload__"])
    return value


def cached_instances(entry):
    """The instances in a cache entry: the plugin stores them as one JSON text."""
    text = cached_value(entry)
    assert isinstance(text, str)
    return json.loads(text)


def test_cache_hit_rebuilds_everything_without_api_calls(parse, tmp_path):
    api = gz_api(3)
    config = cache_config(
        tmp_path, hostnames=["instance_name"], keyed_groups=[{"key": "cvm_zone_id", "prefix": "z"}], compose={"upper": "cvm_instance_name | upper"}
    )
    first = parse(config, api)
    calls = len(api.calls)
    assert api.actions() == ["DescribeInstances", "DescribeSecurityGroupEx"]
    second = parse(config, api)
    assert len(api.calls) == calls
    assert second.hosts == first.hosts == ["seed-00000", "seed-00001", "seed-00002"]
    assert second.hostvars("seed-00001")["upper"] == "SEED-00001"
    assert second.group_hosts("z_100002") == ["seed-00001"]
    assert second.children("cvm_region_ap_guangzhou") == first.children("cvm_region_ap_guangzhou")
    for host in first.hosts:
        assert second.hostvars(host) == first.hostvars(host)


def test_cache_holds_instance_dicts_and_no_secret(parse, tmp_path):
    parse(cache_config(tmp_path), gz_api(2))
    (entry,) = cache_files(tmp_path)
    cached = cached_instances(entry)
    assert [instance["instance_id"] for instance in cached] == ["ins-gz000000", "ins-gz000001"]
    assert all(set(instance) == INSTANCE_KEYS for instance in cached)
    assert cached[0]["region"] == "ap-guangzhou" and cached[0]["status"] == "running"
    text = entry.name + entry.read_text()
    assert SECRET_KEY not in text and SECRET_ID not in text


@pytest.mark.parametrize("value", [[{"instance_id": "ins-gz000000"}], "not json", '{"instance_id": "ins-gz000000"}', None])
def test_a_cache_value_of_another_form_is_a_miss(value):
    # A structure (how format 2 stored the records), text that is no JSON list, or nothing: listed again.
    assert cvm_inventory.instances_from_cache(value) is None


def test_the_cached_text_gives_back_the_instances_it_was_made_from():
    instances = [{"instance_id": "ins-gz000000", "public_ips": ["203.0.113.10"], "system_disk": {"disk_size": 50}}]
    assert cvm_inventory.instances_from_cache(cvm_inventory.cached_form(instances)) == instances


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
    api = FakeLegacyApi([make_record(0, region="gz"), make_record(1, region="sh")])
    api.region_errors["sh"] = error("OperationFail.SystemBusy", "busy")
    config = cache_config(tmp_path, regions=["gz", "sh"], skip_failing_regions=True, retries=0)
    parse(config, api)
    del api.region_errors["sh"]
    run = parse(config, api)
    assert run.hosts == ["ins-gz000000", "ins-sh000001"]


def test_without_the_cache_option_nothing_is_cached(parse, tmp_path):
    api = gz_api(1)
    parse({}, api)
    parse({}, api)
    assert len(api.calls_of("DescribeInstances")) == 2
