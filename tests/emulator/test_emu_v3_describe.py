# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 DescribeInstances / DescribeInstancesStatus, and the same instances through both faces."""

import calendar
import time

import pytest

from emu_client import wait_for


def _ids(v3, **params):
    return [inst["InstanceId"] for inst in v3.instances(dict(params, Limit=100))]


def _filter(v3, name, *values, **kwargs):
    return _ids_of(v3.instances({"Filters": [{"Name": name, "Values": list(values)}], "Limit": 100}, **kwargs))


def _ids_of(instances):
    return [inst["InstanceId"] for inst in instances]


def test_newest_first_paging_and_unknown_ids(v3):
    ids = [v3.run({"InstanceName": f"p{index}"})[0] for index in range(5)]
    assert _ids(v3) == ids[::-1]
    page = v3.ok("DescribeInstances", {"Offset": 1, "Limit": 2})
    assert page["TotalCount"] == 5 and _ids_of(page["InstanceSet"]) == ids[::-1][1:3]
    assert v3.ok("DescribeInstances", {"Offset": 10})["InstanceSet"] == []
    found = v3.ok("DescribeInstances", {"InstanceIds": [ids[0], "ins-zzzzzzzz", ids[3]]})
    assert found["TotalCount"] == 2 and _ids_of(found["InstanceSet"]) == [ids[3], ids[0]]
    # Region-scoped: another region sees none of them.
    assert v3.ok("DescribeInstances", {"InstanceIds": ids}, region="ap-shanghai")["TotalCount"] == 0


