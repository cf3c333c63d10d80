"""squall demo: Sessions and clients against moto's server, started on loopback.

Run with ``./scripts/demo``. Every step prints what it did.
"""
from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from moto_server import moto_server  # noqa: E402


def step(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    with moto_server() as url, tempfile.TemporaryDirectory() as home:
        # Only loopback, and no real credentials or config from this machine.
        os.environ["AWS_ENDPOINT_URL"] = url
        os.environ["AWS_CONFIG_FILE"] = str(Path(home) / "config")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(Path(home) / "credentials")
        os.environ["AWS_ACCESS_KEY_ID"] = "demo-env-key"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "demo-env-secret"
        os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
        os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
        print(f"moto server running at {url}; AWS_ENDPOINT_URL points squall at it")

        import squall

        step("1. The default session: squall.client('sqs')")
        sqs = squall.client("sqs")
        queue_url = sqs.create_queue(QueueName="demo-default")["QueueUrl"]
        sqs.send_message(QueueUrl=queue_url, MessageBody="hello from the default session")
        got = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"]
        print(f"created {queue_url}, sent and received: {got!r}")
        print(f"credentials came from: {squall.DEFAULT_SESSION.get_credentials().method}")

        step("2. A custom Session with explicit credentials and region")
        session = squall.session.Session(
            aws_access_key_id="demo-explicit-key", aws_secret_access_key="demo-explicit-secret",
            region_name="eu-west-1",
        )
        ddb = session.client("dynamodb")
        ddb.create_table(
            TableName="demo", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="demo", Item={"pk": {"S": "a"}, "n": {"N": "42"}})
        item = ddb.get_item(TableName="demo", Key={"pk": {"S": "a"}})["Item"]
        print(f"region {ddb.meta.region_name}, credentials {session.get_credentials().method}; item: {item}")

        step("3. A named profile from config files written to a temporary directory")
        Path(home, "config").write_text(textwrap.dedent("""\
            [profile dev]
            region = ap-southeast-2
            max_attempts = 4
            """))
        Path(home, "credentials").write_text(textwrap.dedent("""\
            [dev]
            aws_access_key_id = demo-profile-key
            aws_secret_access_key = demo-profile-secret
            """))
        # The environment outranks the profile (as in boto3), so let the profile speak.
        saved_region = os.environ.pop("AWS_DEFAULT_REGION")
        dev = squall.session.Session(profile_name="dev")
        os.environ["AWS_DEFAULT_REGION"] = saved_region
        print(f"profiles available: {dev.available_profiles}")
        creds = dev.get_credentials()
        print(f"profile dev -> region {dev.region_name}, credentials {creds.method} ({creds!r})")
        for name, (value, source) in dev.explain().items():
            if name in ("region", "max_attempts", "profile", "endpoint_url"):
                print(f"  {name} = {value!r}  <- {source}")
        queues = dev.client("sqs").list_queues().get("QueueUrls", [])
        print(f"list_queues via profile dev in {dev.region_name}: {len(queues)} queue(s)")

        step("4. One Session per thread")

        def own_session(i: int) -> str:
            s = squall.session.Session(region_name="us-east-1")
            c = s.client("sqs")
            q = c.create_queue(QueueName=f"demo-thread-{i}")["QueueUrl"]
            c.send_message(QueueUrl=q, MessageBody=f"thread {i}")
            return c.receive_message(QueueUrl=q)["Messages"][0]["Body"]

        with ThreadPoolExecutor(max_workers=8) as pool:
            bodies = list(pool.map(own_session, range(8)))
        print(f"8 threads, 8 Sessions: {bodies}")

        step("5. One Session shared by many threads (boto3 says don't; squall says go ahead)")
        shared = squall.session.Session(region_name="us-east-1")
        shared_client = shared.client("sqs")
        q = shared_client.create_queue(QueueName="demo-shared")["QueueUrl"]
        errors: list[BaseException] = []

        def use_shared(i: int) -> None:
            try:
                own = shared.client("sqs")  # clients created concurrently from one Session
                own.send_message(QueueUrl=q, MessageBody=f"m{i}")
                shared_client.get_queue_attributes(QueueUrl=q, AttributeNames=["All"])
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=use_shared, args=(i,)) for i in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        count = shared_client.get_queue_attributes(
            QueueUrl=q, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
        print(f"32 threads sharing one Session: {len(errors)} errors, {count} messages in the queue")

        step("6. Resources: S3 buckets and objects, a DynamoDB Table with conditions and a batch writer")
        s3 = squall.resource("s3")
        bucket = s3.create_bucket(Bucket="demo-resources")
        bucket.put_object(Key="a.txt", Body=b"hello")
        bucket.Object("b.txt").put(Body=b"world")
        keys = sorted(o.key for o in bucket.objects.all())
        print(f"bucket {bucket.name}: {keys}; a.txt says {bucket.Object('a.txt').get()['Body'].read()!r}")
        from squall.dynamodb.conditions import Key

        table = squall.resource("dynamodb").create_table(
            TableName="people",
            KeySchema=[{"AttributeName": "team", "KeyType": "HASH"}, {"AttributeName": "name", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"},
                                  {"AttributeName": "name", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table.wait_until_exists()
        with table.batch_writer() as batch:
            for i in range(25):
                batch.put_item(Item={"team": "core", "name": f"n{i:02d}", "age": i})
        found = table.query(KeyConditionExpression=Key("team").eq("core") & Key("name").begins_with("n1"))
        print(f"table {table.name}: 25 items written in batches; names starting n1: {found['Count']}")

        step("7. asyncio: squall.aio, the same calls as coroutines (100 concurrent sends on one client)")
        import asyncio

        import squall.aio

        async def async_part() -> str:
            async with squall.aio.Session(region_name="us-east-1").client("sqs") as aio_sqs:
                url = (await aio_sqs.create_queue(QueueName="demo-async"))["QueueUrl"]
                await asyncio.gather(*(aio_sqs.send_message(QueueUrl=url, MessageBody=f"m{i}") for i in range(100)))
                pages = aio_sqs.get_paginator("list_queues").paginate(QueueNamePrefix="demo")
                names = [u.rsplit("/", 1)[-1] async for page in pages for u in page.get("QueueUrls", [])]
                attrs = await aio_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
                return f"{attrs['Attributes']['ApproximateNumberOfMessages']} messages in demo-async; queues: {sorted(names)}"

        print(asyncio.run(async_part()))

        step("8. Errors that say what went wrong")
        try:
            sqs.get_queue_url(QueueName="no-such-queue")
        except sqs.exceptions.QueueDoesNotExist as exc:
            print(f"modelled exception {type(exc).__name__}: {exc}")
        try:
            sqs.send_message(QueueUrl=queue_url)
        except squall.exceptions.ParamValidationError as exc:
            print(f"ParamValidationError: {exc}")
        try:
            squall.session.Session(profile_name="nope")
        except squall.exceptions.ProfileNotFound as exc:
            print(f"ProfileNotFound: {exc}")

    print("\nmoto server stopped. Done.")


if __name__ == "__main__":
    main()
