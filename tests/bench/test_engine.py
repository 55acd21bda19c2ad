"""The engine micro benchmark `make bench` calls: runs, on the largest preset, and is stable."""

from bench.engine import largest_preset, run_engine_benchmark, synthetic_facts


def test_the_benchmark_runs_with_a_small_count():
    result = run_engine_benchmark(sessions=200, runs=3)

    assert result["preset"] == "california-bbs-amft"
    assert (result["sessions"], result["runs"], len(result["samples"])) == (200, 3, 3)
    assert 0 < result["min"] <= result["median"] <= result["max"] == max(result["samples"])


def test_the_synthetic_data_is_the_same_every_time():
    _, rules = largest_preset()

    assert synthetic_facts(rules, 50) == synthetic_facts(rules, 50)
    assert len(synthetic_facts(rules, 50).sessions) == 50
