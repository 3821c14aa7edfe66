# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy signer (_api/legacy.py) signs exactly as the worked examples (api-notes/legacy.md 1.3, 1.6)."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import flatten_parameters, sign, string_to_sign

HOST = "cvm.api.qcloud.com"
PATH = "/v2/index.php"
EXAMPLE_KEY = "ExampleSecretKey00000000000000000"
RUN_PARAMS = {
    "Action": "RunInstancesHour",
    "Region": "gz",
    "Timestamp": 1700000000,
    "Nonce": 12345,
    "SecretId": "AKIDEXAMPLE0000000000000000000000000",
    "zoneId": 100003,
    "cpu": 1,
    "mem": 2,
    "imageId": "img-31tjrtph",
    "storageSize": 0,
    "bandwidthType": "PayByTraffic",
    "bandwidth": 1,
    "wanIp": True,
    "password": "Ab12#xyz",
    "instanceName": "ansible test",
    "goodsNum": 1,
    "clientToken": "tok-0001",
}
RUN_STRING = (
    "GETcvm.api.qcloud.com/v2/index.php?Action=RunInstancesHour&Nonce=12345&Region=gz"
    "&SecretId=AKIDEXAMPLE0000000000000000000000000&SignatureMethod=HmacSHA1&Timestamp=1700000000"
    "&bandwidth=1&bandwidthType=PayByTraffic&clientToken=tok-0001&cpu=1&goodsNum=1&imageId=img-31tjrtph"
    "&instanceName=ansible test&mem=2&password=Ab12#xyz&storageSize=0&wanIp=1&zoneId=100003"
)


@pytest.mark.parametrize(
    "method, signature_method, expected",
    [
        ("GET", "HmacSHA1", "wf2YjYVP1Yt/3LAzhtQH9qV/cCw="),
        ("POST", "HmacSHA1", "RwlMlHZw5Rgm/sMIW9+Iiw1lQk4="),
        ("GET", "HmacSHA256", "Jtc5gFkFA/H/daPrRCeEe7hZ2KGvRe7tpSpiHPJYYmo="),
        ("POST", "HmacSHA256", "B5iOmaEOSrcmoLaSdnvZjANKyE7+OHZcffUgMpY974o="),
    ],
)
def test_run_instances_hour_worked_example(method, signature_method, expected):
    params = flatten_parameters(dict(RUN_PARAMS, SignatureMethod=signature_method))
    text = string_to_sign(method, HOST, PATH, params)
    assert text == RUN_STRING.replace("GET", method, 1).replace("HmacSHA1", signature_method)
    assert sign(EXAMPLE_KEY, text, signature_method) == expected


def test_signature_method_omitted_means_sha1():
    params = flatten_parameters(RUN_PARAMS)
    assert sign(EXAMPLE_KEY, string_to_sign("GET", HOST, PATH, params), None) == "vIP1LfRECGEPwc45N5+PAE7atAQ="


def test_the_default_signature_method_is_sha256():
    text = string_to_sign("POST", HOST, PATH, flatten_parameters(dict(RUN_PARAMS, SignatureMethod="HmacSHA256")))
    assert sign(EXAMPLE_KEY, text) == "B5iOmaEOSrcmoLaSdnvZjANKyE7+OHZcffUgMpY974o="


def test_tencent_legacy_test_vector_with_list_and_underscore_rule():
    # Tencent's own vector (S5), given with instanceIds_0 to show that '_' in keys reads as '.'.
    params = {
        "Action": "DescribeInstances",
        "Nonce": "11886",
        "Region": "gz",
        "SecretId": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
        "Timestamp": "1465185768",
        "instanceIds_0": "ins-09dx96dg",
        "limit": "20",
        "offset": "0",
    }
    text = string_to_sign("get", HOST, PATH, params)
    assert text == (
        "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz"
        "&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0"
    )
    assert sign("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA", text, "HmacSHA1") == "NSI3UqqD99b/UJb4tbG/xZpRW64="


def test_describe_list_example_sha256_sorts_case_sensitively():
    params = flatten_parameters(
        {
            "Action": "DescribeInstances",
            "Nonce": 12345,
            "Region": "gz",
            "SecretId": "AKIDEXAMPLE0000000000000000000000000",
            "SignatureMethod": "HmacSHA256",
            "Timestamp": 1700000000,
            "instanceIds": ["ins-abcd1234", "ins-efgh5678"],
            "limit": 20,
            "offset": 0,
        }
    )
    assert sign(EXAMPLE_KEY, string_to_sign("GET", HOST, PATH, params)) == "WyTWcioN+yZDN+QOK8se61Uq+fV0WJF/UY2w7Ki1ObM="


def test_the_signature_itself_is_never_signed():
    params = flatten_parameters(dict(RUN_PARAMS, SignatureMethod="HmacSHA256"))
    assert string_to_sign("POST", HOST, PATH, dict(params, Signature="anything")) == string_to_sign("POST", HOST, PATH, params)


def test_flatten_lists_are_zero_based_and_none_is_not_sent():
    flat = flatten_parameters({"ids": ["a", "b"] + ["x"] * 9, "skip": None, "flag": False, "on": True, "n": 0})
    assert flat["ids.0"] == "a" and flat["ids.1"] == "b" and flat["ids.10"] == "x"
    assert "skip" not in flat and flat["flag"] == "0" and flat["on"] == "1" and flat["n"] == "0"
    # Byte order puts ids.10 before ids.2, as the spec says the server sorts.
    assert string_to_sign("POST", HOST, PATH, flat).index("ids.10=") < string_to_sign("POST", HOST, PATH, flat).index("ids.2=")


def test_flatten_objects_and_lists_of_objects():
    flat = flatten_parameters({"disk": {"size": 50, "type": None}, "tags": [{"k": "a", "v": 1}], "empty": []})
    assert flat == {"disk.size": "50", "tags.0.k": "a", "tags.0.v": "1"}


@pytest.mark.parametrize(
    "endpoint, host",
    [
        ("https://cvm.api.qcloud.com/v2/index.php", "cvm.api.qcloud.com"),
        ("https://cvm.api.qcloud.com:443/v2/index.php", "cvm.api.qcloud.com"),
        ("http://127.0.0.1:8080/v2/index.php", "127.0.0.1:8080"),
        ("http://127.0.0.1/v2/index.php", "127.0.0.1"),
        ("http://[::1]:8080/v2/index.php", "[::1]:8080"),
    ],
)
def test_host_header_is_what_is_signed(endpoint, host):
    assert parse_endpoint(endpoint).host_header == host
