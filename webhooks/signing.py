"""`Countersign-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the secret.

The timestamp is inside the signed text so a receiver can refuse old replays; `v1` names the
scheme so a second one can be added without breaking receivers.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "Countersign-Signature"
EVENT_HEADER = "Countersign-Event"
DELIVERY_HEADER = "Countersign-Delivery"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_valid(
    *, secret: str, header: str, body: bytes, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")
