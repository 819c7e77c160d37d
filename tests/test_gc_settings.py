"""The collector's thresholds: set at start-up from the settings, and read from the environment."""

import gc

import pytest

from app.settings import Settings
from tests.conftest import make_settings, open_client

pytestmark = pytest.mark.anyio


async def test_the_app_sets_the_configured_thresholds() -> None:
    before = gc.get_threshold()
    try:
        async for _ in open_client(make_settings(gc_thresholds=(12_345, 11, 9))):
            assert gc.get_threshold() == (12_345, 11, 9)
    finally:
        gc.set_threshold(*before)


def test_thresholds_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALENDY_GC_THRESHOLDS", "[700, 10, 10]")  # Python's own
    assert Settings(_env_file=None).gc_thresholds == (700, 10, 10)  # type: ignore[call-arg]
