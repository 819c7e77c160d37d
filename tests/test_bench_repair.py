"""The repair bench's scripted model changes an answer only as the repair prompt says."""

from bench.repair import scripted_reaction

ANSWER = ["UPDATE TODO SET complete = 1 WHERE id = 3 OR 'a' = 'a'", "DELETE FROM TODO WHERE title = '요가'"]


def test_the_named_fixes_are_applied_to_the_named_statements() -> None:
    prompt = (
        "Your answer was rejected.\n"
        "- statement 1 (UPDATE TODO ...): the WHERE clause (id = 3 OR 'a' = 'a') holds for every row of TODO "
        "whatever the data, but the command does not ask for everything: 'a' = 'a' is always true, so remove it\n"
        "- statement 2 (DELETE FROM TODO ...): a condition on TODO.title: existing plans are referred to by id, "
        "never by title: '요가' is TODO id 4, 8, so write id IN (4, 8)\n"
    )
    assert scripted_reaction(ANSWER, prompt) == [
        "UPDATE TODO SET complete = 1 WHERE id = 3",
        "DELETE FROM TODO WHERE id IN (4, 8)",
    ]


def test_a_rule_without_its_fix_changes_nothing() -> None:
    prompt = (
        "- statement 1 (UPDATE TODO ...): the WHERE clause (id = 3 OR 'a' = 'a') holds for every row of TODO "
        "whatever the data, but the command does not ask for everything\n"
        "- statement 2 (DELETE FROM TODO ...): a condition on TODO.title: existing plans are referred to by id, "
        "never by title\n"
    )
    assert scripted_reaction(ANSWER, prompt) == ANSWER


def test_a_whole_where_is_replaced_by_the_ids_named_but_the_set_is_kept() -> None:
    answer = ["UPDATE TODO SET title = '새 이름' WHERE 1 = 1"]
    prompt = (
        "- statement 1 (UPDATE TODO ...): the WHERE clause (1 = 1) holds for every row of TODO whatever the data, "
        "but the command does not ask for everything; the command's words name '보고서' (TODO id 3): "
        "write WHERE id IN (3), or the ones of those the command means, with any time condition it gives\n"
    )
    assert scripted_reaction(answer, prompt) == ["UPDATE TODO SET title = '새 이름' WHERE id IN (3)"]
