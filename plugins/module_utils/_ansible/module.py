# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of the collection's modules: argument spec -> checks -> state dispatch -> one exit.

Private: may change without notice. A module subclasses ``QcloudModule``,
says its own options (``argument_spec``) and rules (``check``), and does its
work in ``execute``, filling ``self.result``. Nothing below calls
``exit_json`` or ``fail_json``: errors are raised, and ``run`` turns any of
the collection's errors into one structured failure that still carries
everything ``self.result`` knew (for example every ID created so far).
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.options import common_argument_spec, connection_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import HAS_REQUESTS
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ConfigError, QcloudError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.backends import open_backend


class QcloudModule:
    """One run of one module."""

    # AnsibleModule keyword arguments besides argument_spec (mutually_exclusive, required_if, ...).
    module_kwargs = {}

    def __init__(self):
        spec = common_argument_spec()
        spec.update(self.argument_spec())
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **self.module_kwargs)
        self.params = self.module.params
        self.result = {"changed": False}
        self.backend = None

    # -- what a module says ----------------------------------------------------

    @staticmethod
    def argument_spec():
        """The module's own options (the shared ones are added)."""
        return {}

    def check(self):
        """Raise ConfigError for a rule the argument spec cannot say; runs before any request."""

    def execute(self):
        """Do the work, filling ``self.result``; raise the collection's errors."""
        raise NotImplementedError

    # -- what every module does ------------------------------------------------

    def warn(self, message):
        self.module.warn(message)

    def run(self):
        """The module's one exit."""
        failure = None
        try:
            if not HAS_REQUESTS:
                raise ConfigError(missing_required_lib("requests"))
            self.check()
            # Check mode is enforced where requests are sent: a read-only
            # backend refuses every change, whatever the module's code does.
            self.backend = open_backend(connection_from_options(self.params, read_only=self.module.check_mode))
            if not self.params.get("validate_certs", True):
                self.warn("validate_certs is false: the endpoint's TLS certificate is not verified. Use it for tests only.")
            self.execute()
        except QcloudError as error:
            failure = error
        if failure is not None:
            result = dict(self.result)
            result.update(failure.details())
            result["changed"] = self.result.get("changed", False)
            self.module.fail_json(msg=str(failure), **result)
        self.module.exit_json(**self.result)
