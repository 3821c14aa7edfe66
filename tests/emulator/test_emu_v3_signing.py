# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The 3.0 face's transport: routing, TC3 verification, common headers, the envelope, the worked vectors."""

import json
import time

import pytest

from emu_v3_client import V3Client

EXAMPLE_ID = "AKIDEXAMPLE0000000000000000000000000"
EXAMPLE_KEY = "ExampleSecretKey00000000000000000"
VECTOR_B_BODY = (
    b'{"InstanceChargeType": "POSTPAID_BY_HOUR", "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0}, '
    b'"InstanceType": "S1.SMALL2", "ImageId": "img-31tjrtph", "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20}, '
    b'"InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, '
    b'"PublicIpAssigned": true}, "InstanceCount": 1, "InstanceName": "ansible test", "LoginSettings": {"Password": '
    b'"Ab12#xyz"}, "EnhancedService": {"SecurityService": {"Enabled": true}, "MonitorService": {"Enabled": true}}, '
    b'"ClientToken": "tok-0001"}'
)
VECTOR_D_BODY = (
    b'{"Filters": [{"Name": "instance-name", "Values": ["\\u672a\\u547d\\u540d"]}, {"Name": "tag:ansible-group", '
    b'"Values": ["web"]}], "Offset": 0, "Limit": 100}'
)


def _auth(secret_id, date, signature, service="cvm"):
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders=content-type;host, Signature={signature}"


def _vector(client, method, target, host, content_type, action, region, timestamp, authorization, body=None, extra=None):
    headers = {
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-RequestClient": "SDK_PYTHON_3.1.178",
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Version": "2017-03-12",
        "X-TC-Region": region,
        "X-TC-Language": "zh-CN",
        "Authorization": authorization,
    }
    headers.update(extra or {})
    answer = client.raw(method, target, body, headers)
    assert answer.status == 200 and answer.content_type == "application/json", answer
    return answer.response


def test_vectors_b_d_e(make_emulator):
    handle = make_emulator(secret_id=EXAMPLE_ID, secret_key=EXAMPLE_KEY, v3_timestamp_window=0, create_delay=0)
    client = V3Client(handle.url, EXAMPLE_ID, EXAMPLE_KEY)
    auth = _auth(EXAMPLE_ID, "2023-11-14", "c356b879b7eb69bc75c9779ddc2ddbf50a3d063292f4bb1b8618f0f7b3ae6937")
    created = _vector(client, "POST", "/", "cvm.tencentcloudapi.com", "application/json", "RunInstances", "ap-guangzhou", 1700000000, auth, VECTOR_B_BODY)
    assert len(created["InstanceIdSet"]) == 1, created
    (inst,) = V3Client(handle.url, EXAMPLE_ID, EXAMPLE_KEY).instances()
    assert inst["InstanceName"] == "ansible test" and inst["SystemDisk"]["DiskSize"] == 20
    assert inst["InternetAccessible"]["InternetChargeType"] == "TRAFFIC_POSTPAID_BY_HOUR" and inst["PublicIpAddresses"]
    auth = _auth(EXAMPLE_ID, "2023-11-14", "f17ef7b8f9017df3779a41500398f3fddd1997a0bb0d71f81a749e0cb8947376")
    found = _vector(client, "POST", "/", "cvm.tencentcloudapi.com", "application/json", "DescribeInstances", "ap-shanghai", 1700000000, auth, VECTOR_D_BODY)
    assert found["TotalCount"] == 0 and found["InstanceSet"] == []
    auth = _auth(EXAMPLE_ID, "2023-11-14", "7b8ec7019291f61f2d177e8d330992917716dfbc19e0966442fcc5a2ce0bda3a")
    target = "/?Filters.0.Name=instance-name&Filters.0.Values.0=%E6%9C%AA%E5%91%BD%E5%90%8D+web&Limit=100"
    found = _vector(
        client, "GET", target, "cvm.tencentcloudapi.com", "application/x-www-form-urlencoded", "DescribeInstances", "ap-guangzhou", 1700000000, auth
    )
    assert found["TotalCount"] == 0
    # The same vector once the window is on: the 2023 timestamp has expired.
    strict = make_emulator(secret_id=EXAMPLE_ID, secret_key=EXAMPLE_KEY)
    expired = _vector(
        V3Client(strict.url),
        "GET",
        target,
        "cvm.tencentcloudapi.com",
        "application/x-www-form-urlencoded",
        "DescribeInstances",
        "ap-guangzhou",
        1700000000,
        auth,
    )
    assert expired["Error"]["Code"] == "AuthFailure.SignatureExpire"


