# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The derived clientToken: stable for one create, new when the instances found differ, never leaking the password."""

from __future__ import annotations

import re

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm_client_token import derive_client_token

PARAMS = {"zoneId": 100003, "cpu": 1, "mem": 2, "imageId": "img-3wnd9xpl", "storageSize": 0, "goodsNum": 2,
          "instanceName": "web", "needMonitorAgent": 1}


def test_same_request_same_existing_ids_same_token():
    first = derive_client_token("gz", dict(PARAMS), ["ins-b", "ins-a"])
    assert first == derive_client_token("gz", dict(reversed(list(PARAMS.items()))), ["ins-a", "ins-b"])


def test_shape():
    token = derive_client_token("gz", PARAMS, [])
    assert len(token) == 64
    assert re.fullmatch(r"ansible-[0-9a-f]{56}", token)


def test_other_existing_ids_other_token():
    assert derive_client_token("gz", PARAMS, []) != derive_client_token("gz", PARAMS, ["ins-a"])
    assert derive_client_token("gz", PARAMS, ["ins-a"]) != derive_client_token("gz", PARAMS, ["ins-b"])


def test_other_request_or_region_other_token():
    base = derive_client_token("gz", PARAMS, [])
    assert base != derive_client_token("sh", PARAMS, [])
    assert base != derive_client_token("gz", dict(PARAMS, goodsNum=1), [])
    assert base != derive_client_token("gz", dict(PARAMS, instanceName="db"), [])


def test_password_and_given_token_do_not_count_and_never_appear():
    base = derive_client_token("gz", PARAMS, [])
    with_password = derive_client_token("gz", dict(PARAMS, password="Ab12#xyz"), [])
    assert with_password == base
    assert "Ab12#xyz" not in with_password
    assert derive_client_token("gz", dict(PARAMS, clientToken="old"), []) == base
