# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory cache, through real ansible-inventory runs against the emulator: what its key covers.

One configuration file with ``cache: true`` (the jsonfile cache plugin, in a temporary directory) must serve
each region its own hosts, whether the region comes from the environment (TENCENTCLOUD_REGION), from a
lookup in the file (``region: "{{ lookup('env', 'MY_REGION') }}"``) or from an extra variable; a second run
for a region it has cached must send no DescribeInstances at all (the emulator's request log is the judge,
and the emulator is given new instances in between, which only a listing would show). A run whose answer
could differ, another SecretId, another API, another endpoint, other filters or another configuration file, must
not be answered from the cache. Both APIs (the ``api`` fixture).
"""

from __future__ import annotations

import json

import pytest
import yaml

from cvm_harness import (
    APIS,
    HOSTVAR_KEYS,
    INSTANCE_KEYS,
    REGION_NAMES,
    SECRET_ID,
    SECRET_KEY,
    assert_instance_matches,
    cached_entries,
    plain,
    run_ansible,
    start_emulator,
)

pytestmark = pytest.mark.usefixtures("api")

# Only this plugin parses the sources, and a source that fails fails the command.
STRICT = {"ANSIBLE_INVENTORY_ENABLED": "qcloud.cvm.cvm", "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "1"}

# How the region reaches the one configuration file: options of the file, and the run's arguments and
# environment for a region (either spelling).
REGION_SOURCES = {
    "environment": ({}, lambda region: ([], {"TENCENTCLOUD_REGION": region})),
    "lookup": (
        {"region": "{{ lookup('ansible.builtin.env', 'MY_REGION') }}"},
        # TENCENTCLOUD_REGION stays gz: only the templated option can say sh.
        lambda region: ([], {"MY_REGION": region, "TENCENTCLOUD_REGION": "gz"}),
    ),
    "extra_vars": ({"region": "{{ my_region }}"}, lambda region: (["-e", json.dumps({"my_region": region})], {"TENCENTCLOUD_REGION": "gz"})),
}


def write_config(path, cache_dir, **options):
    config = {"plugin": "qcloud.cvm.cvm", "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir), "cache_timeout": 3600}
    config.update(options)
    path.write_text(yaml.safe_dump(config))
    return path


class Lister:
    """ansible-inventory --list of one configuration, counting the DescribeInstances each run sent to ``emulator``."""

    def __init__(self, emulator, config):
        self.emulator = emulator
        self.config = config

    def __call__(self, args=(), env=None, emulator=None, expect_rc=0):
        """(hostvars, the DescribeInstances entries the run sent to ``emulator`` (default the lister's), run)."""
        target = emulator or self.emulator
        before = len(target.requests())
        run = run_ansible("ansible-inventory", self.emulator, ["-i", self.config, "--list"] + list(args), env_extra=dict(STRICT, **(env or {})))
        sent = [e for e in target.requests()[before:] if e["action"] == "DescribeInstances"]
        if expect_rc == 0:
            assert run.rc == 0, run
            return plain(json.loads(run.stdout))["_meta"]["hostvars"], sent, run
        assert run.rc != 0, run
        return None, sent, run


def live_records(emulator, region):
    return {i["unInstanceId"]: i for i in emulator.live_instances() if i["Region"] == region}


@pytest.mark.parametrize("source", sorted(REGION_SOURCES))
def test_each_region_is_cached_on_its_own(emulator, tmp_path, source, api):
    emulator.seed(7, ["gz"], name_prefix="cache-gz")
    emulator.seed(5, ["sh"], name_prefix="cache-sh")
    file_options, region_args = REGION_SOURCES[source]
    cache_dir = tmp_path / "cache"
    lister = Lister(emulator, write_config(tmp_path / "regional.cvm.yml", cache_dir, **file_options))

    def listing(region):
        args, env = region_args(region)
        return lister(args, env)

    gz_records, sh_records = live_records(emulator, "gz"), live_records(emulator, "sh")
    # First runs: each region is listed, from its own region only, and shows its own hosts.
    for region, records in (("gz", gz_records), ("ap-shanghai", sh_records)):
        hostvars, sent, run = listing(region)
        assert sorted(hostvars) == sorted(records), (region, run)
        assert sent and {e["region"] for e in sent} == {emulator.face.region_of("gz" if region == "gz" else "sh")}, sent
        for name, variables in hostvars.items():
            # (ansible-inventory --list shows the extra variables as every host's too.)
            assert {key for key in variables if key.startswith("cvm_")} == HOSTVAR_KEYS
            assert_instance_matches({key[4:]: value for key, value in variables.items() if key.startswith("cvm_")}, records[name], api)
    assert [path for path in cache_dir.iterdir() if path.is_file()], "the inventory wrote no cache"

    # New instances in both regions: only a listing would show them.
    emulator.seed(2, ["gz", "sh"], name_prefix="cache-later")
    for region, records in (("gz", gz_records), ("ap-shanghai", sh_records), ("ap-guangzhou", gz_records), ("sh", sh_records)):
        hostvars, sent, run = listing(region)
        # Served from the cache (either spelling of the region is the same region): no request at all.
        assert sent == [], (region, sent)
        assert sorted(hostvars) == sorted(records), (region, run)
        assert {variables["cvm_region"] for variables in hostvars.values()} == {REGION_NAMES[next(iter(records.values()))["Region"]]}

    # --flush-cache lists again, and shows the new instances.
    args, env = region_args("sh")
    hostvars, sent, run = lister(list(args) + ["--flush-cache"], env)
    assert sent and sorted(hostvars) == sorted(live_records(emulator, "sh")) and len(hostvars) == len(sh_records) + 1, run


def test_a_different_answer_is_never_served_from_the_cache(emulator, tmp_path, api):
    emulator.seed(6, ["gz"], name_prefix="key")
    emulator.seed(3, ["gz"], name_prefix="halted", status=4)
    cache_dir = tmp_path / "cache"
    config = write_config(tmp_path / "keyed.cvm.yml", cache_dir, regions=["gz"])
    lister = Lister(emulator, config)
    everything = live_records(emulator, "gz")
    first, sent, run = lister()
    assert sent and sorted(first) == sorted(everything), run
    cached, sent, run = lister()
    assert sent == [] and cached == first, run

    # Another SecretId: listed again (the emulator knows only its own, so the run fails with its answer)...
    _none, sent, run = lister(env={"TENCENTCLOUD_SECRET_ID": "AKIDOTHER000000000000000000000000000"}, expect_rc=1)
    assert [emulator.face.secret_id(e) for e in sent] == ["AKIDOTHER000000000000000000000000000"], sent
    assert "AuthFailure.SecretIdNotFound" in run.output, run
    # ... and the same SecretId in the file instead of the environment is the cached answer again.
    write_config(config, cache_dir, regions=["gz"], secret_id=SECRET_ID)
    again, sent, run = lister(env={"TENCENTCLOUD_SECRET_ID": ""})
    assert sent == [] and again == first, run

    # Another API on the same endpoint: asked again (neither face can read the other API's request at the other's
    # URL, so the run fails with what came back)...
    other_api = next(name for name in APIS if name != api)
    before = len(emulator.requests())
    _none, sent, run = lister(env={"QCLOUD_CVM_API": other_api}, expect_rc=1)
    if api == "legacy":
        # The 3.0 request reached the legacy face, which logged it (and refused it).
        assert len(emulator.requests()) > before, run
    else:
        # The legacy request reached the 3.0 URL, which is no legacy endpoint (HTTP 404, not logged as an API call).
        assert "HTTP 404 from " + emulator.endpoint in run.output and len(emulator.requests()) == before, run
    # ... and the API written in the file instead of the environment is the same API: the cached answer.
    write_config(config, cache_dir, regions=["gz"], api=api)
    again, sent, run = lister(env={"QCLOUD_CVM_API": None})
    assert sent == [] and again == first, run

    # Other filters: listed again, and only what they select.
    write_config(config, cache_dir, regions=["gz"], statuses=["stopped"])
    stopped, sent, run = lister()
    assert sent, run
    assert sorted(stopped) == sorted(i for i, r in everything.items() if r["status"] == 4) and len(stopped) == 3
    assert {variables["cvm_status"] for variables in stopped.values()} == {"stopped"}
    write_config(config, cache_dir, regions=["gz"], instance_names=["key-00001"])
    named, sent, run = lister()
    assert sent and [variables["cvm_instance_name"] for variables in named.values()] == ["key-00001"], run
    # Each filter's answer is an entry of its own: the unfiltered one is still there.
    write_config(config, cache_dir, regions=["gz"])
    unfiltered, sent, run = lister()
    assert sent == [] and unfiltered == first, run

    # Another configuration file, with the same content: another entry.
    copy = tmp_path / "copy.cvm.yml"
    copy.write_text(config.read_text())
    copied, sent, run = Lister(emulator, copy)()
    assert sent and copied == first, run

    # Another endpoint: another emulator, other instances, listed from there.
    (tmp_path / "other-emulator").mkdir()
    other = start_emulator(workdir=tmp_path / "other-emulator", api=api)
    try:
        other.seed(4, ["gz"], name_prefix="elsewhere")
        before = len(emulator.requests())
        elsewhere, sent, run = lister(env={"QCLOUD_CVM_ENDPOINT": other.endpoint}, emulator=other)
        assert sent, run
        assert sorted(elsewhere) == sorted(i["unInstanceId"] for i in other.live_instances())
        assert {variables["cvm_instance_name"] for variables in elsewhere.values()} == {"elsewhere-0000{0}".format(n) for n in range(4)}
        assert len(emulator.requests()) == before
        # The endpoint as an option of the file is the same endpoint: the cached answer of that emulator.
        write_config(config, cache_dir, regions=["gz"], endpoint=other.endpoint)
        before_other = len(other.requests())
        from_file, sent, run = lister(emulator=other)
        assert sent == [] and from_file == elsewhere and len(other.requests()) == before_other, run
    finally:
        other.stop()

    # The cache never holds a secret; its entries are the instances of each answer.
    cache_text = "".join(path.read_text(encoding="utf-8") for path in cache_dir.iterdir() if path.is_file())
    assert SECRET_KEY not in cache_text and SECRET_ID not in cache_text
    entries = cached_entries(cache_dir)
    assert all(set(instance) == INSTANCE_KEYS for entry in entries for instance in entry)
    assert sorted(sorted(instance["instance_id"] for instance in entry) for entry in entries) == sorted(
        sorted(answer) for answer in (first, stopped, named, copied, elsewhere)
    )