def test_vector_c_with_token(make_emulator):
    handle = make_emulator(secret_id=EXAMPLE_ID, secret_key=EXAMPLE_KEY, v3_timestamp_window=0, security_token="exampleSessionToken0001")
    client = V3Client(handle.url)
    auth = _auth(EXAMPLE_ID, "2023-11-14", "a80ae2ab9b0e9eb890789039c04e72929a330db31762f880f1b08ac3ffaa995b")
    target = "/?InstanceIds.0=ins-abcd1234&InstanceIds.1=ins-efgh5678&Offset=0&Limit=20"
    args = ("GET", target, "cvm.ap-guangzhou.tencentcloudapi.com", "application/x-www-form-urlencoded", "DescribeInstances", "ap-guangzhou", 1700000000, auth)
    found = _vector(client, *args, extra={"X-TC-Token": "exampleSessionToken0001", "X-TC-Language": "en-US"})
    assert found == {"TotalCount": 0, "InstanceSet": [], "RequestId": found["RequestId"]}
    assert _vector(client, *args)["Error"]["Code"] == "AuthFailure.TokenFailure"
    assert _vector(client, *args, extra={"X-TC-Token": "wrong"})["Error"]["Code"] == "AuthFailure.TokenFailure"


def test_tencent_vector_with_charset(make_emulator):
    """Tencent's own example (v3.md 2.0): Content-Type with a charset parameter is signed and accepted."""
    handle = make_emulator(secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", v3_timestamp_window=0)
    client = V3Client(handle.url)
    body = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    for content_type, signature in (
        ("application/json; charset=utf-8", "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"),
        ("application/json", "683bd0b53659853c39699162253251192320a09b3937e27bf8e08a559b1465b8"),
    ):
        auth = _auth("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "2019-02-25", signature)
        found = _vector(client, "POST", "/", "cvm.tencentcloudapi.com", content_type, "DescribeInstances", "ap-guangzhou", 1551113065, auth, body)
        assert found["TotalCount"] == 0, found


def test_own_client_both_methods(v3):
    assert v3.ok("DescribeZones")["TotalCount"] == 6
    assert v3.ok("DescribeZones", method="GET")["TotalCount"] == 6
    assert v3.ok("DescribeInstances", {"Limit": 5}, content_type="application/json; charset=UTF-8")["TotalCount"] == 0


def test_envelope_and_content_type(v3):
    answer = v3.send("DescribeInstances", {"Limit": 0})
    assert answer.status == 200 and answer.content_type == "application/json"
    body = json.loads(answer.raw)
    assert set(body) == {"Response"} and set(body["Response"]) == {"Error", "RequestId"}
    assert set(body["Response"]["Error"]) == {"Code", "Message"} and body["Response"]["Error"]["Code"] == "InvalidParameterValue.Range"
    assert len(body["Response"]["RequestId"]) == 36
    ok = v3.send("DescribeZones")
    assert ok.content_type == "application/json" and ok.response["RequestId"] != body["Response"]["RequestId"]


@pytest.mark.parametrize(
    "change, code",
    [
        ({"secret_key": "wrong-key"}, "AuthFailure.SignatureFailure"),
        ({"service": "vpc"}, "AuthFailure.SignatureFailure"),
        ({"sign_host": "cvm.tencentcloudapi.com"}, "AuthFailure.SignatureFailure"),
        ({"seconds_off": -301}, "AuthFailure.SignatureExpire"),
        ({"seconds_off": 400}, "AuthFailure.SignatureExpire"),
        ({"secret_id": "AKIDnobody"}, "AuthFailure.SecretIdNotFound"),
    ],
)
def test_auth_failures(v3, shared_server, change, code):
    kwargs = {key: value for key, value in change.items() if key not in ("secret_key", "secret_id", "seconds_off")}
    if "seconds_off" in change:
        # The clock is read when the test runs: a timestamp taken at collection is stale by then under xdist.
        kwargs["timestamp"] = int(time.time()) + change["seconds_off"]
    client = V3Client(shared_server.url, secret_id=change.get("secret_id", v3.secret_id), secret_key=change.get("secret_key", v3.secret_key))
    assert client.error("DescribeInstances", **kwargs) == code


def test_signature_covers_the_body_and_query(v3):
    signed = v3.send("DescribeInstances", {"Limit": 1}, body=b'{"Limit": 1}')
    assert "Error" not in signed.response
    tampered = v3.raw("POST", "/", b'{"Limit": 2}', _headers_of(v3, b'{"Limit": 1}'))
    assert tampered.error == "AuthFailure.SignatureFailure"


def _headers_of(v3, payload):
    """Headers signed for ``payload`` (to send with another body)."""
    from emu_v3_client import sign  # pylint: disable=import-outside-toplevel

    now = int(time.time())
    date, signature = sign(v3.secret_key, "POST", v3.netloc, "application/json", "", payload, now, "cvm")
    return {
        "Host": v3.netloc,
        "Content-Type": "application/json",
        "X-TC-Action": "DescribeInstances",
        "X-TC-Timestamp": str(now),
        "X-TC-Version": "2017-03-12",
        "X-TC-Region": "ap-guangzhou",
        "Authorization": _auth(v3.secret_id, date, signature),
    }


def test_authorization_shape(v3):
    headers = _headers_of(v3, b"{}")
    for bad in ("", "HMAC-SHA256 Credential=x", "TC3-HMAC-SHA256 Credential=a/b", "TC3-HMAC-SHA256 SignedHeaders=host"):
        answer = v3.raw("POST", "/", b"{}", dict(headers, Authorization=bad))
        assert answer.error == "AuthFailure.InvalidAuthorization", (bad, answer)
    wrong_date = headers["Authorization"].replace("/20", "/19", 1)
    assert v3.raw("POST", "/", b"{}", dict(headers, Authorization=wrong_date)).error == "AuthFailure.SignatureFailure"
    no_host = headers["Authorization"].replace("content-type;host", "content-type")
    assert v3.raw("POST", "/", b"{}", dict(headers, Authorization=no_host)).error == "AuthFailure.SignatureFailure"
    no_time = {name: value for name, value in headers.items() if name != "X-TC-Timestamp"}
    assert v3.raw("POST", "/", b"{}", no_time).error == "MissingParameter"


def test_unsigned_payload(v3):
    headers = _headers_of(v3, b"UNSIGNED-PAYLOAD")
    headers["X-TC-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    answer = v3.raw("POST", "/", b'{"Limit": 3}', headers)
    assert answer.status == 200 and "Error" not in answer.response, answer


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"version": "2020-01-01"}, "NoSuchVersion"),
        ({"omit": ("X-TC-Version",)}, "MissingParameter"),
        ({"omit": ("X-TC-Region",)}, "MissingParameter"),
        ({"region": "gz"}, "UnsupportedRegion"),
        ({"region": "ap-nowhere"}, "UnsupportedRegion"),
    ],
)
def test_common_headers(v3, kwargs, code):
    assert v3.error("DescribeInstances", **kwargs) == code


