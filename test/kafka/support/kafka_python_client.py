"""kafka-python as a test peer: one action per run, JSON arguments in argv[1], JSON result on stdout.

Runs with Debian's python3-kafka (kafka-python 2.0.2, /usr/bin/python3: no idempotent producer)
and with kafka-python 3 from PyPI (.tools/venv/bin/python: idempotent). Actions:
  produce  {bootstrap, topic, records: [{key, value, headers: [[k, v]], partition?}]}
           -> {"offsets": [[partition, offset], ...]}  (acks=all; idempotent where supported)
  consume  {bootstrap, topic, group, count, timeout_ms}
           -> {"records": [...], "assignment": [partitions], "committed": {partition: offset}}
           reads up to count records as a group member (earliest when the group has no commit),
           commits them, leaves the group.
"""

import json
import sys

import kafka
from kafka.structs import TopicPartition

MAJOR = int(kafka.__version__.split(".")[0])


def produce(args):
    options = dict(bootstrap_servers=args["bootstrap"], acks="all", retries=5, linger_ms=5)
    if MAJOR >= 3:
        options["enable_idempotence"] = True
    producer = kafka.KafkaProducer(**options)
    futures = []
    for record in args["records"]:
        futures.append(
            producer.send(
                args["topic"],
                key=None if record.get("key") is None else record["key"].encode(),
                value=record["value"].encode(),
                headers=[(k, v.encode()) for k, v in record.get("headers", [])],
                partition=record.get("partition"),
            )
        )
    producer.flush(timeout=20)
    offsets = [[f.get(timeout=20).partition, f.get(timeout=20).offset] for f in futures]
    producer.close(timeout=10)
    return {"offsets": offsets}


def text(data):
    return None if data is None else data.decode()


def consume(args):
    consumer = kafka.KafkaConsumer(
        args["topic"],
        bootstrap_servers=args["bootstrap"],
        group_id=args["group"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=args.get("timeout_ms", 15000),
        heartbeat_interval_ms=500,
    )
    records = []
    for message in consumer:
        records.append(
            {
                "topic": message.topic,
                "partition": message.partition,
                "offset": message.offset,
                "key": text(message.key),
                "value": text(message.value),
                "headers": [[k, text(v)] for k, v in (message.headers or [])],
            }
        )
        if len(records) >= args["count"]:
            break
    assignment = sorted(tp.partition for tp in consumer.assignment())
    consumer.commit()
    committed = {
        str(p): consumer.committed(TopicPartition(args["topic"], p)) for p in assignment
    }
    consumer.close()
    return {"records": records, "assignment": assignment, "committed": committed}


def main():
    args = json.loads(sys.argv[1])
    action = {"produce": produce, "consume": consume}[args["action"]]
    json.dump(action(args), sys.stdout)


if __name__ == "__main__":
    main()
