"""Mentions: the items behind every number, searchable, with corrections, tags and "answered"."""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

import charts
from i18n.catalog import translator
from store import edits, queries
from store import mentions as store_mentions
from ui import drilldown, export, roles
from ui.state import current, db_stamp, read
from views import format as fmt
from views.labels import KIND_NAMES, sentiment_status
from views.labels import name as display_name

CHART_CONFIG = {"displayModeBar": False, "displaylogo": False}
TEXT_CHARS = 240
KEY_SEARCH, KEY_TAGS = "m_search", "m_tags"
KEY_ANSWERED, KEY_SORT, KEY_SIZE = "m_answered", "m_sort", "m_size"
KEY_PICK, KEY_TABLE = "m_pick", "m_table"
_PAGES, _LOADED, _LAST_ROW = "_m_pages", "_m_loaded", "_m_last_row"
ANSWERED_CHOICES = {"all": "All", **store_mentions.ANSWERED}


def _(message: str) -> str:
    """``message`` itself: marks it for the catalog; it is translated where it is shown."""
    return message


# The store's names for its sorts and answered filter, marked here where the page shows them.
_STORE_WORDS = (_("All"), _("Answered"), _("Not answered"), _("Newest first"),
                _("Oldest first"), _("Most engaged"), _("Largest audience"))


@st.cache_data(ttl="10m", max_entries=256, show_spinner=False)
def _cached(name: str, db: str, stamps: tuple, args: tuple):
    return getattr(store_mentions, name)(db, *args)


def _read(name: str, *args):
    """A store.mentions read, cached until the database or the edits file changes."""
    stamps = (db_stamp(view.db), db_stamp(edits.edits_path(view.db)))
    return _cached(name, str(view.db), stamps, args)


def _seed_from_url() -> None:
    """Take the page's own filters from the link (first visit, or arriving by a drill-down)."""
    params = st.query_params
    state = st.session_state
    state[KEY_SEARCH] = (params.get(drilldown.PARAM_SEARCH) or "")[
        :store_mentions.MAX_SEARCH_CHARS]
    state[KEY_TAGS] = list(dict.fromkeys(params.get_all(drilldown.PARAM_TAG)))[:20]
    answered = params.get(drilldown.PARAM_ANSWERED)
    state[KEY_ANSWERED] = answered if answered in ANSWERED_CHOICES else "all"
    sort = params.get(drilldown.PARAM_SORT)
    state[KEY_SORT] = sort if sort in store_mentions.SORTS else "newest"
    size = params.get(drilldown.PARAM_SIZE)
    state[KEY_SIZE] = int(size) if size in {str(s) for s in store_mentions.PAGE_SIZES} else 25
    state[_LOADED] = True
    state[drilldown.FROM_URL] = False


def _write_url(query: store_mentions.MentionQuery) -> None:
    wanted = {drilldown.PARAM_SEARCH: [query.search] if query.search else [],
              drilldown.PARAM_TAG: list(query.tags),
              drilldown.PARAM_ANSWERED: [query.answered] if query.answered else [],
              drilldown.PARAM_SORT: [query.sort] if query.sort != "newest" else [],
              drilldown.PARAM_SIZE: [str(query.size)] if query.size != 25 else []}
    for key, values in wanted.items():
        if st.query_params.get_all(key) != values:
            if values:
                st.query_params[key] = values if len(values) > 1 else values[0]
            else:
                st.query_params.pop(key, None)