def test_unknown_action_and_missing_action(v3):
    assert v3.error("DescribeNothing") == "InvalidAction"
    assert v3.error("DescribeVpcs", service="vpc") == "InvalidAction"
    assert v3.error("") == "MissingParameter"


def test_request_shapes(v3):
    assert v3.error("DescribeInstances", content_type="multipart/form-data; boundary=x") == "InvalidRequest"
    assert v3.error("DescribeInstances", content_type="text/plain") == "InvalidParameter"
    assert v3.error("DescribeInstances", content_type="application/x-www-form-urlencoded", body=b"Limit=1") == "AuthFailure.InvalidAuthorization"
    assert v3.error("DescribeInstances", content_type="application/x-www-form-urlencoded", body=b"Signature=abc&Limit=1") == "AuthFailure.SignatureFailure"
    assert v3.error("DescribeInstances", body=b"{not json") == "InvalidParameter"
    assert v3.error("DescribeInstances", body=b"[1, 2]") == "InvalidParameter"
    assert v3.error("DescribeInstances", body=b"\xff\xfe") == "InvalidParameter"
    assert v3.error("DescribeInstances", {"Limit": 5, "Colour": "red"}) == "UnknownParameter"
    assert v3.error("DescribeInstances", {"Limit": "5"}) == "InvalidParameter"
    assert v3.ok("DescribeInstances", {"Limit": "5"}, method="GET")["TotalCount"] == 0
    assert v3.error("DescribeInstances", {"Limit": "five"}, method="GET") == "InvalidParameter"


def test_size_limits(v3):
    big = v3.send("DescribeInstances", method="GET", params={"Filters": [{"Name": "instance-name", "Values": ["x" * 33000]}]})
    assert big.error == "RequestSizeLimitExceeded"
    headers = _headers_of(v3, b"{}")
    conn_answer = v3.raw("POST", "/", b"{}", dict(headers, **{"Content-Length": str(11 * 1024 * 1024)}))
    assert conn_answer.error == "RequestSizeLimitExceeded"


def test_routing(v3):
    # Without a TC3 Authorization or X-TC-Action, "/" is no API (as before the 3.0 face).
    assert v3.raw("GET", "/", None, {"Host": v3.netloc}).status == 404
    assert v3.raw("DELETE", "/", None, {"Host": v3.netloc, "X-TC-Action": "DescribeZones"}).status == 404
    assert v3.raw("GET", "/other", None, {"Host": v3.netloc, "X-TC-Action": "DescribeZones"}).status == 404
    answer = v3.raw("POST", "/", b"{}", {"Host": v3.netloc, "Content-Type": "application/json", "X-TC-Action": "DescribeZones"})
    assert answer.error == "AuthFailure.InvalidAuthorization"