def test_filters(v3, emu):
    tagged = v3.run(
        {
            "InstanceName": "alpha",
            "TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "group", "Value": "web"}]}],
            "SecurityGroupIds": ["sg-gzweb001"],
        }
    )[0]
    vpc = v3.run(
        {
            "InstanceName": "alpha-2",
            "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 3},
            "VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.1.40"]},
        }
    )[0]
    other_zone = v3.run({"InstanceName": "beta", "Placement": {"Zone": "ap-guangzhou-4"}})[0]
    assert _filter(v3, "tag:group", "web", "db") == [tagged]
    assert _filter(v3, "tag:group", "db") == []
    assert _filter(v3, "tag-key", "group") == [tagged] and _filter(v3, "tag-value", "web") == [tagged]
    assert _filter(v3, "instance-name", "alpha") == [tagged], "instance-name matches exactly"
    assert _filter(v3, "instance-name", "alpha", "beta") == [other_zone, tagged]
    assert _filter(v3, "zone", "ap-guangzhou-4") == [other_zone]
    assert _filter(v3, "project-id", "3") == [vpc]
    assert _filter(v3, "instance-id", tagged, vpc) == [vpc, tagged]
    assert _filter(v3, "security-group-id", "sg-gzweb001") == [tagged]
    assert _filter(v3, "security-group-id", "sg-gzdeflt1") == [other_zone, vpc]
    assert _filter(v3, "vpc-id", "vpc-gzdemo01") == [vpc] and _filter(v3, "subnet-id", "subnet-gz3web01") == [vpc]
    assert _filter(v3, "private-ip-address", "172.16.1.40") == [vpc]
    public = v3.instance(tagged)["PublicIpAddresses"][0]
    assert _filter(v3, "public-ip-address", public) == [tagged]
    assert _filter(v3, "uuid", v3.instance(vpc)["Uuid"]) == [vpc]
    assert _filter(v3, "instance-charge-type", "POSTPAID_BY_HOUR") == [other_zone, vpc, tagged]
    assert _filter(v3, "instance-state", "PENDING") == [other_zone, vpc, tagged]
    assert _filter(v3, "host-id", "host-12345678") == []
    start = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 8 * 3600 - 60))
    assert len(_filter(v3, "creation-start-time", start)) == 3 and _filter(v3, "creation-end-time", start) == []
    both = v3.instances({"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}, {"Name": "instance-name", "Values": ["alpha-2", "beta"]}]})
    assert _ids_of(both) == [vpc]
    emu.control.post("config", {"create_delay": 0})
    wait_for(lambda: _filter(v3, "instance-state", "RUNNING") == [other_zone, vpc, tagged])
    assert calendar.timegm(time.strptime(v3.instance(vpc)["CreatedTime"], "%Y-%m-%dT%H:%M:%SZ")) <= time.time()


@pytest.mark.parametrize(
    "params, code",
    [
        ({"Filters": [{"Name": "colour", "Values": ["red"]}]}, "InvalidFilter"),
        ({"Filters": [{"Name": "zone", "Values": ["a", "b", "c", "d", "e", "f"]}]}, "InvalidFilterValue.LimitExceeded"),
        ({"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}] * 11}, "InvalidFilterValue.LimitExceeded"),
        ({"Filters": [{"Name": "zone"}]}, "MissingParameter"),
        ({"Filters": [{"Name": "zone", "Values": ["ap-shanghai-2"]}]}, "InvalidZone.MismatchRegion"),
        ({"Filters": [{"Name": "instance-id", "Values": ["i-1"]}]}, "InvalidInstanceId.Malformed"),
        ({"Filters": [{"Name": "project-id", "Values": ["x"]}]}, "InvalidParameterValue"),
        ({"Filters": [{"Name": "instance-state", "Values": ["ALIVE"]}]}, "InvalidParameterValue"),
        ({"Filters": [{"Name": "private-ip-address", "Values": ["300.1.1.1"]}]}, "InvalidParameterValue.InvalidIpFormat"),
        ({"Filters": [{"Name": "security-group-id", "Values": ["sg-nothere1"]}]}, "InvalidSecurityGroupId.NotFound"),
        ({"Filters": [{"Name": "creation-start-time", "Values": ["yesterday"]}]}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"InstanceIds": ["ins-abcd1234"], "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}]}, "InvalidParameter"),
        ({"InstanceIds": ["ins-ABCD1234"]}, "InvalidInstanceId.Malformed"),
        ({"InstanceIds": [f"ins-{index:08d}" for index in range(101)]}, "InvalidParameterValue.LimitExceeded"),
        ({"Limit": 101}, "InvalidParameterValue.Range"),
        ({"Offset": -1}, "InvalidParameterValue.Range"),
        ({"InstanceIds": "ins-abcd1234"}, "InvalidParameter"),
    ],
)
def test_describe_errors(v3, params, code):
    assert v3.error("DescribeInstances", params) == code


def test_describe_instances_status(v3, emu):
    ids = v3.run({"InstanceCount": 3})
    answer = v3.ok("DescribeInstancesStatus", {"InstanceIds": ids + ["ins-zzzzzzzz"], "Limit": 2})
    assert answer["TotalCount"] == 3 and len(answer["InstanceStatusSet"]) == 2
    assert all(item["InstanceState"] == "PENDING" and set(item) == {"InstanceId", "InstanceState"} for item in answer["InstanceStatusSet"])
    assert v3.ok("DescribeInstancesStatus")["TotalCount"] == 3
    assert v3.error("DescribeInstancesStatus", {"Limit": 0}) == "InvalidParameterValue.Range"
    assert v3.error("DescribeInstancesStatus", {"InstanceIds": ["bad"]}) == "InvalidInstanceId.Malformed"


def test_legacy_created_seen_by_3_0(v3, emu):
    created = emu.client.create(
        {
            "zoneId": "100003",
            "instanceType": "CVM.S2",
            "cpu": "4",
            "mem": "8",
            "storageType": "2",
            "storageSize": "100",
            "rootSize": "30",
            "bandwidthType": "PayByTraffic",
            "bandwidth": "3",
            "instanceName": "from-legacy",
            "projectId": "2",
            "vpcId": "vpc-gzdemo01",
            "subnetId": "subnet-gz3web01",
        }
    )
    (instance_id,) = created["unInstanceIds"]
    (record,) = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"]
    inst = v3.instance(instance_id)
    assert inst["InstanceId"] == record["unInstanceId"] and inst["Uuid"] == record["uuid"]
    assert inst["InstanceType"] == "S2.LARGE8" and (inst["CPU"], inst["Memory"]) == (4, 8)
    assert inst["Placement"]["Zone"] == "ap-guangzhou-3" and inst["Placement"]["ProjectId"] == 2
    assert inst["SystemDisk"] == {"DiskType": "CLOUD_BASIC", "DiskId": record["diskInfo"]["rootId"], "DiskSize": 30}
    assert inst["DataDisks"][0]["DiskType"] == "CLOUD_BASIC" and inst["DataDisks"][0]["DiskSize"] == 100
    assert inst["InternetAccessible"]["InternetChargeType"] == "TRAFFIC_POSTPAID_BY_HOUR" and record["networkPayMode"] == 2
    assert inst["PublicIpAddresses"] == record["wanIpSet"] and inst["PrivateIpAddresses"] == [record["lanIp"]]
    assert inst["VirtualPrivateCloud"]["VpcId"] == record["unVpcId"] == "vpc-gzdemo01"
    china = calendar.timegm(time.strptime(record["createTime"], "%Y-%m-%d %H:%M:%S")) - 8 * 3600
    assert calendar.timegm(time.strptime(inst["CreatedTime"], "%Y-%m-%dT%H:%M:%SZ")) == china
    assert inst["InstanceState"] == "PENDING" and record["status"] == 3
    assert inst["SecurityGroupIds"] == [], "legacy creates bind no group"
    assert inst["LatestOperation"] == "RunInstances"


def test_3_0_created_seen_by_legacy(v3, emu):
    (instance_id,) = v3.run(
        {
            "InstanceType": "M1.MEDIUM16",
            "SystemDisk": {"DiskType": "LOCAL_SSD", "DiskSize": 40},
            "DataDisks": [{"DiskType": "LOCAL_SSD", "DiskSize": 200}],
            "InstanceName": "from-3.0",
        }
    )
    (record,) = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"]
    assert record["instanceType"] == "CVM.M1" and (record["cpu"], record["mem"]) == (2, 16)
    assert record["zoneId"] == 100003 and record["zoneName"] == "广州三区" and record["Region"] == "gz"
    assert record["diskInfo"] == {
        "rootId": record["diskInfo"]["rootId"],
        "rootSize": 40,
        "rootType": 3,
        "storageId": record["diskInfo"]["storageId"],
        "storageSize": 200,
        "storageType": 3,
    }
    assert record["networkPayMode"] == 3 and record["bandwidth"] == 1 and record["status"] == 3
    assert record["instanceName"] == "from-3.0" and record["cvmPayMode"] == 2
    emu.control.post("config", {"create_delay": 0})
    assert wait_for(lambda: emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"][0]["status"] == 2)
    assert v3.instance(instance_id)["InstanceState"] == "RUNNING"
    # Groups bound by the 3.0 create are the legacy face's members too.
    members = emu.client.call("DescribeInstancesOfSecurityGroup", {"sgId": "sg-gzdeflt1"})
    assert members["data"] == [{"instanceId": instance_id}]


@pytest.mark.parametrize(
    "status, state, operation",
    [
        (-1, "LAUNCH_FAILED", ("RunInstances", "FAILED")),
        (1, "RUNNING", (None, None)),
        (2, "RUNNING", (None, None)),
        (4, "STOPPED", (None, None)),
        (7, "REBOOTING", (None, None)),
        (13, "RUNNING", ("ResetInstancesInternetMaxBandwidth", "OPERATING")),
        (19, "RUNNING", ("ResetInstancesType", "OPERATING")),
    ],
)
def test_seeded_statuses(v3, emu, status, state, operation):
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": status})["ids"]
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == state and (inst["LatestOperation"], inst["LatestOperationState"]) == operation
    assert inst["InstanceType"] == "S1.SMALL2" and inst["InstanceName"] == "seed-00000"
    assert inst["RestrictState"] == ("PROTECTIVELY_ISOLATED" if status == 1 else "NORMAL")
    if status == -1:
        assert inst["LatestOperationErrorMsg"]


def test_returned_leaves_3_0_listings_at_once(v3, emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 0})
    (instance_id,) = emu.control.post("seed", {"count": 1})["ids"]
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 0
    assert v3.instance(instance_id) is None and v3.ok("DescribeInstancesStatus")["TotalCount"] == 0
    (record,) = emu.client.call("DescribeInstances")["instanceSet"]
    assert record["status"] == 5, "the legacy face keeps it until forget_delay"


def test_10000_instances_fast(v3, emu):
    emu.control.post("seed", {"count": 10000, "regions": ["gz", "sh"], "name_prefix": "big"})
    started = time.monotonic()
    page = v3.ok("DescribeInstances", {"Limit": 100})
    filtered = v3.ok("DescribeInstances", {"Filters": [{"Name": "instance-name", "Values": ["big-09998"]}, {"Name": "instance-state", "Values": ["RUNNING"]}]})
    status = v3.ok("DescribeInstancesStatus", {"Offset": 4900, "Limit": 100})
    legacy = emu.client.call("DescribeInstances", {"limit": "100", "offset": "4900"})
    seconds = time.monotonic() - started
    assert page["TotalCount"] == 5000 and len(page["InstanceSet"]) == 100
    assert filtered["TotalCount"] == 1 and filtered["InstanceSet"][0]["InstanceName"] == "big-09998"
    assert len(status["InstanceStatusSet"]) == 100 and legacy["totalCount"] == 5000
    assert seconds < 5, f"four listings over 5,000 instances took {seconds:.2f}s"
    print(f"\n3.0 and legacy listings over 5,000 of 10,000 instances: {seconds * 1000:.0f} ms for four calls")
