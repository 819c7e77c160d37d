"""Few-shot exemplars: data files in exemplars/, each with its own user data, prompt and answer."""

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from app.schemas import Category, Schedule, Status, Timestamp, Todo


class ExemplarData(BaseModel):
    """The user-data block of one exemplar, the same shape a request carries."""

    now: Timestamp
    categories: list[Category] = []
    todos: list[Todo] = []
    schedules: list[Schedule] = []


class ExemplarExpect(BaseModel):
    """What the exemplar's answer means."""

    status: Status


class Exemplar(BaseModel):
    """One few-shot exemplar."""

    name: str
    user_data: ExemplarData
    prompt: str
    answer: str
    expect: ExemplarExpect
    locale: Literal["ko", "en"] | None = None


def load_exemplars(directory: Path) -> list[Exemplar]:
    """Every `*.json` exemplar in `directory`, in file-name order (the order is part of the prompt)."""
    exemplars = []
    for path in sorted(directory.glob("*.json")):
        try:
            exemplars.append(Exemplar.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, json.JSONDecodeError, ValidationError) as exc:
            raise ValueError(f"bad exemplar {path}: {exc}") from exc
    return exemplars
