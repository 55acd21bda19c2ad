"""Which attestation documents a principal may see (and download), in the spirit of access.py.

The trainee sees all of their own. Anyone else who can see the trainee's records (their
supervisor, their program's directors, staff, the institution's keys) sees documents of categories
that no program of the trainee marks private; for private categories they get nothing beyond the
totals that compliance already shows.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import ApiKey
from programs.models import ProgramCategory
from trainees.models import Attestation
from trainees.selectors.access import Principal, enrollments_visible_to


def attestations_visible_to(principal: Principal) -> QuerySet[Attestation]:
    private = Exists(
        ProgramCategory.objects.filter(
            private=True,
            category_id=OuterRef("category_id"),
            program__enrollments__trainee_id=OuterRef("trainee_id"),
        )
    )
    in_scope = Exists(enrollments_visible_to(principal).filter(trainee_id=OuterRef("trainee_id")))
    staff_view = in_scope & ~private
    attestations = Attestation.objects.select_related("category")
    if not principal.is_authenticated:
        return attestations.none()
    if isinstance(principal, ApiKey):
        return attestations.filter(staff_view)
    return attestations.filter(Q(trainee__user=principal) | staff_view)
