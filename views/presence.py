"""The Presence view: who posts where, the gaps, and how each brand answers (no Streamlit)."""

from __future__ import annotations

import pandas as pd

from charts.presence import answered_chart, presence_chart
from i18n.catalog import translator
from store import presence
from views import format as fmt
from views.context import View
from views.labels import KIND_NAMES, name, names
from views.sections import Reader, Section, Table, Tile, direct


def hours(value: float | None, lang: str) -> str:
    """A delay in hours as people read it: ``45 min``, ``3.5 h``, ``2.1 days``."""
    _ = translator(lang)
    if value is None or pd.isna(value):
        return "—"
    if value < 1:
        return _("{n} min").format(n=fmt.count(round(value * 60), lang))
    if value < 48:
        return _("{n} h").format(n=fmt.decimal(value, 1, lang))
    return _("{n} days").format(n=fmt.decimal(value / 24, 1, lang))


def gap_text(gap: presence.Gap, lang: str) -> str:
    """One gap in words: "Opalia posts 6.3 times a week on Forums where Tilia is absent"."""
    _ = translator(lang)
    return _("{present} posts {rate} times a week on {channel} where {absent} is absent").format(
        present=gap.present, rate=fmt.decimal(gap.per_week, 1, lang),
        channel=name(KIND_NAMES, gap.channel, lang), absent=gap.absent)


def build_presence(section: Section, view: View, read: Reader = direct) -> Section:
    """Brand × channel: own posts a week, last post, audience, engagement, share of the
    channel's conversation, the gaps, and the share of questions and complaints each brand's
    account answered with its median time to a first answer."""
    _, lang = translator(view.lang), view.lang
    table = read(presence.presence, view.db, view.filters)
    if table.empty or not table["posts"].any():
        section.notes.append(_(
            "No brand posted from its own account in this period. List each brand's accounts "
            "in watch.toml ([[brands]] accounts = {{ bluesky = \"…\", mastodon = \"@…@…\" }}) "
            "and collect: their posts are read as the brand's own voice."))
        _add_voices(section, view, read)
        return section
    # One read of the questions and complaints, grouped three ways here.
    asked = read(presence.asks, view.db, view.filters)
    by_channel, weekly, overall = (presence.summarise(asked, by)
                                   for by in ("channel", "week", "brand"))
    found = presence.gaps(table)
    own = view.own
    mine = table[table["brand"] == own] if own else table.iloc[0:0]
    mine_answers = overall[overall["brand"] == own] if own else overall.iloc[0:0]
    asked = int(mine_answers["asked"].sum()) if len(mine_answers) else 0
    answered = int(mine_answers["answered"].sum()) if len(mine_answers) else 0
    section.tiles += [
        Tile(_("Channels where {brand} posts").format(brand=own) if own else _("Channels"),
             f"{int((mine['posts'] > 0).sum())} / {table['channel'].nunique()}" if own
             else fmt.count(table["channel"].nunique(), lang)),
        Tile(_("Own posts a week · {brand}").format(brand=own) if own else _("Own posts a week"),
             fmt.decimal(float(mine["per_week"].sum()), 1, lang) if own else "—"),
        Tile(_("Answered · {brand}").format(brand=own) if own else _("Answered"),
             fmt.percent(answered / asked if asked else None, 0, lang),
             note=_("{answered} of {asked} questions and complaints").format(
                 answered=fmt.count(answered, lang), asked=fmt.count(asked, lang))),
        Tile(_("Median time to answer"),
             hours(float(mine_answers["median_hours"].iloc[0]) if answered else None, lang)),
    ]
    channel_names = names(KIND_NAMES, lang)
    section.figures += [
        ("presence", presence_chart(table, channel_names, _("Own posts a week, per channel"),
                                    lang)),
        ("answered", answered_chart(weekly, view.colors,
                                    _("Questions and complaints answered by the brand's "
                                      "account, per week"), lang)),
    ]
    for gap in found:
        section.notes.append(gap_text(gap, lang))
    section.tables.append(Table(_("Presence per channel"), pd.DataFrame({
        _("Brand"): table["brand"],
        _("Channel"): [name(KIND_NAMES, c, lang) for c in table["channel"]],
        _("Account"): table["account"].fillna(""),
        _("Own posts"): [fmt.count(v, lang) for v in table["posts"]],
        _("A week"): [fmt.decimal(v, 1, lang) for v in table["per_week"]],
        _("Last post"): [fmt.moment(t.to_pydatetime(), lang) if not pd.isna(t) else "—"
                         for t in table["last_post"]],
        _("Followers"): [fmt.count(int(v), lang) if not pd.isna(v) else "—"
                         for v in table["followers"]],
        _("Engagement per post"): [fmt.decimal(v, 1, lang) if not pd.isna(v) else "—"
                                   for v in table["engagement"]],
        _("Share of the channel"): [fmt.percent(v, 0, lang) if not pd.isna(v) else "—"
                                    for v in table["channel_share"]],
    }), widths=(1.6, 1.2, 2, 1, 1, 2, 1, 1.2, 1.2)))
    if not by_channel.empty:
        section.tables.append(Table(_("How each brand answers"), pd.DataFrame({
            _("Brand"): by_channel["brand"],
            _("Channel"): [name(KIND_NAMES, c, lang) for c in by_channel["channel"]],
            _("Questions and complaints"): [fmt.count(v, lang) for v in by_channel["asked"]],
            _("Answered by the brand"): [fmt.percent(v, 0, lang)
                                          for v in by_channel["answered_share"]],
            _("Median time to a first answer"): [hours(v, lang)
                                                  for v in by_channel["median_hours"]],
        }), widths=(1.6, 1.2, 1.6, 1.6, 2),
            note=_("Opening posts by others that ask something or complain about the brand, "
                   "on channels where its own account posts; answered means a reply from that "
                   "account.")))
    _add_voices(section, view, read)
    return section


def _add_voices(section: Section, view: View, read: Reader) -> None:
    """The most influential voices table, when the period has authors with a known audience."""
    _, lang = translator(view.lang), view.lang
    loud = read(presence.voices, view.db, view.filters, 5)
    if not loud.empty:
        section.tables.append(Table(_("Most influential voices"), pd.DataFrame({
            _("Brand"): loud["brand"], _("Author"): loud["author"],
            _("Channel"): [name(KIND_NAMES, c, lang) for c in loud["channel"]],
            _("Followers"): [fmt.count(int(v), lang) for v in loud["followers"]],
            _("Mentions"): [fmt.count(int(v), lang) for v in loud["mentions"]],
            _("Tone"): [fmt.decimal(v, 2, lang) if not pd.isna(v) else "—"
                        for v in loud["tone"]],
        }), widths=(1.6, 2, 1.2, 1.2, 1, 1),
            note=_("Who spoke about each brand with the largest audience, where the service "
                   "gives an author's followers (Mastodon).")))
