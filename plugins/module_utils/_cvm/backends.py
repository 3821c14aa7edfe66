# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which backend serves a task: the ``api`` option, the credentials, the region and the endpoint.

Private: may change without notice. The one place that knows every backend;
modules and the inventory get theirs from ``open_backend``.
"""

from __future__ import annotations

from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.plugins.module_utils._api.tc3 import V3Client
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.concurrency import DEFAULT_CONCURRENCY
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.backend import LegacyBackend
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import legacy_code
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.backend import V3Backend

# legacy: RunInstancesHour on cvm.api.qcloud.com/v2, the collection's first job;
# v3: API 3.0 RunInstances (POSTPAID_BY_HOUR) on cvm.tencentcloudapi.com, what new accounts can call.
APIS = ("legacy", "v3")
DEFAULT_API = "legacy"
V3_HOST = "{service}.tencentcloudapi.com"
# Finance regions are served by their regional host only (api-notes/v3.md 1.1).
V3_REGIONAL_HOST = "{service}.{region}.tencentcloudapi.com"
FINANCE_SUFFIX = "-fsi"
LEGACY_ENDPOINT = "https://cvm.api.qcloud.com/v2/index.php"
LEGACY_HOST = "cvm.api.qcloud.com"
# The legacy security-group actions are served by another host (api-notes/v3.md 6.2).
LEGACY_SECURITY_GROUP_HOST = "dfw.api.qcloud.com"


class Connection:
    """Everything a backend needs to reach its API, checked by the options layer."""

    __slots__ = ("api", "credentials", "region", "endpoint", "validate_certs", "timeout", "retries", "read_only", "concurrency")

    def __init__(self, api, credentials, region, endpoint=None, validate_certs=True, timeout=30, retries=4, read_only=False, concurrency=DEFAULT_CONCURRENCY):
        self.api = api
        self.credentials = credentials
        # The region's API 3.0 name.
        self.region = region
        # The endpoint option's value; None for the API's default.
        self.endpoint = endpoint
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retries = retries
        self.read_only = read_only
        # How many one-instance calls run at once where the API takes no list.
        self.concurrency = concurrency

    def for_region(self, region):
        """The same connection in another region (the inventory lists several)."""
        return Connection(self.api, self.credentials, region, self.endpoint, self.validate_certs, self.timeout, self.retries, self.read_only, self.concurrency)


def default_endpoint(api, region, service="cvm"):
    """The URL of ``api`` for ``region`` when the endpoint option is not set."""
    if api == "legacy":
        return LEGACY_ENDPOINT
    host = V3_REGIONAL_HOST if region.endswith(FINANCE_SUFFIX) else V3_HOST
    return "https://" + host.format(service=service, region=region)


def check_region_served(api, region, option="region"):
    """ConfigError, naming ``option``, when ``api`` cannot serve ``region`` (the legacy API knows no short code for some)."""
    if api == "legacy" and legacy_code(region) is None:
        raise ConfigError("option '{0}': {1} has no short code on the legacy API; use api: v3".format(option, region))


def open_backend(connection, session=None):
    """The backend for ``connection``; ConfigError when its options cannot work together."""
    if connection.api not in APIS:
        raise ConfigError("option 'api': {0!r} is not one of {1}".format(connection.api, ", ".join(APIS)))
    if connection.api == "v3":
        return _open_v3(connection, session)
    return _open_legacy(connection, session)


def _open_v3(connection, session):
    def client_for(service):
        # A given endpoint (a proxy, the emulator) serves every service itself.
        url = connection.endpoint or default_endpoint("v3", connection.region, service)
        return V3Client(
            connection.credentials,
            connection.region,
            parse_endpoint(url),
            validate_certs=connection.validate_certs,
            timeout=connection.timeout,
            retry_policy=RetryPolicy(retries=connection.retries),
            session=session,
            read_only=connection.read_only,
            service=service,
        )

    return V3Backend(client_for("cvm"), connection.region, client_for("vpc"), concurrency=connection.concurrency)


def _open_legacy(connection, session):
    endpoint = parse_endpoint(connection.endpoint or LEGACY_ENDPOINT)
    check_region_served("legacy", connection.region)
    code = legacy_code(connection.region)

    def client_for(client_endpoint):
        return LegacyClient(
            connection.credentials,
            code,
            client_endpoint,
            validate_certs=connection.validate_certs,
            timeout=connection.timeout,
            retry_policy=RetryPolicy(retries=connection.retries),
            session=session,
            read_only=connection.read_only,
        )

    # Tencent's own host moves to dfw for security groups; any other endpoint
    # (a proxy, the emulator) is taken to serve every action itself.
    group_endpoint = endpoint.with_host(LEGACY_SECURITY_GROUP_HOST) if endpoint.hostname == LEGACY_HOST else endpoint
    client = client_for(endpoint)
    group_client = client_for(group_endpoint) if group_endpoint is not endpoint else client
    return LegacyBackend(client, connection.region, group_client, concurrency=connection.concurrency)
