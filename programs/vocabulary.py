"""The shared activity vocabulary every program file can reference by key.

Programs may add their own categories in their files; these are the ones every installation has.
"""

BUILTIN_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("personal_therapy", "Personal therapy", "The trainee's own individual therapy."),
    ("personal_therapy_group", "Group personal therapy", "The trainee's own therapy in a group."),
    ("training_analysis", "Training analysis", "Psychoanalytic training analysis."),
    ("supervision_individual", "Individual supervision", "One supervisor, one supervisee."),
    ("supervision_triadic", "Triadic supervision", "One supervisor, two supervisees."),
    ("supervision_group", "Group supervision", "One supervisor, three or more supervisees."),
    (
        "supervision_peer",
        "Peer supervision",
        "Supervision among peers without a senior supervisor.",
    ),
    ("consultation_individual", "Individual consultation", "Case consultation one to one."),
    ("consultation_group", "Group consultation", "Case consultation in a group."),
    ("client_individual", "Direct client contact: individual", "Therapy with one client."),
    ("client_couple_family", "Direct client contact: couples and families", "Conjoint therapy."),
    (
        "client_group",
        "Direct client contact: group",
        "Group therapy the trainee leads or co-leads.",
    ),
    ("client_child", "Direct client contact: children and adolescents", "Clients under 18."),
    ("assessment", "Assessment", "Psychological assessment, testing and report writing."),
    ("workshop", "Workshops and continuing education", "Workshops, seminars, conferences."),
    ("didactic", "Didactic training", "Taught course hours."),
    ("non_clinical", "Non-clinical work", "Case notes, administration, case management."),
)


def ensure_builtin_vocabulary() -> int:
    """Create any missing built-in category (the data migration does this on a new database).

    Returns how many were created. Tests that flush the database call it to restore the rows a
    migration made.
    """
    from programs.models import ActivityCategory

    existing = set(ActivityCategory.objects.filter(is_builtin=True).values_list("key", flat=True))
    missing = [
        ActivityCategory(key=key, name=name, description=description, is_builtin=True)
        for key, name, description in BUILTIN_CATEGORIES
        if key not in existing
    ]
    ActivityCategory.objects.bulk_create(missing, ignore_conflicts=True)
    if missing:
        # bulk_create sends no signals; the rows are new, so any cached copy is out of date.
        from programs.selectors import category_cache_clear

        category_cache_clear()
    return len(missing)
