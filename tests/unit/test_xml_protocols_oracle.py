"""squall's query, ec2 and rest-xml protocols against botocore's, on real service models.

Requests: the same params through both serializers; method, path, query, headers, host
prefix and body must be identical (form bodies compared as botocore's protocol tests
encode them, XML bodies byte for byte and structurally). Responses: the same HTTP
response through both parsers (errors include botocore's endpoint pass that merges the
modeled error members); results, key order included, must be equal.
"""
from __future__ import annotations

import datetime
import io
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl

import botocore.response
import botocore.serialize
import pytest
from botocore.utils import percent_encode_sequence

from squall.http import StreamingBody
from squall.http._values import HttpResponse, encode_query
from squall.protocols import parser_for, serializer_for

from _wire_oracle import (
    ChunkedRaw, assert_same_result, botocore_model, botocore_parse, drain, event_message,
    read_streams, squall_model, squall_parse,
)

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))
WHEN = datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)


# -- requests ------------------------------------------------------------------------------

_CF_CONFIG = {
    "CallerReference": "ref-1",
    "Aliases": {"Quantity": 2, "Items": ["a.example.com", "b.example.com"]},
    "DefaultRootObject": "index.html",
    "Origins": {"Quantity": 1, "Items": [{
        "Id": "o1", "DomainName": "bucket.s3.amazonaws.com", "OriginPath": "",
        "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-A", "HeaderValue": "1 & 2 <3>"}]},
        "S3OriginConfig": {"OriginAccessIdentity": ""},
        "ConnectionAttempts": 3, "ConnectionTimeout": 10,
    }]},
    "DefaultCacheBehavior": {
        "TargetOriginId": "o1", "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"],
                           "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
        "Compress": True, "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    "Comment": "caf\u00e9 \u2603", "Enabled": False,
    "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
    "PriceClass": "PriceClass_100", "HttpVersion": "http2", "IsIPV6Enabled": True,
}

REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    # query
    ("sts", "AssumeRole", {
        "RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s e/ss~ion",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, {"arn": "arn:2"}],
        "Policy": '{"Version": "2012-10-17", "Statement": []}', "DurationSeconds": 3600,
        "Tags": [{"Key": "k1", "Value": "v 1"}, {"Key": "k2", "Value": "\u00e9\u2603"}],
        "TransitiveTagKeys": ["k1"], "ExternalId": "ext", "SerialNumber": "sn", "TokenCode": "123456",
        "ProvidedContexts": [{"ProviderArn": "p", "ContextAssertion": "c"}],
    }),
    ("sts", "GetCallerIdentity", {}),
    ("sts", "AssumeRole", {"RoleArn": "r", "RoleSessionName": "s", "PolicyArns": []}),
    ("sns", "Publish", {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "hello world+&=?",
        "Subject": "s", "MessageStructure": "json", "MessageDeduplicationId": "d",
        "MessageAttributes": {
            "str": {"DataType": "String", "StringValue": "v"},
            "num": {"DataType": "Number", "StringValue": "1.5"},
            "bin": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"},
            "txt": {"DataType": "Binary", "BinaryValue": "text as blob"},
        },
    }),
    ("sns", "CreateTopic", {"Name": "t", "Attributes": {"DisplayName": "d", "FifoTopic": "true"},
                            "Tags": [{"Key": "a", "Value": "b"}]}),
    ("sns", "SetSubscriptionAttributes", {"SubscriptionArn": "a", "AttributeName": "RawMessageDelivery",
                                          "AttributeValue": "true"}),
    ("iam", "CreatePolicy", {
        "PolicyName": "p", "Path": "/team/", "Description": "d",
        "PolicyDocument": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                          '"Action": "s3:*", "Resource": "*"}]}',
        "Tags": [{"Key": "k", "Value": "v"}],
    }),
    ("iam", "ListUsers", {}),
    ("iam", "ListUsers", {"PathPrefix": "/", "Marker": "m", "MaxItems": 5}),
    ("iam", "UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 12, "RequireSymbols": True,
                                            "RequireNumbers": False, "HardExpiry": False}),
    ("cloudformation", "CreateStack", {
        "StackName": "s", "TemplateBody": '{"Resources": {}}',
        "Parameters": [{"ParameterKey": "A", "ParameterValue": "1"},
                       {"ParameterKey": "B", "UsePreviousValue": True}],
        "DisableRollback": True, "TimeoutInMinutes": 5, "NotificationARNs": [],
        "RollbackConfiguration": {"RollbackTriggers": [{"Arn": "arn", "Type": "AWS::CloudWatch::Alarm"}],
                                  "MonitoringTimeInMinutes": 1},
        "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], "ResourceTypes": ["AWS::*"],
        "Tags": [{"Key": "k", "Value": "v"}], "ClientRequestToken": "tok",
        "EnableTerminationProtection": False, "RetainExceptOnCreate": True,
    }),
    ("cloudformation", "ListStacks", {"StackStatusFilter": ["CREATE_COMPLETE", "UPDATE_COMPLETE"]}),
    ("cloudformation", "DescribeStackEvents", {"StackName": "s", "NextToken": "n"}),
    ("cloudwatch", "PutMetricData", {"Namespace": "n", "MetricData": [{
        "MetricName": "m", "Dimensions": [{"Name": "d", "Value": "v"}], "Timestamp": WHEN,
        "Value": 1.5, "Values": [1.0, 2.25], "Counts": [1, 2], "Unit": "Count", "StorageResolution": 1,
        "StatisticValues": {"SampleCount": 2, "Sum": 3.5, "Minimum": 1, "Maximum": 2.5}}]}),
    ("cloudwatch", "GetMetricStatistics", {
        "Namespace": "n", "MetricName": "m", "StartTime": datetime.datetime(2024, 1, 1),
        "EndTime": "2024-01-02T00:00:00Z", "Period": 60, "Statistics": ["Average"],
        "ExtendedStatistics": ["p99"]}),
    ("elbv2", "CreateLoadBalancer", {"Name": "lb", "Subnets": ["a", "b"],
                                     "SubnetMappings": [{"SubnetId": "s", "AllocationId": "x"}],
                                     "Tags": [{"Key": "k", "Value": "v"}], "Type": "application"}),
    ("rds", "CreateDBInstance", {"DBInstanceIdentifier": "db", "DBInstanceClass": "db.t3.micro",
                                 "Engine": "postgres", "AllocatedStorage": 20,
                                 "VpcSecurityGroupIds": ["sg-1", "sg-2"], "MultiAZ": False,
                                 "Tags": [{"Key": "k", "Value": "v"}]}),
    ("ses", "SendEmail", {"Source": "a@example.com",
                          "Destination": {"ToAddresses": ["b@example.com"], "CcAddresses": []},
                          "Message": {"Subject": {"Data": "s", "Charset": "UTF-8"},
                                      "Body": {"Text": {"Data": "t"}, "Html": {"Data": "<b>h</b>"}}}}),
    # ec2
    ("ec2", "RunInstances", {
        "ImageId": "ami-1", "MinCount": 1, "MaxCount": 2, "InstanceType": "t3.micro",
        "SecurityGroupIds": ["sg-1", "sg-2"], "KeyName": "k",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "VolumeSize": 8, "DeleteOnTermination": True, "VolumeType": "gp3", "Encrypted": False}}],
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web 1"}]}],
        "UserData": "IyEvYmluL2Jhc2g=", "IamInstanceProfile": {"Name": "prof"},
        "Monitoring": {"Enabled": True}, "DryRun": False, "ClientToken": "tok",
        "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": "s", "Groups": ["sg-3"],
                               "AssociatePublicIpAddress": True}],
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
    }),
    ("ec2", "DescribeInstances", {
        "Filters": [{"Name": "instance-state-name", "Values": ["running", "pending"]},
                    {"Name": "tag:Name", "Values": ["web *"]}],
        "InstanceIds": ["i-1", "i-2"], "MaxResults": 10, "NextToken": "n", "DryRun": False,
    }),
    ("ec2", "DescribeInstances", {}),
    ("ec2", "DescribeSecurityGroups", {"GroupIds": [], "GroupNames": ["default"]}),
    ("ec2", "CreateTags", {"Resources": ["i-1"], "Tags": [{"Key": "k", "Value": ""}]}),
    ("ec2", "ModifyInstanceAttribute", {"InstanceId": "i-1", "SourceDestCheck": {"Value": False},
                                        "Groups": ["sg-1"], "UserData": {"Value": b"\x00bin"}}),
    ("ec2", "AuthorizeSecurityGroupIngress", {"GroupId": "sg-1", "IpPermissions": [{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "ssh"}],
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}),
    ("ec2", "DescribeSpotPriceHistory", {"StartTime": WHEN, "EndTime": datetime.datetime(2024, 5, 2),
                                         "InstanceTypes": ["t3.micro"]}),
    ("ec2", "CreateLaunchTemplate", {"LaunchTemplateName": "lt", "LaunchTemplateData": {
        "ImageId": "ami", "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "b"}]}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"Iops": 3000}}]}}),
    # rest-xml
    ("route53", "ChangeResourceRecordSets", {"HostedZoneId": "Z123", "ChangeBatch": {
        "Comment": "c & <d>",
        "Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": "www.example.com.", "Type": "A", "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.1"}, {"Value": "192.0.2.2"}]}},
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": "alias.example.com.", "Type": "A", "SetIdentifier": "x", "Weight": 10,
                "AliasTarget": {"HostedZoneId": "Z2", "DNSName": "d.example.com.",
                                "EvaluateTargetHealth": False}}},
        ]}}),
    ("route53", "ListResourceRecordSets", {"HostedZoneId": "Z1", "StartRecordName": "a b",
                                           "StartRecordType": "A", "MaxItems": "10"}),
    ("route53", "CreateHostedZone", {"Name": "example.com", "CallerReference": "r",
                                     "HostedZoneConfig": {"Comment": "c", "PrivateZone": False}}),
    ("route53", "GetHostedZone", {"Id": "Z/1"}),
    ("s3", "PutObject", {
        "Bucket": "bucket", "Key": "dir/some key+\u00e9~!*'().txt", "Body": b"data",
        "Metadata": {"a": "b", "Camel-Key": "V a l"}, "ContentType": "text/plain",
        "CacheControl": "no-cache", "Expires": datetime.datetime(2030, 1, 1, 12, 0, 0, 500),
        "ServerSideEncryption": "aws:kms", "Tagging": "a=b&c=d", "StorageClass": "STANDARD_IA",
        "ACL": "private", "ObjectLockRetainUntilDate": WHEN, "BucketKeyEnabled": True,
        "ContentLength": 4, "ChecksumAlgorithm": "CRC32",
    }),
    ("s3", "PutObject", {"Bucket": "b", "Key": "k", "Body": "text body \u2603"}),
    ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [
        {"Key": "a.txt"}, {"Key": "b & <c>.txt", "VersionId": "v1"}], "Quiet": True}}),
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "a b/\u00e9", "Delimiter": "/", "MaxKeys": 10,
                             "ContinuationToken": "t+1/=", "StartAfter": "s", "FetchOwner": True,
                             "EncodingType": "url", "RequestPayer": "requester"}),
    ("s3", "ListObjects", {"Bucket": "b"}),
    ("s3", "ListBuckets", {}),
    ("s3", "GetObject", {"Bucket": "b", "Key": "k/\u00e9", "Range": "bytes=0-9",
                         "IfModifiedSince": datetime.datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=PLUS2),
                         "VersionId": "v 1", "ResponseContentType": "text/html", "PartNumber": 2}),
    ("s3", "PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [
        {"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": ""}]}}),
    ("s3", "CreateBucket", {"Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}),
    ("s3", "CreateBucket", {"Bucket": "b"}),
    ("s3", "PutBucketAcl", {"Bucket": "b", "AccessControlPolicy": {
        "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": "id1", "DisplayName": "me"}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
             "Permission": "READ"}],
        "Owner": {"ID": "id1"}}}),
    ("s3", "PutBucketLifecycleConfiguration", {"Bucket": "b", "LifecycleConfiguration": {"Rules": [
        {"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}], "Expiration": {"Days": 365}},
        {"ID": "r2", "Status": "Disabled", "Filter": {"And": {"Prefix": "p", "Tags": [{"Key": "k", "Value": "v"}]}},
         "Expiration": {"Date": datetime.datetime(2030, 1, 1, tzinfo=UTC)}}]}}),
    ("s3", "CompleteMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u", "MultipartUpload": {
        "Parts": [{"ETag": '"e1"', "PartNumber": 1}, {"ETag": '"e2"', "PartNumber": 2}]}}),
    ("s3", "SelectObjectContent", {
        "Bucket": "b", "Key": "k", "Expression": "SELECT * FROM S3Object s WHERE s.a < 3",
        "ExpressionType": "SQL", "RequestProgress": {"Enabled": True},
        "InputSerialization": {"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": "NONE"},
        "OutputSerialization": {"JSON": {"RecordDelimiter": "\n"}}}),
    ("s3", "PutBucketNotificationConfiguration", {"Bucket": "b", "NotificationConfiguration": {
        "QueueConfigurations": [{"QueueArn": "arn", "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "a/"}]}}}]}}),
    ("s3", "DeleteObject", {"Bucket": "b", "Key": "a/b/c", "MFA": "m 1", "BypassGovernanceRetention": False}),
    ("s3", "UploadPart", {"Bucket": "b", "Key": "k", "PartNumber": 3, "UploadId": "u/1", "Body": b"x"}),
    ("s3control", "GetPublicAccessBlock", {"AccountId": "123456789012"}),
    ("s3control", "PutPublicAccessBlock", {"AccountId": "123456789012", "PublicAccessBlockConfiguration": {
        "BlockPublicAcls": True, "IgnorePublicAcls": False}}),
    ("cloudfront", "CreateDistribution", {"DistributionConfig": _CF_CONFIG}),
    ("cloudfront", "UpdateDistribution", {"Id": "E1", "IfMatch": "etag", "DistributionConfig": _CF_CONFIG}),
    ("cloudfront", "CreateInvalidation", {"DistributionId": "E1", "InvalidationBatch": {
        "Paths": {"Quantity": 2, "Items": ["/a", "/b c"]}, "CallerReference": "r"}}),
    ("cloudfront", "ListDistributions", {"MaxItems": "5", "Marker": "m"}),
]


def _protocol(service: str) -> str:
    # CloudWatch now resolves to JSON/CBOR; its query model is still a good query workout.
    return "query" if service == "cloudwatch" else squall_model(service).resolved_protocol


def _ids(rows: list[Any]) -> list[str]:
    return [f"{r[0]}.{r[1]}#{i}" for i, r in enumerate(rows)]


def _xml_canonical(data: bytes) -> str:
    return ET.canonicalize(data.decode("utf-8"), strip_text=True)


@pytest.mark.parametrize("service,operation,params", REQUESTS, ids=_ids(REQUESTS))
def test_request_matches_botocore(service: str, operation: str, params: dict[str, Any]) -> None:
    ours_op = squall_model(service).operation_model(operation)
    theirs_op = botocore_model(service).operation_model(operation)
    protocol = _protocol(service)
    ours = serializer_for(protocol)(ours_op, params)
    theirs = botocore.serialize.create_serializer(protocol, include_validation=False) \
        .serialize_to_request(params, theirs_op)
    assert ours.method == theirs["method"]
    assert ours.path == theirs["url_path"]
    assert encode_query(ours.query) == percent_encode_sequence(theirs["query_string"] or {})
    assert dict(ours.headers) == theirs["headers"]
    assert ours.host_prefix == theirs.get("host_prefix")
    if protocol in ("query", "ec2"):
        assert isinstance(ours.body, bytes)
        # botocore's protocol tests encode the field dict like this; the pairs are what
        # the service reads either way.
        assert ours.body.decode("ascii") == percent_encode_sequence(theirs["body"])
        assert parse_qsl(ours.body.decode("ascii"), keep_blank_values=True) == \
            [(k, str(v)) for k, v in theirs["body"].items()]
    else:
        assert ours.body == theirs["body"]
        if isinstance(ours.body, bytes) and ours.body.startswith(b"<?xml"):
            assert _xml_canonical(ours.body) == _xml_canonical(theirs["body"])


def test_query_empty_and_special_values() -> None:
    op = squall_model("cloudformation").operation_model("CreateStack")
    request = serializer_for("query")(op, {"StackName": "a b", "NotificationARNs": [], "Tags": None})
    assert request.body == b"Action=CreateStack&Version=2010-05-15&StackName=a%20b&NotificationARNs="
    assert request.headers == {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def test_millisecond_precision() -> None:
    params = {"Bucket": "b", "Key": "k", "Body": b"", "ObjectLockRetainUntilDate": WHEN}
    ours = serializer_for("rest-xml")(squall_model("s3").operation_model("PutObject"), params,
                                      timestamp_precision="millisecond")
    theirs = botocore.serialize.create_serializer(
        "rest-xml", include_validation=False, timestamp_precision="millisecond"
    ).serialize_to_request(params, botocore_model("s3").operation_model("PutObject"))
    assert dict(ours.headers) == theirs["headers"]
    cw = {"Namespace": "n", "MetricData": [{"MetricName": "m", "Timestamp": WHEN}]}
    ours_q = serializer_for("query")(squall_model("cloudwatch").operation_model("PutMetricData"), cw,
                                     timestamp_precision="millisecond")
    theirs_q = botocore.serialize.create_serializer(
        "query", include_validation=False, timestamp_precision="millisecond"
    ).serialize_to_request(cw, botocore_model("cloudwatch").operation_model("PutMetricData"))
    assert ours_q.body.decode() == percent_encode_sequence(theirs_q["body"])


def test_streaming_body_passes_through() -> None:
    stream = io.BytesIO(b"file contents")
    request = serializer_for("rest-xml")(squall_model("s3").operation_model("PutObject"),
                                         {"Bucket": "b", "Key": "k", "Body": stream})
    assert request.body is stream


# -- responses -----------------------------------------------------------------------------

def _botocore_parse(service: str, operation: str, status: int, headers: dict[str, str],
                    body: bytes, stream: bool = False) -> Any:
    op = botocore_model(service).operation_model(operation)
    raw_body: Any = body
    if stream and status < 300:
        raw_body = botocore.response.StreamingBody(io.BytesIO(body), headers.get("Content-Length"))
    return botocore_parse(op, _protocol(service), status, headers, raw_body)


def _squall_parse(service: str, operation: str, status: int, headers: dict[str, str],
                  body: bytes, stream: bool = False) -> Any:
    op = squall_model(service).operation_model(operation)
    return squall_parse(op, _protocol(service), status, headers, body, stream=stream)


_Q = {"x-amzn-RequestId": "req-1", "Content-Type": "text/xml"}
_S3 = {"x-amz-request-id": "R1", "x-amz-id-2": "H2", "Content-Type": "application/xml"}
_NS_STS = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'
_NS_EC2 = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"'
_NS_S3 = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'

RESPONSES: list[tuple[str, str, int, dict[str, str], str]] = [
    ("sts", "AssumeRole", 200, _Q, f"""<AssumeRoleResponse {_NS_STS}>
  <AssumeRoleResult>
    <SourceIdentity>src</SourceIdentity>
    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>ARO:s</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>
      <SessionToken>token</SessionToken><Expiration>2024-05-01T13:30:15.123Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>"""),
    ("sts", "GetCallerIdentity", 200, {}, f"""<GetCallerIdentityResponse {_NS_STS}>
<GetCallerIdentityResult><Arn>arn:aws:iam::1:user/u</Arn><UserId>AID</UserId><Account>1</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"""),
    ("sns", "Publish", 200, _Q, """<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
<PublishResult><MessageId>m-1</MessageId><SequenceNumber>10000000000000003000</SequenceNumber></PublishResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>"""),
    ("sns", "GetTopicAttributes", 200, _Q, """<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
<GetTopicAttributesResult><Attributes>
<entry><key>Owner</key><value>123</value></entry>
<entry><key>Policy</key><value>{"a": 1}</value></entry>
<entry><key>Empty</key><value></value></entry>
</Attributes></GetTopicAttributesResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetTopicAttributesResponse>"""),
    ("sns", "ListTopics", 200, _Q, """<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
<ListTopicsResult><Topics><member><TopicArn>a</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics>
<NextToken>n</NextToken></ListTopicsResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>"""),
    ("sns", "ListTopics", 200, _Q, """<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>"""),
    ("iam", "GetUser", 200, _Q, """<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
<GetUserResult><User><UserId>AID</UserId><Path>/</Path><UserName>u</UserName><Arn>arn</Arn>
<CreateDate>2013-04-18T16:48:46Z</CreateDate><PasswordLastUsed>2024-01-01T00:00:00.5+02:00</PasswordLastUsed>
<Tags><member><Key>k</Key><Value>v</Value></member></Tags>
<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>p</PermissionsBoundaryArn></PermissionsBoundary>
</User></GetUserResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>"""),
    ("iam", "ListUsers", 200, _Q, """<ListUsersResponse><ListUsersResult><IsTruncated>true</IsTruncated><Marker>m</Marker>
<Users><member><UserName>a</UserName><UserId>1</UserId><Path>/</Path><Arn>x</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users>
</ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>"""),
    ("cloudformation", "DescribeStacks", 200, _Q, """<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
<DescribeStacksResult><Stacks><member>
<StackName>s</StackName><StackId>id</StackId><CreationTime>2024-05-01T12:30:15.250Z</CreationTime>
<StackStatus>CREATE_COMPLETE</StackStatus><DisableRollback>false</DisableRollback>
<Parameters><member><ParameterKey>A</ParameterKey><ParameterValue>1</ParameterValue></member></Parameters>
<Outputs><member><OutputKey>O</OutputKey><OutputValue>v</OutputValue><Description>d</Description></member></Outputs>
<Capabilities><member>CAPABILITY_IAM</member></Capabilities><NotificationARNs/>
<Tags><member><Key>k</Key><Value>v</Value></member></Tags>
<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation>
</member></Stacks></DescribeStacksResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>"""),
    ("cloudwatch", "GetMetricStatistics", 200, _Q, """<GetMetricStatisticsResponse><GetMetricStatisticsResult>
<Label>m</Label><Datapoints><member><Timestamp>2024-01-01T00:00:00Z</Timestamp><Average>1.5</Average>
<Sum>3.0E2</Sum><Unit>Count</Unit><ExtendedStatistics><entry><key>p99</key><value>9.5</value></entry></ExtendedStatistics>
</member></Datapoints></GetMetricStatisticsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</GetMetricStatisticsResponse>"""),
    ("ec2", "DescribeInstances", 200, {}, f"""<DescribeInstancesResponse {_NS_EC2}>
<requestId>8f7724cf-496f-496e-8fe3-example</requestId>
<reservationSet><item><reservationId>r-1</reservationId><ownerId>123</ownerId><groupSet/>
<instancesSet><item>
  <instanceId>i-1</instanceId><imageId>ami-1</imageId>
  <instanceState><code>16</code><name>running</name></instanceState>
  <privateDnsName>ip-10-0-0-1.ec2.internal</privateDnsName><dnsName/>
  <amiLaunchIndex>0</amiLaunchIndex><instanceType>t3.micro</instanceType>
  <launchTime>2024-05-01T12:30:15.000Z</launchTime>
  <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
  <monitoring><state>disabled</state></monitoring>
  <groupSet><item><groupId>sg-1</groupId><groupName>default</groupName></item></groupSet>
  <tagSet><item><key>Name</key><value>web</value></item><item><key>Env</key><value/></item></tagSet>
  <blockDeviceMapping><item><deviceName>/dev/xvda</deviceName>
    <ebs><volumeId>vol-1</volumeId><status>attached</status><attachTime>2024-05-01T12:30:16.000Z</attachTime>
    <deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>
  <sourceDestCheck>true</sourceDestCheck><ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport>
  <cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>
</item></instancesSet></item></reservationSet>
<nextToken>tok</nextToken>
</DescribeInstancesResponse>"""),
    ("ec2", "DescribeSecurityGroups", 200, {}, f"""<DescribeSecurityGroupsResponse {_NS_EC2}><requestId>r</requestId>
<securityGroupInfo><item><ownerId>1</ownerId><groupId>sg-1</groupId><groupName>g</groupName><groupDescription>d</groupDescription>
<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups/>
<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions>
<ipPermissionsEgress/></item></securityGroupInfo></DescribeSecurityGroupsResponse>"""),
    ("ec2", "CreateTags", 200, {}, f"""<CreateTagsResponse {_NS_EC2}><requestId>r</requestId><return>true</return></CreateTagsResponse>"""),
    ("ec2", "DescribeAvailabilityZones", 200, {}, f"""<DescribeAvailabilityZonesResponse {_NS_EC2}>
<requestId>r</requestId><availabilityZoneInfo><item><zoneName>us-east-1a</zoneName><zoneState>available</zoneState>
<regionName>us-east-1</regionName><messageSet/></item></availabilityZoneInfo></DescribeAvailabilityZonesResponse>"""),
    ("s3", "ListObjectsV2", 200, _S3, f"""<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult {_NS_S3}><Name>b</Name><Prefix>a/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
<Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>
<Contents><Key>a/1.txt</Key><LastModified>2024-05-01T12:30:15.000Z</LastModified><ETag>&quot;e1&quot;</ETag>
<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>10</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>a/2 &amp; 3.txt</Key><LastModified>2024-05-01T12:30:16.000Z</LastModified><ETag>"e2"</ETag>
<Size>0</Size><StorageClass>STANDARD</StorageClass><Owner><ID>o</ID><DisplayName>me</DisplayName></Owner></Contents>
<CommonPrefixes><Prefix>a/b/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>a/c/</Prefix></CommonPrefixes>
<EncodingType>url</EncodingType></ListBucketResult>"""),
    ("s3", "ListObjectsV2", 200, _S3, f"""<ListBucketResult {_NS_S3}><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount>
<MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>t</NextContinuationToken>
<Contents><Key>only</Key><Size>1</Size></Contents></ListBucketResult>"""),
    ("s3", "ListBuckets", 200, _S3, f"""<ListAllMyBucketsResult {_NS_S3}><Owner><ID>o</ID><DisplayName>d</DisplayName></Owner>
<Buckets><Bucket><Name>a</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>
<Bucket><Name>b</Name><CreationDate>2024-01-02T00:00:00.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>"""),
    ("s3", "GetBucketAcl", 200, _S3, f"""<AccessControlPolicy {_NS_S3}><Owner><ID>o</ID></Owner><AccessControlList>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID><DisplayName>me</DisplayName></Grantee>
<Permission>FULL_CONTROL</Permission></Grant>
<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>
<Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>"""),
    ("s3", "ListObjectVersions", 200, _S3, f"""<ListVersionsResult {_NS_S3}><Name>b</Name><Prefix/><KeyMarker/>
<VersionIdMarker/><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
<Version><Key>k</Key><VersionId>v2</VersionId><IsLatest>true</IsLatest><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>3</Size></Version>
<DeleteMarker><Key>k</Key><VersionId>v3</VersionId><IsLatest>false</IsLatest><LastModified>2024-01-02T00:00:00.000Z</LastModified></DeleteMarker>
<Version><Key>k</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><Size>1</Size></Version>
</ListVersionsResult>"""),
    ("s3", "DeleteObjects", 200, _S3, f"""<DeleteResult {_NS_S3}><Deleted><Key>a</Key></Deleted>
<Deleted><Key>b</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>v</DeleteMarkerVersionId></Deleted>
<Error><Key>c</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>"""),
    ("s3", "GetBucketTagging", 200, _S3, f"""<Tagging {_NS_S3}><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>"""),
    ("s3", "GetBucketPolicy", 200, _S3, '{"Version": "2012-10-17", "Statement": []}'),
    ("s3", "GetBucketLifecycleConfiguration", 200, _S3, f"""<LifecycleConfiguration {_NS_S3}>
<Rule><ID>r1</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
<Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>365</Days></Expiration></Rule>
<Rule><ID>r2</ID><Filter><And><Prefix>p</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Disabled</Status></Rule>
</LifecycleConfiguration>"""),
    ("s3", "HeadObject", 200, dict(_S3, **{
        "Last-Modified": "Wed, 01 May 2024 12:30:15 GMT", "Content-Length": "1234", "ETag": '"abc"',
        "x-amz-meta-owner": "me", "x-amz-meta-second": "V", "Accept-Ranges": "bytes",
        "x-amz-server-side-encryption": "AES256", "x-amz-missing-meta": "2",
        "x-amz-bucket-key-enabled": "true", "x-amz-object-lock-retain-until-date": "2030-01-01T00:00:00.000Z",
        "x-amz-mp-parts-count": "3", "x-amz-restore": 'ongoing-request="false"'}), ""),
    ("s3", "PutObject", 200, dict(_S3, **{"ETag": '"abc"', "x-amz-version-id": "v1",
                                          "x-amz-checksum-crc32": "AAAAAA==", "x-amz-object-size": "4"}), ""),
    ("s3", "CreateBucket", 200, dict(_S3, Location="/b"), ""),
    ("s3", "GetObjectTagging", 200, dict(_S3, **{"x-amz-version-id": "v"}),
     f"""<Tagging {_NS_S3}><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>"""),
    ("route53", "ListHostedZones", 200, _Q, """<ListHostedZonesResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<HostedZones><HostedZone><Id>/hostedzone/Z1</Id><Name>example.com.</Name><CallerReference>r</CallerReference>
<Config><Comment>c</Comment><PrivateZone>false</PrivateZone></Config><ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>
</HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"""),
    ("route53", "ChangeResourceRecordSets", 200, _Q, """<ChangeResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2024-05-01T12:30:15.123Z</SubmittedAt><Comment>c</Comment></ChangeInfo>
</ChangeResourceRecordSetsResponse>"""),
    ("route53", "ListResourceRecordSets", 200, _Q, """<ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<ResourceRecordSets><ResourceRecordSet><Name>example.com.</Name><Type>NS</Type><TTL>172800</TTL>
<ResourceRecords><ResourceRecord><Value>ns-1.awsdns-1.com.</Value></ResourceRecord><ResourceRecord><Value>ns-2.awsdns-2.net.</Value></ResourceRecord></ResourceRecords>
</ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListResourceRecordSetsResponse>"""),
    ("cloudfront", "GetDistribution", 200, dict(_Q, ETag="E2"), """<Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Id>E1</Id><ARN>arn</ARN><Status>Deployed</Status><LastModifiedTime>2024-05-01T12:30:15.250Z</LastModifiedTime>
<InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>d.cloudfront.net</DomainName>
<DistributionConfig><CallerReference>r</CallerReference><Aliases><Quantity>0</Quantity></Aliases>
<Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com</DomainName>
<CustomHeaders><Quantity>0</Quantity></CustomHeaders><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig>
</Origin></Items></Origins><Comment></Comment><Enabled>true</Enabled></DistributionConfig></Distribution>"""),
    # errors: query
    ("iam", "GetUser", 404, _Q, """<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
<Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name u cannot be found.</Message></Error>
<RequestId>e1</RequestId></ErrorResponse>"""),
    ("sts", "AssumeRole", 403, _Q, f"""<ErrorResponse {_NS_STS}><Error><Type>Sender</Type><Code>AccessDenied</Code>
<Message>not authorized</Message></Error><RequestId>e2</RequestId></ErrorResponse>"""),
    ("sts", "AssumeRole", 400, _Q, f"""<ErrorResponse {_NS_STS}><Error><Type>Sender</Type>
<Code>RegionDisabledException</Code><Message>m</Message></Error><RequestId>e2</RequestId></ErrorResponse>"""),
    ("sns", "Publish", 404, _Q, """<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>
<Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>e3</RequestId></ErrorResponse>"""),
    ("cloudformation", "DescribeStacks", 400, _Q, """<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>
<Message>Stack with id s does not exist</Message><Detail/></Error><RequestId>e4</RequestId></ErrorResponse>"""),
    ("iam", "GetUser", 503, {}, ""),
    ("iam", "GetUser", 502, {}, "<html><body>Bad Gateway</body></html>"),
    # errors: ec2
    ("ec2", "DescribeInstances", 400, {}, """<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>
<Message>The instance ID 'i-1' does not exist</Message></Error></Errors><RequestID>e5</RequestID></Response>"""),
    ("ec2", "RunInstances", 400, {}, """<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized</Message></Error></Errors>
<RequestID>e6</RequestID></Response>"""),
    ("ec2", "RunInstances", 503, {}, ""),
    # errors: rest-xml
    ("s3", "GetObject", 404, _S3, """<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key>
<RequestId>R1</RequestId><HostId>H2</HostId></Error>"""),
    ("s3", "HeadObject", 404, _S3, ""),
    ("s3", "HeadObject", 403, {"x-amz-request-id": "R"}, ""),
    ("s3", "HeadBucket", 301, dict(_S3, **{"x-amz-bucket-region": "eu-west-1"}), ""),
    ("s3", "ListObjectsV2", 404, _S3, """<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>
<BucketName>b</BucketName><RequestId>R1</RequestId><HostId>H2</HostId></Error>"""),
    ("s3", "PutObject", 500, _S3, ""),
    ("s3", "PutObject", 400, _S3, "not xml at all"),
    ("s3", "GetObject", 416, _S3, """<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message>
<RangeRequested>bytes=10-</RangeRequested><ActualObjectSize>5</ActualObjectSize></Error>"""),
    ("s3", "GetObject", 403, _S3, """<Error><Code>InvalidObjectState</Code><Message>The operation is not valid</Message>
<StorageClass>GLACIER</StorageClass><AccessTier>ARCHIVE_ACCESS</AccessTier></Error>"""),
    ("route53", "GetHostedZone", 404, _Q, """<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: Z1</Message></Error>
<RequestId>e7</RequestId></ErrorResponse>"""),
    ("route53", "ChangeResourceRecordSets", 400, _Q, """<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
<Messages><Message>Tried to create resource record set but it already exists</Message></Messages><RequestId>e8</RequestId>
</InvalidChangeBatch>"""),
    ("cloudfront", "GetDistribution", 404, _Q, """<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">
<Error><Type>Sender</Type><Code>NoSuchDistribution</Code><Message>The specified distribution does not exist.</Message></Error>
<RequestId>e9</RequestId></ErrorResponse>"""),
]


@pytest.mark.parametrize("service,operation,status,headers,body", RESPONSES,
                         ids=[f"{r[0]}.{r[1]}.{r[2]}#{i}" for i, r in enumerate(RESPONSES)])
def test_response_matches_botocore(service: str, operation: str, status: int,
                                   headers: dict[str, str], body: str) -> None:
    raw = body.encode("utf-8")
    ours = _squall_parse(service, operation, status, headers, raw)
    theirs = _botocore_parse(service, operation, status, headers, raw)
    assert_same_result(ours, theirs)


def test_streaming_payload_matches_botocore() -> None:
    headers = dict(_S3, **{"Content-Length": "11", "Content-Type": "text/plain", "ETag": '"e"',
                           "Last-Modified": "Wed, 01 May 2024 12:30:15 GMT", "x-amz-meta-a": "b",
                           "Content-Range": "bytes 0-10/20", "x-amz-tagging-count": "2"})
    ours = _squall_parse("s3", "GetObject", 200, headers, b"hello world", stream=True)
    theirs = _botocore_parse("s3", "GetObject", 200, headers, b"hello world", stream=True)
    assert isinstance(ours["Body"], StreamingBody)
    assert list(ours) == list(theirs)
    assert read_streams(ours) == read_streams(theirs)


def test_streamed_error_body_is_read() -> None:
    """A streaming call's error arrives as a stream; its XML still names the error."""
    body = b"<Error><Code>NoSuchKey</Code><Message>m</Message><Key>k</Key></Error>"
    op = squall_model("s3").operation_model("GetObject")
    response = HttpResponse(status_code=404, headers={"x-amz-request-id": "R"}, body=b"",
                            stream=io.BytesIO(body))
    parsed = parser_for("rest-xml").parse_error(op.service_model, response)
    assert parsed["Error"] == {"Code": "NoSuchKey", "Message": "m", "Key": "k"}
    assert parsed["ResponseMetadata"]["RequestId"] == "R"


def test_query_error_that_is_not_xml_reports_the_status() -> None:
    """botocore raises ResponseParserError here; squall reports the HTTP status instead."""
    op = squall_model("iam").operation_model("GetUser")
    for protocol, service in (("query", "iam"), ("ec2", "ec2")):
        model = squall_model(service)
        parsed = parser_for(protocol).parse_error(model, HttpResponse(status_code=403, body=b""))
        assert parsed["Error"] == {"Code": "403", "Message": "Forbidden"}
    assert op.name == "GetUser"


def test_timestamps_are_utc_aware() -> None:
    parsed = _squall_parse("sts", "AssumeRole", 200, {}, RESPONSES[0][4].encode())
    stamp = parsed["Credentials"]["Expiration"]
    assert stamp == datetime.datetime(2024, 5, 1, 13, 30, 15, 123000, tzinfo=UTC)
    assert stamp.tzinfo is UTC


# -- event streams (S3 SelectObjectContent) ------------------------------------------------

def test_select_object_content_event_stream_matches_botocore() -> None:
    stats = (b"<Stats><BytesScanned>100</BytesScanned><BytesProcessed>100</BytesProcessed>"
             b"<BytesReturned>12</BytesReturned></Stats>")
    data = b"".join([
        event_message({":message-type": "event", ":event-type": "Records",
                       ":content-type": "application/octet-stream"}, b'{"a": 1}\n'),
        event_message({":message-type": "event", ":event-type": "Records"}, b'{"a": 2}\n'),
        event_message({":message-type": "event", ":event-type": "Cont"}, b""),
        event_message({":message-type": "event", ":event-type": "Progress", ":content-type": "text/xml"},
                      b"<Progress><BytesScanned>50</BytesScanned></Progress>"),
        event_message({":message-type": "event", ":event-type": "Stats", ":content-type": "text/xml"}, stats),
        event_message({":message-type": "event", ":event-type": "FutureEvent"}, b"<x/>"),
        event_message({":message-type": "event", ":event-type": "End"}, b""),
        event_message({":message-type": "error", ":error-code": "InternalError", ":error-message": "boom"}, b""),
    ])
    headers = {"x-amz-request-id": "R", "x-amz-id-2": "H"}
    op = squall_model("s3").operation_model("SelectObjectContent")
    ours = parser_for("rest-xml").parse(op, HttpResponse(status_code=200, headers=headers, body=b"",
                                                         stream=ChunkedRaw(data, chunk=5)))
    bop = botocore_model("s3").operation_model("SelectObjectContent")
    theirs = botocore_parse(bop, "rest-xml", 200, headers, ChunkedRaw(data, chunk=5))
    assert ours["ResponseMetadata"] == theirs["ResponseMetadata"]
    ours_events, ours_error = drain(ours["Payload"])
    theirs_events, theirs_error = drain(theirs["Payload"])
    assert ours_events == theirs_events and len(ours_events) == 6
    assert ours_error is not None and theirs_error is not None
    assert ours_error.response == theirs_error.response  # type: ignore[attr-defined]
    assert str(ours_error) == str(theirs_error)
