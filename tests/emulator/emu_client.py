# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A tiny legacy-API client and control-API helper for the emulator tests.

Written from the api-notes/legacy.md text (section 1.3) on purpose: it shares no code with
the emulator or with plugins/, so a signing mistake on either side shows up
as a failing test.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))

SECRET_ID = "AKIDEMULATOR00000000000000000000000000"
SECRET_KEY = "emulator-secret-key-0000000000000000"
API_HOST = "cvm.api.qcloud.com"
API_PATH = "/v2/index.php"

# A configuration every RunInstancesHour test can start from: the seed doc's example.
SEED_EXAMPLE = {
    "imageId": "img-3wnd9xpl",
    "bandwidth": "1",
    "cpu": "1",
    "mem": "2",
    "storageType": "1",
    "storageSize": "50",
    "goodsNum": "1",
    "zoneId": "100001",
}


def string_to_sign(method, host, params):
    pairs = sorted((key.replace("_", "."), value) for key, value in params.items() if key != "Signature")
    return method + host + API_PATH + "?" + "&".join(f"{key}={value}" for key, value in pairs)


def hmac_b64(text, key, sha256=False):
    digest = hashlib.sha256 if sha256 else hashlib.sha1
    return base64.b64encode(hmac.new(key.encode("utf-8"), text.encode("utf-8"), digest).digest()).decode("ascii")


class Client:
    """A tiny legacy-API client: signs, sends GET or POST, decodes JSON."""

    def __init__(self, url, secret_id=SECRET_ID, secret_key=SECRET_KEY, token=None, ssl_context=None):
        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.token = token
        self.ssl_context = ssl_context

    def signed(self, action, params=None, method="GET", region="gz", signature_method=None, sign_host=None, timestamp=None, nonce=None):
        full = {
            "Action": action,
            "Region": region,
            "SecretId": self.secret_id,
            "Timestamp": str(int(time.time()) if timestamp is None else timestamp),
            "Nonce": str(random.randint(1, 2**63 - 1) if nonce is None else nonce),
        }
        if signature_method:
            full["SignatureMethod"] = signature_method
        if self.token is not None:
            full["Token"] = self.token
        full.update(params or {})
        text = string_to_sign(method, sign_host or self.netloc, full)
        full["Signature"] = hmac_b64(text, self.secret_key, full.get("SignatureMethod") == "HmacSHA256")
        return full

    def connection(self, timeout=30):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.netloc, timeout=timeout, context=self.ssl_context)
        return http.client.HTTPConnection(self.netloc, timeout=timeout)

    def send(self, method, params, path=API_PATH, query=None, headers=None):
        """Send already-signed params; returns (HTTP status, body bytes)."""
        encoded = urlencode(params)
        conn = self.connection()
        try:
            if method == "GET":
                conn.request("GET", f"{path}?{encoded}", headers=headers or {})
            else:
                target = f"{path}?{query}" if query else path
                conn.request(method, target, body=encoded.encode("utf-8"), headers=headers or {"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def call(self, action, params=None, method="GET", **kwargs):
        status, body = self.send(method, self.signed(action, params, method=method, **kwargs))
        assert status == 200, body
        return json.loads(body)

    def create(self, params=None, **kwargs):
        merged = dict(SEED_EXAMPLE)
        merged.update(params or {})
        return self.call("RunInstancesHour", merged, **kwargs)


class Control:
    def __init__(self, url, ssl_context=None):
        self.url = url.rstrip("/") + "/_emulator/"
        self.ssl_context = ssl_context

    def request(self, method, name, body=None, expect=200):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + name, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60, context=self.ssl_context) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        assert status == expect, payload
        return json.loads(payload)

    def get(self, name, **kwargs):
        return self.request("GET", name, **kwargs)

    def post(self, name, body=None, **kwargs):
        return self.request("POST", name, body if body is not None else {}, **kwargs)

    def delete(self, name, **kwargs):
        return self.request("DELETE", name, **kwargs)

    def instances(self):
        return self.get("instances")["instances"]

    def requests(self):
        return self.get("requests")["requests"]


class Handle:
    def __init__(self, url, ssl_context=None):
        self.url = url
        self.client = Client(url, ssl_context=ssl_context)
        self.control = Control(url, ssl_context=ssl_context)


class CliProcess:
    def __init__(self, args, tmp_path, name="emu"):
        self.port_file = tmp_path / f"{name}.port"
        self.stderr_path = tmp_path / f"{name}.stderr"
        if self.port_file.exists():
            self.port_file.unlink()
        env = dict(os.environ, PYTHONPATH=HERE)
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "cvm_emulator", "--port-file", str(self.port_file)] + list(args), env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )
        deadline = time.time() + 20
        while not self.port_file.exists():
            if self.process.poll() is not None or time.time() > deadline:
                raise AssertionError(f"emulator did not start: {self.stderr()}")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text(encoding="ascii"))

    def stderr(self):
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=20)


def wait_for(probe, timeout=10.0, interval=0.05):
    """Poll ``probe()`` until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            assert value, "condition not reached in time"
            return value
        time.sleep(interval)
