"""The question bank loader: the shipped bank, user merge/override, and malformed entries."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mockmic.questions import CATEGORIES, USER_FILE_NAME, load_bank

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "prompts"

# The windows PRODUCT.md gives for each category.
WINDOWS = {"training": (60, 90), "core": (45, 60), "behavioral": (60, 90), "specialty": (60, 90)}


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def q(qid: str, category: str = "core", text: str = "A question?", extra: str = "") -> str:
    return f'[[question]]\nid = "{qid}"\ncategory = "{category}"\ntext = "{text}"\n{extra}\n'


# --- the shipped bank -------------------------------------------------------------------------

def test_shipped_bank_loads_cleanly() -> None:
    bank = load_bank(PROMPTS, user_file=PROMPTS / "no-such-user-file.toml")
    assert bank.errors == []
    assert len(bank) >= 30
    assert set(bank.categories) == set(CATEGORIES)
    counts = {c: len(qs) for c, qs in bank.by_category().items()}
    assert min(counts.values()) >= 5, counts


def test_shipped_questions_are_complete_and_use_product_windows() -> None:
    bank = load_bank(PROMPTS, user_file=PROMPTS / "no-such-user-file.toml")
    for question in bank:
        assert question.text.strip(), question.id
        assert question.structure, question.id
        assert 1 <= len(question.tips) <= 2, question.id
        assert question.id.startswith(question.category + "-"), question.id
        assert not question.user
        want = (90, 120) if question.id == "core-tell-me-about-yourself" else WINDOWS[question.category]
        assert question.target == want, question.id
    specialties = {x.specialty for x in bank.by_category()["specialty"]}
    assert {"internal medicine", "family medicine", "pediatrics", "psychiatry", "surgery"} <= specialties


def test_line_numbers_point_at_the_question_header() -> None:
    bank = load_bank(PROMPTS, user_file=PROMPTS / "no-such-user-file.toml")
    for question in bank:
        lines = question.source_file.read_text(encoding="utf-8").splitlines()
        assert lines[question.line - 1].strip() == "[[question]]"
        assert f'id = "{question.id}"' in lines[question.line]


# --- merging the user's file ------------------------------------------------------------------

@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    d = tmp_path / "prompts"
    d.mkdir()
    write(d / "core.toml", q("core-a", text="First?", extra='target = [45, 60]\ntips = ["t1"]')
          + q("core-b", text="Second?"))
    write(d / "behavioral.toml", q("behavioral-a", "behavioral", "Story?", 'structure = "STAR"'))
    return d


def test_bank_orders_by_category_then_file_order(prompts: Path) -> None:
    bank = load_bank(prompts)
    assert [x.id for x in bank] == ["core-a", "core-b", "behavioral-a"]
    assert bank.categories == ["core", "behavioral"]
    assert bank.errors == []


def test_missing_target_uses_category_default(prompts: Path) -> None:
    bank = load_bank(prompts)
    assert bank.get("core-b").target == (45.0, 60.0)
    assert bank.get("behavioral-a").target == (60.0, 90.0)


def test_user_file_adds_and_overrides(prompts: Path) -> None:
    write(prompts / USER_FILE_NAME,
          q("core-b", text="My own wording?", extra='target = "50-70"') + q("mine-research", "specialty", "Research?"))
    bank = load_bank(prompts)
    assert bank.errors == []
    assert len(bank) == 4
    over = bank.get("core-b")
    assert over.text == "My own wording?"
    assert over.target == (50.0, 70.0)
    assert over.user and over.source_file == prompts / USER_FILE_NAME
    assert [x.id for x in bank.by_category()["core"]] == ["core-a", "core-b"]  # keeps its place
    assert bank.get("mine-research").user
    assert not bank.get("core-a").user


def test_explicit_user_file_elsewhere(prompts: Path, tmp_path: Path) -> None:
    user = write(tmp_path / "extra.toml", q("core-a", text="Replaced?"))
    assert load_bank(prompts, user_file=user).get("core-a").text == "Replaced?"
    assert load_bank(prompts, user_file=user, include_user=False).get("core-a").text == "First?"


def test_missing_prompts_folder_is_one_error(tmp_path: Path) -> None:
    bank = load_bank(tmp_path / "nope")
    assert len(bank) == 0
    assert bank.errors == [f"{tmp_path / 'nope'}: prompts folder not found"]


# --- malformed entries ------------------------------------------------------------------------

BROKEN = """
# a comment
[[question]]
id = "core-ok-1"
category = "core"
text = "Fine?"

[[question]]
id = "core-no-text"
category = "core"

[[question]]
id = "core-bad-target"
category = "core"
text = "Bad target?"
target = [90, 60]

[[question]]
id = "core-ok-1"
category = "core"
text = "Duplicate?"

[[question]]
id = "core-bad-cat"
category = "cardiology"
text = "Wrong category?"

