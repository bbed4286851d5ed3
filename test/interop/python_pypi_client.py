# The official Python health-checking and reflection clients from PyPI (grpcio-health-checking,
# grpcio-reflection; grpc doc/health-checking.md, doc/server-reflection.md) against a running
# server: health Check and Watch, then reflection's descriptor database as the only source of
# types for a call and for decoding an error's google.rpc details.
#
# Usage: python_pypi_client.py HOST:PORT USER_ID (with the PyPI grpcio virtualenv's python).
# Prints one JSON object of what it saw.

import json
import sys

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

TIMEOUT = 10


def health(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    statuses = {}
    for service in ["", "user.UserService", "offers.v1.OfferService"]:
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT)
        statuses[service] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    try:
        stub.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=TIMEOUT)
        unknown = "OK"
    except grpc.RpcError as error:
        unknown = error.code().name
    watch = stub.Watch(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT)
    first = next(watch)
    watch.cancel()
    return {
        "check": statuses,
        "unknown": unknown,
        "watch": health_pb2.HealthCheckResponse.ServingStatus.Name(first.status),
    }


def unary(channel, pool, full_method):
    """A callable for `package.Service.Method` and its classes, from the pool alone."""
    method = pool.FindMethodByName(full_method)
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    path = "/%s/%s" % (method.containing_service.full_name, method.name)
    call = channel.unary_unary(
        path,
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    return call, request_class


def details_of(pool, error):
    """The google.rpc.Status trailer's details, decoded with types found by reflection."""
    status_class = message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status"))
    trailer = dict(error.trailing_metadata() or ())["grpc-status-details-bin"]
    status = status_class.FromString(trailer)
    decoded = []
    for detail in status.details:
        type_name = detail.type_url.split("/")[-1]
        detail_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
        decoded.append(
            {"type": type_name, "value": json_format.MessageToDict(detail_class.FromString(detail.value))}
        )
    return {"code": status.code, "message": status.message, "details": decoded}


def reflection(channel, user_id):
    database = ProtoReflectionDescriptorDatabase(channel)
    pool = descriptor_pool.DescriptorPool(database)
    services = list(database.get_services())
    get_user, GetUserRequest = unary(channel, pool, "user.UserService.GetUser")
    user = get_user(GetUserRequest(id=user_id), timeout=TIMEOUT)
    create_user, CreateUserRequest = unary(channel, pool, "user.UserService.CreateUser")
    try:
        create_user(CreateUserRequest(username="x", email="nope"), timeout=TIMEOUT)
        error = None
    except grpc.RpcError as failure:
        error = {"code": failure.code().name, "status": details_of(pool, failure)}
    return {
        "services": services,
        "user": json_format.MessageToDict(user, preserving_proto_field_name=True),
        "error": error,
    }


def main():
    address, user_id = sys.argv[1], sys.argv[2]
    with grpc.insecure_channel(address) as channel:
        print(
            json.dumps(
                {"grpcio": grpc.__version__, "health": health(channel), "reflection": reflection(channel, user_id)}
            )
        )


if __name__ == "__main__":
    main()
