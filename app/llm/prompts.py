"""Prompt templates: files in prompts/, rendered strictly (a missing variable is an error)."""

from dataclasses import dataclass
from pathlib import Path
from string import Template

# Each template and the variables it must use; a template that names others is refused at load.
TEMPLATE_VARIABLES: dict[str, frozenset[str]] = {
    "system": frozenset({"schema"}),
    "user_data": frozenset({"now", "weekday", "named_days", "categories", "todos", "schedules"}),
    "repair": frozenset({"errors"}),
    "summary_system": frozenset({"language", "max_chars"}),
    "summary_user": frozenset({"now", "plans"}),
    # `calendy synth` only (loaded by load_template, not at service start).
    "synth_system": frozenset({"n"}),
    "synth_user": frozenset({"data", "n"}),
    # `calendy synth docs` only.
    "docs_questions": frozenset({"n", "language", "chunk"}),
    "docs_answer": frozenset({"language", "title", "link", "chunk", "question"}),
    "docs_grounding": frozenset({"chunk", "question", "answer"}),
    "docs_negatives": frozenset({"topics", "n", "language"}),
    # POST /v1/help (loaded by load_template when the first help question comes).
    "help_system": frozenset(),
    "help_user": frozenset({"sections", "question"}),
}


class PromptError(ValueError):
    """A template file is missing, or its variables do not match what the code supplies."""


@dataclass(frozen=True)
class PromptTemplates:
    """The service's prompt templates, loaded once at start."""

    system: Template
    user_data: Template
    repair: Template
    summary_system: Template
    summary_user: Template
    schema_sql: str


def render(template: Template, **values: object) -> str:
    """Substitute every variable; a missing one raises PromptError rather than leaving `$x` behind."""
    try:
        return template.substitute({key: str(value) for key, value in values.items()})
    except KeyError as exc:
        raise PromptError(f"missing template variable {exc.args[0]!r}") from exc


def _load(directory: Path, name: str) -> Template:
    path = directory / f"{name}.txt"
    try:
        template = Template(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptError(f"cannot read prompt template {path}: {exc}") from exc
    if not template.is_valid():
        raise PromptError(f"{path}: invalid placeholder (write a literal dollar as $$)")
    used = set(template.get_identifiers())
    expected = TEMPLATE_VARIABLES[name]
    if used != expected:
        raise PromptError(f"{path}: uses variables {sorted(used)}, expected {sorted(expected)}")
    return template


def load_template(*, directory: Path, name: str) -> Template:
    """One registered template read and checked on its own (e.g. the synth prompts)."""
    return _load(directory, name)


def load_prompts(directory: Path) -> PromptTemplates:
    """Read and check every template in `directory` (prompts/)."""
    try:
        schema_sql = (directory / "schema.sql").read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"cannot read the client schema: {exc}") from exc
    return PromptTemplates(
        system=_load(directory, "system"),
        user_data=_load(directory, "user_data"),
        repair=_load(directory, "repair"),
        summary_system=_load(directory, "summary_system"),
        summary_user=_load(directory, "summary_user"),
        schema_sql=schema_sql,
    )
