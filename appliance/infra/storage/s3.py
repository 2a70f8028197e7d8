"""S3-compatible object storage (AWS S3, MinIO, Ceph, …) for the platform, through boto3.

The URL names the bucket, a key prefix and, for a non-AWS service, its endpoint:
``s3://BUCKET/PREFIX?endpoint=http://host:9000&region=eu-west-1&sse=AES256``. Credentials come
from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role),
never from the URL, so the URL can be shown in logs and health pages.

The bytes handed to ``put`` are already encrypted by the caller (the keyring), exactly as on
disk; ``sse`` only adds the bucket's own server-side encryption on top.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from appliance.infra.settings import ConfigError
from appliance.infra.storage.errors import StorageError

# Objects that retention may expire carry this tag; the bucket's lifecycle rule matches it.
KIND_TAG = "ebanista-kind"
LIFECYCLE_RULE_ID = "ebanista-attachments"
SSE_MODES = ("AES256", "aws:kms")
MISSING = ("NoSuchKey", "404", "NotFound")


class S3Storage:
    """Objects in one bucket under one prefix."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.bucket = parts.netloc
        self.prefix = unquote(parts.path).strip("/")
        self.sse = query.get("sse") or None
        if self.sse is not None and self.sse not in SSE_MODES:
            raise ConfigError(f"EBANISTA_STORAGE_URL: sse must be one of {', '.join(SSE_MODES)}")
        # Short timeouts and a few retries: a chat upload must not hang on a slow bucket.
        config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"})
        self.client = boto3.client(
            "s3", endpoint_url=query.get("endpoint") or None, region_name=query.get("region") or None, config=config
        )

    def _key(self, key: str) -> str:
        if not key or key.startswith("/") or ".." in key.split("/"):
            raise StorageError("storage keys may not leave the storage prefix")
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, *, kind: str | None = None) -> None:
        """Store ``data`` under ``key`` (tagged with its ``kind`` for the lifecycle rule)."""
        extra: dict[str, Any] = {}
        if self.sse:
            extra["ServerSideEncryption"] = self.sse
        if kind:
            extra["Tagging"] = f"{KIND_TAG}={kind}"
        self._call("put_object", Bucket=self.bucket, Key=self._key(key), Body=data, **extra)

    def get(self, key: str) -> bytes:
        """Return the bytes under ``key``."""
        answer = self._call("get_object", Bucket=self.bucket, Key=self._key(key))
        return bytes(answer["Body"].read())

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing object is no error."""
        self._call("delete_object", Bucket=self.bucket, Key=self._key(key))

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key starts with ``prefix``; return how many there were."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix))
        count = 0
        try:
            for page in pages:
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    # One page is at most 1000 keys, which is what one delete_objects call takes.
                    self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                    count += len(keys)
        except (ClientError, BotoCoreError) as exc:
            raise _failure("delete_objects", exc) from None
        return count

    def check(self) -> None:
        """Raise unless the bucket answers."""
        self._call("head_bucket", Bucket=self.bucket)

    def set_expiry(self, kind: str, days: int) -> dict[str, Any]:
        """Make the bucket delete objects of ``kind`` ``days`` after their upload; return the rule.

        Other rules of the bucket (set by its owner for other prefixes) are kept.
        """
        prefix = f"{self.prefix}/" if self.prefix else ""
        rule = {
            "ID": LIFECYCLE_RULE_ID,
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": prefix, "Tags": [{"Key": KIND_TAG, "Value": kind}]}},
            "Expiration": {"Days": days},
        }
        rules = [r for r in self.lifecycle_rules() if r.get("ID") != LIFECYCLE_RULE_ID] + [rule]
        self._call("put_bucket_lifecycle_configuration", Bucket=self.bucket, LifecycleConfiguration={"Rules": rules})
        return rule

    def lifecycle_rules(self) -> list[dict[str, Any]]:
        """Return the bucket's lifecycle rules (none set: an empty list)."""
        try:
            answer = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchLifecycleConfiguration":
                return []
            raise _failure("get_bucket_lifecycle_configuration", exc) from None
        return list(answer.get("Rules", []))

    def _call(self, operation: str, **params: Any) -> Any:
        try:
            return getattr(self.client, operation)(**params)
        except (ClientError, BotoCoreError) as exc:
            raise _failure(operation, exc) from None


def _failure(operation: str, exc: Exception) -> Exception:
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    # The key is left out: it names a tenant and a file, and the code is what an operator needs.
    return StorageError(f"S3 {operation} failed: {code}")
