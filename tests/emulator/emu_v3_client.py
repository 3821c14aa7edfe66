# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A tiny API 3.0 client for the emulator tests: TC3-HMAC-SHA256 written from api-notes/v3.md 1.4.

It shares no code with the emulator (or with plugins/), so a signing
mistake on either side shows up as a failing test.  The official SDK and
tccli are exercised by their own tests.
"""

import hashlib
import hmac
import http.client
import json
import time

from urllib.parse import urlencode, urlsplit

from emu_client import SECRET_ID, SECRET_KEY

VERSION = "2017-03-12"
# A RunInstances body every test can start from (the api-notes/v3.md 2.1 example, our credentials).
RUN_EXAMPLE = {
    "Placement": {"Zone": "ap-guangzhou-3"},
    "InstanceType": "S1.SMALL2",
    "ImageId": "img-3wnd9xpl",
    "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 50},
    "InternetAccessible": {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1},
}


def flatten(value, prefix=""):
    """``{"A": [{"B": 1}]}`` -> ``[("A.0.B", "1")]`` (GET encoding, 0-based)."""
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in flatten(item, f"{prefix}{key}.")]
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in flatten(item, f"{prefix}{index}.")]
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return [(prefix[:-1], text)]


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def sign(secret_key, method, host, content_type, query, payload, timestamp, service):
    date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
    canonical = "\n".join(
        [method, "/", query, f"content-type:{content_type.lower()}\nhost:{host.lower()}\n", "content-type;host", hashlib.sha256(payload).hexdigest()]
    )
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    return date, hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


class Answer:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.content_type = headers.get("Content-Type")
        try:
            self.response = json.loads(raw)["Response"] if status == 200 and raw else None
        except ValueError:
            self.response = None  # a malformed body (the "malformed" fault): tests read .raw

    @property
    def error(self):
        return (self.response or {}).get("Error", {}).get("Code")

    def __repr__(self):
        return f"Answer({self.status}, {self.raw[:400]!r})"


class V3Client:
    def __init__(self, url, secret_id=SECRET_ID, secret_key=SECRET_KEY, token=None, ssl_context=None):
        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token
        self.ssl_context = ssl_context

    def send(
        self,
        action,
        params=None,
        method="POST",
        region="ap-guangzhou",
        service="cvm",
        timestamp=None,
        sign_host=None,
        host=None,
        content_type=None,
        language=None,
        version=VERSION,
        extra_headers=None,
        body=None,
        omit=(),
    ):
        """Sign and send; ``sign_host``/``host``: the host signed / the Host header sent (default: the endpoint)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        params = {} if params is None else params
        if method == "GET":
            query, payload = urlencode(flatten(params)), b""
            content_type = content_type or "application/x-www-form-urlencoded"
        else:
            query, payload = "", json.dumps(params).encode("utf-8") if body is None else body
            content_type = content_type or "application/json"
        host_header = host or self.netloc
        date, signature = sign(self.secret_key, method, sign_host or host_header, content_type, query, payload, timestamp, service)
        headers = {
            "Host": host_header,
            "Content-Type": content_type,
            "X-TC-Action": action,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": version,
            "X-TC-Region": region,
            "Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/{date}/{service}/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={signature}",
        }
        if self.token is not None:
            headers["X-TC-Token"] = self.token
        if language:
            headers["X-TC-Language"] = language
        headers.update(extra_headers or {})
        for name in omit:
            headers.pop(name, None)
        return self.raw(method, "/?" + query if query else "/", payload if method == "POST" else None, headers)

    def raw(self, method, target, payload, headers):
        if self.scheme == "https":
            conn = http.client.HTTPSConnection(self.netloc, timeout=60, context=self.ssl_context)
        else:
            conn = http.client.HTTPConnection(self.netloc, timeout=60)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(payload or b"")))
            conn.endheaders(payload)
            response = conn.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            conn.close()

    def call(self, action, params=None, **kwargs):
        """The ``Response`` object; asserts HTTP 200 and ``Content-Type: application/json`` exactly."""
        answer = self.send(action, params, **kwargs)
        assert answer.status == 200 and answer.content_type == "application/json", answer
        return answer.response

    def ok(self, action, params=None, **kwargs):
        response = self.call(action, params, **kwargs)
        assert "Error" not in response, response
        return response

    def error(self, action, params=None, **kwargs):
        """The ``Error.Code`` (asserting there is one)."""
        response = self.call(action, params, **kwargs)
        assert "Error" in response, response
        return response["Error"]["Code"]

    def run(self, params=None, **kwargs):
        merged = dict(RUN_EXAMPLE)
        merged.update(params or {})
        return self.ok("RunInstances", merged, **kwargs)["InstanceIdSet"]

    def instances(self, params=None, **kwargs):
        return self.ok("DescribeInstances", params or {}, **kwargs)["InstanceSet"]

    def instance(self, instance_id, **kwargs):
        found = self.instances({"InstanceIds": [instance_id]}, **kwargs)
        return found[0] if found else None
