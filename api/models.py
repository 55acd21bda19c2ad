from typing import Any

from django.db import models


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST sent with an Idempotency-Key, so a retry gets the same answer.

    Keyed per principal: two callers may use the same key without seeing each other's results.
    """

    principal = models.CharField(max_length=64, help_text="'user:<id>' or 'key:<id>'.")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=512)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body: "models.JSONField[Any]" = models.JSONField(null=True)
    response_headers: "models.JSONField[Any]" = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
