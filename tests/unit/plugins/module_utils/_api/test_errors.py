# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The errors (_api/errors.py): each knows the structured fields it adds to a failed task."""

from __future__ import annotations

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import (
    ApiError,
    ConfigError,
    QcloudError,
    ReadOnlyViolation,
    TaskFailure,
    TransportError,
)


def test_every_error_is_a_qcloud_error_and_only_some_add_fields():
    for error in (ConfigError("x"), ReadOnlyViolation("x"), QcloudError("x")):
        assert isinstance(error, QcloudError) and error.details() == {} and not error.retryable


def test_api_error_fields_and_text():
    error = ApiError("RunInstancesHour", "InvalidParameter.InvaildZoneId", "(100011)zoneId 200001 (code 4000)", request_id="req-1", hint="check the zone")
    assert error.details() == {
        "api_error": {
            "action": "RunInstancesHour",
            "code": "InvalidParameter.InvaildZoneId",
            "message": "(100011)zoneId 200001 (code 4000)",
            "request_id": "req-1",
        }
    }
    assert str(error) == ("RunInstancesHour failed: InvalidParameter.InvaildZoneId: (100011)zoneId 200001 (code 4000) (request ID req-1) (check the zone)")
    assert not error.retryable and not error.throttled
    assert str(ApiError("DescribeInstances", "AuthFailure", "bad")) == "DescribeInstances failed: AuthFailure: bad"
    assert ApiError("DescribeInstances", "RequestLimitExceeded", "slow", retryable=True, throttled=True).throttled


def test_transport_error_fields():
    error = TransportError("DescribeInstances", "HTTP 500 from x", retryable=True, status=500)
    assert error.retryable and str(error) == "DescribeInstances failed: HTTP 500 from x"
    assert error.details() == {"transport_error": {"action": "DescribeInstances", "http_status": 500, "message": "DescribeInstances failed: HTTP 500 from x"}}
    assert TransportError("DescribeInstances", "refused").details()["transport_error"]["http_status"] is None


def test_task_failure_reports_the_fields_of_its_cause():
    cause = ApiError("ReturnInstance", "OperationConstraints.InvaildInstanceStatus", "status")
    assert TaskFailure("giving back ins-1: ...", cause).details() == cause.details()
    assert TaskFailure("nothing behind it").details() == {}
    assert TaskFailure("a foreign cause", ValueError("x")).details() == {}
    assert str(TaskFailure("what happened and what to do")) == "what happened and what to do"
