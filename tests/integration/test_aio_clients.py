"""squall.aio against moto's server and loopback fault servers: the asyncio client runs
the blocking client's flows, so its results must equal the blocking client's, call for
call (which are themselves compared with boto3's elsewhere)."""
from __future__ import annotations

import asyncio
import threading
from typing import Any, Awaitable, Callable

import pytest

import squall
import squall.aio
from squall import exceptions as errors
from squall.config import Config

from _fault_server import Drop, FaultServer, SlowBody, SlowHeaders, json_error, ok
from _oracle import mask, reset

pytest.importorskip("aiohttp")


async def arecord(steps: list[tuple[str, Any]], name: str, call: Callable[[], Awaitable[Any]]) -> Any:
    """The asyncio twin of _oracle.record: keep the result, or the error's class and response."""
    try:
        result = await call()
    except Exception as exc:
        steps.append((name, {"error": type(exc).__name__, "response": mask(getattr(exc, "response", None))}))
        return None
    steps.append((name, mask(result)))
    return result


def record(steps: list[tuple[str, Any]], name: str, call: Callable[[], Any]) -> Any:
    async def wrapped() -> Any:
        return call()

    return asyncio.run(arecord(steps, name, wrapped))


SQS_STEPS: list[tuple[str, Callable[[Any, dict[str, Any]], Any]]] = [
    ("create", lambda c, s: c.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "5"})),
    ("url", lambda c, s: c.get_queue_url(QueueName="orders")),
    ("send", lambda c, s: c.send_message(QueueUrl=s["url"], MessageBody="one", MessageAttributes={
        "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})),
    ("batch", lambda c, s: c.send_message_batch(QueueUrl=s["url"], Entries=[
        {"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])),
    ("attrs", lambda c, s: c.get_queue_attributes(QueueUrl=s["url"], AttributeNames=["VisibilityTimeout"])),
    ("missing", lambda c, s: c.get_queue_url(QueueName="nope")),
    ("bad_param", lambda c, s: c.send_message(QueueUrl=s["url"])),
    ("delete", lambda c, s: c.delete_queue(QueueUrl=s["url"])),
]


def test_sqs_results_equal_the_blocking_clients(moto_env: str) -> None:
    blocking: list[tuple[str, Any]] = []
    client = squall.session.Session().client("sqs")
    state: dict[str, Any] = {}
    for name, step in SQS_STEPS:
        result = record(blocking, name, lambda: step(client, state))
        if name == "url":
            state["url"] = result["QueueUrl"]
    reset(moto_env)

    async def run() -> list[tuple[str, Any]]:
        steps: list[tuple[str, Any]] = []
        async with squall.aio.Session().client("sqs") as sqs:
            state: dict[str, Any] = {}
            for name, step in SQS_STEPS:
                result = await arecord(steps, name, lambda: step(sqs, state))
                if name == "url":
                    state["url"] = result["QueueUrl"]
        return steps

    asynchronous = asyncio.run(run())
    assert asynchronous == blocking
    assert dict(asynchronous)["missing"]["error"] == "QueueDoesNotExist"
    assert dict(asynchronous)["bad_param"]["error"] == "ParamValidationError"


def test_modelled_errors_concurrency_and_close(moto_env: str) -> None:
    async def run() -> None:
        session = squall.aio.Session()
        sqs = await session.client("sqs")
        assert isinstance(sqs, squall.aio.AioBaseClient)
        with pytest.raises(sqs.exceptions.QueueDoesNotExist):
            await sqs.get_queue_url(QueueName="nope")
        url = (await sqs.create_queue(QueueName="many"))["QueueUrl"]
        sent = await asyncio.gather(*(sqs.send_message(QueueUrl=url, MessageBody=f"m{i}") for i in range(100)))
        assert len({r["MessageId"] for r in sent}) == 100
        attrs = await sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "100"
        with pytest.raises(TypeError, match="keyword arguments"):
            await sqs.list_queues("positional")
        await sqs.close()

    asyncio.run(run())


def test_dynamodb_paginator_waiter_and_conditional_failure(moto_env: str) -> None:
    async def run() -> None:
        async with squall.aio.Session().client("dynamodb") as ddb:
            await ddb.create_table(
                TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST")
            await ddb.get_waiter("table_exists").wait(TableName="t", WaiterConfig={"Delay": 0.01})
            await asyncio.gather(*(ddb.put_item(TableName="t", Item={"pk": {"S": f"k{i:02}"}, "n": {"N": str(i)}})
                                   for i in range(25)))
            with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
                await ddb.put_item(TableName="t", Item={"pk": {"S": "k01"}}, ConditionExpression="attribute_not_exists(pk)")
            paginator = ddb.get_paginator("scan")
            pages = [page async for page in paginator.paginate(TableName="t", PaginationConfig={"PageSize": 7})]
            assert [page["Count"] for page in pages] == [7, 7, 7, 4]
            full = await paginator.paginate(TableName="t", PaginationConfig={"MaxItems": 10, "PageSize": 4}).build_full_result()
            assert len(full["Items"]) == 10 and "NextToken" in full
            keys = [k async for k in paginator.paginate(TableName="t").search("Items[].pk.S")]
            assert sorted(keys) == [f"k{i:02}" for i in range(25)]
            with pytest.raises(TypeError, match="async for"):
                list(paginator.paginate(TableName="t"))

    asyncio.run(run())


def test_s3_streaming_body_paging_and_waiters(moto_env: str) -> None:
    body = b"".join(b"line %d\n" % i for i in range(2000))

    async def run() -> None:
        async with squall.aio.Session().client("s3") as s3:
            await s3.create_bucket(Bucket="aio-bucket")
            await s3.get_waiter("bucket_exists").wait(Bucket="aio-bucket")
            await s3.put_object(Bucket="aio-bucket", Key="big.txt", Body=body)
            got = await s3.get_object(Bucket="aio-bucket", Key="big.txt")
            assert isinstance(got["Body"], squall.http._streaming.AsyncStreamingBody)
            assert await got["Body"].read() == body
            got = await s3.get_object(Bucket="aio-bucket", Key="big.txt")
            chunks = [chunk async for chunk in got["Body"].iter_chunks(1000)]
            assert b"".join(chunks) == body and max(map(len, chunks)) == 1000
            got = await s3.get_object(Bucket="aio-bucket", Key="big.txt")
            async with got["Body"] as stream:
                lines = [line async for line in stream.iter_lines()]
            assert lines[0] == b"line 0" and len(lines) == 2000
            got = await s3.get_object(Bucket="aio-bucket", Key="big.txt", Range="bytes=0-5")
            assert await got["Body"].read() == b"line 0"
            for i in range(23):
                await s3.put_object(Bucket="aio-bucket", Key=f"k/{i:02}", Body=b"x")
            listed = [o["Key"] async for page in s3.get_paginator("list_objects_v2").paginate(
                Bucket="aio-bucket", Prefix="k/", PaginationConfig={"PageSize": 5}) for o in page["Contents"]]
            assert listed == [f"k/{i:02}" for i in range(23)]
            with pytest.raises(errors.ClientError) as missing:
                await s3.head_object(Bucket="aio-bucket", Key="nope")
            assert missing.value.response["Error"]["Code"] == "404"
            with pytest.raises(errors.WaiterError):
                await s3.get_waiter("object_exists").wait(Bucket="aio-bucket", Key="nope",
                                                          WaiterConfig={"Delay": 0, "MaxAttempts": 2})
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "big.txt"})
            assert "X-Amz-Signature=" in url

    asyncio.run(run())


def test_s3_managed_transfers_run_off_the_loop(moto_env: str, tmp_path: Any) -> None:
    import io
    import os

    from squall.s3.transfer import TransferConfig

    data = os.urandom(6 * 1024 * 1024 + 123)
    source = tmp_path / "source.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)

    async def run() -> tuple[list[int], set[int]]:
        seen: list[int] = []
        threads: set[int] = set()

        def progress(amount: int) -> None:
            seen.append(amount)
            threads.add(threading.get_ident())

        async with squall.aio.Session().client("s3") as s3:
            await s3.create_bucket(Bucket="aio-transfers")
            await s3.upload_file(str(source), "aio-transfers", "big.bin", Callback=progress, Config=config)
            head = await s3.head_object(Bucket="aio-transfers", Key="big.bin")
            assert head["ContentLength"] == len(data) and "-2" in head["ETag"]  # two parts
            await s3.download_file("aio-transfers", "big.bin", str(tmp_path / "back.bin"), Config=config)
            assert (tmp_path / "back.bin").read_bytes() == data
            await s3.upload_fileobj(io.BytesIO(b"small"), "aio-transfers", "small.txt")
            out = io.BytesIO()
            await s3.download_fileobj("aio-transfers", "small.txt", out)
            assert out.getvalue() == b"small"
            await s3.copy({"Bucket": "aio-transfers", "Key": "small.txt"}, "aio-transfers", "copy.txt")
            copied = await s3.get_object(Bucket="aio-transfers", Key="copy.txt")
            assert await copied["Body"].read() == b"small"
        return seen, threads

    seen, threads = asyncio.run(run())
    assert sum(seen) == len(data)
    assert threading.get_ident() not in threads  # the callbacks ran in the worker thread


def test_retries_sleep_on_the_loop_and_credentials_resolve_off_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    (tmp_path / "credentials").write_text("[default]\naws_access_key_id = AKID\naws_secret_access_key = secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    script = [json_error("InternalFailure", status=500), json_error("ThrottlingException"), ok({"TableNames": ["a"]})]
    with FaultServer(script) as server:
        async def run() -> tuple[Any, list[float], list[int]]:
            session = squall.aio.Session(region_name="us-east-1")
            slept: list[float] = []
            loop_thread = threading.get_ident()
            resolved_on: list[int] = []
            original = session._resolve_credentials

            def resolve() -> Any:
                resolved_on.append(threading.get_ident())
                return original()

            monkeypatch.setattr(session, "_resolve_credentials", resolve)
            async with session.client("dynamodb", endpoint_url=server.url,
                                      config=Config(retries={"mode": "standard"})) as ddb:
                async def fake_sleep(seconds: float) -> None:
                    slept.append(seconds)

                ddb._async_sleep = fake_sleep
                result = await ddb.list_tables()
                second = await ddb.list_tables()  # credentials now come without a thread hop
            assert resolved_on and all(t != loop_thread for t in resolved_on)
            return (result, second), slept, resolved_on

        (result, second), slept, _ = asyncio.run(run())
    assert result["TableNames"] == ["a"] and result["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(slept) == 2 and all(0 <= s <= 20 for s in slept)
    assert len(server.received) == 4
    assert all(r.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 Credential=AKID/")
               for r in server.received)


def test_timeouts_drops_and_cancellation_leave_the_client_usable() -> None:
    """A read timeout (headers or body late) and a dropped connection are retried like the
    blocking client retries them; a cancelled call leaves no broken connection behind."""
    listing = ok({"TableNames": ["t"]})
    script = [SlowHeaders(2.0), SlowBody(2.0, listing), Drop(), listing, SlowHeaders(2.0), listing]
    with FaultServer(script, default=listing) as server:
        async def run() -> tuple[Any, Any]:
            session = squall.aio.Session(**_KEYS)
            async with session.client("dynamodb", endpoint_url=server.url, config=Config(
                    read_timeout=0.5, retries={"mode": "standard", "max_attempts": 5})) as ddb:
                async def no_sleep(seconds: float) -> None:
                    return None

                ddb._async_sleep = no_sleep
                first = await ddb.list_tables()  # slow headers, slow body, dropped, then answered
                call = asyncio.ensure_future(ddb.list_tables())  # waits on slow headers ...
                await asyncio.sleep(0.2)
                call.cancel()  # ... and is cancelled
                with pytest.raises(asyncio.CancelledError):
                    await call
                after = await ddb.list_tables()  # a fresh exchange, answered at once
                return first, after

        first, after = asyncio.run(run())
    assert first["TableNames"] == ["t"] and first["ResponseMetadata"]["RetryAttempts"] == 3
    assert after["TableNames"] == ["t"] and after["ResponseMetadata"]["RetryAttempts"] == 0


def test_what_the_asyncio_client_does_not_do_yet_says_so(moto_env: str) -> None:
    async def run() -> None:
        session = squall.aio.Session()
        with pytest.raises(errors.AsyncUnsupportedError, match="resource"):
            session.resource("s3")
        async with session.client("kinesis") as kinesis:  # an RPC protocol's event stream
            with pytest.raises(errors.AsyncUnsupportedError, match="SubscribeToShard"):
                await kinesis.subscribe_to_shard(ConsumerARN="arn:aws:kinesis:us-east-1:123456789012:stream/s/"
                                                 "consumer/c:1", ShardId="shardId-0",
                                                 StartingPosition={"Type": "LATEST"})
        async with session.client("s3") as s3:
            with pytest.raises(TypeError, match="async with"):
                with s3:
                    pass
            with pytest.raises(TypeError, match="pickle"):
                import pickle

                pickle.dumps(s3)

    asyncio.run(run())


def test_stubber_works_on_an_asyncio_client() -> None:
    from squall.stub import Stubber

    async def run() -> None:
        async with squall.aio.Session(region_name="us-east-1", aws_access_key_id="k",
                                      aws_secret_access_key="s").client("sqs") as sqs:
            with Stubber(sqs) as stub:
                stub.add_response("list_queues", {"QueueUrls": ["u"]})
                assert (await sqs.list_queues())["QueueUrls"] == ["u"]

    asyncio.run(run())


def test_aiobotocore_style_entry_point(moto_env: str) -> None:
    async def run() -> list[str]:
        async with squall.aio.get_session().create_client("sqs") as sqs:
            await sqs.create_queue(QueueName="from-get-session")
            return (await sqs.list_queues(QueueNamePrefix="from-get"))["QueueUrls"]

    assert [u.rsplit("/", 1)[-1] for u in asyncio.run(run())] == ["from-get-session"]


def test_an_asyncio_session_pickles_as_one() -> None:
    import pickle

    session = squall.aio.Session(region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
    again = pickle.loads(pickle.dumps(session))
    assert type(again) is squall.aio.Session and again.region_name == "eu-west-1"
    blocking = pickle.loads(pickle.dumps(squall.session.Session(region_name="eu-west-1")))
    assert type(blocking) is squall.session.Session


def test_bearer_token_calls_are_the_blocking_clients_wire_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bedrock with an API key: the asyncio client sends what the blocking one sends
    (itself compared with botocore's in test_bearer_auth)."""
    from test_bearer_auth import CONVERSE, KEYS, ApiServer, squall_call

    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-123")
    with ApiServer() as api:
        blocking = squall_call(api, "bedrock-runtime", "converse", CONVERSE)

        async def run() -> Any:
            async with squall.aio.Session().client("bedrock-runtime", region_name="us-west-2",
                                                   endpoint_url=api.url) as client:
                return await client.converse(**CONVERSE)

        result = asyncio.run(run())
        sent = api.requests[-1]
    assert sent.headers["authorization"] == "Bearer bedrock-api-key-123"
    assert (sent.method, sent.path, sent.body) == (blocking["method"], blocking["path"], blocking["body"])
    assert mask(result) == mask(blocking["result"])


def test_refreshable_credentials_refresh_off_the_loop(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """credential_process credentials that expire: the first call resolves them and a
    call inside the mandatory window refreshes them, both in a worker thread; calls in
    between use them in place."""
    import datetime
    import sys

    counter = tmp_path / "count"
    script = tmp_path / "creds.py"
    script.write_text(
        "import json, pathlib, datetime\n"
        f"p = pathlib.Path({str(counter)!r})\n"
        "n = int(p.read_text()) + 1 if p.exists() else 1\n"
        "p.write_text(str(n))\n"
        "exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=60)\n"
        "print(json.dumps({'Version': 1, 'AccessKeyId': f'AKID{n}', 'SecretAccessKey': 's',"
        " 'SessionToken': 't', 'Expiration': exp.isoformat()}))\n")
    (tmp_path / "config").write_text(f"[default]\ncredential_process = {sys.executable} {script}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    with FaultServer(default=ok({"TableNames": []})) as server:
        async def run() -> list[str]:
            session = squall.aio.Session(region_name="us-east-1")
            async with session.client("dynamodb", endpoint_url=server.url) as ddb:
                await ddb.list_tables()
                await ddb.list_tables()
                creds = session._credentials
                assert creds is not None and session._credentials_if_ready() is not None
                # The first set's clock jumps to 5 minutes before its expiry: a refresh is due
                # (the refreshed set runs on the real clock).
                expiry = creds.expiry_time
                utc = datetime.timezone.utc
                monkeypatch.setattr(creds, "_clock", lambda: expiry - datetime.timedelta(minutes=5)
                                    if creds.expiry_time == expiry else datetime.datetime.now(utc))
                assert session._credentials_if_ready() is None  # would block: a thread does it
                await ddb.list_tables()
            return [r.headers["authorization"].split("Credential=")[1].split("/")[0] for r in server.received]

        keys = asyncio.run(run())
    assert keys == ["AKID1", "AKID1", "AKID2"]
    assert counter.read_text() == "2"  # the process ran once to resolve, once to refresh


def test_s3_select_event_stream_equals_the_blocking_clients(moto_env: str) -> None:
    params = {"Bucket": "aio-select", "Key": "d.csv", "Expression": "SELECT * FROM S3Object",
              "ExpressionType": "SQL", "InputSerialization": {"CSV": {"FileHeaderInfo": "USE"}},
              "OutputSerialization": {"CSV": {}}}
    blocking = squall.session.Session().client("s3")
    blocking.create_bucket(Bucket="aio-select")
    blocking.put_object(Bucket="aio-select", Key="d.csv", Body=b"a,b\n1,2\n3,4\n")
    expected = list(blocking.select_object_content(**params)["Payload"])

    async def run() -> list[Any]:
        async with squall.aio.Session().client("s3") as s3:
            response = await s3.select_object_content(**params)
            with pytest.raises(TypeError, match="async for"):
                list(response["Payload"])
            async with response["Payload"] as stream:
                return [event async for event in stream]

    assert asyncio.run(run()) == expected
    assert expected[0] == {"Records": {"Payload": b"1,2\n3,4\n\n"}} and expected[-1] == {"End": {}}


def _event_frame(event_type: str, payload: bytes) -> bytes:
    import struct
    import zlib

    headers = b""
    for name, value in ((":event-type", event_type), (":message-type", "event"),
                        (":content-type", "application/json")):
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(value)) + value.encode()
    prelude = struct.pack(">II", 16 + len(headers) + len(payload), len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


class _TrickleServer:
    """Answers one Bedrock InvokeModelWithResponseStream with two events, sending the
    second only once the client has the first (``got_first``), or after 5 s."""

    def __init__(self) -> None:
        import socket

        self.got_first = threading.Event()
        self.log: list[str] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "_TrickleServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._thread.join(10)
        self._listener.close()

    def _serve(self) -> None:
        import base64
        import json

        conn, _ = self._listener.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int([line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")][0])
            while len(body) < length:
                body += conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n"
                         b"X-Amzn-Bedrock-Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i, text in enumerate(("Hello", " world")):
                frame = _event_frame("chunk", json.dumps({"bytes": base64.b64encode(text.encode()).decode()}).encode())
                conn.sendall(b"%x\r\n%s\r\n" % (len(frame), frame))
                if i == 0:
                    self.log.append("client had the first" if self.got_first.wait(5) else "client waited for more")
            conn.sendall(b"0\r\n\r\n")


_KEYS = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}


def test_events_are_handed_over_as_they_arrive() -> None:
    """An LLM-style stream (Bedrock InvokeModelWithResponseStream): the asyncio client
    yields each event as soon as it is complete, not when more bytes have come."""
    with _TrickleServer() as server:
        async def run() -> list[bytes]:
            async with squall.aio.Session(**_KEYS).client("bedrock-runtime", endpoint_url=server.url) as brt:
                response = await brt.invoke_model_with_response_stream(modelId="m", body=b"{}")
                chunks = []
                async for event in response["body"]:
                    chunks.append(event["chunk"]["bytes"])
                    server.got_first.set()
                return chunks

        assert asyncio.run(run()) == [b"Hello", b" world"]
    assert server.log == ["client had the first"]


def test_blocking_client_hands_over_events_as_they_arrive_too() -> None:
    """The blocking client over its lean HTTP/1.1 path decodes a chunked body as it is
    read (it used to read the whole response first, delaying every event to the end)."""
    with _TrickleServer() as server:
        client = squall.session.Session(**_KEYS).client("bedrock-runtime", endpoint_url=server.url)
        chunks = []
        for event in client.invoke_model_with_response_stream(modelId="m", body=b"{}")["body"]:
            chunks.append(event["chunk"]["bytes"])
            server.got_first.set()
    assert chunks == [b"Hello", b" world"]
    assert server.log == ["client had the first"]
