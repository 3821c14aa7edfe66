# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory's cache key covers everything that changes the answer (path, api, SecretId, endpoint, regions, filters)
and never holds the secret key."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleError

from ansible_collections.qcloud.cvm.plugins.inventory import cvm as cvm_inventory
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import Connection
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi, make_record
from ansible_collections.qcloud.cvm.tests.unit.plugins.inventory.inventory_run import SECRET_ID, SECRET_KEY, parser

PATH = "/etc/ansible/demo.cvm.yml"
BASE = {
    "path": PATH,
    "api": "legacy",
    "secret_id": "AKIDONE",
    "secret_key": "secret-one",
    "security_token": None,
    "endpoint": None,
    "regions": ["ap-guangzhou"],
    "filters": {},
    "timeout": 30,
    "retries": 4,
    "validate_certs": True,
}


def material(**changes):
    values = dict(BASE, **changes)
    connection = Connection(
        values["api"],
        Credentials(values["secret_id"], values["secret_key"], values["security_token"]),
        values["regions"][0],
        endpoint=values["endpoint"],
        validate_certs=values["validate_certs"],
        timeout=values["timeout"],
        retries=values["retries"],
    )
    return cvm_inventory.cache_key_material(values["path"], connection, values["regions"], InstanceFilter(**values["filters"]))


@pytest.mark.parametrize(
    "changes",
    [
        dict(path="/etc/ansible/other.cvm.yml"),
        dict(api="v3"),
        dict(secret_id="AKIDTWO"),
        dict(endpoint="http://127.0.0.1:8080/v2/index.php"),
        dict(regions=["ap-shanghai"]),
        dict(regions=["ap-guangzhou", "ap-shanghai"]),
        dict(filters={"statuses": ["running"]}),
        dict(filters={"statuses": []}),
        dict(filters={"zone_ids": [100003]}),
        dict(filters={"project_ids": [1]}),
        dict(filters={"instance_ids": ["ins-1"]}),
        dict(filters={"instance_names": ["web"]}),
        dict(filters={"search_word": "web"}),
    ],
    ids=",".join,
)
def test_what_changes_the_answer_changes_the_key(changes):
    assert material(**changes) != material()


@pytest.mark.parametrize(
    "changes",
    [
        dict(secret_key="secret-two"),
        dict(security_token="session-token"),
        dict(timeout=5),
        dict(retries=0),
        dict(validate_certs=False),
        dict(filters={"statuses": ["running", "running"]}, regions=["ap-guangzhou"]),
    ],
    ids=",".join,
)
def test_what_does_not_change_the_answer_does_not_change_the_key(changes):
    base = material(filters={"statuses": ["running"]}) if "filters" in changes else material()
    assert material(**changes) == base


def test_the_key_never_holds_a_secret():
    text = material(secret_key="secret-one-of-a-kind", security_token="token-one-of-a-kind")
    assert "secret-one-of-a-kind" not in text and "token-one-of-a-kind" not in text
    assert "AKIDONE" in text  # the SecretId names the account; it is not a secret


# -- through the plugin -------------------------------------------------------------


@pytest.fixture
def parse(tmp_path, monkeypatch):
    return parser(tmp_path, monkeypatch)


def api_with_everything():
    api = FakeLegacyApi(
        [make_record(0, region="gz"), make_record(1, region="gz", status=4), make_record(2, region="sh")],
        secret_keys={SECRET_ID: SECRET_KEY, "AKIDOTHER": "other-secret-key"},
    )
    return api


