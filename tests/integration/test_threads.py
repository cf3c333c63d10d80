"""One Session shared by 32 threads, each creating clients and calling at the same time."""
from __future__ import annotations

import threading

import squall


def test_one_session_shared_by_32_threads(moto_env: str) -> None:
    session = squall.session.Session()
    setup = session.client("sqs")
    queue = setup.create_queue(QueueName="shared")["QueueUrl"]
    shared_client = session.client("dynamodb")
    shared_client.create_table(
        TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    barrier = threading.Barrier(32)
    errors: list[BaseException] = []
    bodies: list[str] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            own = session.client("sqs")  # clients created concurrently from one Session
            for j in range(5):
                own.send_message(QueueUrl=queue, MessageBody=f"{i}-{j}")
                shared_client.put_item(TableName="t", Item={"k": {"S": f"{i}-{j}"}})  # one client, many threads
            got = shared_client.get_item(TableName="t", Key={"k": {"S": f"{i}-4"}})
            with lock:
                bodies.append(got["Item"]["k"]["S"])
        except BaseException as exc:  # collected and asserted below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(bodies) == sorted(f"{i}-4" for i in range(32))
    attrs = setup.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == str(32 * 5)
    assert shared_client.scan(TableName="t", Select="COUNT")["Count"] == 32 * 5
    # every client of the Session shares one credential resolution
    assert session.get_credentials() is session.get_credentials()
