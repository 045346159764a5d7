"""Display names for the codes stored with the data, written once for the pages and the reports."""

from __future__ import annotations

import re
from collections.abc import Mapping

from analysis.kinds import KIND_NAMES as KIND_NAMES  # re-exported: the names live there
from i18n.catalog import gettext, ngettext
from i18n.formats import listing
from store.mentions import SentimentModel, SentimentStatus
from views import format as fmt


def _(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where shown (:func:`name`)."""
    return message


# The values are English msgids: show them through :func:`name` (or ``gettext(value, lang)``).
# Item kinds (items.kind) and their display names: described once, in analysis.kinds.
# Sentiment labels (items.sentiment_label, mentions.sentiment_label).
TONES = {"positive": _("Positive"), "negative": _("Negative"), "neutral": _("Neutral")}
# What the Trends timeline can show.
MEASURE_NAMES = {"mentions": _("Mentions"), "net_sentiment": _("Net sentiment"),
                 "negative_share": _("Negative share")}
# Why a post waits for an answer (store.community.needs_answer's reason).
REASONS = {"question": _("Question"), "complaint": _("Complaint")}
# What Share of voice counts.
UNITS = {"mentions": _("Mentions"), "stories": _("Stories")}
# The time steps Trends offers.
GRAIN_NAMES = {"hour": _("Hour"), "day": _("Day"), "week": _("Week")}
# Where an alert stands (store.alerts states).
STATE_NAMES = {"new": _("New"), "seen": _("Seen"), "handled": _("Handled")}
# Kinds of authors, as store.community.authors names their segment.
SEGMENTS = {"regular": _("regular"), "returning": _("returning"), "one-time": _("one-time")}


def name(names: Mapping[str, str], code: object, lang: str = "en") -> str:
    """The display name of ``code`` in one of the maps above, in ``lang``; a code the map
    lacks is data (a source's own name…) and is shown as it is, untranslated."""
    shown = names.get(str(code))
    return str(code) if shown is None else gettext(shown, lang)


def names(mapping: Mapping[str, str], lang: str = "en") -> dict[str, str]:
    """The whole map with its display names in ``lang`` (for a chart's labels)."""
    return {code: gettext(shown, lang) for code, shown in mapping.items()}


# A source's health (store.alerts.source_health's status).
HEALTH_NAMES = {"ok": _("ok"), "warnings": _("warnings"), "failing": _("failing"),
                "silent": _("silent"), "never run": _("never run")}


# How store.alerts.source_health says why a source is unhealthy, to be said in another language.
_REASONS = (
    (re.compile(r"^never collected$"), _("never collected")),
    (re.compile(r"^collecting$"), _("collecting")),
    (re.compile(r"^last (?P<n>\d+) run\(s\) failed: (?P<error>.*)$"),
     _("last {n} run(s) failed: {error}")),
    (re.compile(r"^no new item for (?P<hours>[\d,]+) h \(runs every (?P<every>[\d.]+) h\)$"),
     _("no new item for {hours} h (runs every {every} h)")),
    (re.compile(r"^no item ever, first run (?P<hours>[\d,]+) h ago$"),
     _("no item ever, first run {hours} h ago")),
    (re.compile(r"^last run: (?P<n>\d+) warning\(s\)$"), _("last run: {n} warning(s)")),
)


def health_reason(reason: str, lang: str) -> str:
    """A source's health reason (:func:`store.alerts.source_health` writes it in English)
    in ``lang``; a reason of another shape is shown as it is."""
    if lang == "en":
        return reason
    for pattern, message in _REASONS:
        found = pattern.match(reason)
        if found:
            values = {k: fmt.count(int(v.replace(",", "")), lang) if k == "hours"
                      else fmt.decimal(float(v), 0 if float(v).is_integer() else 1, lang)
                      if k == "every" else v for k, v in found.groupdict().items()}
            return gettext(message, lang).format(**values)
    return reason


# What each language's sentiment model reads (store.mentions.SentimentModel.lang).
MODEL_LANGUAGES = {"en": _("posts in English and other languages"), "fr": _("French posts")}


def sentiment_models(models: tuple[SentimentModel, ...], lang: str) -> str:
    """One sentence saying which models gave the sentiment shown ("Sentiment read by the
    standard model for French posts (as shipped) and …"); empty when none is known."""
    parts = []
    for model in models:
        language = name(MODEL_LANGUAGES, model.lang, lang)
        if model.corrections:
            text = (_("the precise model for {language} (adapted to {count} of your "
                      "corrections)") if model.precise else
                    _("the standard model for {language} (adapted to {count} of your "
                      "corrections)"))
        else:
            text = (_("the precise model for {language} (as shipped)") if model.precise else
                    _("the standard model for {language} (as shipped)"))
        parts.append(gettext(text, lang).format(language=language,
                                                count=fmt.count(model.corrections, lang=lang)))
    return gettext("Sentiment read by {models}.", lang).format(
        models=listing(parts, lang)) if parts else ""


def sentiment_status(status: SentimentStatus, lang: str) -> str:
    """:func:`sentiment_models`, then what the corrections made are waiting for; empty when
    there is nothing to say."""
    out = sentiment_models(status.models, lang)
    if status.not_learnt:
        waiting = ngettext(
            "{n} correction not learnt yet: `python -m collectors retrain` teaches it to the "
            "model (a running `collectors watch` does so once there are enough).",
            "{n} corrections not learnt yet: `python -m collectors retrain` teaches them to "
            "the model (a running `collectors watch` does so once there are enough).",
            status.not_learnt, lang).format(n=fmt.count(status.not_learnt, lang=lang))
        out = f"{out} {waiting}".strip()
    return out
