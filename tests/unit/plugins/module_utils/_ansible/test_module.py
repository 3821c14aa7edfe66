# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module base (_ansible/module.py): argument spec -> check -> backend -> execute -> one exit."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible import module as module_base
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, ConfigError, TaskFailure

CREDENTIALS = {"secret_id": "AKIDTEST", "secret_key": "key", "region": "gz"}


class Probe(module_base.QcloudModule):
    """Records what the base did; ``behaviour`` says what its check and execute do."""

    behaviour = {}
    seen = {}

    @staticmethod
    def argument_spec():
        return {"name": {"type": "str", "default": "probe"}}

    def check(self):
        Probe.seen["checked"] = True
        if "check" in self.behaviour:
            raise self.behaviour["check"]

    def execute(self):
        Probe.seen.update(backend=self.backend, name=self.params["name"])
        self.result["done"] = ["ins-1"]
        if self.behaviour.get("change"):
            self.result["changed"] = True
        if "execute" in self.behaviour:
            raise self.behaviour["execute"]


@pytest.fixture(autouse=True)
def fresh_probe(monkeypatch):
    monkeypatch.setattr(Probe, "behaviour", {})
    monkeypatch.setattr(Probe, "seen", {})
    for variable in (
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_REGION",
        "TENCENTCLOUD_SECURITY_TOKEN",
        "QCLOUD_CVM_ENDPOINT",
        "QCLOUD_CVM_API",
    ):
        monkeypatch.delenv(variable, raising=False)


def run(capsys, check_mode=False, **args):
    module_args = dict(CREDENTIALS, **args)
    module_args["_ansible_check_mode"] = check_mode
    with patch_module_args(module_args):
        with pytest.raises(SystemExit):
            Probe().run()
    return json.loads(capsys.readouterr().out)


def warnings(result):
    return [w if isinstance(w, str) else w.get("event", {}).get("msg", "") for w in result.get("warnings", [])]


def test_success_exits_once_with_the_result(capsys):
    result = run(capsys, name="x")
    assert result["changed"] is False and result["done"] == ["ins-1"] and "failed" not in result
    backend = Probe.seen["backend"]
    assert backend.region == "ap-guangzhou" and backend.client.region == "gz" and backend.client.read_only is False
    assert Probe.seen["name"] == "x"


def test_check_mode_opens_a_read_only_backend(capsys):
    run(capsys, check_mode=True)
    assert Probe.seen["backend"].client.read_only is True


def test_a_failure_keeps_what_the_result_knew_and_adds_the_error_fields(capsys):
    cause = ApiError("DescribeInstances", "InternalError", "boom (code 6000)")
    Probe.behaviour = {"change": True, "execute": TaskFailure("instance(s) ins-1 were created, but ...", cause)}
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == "instance(s) ins-1 were created, but ..."
    assert result["done"] == ["ins-1"]
    assert result["api_error"] == {"action": "DescribeInstances", "code": "InternalError", "message": "boom (code 6000)", "request_id": None}


def test_a_failure_before_any_change_reports_no_change(capsys):
    Probe.behaviour = {"execute": ApiError("RunInstancesHour", "OperationConstraints.AccountBalanceNotEnough", "top up (code 5300)")}
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == "RunInstancesHour failed: OperationConstraints.AccountBalanceNotEnough: top up (code 5300)"


def test_check_runs_before_the_backend_is_opened(capsys, monkeypatch):
    monkeypatch.setattr(module_base, "open_backend", lambda *args, **kwargs: pytest.fail("opened a backend"))
    Probe.behaviour = {"check": ConfigError("option 'name' must not be empty")}
    result = run(capsys)
    assert result["failed"] is True and result["msg"] == "option 'name' must not be empty"
    assert "backend" not in Probe.seen


@pytest.mark.parametrize(
    "missing, variable",
    [
        ("secret_id", "TENCENTCLOUD_SECRET_ID"),
        ("secret_key", "TENCENTCLOUD_SECRET_KEY"),
        ("region", "TENCENTCLOUD_REGION"),
    ],
)
def test_a_missing_option_names_the_option_and_its_variable(capsys, missing, variable):
    result = run(capsys, **{missing: None})
    assert result["failed"] is True
    assert result["msg"] == "missing required option '{0}': set it, or the environment variable {1}".format(missing, variable)
    assert "backend" not in Probe.seen


def test_the_shared_options_fall_back_to_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDENV")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "key-from-env")
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-shanghai")
    monkeypatch.setenv("QCLOUD_CVM_ENDPOINT", "http://127.0.0.1:8080/v2/index.php")
    with patch_module_args({}):
        with pytest.raises(SystemExit):
            Probe().run()
    result = json.loads(capsys.readouterr().out)
    assert "failed" not in result
    client = Probe.seen["backend"].client
    assert client.credentials.secret_id == "AKIDENV" and client.credentials.secret_key == "key-from-env"
    assert client.region == "sh" and client.endpoint.url == "http://127.0.0.1:8080/v2/index.php"
    assert "key-from-env" not in json.dumps(result)


def test_a_malformed_endpoint_fails_before_anything_is_sent(capsys):
    result = run(capsys, endpoint="http://127.0.0.1:99999/v2/index.php")
    assert result["failed"] is True
    assert result["msg"] == ("option 'endpoint': 'http://127.0.0.1:99999/v2/index.php' is not a usable URL: the port must be a number from 1 to 65535")
    assert "backend" not in Probe.seen


def test_validate_certs_false_warns(capsys):
    result = run(capsys, validate_certs=False)
    assert any("validate_certs is false" in warning for warning in warnings(result))
    assert Probe.seen["backend"].client.validate_certs is False


def test_validate_certs_true_does_not_warn(capsys):
    assert not any("validate_certs" in warning for warning in warnings(run(capsys)))


def test_without_requests_the_task_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setattr(module_base, "HAS_REQUESTS", False)
    result = run(capsys)
    assert result["failed"] is True and "requests" in result["msg"]
    assert "checked" not in Probe.seen


def test_a_bug_is_not_dressed_up_as_a_task_failure(capsys):
    Probe.behaviour = {"execute": KeyError("bug")}
    with patch_module_args(dict(CREDENTIALS)):
        with pytest.raises(KeyError):
            Probe().run()
