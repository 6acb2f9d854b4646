"""Query noise: the benchmark's types unchanged, the training-only types Hangul-correct."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from services.null_query import hangul
from services.null_query.noise import (
    NOISES,
    TRAINING_NOISES,
    drop_syllable,
    jamo_typos,
    keyboard,
    liaison,
    spacing,
    split_jamo,
    swap_syllables,
)

Noise = Callable[[str, random.Random], str | None]


def test_benchmark_noises_are_untouched_and_training_noises_separate() -> None:
    assert list(NOISES) == ["spacing", "jamo", "keyboard", "typo1", "typo2"]
    assert list(TRAINING_NOISES) == ["liaison", "drop_syllable", "swap_syllables"]


@pytest.mark.parametrize(
    ("clean", "spoken"),
    [
        ("먹었어", "머거써"),  # single and tense finals move whole
        ("읽어", "일거"),  # a cluster keeps its first consonant
        ("앉아", "안자"),
        ("좋아", "조아"),  # ㅎ goes silent
        ("많아", "마나"),
        ("싫어", "시러"),
        ("같이", "가치"),  # palatalised before 이
        ("굳이", "구지"),
        ("맛있어요", "마시써요"),
        ("밝은 아침", "발근 아침"),  # not across a space
    ],
)
def test_liaison_spells_as_pronounced(clean: str, spoken: str) -> None:
    assert liaison(clean, random.Random(0)) == spoken


@pytest.mark.parametrize("clean", ["강아지", "삼성 갤럭시", "iphone", "사과"])
def test_liaison_does_not_apply_without_a_carried_final(clean: str) -> None:
    assert liaison(clean, random.Random(0)) is None


@pytest.mark.parametrize("seed", range(20))
def test_drop_syllable_removes_one_syllable_of_a_long_word(seed: int) -> None:
    noisy = drop_syllable("삼성 갤럭시 버즈", random.Random(seed))
    assert noisy is not None and noisy.startswith("삼성 ") and len(noisy) == len("삼성 갤럭시 버즈") - 1
    assert noisy.split()[1] in {"럭시", "갤시", "갤럭"}


@pytest.mark.parametrize("seed", range(20))
def test_swap_syllables_swaps_two_different_neighbours_in_a_word(seed: int) -> None:
    noisy = swap_syllables("갤럭시 탭", random.Random(seed))
    assert noisy in {"럭갤시 탭", "갤시럭 탭"}


@pytest.mark.parametrize(
    ("noise", "clean"),
    [(drop_syllable, "삼성 tv"), (swap_syllables, "아아"), (swap_syllables, "a b"), (drop_syllable, "")],
)
def test_training_noises_return_none_where_they_do_not_apply(noise: Noise, clean: str) -> None:
    assert noise(clean, random.Random(0)) is None


@pytest.mark.parametrize("name", sorted({**NOISES, **TRAINING_NOISES}))
def test_every_noise_is_seeded_and_writes_only_whole_syllables_unless_it_splits_jamo(name: str) -> None:
    noise = {**NOISES, **TRAINING_NOISES}[name]
    for clean in ["맛있는 떡볶이", "읽어 볼 만한 책이야"]:
        first, second = noise(clean, random.Random(7)), noise(clean, random.Random(7))
        assert first is not None and first == second and first != clean
        if name == "keyboard":
            assert first.isascii()
        elif name != "jamo":
            assert all(hangul.is_syllable(ch) or ch == " " for ch in first), first


def test_benchmark_noise_examples() -> None:
    assert keyboard("삼성", random.Random(0)) == "tkatjd"
    assert split_jamo("삼성", random.Random(0)) in {"ㅅㅏㅁ성", "삼ㅅㅓㅇ", "ㅅㅏㅁㅅㅓㅇ"}
    assert spacing("삼성 갤럭시", random.Random(0)) in {
        "삼성갤럭시",
        "삼 성 갤럭시",
        "삼성 갤 럭시",
        "삼성 갤럭 시",
    }
    assert jamo_typos("삼성", random.Random(0), 2) not in (None, "삼성")
