# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``endpoint`` option, checked once and parsed into what a signer needs.

Private: may change without notice. Both protocols sign the Host header they
send, so the header is computed here exactly as the HTTP library sends it: the
port only when it is not the scheme's default, an IPv6 literal in brackets.
"""

from __future__ import annotations

import ipaddress
import re

from urllib.parse import urlsplit

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError

DEFAULT_PORTS = {"http": 80, "https": 443}


class Endpoint:
    """A parsed, valid endpoint URL."""

    __slots__ = ("url", "scheme", "hostname", "port", "host_header", "path")

    def __init__(self, url, scheme, hostname, port, path):
        self.url = url
        self.scheme = scheme
        self.hostname = hostname
        self.port = port
        self.path = path
        literal = "[{0}]".format(hostname) if ":" in hostname else hostname
        self.host_header = literal if port in (None, DEFAULT_PORTS[scheme]) else "{0}:{1}".format(literal, port)

    def with_host(self, hostname):
        """The same URL on another host (same scheme, port and path)."""
        netloc = "[{0}]".format(hostname) if ":" in hostname else hostname
        if self.port is not None:
            netloc += ":{0}".format(self.port)
        return Endpoint("{0}://{1}{2}".format(self.scheme, netloc, self.path), self.scheme, hostname, self.port, self.path)

    def __repr__(self):
        return "Endpoint({0!r})".format(self.url)


BRACKETED = re.compile(r"^\[([^\[\]]+)\](?::([^:\[\]]*))?$")
IPV6_RULE = "an IPv6 address must be written in brackets, complete, as in http://[::1]:8080/"


def _check_ipv6_literal(netloc, invalid):
    """The host part of a URL that names an IPv6 address: ``[address]`` with a valid address, then an optional ``:port``."""
    match = BRACKETED.match(netloc.rpartition("@")[2])
    if match is None:
        raise invalid(IPV6_RULE)
    try:
        ipaddress.IPv6Address(match.group(1))
    except ValueError:
        raise invalid(IPV6_RULE + "; {0!r} is no IPv6 address".format(match.group(1))) from None


def parse_endpoint(url, option="endpoint"):
    """``url`` as an Endpoint; ConfigError names the option and the rule that ``url`` breaks."""

    def invalid(rule):
        return ConfigError("option '{0}': {1!r} is not a usable URL: {2}".format(option, url, rule))

    if not isinstance(url, str) or not url.strip():
        raise invalid("it is empty")
    # The authority, read by hand: urlsplit itself refuses some broken IPv6 literals with a bare ValueError.
    netloc = url.strip().partition("://")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "[" in netloc or "]" in netloc or netloc.count(":") > 1:
        _check_ipv6_literal(netloc, invalid)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        text = str(error)
        if "IPv6" in text:
            raise invalid(IPV6_RULE) from None
        if "range" in text:
            raise invalid("the port must be a number from 1 to 65535") from None
        raise invalid("the port must be a number from 1 to 65535, for example https://host:8443/") from None
    if parts.scheme not in DEFAULT_PORTS:
        if "://" not in url:
            raise invalid("it needs a scheme, http:// or https://, before the host")
        raise invalid("the scheme must be http or https, not {0!r}".format(parts.scheme))
    if not parts.hostname:
        raise invalid("it has no host name")
    if port == 0:
        raise invalid("the port must be a number from 1 to 65535")
    if parts.query or parts.fragment:
        raise invalid("it must not carry a query string or a fragment")
    return Endpoint(url.strip(), parts.scheme, parts.hostname, port, parts.path or "/")
