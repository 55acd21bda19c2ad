"""Webhook subscriptions of an institution and their delivery log.

For API keys with `webhooks:manage` (their own institution), directors of a program of the
institution and site staff. Another institution's subscription is a 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ApiKey
from api.idempotency import idempotent
from api.v1.base import principal_of
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from webhooks.selectors import (
    deliveries_of,
    institutions_managing_webhooks,
    subscriptions_visible_to,
)
from webhooks.services import subscription_create, subscription_deactivate

UNKNOWN_INSTITUTION = "No institution with this slug whose webhooks you manage."
INSTITUTION_REQUIRED = "Name the institution (its slug)."

MANAGE = "webhooks:manage"


class SubscriptionOut(serializers.ModelSerializer[WebhookSubscription]):
    institution: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = WebhookSubscription
        fields = ["id", "institution", "url", "events", "active", "created_at", "deactivated_at"]


class SubscriptionCreated(SubscriptionOut):
    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (see Countersign-Signature). Shown only in this response.",
    )

    class Meta(SubscriptionOut.Meta):
        fields = [*SubscriptionOut.Meta.fields, "secret"]


class SubscriptionIn(serializers.Serializer[Any]):
    url = serializers.URLField(max_length=500, help_text="An http:// or https:// address.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1
    )
    institution = serializers.SlugField(
        required=False,
        help_text="The institution's slug: required for people, defaults to an API key's own.",
    )


class DeliveryOut(serializers.ModelSerializer[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "payload",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "sent_at",
        ]


class WebhookCursor(CursorPagination):
    ordering = ("-id",)
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class DeliveryFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DeliveryStatus.choices)
    event = filters.ChoiceFilter(choices=WebhookEvent.choices)

    class Meta:
        model = WebhookDelivery
        fields = ["status", "event"]


class SubscriptionListCreate(generics.ListAPIView[WebhookSubscription]):
    """Webhook subscriptions of the institutions whose webhooks you manage."""

    serializer_class = SubscriptionOut
    pagination_class = WebhookCursor
    required_scopes = {"GET": MANAGE, "POST": MANAGE}

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return subscriptions_visible_to(principal_of(self.request))

    @extend_schema(
        request=SubscriptionIn,
        responses={201: SubscriptionCreated},
        parameters=[
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)
        ],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        """Subscribe a URL to events. The response carries the signing secret, once."""
        body = SubscriptionIn(data=request.data)
        body.is_valid(raise_exception=True)
        principal = principal_of(request)
        slug = body.validated_data.get("institution")
        if slug is None and not isinstance(principal, ApiKey):
            raise serializers.ValidationError({"institution": [INSTITUTION_REQUIRED]})
        institutions = institutions_managing_webhooks(principal)
        institution = institutions.filter(slug=slug).first() if slug else institutions.first()
        if institution is None:
            raise serializers.ValidationError({"institution": [UNKNOWN_INSTITUTION]})
        subscription = subscription_create(
            institution=institution,
            url=body.validated_data["url"],
            events=body.validated_data["events"],
        )
        response = Response(SubscriptionCreated(subscription).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/webhooks/{subscription.pk}/"
        return response


class SubscriptionDetail(APIView):
    required_scopes = {"DELETE": MANAGE}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Deactivate the subscription: nothing more is sent; its delivery log stays readable."""
        subscription = get_object_or_404(subscriptions_visible_to(principal_of(request)), pk=pk)
        subscription_deactivate(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryList(generics.ListAPIView[WebhookDelivery]):
    """The delivery log of one subscription, newest first, with each delivery's status."""

    serializer_class = DeliveryOut
    pagination_class = WebhookCursor
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = DeliveryFilter
    required_scopes = {"GET": MANAGE}

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        subscription = get_object_or_404(
            subscriptions_visible_to(principal_of(self.request)), pk=self.kwargs["pk"]
        )
        return deliveries_of(subscription=subscription)
