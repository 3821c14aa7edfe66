# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The client's decisions: what it sends, what it retries, what it raises, what it never shows."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import (
    QcloudApiError,
    QcloudClient,
    QcloudReadOnlyError,
    QcloudTransportError,
    sign,
    string_to_sign,
)
from ansible_collections.qcloud.cvm.plugins.module_utils.retries import RetryPolicy

SECRET_KEY = "the-secret-key-that-must-not-leak"
TOKEN = "the-session-token-that-must-not-leak"


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
        self.posts.append({"url": url, "data": dict(data), "headers": headers, "timeout": timeout, "verify": verify})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_client(session, retries=3, **kwargs):
    sleeps = []
    policy = RetryPolicy(retries=retries, sleep=sleeps.append, rand=lambda: 0.5)
    client = QcloudClient("AKIDTEST", SECRET_KEY, "gz", endpoint="http://127.0.0.1:8080/v2/index.php",
                          security_token=TOKEN, retry_policy=policy, session=session, clock=lambda: 1700000000, **kwargs)
    return client, sleeps


OK = FakeResponse(body={"code": 0, "message": "", "unInstanceIds": ["ins-abcdefgh"]})
BUSY = FakeResponse(body={"code": 5100, "codeDesc": "OperationFail.SystemBusy", "message": "busy"})


def test_sends_signed_post_with_host_header_and_common_parameters():
    session = FakeSession(OK)
    client, dummy = make_client(session)
    answer = client.call("RunInstancesHour", {"zoneId": 100003, "privateIpAddresses": ["10.0.0.5"], "wanIp": True, "keyId": None})
    assert answer["unInstanceIds"] == ["ins-abcdefgh"]
    sent = session.posts[0]
    data = sent["data"]
    assert sent["headers"]["Host"] == "127.0.0.1:8080"
    assert data["Action"] == "RunInstancesHour" and data["Region"] == "gz" and data["SecretId"] == "AKIDTEST"
    assert data["Token"] == TOKEN and data["SignatureMethod"] == "HmacSHA256" and data["Timestamp"] == "1700000000"
    assert data["privateIpAddresses.0"] == "10.0.0.5" and data["wanIp"] == "1" and "keyId" not in data
    assert data["Signature"] == sign(SECRET_KEY, string_to_sign("POST", "127.0.0.1:8080", "/v2/index.php", data))
    assert SECRET_KEY not in json.dumps(sent)


def test_retries_busy_with_same_business_parameters_and_fresh_nonce():
    session = FakeSession(BUSY, requests.exceptions.ConnectionError("reset"), FakeResponse(status_code=502, text="bad gateway"), OK)
    client, sleeps = make_client(session)
    client.call("RunInstancesHour", {"clientToken": "tok-1", "cpu": 1})
    assert len(session.posts) == 4
    business = [{k: v for k, v in p["data"].items() if k[0].islower()} for p in session.posts]
    assert all(b == business[0] for b in business) and business[0]["clientToken"] == "tok-1"
    assert len({p["data"]["Nonce"] for p in session.posts}) == 4
    # Equal jitter with rand 0.5: 3/4 of the capped exponential delay.
    assert sleeps == [0.375, 0.75, 1.5]
    assert client.request_count == 4


def test_gives_up_after_the_retries_allowed():
    session = FakeSession(BUSY, BUSY, BUSY)
    client, sleeps = make_client(session, retries=2)
    with pytest.raises(QcloudApiError) as caught:
        client.call("RunInstancesHour", {})
    assert caught.value.code == 5100 and caught.value.code_desc == "OperationFail.SystemBusy"
    assert len(session.posts) == 3 and len(sleeps) == 2


