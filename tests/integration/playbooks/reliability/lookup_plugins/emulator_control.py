# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: emulator_control
short_description: Call the CVM emulator's control API from a playbook (test helper)
description:
  - Test helper of the qcloud.cvm reliability suite. Runs in the controller, so a fault can be injected
    between two tasks without starting a module process.
  - Each term is a control path such as V(faults) or V(instances); the answers are returned in order.
options:
  _terms:
    description: Control API paths, relative to O(control).
    required: true
  control:
    description: The control API's base URL, for example V(http://127.0.0.1:8080/_emulator).
    type: str
    required: true
  method:
    description: The HTTP method.
    type: str
    default: GET
  body:
    description: A JSON body; a list sends one request per item.
    type: raw
"""

import json
import urllib.request

from ansible.plugins.lookup import LookupBase


def _call(url, method, body):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback only)
        text = response.read().decode("utf-8")
    return json.loads(text) if text else {}


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        control = self.get_option("control").rstrip("/")
        method = self.get_option("method")
        body = self.get_option("body")
        answers = []
        for term in terms:
            url = "{0}/{1}".format(control, term)
            if isinstance(body, list):
                answers.append([_call(url, method, item) for item in body])
            else:
                answers.append(_call(url, method, body))
        return answers
