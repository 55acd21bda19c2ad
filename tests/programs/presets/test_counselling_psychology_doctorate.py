"""Counselling psychology doctorate: 60 h therapy with an approved therapist, 450 h practice."""

from datetime import date

from tests.programs.presets.conftest import run, summary

DOCTORATE = {
    "start": date(2023, 10, 2),
    "end": date(2026, 9, 27),
    "as_of": date(2026, 10, 15),
    "approved_provider_ids": frozenset({7}),
}


def practice(log):
    return log.every(date(2023, 10, 2), 150, 180, "client_individual")  # 27000 min


def test_sixty_hours_with_the_approved_therapist_meets_the_programme(log):
    therapy = log.every(date(2023, 10, 3), 60, 60, "personal_therapy", provider_id=7)

    result = run("counselling-psychology-doctorate", therapy + practice(log), **DOCTORATE)

    assert summary(result) == {
        "personal_therapy_hours": ("met", 3600, 3600),
        "supervised_practice": ("met", 27000, 27000),
    }
    assert result.status == "met"


def test_therapy_with_a_therapist_the_programme_has_not_approved_does_not_count(log):
    # given the first ten sessions were with another therapist
    therapy = log.every(date(2023, 10, 3), 10, 60, "personal_therapy", provider_id=8)
    therapy += log.every(date(2023, 12, 12), 50, 60, "personal_therapy", provider_id=7)

    result = run("counselling-psychology-doctorate", therapy + practice(log), **DOCTORATE)

    hours = result.requirements[0]
    assert (hours.status, hours.credited) == ("behind", 3000)
    assert [e.reason for e in hours.excluded] == ["provider_not_approved"] * 10
    assert result.status == "behind"
