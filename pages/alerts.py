"""Alerts: spikes and bad buzz explained by their posts and words, and the sources that stalled."""

import re
from datetime import datetime

import pandas as pd
import streamlit as st

from store import alerts
from ui import roles
from ui.filters import tone_ignored
from ui.state import current, read
from views import format as fmt
from views.labels import STATE_NAMES
from views.sections import alert_change

MAX_SHOWN = 40
STATE_ICONS = {"new": ":material/fiber_new:", "seen": ":material/visibility:",
               "handled": ":material/task_alt:"}
NEXT_LABELS = {"seen": "Mark seen", "handled": "Mark handled"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: object) -> str:
    """Text safe to place inside Markdown: every Markdown character is escaped."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def headline(alert) -> str:
    """What happened, in one line: brand, source, how far above normal, since when."""
    where = f" on {alert.source}" if alert.source else ""
    return f"{alert.brand}{where}: {alert_change(alert)}"


def change_state(db, alert_id: str, state: str) -> None:
    """Button callback: record the new state in the edits store, beside the database."""
    if roles.refused(view.lang):
        return
    alerts.set_alert_state(db, alert_id, state)


def show_alert(alert, db, expanded: bool) -> None:
    """One alert: its headline and state, then the evidence in an expander."""
    why = alert.explanation or {}
    start, end = pd.Timestamp(alert.started_at).date(), pd.Timestamp(alert.ended_at).date()
    with st.container(border=True):
        title, state_column = st.columns([5, 2], vertical_alignment="center")
        with title:
            st.markdown(f"**{md(headline(alert))}**")
            days = (end - start).days + 1
            st.caption(md(f"{fmt.span(start, end)} ({fmt.days(days)}) · "
                          f"{fmt.count(why.get('mentions'))} mentions · "
                          f"{why.get('z', 0):.0f} standard deviations above normal · "
                          f"negative share {fmt.percent(why.get('negative_share'), 0)}, "
                          f"{fmt.percent(why.get('baseline_negative_share'), 0)} in the "
                          f"4 weeks before"))
        with state_column:
            st.markdown(f"{STATE_ICONS.get(alert.state, '')} {STATE_NAMES.get(alert.state, '')}")
            following = alerts.next_state(alert.state)
            if following:
                st.button(NEXT_LABELS[following], key=f"alert_{alert.id}_{following}",
                          on_click=change_state, args=(db, alert.id, following))
            else:
                st.button("Reopen", key=f"alert_{alert.id}_new", on_click=change_state,
                          args=(db, alert.id, "new"))
        terms = why.get("terms") or []
        if terms:
            st.markdown("New words: " + ", ".join(
                f"`{t['term'].replace('`', '')}` ({fmt.percent(t['share'], 0)} of posts, "
                f"×{t['ratio']:.0f})" for t in terms[:8]))
        with st.expander("First posts, authors and sources", expanded=expanded):
            for post in why.get("first_posts") or []:
                moment = datetime.fromisoformat(post["published_at"])
                text_column, link_column = st.columns([6, 1], vertical_alignment="center")
                with text_column:
                    st.text(f"{fmt.moment(moment)} · {post.get('source') or ''} · "
                            f"{post.get('author') or 'unknown author'}\n"
                            f"{post.get('title') or '(no title)'}")
                url = str(post.get("url") or "")
                if url.startswith(("https://", "http://")):
                    with link_column:
                        st.link_button("Open", url, icon=":material/open_in_new:")
            authors = why.get("authors") or []
            if authors:
                st.text("Most active authors: " + ", ".join(
                    f"{a['author']} ({a['mentions']})" for a in authors))
            sources = why.get("sources") or []
            if sources:
                st.text("Sources: " + ", ".join(f"{s['source']} ({s['mentions']:,})"
                                                 for s in sources))


view = current()
if view.filters.sentiments:
    st.caption(tone_ignored(view.filters, "alerts: they watch every mention"))
states = alerts.alert_states(view.db)  # not cached: people change them from this page
found = read(alerts.list_alerts, view.db, view.filters, tuple(sorted(states.items())))
health = read(alerts.source_health, view.db)
unhealthy = health[health["status"] != "ok"]

open_tile, new_tile, sources_tile = st.columns(3)
open_alerts = found[found["state"] != "handled"]
open_tile.metric("Open alerts", fmt.count(len(open_alerts)), border=True,
                 help="Spikes in this period not yet marked handled.")
new_tile.metric("New", fmt.count(int((found["state"] == "new").sum())), border=True,
                help="Alerts nobody has looked at yet.")
sources_tile.metric("Unhealthy sources", fmt.count(len(unhealthy)), border=True,
                    help="Sources failing, or silent for more than three of their collection "
                         "intervals: their quiet is not a calm day.")

if not unhealthy.empty:
    st.warning("**Some sources are not collecting.** A quiet brand there may only be a "
               "blocked collector: " + "; ".join(
                   md(f"{name} ({status}: {reason})") for name, status, reason in
                   zip(unhealthy["name"], unhealthy["status"], unhealthy["reason"],
                       strict=True)),
               icon=":material/sensors_off:")

st.subheader("Spikes and bad buzz", anchor=False)
shown_states = st.pills("Show", list(STATE_NAMES), default=["new", "seen"],
                        selection_mode="multi", format_func=STATE_NAMES.get,
                        key="alerts_states")
chosen = found[found["state"].isin(shown_states or list(STATE_NAMES))]
if found.empty:
    st.info("No spike in this period for the brands and sources shown. Alerts are looked for "
            "after every collection, against each brand's usual volume for that weekday.",
            icon=":material/notifications_off:")
elif chosen.empty:
    st.info("No alert in the states chosen above.", icon=":material/filter_alt_off:")
else:
    for i, alert in enumerate(chosen.head(MAX_SHOWN).itertuples(index=False)):
        show_alert(alert, view.db, expanded=i == 0)
    if len(chosen) > MAX_SHOWN:
        st.caption(f"The {MAX_SHOWN} most recent of {fmt.count(len(chosen))} alerts are shown; "
                   "narrow the period to see older ones.")

st.subheader("Sources", anchor=False)
st.dataframe(
    health, hide_index=True, width="stretch",
    column_order=["name", "kind", "status", "reason", "last_success", "last_new_items",
                  "consecutive_failures", "last_error_kind", "last_error"],
    column_config={
        "name": "Source", "kind": "Kind", "status": "Status", "reason": "Why",
        "last_success": st.column_config.DatetimeColumn("Last success (UTC)"),
        "last_new_items": st.column_config.DatetimeColumn("Last new item (UTC)"),
        "consecutive_failures": st.column_config.NumberColumn("Failures in a row"),
        "last_error_kind": "Error kind", "last_error": "Last error",
    })
