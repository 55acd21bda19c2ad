"""Idempotency-Key for POST: the same key and body give the same result without a duplicate; the
same key with a different body is a 409.

The record is written in the same transaction as the work it guards. A concurrent retry with the
same key blocks on the unique index until the first commits, then replays its stored answer; if
the first fails with a server error, its transaction (record included) rolls back and the retry
does the work.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiKey
from api.errors import Conflict
from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MISMATCH = "This Idempotency-Key was used with a different request body."
KEY_TOO_LONG = "The Idempotency-Key may be at most 255 characters."
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag")


def _principal(request: Request) -> str:
    if isinstance(request.user, ApiKey):
        return f"key:{request.user.pk}"
    return f"user:{request.user.pk}"


def _digest(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, digest: str) -> Response:
    if record.request_digest != digest:
        raise Conflict(KEY_MISMATCH)
    response = Response(record.response_body, status=record.status_code)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


Handler = Callable[..., Response]


def idempotent(handler: Handler) -> Handler:
    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > 255:
            raise Conflict(KEY_TOO_LONG)
        principal, digest = _principal(request), _digest(request)
        existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if existing is not None:
            return _replay(existing, digest)
        try:
            with transaction.atomic():
                response = handler(view, request, *args, **kwargs)
                if response.status_code < 500:
                    IdempotencyRecord.objects.create(
                        principal=principal,
                        key=key,
                        method=request.method or "",
                        path=request.path[:512],
                        request_digest=digest,
                        status_code=response.status_code,
                        response_body=response.data,
                        response_headers={h: response[h] for h in KEPT_HEADERS if h in response},
                    )
        except IntegrityError:
            # Lost the race to a concurrent request with the same key: answer as it did.
            record = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
            if record is None:
                raise
            return _replay(record, digest)
        return response

    return wrapper
