"""A fake Reddit API on 127.0.0.1 that answers what praw asks the way Reddit does (tests only)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

# Reddit's base36 ids for things created in 2024 are 7 characters long; start there.
FIRST_ID = int("1a00000", 36)
# A fixed epoch keeps created_utc values reproducible from one test run to the next.
FIRST_CREATED_UTC = 1_735_000_000.0
SECONDS_BETWEEN_THINGS = 37.0
MAX_LIMIT = 100
DEFAULT_LIMIT = 25
REMOVED, DELETED = "[removed]", "[deleted]"


def base36(number: int) -> str:
    """Reddit's id spelling: lowercase base 36."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _account_id(name: str) -> str:
    """A stable ``t2_`` fullname for an author name (Python's hash() changes per process)."""
    return "t2_" + base36(int(hashlib.md5(name.encode()).hexdigest()[:10], 16))


def slug(title: str) -> str:
    """The title part of a permalink, as Reddit builds it (lowercase words, underscores)."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "_".join(words)[:50].rstrip("_") or "_"


@dataclass
class Subreddit:
    """A subreddit of the fake, with what makes Reddit refuse it."""

    name: str
    sid: str
    quarantined: bool = False
    private: bool = False
    banned: bool = False
    posts: list[Post] = field(default_factory=list)  # oldest first

    @property
    def fullname(self) -> str:
        return f"t5_{self.sid}"


@dataclass
class Post:
    """A submission: self post when ``link`` is None, link post otherwise."""

    id: str
    sub: Subreddit
    title: str
    selftext: str
    author: str | None
    created_utc: float
    score: int = 1
    link: str | None = None
    state: str = "live"  # live, removed (by a moderator), deleted (by its author)
    listed: bool = True  # False once Reddit no longer lists it (purged, spam-filtered)
    comments: list[Comment] = field(default_factory=list)  # oldest first

    @property
    def fullname(self) -> str:
        return f"t3_{self.id}"

    @property
    def permalink(self) -> str:
        return f"/r/{self.sub.name}/comments/{self.id}/{slug(self.title)}/"


@dataclass
class Comment:
    """A comment on ``post``; ``parent`` is None for a top-level comment."""

    id: str
    post: Post
    parent: Comment | None
    body: str
    author: str | None
    created_utc: float
    score: int = 1
    state: str = "live"
    listed: bool = True

    @property
    def fullname(self) -> str:
        return f"t1_{self.id}"

    @property
    def parent_fullname(self) -> str:
        return self.parent.fullname if self.parent else self.post.fullname

    @property
    def permalink(self) -> str:
        return f"{self.post.permalink}{self.id}/"


@dataclass
class Recorded:
    """One request the fake received, as a test wants to check it."""

    method: str
    path: str
    query: dict[str, str]
    auth: str | None  # "basic", "bearer" or None
    status: int = 0
    user_agent: str = ""
    body: str = ""


class FakeReddit:
    """Reddit's OAuth API, served by a thread on 127.0.0.1 from content the test adds.

    Answers ``POST /api/v1/access_token`` (client credentials over Basic auth),
    ``GET /r/<sub>/new``, ``/r/<sub>/comments``, ``/r/<sub>/search``, ``/search``,
    ``/user/<name>/submitted``, ``/user/<name>/comments`` and ``/comments/<id>`` with
    Reddit's JSON shapes: ``Listing`` objects with ``after``/``before``
    cursors that page exactly like Reddit's (an anchor that is no longer listed gives an empty
    page), ``[post, comments]`` pairs whose trees end in ``more`` objects, ``[deleted]`` and
    ``[removed]`` things, rate-limit headers on every API answer, 403 for quarantined and
    private subreddits, 404 for banned ones, a 302 to the subreddit search for unknown names,
    401 with ``www-authenticate`` for a missing or stale bearer token, and a 429 mode.
    Every request is kept in :attr:`requests`.
    """

    def __init__(self, client_id: str = "fake-client-id", client_secret: str = "fake-secret", *,
                 ratelimit_budget: int = 1000, window_seconds: int = 600,
                 window_elapsed: int = 300, token_lifetime: int = 86400,
                 comment_budget: int = 200, max_depth: int = 10):
        """Prepare an empty Reddit accepting ``client_id``/``client_secret``.

        Rate-limit headers report ``ratelimit_budget`` requests per ``window_seconds``, the
        current window having started ``window_elapsed`` seconds before the fake did: praw
        paces its requests from these headers, and a window half gone with its budget mostly
        left is one where a real client does not wait. ``comment_budget`` and ``max_depth``
        bound a comment tree the way Reddit's ``limit`` and ``depth`` do.
        """
        self.client_id = client_id
        self.client_secret = client_secret
        self.ratelimit_budget = ratelimit_budget
        self.window_seconds = window_seconds
        self.window_elapsed = window_elapsed
        self.token_lifetime = token_lifetime
        self.comment_budget = comment_budget
        self.max_depth = max_depth
        self.rate_limited = False
        self.requests: list[Recorded] = []
        self.tokens: set[str] = set()
        self.subreddits: dict[str, Subreddit] = {}
        self._next_id = FIRST_ID
        self._clock = FIRST_CREATED_UTC
        self._used = 0
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> FakeReddit:
        """Listen on an ephemeral port of 127.0.0.1 and serve from a daemon thread."""
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and free the port."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeReddit:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``: both ``oauth_url`` and ``reddit_url`` for praw."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- content -------------------------------------------------------------------------------
    def _new_id(self) -> str:
        self._next_id += 1
        return base36(self._next_id)

    def _tick(self, created_utc: float | None) -> float:
        self._clock += SECONDS_BETWEEN_THINGS
        return float(created_utc) if created_utc is not None else self._clock

    def subreddit(self, name: str, *, quarantined: bool = False, private: bool = False,
                  banned: bool = False) -> Subreddit:
        """Return the subreddit called ``name``, creating it with the given restrictions."""
        with self._lock:
            sub = self.subreddits.get(name.lower())
            if sub is None:
                sub = Subreddit(name=name, sid=self._new_id(), quarantined=quarantined,
                                private=private, banned=banned)
                self.subreddits[name.lower()] = sub
            return sub

    def post(self, subreddit: str | Subreddit, title: str, selftext: str = "", *,
             author: str | None = "someone", link: str | None = None,
             created_utc: float | None = None, score: int = 1) -> Post:
        """Submit a post (newer than every earlier one unless ``created_utc`` says otherwise)."""
        with self._lock:
            sub = subreddit if isinstance(subreddit, Subreddit) else self.subreddit(subreddit)
            post = Post(id=self._new_id(), sub=sub, title=title, selftext=selftext,
                        author=author, created_utc=self._tick(created_utc), score=score,
                        link=link)
            sub.posts.append(post)
            return post

    def comment(self, on: Post | Comment, body: str, *, author: str | None = "someone",
                created_utc: float | None = None, score: int = 1) -> Comment:
        """Reply to a post or to a comment."""
        with self._lock:
            post = on if isinstance(on, Post) else on.post
            parent = on if isinstance(on, Comment) else None
            comment = Comment(id=self._new_id(), post=post, parent=parent, body=body,
                              author=author, created_utc=self._tick(created_utc), score=score)
            post.comments.append(comment)
            return comment

    def remove(self, thing: Post | Comment, *, by: str = "moderator", unlist: bool = False
               ) -> None:
        """Remove ``thing`` as a moderator (``by="moderator"``) or delete it as its author
        (``by="author"``); ``unlist`` also drops it from listings, as Reddit does for spam."""
        with self._lock:
            thing.state = "deleted" if by == "author" else "removed"
            thing.listed = not unlist

    # -- what the test checks ------------------------------------------------------------------
    def api_requests(self, path_prefix: str = "") -> list[Recorded]:
        """The requests other than token requests, optionally only those under a path."""
        with self._lock:
            return [r for r in self.requests
                    if r.path != "/api/v1/access_token" and r.path.startswith(path_prefix)]

    # -- JSON as Reddit writes it --------------------------------------------------------------
    def _ratelimit_headers(self) -> dict[str, str]:
        with self._lock:
            self._used += 1
            remaining = max(self.ratelimit_budget - self._used, 0)
            reset = max(self.window_seconds - self.window_elapsed, 1)
            return {"x-ratelimit-remaining": f"{float(remaining)}",
                    "x-ratelimit-used": str(self._used), "x-ratelimit-reset": str(reset)}

    @staticmethod
    def _text(value: str, raw_json: bool) -> str:
        # Without raw_json=1 Reddit still HTML-escapes &, < and > inside JSON strings.
        return value if raw_json else html.escape(value, quote=False)

    def _post_data(self, post: Post, raw: bool) -> dict[str, Any]:
        sub = post.sub
        author = post.author if post.state == "live" and post.author else DELETED
        if post.state == "deleted":
            selftext = DELETED if post.link is None else ""
        elif post.state == "removed":
            selftext = REMOVED if post.link is None else ""
        else:
            selftext = post.selftext
        url = post.link or f"https://www.reddit.com{post.permalink}"
        domain = urlsplit(post.link).hostname if post.link else f"self.{sub.name}"
        live_comments = sum(1 for c in post.comments if c.listed)
        data: dict[str, Any] = {
            "approved_at_utc": None, "subreddit": sub.name,
            "selftext": self._text(selftext, raw),
            "author_fullname": _account_id(author),
            "saved": False, "mod_reason_title": None, "gilded": 0, "clicked": False,
            "title": self._text(post.title, raw), "link_flair_richtext": [],
            "subreddit_name_prefixed": f"r/{sub.name}", "hidden": False, "pwls": 6,
            "link_flair_css_class": None, "downs": 0, "thumbnail_height": None,
            "top_awarded_type": None, "hide_score": False, "name": post.fullname,
            "quarantine": sub.quarantined, "link_flair_text_color": "dark",
            "upvote_ratio": 1.0, "author_flair_background_color": None,
            "subreddit_type": "private" if sub.private else "public", "ups": post.score,
            "total_awards_received": 0, "media_embed": {}, "thumbnail_width": None,
            "author_flair_template_id": None, "is_original_content": False,
            "user_reports": [], "secure_media": None, "is_reddit_media_domain": False,
            "is_meta": False, "category": None, "secure_media_embed": {},
            "link_flair_text": None, "can_mod_post": False, "score": post.score,
            "approved_by": None, "is_created_from_ads_ui": False, "author_premium": False,
            "thumbnail": "self" if post.link is None else "default", "edited": False,
            "author_flair_css_class": None, "author_flair_richtext": [], "gildings": {},
            "content_categories": None, "is_self": post.link is None, "mod_note": None,
            "created": post.created_utc, "link_flair_type": "text", "wls": 6,
            "removed_by_category": None if post.state == "live" else (
                "deleted" if post.state == "deleted" else "moderator"),
            "banned_by": None, "author_flair_type": "text", "domain": domain,
            "allow_live_comments": False,
            "selftext_html": (f"<!-- SC_OFF --><div class=\"md\"><p>{html.escape(selftext)}"
                              "</p>\n</div><!-- SC_ON -->") if selftext else None,
            "likes": None, "suggested_sort": None, "banned_at_utc": None, "view_count": None,
            "archived": False, "no_follow": True, "is_crosspostable": True, "pinned": False,
            "over_18": False, "all_awardings": [], "awarders": [], "media_only": False,
            "can_gild": False, "spoiler": False, "locked": False, "author_flair_text": None,
            "treatment_tags": [], "visited": False, "removed_by": None, "num_reports": None,
            "distinguished": None, "subreddit_id": sub.fullname, "author_is_blocked": False,
            "mod_reason_by": None, "removal_reason": None,
            "link_flair_background_color": "", "id": post.id, "is_robot_indexable": True,
            "report_reasons": None, "author": author, "discussion_type": None,
            "num_comments": live_comments, "send_replies": True, "contest_mode": False,
            "mod_reports": [], "author_patreon_flair": False,
            "author_flair_text_color": None, "permalink": post.permalink, "stickied": False,
            "url": url, "subreddit_subscribers": 1234, "created_utc": post.created_utc,
            "num_crossposts": 0, "media": None, "is_video": False,
            "link_flair_template_id": None, "whitelist_status": "all_ads",
            "parent_whitelist_status": "all_ads",
        }
        if author == DELETED:
            del data["author_fullname"]  # Reddit drops it with the account
        return {"kind": "t3", "data": data}

    def _comment_data(self, comment: Comment, raw: bool, *, depth: int | None = None,
                      replies: Any = "", in_listing: bool = False) -> dict[str, Any]:
        post, sub = comment.post, comment.post.sub
        if comment.state == "live":
            author, body = comment.author or DELETED, comment.body
        else:
            author, body = DELETED, DELETED if comment.state == "deleted" else REMOVED
        data: dict[str, Any] = {
            "subreddit_id": sub.fullname, "approved_at_utc": None, "author_is_blocked": False,
            "comment_type": None, "mod_reason_by": None, "banned_by": None, "ups": comment.score,
            "num_reports": None, "author_flair_type": "text", "total_awards_received": 0,
            "subreddit": sub.name, "likes": None, "replies": replies, "user_reports": [],
            "saved": False, "id": comment.id, "banned_at_utc": None, "mod_reason_title": None,
            "gilded": 0, "archived": False, "collapsed_reason_code": None, "no_follow": True,
            "author": author, "can_mod_post": False, "send_replies": True,
            "parent_id": comment.parent_fullname, "score": comment.score,
            "author_fullname": _account_id(author),
            "report_reasons": None, "removal_reason": None, "approved_by": None,
            "controversiality": 0, "body": self._text(body, raw), "edited": False,
            "top_awarded_type": None, "downs": 0, "author_flair_css_class": None,
            "is_submitter": author == post.author, "collapsed": comment.state != "live",
            "author_flair_richtext": [], "author_patreon_flair": False,
            "body_html": f"<div class=\"md\"><p>{html.escape(body)}</p>\n</div>",
            "gildings": {}, "collapsed_reason": None, "distinguished": None,
            "associated_award": None, "stickied": False, "author_premium": False,
            "can_gild": False, "link_id": post.fullname, "unrepliable_reason": None,
            "author_flair_text_color": None, "score_hidden": False,
            "permalink": comment.permalink, "subreddit_type": "public",
            "name": comment.fullname, "author_flair_template_id": None,
            "subreddit_name_prefixed": f"r/{sub.name}", "author_flair_text": None,
            "treatment_tags": [], "created": comment.created_utc,
            "created_utc": comment.created_utc, "awarders": [], "all_awardings": [],
            "locked": False, "author_flair_background_color": None,
            "collapsed_because_crowd_control": None, "mod_reports": [], "quarantine": False,
            "mod_note": None,
        }
        if author == DELETED:
            del data["author_fullname"]
        if in_listing:
            # The subreddit-wide comment listing says which post each comment belongs to.
            data |= {"link_title": self._text(post.title, raw),
                     "link_author": post.author or DELETED,
                     "num_comments": sum(1 for c in post.comments if c.listed),
                     "over_18": False,
                     "link_permalink": f"https://www.reddit.com{post.permalink}",
                     "link_url": post.link or f"https://www.reddit.com{post.permalink}"}
        if depth is not None:
            data["depth"] = depth
        return {"kind": "t1", "data": data}

    @staticmethod
    def _listing(children: list[dict], after: str | None, before: str | None,
                 **extra: Any) -> dict[str, Any]:
        data = {"after": after, "dist": len(children), "modhash": "", "geo_filter": "",
                **extra, "children": children, "before": before}
        return {"kind": "Listing", "data": data}

    @staticmethod
    def _page(things: list, query: dict[str, str]) -> tuple[list, str | None, str | None]:
        """Cut one page from ``things`` (newest first) the way Reddit's cursors do."""
        try:
            limit = int(query.get("limit", DEFAULT_LIMIT))
        except ValueError:
            limit = DEFAULT_LIMIT
        limit = min(max(limit, 1), MAX_LIMIT)
        names = [t.fullname for t in things]
        if query.get("after"):
            if query["after"] not in names:
                return [], None, None  # Reddit's answer when the anchor is gone
            start = names.index(query["after"]) + 1
        elif query.get("before"):
            if query["before"] not in names:
                return [], None, None
            end = names.index(query["before"])
            start = max(end - limit, 0)
            chunk = things[start:end]
            before = chunk[0].fullname if chunk and start > 0 else None
            after = chunk[-1].fullname if chunk else None
            return chunk, after, before
        else:
            start = 0
        chunk = things[start:start + limit]
        after = chunk[-1].fullname if chunk and start + limit < len(things) else None
        paged = bool(query.get("after")) or int(query.get("count", "0") or 0) > 0
        before = chunk[0].fullname if chunk and paged else None
        return chunk, after, before

    # -- endpoints -----------------------------------------------------------------------------
    def _check_subreddit(self, name: str) -> tuple[int, dict, dict] | Subreddit:
        sub = self.subreddits.get(name.lower())
        if name.lower() in ("all", "popular"):
            return sub or Subreddit(name=name, sid="")
        if sub is None:
            # Reddit sends unknown names to its subreddit search.
            location = f"https://www.reddit.com/subreddits/search.json?q={quote(name)}"
            return 302, {"location": location}, {}
        if sub.banned:
            return 404, {}, {"reason": "banned", "message": "Not Found", "error": 404}
        if sub.quarantined:
            return 403, {}, {
                "reason": "quarantined",
                "quarantine_message": "This community is quarantined.",
                "quarantine_message_html": "<div class=\"md\"><p>This community is "
                                           "quarantined.</p></div>",
                "message": "Forbidden", "error": 403}
        if sub.private:
            return 403, {}, {"reason": "private", "message": "Forbidden", "error": 403}
        return sub

    def _posts_of(self, sub: Subreddit) -> list[Post]:
        if sub.sid:
            posts = list(sub.posts)
        else:  # r/all: every public subreddit
            posts = [p for s in self.subreddits.values() if not (s.private or s.quarantined
                                                                  or s.banned) for p in s.posts]
        return sorted((p for p in posts if p.listed), key=lambda p: p.created_utc, reverse=True)

    def subreddit_new(self, name: str, query: dict[str, str]) -> tuple[int, dict, Any]:
        """``GET /r/<name>/new``."""
        found = self._check_subreddit(name)
        if not isinstance(found, Subreddit):
            return found
        raw = query.get("raw_json") == "1"
        chunk, after, before = self._page(self._posts_of(found), query)
        return 200, {}, self._listing([self._post_data(p, raw) for p in chunk], after, before)

    def subreddit_comments(self, name: str, query: dict[str, str]) -> tuple[int, dict, Any]:
        """``GET /r/<name>/comments``: the newest comments of the whole subreddit."""
        found = self._check_subreddit(name)
        if not isinstance(found, Subreddit):
            return found
        raw = query.get("raw_json") == "1"
        comments = sorted((c for p in self._posts_of(found) for c in p.comments if c.listed),
                          key=lambda c: c.created_utc, reverse=True)
        chunk, after, before = self._page(comments, query)
        children = [self._comment_data(c, raw, in_listing=True) for c in chunk]
        return 200, {}, self._listing(children, after, before)

    def search(self, name: str | None, query: dict[str, str]) -> tuple[int, dict, Any]:
        """``GET /search`` or ``/r/<name>/search``: posts matching ``q``."""
        if name is not None:
            found = self._check_subreddit(name)
            if not isinstance(found, Subreddit):
                return found
            restrict = query.get("restrict_sr", "").lower() in ("1", "true", "on")
            pool = self._posts_of(found) if restrict else self._all_posts()
        else:
            pool = self._all_posts()
        q = query.get("q", "")
        if not q.strip():
            return 200, {}, self._listing([], None, None, facets={})
        test = _compile_search(q)
        hits = [p for p in pool if test(f"{p.title}\n{p.selftext}")]
        sort = query.get("sort", "relevance")
        if sort == "new":
            hits.sort(key=lambda p: p.created_utc, reverse=True)
        elif sort == "top":
            hits.sort(key=lambda p: (p.score, p.created_utc), reverse=True)
        raw = query.get("raw_json") == "1"
        chunk, after, before = self._page(hits, query)
        return 200, {}, self._listing([self._post_data(p, raw) for p in chunk], after, before,
                                      facets={})

    def user_listing(self, name: str, what: str, query: dict[str, str]
                     ) -> tuple[int, dict, Any]:
        """``GET /user/<name>/submitted`` or ``/user/<name>/comments``: an account's newest
        posts or comments, in public subreddits."""
        raw = query.get("raw_json") == "1"
        posts = self._all_posts()
        if what == "submitted":
            mine = [p for p in posts if p.author and p.author.lower() == name.lower()]
            chunk, after, before = self._page(mine, query)
            return 200, {}, self._listing([self._post_data(p, raw) for p in chunk], after,
                                          before)
        mine = sorted((c for p in posts for c in p.comments if c.listed and c.author
                       and c.author.lower() == name.lower()),
                      key=lambda c: c.created_utc, reverse=True)
        chunk, after, before = self._page(mine, query)
        return 200, {}, self._listing([self._comment_data(c, raw, in_listing=True)
                                       for c in chunk], after, before)

    def _all_posts(self) -> list[Post]:
        return self._posts_of(Subreddit(name="all", sid=""))

    def comments_of(self, post_id: str, query: dict[str, str]) -> tuple[int, dict, Any]:
        """``GET /comments/<id>``: ``[Listing(post), Listing(comment tree)]``."""
        post = next((p for s in self.subreddits.values() for p in s.posts if p.id == post_id),
                    None)
        if post is None:
            return 404, {}, {"message": "Not Found", "error": 404}
        found = self._check_subreddit(post.sub.name)
        if not isinstance(found, Subreddit):
            return found
        raw = query.get("raw_json") == "1"
        try:
            budget = min(int(query.get("limit", self.comment_budget)), self.comment_budget)
        except ValueError:
            budget = self.comment_budget
        sort = query.get("sort", "confidence")
        children_of: dict[str | None, list[Comment]] = {}
        for c in post.comments:
            children_of.setdefault(c.parent.id if c.parent else None, []).append(c)
        for kids in children_of.values():
            if sort == "new":
                kids.sort(key=lambda c: c.created_utc, reverse=True)
            elif sort == "old":
                kids.sort(key=lambda c: c.created_utc)
            else:
                kids.sort(key=lambda c: (c.score, -c.created_utc), reverse=True)
        left = [budget]

        def size(c: Comment) -> int:
            return 1 + sum(size(k) for k in children_of.get(c.id, []))

        def tree(parent_name: str, kids: list[Comment], depth: int) -> list[dict]:
            out: list[dict] = []
            for i, c in enumerate(kids):
                if left[0] <= 0:
                    rest = kids[i:]
                    out.append({"kind": "more", "data": {
                        "count": sum(size(k) for k in rest), "name": rest[0].fullname,
                        "id": rest[0].id, "parent_id": parent_name, "depth": depth,
                        "children": [k.id for k in rest]}})
                    break
                left[0] -= 1
                grand = children_of.get(c.id, [])
                if grand and depth + 1 >= self.max_depth:
                    # "Continue this thread": Reddit cuts deep trees with an empty `more`.
                    replies = self._listing([{"kind": "more", "data": {
                        "count": 0, "name": "t1__", "id": "_", "parent_id": c.fullname,
                        "depth": depth + 1, "children": []}}], None, None)
                elif grand:
                    replies = self._listing(tree(c.fullname, grand, depth + 1), None, None)
                else:
                    replies = ""
                out.append(self._comment_data(c, raw, depth=depth, replies=replies))
            return out

        top = tree(post.fullname, children_of.get(None, []), 0)
        return 200, {}, [self._listing([self._post_data(post, raw)], None, None),
                         self._listing(top, None, None)]

    # -- HTTP ----------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], headers, body: str
               ) -> tuple[int, dict, Any]:
        """Answer one request; called by the HTTP handler, usable directly in unit tests."""
        authz = headers.get("Authorization", "")
        kind = authz.split(" ", 1)[0].lower() if authz else None
        record = Recorded(method=method, path=path, query=query, auth=kind,
                          user_agent=headers.get("User-Agent", ""), body=body)
        with self._lock:
            self.requests.append(record)
        status, extra, payload = self._route(method, path, query, authz, body)
        record.status = status
        return status, extra, payload

    def _route(self, method: str, path: str, query: dict[str, str], authz: str, body: str
               ) -> tuple[int, dict, Any]:
        if path == "/api/v1/access_token":
            return self._token(method, authz, body)
        token = authz[7:] if authz.lower().startswith("bearer ") else ""
        if token not in self.tokens:
            return 401, {"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'}, {
                "message": "Unauthorized", "error": 401}
        limits = self._ratelimit_headers()
        if self.rate_limited:
            limits |= {"x-ratelimit-remaining": "0.0", "x-ratelimit-reset": "1"}
            return 429, limits, {"message": "Too Many Requests", "error": 429}
        if method != "GET":
            return 405, limits, {"message": "Method Not Allowed", "error": 405}
        parts = [p for p in path.split("/") if p]
        if parts and parts[-1].endswith(".json"):
            parts[-1] = parts[-1][:-5]
        with self._lock:
            if len(parts) == 3 and parts[0] == "r" and parts[2] == "new":
                status, extra, payload = self.subreddit_new(parts[1], query)
            elif len(parts) == 3 and parts[0] == "r" and parts[2] == "comments":
                status, extra, payload = self.subreddit_comments(parts[1], query)
            elif len(parts) == 3 and parts[0] == "r" and parts[2] == "search":
                status, extra, payload = self.search(parts[1], query)
            elif parts == ["search"]:
                status, extra, payload = self.search(None, query)
            elif len(parts) == 3 and parts[0] == "user" and parts[2] in ("submitted",
                                                                         "comments"):
                status, extra, payload = self.user_listing(parts[1], parts[2], query)
            elif len(parts) >= 2 and parts[0] == "comments":
                status, extra, payload = self.comments_of(parts[1], query)
            else:
                status, extra, payload = 404, {}, {"message": "Not Found", "error": 404}
        return status, limits | extra, payload

    def _token(self, method: str, authz: str, body: str) -> tuple[int, dict, Any]:
        if method != "POST":
            return 405, {}, {"message": "Method Not Allowed", "error": 405}
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authz != f"Basic {expected}":
            return 401, {}, {"message": "Unauthorized", "error": 401}
        form = dict(parse_qsl(body))
        if form.get("grant_type") != "client_credentials":
            return 200, {}, {"error": "unsupported_grant_type"}
        token = f"-{secrets.token_urlsafe(24)}"
        with self._lock:
            self.tokens.add(token)
        return 200, {}, {"access_token": token, "token_type": "bearer",
                         "expires_in": self.token_lifetime, "scope": "*"}


class _Handler(BaseHTTPRequestHandler):
    owner: FakeReddit
    protocol_version = "HTTP/1.1"
    server_version = "snooserv"
    sys_version = ""

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        status, headers, payload = self.owner.handle(method, parts.path, query, self.headers,
                                                     body)
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


def _compile_search(q: str):
    """A small model of Reddit's search syntax: ``OR`` between groups, words and "phrases"
    within a group all required, ``word*`` a prefix; case-insensitive."""
    groups = []
    for part in re.split(r"\s+OR\s+", q.strip()):
        terms = re.findall(r'"([^"]+)"|(\S+)', part)
        groups.append([(phrase or word).lower() for phrase, word in terms if phrase or word])

    def term_test(term: str, text: str) -> bool:
        if term.endswith("*"):
            return re.search(r"(?<!\w)" + re.escape(term[:-1]), text) is not None
        return re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", text) is not None

    def test(text: str) -> bool:
        low = text.lower()
        return any(group and all(term_test(t, low) for t in group) for group in groups)

    return test
