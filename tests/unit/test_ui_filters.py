"""The filter state carried by a link: parsed defensively, written canonically, read back equal."""

from __future__ import annotations

from datetime import date

import pytest

from views import format as fmt
from views.filters import (
    Choices,
    Options,
    bounds,
    describe,
    grain_for,
    parse_params,
    to_filters,
    to_params,
)

OPTIONS = Options(first_day=date(2026, 1, 2), last_day=date(2026, 6, 30),
                  brands=("Acme", "Globex", "Initech"), kinds=("demo", "reddit"),
                  sources=("demo",), langs=("en", "fr"))


def test_no_parameters_give_the_last_30_days_of_data():
    choices, notices = parse_params({}, OPTIONS)
    assert choices == Choices()
    assert notices == []
    assert bounds(choices, OPTIONS) == (date(2026, 6, 1), date(2026, 6, 30))


@pytest.mark.parametrize(("period", "expected"), [
    ("7d", (date(2026, 6, 24), date(2026, 6, 30))),
    ("90d", (date(2026, 4, 2), date(2026, 6, 30))),
    ("quarter", (date(2026, 4, 1), date(2026, 6, 30))),
    ("all", (None, None)),
])
def test_presets_count_back_from_the_newest_day(period, expected):
    choices, notices = parse_params({"period": period}, OPTIONS)
    assert notices == []
    assert bounds(choices, OPTIONS) == expected


def test_comparison_is_the_same_length_just_before():
    choices, _ = parse_params({"period": "7d"}, OPTIONS)
    filters = to_filters(choices, OPTIONS)
    previous = filters.previous()
    assert (previous.start, previous.end) == (date(2026, 6, 17), date(2026, 6, 23))
    shown, before = describe(choices, filters, OPTIONS)
    assert shown == "Last 7 days: 24 – 30 Jun 2026"
    assert before == "the previous 7 days: 17 – 23 Jun 2026"


def test_all_dates_have_no_comparison():
    choices, _ = parse_params({"period": "all"}, OPTIONS)
    filters = to_filters(choices, OPTIONS)
    assert filters.previous() is None
    assert describe(choices, filters, OPTIONS) == ("All dates: 2 Jan – 30 Jun 2026", None)


def test_a_link_round_trips():
    choices = Choices(period="custom", start=date(2026, 3, 1), end=date(2026, 3, 31),
                      brands=("Acme", "Initech"), kinds=("reddit",), langs=("fr",))
    params = to_params(choices)
    assert params == {"period": ["custom"], "from": ["2026-03-01"], "to": ["2026-03-31"],
                      "brand": ["Acme", "Initech"], "kind": ["reddit"], "lang": ["fr"]}
    assert parse_params(params, OPTIONS) == (choices, [])


def test_dates_alone_mean_a_custom_period():
    choices, notices = parse_params({"from": "2026-03-01", "to": "2026-03-10"}, OPTIONS)
    assert (choices.period, choices.start, choices.end) == (
        "custom", date(2026, 3, 1), date(2026, 3, 10))
    assert notices == []


