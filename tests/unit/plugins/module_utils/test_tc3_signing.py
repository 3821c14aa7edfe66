# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TC3-HMAC-SHA256 as api-notes/v3.md 1.4 says: the worked vectors of section 2, then the official SDK's signer.

The reference signer is tencentcloud-sdk-python-common (tests/requirements.txt);
the collection never imports it.
"""

from __future__ import annotations

import types

import pytest

from tencentcloud.common import abstract_client as sdk_abstract_client
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.credential import Credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.common.sign import Sign

from ansible_collections.qcloud.cvm.plugins.module_utils._api import tc3
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import USER_AGENT, Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
FORM = "application/x-www-form-urlencoded"

# Common inputs of examples B-E (section 2).
SECRET_ID = "AKIDEXAMPLE0000000000000000000000000"
SECRET_KEY = "ExampleSecretKey00000000000000000"
TIMESTAMP = 1700000000
SCOPE = "2023-11-14/cvm/tc3_request"

RUN_PARAMS = {
    "InstanceChargeType": "POSTPAID_BY_HOUR",
    "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
    "InstanceType": "S1.SMALL2",
    "ImageId": "img-31tjrtph",
    "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20},
    "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": True},
    "InstanceCount": 1,
    "InstanceName": "ansible test",
    "LoginSettings": {"Password": "Ab12#xyz"},
    "EnhancedService": {"SecurityService": {"Enabled": True}, "MonitorService": {"Enabled": True}},
    "ClientToken": "tok-0001",
}
RUN_BODY = (
    b'{"InstanceChargeType": "POSTPAID_BY_HOUR", "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0}, '
    b'"InstanceType": "S1.SMALL2", "ImageId": "img-31tjrtph", "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20}, '
    b'"InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": true}, '
    b'"InstanceCount": 1, "InstanceName": "ansible test", "LoginSettings": {"Password": "Ab12#xyz"}, '
    b'"EnhancedService": {"SecurityService": {"Enabled": true}, "MonitorService": {"Enabled": true}}, "ClientToken": "tok-0001"}'
)
DESCRIBE_D_PARAMS = {
    "Filters": [{"Name": "instance-name", "Values": ["\u672a\u547d\u540d"]}, {"Name": "tag:ansible-group", "Values": ["web"]}],
    "Offset": 0,
    "Limit": 100,
}
DESCRIBE_D_BODY = (
    b'{"Filters": [{"Name": "instance-name", "Values": ["\\u672a\\u547d\\u540d"]}, '
    b'{"Name": "tag:ansible-group", "Values": ["web"]}], "Offset": 0, "Limit": 100}'
)


def headers(content_type, host="cvm.tencentcloudapi.com"):
    return {"Content-Type": content_type, "Host": host}


def make_client(endpoint="https://cvm.tencentcloudapi.com/", region="ap-guangzhou", token=None, **kwargs):
    return tc3.V3Client(
        Credentials(SECRET_ID, SECRET_KEY, token), region, parse_endpoint(endpoint), retry_policy=RetryPolicy(retries=0), session=object(), **kwargs
    )


# -- 2.0 Tencent's own vector ---------------------------------------------------------

TENCENT_BODY = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
TENCENT_TIMESTAMP = 1551113065


@pytest.mark.parametrize(
    "content_type, secret_key, canonical_hash, expected",
    [
        (
            "application/json; charset=utf-8",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        ),
        (
            "application/json; charset=utf-8",
            "Gu5t9xGARNpq86cd98joQYCN3*******",
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c",
        ),
        (
            "application/json",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "df142fa7176428137ac6a6b25b5efcb6b4c08a91fc30d75ecebe47877d3143d8",
            "683bd0b53659853c39699162253251192320a09b3937e27bf8e08a559b1465b8",
        ),
    ],
)
def test_tencent_vector(content_type, secret_key, canonical_hash, expected):
    assert tc3.sha256_hex(TENCENT_BODY) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    canonical = tc3.canonical_request("POST", "/", "", headers(content_type), TENCENT_BODY)
    assert canonical == "POST\n/\n\ncontent-type:{0}\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n{1}".format(content_type, tc3.sha256_hex(TENCENT_BODY))
    assert tc3.sha256_hex(canonical) == canonical_hash
    # 00:44:25 at UTC+8 is still the previous day in UTC, and the scope says so.
    date = tc3.utc_date(TENCENT_TIMESTAMP)
    assert date == "2019-02-25"
    text = tc3.string_to_sign(TENCENT_TIMESTAMP, tc3.credential_scope(date), canonical)
    assert text == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n" + canonical_hash
    assert tc3.signature(secret_key, date, "cvm", text) == expected
    assert tc3.sign("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secret_key, TENCENT_TIMESTAMP, "POST", "/", "", headers(content_type), TENCENT_BODY) == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=" + expected
    )


# -- common inputs of B-E --------------------------------------------------------------


def test_derived_keys_of_the_common_inputs():
    k_date, k_service, k_signing = tc3.derive_keys(SECRET_KEY, "2023-11-14", "cvm")
    assert k_date.hex() == "0eeb936f7b3efc9323fe31267391f3eae2c21b8c853bc21bdd325fb6934203e6"
    assert k_service.hex() == "4fbfcc4d76e7e2f1701df878463aaa89175e95fb3104d7af905bee8e7b0a57c1"
    assert k_signing.hex() == "e84789bd2768bda5fb6adcdc99da6a6b004fe72783d399343eacfa0dce5be72d"
    assert tc3.utc_date(TIMESTAMP) == "2023-11-14" and tc3.credential_scope("2023-11-14") == SCOPE


def auth(signature_hex):
    return "TC3-HMAC-SHA256 Credential={0}/{1}, SignedHeaders=content-type;host, Signature={2}".format(SECRET_ID, SCOPE, signature_hex)


# -- 2.1 Example B: RunInstances, POST JSON -------------------------------------------------


def test_example_b_pieces():
    assert tc3.sha256_hex(RUN_BODY) == "8b4656cd373dbeae92821156cc967cb99802810b0eea1e27a4793479dffdc200"
    canonical = tc3.canonical_request("POST", "/", "", headers("application/json"), RUN_BODY)
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n"
        "8b4656cd373dbeae92821156cc967cb99802810b0eea1e27a4793479dffdc200"
    )
    assert tc3.sha256_hex(canonical) == "d8af60e65f429b4a520da3b9a346af87254e8112a2f1349ff62947ebb859736b"
    text = tc3.string_to_sign(TIMESTAMP, SCOPE, canonical)
    assert text == "TC3-HMAC-SHA256\n1700000000\n2023-11-14/cvm/tc3_request\nd8af60e65f429b4a520da3b9a346af87254e8112a2f1349ff62947ebb859736b"
    assert tc3.signature(SECRET_KEY, "2023-11-14", "cvm", text) == "c356b879b7eb69bc75c9779ddc2ddbf50a3d063292f4bb1b8618f0f7b3ae6937"


class RecordingSession:
    """Records each POST and answers an empty success."""

    def __init__(self):
        self.posts = []

    def post(self, url, data, headers, timeout, verify):
        self.posts.append((url, data, dict(headers)))
        return types.SimpleNamespace(status_code=200, content=b'{"Response": {"InstanceIdSet": ["ins-1"], "RequestId": "r-1"}}')


def test_example_b_as_sent():
    # The request of 2.1 as this client puts it on the wire; X-TC-Language and
    # X-TC-RequestClient are ours (the SDK's are zh-CN and SDK_PYTHON_...), neither is signed.
    session = RecordingSession()
    client = tc3.V3Client(
        Credentials(SECRET_ID, SECRET_KEY), "ap-guangzhou", parse_endpoint("https://cvm.tencentcloudapi.com"), session=session, clock=lambda: TIMESTAMP
    )
    assert client.call("RunInstances", RUN_PARAMS)["InstanceIdSet"] == ["ins-1"]
    [(url, body, sent_headers)] = session.posts
    assert url == "https://cvm.tencentcloudapi.com"
    # Our serialisation is the SDK's, so even the body bytes are the spec's.
    assert body == RUN_BODY
    assert sent_headers == {
        "Host": "cvm.tencentcloudapi.com",
        "Content-Type": "application/json",
        "X-TC-Action": "RunInstances",
        "X-TC-Version": "2017-03-12",
        "X-TC-Timestamp": "1700000000",
        "X-TC-Region": "ap-guangzhou",
        "X-TC-Language": "en-US",
        "X-TC-RequestClient": tc3.REQUEST_CLIENT,
        "Authorization": auth("c356b879b7eb69bc75c9779ddc2ddbf50a3d063292f4bb1b8618f0f7b3ae6937"),
        "User-Agent": USER_AGENT,
    }


# -- 2.2 Example C: GET, regional host, token (unsigned) --------------------------------------


def test_example_c_get_with_query_string():
    query = "InstanceIds.0=ins-abcd1234&InstanceIds.1=ins-efgh5678&Offset=0&Limit=20"
    signed = headers(FORM, "cvm.ap-guangzhou.tencentcloudapi.com")
    assert tc3.sha256_hex(b"") == EMPTY_SHA256
    canonical = tc3.canonical_request("GET", "/", query, signed, b"")
    assert canonical == (
        "GET\n/\n" + query + "\ncontent-type:application/x-www-form-urlencoded\nhost:cvm.ap-guangzhou.tencentcloudapi.com\n\ncontent-type;host\n" + EMPTY_SHA256
    )
    assert tc3.sha256_hex(canonical) == "331bdbc923aaa26a11bbdc680a89c70d90e235cbf50e22da5a50b150a15b4cea"
    text = tc3.string_to_sign(TIMESTAMP, SCOPE, canonical)
    assert text == "TC3-HMAC-SHA256\n1700000000\n2023-11-14/cvm/tc3_request\n331bdbc923aaa26a11bbdc680a89c70d90e235cbf50e22da5a50b150a15b4cea"
    expected = "a80ae2ab9b0e9eb890789039c04e72929a330db31762f880f1b08ac3ffaa995b"
    assert tc3.signature(SECRET_KEY, "2023-11-14", "cvm", text) == expected
    assert tc3.sign(SECRET_ID, SECRET_KEY, TIMESTAMP, "GET", "/", query, signed, b"") == auth(expected)


# -- 2.3 Example D: POST JSON, non-ASCII, tag filter --------------------------------------------


@pytest.mark.parametrize("region", ["ap-shanghai", "ap-guangzhou", "na-siliconvalley"])
def test_example_d_non_ascii_body_in_any_region(region):
    assert tc3.sha256_hex(DESCRIBE_D_BODY) == "34fd84d67052d549308340b22a712c169c8839ae408bd5c55b6584c9194f4b0a"
    canonical = tc3.canonical_request("POST", "/", "", headers("application/json"), DESCRIBE_D_BODY)
    assert tc3.sha256_hex(canonical) == "fbd33085c8bf0ede9f55d7e7e1bcf32df00d04e20e12a39e5b5d751296ec2fc0"
    assert tc3.string_to_sign(TIMESTAMP, SCOPE, canonical) == (
        "TC3-HMAC-SHA256\n1700000000\n2023-11-14/cvm/tc3_request\nfbd33085c8bf0ede9f55d7e7e1bcf32df00d04e20e12a39e5b5d751296ec2fc0"
    )
    expected = auth("f17ef7b8f9017df3779a41500398f3fddd1997a0bb0d71f81a749e0cb8947376")
    # The region is a header the signature does not cover: same signature everywhere.
    prepared = make_client(region=region).prepare("DescribeInstances", DESCRIBE_D_PARAMS, TIMESTAMP)
    assert prepared.body == DESCRIBE_D_BODY
    assert prepared.headers["X-TC-Region"] == region
    assert prepared.headers["Authorization"] == expected


# -- 2.4 Example E: GET with an encoded filter value ----------------------------------------------


def test_example_e_get_with_encoded_value():
    query = "Filters.0.Name=instance-name&Filters.0.Values.0=%E6%9C%AA%E5%91%BD%E5%90%8D+web&Limit=100"
    canonical = tc3.canonical_request("GET", "/", query, headers(FORM), b"")
    assert canonical == (
        "GET\n/\n" + query + "\ncontent-type:application/x-www-form-urlencoded\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n" + EMPTY_SHA256
    )
    assert tc3.sha256_hex(canonical) == "87b55fb2450fffbdf32b0afe4dd2f60869b18b33106eadf0289982163f617b2d"
    assert tc3.sign(SECRET_ID, SECRET_KEY, TIMESTAMP, "GET", "/", query, headers(FORM), b"") == auth(
        "7b8ec7019291f61f2d177e8d330992917716dfbc19e0966442fcc5a2ce0bda3a"
    )


# -- the pieces -------------------------------------------------------------------------------------


def test_canonical_headers_are_lower_cased_trimmed_and_sorted():
    canonical, signed = tc3.canonical_headers({"Host": " CVM.TencentCloudAPI.com ", "Content-Type": "application/json", "X-TC-Foo": "Bar"})
    assert canonical == "content-type:application/json\nhost:cvm.tencentcloudapi.com\nx-tc-foo:bar\n"
    assert signed == "content-type;host;x-tc-foo"


def test_utc_date_is_the_utc_day_around_midnight():
    assert tc3.utc_date(1700006399) == "2023-11-14"  # 23:59:59Z
    assert tc3.utc_date(1700006400) == "2023-11-15"  # 00:00:00Z
    assert tc3.utc_date(1700006400.9) == "2023-11-15"


# -- against the official SDK's signer ----------------------------------------------------------------


class SdkReference:
    """The official SDK (CommonClient) with its clock pinned; ``send`` returns the request it would put on the wire."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def client(self, host, region, token=None, service="cvm", version="2017-03-12"):
        profile = ClientProfile(httpProfile=HttpProfile(endpoint=host), language="en-US")
        return CommonClient(service, version, Credential(SECRET_ID, SECRET_KEY, token), region, profile)

    def send(self, action, params, timestamp, host="cvm.tencentcloudapi.com", region="ap-guangzhou", token=None, service="cvm", version="2017-03-12"):
        self._monkeypatch.setattr(sdk_abstract_client, "time", types.SimpleNamespace(time=lambda: timestamp))
        client = self.client(host, region, token, service, version)
        sent = []
        ok = types.SimpleNamespace(status_code=200, headers={"Content-Type": "application/json"}, content='{"Response": {"RequestId": "r-1"}}')

        def capture(request):
            sent.append(request)
            return ok

        client.request.send_request = capture
        client.call(action, params)
        return sent[0]

    def signature_of(self, prepared, host, service="cvm"):
        """What the SDK's own signing step computes for exactly the bytes and headers we send."""
        request = RequestInternal(
            host,
            "POST",
            "/",
            header={
                "Content-Type": prepared.headers["Content-Type"],
                "Host": prepared.headers["Host"],
                "X-TC-Timestamp": prepared.headers["X-TC-Timestamp"],
            },
            data=prepared.body.decode("ascii"),
        )
        date = tc3.utc_date(int(prepared.headers["X-TC-Timestamp"]))
        return self.client(host, "ap-guangzhou")._get_tc3_signature(None, request, date, service, SECRET_KEY)


