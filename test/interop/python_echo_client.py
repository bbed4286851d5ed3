"""Python grpcio client of the Echo service: a real peer for the handwire server.

Run by test/interop/python-client.test.ts with PYTHONPATH pointing at stubs generated from
test/fixtures/echo.proto and google/rpc/*.proto. Prints one JSON object of results.
"""

import json
import sys

import grpc

import echo_pb2
from google.rpc import error_details_pb2, status_pb2

target = sys.argv[1]
results = {}
channel = grpc.insecure_channel(target)

unary = channel.unary_unary(
    "/handwire.test.Echo/Unary",
    request_serializer=echo_pb2.EchoRequest.SerializeToString,
    response_deserializer=echo_pb2.EchoResponse.FromString,
)
server_stream = channel.unary_stream(
    "/handwire.test.Echo/ServerStream",
    request_serializer=echo_pb2.EchoRequest.SerializeToString,
    response_deserializer=echo_pb2.EchoResponse.FromString,
)
client_stream = channel.stream_unary(
    "/handwire.test.Echo/ClientStream",
    request_serializer=echo_pb2.EchoRequest.SerializeToString,
    response_deserializer=echo_pb2.EchoResponse.FromString,
)
bidi = channel.stream_stream(
    "/handwire.test.Echo/Bidi",
    request_serializer=echo_pb2.EchoRequest.SerializeToString,
    response_deserializer=echo_pb2.EchoResponse.FromString,
)

# Unary with metadata in both directions.
response, call = unary.with_call(
    echo_pb2.EchoRequest(message="héllo", payload=b"\x00\x01\xff"),
    metadata=(("echo-text", "plain"), ("echo-data-bin", b"\x00\xc8\x01"), ("echo-trailer-note", "end")),
    timeout=10,
)
results["unary"] = {"message": response.message, "payload": list(response.payload)}
results["initial_metadata"] = {k: (list(v) if isinstance(v, bytes) else v) for k, v in call.initial_metadata()}
results["trailing_metadata"] = {k: v for k, v in call.trailing_metadata() if k.startswith("echo-")}

# Server streaming.
results["server_stream"] = [r.index for r in server_stream(echo_pb2.EchoRequest(message="s", count=100), timeout=10)]

# Client streaming.
reply = client_stream(iter([echo_pb2.EchoRequest(message=str(i)) for i in range(10)]), timeout=10)
results["client_stream"] = {"message": reply.message, "count": reply.index}

# Bidi.
results["bidi"] = [r.message for r in bidi(iter([echo_pb2.EchoRequest(message="b%d" % i) for i in range(10)]), timeout=10)]

# Deadline.
try:
    unary(echo_pb2.EchoRequest(delay_ms=5000), timeout=0.3)
    results["deadline"] = "no error"
except grpc.RpcError as error:
    results["deadline"] = error.code().name

# Error with google.rpc.Status details.
try:
    unary(echo_pb2.EchoRequest(message="details"), timeout=10)
    results["details"] = "no error"
except grpc.RpcError as error:
    status = None
    for key, value in error.trailing_metadata():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
    violations = []
    if status is not None:
        for detail in status.details:
            bad_request = error_details_pb2.BadRequest()
            if detail.Unpack(bad_request):
                violations = [[v.field, v.description] for v in bad_request.field_violations]
    results["details"] = {
        "code": error.code().name,
        "message": error.details(),
        "status_code": status.code if status else None,
        "violations": violations,
    }

# Unknown method.
try:
    channel.unary_unary("/handwire.test.Echo/Nope")(b"", timeout=10)
except grpc.RpcError as error:
    results["unimplemented"] = [error.code().name, error.details()]

channel.close()
print(json.dumps(results))
