"""A real S3 API over HTTP for the tests: moto's server on a free local port, one bucket per test."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from appliance.infra.storage.s3 import S3Storage

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """Run moto's S3 server for the block; yield its endpoint URL."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def new_bucket(endpoint: str, sse: bool = True) -> S3Storage:
    """Return an S3 storage on a new, empty bucket of the server at ``endpoint``."""
    bucket = f"ebanista-{secrets.token_hex(4)}"
    query = f"endpoint={endpoint}&region=eu-west-1" + ("&sse=AES256" if sse else "")
    storage = S3Storage(f"s3://{bucket}/files?{query}")
    storage.client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return storage


def objects(storage: S3Storage) -> dict[str, bytes]:
    """Return every object in the storage's bucket, by its key under the storage's prefix."""
    found: dict[str, bytes] = {}
    for page in storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket):
        for item in page.get("Contents", []):
            body = storage.client.get_object(Bucket=storage.bucket, Key=item["Key"])["Body"].read()
            found[item["Key"].removeprefix(storage.prefix + "/")] = body
    return found