@pytest.fixture
def sdk(monkeypatch):
    return SdkReference(monkeypatch)


CASES = {
    "run-with-token-and-password": ("RunInstances", RUN_PARAMS, "ap-guangzhou", "https://cvm.tencentcloudapi.com/", None),
    "describe-non-ascii-shanghai": ("DescribeInstances", DESCRIBE_D_PARAMS, "ap-shanghai", "https://cvm.tencentcloudapi.com/", None),
    "describe-by-ids-regional-host-sts-token": (
        "DescribeInstances",
        {"InstanceIds": ["ins-abcd1234", "ins-efgh5678"], "Offset": 0, "Limit": 20},
        "ap-guangzhou",
        "https://cvm.ap-guangzhou.tencentcloudapi.com/",
        "exampleSessionToken0001",
    ),
    "run-non-ascii-name-fsi": (
        "RunInstances",
        dict(RUN_PARAMS, InstanceName="\u6d4b\u8bd5\u673a-web", ClientToken="tok-0002"),
        "ap-shanghai-fsi",
        "https://cvm.ap-shanghai-fsi.tencentcloudapi.com/",
        None,
    ),
    "terminate-emulator-port": ("TerminateInstances", {"InstanceIds": ["ins-0000aaaa"]}, "ap-singapore", "http://127.0.0.1:46441/", "tok"),
    "stop-ipv6-port": (
        "StopInstances",
        {"InstanceIds": ["ins-1"], "StopType": "SOFT", "StoppedMode": "STOP_CHARGING"},
        "eu-frankfurt",
        "http://[::1]:8080/",
        None,
    ),
    "zones-no-params": ("DescribeZones", {}, "na-ashburn", "https://cvm.intl.tencentcloudapi.com/", None),
    "inquiry-nested-bools": (
        "InquiryPriceRunInstances",
        {
            "Placement": {"Zone": "ap-tokyo-2"},
            "ImageId": "img-1",
            "DryRun": False,
            "InternetAccessible": {"PublicIpAssigned": False, "InternetMaxBandwidthOut": 0},
        },
        "ap-tokyo",
        "https://cvm.tencentcloudapi.com:443/",
        None,
    ),
}


