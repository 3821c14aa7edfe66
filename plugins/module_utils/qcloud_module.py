# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared options (doc fragment ``qcloud.cvm.qcloud``) turned into a client.

Modules use ``common_argument_spec()`` and ``QcloudModule``; the inventory plugin
uses ``resolve_common_options()`` and ``build_client()``, so the environment
fallbacks and the checks on credentials live in one place.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import (
    DEFAULT_ENDPOINT,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    QcloudClient,
    QcloudError,
)
from ansible_collections.qcloud.cvm.plugins.module_utils.regions import LEGACY_TO_CURRENT, legacy_region

# Option name -> the environment variable read when the option is not set.
COMMON_OPTION_ENV = {
    "secret_id": "TENCENTCLOUD_SECRET_ID",
    "secret_key": "TENCENTCLOUD_SECRET_KEY",
    "security_token": "TENCENTCLOUD_SECURITY_TOKEN",
    "region": "TENCENTCLOUD_REGION",
    "endpoint": "QCLOUD_CVM_ENDPOINT",
}
SECRET_OPTIONS = frozenset(("secret_key", "security_token"))
REQUIRED_OPTIONS = ("secret_id", "secret_key", "region")


class QcloudConfigError(QcloudError):
    """The shared options cannot make a client (a missing credential, an unknown region, ...)."""


def common_argument_spec():
    spec = {
        name: {"type": "str", "no_log": name in SECRET_OPTIONS, "fallback": (env_fallback, [variable])}
        for name, variable in COMMON_OPTION_ENV.items()
    }
    spec.update(
        validate_certs={"type": "bool", "default": True},
        timeout={"type": "float", "default": 30},
        retries={"type": "int", "default": 4},
    )
    return spec


def resolve_common_options(get_option, environ=None):
    """The shared options as the inventory plugin sees them, with the same environment fallbacks as modules."""
    environ = os.environ if environ is None else environ
    options = {}
    for name in list(COMMON_OPTION_ENV) + ["validate_certs", "timeout", "retries"]:
        options[name] = get_option(name)
    for name, variable in COMMON_OPTION_ENV.items():
        if options[name] in (None, ""):
            options[name] = environ.get(variable) or None
    return options


def build_client(options, read_only=False):
    """A QcloudClient from the shared options; QcloudConfigError names the option and its variable."""
    if not HAS_REQUESTS:
        raise QcloudConfigError(missing_required_lib("requests"))
    for name in REQUIRED_OPTIONS:
        if not options.get(name):
            raise QcloudConfigError("missing required option '{0}': set it, or the environment variable {1}".format(name, COMMON_OPTION_ENV[name]))
    region = legacy_region(options["region"])
    if region is None:
        raise QcloudConfigError("option 'region': unknown region {0!r}; use a legacy short code ({1}) or its ap-* name".format(
            options["region"], ", ".join(sorted(LEGACY_TO_CURRENT))))
    if options.get("timeout") is not None and options["timeout"] <= 0:
        raise QcloudConfigError("option 'timeout' must be greater than 0, got {0}".format(options["timeout"]))
    if options.get("retries") is not None and options["retries"] < 0:
        raise QcloudConfigError("option 'retries' must be 0 or more, got {0}".format(options["retries"]))
    return QcloudClient(
        secret_id=options["secret_id"],
        secret_key=options["secret_key"],
        security_token=options.get("security_token"),
        region=region,
        endpoint=options.get("endpoint") or DEFAULT_ENDPOINT,
        validate_certs=options.get("validate_certs", True),
        timeout=options.get("timeout") or 30,
        retries=4 if options.get("retries") is None else options["retries"],
        read_only=read_only,
    )


class QcloudModule:
    """Owns the AnsibleModule and its client; turns every collection error into fail_json."""

    def __init__(self, module):
        self.module = module
        if not HAS_REQUESTS:
            module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            # Check mode is enforced where requests are sent: a read-only client
            # refuses every mutating action, whatever the module's code does.
            self.client = build_client(module.params, read_only=module.check_mode)
        except QcloudConfigError as error:
            module.fail_json(msg=str(error))
        if not module.params["validate_certs"]:
            module.warn("validate_certs is false: the endpoint's TLS certificate is not verified. Use it for tests only.")

    def fail(self, error, **result):
        """fail_json with the error's text and its structured fields (code, codeDesc, message)."""
        details = error.result() if isinstance(error, QcloudError) else {}
        details.update(result)
        self.module.fail_json(msg=str(error), **details)
