# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared options (doc fragment ``qcloud.cvm.qcloud``): their argument spec, environment fallbacks and checks.

Private: may change without notice. Modules take ``common_argument_spec()``;
the inventory plugin reads the same options through ``resolve_common_options``;
both turn them into a checked ``Connection`` with ``connection_from_options``,
so the fallbacks and the rules live in one place.
tests/unit/plugins/module_utils/test_common_options.py checks that this spec
and the doc fragment describe the same options.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import env_fallback

from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import APIS, DEFAULT_API, Connection
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.concurrency import DEFAULT_CONCURRENCY
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import known_region_names, region_name

# Option name -> the environment variable read when the option is not set.
COMMON_OPTION_ENV = {
    "secret_id": "TENCENTCLOUD_SECRET_ID",
    "secret_key": "TENCENTCLOUD_SECRET_KEY",
    "security_token": "TENCENTCLOUD_SECURITY_TOKEN",
    "region": "TENCENTCLOUD_REGION",
    "endpoint": "QCLOUD_CVM_ENDPOINT",
    "api": "QCLOUD_CVM_API",
}
SECRET_OPTIONS = frozenset(("secret_key", "security_token"))
REQUIRED_OPTIONS = ("secret_id", "secret_key", "region")
TRANSPORT_DEFAULTS = {"validate_certs": True, "timeout": 30.0, "retries": 4}


def common_argument_spec():
    spec = {name: {"type": "str", "no_log": name in SECRET_OPTIONS, "fallback": (env_fallback, [variable])} for name, variable in COMMON_OPTION_ENV.items()}
    spec["api"]["choices"] = list(APIS)
    spec.update(
        validate_certs={"type": "bool", "default": TRANSPORT_DEFAULTS["validate_certs"]},
        timeout={"type": "float", "default": TRANSPORT_DEFAULTS["timeout"]},
        retries={"type": "int", "default": TRANSPORT_DEFAULTS["retries"]},
    )
    return spec


def resolve_common_options(get_option, environ=None):
    """The shared options as the inventory plugin sees them, with the same environment fallbacks as modules."""
    environ = os.environ if environ is None else environ
    options = {name: get_option(name) for name in list(COMMON_OPTION_ENV) + list(TRANSPORT_DEFAULTS)}
    for name, variable in COMMON_OPTION_ENV.items():
        if options[name] in (None, ""):
            options[name] = environ.get(variable) or None
    return options


def checked_region(value, option="region"):
    """The API 3.0 name of a region option's value; ConfigError names the option and the known regions."""
    name = region_name(value) if value else None
    if name is None:
        raise ConfigError(
            "option '{0}': unknown region {1!r}; use a legacy short code or its 3.0 name: {2}".format(option, value, ", ".join(known_region_names()))
        )
    return name


def connection_from_options(options, read_only=False):
    """A checked Connection from the shared options; ConfigError names the option (and its variable) and the rule."""
    for name in REQUIRED_OPTIONS:
        if not options.get(name):
            raise ConfigError("missing required option '{0}': set it, or the environment variable {1}".format(name, COMMON_OPTION_ENV[name]))
    api = options.get("api") or DEFAULT_API
    if api not in APIS:
        raise ConfigError("option 'api': {0!r} is not one of {1}".format(api, ", ".join(APIS)))
    timeout = options.get("timeout")
    if timeout is not None and timeout <= 0:
        raise ConfigError("option 'timeout' must be greater than 0, got {0}".format(timeout))
    retries = options.get("retries")
    if retries is not None and retries < 0:
        raise ConfigError("option 'retries' must be 0 or more, got {0}".format(retries))
    if options.get("endpoint"):
        parse_endpoint(options["endpoint"])
    return Connection(
        api=api,
        credentials=Credentials(options["secret_id"], options["secret_key"], options.get("security_token")),
        region=checked_region(options["region"]),
        endpoint=options.get("endpoint") or None,
        validate_certs=TRANSPORT_DEFAULTS["validate_certs"] if options.get("validate_certs") is None else options["validate_certs"],
        timeout=timeout or TRANSPORT_DEFAULTS["timeout"],
        retries=TRANSPORT_DEFAULTS["retries"] if retries is None else retries,
        read_only=read_only,
        concurrency=options.get("concurrency") or DEFAULT_CONCURRENCY,
    )