@pytest.mark.parametrize("timestamp", [TIMESTAMP, 1551113065, 1700006399, 1700006400])
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_request_as_the_official_sdk(sdk, case, timestamp):
    action, params, region, url, token = CASES[case]
    client = make_client(url, region, token)
    prepared = client.prepare(action, params, timestamp)
    sent = sdk.send(action, params, timestamp, host=client.endpoint.host_header, region=region, token=token)
    # The same bytes, so the same signature: the SDK signs json.dumps(params) as we do.
    assert prepared.body == sent.data.encode("ascii")
    assert prepared.headers["Authorization"] == sent.header["Authorization"]
    for name in ("Host", "Content-Type", "X-TC-Action", "X-TC-Version", "X-TC-Timestamp", "X-TC-Region", "X-TC-Language"):
        assert prepared.headers[name] == sent.header[name], name
    assert prepared.headers.get("X-TC-Token") == sent.header.get("X-TC-Token")
    # And independently of how the body was serialised: the SDK's signing step
    # over exactly our bytes gives our signature.
    assert prepared.headers["Authorization"].endswith("Signature=" + sdk.signature_of(prepared, client.endpoint.host_header))


def test_host_with_port_is_signed_as_sent(sdk):
    client = make_client("http://127.0.0.1:46441/", "ap-guangzhou")
    prepared = client.prepare("DescribeInstances", {}, TIMESTAMP)
    assert prepared.headers["Host"] == "127.0.0.1:46441"
    assert prepared.headers["Authorization"] == sdk.send("DescribeInstances", {}, TIMESTAMP, host="127.0.0.1:46441").header["Authorization"]
    # Without the port the signature differs: the port is part of what is signed.
    assert prepared.headers["Authorization"] != sdk.send("DescribeInstances", {}, TIMESTAMP, host="127.0.0.1").header["Authorization"]


