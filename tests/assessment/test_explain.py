"""A scoring rule in plain words, and a stored breakdown turned into the explanation's rows."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from pacesetter.assessment import explain


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("kind", "rule", "direction", "words"), [
    ("normalize", {"method": "minmax"}, 1,
     "Min–max normalization over the assessed units, higher is better: "
     "(x − min) / (max − min) × 100"),
    ("normalize", {"method": "minmax"}, -1,
     "Min–max normalization over the assessed units, lower is better: "
     "(max − x) / (max − min) × 100"),
    ("normalize", {"method": "target", "target": 98.0}, 1,
     "Ratio to the target 98, higher is better, capped at 1: min(x / 98, 1) × 100"),
    ("normalize", {"method": "target", "target": 5.0}, -1,
     "Ratio to the target 5, lower is better, capped at 1: min(5 / x, 1) × 100"),
    ("normalize", {"method": "efficacy", "satisfactory": 95.0, "unacceptable": 60.0}, 1,
     "Efficacy coefficient: 60 + 40 × (x − 60) / (95 − 60); the satisfactory value 95 "
     "scores 100, the unacceptable value 60 scores 60, not capped"),
    ("bands", {"bands": [[90.0, 80.0], [95.0, 100.0], [0.0, 60.0]]}, 1,
     "Bands: ≥95 → 100, ≥90 → 80, ≥0 → 60; a value beyond every band scores 0"),
    ("bands", {"bands": [[5.0, 60.0], [0.0, 100.0], [2.0, 80.0]]}, -1,
     "Bands: ≤0 → 100, ≤2 → 80, ≤5 → 60; a value beyond every band scores 0"),
    ("target", {"target": 100.0, "cap": 1.2}, 1,
     "Ratio to the target 100 with a cap of 1.2: min(x / 100, 1.2) × 100"),
    ("target", {"target": 3.0, "cap": 1.0}, -1,
     "Ratio to the target 3, lower is better, with a cap of 1: min(3 / x, 1) × 100"),
    ("rank", {"points": [100.0, 95.0, 90.5], "otherwise": 70.0}, 1,
     "Points by rank among the assessed units (highest value first): rank 1 → 100, "
     "rank 2 → 95, rank 3 → 90.5; any other rank → 70"),
    ("rank", {"points": [100.0], "otherwise": 0.0}, -1,
     "Points by rank among the assessed units (lowest value first): rank 1 → 100; "
     "any other rank → 0"),
    ("bonus", {"per": 1.0, "cap": 3.0}, 1, "Bonus of 1 per occurrence, at most 3"),
    ("deduction", {"per": 0.5, "cap": 6.0}, -1, "Deduction of 0.5 per occurrence, at most 6"),
    ("bonus", {"per": 2.0, "cap": 4.0, "source": "list"}, 1,
     "Bonus of 2 per confirmed entry of the achievement list, at most 4"),
    ("deduction", {"per": 1.0, "cap": 5.0, "source": "list"}, -1,
     "Deduction of 1 per confirmed entry of the negative list, at most 5"),
    ("veto", {"at_least": 3.0}, 1,
     "Veto when the value is at least 3: the unit ranks last and is put on the black list "
     "whatever its score"),
])
def test_each_rule_reads_as_scoring_applies_it(kind, rule, direction, words):
    assert explain.rule_words(kind, rule, direction) == words


def test_a_yes_no_veto_reads_as_a_question():
    assert explain.rule_words("veto", {"at_least": 1.0}, 1, "boolean").startswith(
        "Veto when the answer is yes")


@pytest.mark.parametrize(("kind", "rule", "points", "normalized"), [
    ("normalize", {"method": "minmax"}, 50.0, 0.5),
    ("normalize", {"method": "target", "target": 98.0}, 100.0, 1.0),
    ("normalize", {"method": "efficacy", "satisfactory": 95.0, "unacceptable": 60.0}, 88.0,
     88.0),
    ("target", {"target": 100.0, "cap": 1.2}, 120.0, 1.2),
    ("bands", {"bands": [[0.0, 60.0]]}, 60.0, None),
    ("rank", {"points": [100.0], "otherwise": 0.0}, 100.0, None),
    ("normalize", {"method": "minmax"}, None, None),
])
def test_the_normalized_value_is_read_back_from_the_points(kind, rule, points, normalized):
    assert explain.normalized_value(kind, rule, points) == normalized


@dataclass
class _Indicator:
    code: str
    name: str
    direction: int = 1
    data_type: str = "number"
    unit_of_measure: str = ""


@dataclass
class _Item:
    indicator: _Indicator
    rule_kind: str
    rule: dict


ITEMS = [
    _Item(_Indicator("A1", "三会一课落实率", unit_of_measure="%"), "normalize",
          {"method": "minmax"}),
    _Item(_Indicator("A2", "群众满意度"), "bands", {"bands": [[95.0, 100.0], [0.0, 60.0]]}),
    _Item(_Indicator("B1", "急难险重任务"), "bonus", {"per": 1.0, "cap": 3.0}),
    _Item(_Indicator("D4", "通报批评"), "deduction", {"per": 2.0, "cap": 6.0}),
    _Item(_Indicator("V1", "重大违纪", data_type="boolean"), "veto", {"at_least": 1.0}),
]


def test_rows_follow_the_breakdown_and_the_weights_the_version_used():
    # given a stored breakdown: A1 missing (0 points), A2 96 → 100, 5 tasks, 1 criticism, vetoed
    breakdown = {"raw": [None, 96.0, 5.0, 1.0, 1.0], "points": [0.0, 100.0, 3.0, 2.0, 1.0]}
    # when it is explained with weights 60 / 40
    rows = explain.explain_rows(ITEMS, {"A1": "60.0000", "A2": "40.0000", "B1": "0"}, breakdown)
    # then each row has what scoring stored, and only weighted rules contribute
    a1, a2, b1, d4, v1 = rows
    assert (a1.raw, a1.normalized, a1.points, a1.weighted) == (None, None, 0.0, Decimal(0))
    assert (a2.raw, a2.weight, a2.points, a2.weighted) == (96.0, Decimal(40), 100.0, Decimal(40))
    assert (b1.amount, b1.weight, b1.weighted, b1.is_weighted) == (3.0, None, None, False)
    assert d4.amount == 2.0
    assert (v1.vetoed, v1.points) == (True, None)
    assert a2.rule_label == "Bands" and "≥95 → 100" in a2.rule_text


def test_the_weighted_contribution_is_weight_over_100_times_points():
    rows = explain.explain_rows(ITEMS[:1], {"A1": "7.5"}, {"raw": [90.0], "points": [33.3333]})
    assert rows[0].weighted == Decimal("2.5000")  # 7.5 / 100 × 33.3333 = 2.4999975 → 2.5000
    assert rows[0].normalized == pytest.approx(0.333333)


def test_the_total_formula_shows_the_stored_numbers():
    terms = explain.total_terms(bonus=Decimal(2), deduction=Decimal(1), total=Decimal("84.2"))
    assert terms.formula == "Σ weighted 83.20 + bonus 2.00 − deduction 1.00 = 84.20"


def test_the_total_formula_adds_up_where_two_places_would_not():
    # given a stored result weighted 83.2050 + bonus 0.0050 = 83.2100, which at two places
    # each would read 83.21 + 0.01 − 0.00 = 83.21
    terms = explain.total_terms(bonus=Decimal("0.0050"), deduction=Decimal(0),
                                total=Decimal("83.2100"))
    # then the terms keep their four decimals, and what is shown adds up to the stored total
    assert terms.formula == "Σ weighted 83.205 + bonus 0.005 − deduction 0.00 = 83.21"
    assert terms.weighted + terms.bonus - terms.deduction == terms.total == Decimal("83.21")


def test_the_total_shown_is_the_stored_one_when_the_stored_terms_were_rounded_apart():
    # given scoring's 83.20504 + 0.00504 = 83.21008, stored each to four places on its own:
    # weighted 83.2050, bonus 0.0050, total 83.2101 (83.2050 + 0.0050 is 83.2100)
    terms = explain.total_terms(bonus=Decimal("0.0050"), deduction=Decimal("0.0000"),
                                total=Decimal("83.2101"))
    # then the total is the stored one and Σ weighted takes up the rounding
    assert terms.formula == "Σ weighted 83.2051 + bonus 0.005 − deduction 0.00 = 83.2101"
    assert (terms.weighted_text, terms.bonus_text, terms.total_text) == (
        "83.2051", "0.005", "83.2101")


def test_the_weighted_contributions_add_up_to_the_sum_shown():
    # given weights 35 / 35 / 30 and stored points 2.439, 2.3256, 40.4255, whose contributions
    # 0.85365, 0.81396 and 12.12765 round to 0.8536 + 0.8140 + 12.1276 = 13.7952, while
    # scoring's sum of the unrounded products is stored as 13.7953
    items = [_Item(_Indicator(code, code), "normalize", {"method": "minmax"})
             for code in ("A1", "A2", "A3")]
    rows = explain.explain_rows(items, {"A1": "35", "A2": "35", "A3": "30"},
                                {"raw": [1.0, 2.0, 3.0], "points": [2.439, 2.3256, 40.4255]})
    assert sum(row.weighted for row in rows) == Decimal("13.7952")
    # when they are balanced against the Σ weighted shown
    balanced = explain.balance_contributions(rows, Decimal("13.7953"))
    # then they add up to it, each still within 0.0001 of weight / 100 × points, and the first
    # of those rounded down furthest (0.85365 → 0.8536) took the step
    assert sum(row.weighted for row in balanced) == Decimal("13.7953")
    assert [row.weighted for row in balanced] == [
        Decimal("0.8537"), Decimal("0.8140"), Decimal("12.1276")]
    for row in balanced:
        assert abs(row.weighted - row.weight * Decimal(str(row.points)) / 100) < Decimal(
            "0.0001")


def test_a_gap_wider_than_rounding_is_not_hidden_in_the_contributions():
    rows = explain.explain_rows(ITEMS[:2], {"A1": "60", "A2": "40"},
                                {"raw": [1.0, 96.0], "points": [50.0, 100.0]})
    assert explain.balance_contributions(rows, Decimal("71.0000")) == rows


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("83.2050"), "83.205"), (Decimal("84.2"), "84.20"), (3.0, "3.00"),
    (Decimal("-0.0000"), "0.00"), (Decimal("0.0001"), "0.0001"), (Decimal("100.0000"),
                                                                  "100.00")])
def test_scores_show_their_stored_decimals_and_at_least_two(value, text):
    assert explain.score_text(value) == text


@pytest.mark.parametrize(("value", "words"), [(95.0, "95"), (0.5, "0.5"), (1e6, "1000000"),
                                              (-0.0, "0"), (Decimal("12.3400"), "12.34")])
def test_numbers_are_written_as_people_write_them(value, words):
    assert explain.number_words(value) == words
