"""Alerts: spikes and bad buzz explained by their posts and words, and the sources that stalled."""

import re
from datetime import datetime

import pandas as pd
import streamlit as st

from i18n.catalog import gettext, ngettext, translator
from store import alerts
from ui import roles
from ui.filters import tone_ignored
from ui.state import current, read
from views import format as fmt
from views.labels import HEALTH_NAMES, KIND_NAMES, STATE_NAMES, health_reason
from views.labels import name as display_name
from views.sections import alert_change, incidents_of

MAX_SHOWN = 40
STATE_ICONS = {"new": ":material/fiber_new:", "seen": ":material/visibility:",
               "handled": ":material/task_alt:"}


def _(message: str) -> str:
    """``message`` itself: marks it for the catalog; it is translated where it is shown."""
    return message


NEXT_LABELS = {"seen": _("Mark seen"), "handled": _("Mark handled")}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: object) -> str:
    """Text safe to place inside Markdown: every Markdown character is escaped."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def headline(alert, lang: str = "en") -> str:
    """What happened, in one line, in ``lang``: brand, source, how far above normal."""
    where = " " + gettext("on {source}", lang).format(source=alert.source) if alert.source else ""
    return f"{alert.brand}{where}: {alert_change(alert, lang=lang)}"


# Past this, "×1459" says nothing a person can picture: the word was hardly used before.
NEW_WORD_RATIO = 50
# How a spike's size against the usual swing is said, per time step (alerts are per day or
# per hour): plain words rather than "23 standard deviations".
_SWINGS = {"hour": _("{z}× the usual hour-to-hour swing"),
           "day": _("{z}× the usual day-to-day swing")}


def swing(why: dict, lang: str = "en") -> str:
    """How far the spike stands out, in ``lang``: ``21× the usual day-to-day swing``."""
    message = _SWINGS.get(str(why.get("grain")), _SWINGS["day"])
    return gettext(message, lang).format(z=fmt.count(round(float(why.get("z") or 0)), lang))


def how_new(ratio: float, lang: str = "en") -> str:
    """How much more often a new word was used than before: ``×12`` or ``hardly used before``."""
    if ratio >= NEW_WORD_RATIO:
        return gettext("hardly used before", lang)
    return f"×{fmt.count(round(ratio), lang)}"


def change_state(db, alert_ids: tuple[str, ...], state: str) -> None:
    """Button callback: record the new state of an incident's alerts in the edits store."""
    if roles.refused(view.lang):
        return
    for alert_id in alert_ids:
        alerts.set_alert_state(db, alert_id, state)


def show_alert(alert, db, expanded: bool, lang: str = "en", editor: bool = True,
               others: list | tuple = ()) -> None:
    """One incident in ``lang``: its leading alert's headline and state, the other measures
    that rose with it (``others``: a negative share beside a volume spike), then the evidence
    in an expander; its state buttons greyed out unless the reader is an ``editor``."""
    _ = translator(lang)
    ids = (alert.id, *(o.id for o in others))
    why = alert.explanation or {}
    start, end = pd.Timestamp(alert.started_at).date(), pd.Timestamp(alert.ended_at).date()
    with st.container(border=True):
        title, state_column = st.columns([5, 2], vertical_alignment="center")
        with title:
            st.markdown(f"**{md(headline(alert, lang))}**")
            days = (end - start).days + 1
            mentions = why.get("mentions")
            st.caption(md(" · ".join((
                f"{fmt.span(start, end, lang=lang)} ({fmt.days(days, lang=lang)})",
                ngettext("{count} mention", "{count} mentions", int(mentions or 0), lang).format(
                    count=fmt.count(mentions, lang=lang)),
                swing(why, lang),
                _("negative share {share}, {usual} in the 4 weeks before").format(
                    share=fmt.percent(why.get("negative_share"), 0, lang=lang),
                    usual=fmt.percent(why.get("baseline_negative_share"), 0, lang=lang))))))
            for other in others:
                st.caption(md(_("Same incident: {change}").format(
                    change=alert_change(other, lang))))
        with state_column:
            st.markdown(f"{STATE_ICONS.get(alert.state, '')} "
                        f"{_(STATE_NAMES[alert.state]) if alert.state in STATE_NAMES else ''}")
            following = alerts.next_state(alert.state)
            if following:
                st.button(_(NEXT_LABELS[following]), key=f"alert_{alert.id}_{following}",
                          on_click=change_state, args=(db, ids, following),
                          disabled=not editor)
            else:
                st.button(_("Reopen"), key=f"alert_{alert.id}_new", on_click=change_state,
                          args=(db, ids, "new"), disabled=not editor)
        terms = why.get("terms") or []
        if terms:
            st.markdown(_("New words: {words}").format(words=", ".join(
                f"`{str(t.get('shown') or t['term']).replace('`', '')}` ("
                + _("{share} of posts").format(share=fmt.percent(t["share"], 0, lang=lang))
                + f", {how_new(t['ratio'], lang)})" for t in terms[:8])))
            st.caption(_("New words: the words of this spike's posts that were much rarer in "
                         "the 4 weeks before; ×10 means ten times as frequent as then."))
        with st.expander(_("First posts, authors and sources"), expanded=expanded):
            for post in why.get("first_posts") or []:
                moment = datetime.fromisoformat(post["published_at"])
                text_column, link_column = st.columns([6, 1], vertical_alignment="center")
                with text_column:
                    st.text(f"{fmt.moment(moment, lang=lang)} · {post.get('source') or ''} · "
                            f"{post.get('author') or _('unknown author')}\n"
                            f"{post.get('title') or _('(no title)')}")
                url = str(post.get("url") or "")
                if url.startswith(("https://", "http://")):
                    with link_column:
                        st.link_button(_("Open"), url, icon=":material/open_in_new:")
            authors = why.get("authors") or []
            if authors:
                st.text(_("Most active authors: {authors}").format(authors=", ".join(
                    f"{a['author']} ({a['mentions']})" for a in authors)))
            sources = why.get("sources") or []
            if sources:
                st.text(_("Sources: {sources}").format(sources=", ".join(
                    f"{s['source']} ({fmt.count(s['mentions'], lang=lang)})" for s in sources)))