[[question]]
id = "core-ok-2"
category = "core"
text = "Also fine?"
target = "not a window"
"""


def test_each_malformed_entry_is_reported_with_file_line_reason(tmp_path: Path) -> None:
    d = tmp_path / "prompts"
    d.mkdir()
    path = write(d / "core.toml", BROKEN)
    write(d / "behavioral.toml", q("behavioral-ok", "behavioral"))
    bank = load_bank(d)
    assert [x.id for x in bank] == ["core-ok-1", "behavioral-ok"]
    assert bank.get("core-ok-1").text == "Fine?"  # the first of the duplicates wins
    errors = bank.errors
    assert len(errors) == 5, errors
    by_prefix = {e.split(": ", 1)[0]: e.split(": ", 1)[1] for e in errors}
    assert "missing 'text'" in by_prefix[f"{path}:7"]
    assert "bad target" in by_prefix[f"{path}:15"] and "MIN must be below MAX" in by_prefix[f"{path}:15"]
    assert "duplicate id 'core-ok-1'" in by_prefix[f"{path}:17"]
    assert "unknown category 'cardiology'" in by_prefix[f"{path}:24"]
    assert "bad target" in by_prefix[f"{path}:31"]
    assert all("\n" not in e for e in errors)


def test_syntax_error_loses_only_its_entry(tmp_path: Path) -> None:
    d = tmp_path / "prompts"
    d.mkdir()
    path = write(d / "core.toml", """
        [[question]]
        id = "core-first"
        category = "core"
        text = "First?"

        [[question]]
        id = "core-broken"
        category = "core"
        text = "Unterminated?
        target = [45, 60]

        [[question]]
        id = "core-last"
        category = "core"
        text = "Last?"
        """)
    bank = load_bank(d)
    assert [x.id for x in bank] == ["core-first", "core-last"]
    assert bank.get("core-last").line == 12
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith(f"{path}:9: TOML syntax error")


def test_user_file_syntax_error_keeps_bundled_bank(prompts: Path) -> None:
    user = write(prompts / USER_FILE_NAME, 'id = "x\n[[question\n')
    bank = load_bank(prompts)
    assert [x.id for x in bank] == ["core-a", "core-b", "behavioral-a"]
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith(f"{user}:1: TOML syntax error")


def test_duplicate_across_bundled_files_reported(prompts: Path) -> None:
    write(prompts / "zz.toml", "# extra\n" + q("core-a", text="Again?"))
    bank = load_bank(prompts)
    assert bank.get("core-a").text == "First?"
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith(f"{prompts / 'zz.toml'}:2: duplicate id 'core-a'")


def test_unknown_field_is_reported_but_question_kept(prompts: Path) -> None:
    user = write(prompts / USER_FILE_NAME, q("mine", extra='tip = "typo of tips"'))
    bank = load_bank(prompts)
    assert bank.get("mine") is not None
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith(f"{user}:5: question 'mine': unknown field(s) 'tip'")


def test_wrong_types_are_reported(prompts: Path) -> None:
    user = write(prompts / USER_FILE_NAME,
                 q("m-1", extra="tips = [1, 2]") + q("m-2", extra="target = [true, 60]")
                 + q("Bad Id") + q("m-4", extra="structure = 3") + "[[question]]\nid = 5\n")
    bank = load_bank(prompts)
    assert not any(x.user for x in bank)
    reasons = bank.errors
    assert len(reasons) == 5, reasons
    assert reasons[0].startswith(f"{user}:5: question 'm-1': tips must be a list of strings")
    assert reasons[1].startswith(f"{user}:10: question 'm-2': bad target")
    assert reasons[2].startswith(f"{user}:12: id 'Bad Id' must be lowercase")
    assert reasons[3].startswith(f"{user}:20: question 'm-4': structure must be a string")
    assert reasons[4].startswith(f"{user}:21: missing 'text', 'category'")


# --- random -------------------------------------------------------------------------------

def test_random_respects_exclude_and_category(prompts: Path) -> None:
    bank = load_bank(prompts)
    rng = random.Random(7)
    picks = {bank.random(rng, exclude={"core-a"}).id for _ in range(50)}
    assert picks == {"core-b", "behavioral-a"}
    assert {bank.random(rng, category="behavioral").id for _ in range(10)} == {"behavioral-a"}
    # everything excluded: still returns a question rather than stopping a long mock interview
    assert bank.random(rng, exclude=[x.id for x in bank]) is not None
    assert bank.random(rng, category="surgery") is None


def test_questions_module_is_pure() -> None:
    code = ("import sys, mockmic.questions; "
            "bad = [m for m in ('textual', 'sounddevice', 'faster_whisper', 'piper') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


# --- mockmic questions ------------------------------------------------------------------------

def test_cli_lists_bank_and_reports_errors(prompts: Path) -> None:
    from click.testing import CliRunner

    from mockmic.cli import cli

    runner = CliRunner()
    res = runner.invoke(cli, ["questions", "--prompts", str(prompts)])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert any(line.split()[:3] == ["core-a", "45–60", "s"] and line.endswith("First?") for line in lines), lines
    assert any("behavioral-a" in line and "Story?" in line for line in lines)

    user = write(prompts / USER_FILE_NAME, q("mine-1", "core", "Mine?") + "[[question]]\nid = \"mine-2\"\n")
    res = runner.invoke(cli, ["questions", "--prompts", str(prompts), "-c", "core"])
    assert res.exit_code == 0
    assert "*mine-1" in res.stdout and "behavioral-a" not in res.stdout
    assert "1 problem(s)" in res.stderr

    res = runner.invoke(cli, ["questions", "--prompts", str(prompts), "--errors"])
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [f"{user}:6: missing 'text', 'category' (id 'mine-2'); skipped"]


def test_single_bracket_table_is_explained(prompts: Path) -> None:
    user = write(prompts / USER_FILE_NAME, '# mine\n[question]\nid = "m"\ncategory = "core"\ntext = "Hi?"\n')
    bank = load_bank(prompts)
    assert "m" not in bank and len(bank) == 3
    assert bank.errors == [f"{user}:2: write [[question]] (two brackets) for each question; entries skipped"]


def test_empty_user_file_is_fine(prompts: Path) -> None:
    write(prompts / USER_FILE_NAME, "# nothing yet\n")
    bank = load_bank(prompts)
    assert bank.errors == [] and len(bank) == 3
