# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy client's decisions (_api/base.py, _api/legacy.py): what it sends, retries, raises, and never shows."""

from __future__ import annotations

import json

from urllib.parse import parse_qsl

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import USER_AGENT, Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, ReadOnlyViolation, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient, sign, string_to_sign
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import signature_of

SECRET_KEY = "the-secret-key-that-must-not-leak"
TOKEN = "the-session-token-that-must-not-leak"
ENDPOINT = "http://127.0.0.1:8080/v2/index.php"


class FakeResponse:
    def __init__(self, status_code=200, body=None, text=None):
        self.status_code = status_code
        self.text = text if text is not None else json.dumps(body)


class FakeSession:
    """Plays back answers (a FakeResponse or an exception to raise) and records what was posted."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.posts = []

    def post(self, url, data, headers, timeout, verify):
        self.posts.append({"url": url, "data": dict(data), "headers": dict(headers), "timeout": timeout, "verify": verify})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(session, retries=3, endpoint=ENDPOINT, token=TOKEN, **kwargs):
    sleeps = []
    policy = RetryPolicy(retries=retries, sleep=sleeps.append, rand=lambda: 0.5)
    client = LegacyClient(
        Credentials("AKIDTEST", SECRET_KEY, token), "gz", parse_endpoint(endpoint), retry_policy=policy, session=session, clock=lambda: 1700000000, **kwargs
    )
    return client, sleeps


def answer(code_desc, code, message="", **extra):
    return FakeResponse(body=dict({"code": code, "codeDesc": code_desc, "message": message}, **extra))


OK = FakeResponse(body={"code": 0, "message": "", "unInstanceIds": ["ins-abcdefgh"]})
BUSY = answer("OperationFail.SystemBusy", 5100, "busy")


def business(post):
    return {key: value for key, value in post["data"].items() if key[0].islower()}


def test_sends_signed_post_with_host_header_and_common_parameters():
    session = FakeSession(OK)
    client, _sleeps = make_client(session, timeout=12, validate_certs=False)
    result = client.call("RunInstancesHour", {"zoneId": 100003, "privateIpAddresses": ["10.0.0.5"], "wanIp": True, "keyId": None})
    assert result["unInstanceIds"] == ["ins-abcdefgh"]
    sent = session.posts[0]
    data = sent["data"]
    assert sent["url"] == ENDPOINT and sent["timeout"] == 12 and sent["verify"] is False
    assert sent["headers"]["Host"] == "127.0.0.1:8080"
    assert sent["headers"]["User-Agent"] == USER_AGENT
    assert data["Action"] == "RunInstancesHour" and data["Region"] == "gz" and data["SecretId"] == "AKIDTEST"
    assert data["Token"] == TOKEN and data["SignatureMethod"] == "HmacSHA256" and data["Timestamp"] == "1700000000"
    assert data["privateIpAddresses.0"] == "10.0.0.5" and data["wanIp"] == "1" and "keyId" not in data
    assert data["Signature"] == sign(SECRET_KEY, string_to_sign("POST", "127.0.0.1:8080", "/v2/index.php", data))
    assert SECRET_KEY not in json.dumps(sent)


def test_permanent_keys_send_no_token():
    session = FakeSession(OK)
    client, _sleeps = make_client(session, token="")
    client.call("DescribeInstances", {})
    assert "Token" not in session.posts[0]["data"]


@pytest.mark.parametrize(
    "endpoint, host",
    [
        ("http://127.0.0.1:8080/v2/index.php", "127.0.0.1:8080"),
        ("https://cvm.api.qcloud.com:443/v2/index.php", "cvm.api.qcloud.com"),
        ("http://[::1]:8080/v2/index.php", "[::1]:8080"),
        ("https://[2001:db8::1]/v2/index.php", "[2001:db8::1]"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
    ],
)
def test_the_host_sent_is_the_host_signed(endpoint, host):
    # What a server computes, by an implementation of its own, from the URL it was called at.
    session = FakeSession(OK)
    client, _sleeps = make_client(session, endpoint=endpoint)
    client.call("DescribeInstances", {"instanceIds": ["ins-1", "ins-2"]})
    sent = session.posts[0]
    assert sent["headers"]["Host"] == host
    path = parse_endpoint(endpoint).path
    assert sent["data"]["Signature"] == signature_of(SECRET_KEY, host, path, sent["data"])


def test_retries_with_the_same_business_parameters_and_a_fresh_nonce():
    session = FakeSession(BUSY, requests.exceptions.ConnectionError("reset"), FakeResponse(status_code=502, text="bad gateway"), OK)
    client, sleeps = make_client(session)
    client.call("RunInstancesHour", {"clientToken": "tok-1", "cpu": 1, "password": "Ab12#xyz"})
    assert len(session.posts) == 4
    assert all(business(post) == business(session.posts[0]) for post in session.posts)
    assert business(session.posts[0])["clientToken"] == "tok-1"
    assert len({post["data"]["Nonce"] for post in session.posts}) == 4
    # Each attempt is signed anew, over its own nonce.
    assert len({post["data"]["Signature"] for post in session.posts}) == 4
    for post in session.posts:
        assert post["data"]["Signature"] == signature_of(SECRET_KEY, "127.0.0.1:8080", "/v2/index.php", post["data"])
    # Equal jitter with rand 0.5: 3/4 of the capped exponential delay.
    assert sleeps == [0.375, 0.75, 1.5]
    assert client.retry_policy.delays == sleeps
    assert client.request_count == 4


@pytest.mark.parametrize(
    "transient",
    [
        answer("RequestLimitExceeded", 4400, "slow down"),
        answer("InternalError", 6000, "retry later"),
        answer("OperationFail.SystemBusy", 5100, "busy"),
        answer("InnerError.VpcError", 6000, "vpc"),
        answer("InnerError.VpcError", 5100, "vpc"),
        FakeResponse(status_code=500, text="oops"),
        FakeResponse(status_code=503, text="unavailable"),
        requests.exceptions.ConnectionError("refused"),
        requests.exceptions.ReadTimeout("slow"),
    ],
)
def test_transient_failures_are_retried(transient):
    session = FakeSession(transient, OK)
    client, sleeps = make_client(session)
    assert client.call("DescribeInstances", {})["code"] == 0
    assert len(session.posts) == 2 and len(sleeps) == 1


def test_the_rate_limit_is_marked_throttled():
    client, _sleeps = make_client(FakeSession(answer("RequestLimitExceeded", 4400, "slow down")), retries=0)
    with pytest.raises(ApiError) as caught:
        client.call("DescribeInstances", {})
    assert caught.value.throttled and caught.value.retryable
    assert caught.value.code == "RequestLimitExceeded"


def test_gives_up_after_the_retries_allowed():
    session = FakeSession(BUSY, BUSY, BUSY)
    client, sleeps = make_client(session, retries=2)
    with pytest.raises(ApiError) as caught:
        client.call("RunInstancesHour", {})
    assert caught.value.code == "OperationFail.SystemBusy" and caught.value.retryable and not caught.value.throttled
    assert len(session.posts) == 3 and len(sleeps) == 2


@pytest.mark.parametrize(
    "answer_",
    [
        answer("InvalidParameter", 4000, "(100001)cpu"),
        answer("AuthFailure", 4100, "signature"),
        answer("OperationConstraints.AccountBalanceNotEnough", 5300, "balance"),
        answer("OperationConstraints.InvaildInstanceStatus", 5100, "status"),
        FakeResponse(status_code=404, text="not found"),
        FakeResponse(status_code=403, text="forbidden"),
        FakeResponse(text="<html>not json</html>"),
        FakeResponse(body={"message": "no code"}),
        FakeResponse(body=["not", "an", "object"]),
        FakeResponse(body={"code": "zero"}),
        requests.exceptions.SSLError("certificate verify failed"),
        requests.exceptions.InvalidURL("bad"),
    ],
)
def test_does_not_retry_what_is_not_safe_or_useful_to_retry(answer_):
    session = FakeSession(answer_, OK)
    client, sleeps = make_client(session)
    with pytest.raises((ApiError, TransportError)):
        client.call("RunInstancesHour", {})
    assert len(session.posts) == 1 and sleeps == []


def test_api_error_carries_structured_fields_and_string_code():
    session = FakeSession(answer("InvalidParameter.InvaildZoneId", "4000", "(100002)zoneId", requestId="3c140219-cfe9"))
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError) as caught:
        client.call("RunInstancesHour", {"zoneId": 1})
    assert caught.value.details() == {
        "api_error": {
            "action": "RunInstancesHour",
            "code": "InvalidParameter.InvaildZoneId",
            "message": "(100002)zoneId (code 4000)",
            "request_id": "3c140219-cfe9",
        }
    }
    assert str(caught.value) == "RunInstancesHour failed: InvalidParameter.InvaildZoneId: (100002)zoneId (code 4000) (request ID 3c140219-cfe9)"


def test_an_error_without_code_desc_is_classed_by_its_number():
    client, _sleeps = make_client(FakeSession(FakeResponse(body={"code": 4000, "message": "bad"})))
    with pytest.raises(ApiError) as caught:
        client.call("DescribeInstances", {})
    assert caught.value.details()["api_error"] == {"action": "DescribeInstances", "code": "4000", "message": "bad (code 4000)", "request_id": None}


def test_string_zero_code_is_success():
    client, _sleeps = make_client(FakeSession(FakeResponse(body={"code": "0", "totalCount": 0})))
    assert client.call("DescribeInstances", {})["totalCount"] == 0


def test_replay_answer_mentions_the_clock():
    client, _sleeps = make_client(FakeSession(answer("InvalidRequest.ReplayAttack", 4500, "timestamp")))
    with pytest.raises(ApiError, match="clock") as caught:
        client.call("DescribeInstances", {})
    assert not caught.value.retryable


def test_secrets_never_appear_in_api_errors():
    echo = answer("InvalidParameter.PasswordNotConformSpecs", 4000, "password Secr3t!pass rejected, key {0} token {1}".format(SECRET_KEY, TOKEN))
    client, _sleeps = make_client(FakeSession(echo))
    with pytest.raises(ApiError) as caught:
        client.call("RunInstancesHour", {"password": "Secr3t!pass"})
    text = str(caught.value) + json.dumps(caught.value.details())
    for secret in ("Secr3t!pass", SECRET_KEY, TOKEN):
        assert secret not in text
    assert "********" in text


def test_secrets_never_appear_in_transport_errors():
    for failure in (
        requests.exceptions.ConnectionError("proxy said: key={0} token={1}".format(SECRET_KEY, TOKEN)),
        requests.exceptions.SSLError("handshake with {0}".format(SECRET_KEY)),
        requests.exceptions.InvalidURL("bad {0}".format(TOKEN)),
    ):
        client, _sleeps = make_client(FakeSession(failure), retries=0)
        with pytest.raises(TransportError) as caught:
            client.call("DescribeInstances", {})
        text = str(caught.value) + json.dumps(caught.value.details())
        assert SECRET_KEY not in text and TOKEN not in text


def test_credentials_never_show_their_secrets():
    credentials = Credentials("AKIDTEST", SECRET_KEY, TOKEN)
    assert SECRET_KEY not in repr(credentials) and TOKEN not in repr(credentials) and "AKIDTEST" in repr(credentials)
    assert credentials.secrets() == (SECRET_KEY, TOKEN)
    assert Credentials("AKIDTEST", SECRET_KEY, "").secrets() == (SECRET_KEY,)


def test_timeout_and_tls_errors_are_clear():
    client, _sleeps = make_client(FakeSession(requests.exceptions.ReadTimeout("slow")), retries=0)
    with pytest.raises(TransportError, match="no answer from http://127.0.0.1:8080/v2/index.php within 30 seconds") as caught:
        client.call("DescribeInstances", {})
    assert caught.value.retryable
    client, _sleeps = make_client(FakeSession(requests.exceptions.SSLError("certificate verify failed")), retries=3)
    with pytest.raises(TransportError, match="TLS error") as caught:
        client.call("DescribeInstances", {})
    assert not caught.value.retryable


def test_http_errors_carry_their_status():
    client, _sleeps = make_client(FakeSession(FakeResponse(status_code=502, text="bad gateway")), retries=0)
    with pytest.raises(TransportError) as caught:
        client.call("DescribeInstances", {})
    assert caught.value.details() == {
        "transport_error": {"action": "DescribeInstances", "http_status": 502, "message": "DescribeInstances failed: HTTP 502 from " + ENDPOINT}
    }


@pytest.mark.parametrize(
    "action", ["RunInstancesHour", "ReturnInstance", "StartInstances", "StopInstances", "UpdateInstanceBandwidthHour", "ModifySecurityGroupsOfInstance"]
)
def test_read_only_client_refuses_every_change_without_sending_it(action):
    session = FakeSession()
    client, _sleeps = make_client(session, read_only=True)
    with pytest.raises(ReadOnlyViolation, match="refusing to send {0}".format(action)):
        client.call(action, {})
    assert session.posts == [] and client.request_count == 0


@pytest.mark.parametrize("action", ["DescribeInstances", "InquiryInstancePriceHour", "DescribeImages"])
def test_read_only_client_still_reads(action):
    session = FakeSession(FakeResponse(body={"code": 0, "totalCount": 0, "instanceSet": []}))
    client, _sleeps = make_client(session, read_only=True)
    client.call(action, {})
    assert len(session.posts) == 1


def test_posted_body_round_trips_through_form_encoding():
    # What requests puts on the wire decodes back to exactly what was signed.
    session = FakeSession(OK)
    client, _sleeps = make_client(session)
    client.call("RunInstancesHour", {"instanceName": "a b&c=d \u672a\u547d\u540d", "password": "Ab12#xyz+/"})
    data = session.posts[0]["data"]
    encoded = requests.models.RequestEncodingMixin._encode_params(data)  # pylint: disable=protected-access
    assert dict(parse_qsl(encoded)) == data