def test_another_service_and_version(sdk):
    client = make_client("https://vpc.tencentcloudapi.com/", "ap-guangzhou", service="vpc", version="2017-03-12")
    params = {"SecurityGroupIds": ["sg-12345678"]}
    prepared = client.prepare("DescribeSecurityGroups", params, TIMESTAMP)
    assert "/2023-11-14/vpc/tc3_request," in prepared.headers["Authorization"]
    sent = sdk.send("DescribeSecurityGroups", params, TIMESTAMP, host="vpc.tencentcloudapi.com", service="vpc")
    assert prepared.headers["Authorization"] == sent.header["Authorization"]
    assert prepared.headers["X-TC-Version"] == sent.header["X-TC-Version"] == "2017-03-12"


@pytest.mark.parametrize(
    "body",
    [
        b'{"Limit":1}',  # compact separators
        b'{"Offset": 0, "Limit": 20}',
        '{"InstanceName": "\u6d4b\u8bd5"}'.encode("utf-8"),  # raw UTF-8, not escaped
        b"",
    ],
)
def test_any_body_bytes_sign_as_the_sdk_signs_them(sdk, body):
    # The pure functions do not care how the bytes were made.
    prepared = types.SimpleNamespace(
        body=body, headers={"Content-Type": "application/json", "Host": "cvm.tencentcloudapi.com", "X-TC-Timestamp": str(TIMESTAMP)}
    )
    request = RequestInternal("cvm.tencentcloudapi.com", "POST", "/", header=dict(prepared.headers), data=body.decode("utf-8"))
    expected = sdk.client("cvm.tencentcloudapi.com", "ap-guangzhou")._get_tc3_signature(None, request, "2023-11-14", "cvm", SECRET_KEY)
    assert tc3.sign(SECRET_ID, SECRET_KEY, TIMESTAMP, "POST", "/", "", headers("application/json"), body) == auth(expected)


@pytest.mark.parametrize(
    "secret_key, date, service, text",
    [
        (SECRET_KEY, "2023-11-14", "cvm", "TC3-HMAC-SHA256\n1700000000\n2023-11-14/cvm/tc3_request\nabc"),
        ("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "2019-02-25", "cvm", "anything"),
        ("k\u00e9y", "2030-01-01", "vpc", "\u672a\u547d\u540d"),
    ],
)
def test_signature_equals_sdk_sign_tc3(secret_key, date, service, text):
    assert tc3.signature(secret_key, date, service, text) == Sign.sign_tc3(secret_key, date, service, text)
