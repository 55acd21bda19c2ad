from tests.fuzz_summary import fuzz_cases, pytest_terminal_summary  # noqa: F401  (by name)
