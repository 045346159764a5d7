"""Weekly baselines, spike detection and new words, on hand-made series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.trends import (
    complete,
    negative_share_spikes,
    new_terms,
    volume_spikes,
    weekly_baseline,
)

WEEKDAY = np.array([1.05, 1.08, 1.06, 1.04, 0.96, 0.6, 0.55])  # Monday … Sunday
START = pd.Timestamp("2026-01-05")  # a Monday


def daily(level: float, weeks: int = 12, seed: int = 1, rhythm: np.ndarray = WEEKDAY,
          jitter: float = 0.08) -> pd.Series:
    """Mentions per day with a weekly rhythm, day-to-day jitter and counting noise."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, periods=weeks * 7, freq="D")
    mean = level * rhythm[days.weekday] * rng.uniform(1 - jitter, 1 + jitter, len(days))
    return pd.Series(rng.poisson(mean).astype(float), index=days)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", [15, 60, 400])
def test_a_steady_weekly_rhythm_never_fires(seed, level):
    counts = daily(level, seed=seed)
    negatives = pd.Series(np.random.default_rng(seed).binomial(counts.astype(int), 0.25),
                          index=counts.index, dtype=float)
    assert volume_spikes(counts) == []
    assert negative_share_spikes(counts, negatives) == []


def test_quiet_weekends_are_normal_because_the_baseline_compares_same_weekdays():
    counts = daily(100, rhythm=np.array([1.0, 1, 1, 1, 1, 0.2, 0.2]), seed=3)
    base = weekly_baseline(counts)
    monday = base.loc["2026-03-02"]
    sunday = base.loc["2026-03-01"]
    assert monday["expected"] > 3 * sunday["expected"]
    assert volume_spikes(counts) == []


def test_the_baseline_waits_for_three_earlier_weeks():
    base = weekly_baseline(daily(50))
    assert base["expected"].iloc[:21].isna().all()
    assert base["expected"].iloc[21:].notna().all()


def test_a_six_fold_three_day_spike_is_one_alert_starting_on_its_first_day():
    counts = daily(40, seed=5)
    spike_days = pd.date_range("2026-03-11", periods=3, freq="D")
    counts[spike_days] = counts[spike_days] * 6
    spikes = volume_spikes(counts)
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike.kind == "volume"
    assert spike.start == spike_days[0]
    assert spike.end == spike_days[-1]
    assert spike.periods == 3
    assert 4 < spike.ratio < 8 and spike.z > 4
    assert spike.total == counts[spike_days].sum()


def test_one_past_spike_does_not_hide_the_next_one_a_week_later():
    counts = daily(40, seed=6)
    for day in ("2026-03-04", "2026-03-11"):
        counts[day] *= 6
    assert [s.start for s in volume_spikes(counts)] == [pd.Timestamp("2026-03-04"),
                                                         pd.Timestamp("2026-03-11")]


def test_a_slow_decline_or_growth_never_fires():
    days = 26 * 7
    falling = daily(120, weeks=26, seed=7) * np.linspace(1.0, 0.3, days)
    rising = daily(40, weeks=26, seed=8) * np.linspace(1.0, 2.5, days)
    assert volume_spikes(falling.round()) == []
    assert volume_spikes(rising.round()) == []


def test_a_drop_is_not_a_spike():
    counts = daily(80, seed=9)
    counts["2026-03-10":"2026-03-14"] = 0
    assert volume_spikes(counts) == []


def test_a_jump_of_the_negative_share_at_constant_volume_is_a_negative_share_alert():
    counts = pd.Series(100.0, index=pd.date_range(START, periods=70, freq="D"))
    rng = np.random.default_rng(4)
    negatives = pd.Series(rng.binomial(100, 0.2, 70).astype(float), index=counts.index)
    jump = pd.date_range("2026-02-20", periods=2, freq="D")
    negatives[jump] = 55.0
    assert volume_spikes(counts) == []
    spikes = negative_share_spikes(counts, negatives)
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike.kind == "negative_share"
    assert (spike.start, spike.end) == (jump[0], jump[-1])
    assert spike.peak == pytest.approx(0.55)
    assert 0.15 < spike.baseline < 0.25


