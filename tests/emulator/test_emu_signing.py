# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Spec section 1.6 worked examples, computed by the test client and accepted by the emulator."""

import json

import pytest

from emu_client import Client, hmac_b64, string_to_sign

TENCENT_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"
TENCENT_KEY = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"
EXAMPLE_ID = "AKIDEXAMPLE0000000000000000000000000"
EXAMPLE_KEY = "ExampleSecretKey00000000000000000"
HOST = "cvm.api.qcloud.com"

S5_PARAMS = {
    "Action": "DescribeInstances",
    "Nonce": "11886",
    "Region": "gz",
    "SecretId": TENCENT_ID,
    "Timestamp": "1465185768",
    "instanceIds.0": "ins-09dx96dg",
    "limit": "20",
    "offset": "0",
}
S5_STRING = (
    "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz"
    "&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg"
    "&limit=20&offset=0"
)
S4_PARAMS = {
    "Action": "DescribeInstances",
    "InstanceIds.0": "ins-09dx96dg",
    "Nonce": "11886",
    "Region": "ap-guangzhou",
    "SecretId": TENCENT_ID,
    "SignatureMethod": "HmacSHA256",
    "Timestamp": "1465185768",
}
S4_STRING = (
    "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886"
    "&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256"
    "&Timestamp=1465185768"
)

RUN_PARAMS = {
    "Action": "RunInstancesHour",
    "Region": "gz",
    "Timestamp": "1700000000",
    "Nonce": "12345",
    "SecretId": EXAMPLE_ID,
    "zoneId": "100003",
    "cpu": "1",
    "mem": "2",
    "imageId": "img-31tjrtph",
    "storageSize": "0",
    "bandwidthType": "PayByTraffic",
    "bandwidth": "1",
    "wanIp": "1",
    "password": "Ab12#xyz",
    "instanceName": "ansible test",
    "goodsNum": "1",
    "clientToken": "tok-0001",
}
RUN_STRING_SHA1 = (
    "GETcvm.api.qcloud.com/v2/index.php?Action=RunInstancesHour&Nonce=12345&Region=gz"
    "&SecretId=AKIDEXAMPLE0000000000000000000000000&SignatureMethod=HmacSHA1&Timestamp=1700000000&bandwidth=1"
    "&bandwidthType=PayByTraffic&clientToken=tok-0001&cpu=1&goodsNum=1&imageId=img-31tjrtph"
    "&instanceName=ansible test&mem=2&password=Ab12#xyz&storageSize=0&wanIp=1&zoneId=100003"
)
RUN_QUERY_SHA1 = (
    "Action=RunInstancesHour&Nonce=12345&Region=gz&SecretId=AKIDEXAMPLE0000000000000000000000000"
    "&Signature=wf2YjYVP1Yt%2F3LAzhtQH9qV%2FcCw%3D&SignatureMethod=HmacSHA1&Timestamp=1700000000&bandwidth=1"
    "&bandwidthType=PayByTraffic&clientToken=tok-0001&cpu=1&goodsNum=1&imageId=img-31tjrtph"
    "&instanceName=ansible+test&mem=2&password=Ab12%23xyz&storageSize=0&wanIp=1&zoneId=100003"
)
RUN_SIGNATURES = [
    ("GET", "HmacSHA1", "wf2YjYVP1Yt/3LAzhtQH9qV/cCw="),
    ("POST", "HmacSHA1", "RwlMlHZw5Rgm/sMIW9+Iiw1lQk4="),
    ("GET", "HmacSHA256", "Jtc5gFkFA/H/daPrRCeEe7hZ2KGvRe7tpSpiHPJYYmo="),
    ("POST", "HmacSHA256", "B5iOmaEOSrcmoLaSdnvZjANKyE7+OHZcffUgMpY974o="),
    ("GET", None, "vIP1LfRECGEPwc45N5+PAE7atAQ="),
]
DESCRIBE_LIST_PARAMS = {
    "Action": "DescribeInstances",
    "Nonce": "12345",
    "Region": "gz",
    "SecretId": EXAMPLE_ID,
    "SignatureMethod": "HmacSHA256",
    "Timestamp": "1700000000",
    "instanceIds.0": "ins-abcd1234",
    "instanceIds.1": "ins-efgh5678",
    "limit": "20",
    "offset": "0",
}


def _with_method(params, signature_method):
    out = dict(params)
    if signature_method:
        out["SignatureMethod"] = signature_method
    return out


def test_tencent_s5_vector():
    assert string_to_sign("GET", HOST, S5_PARAMS) == S5_STRING
    assert hmac_b64(S5_STRING, TENCENT_KEY) == "NSI3UqqD99b/UJb4tbG/xZpRW64="


