# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared options: environment fallbacks and the errors that name the option."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_module import (
    QcloudConfigError,
    build_client,
    common_argument_spec,
    resolve_common_options,
)
from ansible_collections.qcloud.cvm.plugins.module_utils.regions import legacy_region

VALID = {"secret_id": "AKID1", "secret_key": "key", "region": "gz", "endpoint": None, "security_token": None,
         "validate_certs": True, "timeout": 30, "retries": 4}


def test_secrets_are_no_log_and_fall_back_to_the_environment():
    spec = common_argument_spec()
    assert spec["secret_key"]["no_log"] and spec["security_token"]["no_log"] and not spec["secret_id"]["no_log"]
    assert spec["secret_key"]["fallback"][1] == ["TENCENTCLOUD_SECRET_KEY"]
    assert spec["endpoint"]["fallback"][1] == ["QCLOUD_CVM_ENDPOINT"]


@pytest.mark.parametrize("missing, variable", [
    ("secret_id", "TENCENTCLOUD_SECRET_ID"),
    ("secret_key", "TENCENTCLOUD_SECRET_KEY"),
    ("region", "TENCENTCLOUD_REGION"),
])
def test_missing_required_option_names_option_and_variable(missing, variable):
    with pytest.raises(QcloudConfigError) as caught:
        build_client(dict(VALID, **{missing: None}))
    assert "'{0}'".format(missing) in str(caught.value) and variable in str(caught.value)


def test_region_current_name_becomes_legacy_code_and_unknown_fails():
    assert build_client(dict(VALID, region="ap-shanghai")).region == "sh"
    with pytest.raises(QcloudConfigError, match="option 'region'"):
        build_client(dict(VALID, region="mars-1"))
    assert legacy_region(" GZ ") == "gz"


def test_default_endpoint_and_bad_numbers():
    assert build_client(VALID).endpoint == "https://cvm.api.qcloud.com/v2/index.php"
    with pytest.raises(QcloudConfigError, match="'timeout'"):
        build_client(dict(VALID, timeout=0))
    with pytest.raises(QcloudConfigError, match="'retries'"):
        build_client(dict(VALID, retries=-1))


def test_inventory_options_use_the_same_fallbacks():
    options = {"secret_id": None, "secret_key": "", "region": "sh", "endpoint": None, "security_token": None,
               "validate_certs": True, "timeout": 30, "retries": 4}
    resolved = resolve_common_options(options.get, {"TENCENTCLOUD_SECRET_ID": "AKIDENV", "TENCENTCLOUD_SECRET_KEY": "k",
                                                    "TENCENTCLOUD_REGION": "gz"})
    assert resolved["secret_id"] == "AKIDENV" and resolved["secret_key"] == "k"
    assert resolved["region"] == "sh"  # an option that is set wins over the environment