def _safe_url(url) -> str | None:
    """Only web links are offered to open; anything else (javascript:, file:) is dropped."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _brands_text(brands: list[dict]) -> str:
    corrected = " (" + _("corrected") + ")"
    return " · ".join(f"{b['brand']}: {_(b['label'])}" + (corrected if b["corrected"] else "")
                      for b in brands)


def _short(text, limit: int = TEXT_CHARS) -> str:
    text = " ".join(text.split()) if isinstance(text, str) else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _move(step: int, cursor) -> None:
    pages = st.session_state[_PAGES]
    if step > 0 and cursor is not None:
        pages["cursors"].append(cursor)
    elif step < 0 and len(pages["cursors"]) > 1:
        pages["cursors"].pop()
    st.session_state.pop(KEY_PICK, None)


def _correct(item_id: str, brand: str, key: str, analysed: str) -> None:
    if roles.refused(view.lang):
        return
    label = st.session_state.get(key)
    try:
        edits.correct_sentiment(view.db, item_id, brand, label, analysed_label=analysed)
    except edits.EditError as exc:
        st.toast(str(exc), icon=":material/error:")
        return
    st.toast(_("Sentiment about {brand} set to {label}").format(brand=brand, label=_(label)),
             icon=":material/check:")


def _retag(item_id: str, key: str, before: list[str]) -> None:
    if roles.refused(view.lang):
        return
    after = st.session_state.get(key) or []
    try:
        for tag in after:
            if tag not in before:
                edits.add_tag(view.db, item_id, tag)
        for tag in before:
            if tag not in after:
                edits.remove_tag(view.db, item_id, tag)
    except edits.EditError as exc:
        st.toast(str(exc), icon=":material/error:")


def _answer(item_id: str, key: str) -> None:
    if roles.refused(view.lang):
        return
    edits.set_answered(view.db, item_id, bool(st.session_state.get(key)))


view = current()
lang = view.lang
_ = translator(lang)
if not st.session_state.get(_LOADED) or st.session_state.get(drilldown.FROM_URL):
    _seed_from_url()
    st.session_state.pop(_PAGES, None)

st.subheader(_("Mentions"), anchor=False)
volume = read(queries.volume_by_brand, view.db, view.filters)
if len(volume) > 1:
    drilldown.chart(charts.volume_chart(volume, view.colors, title=None, height=200),
                    view.filters, list(view.colors), key="mentions_volume",
                    config=CHART_CONFIG)
    st.caption(_("Click a brand's bar to list only its mentions."))

search_col, tag_col = st.columns([3, 2])
with search_col:
    st.text_input(_("Search the text"), key=KEY_SEARCH,
                  max_chars=store_mentions.MAX_SEARCH_CHARS,
                  placeholder=_("words in the title or text (any case, any accents)"))
with tag_col:
    st.multiselect(_("Tags"),
                   sorted(set(edits.all_tags(view.db)) | set(st.session_state[KEY_TAGS])),
                   key=KEY_TAGS, placeholder=_("Any tag"))
answered_col, sort_col, size_col = st.columns([3, 2, 2])
with answered_col:
    st.segmented_control(_("Replies"), list(ANSWERED_CHOICES), key=KEY_ANSWERED, required=True,
                         format_func=lambda a: _(ANSWERED_CHOICES[a]))
with sort_col:
    st.selectbox(_("Order"), list(store_mentions.SORTS), key=KEY_SORT,
                 format_func=lambda o: _(store_mentions.SORTS[o]))
with size_col:
    st.segmented_control(_("Per page"), list(store_mentions.PAGE_SIZES), key=KEY_SIZE,
                         required=True)

query = store_mentions.MentionQuery(
    search=" ".join(str(st.session_state[KEY_SEARCH] or "").split()),
    tags=tuple(st.session_state[KEY_TAGS]),
    answered=None if st.session_state[KEY_ANSWERED] == "all" else st.session_state[KEY_ANSWERED],
    sort=st.session_state[KEY_SORT], size=int(st.session_state[KEY_SIZE]))
_write_url(query)

signature = (view.filters, query)
pages = st.session_state.get(_PAGES)
if not pages or pages.get("signature") != signature:
    pages = st.session_state[_PAGES] = {"signature": signature, "cursors": [None]}
number = len(pages["cursors"])
result = _read("page", view.filters, query, pages["cursors"][-1])
total = _read("count", view.filters, query)
rows = result.rows

if rows.empty:
    st.info(_("No item matches these filters. Clear the search or some filters, or widen the "
              "period in the sidebar."), icon=":material/search_off:")
    st.stop()

first = (number - 1) * query.size + 1
st.caption(_("Items {first}–{last} of {total} · page {page}").format(
    first=fmt.count(first, lang=lang), last=fmt.count(first + len(rows) - 1, lang=lang),
    total=fmt.count(total, lang=lang), page=number) + f" · {view.period_text} · "
    # Overview counts mentions (one per brand an item names); this list counts items.
    + _("an item naming two brands is listed once here but counts as two mentions elsewhere"))
DATE, BRANDS, TEXT, ENGAGEMENT, LINK = (_("Date"), _("Brands"), _("Text"), _("Engagement"),
                                        _("Link"))
table = pd.DataFrame({
    DATE: rows["published_at"],
    BRANDS: [_brands_text(b) for b in rows["brands"]],
    _("Source"): rows["source"] + " · " + [display_name(KIND_NAMES, k, lang) for k in rows["kind"]],
    _("Author"): rows["author"].fillna(""),
    _("Title"): [_short(t, 120) for t in rows["title"]],
    TEXT: [_short(t) for t in rows["text"]],
    ENGAGEMENT: rows["engagement"],
    LINK: [_safe_url(u) for u in rows["url"]],
    "id": rows["item_id"],
})
# Tall enough for a page of 25 without scrolling inside the table (it showed 6 of them).
ROW_HEIGHT, SHOWN_ROWS = 40, 25
event = st.dataframe(
    table, hide_index=True, key=KEY_TABLE, on_select="rerun", selection_mode="single-row",
    row_height=ROW_HEIGHT, height=ROW_HEIGHT * (min(len(table), SHOWN_ROWS) + 1) + 3,
    column_order=[c for c in table.columns if c != "id"],
    column_config={
        DATE: st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm", width="medium"),
        BRANDS: st.column_config.TextColumn(width="medium"),
        TEXT: st.column_config.TextColumn(width="large"),
        ENGAGEMENT: st.column_config.NumberColumn(help=_("Score plus comments"), width="small"),
        LINK: st.column_config.LinkColumn(display_text=_("Open ↗"), width="small"),
    })

back_col, next_col, export_col = st.columns([1, 1, 4])
with back_col:
    st.button(_("Previous page"), icon=":material/chevron_left:", disabled=number == 1,
              on_click=_move, args=(-1, None), width="stretch")
with next_col:
    st.button(_("Next page"), icon=":material/chevron_right:",
              disabled=result.next_cursor is None, on_click=_move,
              args=(1, result.next_cursor), width="stretch")
with export_col:
    export.list_button(str(view.db), view.filters, query, lang)

# The row clicked in the table is the one shown below; the picker does the same by keyboard.
ids = list(rows["item_id"])
selected = list(getattr(getattr(event, "selection", None), "rows", []) or [])
if selected and selected[0] < len(ids) and st.session_state.get(_LAST_ROW) != ids[selected[0]]:
    st.session_state[KEY_PICK] = st.session_state[_LAST_ROW] = ids[selected[0]]
if st.session_state.get(KEY_PICK) not in ids:
    st.session_state[KEY_PICK] = ids[0]
labels = {item_id: (f"{fmt.moment(ts.to_pydatetime(), lang=lang)} · "
                    f"{_short(title, 90) or _short(text, 90)}")
          for item_id, ts, title, text in zip(rows["item_id"], rows["published_at"],
                                              rows["title"], rows["text"], strict=True)}
st.divider()
pick = st.selectbox(_("Read and act on"), ids, key=KEY_PICK, format_func=labels.__getitem__)
row = rows.iloc[ids.index(pick)]
mine = edits.item_edits(view.db, [pick]).get(pick, {"tags": [], "answered": False})

text_col, action_col = st.columns([3, 2], gap="large")
with text_col:
    if isinstance(row["title"], str) and row["title"].strip():
        st.text(row["title"])
    st.text(row["text"] if isinstance(row["text"], str) else "")
    st.caption(f"{fmt.moment(row['published_at'].to_pydatetime(), lang=lang)} · "
               f"{row['source']} · {display_name(KIND_NAMES, row['kind'], lang)} · "
               + _("engagement {count}").format(count=fmt.count(row["engagement"], lang=lang)))
    st.text(_("by {author}").format(author=row["author"]) if isinstance(row["author"], str)
            else _("author unknown"))
    link = _safe_url(row["url"])
    if link:
        st.link_button(_("Open the original"), link, icon=":material/open_in_new:")
# A viewer sees the edits greyed out and why; the callbacks refuse them all the same.
editor = roles.is_editor()
with action_col:
    if not editor:
        roles.viewer_note(lang)
    for brand in row["brands"]:
        key = f"m_fix_{pick}_{brand['brand']}"
        if st.session_state.get(key) not in edits.LABELS:
            st.session_state[key] = brand["label"]
        said = brand["analysed"]
        note = (_("corrected (the analysis said {label})").format(label=_(said))
                if brand["corrected"] else _("as analysed"))
        st.selectbox(_("Sentiment about {brand} — {note}").format(brand=brand["brand"],
                                                                   note=note),
                     edits.LABELS, key=key, format_func=_, disabled=not editor,
                     on_change=_correct, args=(pick, brand["brand"], key, brand["analysed"]))
    about = sentiment_status(_read("sentiment_status"), lang)
    if about:
        st.caption(about)
    tag_key = f"m_tagsel_{pick}"
    st.multiselect(_("Tags"), sorted(set(edits.all_tags(view.db)) | set(mine["tags"])),
                   default=mine["tags"], key=tag_key, accept_new_options=True,
                   placeholder=_("Add a tag"), on_change=_retag, disabled=not editor,
                   args=(pick, tag_key, mine["tags"]))
    answer_key = f"m_answer_{pick}"
    st.toggle(_("Answered"), value=mine["answered"], key=answer_key, on_change=_answer,
              args=(pick, answer_key), disabled=not editor)