@pytest.mark.parametrize("answer", [
    FakeResponse(body={"code": 4000, "codeDesc": "InvalidParameter", "message": "(100001)cpu"}),
    FakeResponse(body={"code": 4100, "codeDesc": "AuthFailure", "message": "signature"}),
    FakeResponse(body={"code": 5300, "codeDesc": "OperationConstraints.AccountBalanceNotEnough", "message": "balance"}),
    FakeResponse(status_code=404, text="not found"),
    FakeResponse(text="<html>not json</html>"),
])
def test_does_not_retry_what_is_not_safe_or_useful_to_retry(answer):
    session = FakeSession(answer, OK)
    client, sleeps = make_client(session)
    with pytest.raises((QcloudApiError, QcloudTransportError)):
        client.call("RunInstancesHour", {})
    assert len(session.posts) == 1 and sleeps == []


def test_api_error_carries_structured_fields_and_string_code():
    session = FakeSession(FakeResponse(body={"code": "4000", "codeDesc": "InvalidParameter.InvaildZoneId", "message": "(100002)zoneId"}))
    client, dummy = make_client(session)
    with pytest.raises(QcloudApiError) as caught:
        client.call("RunInstancesHour", {"zoneId": 1})
    assert caught.value.result() == {"api_error": {"action": "RunInstancesHour", "code": 4000,
                                                   "code_desc": "InvalidParameter.InvaildZoneId", "message": "(100002)zoneId"}}
    assert "InvaildZoneId" in str(caught.value) and "4000" in str(caught.value)


def test_string_zero_code_is_success():
    client, dummy = make_client(FakeSession(FakeResponse(body={"code": "0", "totalCount": 0})))
    assert client.call("DescribeInstances", {})["totalCount"] == 0


def test_replay_answer_mentions_the_clock():
    client, dummy = make_client(FakeSession(FakeResponse(body={"code": 4500, "codeDesc": "InvalidRequest.ReplayAttack", "message": "timestamp"})))
    with pytest.raises(QcloudApiError, match="clock"):
        client.call("DescribeInstances", {})


def test_secrets_never_appear_in_errors():
    echo = FakeResponse(body={"code": 4000, "codeDesc": "InvalidParameter.PasswordNotConformSpecs",
                              "message": "password Secr3t!pass rejected, key {0} token {1}".format(SECRET_KEY, TOKEN)})
    client, dummy = make_client(FakeSession(echo))
    with pytest.raises(QcloudApiError) as caught:
        client.call("RunInstancesHour", {"password": "Secr3t!pass"})
    text = str(caught.value) + json.dumps(caught.value.result())
    for secret in ("Secr3t!pass", SECRET_KEY, TOKEN):
        assert secret not in text


def test_timeout_and_tls_errors_are_clear():
    client, dummy = make_client(FakeSession(requests.exceptions.ReadTimeout("slow")), retries=0)
    with pytest.raises(QcloudTransportError, match="no answer .* within 30 seconds") as caught:
        client.call("DescribeInstances", {})
    assert caught.value.retryable
    client, dummy = make_client(FakeSession(requests.exceptions.SSLError("certificate verify failed")), retries=3)
    with pytest.raises(QcloudTransportError, match="TLS error") as caught:
        client.call("DescribeInstances", {})
    assert not caught.value.retryable


def test_read_only_client_refuses_mutations_but_reads():
    session = FakeSession(FakeResponse(body={"code": 0, "totalCount": 0, "instanceSet": []}))
    client, dummy = make_client(session, read_only=True)
    for action in ("RunInstancesHour", "ReturnInstance"):
        with pytest.raises(QcloudReadOnlyError):
            client.call(action, {})
    assert session.posts == []
    client.call("DescribeInstances", {})
    assert len(session.posts) == 1


def test_posted_body_round_trips_through_form_encoding():
    # What requests puts on the wire decodes back to exactly what was signed.
    session = FakeSession(OK)
    client, dummy = make_client(session)
    client.call("RunInstancesHour", {"instanceName": "a b&c=d", "password": "Ab12#xyz+/"})
    data = session.posts[0]["data"]
    encoded = requests.models.RequestEncodingMixin._encode_params(data)  # pylint: disable=protected-access
    assert dict(parse_qsl(encoded)) == data
