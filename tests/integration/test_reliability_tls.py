# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.5: TLS. The emulator serves HTTPS with a certificate made at test time by a CA made at test time.

With validate_certs true (the default) the untrusted certificate is refused with a clear TLS error and no
request reaches the API; trusting the CA through REQUESTS_CA_BUNDLE (the way the doc fragment documents) makes
the same task pass; a certificate for another name is refused even so; validate_certs false passes, with a
warning. The inventory plugin follows the same rules. Both APIs.
"""

from __future__ import annotations

import json

import pytest
import yaml

from cvm_harness import APIS, run_ansible, start_emulator
from reliability_support import control, make_certificates, no_traceback, playbook_command, record, tls_context

NO_CA = {"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "", "SSL_CERT_FILE": ""}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module", params=APIS)
def tls_emulator(request, certificates):
    ca, cert, key = certificates
    server = start_emulator("--tls-cert", str(cert), "--tls-key", str(key), "--create-delay", "0.3", scheme="https", api=request.param)
    server.ca = ca
    yield server
    server.stop()


def api_log(server):
    return control(server.base_url, "GET", "requests", context=tls_context(server.ca))["requests"]


def names_in(face, log):
    return {face.name_of(e) for e in log} - {None}


def test_module_refuses_untrusted_certificates(tls_emulator):
    run = run_ansible(
        "ansible-playbook",
        tls_emulator,
        playbook_command("tls.yml", extra_vars={"ca_bundle": str(tls_emulator.ca), "port": tls_emulator.port, "path": tls_emulator.face.path}),
        env_extra=NO_CA,
    )
    assert run.rc == 0, run
    untrusted = run.task("Untrusted")["result"]
    assert run.task("Untrusted")["outcome"] == "failed" and no_traceback(untrusted)
    assert untrusted["msg"].startswith("DescribeInstances failed: TLS error talking to " + tls_emulator.endpoint), untrusted["msg"]
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted["msg"]
    assert untrusted["transport_error"]["action"] == "DescribeInstances"
    wrong_host = run.task("Wrong host name")["result"]
    assert run.task("Wrong host name")["outcome"] == "failed" and "TLS error talking to https://localhost:" in wrong_host["msg"]
    assert "CERTIFICATE_VERIFY_FAILED" in wrong_host["msg"] and "localhost" in wrong_host["msg"]
    trusted = run.task("Trusted CA")["result"]
    assert trusted["changed"] is True and len(trusted["instance_ids"]) == 1
    unverified = run.task("Not verified")["result"]
    assert unverified["changed"] is True and len(unverified["instance_ids"]) == 1
    assert any("validate_certs is false" in str(w) for w in unverified.get("warnings", []))
    assert not any("validate_certs" in str(w) for w in trusted.get("warnings", []))
    # No request of a refused task reached the API.
    assert names_in(tls_emulator.face, api_log(tls_emulator)) == {"tls-trusted", "tls-unverified"}
    record("tls", refused_untrusted=2, passed_with_ca_bundle=1, passed_unverified_with_warning=1)


def test_inventory_follows_the_same_rules(tls_emulator, tmp_path):
    control(tls_emulator.base_url, "POST", "seed", {"count": 2, "regions": ["gz"], "name_prefix": "tls-inv"}, context=tls_context(tls_emulator.ca))
    config = tmp_path / "tls.cvm.yml"
    config.write_text(yaml.safe_dump({"plugin": "qcloud.cvm.cvm", "instance_names": ["tls-inv-00000", "tls-inv-00001"]}))
    strict = dict(NO_CA, ANSIBLE_INVENTORY_ENABLED="qcloud.cvm.cvm", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="1")
    refused = run_ansible("ansible-inventory", tls_emulator, ["-i", config, "--list"], env_extra=strict)
    assert refused.rc != 0 and "CERTIFICATE_VERIFY_FAILED" in refused.output, refused
    trusted = run_ansible("ansible-inventory", tls_emulator, ["-i", config, "--list"], env_extra=dict(strict, REQUESTS_CA_BUNDLE=str(tls_emulator.ca)))
    assert trusted.rc == 0, trusted
    assert len(json.loads(trusted.stdout)["_meta"]["hostvars"]) == 2
    record("tls", inventory_refused_untrusted=1, inventory_passed_with_ca_bundle=1)
