# A Python grpcio reflection client (grpc doc/server-reflection.md): lists services, fetches the
# file declaring user.UserService.GetUser, builds message classes from the returned
# FileDescriptorProtos alone and calls the method with them, the way ghz works without --proto.
#
# Usage: python_reflection_client.py HOST:PORT, with reflection_pb2 / reflection_pb2_grpc (made by
# grpc_tools.protoc from grpc-proto's grpc/reflection/v1/reflection.proto) on PYTHONPATH.
# Prints one JSON object of results.

import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

import reflection_pb2
import reflection_pb2_grpc

TIMEOUT = 10


def ask(stub, *requests):
    """Sends the requests on one ServerReflectionInfo stream; returns the replies in order."""
    return list(stub.ServerReflectionInfo(iter(requests), timeout=TIMEOUT))


def files_of(reply):
    if reply.WhichOneof("message_response") != "file_descriptor_response":
        raise RuntimeError("expected file_descriptor_response, got %s" % reply)
    return [
        descriptor_pb2.FileDescriptorProto.FromString(data)
        for data in reply.file_descriptor_response.file_descriptor_proto
    ]


def pool_of(files):
    """A fresh pool holding `files`, each added after the files it imports."""
    pool = descriptor_pool.DescriptorPool()
    added = set()
    pending = list(files)
    while pending:
        ready = [f for f in pending if all(d in added for d in f.dependency)]
        if not ready:
            raise RuntimeError("imports missing from the reply: %s" % [f.name for f in pending])
        for f in ready:
            pool.Add(f)
            added.add(f.name)
            pending.remove(f)
    return pool


def message_class(pool, descriptor):
    # protobuf >= 4.22 has GetMessageClass; Debian's 4.21 has the MessageFactory it replaced.
    get_class = getattr(message_factory, "GetMessageClass", None)
    if get_class is not None:
        return get_class(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def method_call(channel, pool, full_method):
    """A callable for `package.Service.Method`, built from the pool alone."""
    method = pool.FindMethodByName(full_method)
    request_class = message_class(pool, method.input_type)
    response_class = message_class(pool, method.output_type)
    path = "/%s/%s" % (method.containing_service.full_name, method.name)
    server_streaming = getattr(method, "server_streaming", None)
    make = channel.unary_stream if server_streaming else channel.unary_unary
    call = make(
        path,
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    return method, request_class, call


def as_dict(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def main():
    address = sys.argv[1]
    results = {}
    with grpc.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)

        [listing] = ask(stub, reflection_pb2.ServerReflectionRequest(list_services=""))
        results["services"] = [s.name for s in listing.list_services_response.service]

        [found] = ask(
            stub,
            reflection_pb2.ServerReflectionRequest(
                host="py", file_containing_symbol="user.UserService.GetUser"
            ),
        )
        results["echo"] = [found.valid_host, found.original_request.file_containing_symbol]
        files = files_of(found)
        results["files"] = [f.name for f in files]
        pool = pool_of(files)

        method, request_class, get_user = method_call(channel, pool, "user.UserService.GetUser")
        results["method"] = [method.input_type.full_name, method.output_type.full_name]
        user = get_user(request_class(id="42"), timeout=TIMEOUT)
        results["user"] = as_dict(user)
        try:
            get_user(request_class(id="7"), timeout=TIMEOUT)
            results["missing"] = "no error"
        except grpc.RpcError as error:
            results["missing"] = [error.code().name, error.details()]

        service = pool.FindServiceByName("user.UserService")
        results["streaming"] = {
            m.name: [getattr(m, "client_streaming", None), getattr(m, "server_streaming", None)]
            for m in service.methods
        }

        # The health service, found and called the same way.
        [health_file] = ask(
            stub,
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.health.v1.Health"),
        )
        health_pool = pool_of(files_of(health_file))
        _, check_request, check = method_call(channel, health_pool, "grpc.health.v1.Health.Check")
        results["health"] = as_dict(check(check_request(service=""), timeout=TIMEOUT))

        # Unknown names come back in-stream, and the stream answers every request in order.
        replies = ask(
            stub,
            reflection_pb2.ServerReflectionRequest(file_containing_symbol="user.Nope"),
            reflection_pb2.ServerReflectionRequest(file_by_filename="offers.proto"),
        )
        results["in_order"] = [r.WhichOneof("message_response") for r in replies]
        results["error"] = [
            replies[0].error_response.error_code,
            replies[0].error_response.error_message,
        ]

    print(json.dumps(results))


if __name__ == "__main__":
    main()
