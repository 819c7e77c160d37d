"""`calendy dataset export` and `calendy dataset from-feedback`."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import fail, with_engine
from app.errors import AppError
from app.llm.exemplars import load_exemplars
from app.llm.messages import build_static_prefix
from app.llm.prompts import load_prompts
from app.settings import get_settings
from app.sqlcheck import load_client_schema
from app.training.export import DEFAULT_MAX_TOKENS, MIN_EXAMPLES, build_example, check_examples, split_examples
from app.training.feedback_pairs import harvest_pairs, load_feedback_rows
from app.training.help_export import build_help_example
from app.training.help_pairs import read_help_pairs
from app.training.pairs import pair_key, pair_line, read_pairs, write_lines

dataset_app = typer.Typer(help="Training data: verified pairs and fine-tuning files.", no_args_is_help=True)


def _val_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.val{out.suffix or '.jsonl'}")


@dataset_app.command("export")
def export_command(
    pairs_file: Annotated[Path, typer.Argument(help="Pairs JSONL (request, sql, source).")],
    out: Annotated[Path, typer.Option("--out", help="The training file to write.")],
    fmt: Annotated[str, typer.Option("--format", help="Only openai-chat.")] = "openai-chat",
    val: Annotated[float, typer.Option(min=0.0, max=0.5, help="Share held out for validation.")] = 0.0,
    val_out: Annotated[Path | None, typer.Option(help="Validation file (default: OUT with .val).")] = None,
    exemplars: Annotated[bool, typer.Option(help="Keep the few-shot exemplars in the prompt.")] = True,
    seed: Annotated[int, typer.Option(help="Seed of the validation split.")] = 0,
    max_tokens: Annotated[int, typer.Option(help="Token limit per example.")] = DEFAULT_MAX_TOKENS,
    min_examples: Annotated[int, typer.Option(help="Fewest training examples accepted.")] = MIN_EXAMPLES,
) -> None:
    """Write the service's exact messages with the pair's answer, after the cookbook's checks.

    SQL pairs become /v1/sql examples; help pairs (from `calendy synth docs`) become /v1/help ones.
    """
    if fmt != "openai-chat":
        raise fail(f"unknown format {fmt!r}: only openai-chat")
    settings = get_settings()
    help_lines: list[tuple[int, Any]] = []
    try:
        pairs = read_pairs(path=pairs_file, help_lines=help_lines)
        help_pairs = read_help_pairs(lines=help_lines, origin=pairs_file)
    except AppError as exc:
        raise fail(exc.message, exc.details) from exc
    templates = load_prompts(settings.prompts_dir)
    chosen = load_exemplars(settings.exemplars_dir) if exemplars else []
    prefix = build_static_prefix(templates=templates, exemplars=chosen)
    examples = [
        build_example(pair=pair, prefix=prefix, templates=templates, title_budget=settings.prompt_title_budget)
        for pair in pairs
    ]
    examples += [build_help_example(pair=pair, prompts_dir=settings.prompts_dir) for pair in help_pairs]
    train, validation = split_examples(examples=examples, val=val, seed=seed)
    report = check_examples(examples=examples, max_tokens=max_tokens, minimum=0)
    if len(train) < min_examples:
        report.problems.append(f"{len(train)} training examples; fine-tuning needs at least {min_examples}")
    typer.echo("\n".join(report.lines()))
    if report.problems:
        raise fail(f"{pairs_file}: {len(report.problems)} problem(s); nothing written")
    write_lines(path=out, lines=[json.dumps(e, ensure_ascii=False) for e in train])
    typer.echo(f"wrote {len(train)} examples to {out}")
    if validation:
        target = val_out or _val_path(out)
        write_lines(path=target, lines=[json.dumps(e, ensure_ascii=False) for e in validation])
        typer.echo(f"wrote {len(validation)} validation examples to {target}")


@dataset_app.command("from-feedback")
def from_feedback_command(
    out: Annotated[Path, typer.Option("--out", help="Pairs JSONL to write.")],
) -> None:
    """Pairs from `executed` and `corrected` feedback (never `undone`/`failed`), validated again."""
    settings = get_settings()
    rows = with_engine(settings, lambda engine: load_feedback_rows(engine=engine))
    schema = load_client_schema(settings.prompts_dir / "schema.sql")
    harvest = harvest_pairs(rows=rows, schema=schema, max_steps=settings.shadow_max_steps)
    seen: set[str] = set()
    lines = []
    for pair in harvest.pairs:
        key = pair_key(pair=pair)
        if key not in seen:
            seen.add(key)
            lines.append(pair_line(pair=pair))
    write_lines(path=out, lines=lines)
    typer.echo(f"wrote {len(lines)} pairs to {out} from {len(rows)} feedback rows")
    for reason, count in sorted(harvest.skipped.items()):
        typer.echo(f"skipped {count}: {reason}")
