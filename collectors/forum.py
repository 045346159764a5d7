"""Forum thread pages as HTML, split into one item per post (phpBB, XenForo, vBulletin, Q&A…)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from collectors.base import Collector, CollectorError, Context, Item, ParseError
from collectors.http import safe_url
from collectors.urls import canonical_url
from config.options import Option

# ---------------------------------------------------------------------------------------------
# HTML to plain text, shared with the Discourse and Hacker News collectors.

# Elements that end a line of text; the first group also leaves a blank line after them.
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul",
                             "ol", "dl", "table", "figure", "aside", "hr"})
_LINE_TAGS = frozenset({"address", "article", "details", "dialog", "div", "dd", "dt", "fieldset",
                        "figcaption", "footer", "header", "li", "main", "nav", "section",
                        "summary", "tr", "caption", "center"})
_CELL_TAGS = frozenset({"td", "th"})
# Never text a reader sees as part of the message.
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe",
                           "object", "embed", "svg", "math", "button", "input", "select",
                           "textarea", "option", "canvas", "video", "audio", "map"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANKS = re.compile(r"\n{3,}")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").lower().split())


def is_quote(el: Any) -> bool:
    """True for a block that quotes another post (what someone else said, not this author).

    Covers Discourse's ``aside.quote``, XenForo's ``blockquote.bbCodeBlock--quote``, phpBB's
    ``blockquote`` with a ``cite``, vBulletin's ``div.bbcode_quote`` and Askbot/Q&A-style
    ``div.quote``. A plain ``<blockquote>`` (an excerpt the author chose to cite) is kept.
    """
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    classes = _classes(el)
    if tag == "aside":
        return "quote" in classes
    if tag == "blockquote":
        if any("quote" in c for c in classes):
            return True
        # phpBB and vBulletin name the quoted author in a <cite> at the top of the quote.
        return el.find(".//cite") is not None
    if tag == "div":
        return bool(classes & {"bbcode_quote", "quote", "quotecontainer", "bbcodeblock--quote"})
    return False


def _parse_fragment(html: str) -> Any:
    html = _XML_DECLARATION.sub("", html)
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def html_to_text(html: str | Any, *, drop_quotes: bool = True,
                 drop: Callable[[Any], bool] | None = None) -> str:
    """Return the text a reader sees in ``html`` (a string or an lxml element), as plain text.

    Paragraphs, list items and line breaks become line breaks (those inside ``<pre>`` are
    kept); runs of spaces become one; scripts, styles and form controls are left out; emoji
    images give their alt
    text; Discourse link previews (oneboxes) give their URL. With ``drop_quotes`` (default),
    blocks quoting another post (see :func:`is_quote`) are left out, so a reply is not credited
    with what it quotes. ``drop`` can name more elements to leave out. Never raises on bad HTML:
    what cannot be parsed gives an empty string.
    """
    if html is None:
        return ""
    if isinstance(html, str):
        if "<" not in html and "&" not in html:
            return _tidy([html])
        root = _parse_fragment(html)
        if root is None:
            return ""
    else:
        root = html
    out: list[str] = []
    # An explicit stack rather than recursion: a hostile page may nest elements very deeply.
    stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
    while stack:
        node, closing, in_pre = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        if closing:
            out.append(_block_start(tag))
            if node is not root and node.tail:
                out.append(_keep(node.tail, in_pre))
            continue
        if tag is None or tag in _SKIPPED_TAGS or (node is not root and (
                (drop_quotes and is_quote(node)) or (drop is not None and drop(node)))):
            if node is not root and node.tail:
                out.append(_keep(node.tail, in_pre))
            continue
        if tag == "br":
            out.append("\n")
            if node.tail:
                out.append(_keep(node.tail, in_pre))
            continue
        if tag == "img":
            alt = (node.get("alt") or "").strip()
            if alt and ("emoji" in _classes(node) or re.fullmatch(r":[\w+-]+:", alt)):
                out.append(f" {alt} ")
            if node.tail:
                out.append(_keep(node.tail, in_pre))
            continue
        if tag == "aside" and "onebox" in _classes(node):
            src = node.get("data-onebox-src") or node.get("data-url") or ""
            out.append(f"\n{src}\n")
            if node.tail:
                out.append(_keep(node.tail, in_pre))
            continue
        inner_pre = in_pre or tag == "pre"
        out.append(_block_start(tag))
        if node.text:
            out.append(_keep(node.text, inner_pre))
        stack.append((node, True, in_pre))
        for child in reversed(node):
            stack.append((child, False, inner_pre))
    return _tidy(out)


def _keep(text: str, pre: bool) -> str:
    # Outside <pre> a newline in the source is just a space, as a browser shows it.
    return text if pre else text.replace("\n", " ")


def _block_start(tag: str | None) -> str:
    # The same separator opens and closes a block; _tidy then merges the blank lines.
    if tag in _PARAGRAPH_TAGS:
        return "\n\n"
    if tag in _LINE_TAGS:
        return "\n"
    if tag in _CELL_TAGS:
        return " "
    return ""


def _tidy(parts: Iterable[str]) -> str:
    text = "".join(parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANKS.sub("\n\n", text).strip()


def search_terms(brands: Iterable[Any]) -> list[str]:
    """The brands' positive terms as a site's own search box takes them, without repeats.

    Phrases keep their double quotes; handles and hashtags lose their ``@``/``#`` and wildcards
    their ``*`` (a site search matches the bare word; Veille's own matching then decides).
    Terms shorter than two characters are left out.
    """
    out: list[str] = []
    for brand in brands:
        compiled = getattr(brand, "compiled", None)
        for term in getattr(compiled, "terms", None) or []:
            term = term.strip()
            if not term.startswith('"'):
                term = term.lstrip("@#").rstrip("*")
            if len(term.strip('"').strip()) >= 2 and term not in out:
                out.append(term)
    return out


# ---------------------------------------------------------------------------------------------
# Dates.

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_NUMERIC_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:,?\s*(?:um\s+|at\s+|à\s+)?\d{1,2}[:h]\d{2}(?::\d{2})?"
    r"(?:\s*[ap]\.?m\.?)?)?", re.IGNORECASE)


def _plausible(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        # A forum page rarely says its time zone; UTC is the documented assumption.
        dt = dt.replace(tzinfo=UTC)
    dt = dt.astimezone(UTC)
    if dt < _EARLIEST or dt > datetime.now(UTC) + timedelta(days=2):
        return None
    return dt


def parse_timestamp(value: str | int | float | None) -> datetime | None:
    """Parse a machine-written date (ISO 8601, RFC 2822-like, Unix seconds) into aware UTC.

    Returns None for empty, unreadable or implausible values (before 1990, or in the future).
    A value without a time zone is taken as UTC.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return _plausible(datetime.fromtimestamp(value, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return parse_timestamp(float(value))
    try:
        return _plausible(datetime.fromisoformat(value))
    except ValueError:
        pass
    # dateutil reads "10" as the 10th of this month: only hand it what looks like a date.
    if not re.search(r"\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2}", value):
        return None
    from dateutil import parser as dateutil_parser

    try:
        return _plausible(dateutil_parser.parse(value))
    except (ValueError, OverflowError, TypeError):
        return None


def parse_human_date(text: str, lang: str | None = None) -> datetime | None:
    """Find the date in a forum's visible byline (``» 21.01.2009, 05:42``, ``am 26/10/13``…).

    Tries the part after the last ``»``, then a numeric date in the text, then the text with
    leading words removed one by one, with ``dateparser`` in the page's language and English.
    Returns aware UTC (a date without zone is taken as UTC) or None.
    """
    text = " ".join((text or "").split())
    if not text or len(text) > 300:
        return None
    candidates = []
    if "»" in text:
        candidates.append(text.rsplit("»", 1)[1])
    match = _NUMERIC_DATE.search(text)
    if match:
        candidates.append(match.group(0))
    words = text.split()
    candidates.extend(" ".join(words[i:]) for i in range(min(len(words), 7)))
    languages = [lang, "en"] if lang and lang != "en" else ["en"]
    for candidate in candidates:
        candidate = candidate.strip(" ,:-|()")
        if len(candidate) < 6 or not re.search(r"\d", candidate):
            continue
        dt = _dateparser(candidate, languages)
        if dt is not None:
            return dt
    return None


def _dateparser(text: str, languages: list[str]) -> datetime | None:
    import dateparser  # imported on first use: loading its language data takes a moment

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "DATE_ORDER": "YMD" if re.match(r"\d{4}", text) else (
                    "MDY" if languages[0] == "en" else "DMY")}
    try:
        dt = dateparser.parse(text, languages=languages, settings=settings)
    except (ValueError, TypeError, OverflowError, AttributeError):
        dt = None
    if dt is None and len(languages) > 1:
        settings["DATE_ORDER"] = "MDY"
        try:
            dt = dateparser.parse(text, languages=["en"], settings=settings)
        except (ValueError, TypeError, OverflowError, AttributeError):
            dt = None
    return _plausible(dt)


# ---------------------------------------------------------------------------------------------
# Splitting a thread page into posts.


def _cls(name: str) -> str:
    """XPath test for one class token (without cssselect, which is not a dependency)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@dataclass
class Post:
    """One post found on a thread page."""

    text: str
    author: str | None = None
    published_at: datetime | None = None
    post_id: str | None = None
    score: int | None = None
    parent: str | None = None  # post_id of the post a comment belongs to
    role: str = "post"  # post, question, answer or comment


@dataclass
class ThreadPage:
    """What :func:`parse_thread_page` found on one page of a thread."""

    url: str
    title: str | None
    lang: str | None
    layout: str | None  # the markup recognised, None when posts could not be separated
    posts: list[Post] = field(default_factory=list)
    next_url: str | None = None


@dataclass(frozen=True)
class _Layout:
    """How one forum engine marks up its posts (XPaths relative to a post unless noted)."""

    name: str
    posts: str  # absolute for top-level layouts, relative for comment layouts
    body: tuple[str, ...]
    author: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    post_id: tuple[str, ...] = ("@id",)
    score: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    role: str = "post"
    comments: _Layout | None = None


_COMMON_DROP = (
    f".//*[{_cls('signature')} or {_cls('message-signature')} or {_cls('post-buttons')}"
    f" or {_cls('postprofile')} or {_cls('js-selectToQuoteEnd')}"
    f" or {_cls('bbCodeBlock-expandLink')}"
    f" or {_cls('post-update-info-container')} or {_cls('reactionsBar')}]",
)

LAYOUTS: tuple[_Layout, ...] = (
    _Layout(
        name="xenforo",
        posts=f"//article[{_cls('message')} and (@data-author or .//*[{_cls('bbWrapper')}])]"
              f" | //li[{_cls('message')} and @data-author]",
        body=(f".//*[{_cls('bbWrapper')}]", f".//*[{_cls('messageText')}]",
              f".//*[{_cls('message-body')}]"),
        author=("@data-author", f".//*[{_cls('message-name')}]",
                f".//a[{_cls('username')}]"),
        date=(f".//*[{_cls('message-attribution')}]//time", ".//time",
              f".//*[{_cls('DateTime')}]", f".//*[{_cls('datePermalink')}]"),
        post_id=("@data-content", "@id"),
        drop=_COMMON_DROP,
    ),
    _Layout(
        name="discourse",
        posts=f"//div[{_cls('topic-body')} and {_cls('crawler-post')} and not(@role='navigation')"
              f" and .//*[@itemprop='text' or {_cls('post')}]]",
        body=(".//*[@itemprop='text']", f".//div[{_cls('post')}]"),
        author=(f".//*[{_cls('creator')}]//*[@itemprop='name']", f".//*[{_cls('creator')}]//a",
                f".//*[{_cls('creator')}]"),
        date=(".//time[@datetime]", ".//meta[@itemprop='datePublished']/@content",
              f".//*[{_cls('post-time')}]"),
        post_id=("@id", ".//*[@itemprop='position']"),
        score=(".//meta[@itemprop='userInteractionCount']/@content",),
    ),
    _Layout(
        name="phpbb",
        posts=f"//div[{_cls('post')} and .//*[{_cls('postbody')}] and .//*[{_cls('author')}]]",
        body=(f".//div[{_cls('content')}]", f".//div[{_cls('post-entry')}]",
              f".//div[{_cls('postbody')}]"),
        author=(f".//*[{_cls('author')}]//a[{_cls('username')} or {_cls('username-coloured')}]",
                f".//*[{_cls('postprofile')}]//a[{_cls('username')}"
                f" or {_cls('username-coloured')}]",
                f".//*[{_cls('author')}]//strong", f".//*[{_cls('postprofile')}]//dt//a"),
        date=(f".//*[{_cls('author')}]//time", f".//*[{_cls('author')}]"),
        drop=_COMMON_DROP,
    ),
    _Layout(
        name="vbulletin",
        posts=f"//li[starts-with(@id, 'post_') and ({_cls('postcontainer')} or {_cls('postbit')}"
              f" or {_cls('postbitlegacy')})]"
              f" | //li[{_cls('b-post')} and @data-node-id]"
              " | //table[starts-with(@id, 'post') and .//div[starts-with(@id, 'post_message_')]]",
        body=(f".//*[{_cls('js-post__content-text')}]", f".//blockquote[{_cls('postcontent')}]",
              ".//div[starts-with(@id, 'post_message_')]", f".//*[{_cls('postcontent')}]",
              f".//*[{_cls('b-post__content')}]"),
        author=(f".//*[{_cls('username')}]//strong", f".//a[{_cls('username')}]",
                f".//a[{_cls('bigusername')}]", f".//*[{_cls('author')}]//a",
                ".//*[@itemprop='author']//*[@itemprop='name']"),
        date=(".//time[@datetime]", f".//*[{_cls('postdate')}]", f".//span[{_cls('date')}]",
              f".//td[{_cls('thead')}]"),
        post_id=("@id", "@data-node-id"),
        drop=_COMMON_DROP,
    ),
    _Layout(
        name="askbot",
        posts=f"//div[{_cls('post')} and @data-post-id and ({_cls('js-question')}"
              f" or {_cls('question')} or {_cls('answer')})]",
        body=(f".//div[{_cls('post-body')}]",),
        author=(f"(.//div[{_cls('post-update-info')}])[1]//div[{_cls('user-info')}]/a",
                f"(.//div[{_cls('post-update-info')}])[1]//a[contains(@href, '/users/')]"),
        date=(f"(.//div[{_cls('post-update-info')}])[1]//abbr[@title]",),
        post_id=("concat('post-', @data-post-id)",),
        score=(f".//div[{_cls('vote-number')}]",),
        drop=_COMMON_DROP,
        comments=_Layout(
            name="askbot-comment",
            posts=f".//div[{_cls('comment')} and @data-comment-id]",
            body=(f".//div[{_cls('comment-body')}]",),
            author=(f".//a[{_cls('author')}]",),
            date=(".//abbr[@title]",),
            post_id=("concat('post-', @data-comment-id)",),
            role="comment",
        ),
    ),
    _Layout(
        name="stackexchange",
        posts=f"//div[(@id='question' or {_cls('answer')}) and (@data-questionid or @data-answerid)"
              f" and .//div[{_cls('s-prose')} or {_cls('post-text')}]]",
        body=(f".//div[{_cls('s-prose')}]", f".//div[{_cls('post-text')}]"),
        author=(f"(.//div[{_cls('post-signature')}])[last()]//div[{_cls('user-details')}]"
                f"//*[@itemprop='name']",
                f"(.//div[{_cls('post-signature')}])[last()]//div[{_cls('user-details')}]/a",),
        date=(f"(.//div[{_cls('post-signature')}])[last()]//span[{_cls('relativetime')}]/@title",
              ".//time[@datetime]"),
        post_id=("concat('post-', @data-questionid, @data-answerid)",),
        score=("@data-score", f".//*[{_cls('js-vote-count')}]/@data-value"),
        comments=_Layout(
            name="stackexchange-comment",
            posts=f".//li[{_cls('comment')} and @data-comment-id]",
            body=(f".//*[{_cls('comment-copy')}]",),
            author=(f".//a[{_cls('comment-user')}]",),
            date=(f".//span[{_cls('relativetime-clean')}]/@title", ".//*[@title]"),
            post_id=("concat('comment-', @data-comment-id)",),
            role="comment",
        ),
    ),
)

_MICRODATA_TYPES = ("DiscussionForumPosting", "Comment", "Answer", "Question",
                    "SocialMediaPosting")
_MICRODATA_POSTS = "//*[@itemscope and (" + " or ".join(
    f"substring(@itemtype, string-length(@itemtype) - {len(t) - 1}) = '{t}'"
    for t in _MICRODATA_TYPES) + ")]"
# The generic fallback recognises repeated blocks named like posts that carry an author.
_POSTISH = re.compile(r"(?:^|[-_])?(?:comment|post|message|reply|entry)$", re.IGNORECASE)
_AUTHORISH = re.compile(r"author|user-?name|accountname|poster|nick", re.IGNORECASE)
_DATEISH = re.compile(r"date|time", re.IGNORECASE)
_BODYISH = re.compile(r"(?:text|body|message|content)$", re.IGNORECASE)


Scope = Callable[[list[Any]], list[Any]]


def _strings(el: Any, xpath: str, scope: Scope | None = None) -> list[Any]:
    try:
        found = el.xpath(xpath)
    except etree.XPathError:  # pragma: no cover - our own XPaths are fixed
        return []
    found = found if isinstance(found, list) else [found]
    return scope(found) if scope is not None else found


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if hasattr(value, "text_content"):
        return " ".join(value.text_content().split())
    return ""


def _first_text(el: Any, xpaths: Iterable[str], scope: Scope | None = None) -> str | None:
    for xpath in xpaths:
        for value in _strings(el, xpath, scope):
            text = _text_of(value)
            if text:
                return text
    return None


def _date_from(value: Any, lang: str | None) -> datetime | None:
    if isinstance(value, str):
        return parse_timestamp(value) or parse_human_date(value, lang)
    if not hasattr(value, "get"):
        return None
    for attr in ("datetime", "data-time", "data-timestamp", "content", "title", "data-datestring"):
        raw = value.get(attr)
        if raw:
            dt = parse_timestamp(raw)
            if dt is None and attr in ("title", "data-datestring"):
                dt = parse_human_date(raw, lang)
            if dt is not None:
                return dt
    # Pieces of a byline are often separate elements with no space between them.
    return parse_human_date(" ".join(" ".join(value.itertext()).split()), lang)


def _first_date(el: Any, xpaths: Iterable[str], lang: str | None,
                scope: Scope | None = None) -> datetime | None:
    for xpath in xpaths:
        for value in _strings(el, xpath, scope)[:3]:
            dt = _date_from(value, lang)
            if dt is not None:
                return dt
    return None


def _first_int(el: Any, xpaths: Iterable[str], scope: Scope | None = None) -> int | None:
    for xpath in xpaths:
        for value in _strings(el, xpath, scope):
            match = re.search(r"-?\d+", _text_of(value).replace(".", "").replace(",", ""))
            if match:
                return int(match.group(0))
    return None


def _body_text(body: Any, drops: Iterable[str]) -> str:
    # A copy, so that leaving parts out never changes the page other layouts look at.
    body = copy.deepcopy(body)
    for xpath in drops:
        for node in _strings(body, xpath):
            if hasattr(node, "drop_tree") and node is not body:
                node.drop_tree()
    return html_to_text(body)


def _scope_of(node: Any, containers: set[int]) -> Scope:
    """A filter keeping the XPath results that belong to ``node`` and not to a post nested in it.

    Posts end up nested in one another when a page's broken markup makes the parser close
    elements late; each post must still get its own body, author and date.
    """

    def keep(values: list[Any]) -> list[Any]:
        kept = []
        for value in values:
            el = value if hasattr(value, "tag") else (
                value.getparent() if hasattr(value, "getparent") else None)
            while el is not None and el is not node and id(el) not in containers:
                el = el.getparent()
            if el is None or el is node:
                kept.append(value)
        return kept

    return keep


def _apply(layout: _Layout, root: Any, lang: str | None, parent: str | None = None) -> list[Post]:
    containers = [n for n in _strings(root, layout.posts) if hasattr(n, "tag")]
    ids = {id(n) for n in containers}  # the list keeps the proxies (and so their ids) alive
    posts: list[Post] = []
    for node in containers:
        scope = _scope_of(node, ids)
        body = None
        for xpath in layout.body:
            found = [b for b in _strings(node, xpath, scope) if hasattr(b, "tag")]
            if found:
                body = found[0]
                break
        if body is None:
            continue
        drops = list(layout.drop)
        if layout.comments is not None:
            drops.append(layout.comments.posts)
        text = _body_text(body, drops)
        post_id = _first_text(node, layout.post_id, scope)
        if post_id and post_id in ("post-", "comment-"):
            post_id = None
        post = Post(text=text, author=_first_text(node, layout.author, scope),
                    published_at=_first_date(node, layout.date, lang, scope), post_id=post_id,
                    score=_first_int(node, layout.score, scope), parent=parent, role=layout.role)
        if layout.name in ("askbot", "stackexchange"):
            post.role = "answer" if "answer" in _classes(node) else "question"
        posts.append(post)
        if layout.comments is not None:
            posts.extend(_apply(layout.comments, node, lang, parent=post_id))
    return [p for p in posts if p.text]


def _microdata_posts(doc: Any, lang: str | None) -> list[Post]:
    nodes = doc.xpath(_MICRODATA_POSTS)
    node_ids = {id(n) for n in nodes}

    def owner(el: Any) -> Any:
        parent = el.getparent()
        while parent is not None:
            if id(parent) in node_ids:
                return parent
            parent = parent.getparent()
        return None

    def own(node: Any, xpath: str) -> list[Any]:
        return [e for e in node.xpath(xpath) if owner(e) is node]

    posts: list[Post] = []
    for node in nodes:
        author = None
        for el in own(node, ".//*[@itemprop='author' or @itemprop='creator']"):
            names = el.xpath(".//*[@itemprop='name']")
            author = (_text_of(names[0]) if names else None) or el.get("content") \
                or _text_of(el)
            if author:
                break
        published = None
        for el in own(node, ".//*[@itemprop='datePublished' or @itemprop='dateCreated']"):
            published = _date_from(el, lang)
            if published:
                break
        bodies = own(node, ".//*[@itemprop='text' or @itemprop='articleBody']")
        clone = copy.deepcopy(bodies[0] if bodies else node)
        # Nested posts' text is theirs; without a marked body, the byline is not text either.
        for el in clone.xpath(".//*[@itemscope]"):
            el.drop_tree()
        if not bodies:
            for el in clone.xpath(".//*[@itemprop='author' or @itemprop='datePublished'"
                                  " or @itemprop='dateCreated']"):
                el.drop_tree()
        text = html_to_text(clone)
        if not text:
            continue
        parent = owner(node)
        post_id = node.get("id") or _first_text(node, ("@itemid",))
        posts.append(Post(text=text, author=author, published_at=published, post_id=post_id,
                          score=_first_int(node, (".//meta[@itemprop='userInteractionCount']"
                                                  "/@content",)),
                          parent=parent.get("id") if parent is not None else None,
                          role=_microdata_role(node, parent)))
    return posts


def _microdata_role(node: Any, parent: Any) -> str:
    kind = (node.get("itemtype") or "").rstrip("/").rsplit("/", 1)[-1]
    if kind in ("Question", "Answer"):
        return kind.lower()
    return "comment" if parent is not None else "post"


def _generic_posts(doc: Any, lang: str | None) -> list[Post]:
    groups: dict[tuple[str, str], list[Any]] = {}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        cls = " ".join((el.get("class") or "").split())
        if not cls or not any(_POSTISH.search(c) for c in cls.split()):
            continue
        groups.setdefault((el.tag, cls), []).append(el)
    best: list[Post] = []
    for (_tag, _cls_name), members in groups.items():
        if len(members) < 2:
            continue
        posts = []
        for el in members:
            author_el = next((d for d in el.iterdescendants()
                              if isinstance(d.tag, str) and d is not el
                              and _AUTHORISH.search(d.get("class") or "")), None)
            if author_el is None:
                break
            date_el = next((d for d in el.iterdescendants()
                            if isinstance(d.tag, str) and (d.tag == "time" or _DATEISH.search(
                                d.get("class") or ""))), None)
            bodies = [d for d in el.iterdescendants()
                      if isinstance(d.tag, str) and _BODYISH.search(d.get("class") or "")
                      and author_el not in d.iterdescendants()]
            if bodies:
                body = max(bodies, key=lambda b: len(b.text_content()))
                text = html_to_text(body)
            else:
                clone = copy.deepcopy(el)
                for d in clone.iterdescendants():
                    if isinstance(d.tag, str) and (_AUTHORISH.search(d.get("class") or "")
                                                   or d.tag == "time"):
                        d.drop_tree()
                        break
                text = html_to_text(clone)
            anchor = next((d.get("id") for d in el.iter() if d.get("id")), None)
            posts.append(Post(text=text, author=_text_of(author_el) or None,
                              published_at=_date_from(date_el, lang) if date_el is not None
                              else None, post_id=anchor))
        else:
            posts = [p for p in posts if p.text]
            if len(posts) >= 2 and sum(len(p.text) for p in posts) > sum(
                    len(p.text) for p in best):
                best = posts
    return best


# XenForo puts a thread's prefix label inside its h1: the text outside the label is the title.
_TITLE_XPATHS = (f"//h1[{_cls('p-title-value')}]//text()[not(ancestor::span[{_cls('label')}])]",
                 f"//h1[{_cls('p-title-value')}]",
                 f"//h2[{_cls('topic-title')}]",
                 f"//*[{_cls('topic-title')}]", "//meta[@property='og:title']/@content",
                 f"//div[{_cls('js-question')}]//h1",
                 "//h1[@itemprop='headline' or @itemprop='name']",
                 "//h1", "//title")


def _page_lang(doc: Any) -> str | None:
    lang = doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        found = doc.xpath("//meta[@http-equiv='content-language' or @property='og:locale']"
                          "/@content")
        lang = found[0] if found else None
    if not lang:
        return None
    return lang.replace("_", "-").split("-")[0].lower() or None


_NEXT_XPATHS = ("//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
                "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
                f"//a[{_cls('pageNav-jump--next')}]/@href",
                f"//a[{_cls('js-pagination-next')}]/@href",
                f"//*[{_cls('pagination')}]//li[{_cls('next')}]//a/@href",
                f"//*[{_cls('pagination')}]//a[{_cls('next')}]/@href",
                f"//*[{_cls('paginator')} or {_cls('pager')}]//*[{_cls('next')}]//a/@href",
                f"//span[{_cls('next')}]/a/@href")
_PAGE_SUFFIX = re.compile(r"/(?:page[-/]?\d+)?/?$", re.IGNORECASE)


def same_thread(url: str, other: str) -> bool:
    """True if ``other`` can be a later page of the thread at ``url`` (same host, same path up
    to a ``/page-N`` suffix, and not a "next/previous topic" link)."""
    a, b = urlsplit(url), urlsplit(other)
    if a.scheme not in ("http", "https") or b.scheme not in ("http", "https"):
        return False
    if (a.hostname or "").lower() != (b.hostname or "").lower():
        return False
    if re.search(r"(?:^|&)view=(?:next|previous)", b.query):
        return False
    return _PAGE_SUFFIX.sub("", a.path) == _PAGE_SUFFIX.sub("", b.path)


def _next_page(doc: Any, page_url: str) -> str | None:
    current = canonical_url(page_url)
    for xpath in _NEXT_XPATHS:
        for href in doc.xpath(xpath):
            href = str(href).strip()
            if not href or href.startswith(("#", "javascript:")):
                continue
            target = urljoin(page_url, href)
            parts = urlsplit(target)
            target = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
            if canonical_url(target) != current and same_thread(page_url, target):
                return target
    return None


def parse_html(html: str | bytes) -> Any:
    """Parse a whole HTML page with lxml; raise :class:`ParseError` if there is no document."""
    if isinstance(html, str):
        html = _XML_DECLARATION.sub("", html)
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"the page is not readable HTML ({exc})") from None
    if doc is None:
        raise ParseError("the page is empty")
    return doc


def parse_thread_page(html: str | bytes, url: str) -> ThreadPage:
    """Split one thread page into its posts, recognising the forum engine from its markup.

    Tries, in order: XenForo, Discourse's crawler view, phpBB (and look-alikes such as
    Forumotion), vBulletin 3-5, Askbot, StackExchange, then schema.org microdata
    (``DiscussionForumPosting``, ``Comment``, ``Answer``…), then repeated blocks whose class
    names say comment/post/message and that name an author. ``layout`` names what matched, or
    is None with no posts when nothing did (see :func:`extract_whole_page`). The next page of the
    thread, when linked (``rel="next"`` or the engine's pager), is in ``next_url``.
    Raises :class:`ParseError` when the page is not HTML at all.
    """
    doc = parse_html(html)
    lang = _page_lang(doc)
    title = _first_text(doc, _TITLE_XPATHS)
    next_url = _next_page(doc, url)
    for layout in LAYOUTS:
        posts = _apply(layout, doc, lang)
        if posts:
            return ThreadPage(url, title, lang, layout.name, posts, next_url)
    posts = _microdata_posts(doc, lang)
    if posts:
        return ThreadPage(url, title, lang, "microdata", posts, next_url)
    posts = _generic_posts(doc, lang)
    if posts:
        return ThreadPage(url, title, lang, "generic", posts, next_url)
    return ThreadPage(url, title, lang, None, [], next_url)


def extract_whole_page(html: str | bytes, url: str) -> Post | None:
    """The whole page's main text as one post, by trafilatura (with its title, author, date).

    Used when :func:`parse_thread_page` cannot separate posts; None when trafilatura finds no
    main text either.
    """
    import trafilatura  # heavy import, only needed for pages no layout recognises

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = _XML_DECLARATION.sub("", html)
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=True)
    except Exception:  # noqa: BLE001 - a third-party extractor failing is "nothing found"
        return None
    if doc is None:
        return None
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text = (get("text") or "").strip()
    if not text:
        return None
    return Post(text=text, author=get("author") or None,
                published_at=parse_timestamp(get("date")), post_id=None)


# ---------------------------------------------------------------------------------------------
# The collector.


def thread_items(page: ThreadPage, thread_url: str, *, source: str = "", first_id: str | None,
                 offset: int = 0, title: str | None = None) -> list[Item]:
    """Turn a parsed page into Items of ``kind="forum"``.

    Ids are ``forum:<canonical thread URL>#<post id>`` (the markup's own id, else the post's
    position in the thread counted from ``offset``). The thread's first post carries the
    thread ``title``; every other post has the first post as parent, and a comment its post.
    ``first_id`` is the first post's item id when it is on an earlier page.
    """
    canon = canonical_url(thread_url)
    items: list[Item] = []
    by_post: dict[str, str] = {}
    for index, post in enumerate(page.posts, start=offset):
        key = post.post_id or str(index)
        item_id = f"forum:{canon}#{key}"
        if post.post_id:
            by_post[post.post_id] = item_id
        is_first = item_id == first_id or (first_id is None and offset == 0 and not items)
        parent = None
        if not is_first:
            parent = (by_post.get(post.parent) if post.parent else None) or first_id
        page_url = canonical_url(page.url)
        url = f"{page_url}#{post.post_id}" if post.post_id else page_url
        items.append(Item(
            source=source, kind="forum", text=post.text, url=url,
            title=(title or page.title) if is_first else None, author=post.author,
            published_at=post.published_at, id=item_id, score=post.score, parent_id=parent,
            lang=None,
            extra={"thread": canon, "page": page_url, "layout": page.layout, "role": post.role,
                   "position": index},
        ))
        if is_first:
            first_id = item_id
    return items


class ForumCollector(Collector):
    """Thread pages of any forum, split into one item per post, following next-page links."""

    kind = "forum"
    description = "Forum thread pages (phpBB, XenForo, vBulletin, Askbot…), post by post."
    options = {
        "urls": Option("list", required=True, help="Thread pages to follow (first page of each)."),
        "max_pages": Option("int", 5, help="Pages followed per thread and run (rel=next links)."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Fetch each thread from where the last run stopped and yield its new posts.

        Per thread the state keeps the last page seen (with its ETag/Last-Modified), the first
        post's id and the post count before that page, so a later run re-reads only the last
        page (answered 304 when unchanged) and what follows it.
        """
        urls = [u.strip() for u in self.settings.get("urls") or [] if u.strip()]
        max_pages = max(1, int(self.settings.get("max_pages") or 5))
        if not urls:
            raise ParseError("no thread URL configured (field 'urls')")
        bad = [u for u in urls if urlsplit(u).scheme not in ("http", "https")]
        if bad:
            raise ParseError(f"not an http(s) URL in 'urls': {safe_url(bad[0])!r}")
        threads = ctx.state.setdefault("threads", {})
        failures: list[CollectorError] = []
        for url in urls:
            try:
                yield from self._thread(ctx, url, threads, max_pages)
            except CollectorError as exc:
                if exc.category == "rate_limited":
                    raise
                failures.append(exc)
                ctx.warn(f"{safe_url(url)}: {exc.category}: {exc}")
        if failures and len(failures) == len(urls):
            first = failures[0]
            raise type(first)(f"every thread failed; first: {first}") from first

    def _thread(self, ctx: Context, url: str, threads: dict, max_pages: int) -> Iterator[Item]:
        canon = canonical_url(url)
        known = threads.get(canon) or {}
        page_url = known.get("last_page") or url
        offset = int(known.get("offset") or 0)
        first_id = known.get("first")
        title = known.get("title")
        etag, modified = known.get("etag"), known.get("last_modified")
        remembered_next = known.get("next")
        seen_pages: set[str] = set()
        for number in range(max_pages):
            seen_pages.add(canonical_url(page_url))
            try:
                resp = ctx.http.get(page_url, etag=etag, last_modified=modified,
                                    accept="text/html,application/xhtml+xml")
            except CollectorError as exc:
                if number == 0:
                    raise
                ctx.warn(f"{safe_url(page_url)}: {exc.category}: {exc}; thread followed up to "
                         "here")
                return
            if resp.not_modified:
                # Unchanged since last run; a run that stopped at max_pages left a next page.
                nxt = remembered_next
                if not nxt or canonical_url(nxt) in seen_pages:
                    return
                offset += int(known.get("count") or 0)
                page_url, etag, modified, remembered_next = nxt, None, None, None
                continue
            page = parse_thread_page(resp.text, resp.url or page_url)
            if not page.posts:
                whole = extract_whole_page(resp.text, resp.url or page_url)
                if whole is None:
                    ctx.warn(f"{safe_url(page_url)}: no posts and no main text found on the "
                             "page")
                    return
                ctx.warn(f"{safe_url(page_url)}: posts could not be separated (unknown forum "
                         "markup); the page is kept as one item")
                page.posts = [whole]
            items = thread_items(page, url, source=self.name, first_id=first_id, offset=offset,
                                 title=title)
            if first_id is None and items:
                first_id = items[0].id
                title = items[0].title
            known = {"last_page": page_url, "offset": offset, "count": len(page.posts),
                     "next": page.next_url, "first": first_id, "title": title,
                     "etag": resp.etag, "last_modified": resp.last_modified}
            threads[canon] = known
            yield from items
            nxt = page.next_url
            if not nxt or canonical_url(nxt) in seen_pages:
                return
            offset += len(page.posts)
            page_url, etag, modified, remembered_next = nxt, None, None, None