def cached(tmp_path, **extra):
    return dict({"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}, **extra)


def cache_entries(tmp_path):
    return sorted((tmp_path / "cache").iterdir())


def twice(parse, tmp_path, first, second, monkeypatch=None, environment=None):
    """Parse ``first``, then ``second`` (with ``environment`` set in between); the API calls of the second run."""
    api = api_with_everything()
    parse(cached(tmp_path, **first), api)
    for name, value in (environment or {}).items():
        monkeypatch.setenv(name, value)
    calls = len(api.calls)
    run = parse(cached(tmp_path, **second), api)
    return run, len(api.calls) - calls


@pytest.mark.parametrize(
    "first, second",
    [
        ({"region": "gz"}, {"region": "sh"}),
        ({"region": "gz"}, {"region": "{{ 'ap-' ~ 'shanghai' }}"}),
        ({"regions": ["gz"]}, {"regions": ["gz", "sh"]}),
        ({"regions": ["gz"]}, {"regions": ["{{ 'sh' }}"]}),
        ({}, {"secret_id": "AKIDOTHER", "secret_key": "other-secret-key"}),
        ({}, {"endpoint": "http://127.0.0.1:8080/v2/index.php"}),
        ({"endpoint": "http://127.0.0.1:8080/v2/index.php"}, {"endpoint": "http://127.0.0.1:8081/v2/index.php"}),
        ({}, {"statuses": ["stopped"]}),
        ({"statuses": ["running"]}, {"statuses": ["stopped"]}),
        ({}, {"instance_names": ["seed-00000"]}),
        ({}, {"zone_ids": [100001]}),
    ],
    ids=lambda config: ",".join(config) or "defaults",
)
def test_configurations_that_differ_get_their_own_entry(parse, tmp_path, first, second):
    run, calls = twice(parse, tmp_path, first, second)
    assert calls > 0, "the second configuration was answered from the first one's cache"
    assert len(cache_entries(tmp_path)) == 2
    for entry in cache_entries(tmp_path):
        text = entry.name + entry.read_text()
        assert SECRET_KEY not in text and "other-secret-key" not in text
    assert run.hosts


@pytest.mark.parametrize(
    "variable, value", [("TENCENTCLOUD_REGION", "sh"), ("TENCENTCLOUD_SECRET_ID", "AKIDOTHER"), ("QCLOUD_CVM_ENDPOINT", "http://127.0.0.1:8080/v2/index.php")]
)
def test_environment_that_differs_gets_its_own_entry(parse, tmp_path, monkeypatch, variable, value):
    environment = {variable: value}
    if variable == "TENCENTCLOUD_SECRET_ID":
        environment["TENCENTCLOUD_SECRET_KEY"] = "other-secret-key"
    _run, calls = twice(parse, tmp_path, {}, {}, monkeypatch=monkeypatch, environment=environment)
    assert calls > 0
    assert len(cache_entries(tmp_path)) == 2


def test_the_same_configuration_written_otherwise_shares_the_entry(parse, tmp_path):
    _run, calls = twice(
        parse, tmp_path, {"region": "gz", "statuses": ["running", "stopped"]}, {"region": "{{ 'ap-guangzhou' }}", "statuses": ["stopped", "running", "running"]}
    )
    assert calls == 0 and len(cache_entries(tmp_path)) == 1


def test_another_secret_key_of_the_same_secret_id_shares_the_entry(parse, tmp_path):
    # The same SecretId is the same account; the key is never part of the cache key, so it cannot leak through it.
    run, calls = twice(parse, tmp_path, {"secret_key": SECRET_KEY}, {"secret_key": "a-rotated-key-never-used"})
    assert calls == 0 and run.hosts == ["ins-gz000000", "ins-gz000001"]
    assert len(cache_entries(tmp_path)) == 1


@pytest.mark.parametrize("via", ["option", "environment"])
def test_another_api_is_not_answered_from_the_cache_of_the_first(parse, tmp_path, monkeypatch, via):
    api = api_with_everything()
    parse(cached(tmp_path), api)
    if via == "option":
        second = cached(tmp_path, api="v3")
    else:
        second = cached(tmp_path)
        monkeypatch.setenv("QCLOUD_CVM_API", "v3")
    # API 3.0 is asked (the legacy fake answers its JSON posts 404): the legacy entry was not used.
    with pytest.raises(AnsibleError):
        parse(second, api)
    assert api.foreign_posts
    assert len(cache_entries(tmp_path)) == 1