view = current()
lang = view.lang
_ = translator(lang)
if view.filters.sentiments:
    st.caption(tone_ignored(view.filters, _("alerts: they watch every mention"), lang=lang))
states = alerts.alert_states(view.db)  # not cached: people change them from this page
found = read(alerts.list_alerts, view.db, view.filters, tuple(sorted(states.items())))
health = read(alerts.source_health, view.db)
unhealthy = health[health["status"] != "ok"]

open_tile, new_tile, sources_tile = st.columns(3)
incidents = incidents_of(found)
open_tile.metric(_("Open alerts"), fmt.count(alerts.open_incidents(found), lang=lang),
                 border=True, help=_("Spikes in this period not yet marked handled; a volume "
                                     "spike and the negative share that rose with it are one."))
fresh = sum(state == "new" for _lead, _others, state in incidents)
new_tile.metric(_("New"), fmt.count(fresh, lang=lang), border=True,
                help=_("Alerts nobody has looked at yet."))
sources_tile.metric(_("Unhealthy sources"), fmt.count(len(unhealthy), lang=lang), border=True,
                    help=_("Sources failing, or silent for more than three of their "
                           "collection intervals: their quiet is not a calm day."))

if not unhealthy.empty:
    st.warning("**" + _("Some sources are not collecting.") + "** "
               + _("A quiet brand there may only be a blocked collector:") + " " + "; ".join(
                   md(f"{name} ({display_name(HEALTH_NAMES, status, lang)}: "
                      f"{health_reason(str(reason), lang)})") for name, status, reason in
                   zip(unhealthy["name"], unhealthy["status"], unhealthy["reason"],
                       strict=True)),
               icon=":material/sensors_off:")

st.subheader(_("Spikes and bad buzz"), anchor=False)
shown_states = st.pills(_("Show"), list(STATE_NAMES), default=["new", "seen"],
                        selection_mode="multi", format_func=lambda s: _(STATE_NAMES[s]),
                        key="alerts_states")
chosen = [(lead, others) for lead, others, state in incidents
          if state in (shown_states or list(STATE_NAMES))]
if found.empty:
    st.info(_("No spike in this period for the brands and sources shown. Alerts are looked for "
              "after every collection, against each brand's usual volume for that weekday."),
            icon=":material/notifications_off:")
elif not chosen:
    st.info(_("No alert in the states chosen above."), icon=":material/filter_alt_off:")
else:
    # A viewer sees the state buttons greyed out and why; change_state refuses them anyway.
    editor = roles.is_editor()
    if not editor:
        roles.viewer_note(lang)
    for i, (alert, others) in enumerate(chosen[:MAX_SHOWN]):
        show_alert(alert, view.db, expanded=i == 0, lang=lang, editor=editor, others=others)
    if len(chosen) > MAX_SHOWN:
        st.caption(_("The {shown} most recent of {count} alerts are shown; narrow the period "
                     "to see older ones.").format(shown=MAX_SHOWN,
                                                  count=fmt.count(len(chosen), lang=lang)))

st.subheader(_("Sources"), anchor=False)
st.dataframe(
    # The status, kind and reason are words of ours; the error is the source's own.
    health.assign(status=[display_name(HEALTH_NAMES, s, lang) for s in health["status"]],
                  kind=[display_name(KIND_NAMES, k, lang) for k in health["kind"]],
                  reason=[health_reason(str(r), lang) for r in health["reason"].fillna("")]),
    hide_index=True, width="stretch",
    column_order=["name", "kind", "status", "reason", "last_success", "last_new_items",
                  "consecutive_failures", "last_error_kind", "last_error"],
    column_config={
        "name": _("Source"), "kind": _("Kind"), "status": _("Status"), "reason": _("Why"),
        "last_success": st.column_config.DatetimeColumn(_("Last success (UTC)")),
        "last_new_items": st.column_config.DatetimeColumn(_("Last new item (UTC)")),
        "consecutive_failures": st.column_config.NumberColumn(_("Failures in a row")),
        "last_error_kind": _("Error kind"), "last_error": _("Last error"),
    })
