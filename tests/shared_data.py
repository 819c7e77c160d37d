"""The read-only material beside the checkout (../shared): skipped without it on a laptop, a failure in CI."""

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEVSET = SHARED / "devset" / "devset.jsonl"


def in_ci() -> bool:
    """True under CI (CI=true, as CI services and .ci/run set it)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_shared(path: Path) -> None:
    """Skip the test when `path` is missing, except in CI, where the devset tests must run."""
    if path.exists():
        return
    if in_ci():
        pytest.fail(f"{path} not found: CI runs the devset tests, so ../shared must be checked out beside the repo")
    pytest.skip(f"{path} not found")
