# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Transport and common parameters: api-notes/legacy.md sections 1 and 2, checklist section 7 steps 1-7."""

import json
import time

from urllib.parse import urlencode

import pytest

from emu_client import Client


def _code(answer):
    return answer["code"], answer["codeDesc"]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("signature_method", [None, "HmacSHA1", "HmacSHA256", "Other"])
def test_both_methods_and_algorithms(emu, method, signature_method):
    answer = emu.client.call("DescribeInstances", method=method, signature_method=signature_method)
    assert answer == {"code": 0, "message": "", "codeDesc": "Success", "totalCount": 0, "instanceSet": []}


def test_success_envelope_and_http(emu):
    params = emu.client.signed("DescribeInstances")
    conn = emu.client.connection()
    conn.request("GET", "/v2/index.php?" + urlencode(params))
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("application/json")
    json.loads(response.read())
    conn.close()


def test_signed_for_get_but_sent_as_post(emu):
    params = emu.client.signed("DescribeInstances", method="GET")
    _status, body = emu.client.send("POST", params)
    assert _code(json.loads(body)) == (4100, "AuthFailure")


def test_post_ignores_query_string(emu):
    params = emu.client.signed("DescribeInstances", method="POST")
    del params["Region"]
    # Region in the query string must not count: POST reads only the body.
    _status, body = emu.client.send("POST", params, query="Region=gz")
    answer = json.loads(body)
    assert answer["code"] == 4000 and "Region" in answer["message"]


def test_get_ignores_body(emu):
    params = emu.client.signed("DescribeInstances")
    conn = emu.client.connection()
    conn.request("GET", "/v2/index.php", body=urlencode(params), headers={"Content-Type": "application/x-www-form-urlencoded"})
    answer = json.loads(conn.getresponse().read())
    conn.close()
    assert answer["code"] == 4000


def test_post_wrong_content_type(emu):
    params = emu.client.signed("DescribeInstances", method="POST")
    _status, body = emu.client.send("POST", params, headers={"Content-Type": "application/json"})
    answer = json.loads(body)
    assert answer["code"] == 4000 and "x-www-form-urlencoded" in answer["message"]


def test_other_paths_404(emu):
    conn = emu.client.connection()
    for path in ("/", "/v2/other.php", "/v3/index.php"):
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert response.status == 404
    conn.close()
    status, _body = emu.client.send("POST", {"a": "b"}, path="/v2/")
    assert status == 404


def test_wrong_signature(emu):
    params = emu.client.signed("DescribeInstances")
    params["Signature"] = "AAAA" + params["Signature"][4:]
    _status, body = emu.client.send("GET", params)
    answer = json.loads(body)
    assert _code(answer) == (4100, "AuthFailure")
    assert answer["message"].startswith("(") and "signature" in answer["message"]


def test_wrong_key(emu):
    client = Client(emu.url, secret_key="not-the-key")
    assert client.call("DescribeInstances")["code"] == 4100


def test_tampered_param_breaks_signature(emu):
    params = emu.client.signed("DescribeInstances", {"limit": "5"})
    params["limit"] = "6"
    _status, body = emu.client.send("GET", params)
    assert json.loads(body)["code"] == 4100


def test_unknown_secret_id(emu):
    client = Client(emu.url, secret_id="AKIDunknown")
    assert _code(client.call("DescribeInstances")) == (4104, "AuthFailure.SecretIdNotFound")


@pytest.mark.parametrize("missing", ["Action", "Region", "Timestamp", "Nonce", "SecretId", "Signature"])
def test_missing_common_param(emu, missing):
    params = emu.client.signed("DescribeInstances")
    del params[missing]
    _status, body = emu.client.send("GET", params)
    answer = json.loads(body)
    assert _code(answer) == (4000, "InvalidParameter")
    assert missing in answer["message"]


def test_missing_checked_before_key(emu):
    client = Client(emu.url, secret_id="AKIDunknown")
    params = client.signed("DescribeInstances")
    del params["Nonce"]
    _status, body = client.send("GET", params)
    assert json.loads(body)["code"] == 4000


def test_non_integer_timestamp(emu):
    answer = emu.client.call("DescribeInstances", timestamp="12.5")
    assert answer["code"] == 4000 and "Timestamp" in answer["message"]


def test_stale_timestamp(emu):
    answer = emu.client.call("DescribeInstances", timestamp=int(time.time()) - 7300)
    assert _code(answer) == (4500, "InvalidRequest.ReplayAttack")
    assert "window" in answer["message"] and "skew" in answer["message"]
    future = emu.client.call("DescribeInstances", timestamp=int(time.time()) + 7300)
    assert future["code"] == 4500


