# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One version: galaxy.yml's is _version.py's COLLECTION_VERSION, and every request's User-Agent carries it."""

from __future__ import annotations

import json
import re

from pathlib import Path

import yaml

from ansible_collections.qcloud.cvm.plugins.module_utils import _version
from ansible_collections.qcloud.cvm.plugins.module_utils._api import tc3
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import USER_AGENT, Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import Connection, open_backend
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import FakeLegacyApi

# The collection under test: <root>/plugins/module_utils/_version.py.
ROOT = Path(_version.__file__).resolve().parents[2]


def test_galaxy_yml_carries_the_same_version():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    assert galaxy["namespace"] == "qcloud" and galaxy["name"] == "cvm"
    assert str(galaxy["version"]) == _version.COLLECTION_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", _version.COLLECTION_VERSION)


def test_the_user_agent_names_the_collection_and_its_version():
    assert USER_AGENT == "ansible-collection-qcloud.cvm/" + _version.COLLECTION_VERSION


def test_legacy_requests_send_the_user_agent():
    api = FakeLegacyApi()
    backend = open_backend(
        Connection("legacy", Credentials("AKIDTEST", "key"), "ap-guangzhou", endpoint="http://127.0.0.1:8080/v2/index.php"), session=api.session()
    )
    backend.list_page({}, 0)
    assert api.calls[0].headers["User-Agent"] == "ansible-collection-qcloud.cvm/" + _version.COLLECTION_VERSION


def test_api_3_0_requests_send_the_user_agent():
    class Session:
        headers = None

        def post(self, url, data, headers, timeout, verify):
            Session.headers = dict(headers)

            class Response:
                status_code = 200
                content = json.dumps({"Response": {"TotalCount": 0, "InstanceSet": [], "RequestId": "r"}}).encode("utf-8")
                text = content.decode("utf-8")

            return Response()

    client = tc3.V3Client(Credentials("AKIDTEST", "key"), "ap-guangzhou", parse_endpoint("http://127.0.0.1:8080/"), session=Session())
    client.call("DescribeInstances", {})
    assert Session.headers["User-Agent"] == USER_AGENT
