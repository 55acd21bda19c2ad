"""Who manages an institution's webhooks: its API keys with `webhooks:manage` (the scope is
checked by the API view), its programs' directors, and site staff. Everyone else sees none."""

from django.db.models import QuerySet

from accounts.models import ApiKey, User
from programs.models import Institution, ProgramRole
from webhooks.models import WebhookDelivery, WebhookSubscription


def institutions_managing_webhooks(principal: User | ApiKey) -> QuerySet[Institution]:
    if isinstance(principal, ApiKey):
        return Institution.objects.filter(pk=principal.institution_id)
    if not principal.is_authenticated:
        return Institution.objects.none()
    if principal.is_staff:
        return Institution.objects.all()
    return Institution.objects.filter(
        programs__roles__user=principal, programs__roles__role=ProgramRole.Role.DIRECTOR
    ).distinct()


def subscriptions_visible_to(principal: User | ApiKey) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(
        institution__in=institutions_managing_webhooks(principal)
    ).select_related("institution")


def deliveries_of(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-id")
