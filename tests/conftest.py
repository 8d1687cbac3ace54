"""`--slow` runs the tests marked `@pytest.mark.slow` (long fuzzing); without it they are skipped."""
import pytest


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="also run the slow tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
