# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Legacy HmacSHA1/HmacSHA256 signatures (api-notes/legacy.md section 1.3)."""

import base64
import hashlib
import hmac

from . import API_HOST, API_PATH


def string_to_sign(method, host, params, path=API_PATH):
    """METHOD + host + path + '?' + sorted raw ``key=value`` pairs, Signature excluded.

    Keys get ``_`` -> ``.`` before sorting; the sort is case-sensitive byte
    order, so ``instanceIds.10`` sorts before ``instanceIds.2``.
    """
    items = sorted((key.replace("_", "."), value) for key, value in params.items() if key != "Signature")
    return method.upper() + host + path + "?" + "&".join(f"{key}={value}" for key, value in items)


def digest_name(params):
    # Any value other than HmacSHA256 (or none) means SHA-1, as the docs say.
    return "sha256" if params.get("SignatureMethod") == "HmacSHA256" else "sha1"


def sign(text, secret_key, digest="sha1"):
    mac = hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), getattr(hashlib, digest))
    return base64.b64encode(mac.digest()).decode("ascii")


def verify(method, hosts, params, secret_key):
    """True when ``Signature`` matches a string signed over any of ``hosts``."""
    received = params.get("Signature", "").encode("utf-8")
    digest = digest_name(params)
    matched = False
    for host in hosts:
        expected = sign(string_to_sign(method, host, params), secret_key, digest).encode("ascii")
        # No early exit: each candidate host costs the same time either way.
        matched = hmac.compare_digest(expected, received) or matched
    return matched


def candidate_hosts(host_header, api_host=API_HOST):
    """The Host header as received (``127.0.0.1:port`` locally) and the action's real API host."""
    hosts = [api_host]
    if host_header and host_header != api_host:
        hosts.insert(0, host_header)
    return hosts
