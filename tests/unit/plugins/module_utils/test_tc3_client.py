# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The API 3.0 client's decisions: what it sends, what it returns, what it retries, what it never shows."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.module_utils._api import tc3
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, ReadOnlyViolation, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy

SECRET_ID = "AKIDEXAMPLE0000000000000000000000000"
SECRET_KEY = "the-secret-key-that-must-not-leak"
TOKEN = "the-session-token-that-must-not-leak"
PASSWORD = "Secr3t!pass"
REQUEST_ID = "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"


class FakeResponse:
    def __init__(self, status_code=200, body=None, content=None):
        self.status_code = status_code
        self.content = content if content is not None else json.dumps(body).encode("utf-8")


class FakeSession:
    """Plays back answers (a FakeResponse or an exception to raise) and records what was posted."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.posts = []

    def post(self, url, data, headers, timeout, verify):
        self.posts.append({"url": url, "data": data, "headers": dict(headers), "timeout": timeout, "verify": verify})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    """A clock that moves one second per reading, so each attempt has its own timestamp."""

    def __init__(self, start=1700000000):
        self.now = start - 1

    def __call__(self):
        self.now += 1
        return self.now


def make_client(session, retries=3, token=TOKEN, endpoint="http://127.0.0.1:8080/", **kwargs):
    sleeps = []
    policy = RetryPolicy(retries=retries, sleep=sleeps.append, rand=lambda: 0.5)
    client = tc3.V3Client(
        Credentials(SECRET_ID, SECRET_KEY, token), "ap-guangzhou", parse_endpoint(endpoint), retry_policy=policy, session=session, clock=Clock(), **kwargs
    )
    return client, sleeps


def answer(**fields):
    return FakeResponse(body={"Response": dict(fields, RequestId=REQUEST_ID)})


def error(code, message="something went wrong"):
    return FakeResponse(body={"Response": {"Error": {"Code": code, "Message": message}, "RequestId": REQUEST_ID}})


OK = answer(InstanceIdSet=["ins-abcdefgh"])
THROTTLED = error("RequestLimitExceeded", "Your current request times equals to `21` in a second")
RUN = {"Placement": {"Zone": "ap-guangzhou-3"}, "ImageId": "img-31tjrtph", "InstanceName": "\u6d4b\u8bd5", "LoginSettings": {"Password": PASSWORD}}


def signed_correctly(post, secret_key=SECRET_KEY):
    headers = post["headers"]
    expected = tc3.sign(
        SECRET_ID, secret_key, int(headers["X-TC-Timestamp"]), "POST", "/", "", {"Content-Type": headers["Content-Type"], "Host": headers["Host"]}, post["data"]
    )
    return headers["Authorization"] == expected


# -- what it sends ---------------------------------------------------------------------------------


def test_sends_the_signed_bytes_with_every_header():
    session = FakeSession(OK)
    client, dummy = make_client(session)
    client.call("RunInstances", dict(RUN, ClientToken="tok-1", KeyIds=None))
    post = session.posts[0]
    assert post["url"] == "http://127.0.0.1:8080/"
    assert isinstance(post["data"], bytes)
    assert json.loads(post["data"]) == dict(RUN, ClientToken="tok-1")  # None is "not sent"
    assert b"\\u6d4b\\u8bd5" in post["data"] and max(post["data"]) < 128  # non-ASCII escaped
    headers = post["headers"]
    assert headers["Host"] == "127.0.0.1:8080"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-TC-Action"] == "RunInstances" and headers["X-TC-Version"] == "2017-03-12"
    assert headers["X-TC-Timestamp"] == "1700000000" and headers["X-TC-Region"] == "ap-guangzhou"
    assert headers["X-TC-Token"] == TOKEN and headers["X-TC-Language"] == "en-US"
    assert headers["X-TC-RequestClient"].startswith("ansible-qcloud.cvm_")
    assert headers["Authorization"].startswith(
        "TC3-HMAC-SHA256 Credential={0}/2023-11-14/cvm/tc3_request, SignedHeaders=content-type;host, Signature=".format(SECRET_ID)
    )
    assert signed_correctly(post)
    assert SECRET_KEY not in json.dumps(headers) and SECRET_KEY.encode() not in post["data"]


def test_no_token_header_for_permanent_keys():
    session = FakeSession(OK)
    client, dummy = make_client(session, token=None)
    client.call("DescribeInstances", {})
    assert "X-TC-Token" not in session.posts[0]["headers"]
    assert session.posts[0]["data"] == b"{}"


def test_region_is_sent_for_every_action():
    session = FakeSession(OK, OK)
    client, dummy = make_client(session)
    client.call("DescribeZones")
    client.call("TerminateInstances", {"InstanceIds": ["ins-1"]})
    assert [p["headers"]["X-TC-Region"] for p in session.posts] == ["ap-guangzhou", "ap-guangzhou"]


def test_repr_names_the_client_not_the_key():
    client, dummy = make_client(FakeSession())
    assert repr(client) == "V3Client(service='cvm', region='ap-guangzhou', endpoint=Endpoint('http://127.0.0.1:8080/'))"
    assert client.protocol == "v3"


# -- what it returns ---------------------------------------------------------------------------------


def test_returns_the_response_object():
    client, dummy = make_client(FakeSession(answer(TotalCount=1, InstanceSet=[{"InstanceId": "ins-1"}])))
    assert client.call("DescribeInstances", {"Limit": 1}) == {"TotalCount": 1, "InstanceSet": [{"InstanceId": "ins-1"}], "RequestId": REQUEST_ID}
    assert client.request_count == 1


def test_utf8_answer_is_read_from_the_bytes():
    body = '{"Response": {"ZoneSet": [{"ZoneName": "\u5e7f\u5dde\u4e09\u533a"}], "RequestId": "r"}}'.encode("utf-8")
    client, dummy = make_client(FakeSession(FakeResponse(content=body)))
    assert client.call("DescribeZones")["ZoneSet"][0]["ZoneName"] == "\u5e7f\u5dde\u4e09\u533a"


def test_error_becomes_api_error_with_request_id():
    client, dummy = make_client(FakeSession(error("InvalidParameterValue.InvalidImageId", "image img-x does not exist")))
    with pytest.raises(ApiError) as caught:
        client.call("RunInstances", dict(RUN, ClientToken="tok-1"))
    err = caught.value
    assert err.code == "InvalidParameterValue.InvalidImageId" and err.request_id == REQUEST_ID
    assert err.api_message == "image img-x does not exist" and not err.retryable and not err.throttled
    assert err.details() == {
        "api_error": {
            "action": "RunInstances",
            "code": "InvalidParameterValue.InvalidImageId",
            "message": "image img-x does not exist",
            "request_id": REQUEST_ID,
        }
    }
    assert str(err) == ("RunInstances failed: InvalidParameterValue.InvalidImageId: image img-x does not exist (request ID {0})".format(REQUEST_ID))


@pytest.mark.parametrize(
    "response, text",
    [
        (FakeResponse(content=b"<html>502 bad gateway</html>"), "is not JSON"),
        (FakeResponse(content=b"\xff\xfe\x00garbage"), "is not JSON"),
        (FakeResponse(body={"code": 0, "message": ""}), "has no 'Response' object"),
        (FakeResponse(body=["Response"]), "has no 'Response' object"),
        (FakeResponse(body={"Response": "oops"}), "has no 'Response' object"),
        (FakeResponse(body={"Response": {"Error": {"Message": "no code"}, "RequestId": "r"}}), "without a 'Code'"),
    ],
)
def test_unreadable_answers_are_transport_errors_and_not_retried(response, text):
    session = FakeSession(response, OK)
    client, sleeps = make_client(session)
    with pytest.raises(TransportError, match=text) as caught:
        client.call("DescribeInstances", {})
    assert caught.value.status == 200 and not caught.value.retryable
    assert len(session.posts) == 1 and sleeps == []


def test_http_errors_from_the_base_client():
    session = FakeSession(FakeResponse(status_code=503, content=b"busy"), OK)
    client, sleeps = make_client(session)
    assert client.call("DescribeInstances")["InstanceIdSet"] == ["ins-abcdefgh"]
    assert len(session.posts) == 2 and len(sleeps) == 1


# -- what it retries (api-notes/v3.md 1.7) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "code, retryable, throttled",
    [
        ("RequestLimitExceeded", True, True),
        ("RequestLimitExceeded.IPLimitExceeded", True, True),
        ("RequestLimitExceeded.UinLimitExceeded", True, True),
        ("RequestLimitExceeded.GlobalRegionUinLimitExceeded", True, True),
        ("InternalError", True, False),
        ("InternalError.TradeUnknownError", True, False),
        ("InternalServerError", True, False),
        ("ServiceUnavailable", True, False),
        ("ResourceInUse", True, False),
        ("MutexOperation.TaskRunning", True, False),
        ("OperationDenied.InstanceOperationInProgress", True, False),
        ("AuthFailure.SignatureExpire", False, False),
        ("AuthFailure.SignatureFailure", False, False),
        ("InvalidParameter", False, False),
        ("ResourceInsufficient.SpecifiedInstanceType", False, False),
        ("ResourceUnavailable.InstanceType", False, False),
        ("UnsupportedOperation.InstanceStatePending", False, False),
        ("LimitExceeded", False, False),
        ("FailedOperation", False, False),
        ("InternalErrorX", False, False),
    ],
)
def test_retry_classification(code, retryable, throttled):
    assert tc3.is_retryable(code) is retryable and tc3.is_throttled(code) is throttled
    session = FakeSession(error(code), OK)
    client, dummy = make_client(session)
    if retryable:
        client.call("DescribeInstances", {})
        assert len(session.posts) == 2
    else:
        with pytest.raises(ApiError) as caught:
            client.call("DescribeInstances", {})
        assert (caught.value.retryable, caught.value.throttled) == (False, throttled)
        assert len(session.posts) == 1


def test_throttled_error_is_marked():
    client, dummy = make_client(FakeSession(THROTTLED), retries=0)
    with pytest.raises(ApiError) as caught:
        client.call("DescribeInstances", {})
    assert caught.value.throttled and caught.value.retryable


def test_throttling_is_retried_with_the_same_body_and_a_fresh_signature():
    session = FakeSession(THROTTLED, error("RequestLimitExceeded.UinLimitExceeded"), OK)
    client, sleeps = make_client(session)
    params = {"Filters": [{"Name": "instance-name", "Values": ["\u672a\u547d\u540d"]}], "Limit": 100}
    assert client.call("DescribeInstances", params)["InstanceIdSet"] == ["ins-abcdefgh"]
    posts = session.posts
    assert len(posts) == 3 and client.request_count == 3
    assert len({p["data"] for p in posts}) == 1
    assert [p["headers"]["X-TC-Timestamp"] for p in posts] == ["1700000000", "1700000001", "1700000002"]
    assert len({p["headers"]["Authorization"] for p in posts}) == 3
    assert all(signed_correctly(p) for p in posts)
    unsigned = [{k: v for k, v in p["headers"].items() if k not in ("X-TC-Timestamp", "Authorization")} for p in posts]
    assert unsigned[0] == unsigned[1] == unsigned[2]
    assert sleeps == [0.375, 0.75]


def test_gives_up_after_the_retries_allowed():
    failure = error("InternalError", "try again")
    session = FakeSession(failure, failure, failure)
    client, sleeps = make_client(session, retries=2)
    with pytest.raises(ApiError, match="InternalError"):
        client.call("DescribeInstances", {})
    assert len(session.posts) == 3 and len(sleeps) == 2


def test_throttling_has_a_budget_of_its_own():
    # Two ordinary retries allowed, yet four throttled answers in a row are waited out.
    session = FakeSession(THROTTLED, THROTTLED, THROTTLED, THROTTLED, OK)
    client, sleeps = make_client(session, retries=2)
    client.call("DescribeInstances", {})
    assert len(session.posts) == 5 and len(sleeps) == 4


def test_signature_expired_is_not_retried_and_points_at_the_clock():
    session = FakeSession(error("AuthFailure.SignatureExpire", "Signature expired. Timestamp 1700000000 is too far"), OK)
    client, sleeps = make_client(session)
    with pytest.raises(ApiError, match="check this machine's clock.*5 minutes") as caught:
        client.call("DescribeInstances", {})
    assert not caught.value.retryable and len(session.posts) == 1 and sleeps == []


# -- the create is sent twice only with a ClientToken (api-notes/v3.md 4.1) ---------------------------------

CONNECTION_RESET = requests.exceptions.ConnectionError("connection reset by peer")
TIMEOUT = requests.exceptions.ReadTimeout("read timed out")


@pytest.mark.parametrize(
    "failure",
    [CONNECTION_RESET, TIMEOUT, FakeResponse(status_code=502, content=b"bad gateway"), error("InternalError"), THROTTLED, error("ResourceInUse")],
    ids=["connection-error", "timeout", "http-502", "internal-error", "throttled", "resource-in-use"],
)
def test_create_without_client_token_is_sent_once(failure):
    session = FakeSession(failure, OK)
    client, sleeps = make_client(session)
    with pytest.raises((ApiError, TransportError)) as caught:
        client.call("RunInstances", RUN)
    assert len(session.posts) == 1 and sleeps == [] and client.request_count == 1
    # Marked so that no caller resends it either.
    assert caught.value.retryable is False


@pytest.mark.parametrize("token", [None, ""])
def test_empty_client_token_counts_as_none(token):
    session = FakeSession(CONNECTION_RESET, OK)
    client, dummy = make_client(session)
    with pytest.raises(TransportError):
        client.call("RunInstances", dict(RUN, ClientToken=token))
    assert len(session.posts) == 1


@pytest.mark.parametrize("failure", [CONNECTION_RESET, TIMEOUT, error("InternalError"), THROTTLED])
def test_create_with_client_token_is_resent_unchanged(failure):
    session = FakeSession(failure, OK)
    client, sleeps = make_client(session)
    assert client.call("RunInstances", dict(RUN, ClientToken="tok-0001"))["InstanceIdSet"] == ["ins-abcdefgh"]
    first, second = session.posts
    assert first["data"] == second["data"] and json.loads(second["data"])["ClientToken"] == "tok-0001"
    assert first["headers"]["X-TC-Timestamp"] != second["headers"]["X-TC-Timestamp"] and signed_correctly(second)
    assert len(sleeps) == 1


def test_other_writes_are_retried_after_a_connection_error():
    session = FakeSession(CONNECTION_RESET, answer())
    client, dummy = make_client(session)
    client.call("StopInstances", {"InstanceIds": ["ins-1"]})
    assert len(session.posts) == 2


# -- read-only (check mode) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, params",
    [
        ("RunInstances", RUN),
        ("RunInstances", dict(RUN, DryRun=False)),
        ("RunInstances", dict(RUN, DryRun="true")),
        ("TerminateInstances", {"InstanceIds": ["ins-1"]}),
        ("ModifyInstancesAttribute", {"InstanceIds": ["ins-1"], "InstanceName": "x"}),
        ("AssociateSecurityGroups", {"SecurityGroupIds": ["sg-1"], "InstanceIds": ["ins-1"]}),
        ("StartInstances", {"InstanceIds": ["ins-1"], "DryRun": True}),
    ],
)
def test_read_only_client_refuses_writes(action, params):
    session = FakeSession(OK)
    client, dummy = make_client(session, read_only=True)
    with pytest.raises(ReadOnlyViolation, match=action):
        client.call(action, params)
    assert session.posts == [] and client.request_count == 0


@pytest.mark.parametrize(
    "action, params",
    [
        ("RunInstances", dict(RUN, DryRun=True)),
        ("DescribeInstances", {}),
        ("DescribeZoneInstanceConfigInfos", {}),
        ("InquiryPriceRunInstances", dict(RUN, ClientToken="tok-1")),
    ],
)
def test_read_only_client_sends_reads_and_dry_runs(action, params):
    session = FakeSession(answer())
    client, dummy = make_client(session, read_only=True)
    client.call(action, params)
    assert len(session.posts) == 1
    if action == "RunInstances":
        assert json.loads(session.posts[0]["data"])["DryRun"] is True


# -- secrets -------------------------------------------------------------------------------------------------


def test_prepared_request_knows_its_secrets():
    client, dummy = make_client(FakeSession())
    prepared = client.prepare("RunInstances", RUN, 1700000000)
    assert set(prepared.secrets) == {PASSWORD, TOKEN}
    assert set(client.prepare("ResetInstancesPassword", {"InstanceIds": ["ins-1"], "Password": "N3w!pass"}, 1).secrets) == {"N3w!pass", TOKEN}
    assert client.prepare("DescribeInstances", {}, 1).secrets == (TOKEN,)
    no_token, dummy = make_client(FakeSession(), token=None)
    assert no_token.prepare("DescribeInstances", {}, 1).secrets == ()


def test_secrets_never_appear_in_errors():
    echo = "password {0} rejected; key {1}; token {2}".format(PASSWORD, SECRET_KEY, TOKEN)
    session = FakeSession(error("InvalidParameterValue.InvalidPassword", echo))
    client, dummy = make_client(session)
    with pytest.raises(ApiError) as caught:
        client.call("RunInstances", RUN)
    shown = " ".join(
        (
            str(caught.value),
            repr(caught.value),
            json.dumps(caught.value.details()),
            repr(caught.value.args),
            repr(client),
            repr(client.credentials),
            repr(client.prepare("RunInstances", RUN, 1)),
        )
    )
    for secret in (PASSWORD, SECRET_KEY, TOKEN):
        assert secret not in shown
    assert "password ******** rejected" in str(caught.value)


def test_secrets_never_appear_in_transport_errors():
    leak = requests.exceptions.ConnectionError("proxy said: Authorization failed for key {0} token {1}".format(SECRET_KEY, TOKEN))
    client, dummy = make_client(FakeSession(leak), retries=0)
    with pytest.raises(TransportError) as caught:
        client.call("DescribeInstances", {})
    shown = str(caught.value) + json.dumps(caught.value.details())
    assert SECRET_KEY not in shown and TOKEN not in shown and "connection to http://127.0.0.1:8080/ failed" in shown
