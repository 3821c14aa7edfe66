# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared options (_ansible/options.py): the doc fragment says what the argument spec does, the fallbacks, and the
errors that name the option."""

from __future__ import annotations

import re

import pytest
import yaml

from ansible_collections.qcloud.cvm.plugins.doc_fragments.qcloud import ModuleDocFragment
from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.options import (
    COMMON_OPTION_ENV,
    checked_region,
    common_argument_spec,
    connection_from_options,
    resolve_common_options,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import LEGACY_ENDPOINT, open_backend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import filter_argument_spec

VALID = {
    "secret_id": "AKID1",
    "secret_key": "key",
    "region": "gz",
    "endpoint": None,
    "security_token": None,
    "validate_certs": True,
    "timeout": 30,
    "retries": 4,
}


def fragment(name="DOCUMENTATION"):
    return yaml.safe_load(getattr(ModuleDocFragment, name))["options"]


# -- the doc fragment and the argument spec ------------------------------------------


def test_the_fragment_and_the_spec_list_the_same_options():
    assert sorted(fragment()) == sorted(common_argument_spec())


@pytest.mark.parametrize("name", sorted(common_argument_spec()))
def test_each_shared_option_has_the_documented_type_and_default(name):
    documented = fragment()[name]
    option = common_argument_spec()[name]
    assert documented["type"] == option["type"]
    assert documented.get("default") == option.get("default")
    assert type(documented.get("default")) in (type(option.get("default")), int)  # 30 documents the float 30.0
    assert not documented.get("required") and not option.get("required")
    assert documented.get("choices") == option.get("choices")


@pytest.mark.parametrize("name, variable", sorted(COMMON_OPTION_ENV.items()))
def test_each_environment_fallback_is_documented_and_implemented(name, variable):
    assert "E({0})".format(variable) in " ".join(fragment()[name]["description"])
    assert common_argument_spec()[name]["fallback"][1] == [variable]


def test_options_without_a_fallback_document_none():
    for name, documented in fragment().items():
        if name not in COMMON_OPTION_ENV:
            assert "fallback" not in common_argument_spec()[name]
            assert not re.search(r"E\(TENCENTCLOUD_\w+\)|E\(QCLOUD_\w+\)", " ".join(documented["description"])), name


def test_the_api_option_takes_the_known_apis_and_defaults_to_legacy():
    assert fragment()["api"]["choices"] == common_argument_spec()["api"]["choices"] == ["legacy", "v3"]
    assert connection_from_options(dict(VALID, api=None)).api == "legacy"
    assert connection_from_options(dict(VALID, api="v3")).api == "v3"


def test_secrets_are_no_log():
    spec = common_argument_spec()
    assert spec["secret_key"]["no_log"] and spec["security_token"]["no_log"]
    assert not spec["secret_id"]["no_log"] and not spec["region"]["no_log"] and not spec["endpoint"]["no_log"]


def test_the_filters_fragment_and_the_filter_spec_list_the_same_options():
    documented = fragment("FILTERS")
    spec = filter_argument_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        for key in ("type", "elements", "choices", "default"):
            assert documented[name].get(key) == option.get(key), (name, key)


def test_every_spec_is_a_fresh_copy():
    spec = common_argument_spec()
    spec["region"]["type"] = "int"
    assert common_argument_spec()["region"]["type"] == "str"


# -- connection_from_options ---------------------------------------------------------


@pytest.mark.parametrize(
    "missing, variable",
    [
        ("secret_id", "TENCENTCLOUD_SECRET_ID"),
        ("secret_key", "TENCENTCLOUD_SECRET_KEY"),
        ("region", "TENCENTCLOUD_REGION"),
    ],
)
@pytest.mark.parametrize("unset", [None, ""])
def test_missing_required_option_names_option_and_variable(missing, variable, unset):
    with pytest.raises(ConfigError) as caught:
        connection_from_options(dict(VALID, **{missing: unset}))
    assert str(caught.value) == "missing required option '{0}': set it, or the environment variable {1}".format(missing, variable)


@pytest.mark.parametrize(
    "region, name, code",
    [("ap-shanghai", "ap-shanghai", "sh"), ("sh", "ap-shanghai", "sh"), (" GZ ", "ap-guangzhou", "gz"), ("na-siliconvalley", "na-siliconvalley", "usw")],
)
def test_either_spelling_of_a_region_is_its_3_0_name_and_the_client_sends_the_code(region, name, code):
    connection = connection_from_options(dict(VALID, region=region))
    assert connection.region == name
    assert open_backend(connection).client.region == code


def test_an_unknown_region_names_the_option_and_the_known_ones():
    with pytest.raises(ConfigError) as caught:
        connection_from_options(dict(VALID, region="mars-1"))
    assert str(caught.value).startswith("option 'region': unknown region 'mars-1'; use a legacy short code or its 3.0 name: ")
    assert "ap-guangzhou" in str(caught.value) and ", gz," in str(caught.value)
    with pytest.raises(ConfigError, match="^option 'regions': unknown region 'mars'"):
        checked_region("mars", option="regions")


def test_defaults_and_values():
    connection = connection_from_options(dict(VALID, validate_certs=None, timeout=None, retries=None, security_token="tok"))
    assert connection.api == "legacy" and connection.endpoint is None and connection.read_only is False
    assert connection.concurrency == 10
    assert (connection.validate_certs, connection.timeout, connection.retries) == (True, 30.0, 4)
    assert connection.credentials.secret_id == "AKID1" and connection.credentials.security_token == "tok"
    assert open_backend(connection).client.endpoint.url == LEGACY_ENDPOINT
    connection = connection_from_options(dict(VALID, validate_certs=False, timeout=2.5, retries=0), read_only=True)
    assert (connection.validate_certs, connection.timeout, connection.retries, connection.read_only) == (False, 2.5, 0, True)


@pytest.mark.parametrize(
    "option, value, text",
    [
        ("timeout", 0, "option 'timeout' must be greater than 0, got 0"),
        ("timeout", -1.5, "option 'timeout' must be greater than 0, got -1.5"),
        ("retries", -1, "option 'retries' must be 0 or more, got -1"),
        ("api", "v4", "option 'api': 'v4' is not one of legacy, v3"),
    ],
)
def test_bad_values_name_the_option(option, value, text):
    with pytest.raises(ConfigError) as caught:
        connection_from_options(dict(VALID, **{option: value}))
    assert str(caught.value) == text


# -- resolve_common_options (the inventory's way in) ----------------------------------


def test_inventory_options_use_the_same_fallbacks():
    options = {
        "secret_id": None,
        "secret_key": "",
        "region": "sh",
        "endpoint": None,
        "security_token": None,
        "validate_certs": True,
        "timeout": 30,
        "retries": 4,
    }
    resolved = resolve_common_options(
        options.get,
        {"TENCENTCLOUD_SECRET_ID": "AKIDENV", "TENCENTCLOUD_SECRET_KEY": "k", "TENCENTCLOUD_REGION": "gz", "QCLOUD_CVM_ENDPOINT": "http://127.0.0.1:1/"},
    )
    assert resolved["secret_id"] == "AKIDENV" and resolved["secret_key"] == "k"
    assert resolved["region"] == "sh"  # an option that is set wins over the environment
    assert resolved["endpoint"] == "http://127.0.0.1:1/"
    assert resolved["security_token"] is None
    assert sorted(resolved) == sorted(common_argument_spec())


def test_inventory_options_read_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-beijing")
    assert resolve_common_options(lambda name: None)["region"] == "ap-beijing"
