# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The official Python SDK (tencentcloud-sdk-python-cvm / -vpc, pinned in tests/requirements.txt) against the 3.0 face.

The clients are pointed at the emulator with ``HttpProfile(endpoint="127.0.0.1:PORT", protocol="http")``;
the SDK signs that endpoint as Host, as it would sign cvm.tencentcloudapi.com.
"""

import base64
import json
import time

import pytest

from emu_client import SECRET_ID, SECRET_KEY, wait_for

cvm_client = pytest.importorskip("tencentcloud.cvm.v20170312.cvm_client")
models = pytest.importorskip("tencentcloud.cvm.v20170312.models")
vpc_client = pytest.importorskip("tencentcloud.vpc.v20170312.vpc_client")
vpc_models = pytest.importorskip("tencentcloud.vpc.v20170312.models")
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402

RUN = {
    "Placement": {"Zone": "ap-guangzhou-3"},
    "InstanceType": "S1.SMALL2",
    "ImageId": "img-3wnd9xpl",
    "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50},
    "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 5, "PublicIpAssigned": True},
    "LoginSettings": {"Password": "Ab12#xyz"},
    "TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "ansible-client-token", "Value": "t1"}]}],
}


def _profile(url, method="POST", language=None):
    http = HttpProfile(endpoint=url.split("://", 1)[1], protocol="http", reqMethod=method)
    profile = ClientProfile(httpProfile=http)
    if language:
        profile.language = language
    return profile


def _client(url, method="POST", region="ap-guangzhou", token=None, language=None, secret_key=SECRET_KEY):
    return cvm_client.CvmClient(credential.Credential(SECRET_ID, secret_key, token), region, _profile(url, method, language))


def _request(cls, params):
    request = cls()
    request.from_json_string(json.dumps(params))
    return request


@pytest.fixture
def sdk(emu, shared_server):
    return _client(shared_server.url)


def test_create_describe_stop_terminate(sdk, emu, shared_server):
    emu.control.post("config", {"create_delay": 0.1, "power_delay": 0.1, "return_delay": 0.1})
    created = sdk.RunInstances(_request(models.RunInstancesRequest, dict(RUN, InstanceCount=2, InstanceName="sdk-{R:1}", ClientToken="sdk-1")))
    ids = created.InstanceIdSet
    assert len(ids) == 2 and created.RequestId
    again = sdk.RunInstances(_request(models.RunInstancesRequest, dict(RUN, InstanceCount=2, ClientToken="sdk-1")))
    assert again.InstanceIdSet == ids
    found = sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"Filters": [{"Name": "tag:ansible-client-token", "Values": ["t1"]}]}))
    assert found.TotalCount == 2
    inst = found.InstanceSet[0]
    assert inst.InstanceName == "sdk-2" and inst.InstanceType == "S1.SMALL2" and inst.SystemDisk.DiskType == "CLOUD_PREMIUM"
    assert inst.Placement.Zone == "ap-guangzhou-3" and inst.InternetAccessible.InternetMaxBandwidthOut == 5 and inst.Tags[0].Value == "t1"
    wait_for(
        lambda: all(
            s.InstanceState == "RUNNING"
            for s in sdk.DescribeInstancesStatus(_request(models.DescribeInstancesStatusRequest, {"InstanceIds": ids})).InstanceStatusSet
        )
    )
    get = _client(shared_server.url, method="GET")
    assert get.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids[:1]})).InstanceSet[0].InstanceState == "RUNNING"
    sdk.StopInstances(_request(models.StopInstancesRequest, {"InstanceIds": ids, "StoppedMode": "STOP_CHARGING"}))
    wait_for(
        lambda: {i.InstanceState for i in sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).InstanceSet} == {"STOPPED"}
    )
    sdk.StartInstances(_request(models.StartInstancesRequest, {"InstanceIds": ids}))
    wait_for(
        lambda: {i.InstanceState for i in sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).InstanceSet} == {"RUNNING"}
    )
    sdk.RebootInstances(_request(models.RebootInstancesRequest, {"InstanceIds": ids[:1], "StopType": "SOFT"}))
    assert sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids[:1]})).InstanceSet[0].InstanceState == "REBOOTING"
    sdk.ModifyInstancesAttribute(_request(models.ModifyInstancesAttributeRequest, {"InstanceIds": ids[1:], "InstanceName": "renamed"}))
    sdk.AssociateSecurityGroups(_request(models.AssociateSecurityGroupsRequest, {"InstanceIds": ids[1:], "SecurityGroupIds": ["sg-gzweb001"]}))
    sdk.ResetInstancesInternetMaxBandwidth(
        _request(models.ResetInstancesInternetMaxBandwidthRequest, {"InstanceIds": ids[1:], "InternetAccessible": {"InternetMaxBandwidthOut": 9}})
    )
    (record,) = emu.client.call("DescribeInstances", {"instanceIds.0": ids[1]})["instanceSet"]
    assert record["instanceName"] == "renamed" and record["bandwidth"] == 9 and record["status"] == 2
    wait_for(
        lambda: {i.InstanceState for i in sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).InstanceSet} == {"RUNNING"}
    )
    sdk.TerminateInstances(_request(models.TerminateInstancesRequest, {"InstanceIds": ids}))
    wait_for(lambda: sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).TotalCount == 0)


def test_sdk_sees_errors(sdk):
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.RunInstances(_request(models.RunInstancesRequest, dict(RUN, InstanceType="I2.MEDIUM4", Placement={"Zone": "ap-guangzhou-7"})))
    assert caught.value.code == "ResourceUnavailable.InstanceType" and caught.value.requestId
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.TerminateInstances(_request(models.TerminateInstancesRequest, {"InstanceIds": ["ins-zzzzzzzz"]}))
    assert caught.value.code == "InvalidInstanceId.NotFound"
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"Limit": 500}))
    assert caught.value.code == "InvalidParameterValue.Range"


def test_sdk_auth_and_token(make_emulator):
    handle = make_emulator(security_token="sts-token")
    with pytest.raises(TencentCloudSDKException) as caught:
        _client(handle.url).DescribeZones(models.DescribeZonesRequest())
    assert caught.value.code == "AuthFailure.TokenFailure"
    assert _client(handle.url, token="sts-token").DescribeZones(models.DescribeZonesRequest()).TotalCount == 6
    with pytest.raises(TencentCloudSDKException) as caught:
        _client(handle.url, token="sts-token", secret_key="bad").DescribeZones(models.DescribeZonesRequest())
    assert caught.value.code == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize("mode", ["request-id", "error"])
def test_sdk_dry_run(sdk, emu, mode):
    emu.control.post("config", {"dry_run_mode": mode})
    request = _request(models.RunInstancesRequest, dict(RUN, DryRun=True))
    if mode == "error":
        with pytest.raises(TencentCloudSDKException) as caught:
            sdk.RunInstances(request)
        assert caught.value.code == "DryRunOperation"
    else:
        answer = sdk.RunInstances(request)
        assert answer.InstanceIdSet is None and answer.RequestId
    assert emu.control.instances() == []


def test_sdk_catalogue_and_language(emu, shared_server):
    sdk = _client(shared_server.url, language="en-US")
    zones = sdk.DescribeZones(models.DescribeZonesRequest())
    assert zones.ZoneSet[2].ZoneName == "Guangzhou Zone 3" and zones.ZoneSet[2].ZoneId == "100003"
    quota = sdk.DescribeZoneInstanceConfigInfos(
        _request(
            models.DescribeZoneInstanceConfigInfosRequest,
            {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}, {"Name": "instance-family", "Values": ["S1"]}]},
        )
    )
    match = [item for item in quota.InstanceTypeQuotaSet if (item.Cpu, item.Memory) == (1, 2)]
    assert [item.InstanceType for item in match] == ["S1.SMALL2"] and match[0].Status == "SELL" and match[0].Price.UnitPrice == 0.2
    types = sdk.DescribeInstanceTypeConfigs(
        _request(models.DescribeInstanceTypeConfigsRequest, {"Filters": [{"Name": "instance-type", "Values": ["M2.SMALL8"]}]})
    )
    assert {item.Zone for item in types.InstanceTypeConfigSet} == {f"ap-guangzhou-{n}" for n in (1, 2, 3, 4, 6, 7)}
    images = sdk.DescribeImages(_request(models.DescribeImagesRequest, {"ImageIds": ["img-win2016d"]}))
    assert images.ImageSet[0].Platform == "Windows" and images.ImageSet[0].ImageType == "PUBLIC_IMAGE"
    price = sdk.InquiryPriceRunInstances(_request(models.InquiryPriceRunInstancesRequest, dict(RUN, InstanceCount=2)))
    assert price.Price.BandwidthPrice.ChargeUnit == "GB" and price.Price.BandwidthPrice.UnitPrice == 0.8
    assert price.Price.InstancePrice.ChargeUnit == "HOUR" and price.Price.InstancePrice.UnitPrice > 0


def test_vpc_client(emu, shared_server):
    vpc = vpc_client.VpcClient(credential.Credential(SECRET_ID, SECRET_KEY), "ap-guangzhou", _profile(shared_server.url))
    answer = vpc.DescribeSecurityGroups(_request(vpc_models.DescribeSecurityGroupsRequest, {"Limit": "3", "Offset": "0"}))
    assert answer.TotalCount == 4 and [group.SecurityGroupId for group in answer.SecurityGroupSet] == ["sg-gzdeflt1", "sg-gzweb001", "sg-gzssh001"]
    assert answer.SecurityGroupSet[0].IsDefault is True and answer.SecurityGroupSet[0].ProjectId == "0"
    picked = vpc.DescribeSecurityGroups(_request(vpc_models.DescribeSecurityGroupsRequest, {"SecurityGroupIds": ["sg-gzdb0001"]}))
    assert picked.SecurityGroupSet[0].SecurityGroupName == "db"


def test_sdk_retries_request_limit(sdk, emu):
    from tencentcloud.common.retry import StandardRetryer  # pylint: disable=import-outside-toplevel

    emu.control.post("faults", {"action": "DescribeZones", "kind": "request_limit"})
    retrying = cvm_client.CvmClient(sdk.credential, "ap-guangzhou", sdk.profile)
    retrying.profile.retryer = StandardRetryer(max_attempts=2, backoff_fn=lambda _attempt: 0)
    # The pinned SDK's StandardRetryer keeps the first error after a successful retry and raises it
    # anyway (it never clears ``err``); what matters here is what the emulator answered.
    with pytest.raises(TencentCloudSDKException) as caught:
        retrying.DescribeZones(models.DescribeZonesRequest())
    assert caught.value.code == "RequestLimitExceeded"
    assert [entry["code"] for entry in emu.control.requests()] == ["RequestLimitExceeded", 0]


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def test_sdk_timers_spot_and_user_data(sdk, emu):
    """The guardrail actions the pinned SDK has (all four of api-notes/v3.md 10.1 and 10.5) and its models
    for ActionTimer, InstanceMarketOptions and the spot quote."""
    emu.control.post("config", {"create_delay": 0, "return_delay": 0})
    at = int(emu.control.get("clock")["clock"]["now"]) + 900
    user_data = base64.b64encode(b"#cloud-config\n").decode("ascii")
    spot = dict(
        RUN,
        InstanceCount=2,
        InstanceChargeType="SPOTPAID",
        InstanceMarketOptions={"MarketType": "spot", "SpotOptions": {"MaxPrice": "0.10", "SpotInstanceType": "one-time"}},
        ActionTimer={"TimerAction": "TerminateInstances", "ActionTime": _iso(at)},
        UserData=user_data,
    )
    ids = sdk.RunInstances(_request(models.RunInstancesRequest, spot)).InstanceIdSet
    found = sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).InstanceSet
    assert {inst.InstanceChargeType for inst in found} == {"SPOTPAID"}
    timers = sdk.DescribeInstancesActionTimer(_request(models.DescribeInstancesActionTimerRequest, {"InstanceIds": ids})).ActionTimers
    assert sorted(timer.InstanceId for timer in timers) == sorted(ids) and {timer.Status for timer in timers} == {"UNDO"}
    assert timers[0].ActionTime == _iso(at) and timers[0].TimerAction == "TerminateInstances" and timers[0].Externals is not None
    sdk.DeleteInstancesActionTimer(_request(models.DeleteInstancesActionTimerRequest, {"ActionTimerIds": [timers[0].ActionTimerId]}))
    imported = sdk.ImportInstancesActionTimer(
        _request(
            models.ImportInstancesActionTimerRequest,
            {"InstanceIds": [timers[0].InstanceId], "ActionTimer": {"TimerAction": "TerminateInstances", "ActionTime": _iso(at + 60)}},
        )
    )
    assert len(imported.ActionTimerIds) == 1 and imported.RequestId
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.ImportInstancesActionTimer(_request(models.ImportInstancesActionTimerRequest, {"InstanceIds": ids, "ActionTimer": {"ActionTime": _iso(at + 60)}}))
    assert caught.value.code == "FailedOperation.MutActionTimerExist"
    attributes = sdk.DescribeInstancesAttributes(_request(models.DescribeInstancesAttributesRequest, {"InstanceIds": ids, "Attributes": ["UserData"]}))
    assert [item.InstanceId for item in attributes.InstanceSet] == ids and attributes.InstanceSet[0].Attributes.UserData == user_data
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.StopInstances(_request(models.StopInstancesRequest, {"InstanceIds": ids, "StoppedMode": "STOP_CHARGING"}))
    assert caught.value.code == "UnsupportedOperation.StoppedModeStopCharging"
    # The pinned SDK's InquiryPriceRunInstancesRequest has no UserData or ActionTimer (it would drop them with a warning).
    quoted = {key: value for key, value in spot.items() if key not in ("UserData", "ActionTimer")}
    price = sdk.InquiryPriceRunInstances(_request(models.InquiryPriceRunInstancesRequest, dict(quoted, InstanceCount=1))).Price.InstancePrice
    assert price.UnitPriceDiscount < price.UnitPrice and price.ChargeUnit == "HOUR"
    quota = sdk.DescribeZoneInstanceConfigInfos(
        _request(
            models.DescribeZoneInstanceConfigInfosRequest,
            {"Filters": [{"Name": "instance-type", "Values": ["S1.SMALL2"]}, {"Name": "instance-charge-type", "Values": ["SPOTPAID"]}]},
        )
    ).InstanceTypeQuotaSet
    assert {item.InstanceChargeType for item in quota} == {"SPOTPAID"} and quota[0].Price.UnitPriceDiscount == 0.04
    # The timers fire on the emulator's clock.
    emu.control.post("clock", {"advance": 1000})
    assert sdk.DescribeInstances(_request(models.DescribeInstancesRequest, {"InstanceIds": ids})).TotalCount == 0
    done = sdk.DescribeInstancesActionTimer(_request(models.DescribeInstancesActionTimerRequest, {"StatusList": ["DONE"]})).ActionTimers
    assert len(done) == 2


def test_sdk_protection_and_sold_out(sdk, emu):
    emu.control.post("config", {"create_delay": 0})
    (instance_id,) = sdk.RunInstances(_request(models.RunInstancesRequest, dict(RUN, DisableApiTermination=True))).InstanceIdSet
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.TerminateInstances(_request(models.TerminateInstancesRequest, {"InstanceIds": [instance_id]}))
    assert caught.value.code == "UnsupportedOperation.InstancesProtected"
    sdk.ModifyInstancesAttribute(_request(models.ModifyInstancesAttributeRequest, {"InstanceIds": [instance_id], "DisableApiTermination": False}))
    sdk.TerminateInstances(_request(models.TerminateInstancesRequest, {"InstanceIds": [instance_id]}))
    emu.control.post("stock", {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SOLD_OUT", "reason": "sdk test"})
    with pytest.raises(TencentCloudSDKException) as caught:
        sdk.RunInstances(_request(models.RunInstancesRequest, dict(RUN, DryRun=True)))
    assert caught.value.code == "ResourcesSoldOut.SpecifiedInstanceType"
    quota = sdk.DescribeZoneInstanceConfigInfos(
        _request(models.DescribeZoneInstanceConfigInfosRequest, {"Filters": [{"Name": "instance-type", "Values": ["S1.SMALL2"]}]})
    ).InstanceTypeQuotaSet
    sold = next(item for item in quota if item.Zone == "ap-guangzhou-3")
    assert (sold.Status, sold.StatusCategory, sold.SoldOutReason) == ("SOLD_OUT", "WithoutStock", "sdk test")