def test_a_small_negative_wobble_on_one_quiet_day_does_not_fire():
    counts = pd.Series(30.0, index=pd.date_range(START, periods=70, freq="D"))
    negatives = pd.Series(6.0, index=counts.index)
    negatives["2026-02-20"] = 13.0  # 43 % of 30 after 20 %: within one day's noise
    assert negative_share_spikes(counts, negatives) == []


def test_a_lasting_moderate_negative_jump_fires_once_it_holds_for_two_days():
    counts = pd.Series(90.0, index=pd.date_range(START, periods=70, freq="D"))
    negatives = pd.Series(25.0, index=counts.index)
    negatives["2026-02-20":"2026-02-21"] = 42.0  # 28 % → 47 %, z ≈ 3.9 each day
    spikes = negative_share_spikes(counts, negatives)
    assert [(s.start, s.periods) for s in spikes] == [(pd.Timestamp("2026-02-20"), 2)]
    negatives["2026-02-21"] = 25.0
    assert negative_share_spikes(counts, negatives) == []


def test_hourly_spikes_compare_the_same_hour_of_the_same_weekday():
    hours = pd.date_range(START, periods=6 * 168, freq="h")
    rng = np.random.default_rng(2)
    shape = np.where((hours.hour >= 8) & (hours.hour <= 22), 30.0, 3.0)
    counts = pd.Series(rng.poisson(shape).astype(float), index=hours)
    assert volume_spikes(counts, "hour") == []
    night = pd.Timestamp("2026-02-10 03:00")
    counts[night] = 40  # a busy afternoon's volume at 3 a.m.
    assert [s.start for s in volume_spikes(counts, "hour")] == [night]


def test_complete_fills_silent_periods_with_zero():
    sparse = pd.Series([3, 5], index=pd.to_datetime(["2026-01-01 10:20", "2026-01-03 09:00"]))
    full = complete(sparse, "day")
    assert list(full) == [3.0, 0.0, 5.0]
    assert list(complete(sparse, "day", end="2026-01-05")) == [3.0, 0.0, 5.0, 0.0, 0.0]
    with pytest.raises(ValueError):
        complete(sparse, "fortnight")


def test_new_terms_are_the_words_the_spike_brings_not_the_usual_ones():
    usual = [f"Le forfait Orbis est {w} et le réseau marche" for w in ("cher", "bien", "ok")] * 40
    spike = (["Panne Orbis partout, #orbisdown depuis ce matin"] * 30
             + ["Encore la panne, le réseau Orbis est mort"] * 20 + usual[:20])
    terms = new_terms(spike, usual)
    words = [t["term"] for t in terms]
    assert words[:2] == ["panne", "#orbisdown"] or words[:2] == ["#orbisdown", "panne"]
    assert not {"orbis", "forfait", "reseau", "le", "la", "est"} & set(words)
    panne = next(t for t in terms if t["term"] == "panne")
    assert panne["docs"] == 50 and panne["share"] == pytest.approx(50 / 70)


def test_new_terms_are_shown_as_most_posts_wrote_them_accents_kept():
    spike = (["Orbis promet un dédommagement après la panne"] * 5
             + ["dedommagement ??? Orbis"] * 2 + ["Privés de réseau depuis hier, Orbis"] * 4)
    terms = {t["term"]: t["shown"] for t in new_terms(spike, ["Orbis va bien"] * 20)}
    # Counted folded (one word however written), shown as written by most posts.
    assert terms["dedommagement"] == "dédommagement"
    assert terms["prives"] == "privés" and terms["panne"] == "panne"


def test_new_terms_ignores_words_seen_in_too_few_posts_and_empty_input():
    assert new_terms(["une seule mention de zorglub"], ["rien"]) == []
    assert new_terms([], ["rien"]) == []
