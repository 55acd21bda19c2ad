"""Thin tasks for external confirmation e-mails: take an id, call a service. Safe to run twice."""

from celery import shared_task

from confirmations.services.mail import (
    TemporaryFailure,
    declined_email_send,
    external_confirmations_sweep,
    request_email_send,
)


@shared_task(
    name="confirmations.tasks.external_confirmation_email_send",
    ignore_result=True,
    autoretry_for=(TemporaryFailure,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def external_confirmation_email_send(request_id: int) -> bool:
    """E-mail the link of a waiting request. Idempotent: the link is claimed once."""
    return request_email_send(request_id=request_id)


@shared_task(name="confirmations.tasks.external_confirmation_declined_notify", ignore_result=True)
def external_confirmation_declined_notify(request_id: int) -> bool:
    """Tell the trainee a confirmer answered "not accurate". Idempotent: claimed once."""
    return declined_email_send(request_id=request_id)


@shared_task(name="confirmations.tasks.external_confirmations_sweep", ignore_result=True)
def external_confirmations_sweep_task() -> int:
    """Every few minutes: e-mails whose task was lost. Idempotent."""
    return external_confirmations_sweep()
