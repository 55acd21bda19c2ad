"""The one lock every write to a trainee's sessions takes first."""

from trainees.models import Trainee


def trainees_lock(*trainee_ids: int) -> None:
    """Lock these trainees' rows until the transaction ends, in id order.

    Every service that changes a trainee's sessions takes it before locking the sessions
    themselves: it serialises those writers, which keeps the pending snapshot refresh exact
    (compliance.trainee_snapshots_mark_stale), and a single lock order means two services can
    never deadlock. Raises Trainee.DoesNotExist if one of them is gone.
    """
    wanted = sorted(set(trainee_ids))
    locked = list(
        Trainee.objects.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(locked) != len(wanted):
        raise Trainee.DoesNotExist
