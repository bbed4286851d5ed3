"""confluent-kafka (librdkafka in its wheel, from PyPI into .tools/venv) as a test peer: one action
per run, JSON arguments in argv[1], JSON result on stdout.

  produce  {bootstrap, topic, records: [{key, value, headers: [[k, v]], partition?}], config?}
           -> {"offsets": [[partition, offset], ...]}  (enable.idempotence, acks=all; config:
           more librdkafka properties, e.g. {"socket.timeout.ms": 1000})
  consume  {bootstrap, topic, group, count, timeout_ms}
           -> {"records": [...], "assignment": [partitions], "committed": {partition: offset}}
"""

import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def produce(args):
    producer = Producer(
        {
            "bootstrap.servers": args["bootstrap"],
            "enable.idempotence": True,
            "acks": "all",
            **args.get("config", {}),
        }
    )
    delivered = []

    def report(err, msg):
        if err is not None:
            raise KafkaException(err)
        delivered.append([msg.partition(), msg.offset()])

    for record in args["records"]:
        extra = {} if record.get("partition") is None else {"partition": record["partition"]}
        producer.produce(
            args["topic"],
            key=record.get("key"),
            value=record["value"],
            headers=[(k, v) for k, v in record.get("headers", [])],
            on_delivery=report,
            **extra,
        )
    left = producer.flush(20)
    if left:
        raise RuntimeError(f"{left} records not delivered within 20 s")
    return {"offsets": delivered}


def text(data):
    return None if data is None else data.decode()


def consume(args):
    consumer = Consumer(
        {
            "bootstrap.servers": args["bootstrap"],
            "group.id": args["group"],
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([args["topic"]])
    records = []
    deadline = time.monotonic() + args.get("timeout_ms", 15000) / 1000
    while len(records) < args["count"] and time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            raise KafkaException(message.error())
        records.append(
            {
                "topic": message.topic(),
                "partition": message.partition(),
                "offset": message.offset(),
                "key": text(message.key()),
                "value": text(message.value()),
                "headers": [[k, text(v)] for k, v in (message.headers() or [])],
            }
        )
    assignment = sorted(tp.partition for tp in consumer.assignment())
    if records:
        consumer.commit(asynchronous=False)
    committed = {
        str(tp.partition): tp.offset
        for tp in consumer.committed([TopicPartition(args["topic"], p) for p in assignment], 10)
    }
    consumer.close()
    return {"records": records, "assignment": assignment, "committed": committed}


def main():
    args = json.loads(sys.argv[1])
    action = {"produce": produce, "consume": consume}[args["action"]]
    json.dump(action(args), sys.stdout)


if __name__ == "__main__":
    main()
