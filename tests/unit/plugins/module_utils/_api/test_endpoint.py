# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The endpoint option (_api/endpoint.py): every malformed form names the option and the rule; good forms give the Host header sent."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.options import connection_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import Connection, open_backend

PORT_RULE = "the port must be a number from 1 to 65535"
IPV6_RULE = "an IPv6 address must be written in brackets, complete, as in http://[::1]:8080/"
SCHEME_NEEDED = "it needs a scheme, http:// or https://, before the host"

MALFORMED = [
    ("http://127.0.0.1:99999/v2/index.php", PORT_RULE),
    ("http://[::1]:99999/v2/index.php", PORT_RULE),
    ("http://127.0.0.1:0/v2/index.php", PORT_RULE),
    ("http://127.0.0.1:abc/v2/index.php", PORT_RULE + ", for example https://host:8443/"),
    ("http://[::1/", IPV6_RULE),
    ("http://[::1/v2/index.php", IPV6_RULE),
    ("127.0.0.1:8080/v2/index.php", SCHEME_NEEDED),
    ("localhost:8080/v2/index.php", SCHEME_NEEDED),
    ("cvm.api.qcloud.com/v2/index.php", SCHEME_NEEDED),
    ("//cvm.api.qcloud.com/v2/index.php", SCHEME_NEEDED),
    ("ftp://cvm.api.qcloud.com/v2/index.php", "the scheme must be http or https, not 'ftp'"),
    ("http://", "it has no host name"),
    ("https://:8443/v2/index.php", "it has no host name"),
    ("http://127.0.0.1/v2/index.php?Action=DescribeInstances", "it must not carry a query string or a fragment"),
    ("http://127.0.0.1/v2/index.php#top", "it must not carry a query string or a fragment"),
    ("", "it is empty"),
    ("   ", "it is empty"),
    (None, "it is empty"),
]

GOOD = [
    # url, scheme, hostname, port, Host header, path
    ("https://cvm.api.qcloud.com/v2/index.php", "https", "cvm.api.qcloud.com", None, "cvm.api.qcloud.com", "/v2/index.php"),
    ("https://cvm.api.qcloud.com:443/v2/index.php", "https", "cvm.api.qcloud.com", 443, "cvm.api.qcloud.com", "/v2/index.php"),
    ("http://127.0.0.1:80/v2/index.php", "http", "127.0.0.1", 80, "127.0.0.1", "/v2/index.php"),
    ("http://127.0.0.1:8080/v2/index.php", "http", "127.0.0.1", 8080, "127.0.0.1:8080", "/v2/index.php"),
    ("https://emulator:80/v2/index.php", "https", "emulator", 80, "emulator:80", "/v2/index.php"),
    ("http://emulator:443/v2/index.php", "http", "emulator", 443, "emulator:443", "/v2/index.php"),
    ("http://[::1]:8080/v2/index.php", "http", "::1", 8080, "[::1]:8080", "/v2/index.php"),
    ("https://[2001:db8::1]/v2/index.php", "https", "2001:db8::1", None, "[2001:db8::1]", "/v2/index.php"),
    ("https://[2001:db8::1]:443/v2/index.php", "https", "2001:db8::1", 443, "[2001:db8::1]", "/v2/index.php"),
    ("http://127.0.0.1:65535", "http", "127.0.0.1", 65535, "127.0.0.1:65535", "/"),
    ("  http://127.0.0.1:8080/v2/index.php  ", "http", "127.0.0.1", 8080, "127.0.0.1:8080", "/v2/index.php"),
]


@pytest.mark.parametrize("url, rule", MALFORMED)
def test_a_malformed_endpoint_names_the_option_and_the_rule(url, rule):
    with pytest.raises(ConfigError) as caught:
        parse_endpoint(url)
    message = str(caught.value)
    assert message.startswith("option 'endpoint': {0!r} is not a usable URL: ".format(url))
    assert message.endswith(rule)


def test_a_wrong_scheme_without_host_is_refused():
    with pytest.raises(ConfigError, match=r"^option 'endpoint': 'ftp://' is not a usable URL: "):
        parse_endpoint("ftp://")


def test_a_wrong_scheme_without_host_names_the_scheme_rule():
    with pytest.raises(ConfigError, match="the scheme must be http or https, not 'ftp'"):
        parse_endpoint("ftp://")


def test_the_option_named_is_the_one_given():
    with pytest.raises(ConfigError, match=r"^option 'dfw_endpoint': 'http://h:99999/' is not a usable URL"):
        parse_endpoint("http://h:99999/", option="dfw_endpoint")


@pytest.mark.parametrize("url, scheme, hostname, port, host_header, path", GOOD)
def test_a_good_endpoint_gives_the_host_header_an_http_client_sends(url, scheme, hostname, port, host_header, path):
    endpoint = parse_endpoint(url)
    assert (endpoint.scheme, endpoint.hostname, endpoint.port, endpoint.host_header, endpoint.path) == (scheme, hostname, port, host_header, path)
    assert endpoint.url == url.strip()
    assert repr(endpoint) == "Endpoint({0!r})".format(url.strip())


def test_with_host_keeps_scheme_port_and_path():
    moved = parse_endpoint("http://127.0.0.1:8080/v2/index.php").with_host("::1")
    assert moved.url == "http://[::1]:8080/v2/index.php" and moved.host_header == "[::1]:8080" and moved.path == "/v2/index.php"
    moved = parse_endpoint("https://cvm.api.qcloud.com/v2/index.php").with_host("dfw.api.qcloud.com")
    assert moved.url == "https://dfw.api.qcloud.com/v2/index.php" and moved.host_header == "dfw.api.qcloud.com"


OPTIONS = {"secret_id": "AKIDTEST", "secret_key": "key", "region": "gz", "security_token": None, "validate_certs": True, "timeout": 30, "retries": 4}


@pytest.mark.parametrize("url, rule", [(url, rule) for url, rule in MALFORMED if url and url.strip()])
def test_connection_from_options_refuses_a_malformed_endpoint(url, rule):
    with pytest.raises(ConfigError) as caught:
        connection_from_options(dict(OPTIONS, endpoint=url))
    assert str(caught.value).startswith("option 'endpoint': ") and str(caught.value).endswith(rule)


@pytest.mark.parametrize("url, _scheme, _hostname, _port, host_header, _path", GOOD)
def test_connection_from_options_keeps_a_good_endpoint_for_the_backend(url, _scheme, _hostname, _port, host_header, _path):
    connection = connection_from_options(dict(OPTIONS, endpoint=url))
    assert connection.endpoint == url
    assert open_backend(connection).client.endpoint.host_header == host_header


@pytest.mark.parametrize("unset", [None, ""])
def test_an_unset_endpoint_is_the_default(unset):
    connection = connection_from_options(dict(OPTIONS, endpoint=unset))
    assert connection.endpoint is None
    assert open_backend(connection).client.endpoint.url == "https://cvm.api.qcloud.com/v2/index.php"


def test_open_backend_checks_the_endpoint_too():
    connection = Connection("legacy", Credentials("AKIDTEST", "key"), "ap-guangzhou", endpoint="http://127.0.0.1:99999/")
    with pytest.raises(ConfigError, match="option 'endpoint'.*" + PORT_RULE):
        open_backend(connection)