def test_timestamp_inside_window(emu):
    assert emu.client.call("DescribeInstances", timestamp=int(time.time()) - 7000)["code"] == 0


def test_replayed_nonce(emu):
    params = emu.client.signed("DescribeInstances", nonce=424242)
    first = json.loads(emu.client.send("GET", params)[1])
    second = json.loads(emu.client.send("GET", params)[1])
    assert first["code"] == 0
    assert _code(second) == (4500, "InvalidRequest.ReplayAttack")
    assert "Nonce" in second["message"] and "reused" in second["message"]
    # The same nonce with a fresh signature is still a replay.
    assert emu.client.call("DescribeInstances", nonce=424242)["code"] == 4500


def test_failed_signature_does_not_burn_nonce(emu):
    params = emu.client.signed("DescribeInstances", nonce=777)
    bad = dict(params, Signature="x" + params["Signature"][1:])
    assert json.loads(emu.client.send("GET", bad)[1])["code"] == 4100
    assert json.loads(emu.client.send("GET", params)[1])["code"] == 0


def test_window_zero_disables_replay_checks(make_emulator):
    handle = make_emulator(timestamp_window=0)
    for _attempt in range(2):
        assert handle.client.call("DescribeInstances", timestamp=1000, nonce=5)["code"] == 0


def test_security_token(make_emulator):
    handle = make_emulator(security_token="sts-token-1")
    assert _code(handle.client.call("DescribeInstances")) == (4105, "AuthFailure.TokenFailure")
    wrong = Client(handle.url, token="sts-token-2")
    assert wrong.call("DescribeInstances")["code"] == 4105
    right = Client(handle.url, token="sts-token-1")
    assert right.call("DescribeInstances")["code"] == 0
    logged = handle.control.requests()[-1]["params"]
    assert logged["Token"] == "********"


def test_token_checked_before_signature(make_emulator):
    handle = make_emulator(security_token="sts-token-1")
    params = handle.client.signed("DescribeInstances")
    params["Signature"] = "bogus"
    assert json.loads(handle.client.send("GET", params)[1])["code"] == 4105


def test_version_param_rejected(emu):
    answer = emu.client.call("DescribeInstances", {"Version": "2017-03-12"})
    assert _code(answer) == (6100, "InvalidAction")


def test_unknown_action(emu):
    # ResizeInstanceHour is a real legacy action the emulator does not serve.
    answer = emu.client.call("ResizeInstanceHour", {"instanceId": "ins-00000000"})
    assert _code(answer) == (6100, "InvalidAction")
    assert "ResizeInstanceHour" in answer["message"]


@pytest.mark.parametrize("region", ["gz", "ap-guangzhou"])
def test_region_forms(emu, region):
    emu.control.post("seed", {"count": 2, "regions": ["gz"]})
    answer = emu.client.call("DescribeInstances", region=region)
    assert answer["totalCount"] == 2
    assert {item["Region"] for item in answer["instanceSet"]} == {"gz"}


def test_unknown_region(emu):
    answer = emu.client.call("DescribeInstances", region="mars-1")
    assert answer["code"] == 4000 and "Region" in answer["message"]


def test_underscore_keys_are_dotted(emu):
    created = emu.client.create()["unInstanceIds"][0]
    # instanceIds_0 is instanceIds.0 both for the signature and for the action.
    answer = emu.client.call("DescribeInstances", {"instanceIds_0": created})
    assert answer["code"] == 0 and answer["totalCount"] == 1


def test_bad_utf8(emu):
    conn = emu.client.connection()
    conn.request("GET", "/v2/index.php?Action=DescribeInstances&searchWord=%ff%fe")
    answer = json.loads(conn.getresponse().read())
    conn.close()
    assert answer["code"] == 4000


def test_unicode_values_signed_raw(emu):
    emu.client.create({"instanceName": "测试 机器"})
    answer = emu.client.call("DescribeInstances", {"searchWord": "测试"}, method="POST")
    assert answer["totalCount"] == 1
    assert answer["instanceSet"][0]["instanceName"] == "测试 机器"


def test_keep_alive_connection(emu):
    conn = emu.client.connection()
    for _attempt in range(3):
        conn.request("GET", "/v2/index.php?" + urlencode(emu.client.signed("DescribeInstances")))
        assert json.loads(conn.getresponse().read())["code"] == 0
    conn.close()
