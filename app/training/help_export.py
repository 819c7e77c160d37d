"""Help pairs as fine-tuning examples: the exact messages POST /v1/help sends, the pair's answer last."""

from pathlib import Path
from typing import Any

from app.help.answer import NOT_COVERED, help_messages
from app.help.guide import Section
from app.llm.prompts import load_template
from app.services.help import GUIDE_DIR, PROMPT_SECTIONS, retrieve_sections, section_index, served_sections
from app.training.help_pairs import HelpPair

Example = dict[str, Any]


def prompt_sections(*, pair: HelpPair, directory: Path = GUIDE_DIR) -> list[Section]:
    """The sections serving would retrieve; the pair's own section is always among them.

    A negative gets the closest sections even below the relevance threshold, so the model learns
    to answer NOT_COVERED when the sections it is given do not answer the question.
    """
    if pair.abstain:
        near = [s for s, _ in section_index(directory, pair.locale).search(pair.question, k=PROMPT_SECTIONS)]
        return near or [s for s in section_index(directory, pair.locale).sections[:2]]
    hits = retrieve_sections(question=pair.question, locale=pair.locale, directory=directory, k=PROMPT_SECTIONS)
    own = served_sections(directory).get(pair.url or "")
    if own is not None and own not in hits:
        hits = [own, *hits[: PROMPT_SECTIONS - 1]]
    return hits


def build_help_example(*, pair: HelpPair, prompts_dir: Path, directory: Path = GUIDE_DIR) -> Example:
    """One training example; a negative's answer is NOT_COVERED, which the service turns into its abstention."""
    system = load_template(directory=prompts_dir, name="help_system")
    user = load_template(directory=prompts_dir, name="help_user")
    messages: list[dict[str, Any]] = list(
        help_messages(system=system, user=user, sections=prompt_sections(pair=pair, directory=directory),
                      question=pair.question)
    )  # fmt: skip
    messages.append({"role": "assistant", "content": NOT_COVERED if pair.abstain else pair.answer})
    return {"messages": messages}