def test_tencent_s4_vectors():
    assert string_to_sign("GET", HOST, S4_PARAMS) == S4_STRING
    assert hmac_b64(S4_STRING, TENCENT_KEY, sha256=True) == "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s="
    sha1_string = S4_STRING.replace("HmacSHA256", "HmacSHA1")
    assert hmac_b64(sha1_string, TENCENT_KEY) == "nPVnY6njQmwQ8ciqbPl5Qe+Oru4="


@pytest.mark.parametrize("method, signature_method, expected", RUN_SIGNATURES)
def test_run_instances_example_signatures(method, signature_method, expected):
    params = _with_method(RUN_PARAMS, signature_method)
    text = string_to_sign(method, HOST, params)
    if method == "GET" and signature_method == "HmacSHA1":
        assert text == RUN_STRING_SHA1
    assert hmac_b64(text, EXAMPLE_KEY, sha256=signature_method == "HmacSHA256") == expected


def test_describe_list_example_signature():
    text = string_to_sign("GET", HOST, DESCRIBE_LIST_PARAMS)
    assert "instanceIds.0=ins-abcd1234&instanceIds.1=ins-efgh5678&limit=20" in text
    assert hmac_b64(text, EXAMPLE_KEY, sha256=True) == "WyTWcioN+yZDN+QOK8se61Uq+fV0WJF/UY2w7Ki1ObM="


def test_emulator_accepts_tencent_vectors(make_emulator):
    handle = make_emulator(secret_id=TENCENT_ID, secret_key=TENCENT_KEY, timestamp_window=0)
    client = handle.client
    s5 = dict(S5_PARAMS, Signature="NSI3UqqD99b/UJb4tbG/xZpRW64=")
    s4 = dict(S4_PARAMS, Signature="0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=")
    s4_sha1 = dict(S4_PARAMS, SignatureMethod="HmacSHA1", Signature="nPVnY6njQmwQ8ciqbPl5Qe+Oru4=")
    for params in (s5, s4, s4_sha1):
        status, body = client.send("GET", params)
        answer = json.loads(body)
        assert status == 200
        assert answer["code"] == 0, answer
        assert answer["totalCount"] == 0 and answer["instanceSet"] == []


def test_chinese_doc_slip_is_rejected(make_emulator):
    """SHA-1 over a string that declares HmacSHA256: the method and algorithm differ."""
    handle = make_emulator(secret_id=TENCENT_ID, secret_key=TENCENT_KEY, timestamp_window=0)
    params = dict(S4_PARAMS, Signature="RVSD1I6ip2Zo56I2HdqRVrt+1TE=")
    assert hmac_b64(S4_STRING, TENCENT_KEY) == "RVSD1I6ip2Zo56I2HdqRVrt+1TE="
    _status, body = handle.client.send("GET", params)
    assert json.loads(body)["code"] == 4100


def test_emulator_accepts_run_example_exact_query(make_emulator):
    handle = make_emulator(secret_id=EXAMPLE_ID, secret_key=EXAMPLE_KEY, timestamp_window=0)
    client = handle.client
    conn = client.connection()
    conn.request("GET", "/v2/index.php?" + RUN_QUERY_SHA1)
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    assert answer["code"] == 0, answer
    ids = answer["unInstanceIds"]
    # The other four signatures of the same request are accepted too; the clientToken keeps them one instance.
    for method, signature_method, signature in RUN_SIGNATURES:
        params = dict(_with_method(RUN_PARAMS, signature_method), Signature=signature)
        status, body = client.send(method, params)
        assert status == 200
        assert json.loads(body) == {"code": 0, "message": "", "codeDesc": "Success", "unInstanceIds": ids}
    instances = handle.control.instances()
    assert [inst["unInstanceId"] for inst in instances] == ids
    assert instances[0]["instanceName"] == "ansible test"
    logged = handle.control.requests()[0]["params"]
    assert logged["password"] == "********" and logged["Signature"] == "********"


def test_signature_over_local_host_header(emu):
    answer = emu.client.call("DescribeInstances")
    assert answer["code"] == 0


def test_signature_over_api_host(emu):
    answer = emu.client.call("DescribeInstances", sign_host=HOST)
    assert answer["code"] == 0


def test_signature_over_other_host_rejected(emu):
    answer = emu.client.call("DescribeInstances", sign_host="example.com")
    assert answer["code"] == 4100
    assert answer["codeDesc"] == "AuthFailure"


def test_client_vectors_do_not_depend_on_emulator_code():
    """The test client signs on its own; the emulator's signer must agree with it."""
    from cvm_emulator import signing  # pylint: disable=import-outside-toplevel

    assert signing.string_to_sign("GET", HOST, _with_method(RUN_PARAMS, "HmacSHA1")) == RUN_STRING_SHA1
    assert Client("http://127.0.0.1:1").signed("DescribeInstances")["Signature"]