def test_reversed_dates_are_swapped_with_a_notice():
    choices, notices = parse_params(
        {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"}, OPTIONS)
    assert (choices.start, choices.end) == (date(2026, 3, 1), date(2026, 3, 10))
    assert len(notices) == 1 and "reverse" in notices[0]


def test_dates_beyond_the_data_are_clamped_with_a_notice():
    choices, notices = parse_params(
        {"period": "custom", "from": "2020-01-01", "to": "2030-01-01"}, OPTIONS)
    assert (choices.start, choices.end) == (OPTIONS.first_day, OPTIONS.last_day)
    assert len(notices) == 1 and "limited" in notices[0]


@pytest.mark.parametrize("params", [
    {"period": "custom", "from": "2026-02-30", "to": "2026-03-01"},
    {"period": "custom", "from": "yesterday", "to": "2026-03-01"},
    {"period": "custom", "from": "2026-03-01"},
    {"period": "custom", "from": "2031-01-01", "to": "2031-02-01"},
    {"period": "custom", "from": "2026-03-01" * 10_000, "to": "2026-03-02"},
])
def test_unusable_custom_dates_fall_back_to_the_default_period(params):
    choices, notices = parse_params(params, OPTIONS)
    assert choices == Choices()
    assert len(notices) == 1


@pytest.mark.parametrize("value", [
    "<script>alert(1)</script>", "30d' OR '1'='1", "x" * 100_000, "30D"])
def test_unknown_periods_fall_back_to_the_default_without_echoing_the_value(value):
    choices, notices = parse_params({"period": value}, OPTIONS)
    assert choices.period == "30d"
    assert len(notices) == 1
    assert value not in notices[0]


def test_an_empty_period_is_the_default_without_a_notice():
    assert parse_params({"period": ""}, OPTIONS) == (Choices(), [])


def test_unknown_dimension_values_are_dropped_and_counted():
    hostile = ["Acme", "' OR 1=1 --", "<img src=x onerror=alert(1)>", "Z" * 100_000, "Acme"]
    choices, notices = parse_params({"brand": hostile, "lang": ["fr", "klingon"]}, OPTIONS)
    assert choices.brands == ("Acme",)
    assert choices.langs == ("fr",)
    assert len(notices) == 2
    assert "3 brands" in notices[0] and "1 language " in notices[1]
    assert all("<" not in n and "OR 1" not in n for n in notices)


def test_chosen_values_follow_the_database_order_not_the_link_order():
    choices, _ = parse_params({"brand": ["Initech", "Acme"]}, OPTIONS)
    assert choices.brands == ("Acme", "Initech")


def test_huge_numbers_of_values_are_capped():
    choices, notices = parse_params({"brand": ["Acme"] + ["nope"] * 50_000}, OPTIONS)
    assert choices.brands == ("Acme",)
    assert len(notices) == 1


def test_filter_values_reach_the_store_only_as_parameters():
    choices, _ = parse_params({"brand": ["Globex"], "kind": ["reddit"]}, OPTIONS)
    where, params = to_filters(choices, OPTIONS).where()
    assert "Globex" not in where and "reddit" not in where
    assert params[-2:] == ["Globex", "reddit"]


@pytest.mark.parametrize(("period", "grain"), [
    ("7d", "day"), ("30d", "week"), ("90d", "week"), ("all", "week")])
def test_grain_suits_the_length_of_the_period(period, grain):
    choices, _ = parse_params({"period": period}, OPTIONS)
    assert grain_for(to_filters(choices, OPTIONS), OPTIONS) == grain


def test_long_spans_are_drawn_by_month():
    options = Options(first_day=date(2023, 1, 1), last_day=date(2026, 6, 30))
    choices, _ = parse_params({"period": "all"}, options)
    assert grain_for(to_filters(choices, options), options) == "month"


def test_formats_read_well_on_a_wall():
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.percent(0.3249) == "32.5 %"
    assert fmt.signed_percent(-0.045) == "-4.5 %"
    assert fmt.signed_percent(0.0004) == "+0.0 %"
    assert fmt.count_change(1100, 1000) == "+100 (+10.0 %)"
    assert fmt.count_change(5, 0) == "+5"
    assert fmt.points_change(0.30, 0.325) == "-2.5 pts"
    # A change that rounds to zero must not start with "-" (Streamlit would draw it red).
    assert fmt.points_change(0.3000, 0.3004) == "+0.0 pts"
    assert fmt.span(date(2026, 5, 28), date(2026, 6, 3)) == "28 May – 3 Jun 2026"
    assert fmt.span(date(2025, 12, 28), date(2026, 1, 3)) == "28 Dec 2025 – 3 Jan 2026"
    assert fmt.language("fr") == "French (fr)"
    assert fmt.language("xx") == "xx"
