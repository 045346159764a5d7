"""The forum source against thread pages served from 127.0.0.1 in phpBB-, XenForo- and
Discourse-like markup (with next-page links), an unknown layout, 304s, failures, the runner."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC, datetime

import pytest

from collectors.base import CollectorError, Context, Item
from collectors.forum import ForumCollector
from collectors.http import Fetcher
from config import CollectSettings
from tests.conftest import db_rows, local_watch
from tests.localserver import LocalServer, Request

LOCAL = CollectSettings(per_host_delay=0.0, timeout=10.0,
                        allow_networks=[ipaddress.ip_network("127.0.0.0/8")])


# --- phpBB (prosilver) ------------------------------------------------------------------------

def phpbb_post(pid: int, user: str, byline_date: str, body: str, *, time: str | None = None,
               signature: str = "") -> str:
    when = (f'<time datetime="{time}">{byline_date}</time>' if time else byline_date)
    sig = f'<div id="sig{pid}" class="signature">{signature}</div>' if signature else ""
    return f"""
<div id="p{pid}" class="post has-profile bg2"><div class="inner">
  <dl class="postprofile" id="profile{pid}"><dt class="has-profile-rank">
    <a href="./memberlist.php?mode=viewprofile&amp;u=5" class="username">{user}</a></dt>
    <dd class="profile-rank">Member</dd><dd class="profile-posts"><strong>Posts:</strong> 52</dd>
    <dd class="profile-joined"><strong>Joined:</strong> Tue Jan 06, 2015 8:12 pm</dd></dl>
  <div class="postbody"><div id="post_content{pid}">
    <h3><a href="#p{pid}">Re: Acme Cloud outage</a></h3>
    <ul class="post-buttons"><li><a href="./posting.php?mode=quote&amp;p={pid}"
      class="button"><span>Quote</span></a></li></ul>
    <p class="author"><a class="unread" href="./viewtopic.php?p={pid}#p{pid}"><span
      class="imageset icon_post_target">Post</span></a><span class="responsive-hide">by
      <strong><a href="./memberlist.php?mode=viewprofile&amp;u=5" class="username">{user}</a>
      </strong> &raquo; </span>{when} </p>
    <div class="content">{body}</div>
    {sig}
  </div></div>
  <div class="back2top"><a href="#top" class="top" title="Top">Top</a></div>
</div></div>
<hr class="divider" />"""


def phpbb_page(posts: list[str], *, start: int, next_start: int | None) -> str:
    nxt = (f'<li class="arrow next"><a class="button" href="./viewtopic.php?t=5&amp;start='
           f'{next_start}" rel="next" role="button">Next</a></li>' if next_start else "")
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="en-gb"><head><meta charset="utf-8" />
<title>Acme Cloud outage - Support - Example Board</title></head>
<body id="phpbb" class="nojs notouch section-viewtopic ltr">
<div id="wrap"><div id="page-header"><h1>Example Board</h1></div>
<div id="page-body" class="page-body">
<h2 class="topic-title"><a href="./viewtopic.php?t=5">Acme Cloud outage</a></h2>
<div class="action-bar bar-top"><div class="pagination">{start // 3 + 1} posts page
  <ul><li class="active"><span>{start // 3 + 1}</span></li>{nxt}</ul></div></div>
{''.join(posts)}
<div class="action-bar bar-bottom"><a href="./viewtopic.php?f=2&amp;t=5&amp;view=next"
  >Next topic</a></div>
</div><div id="page-footer">Powered by phpBB&reg; Forum Software</div></div>
</body></html>"""


QUOTE = ('<blockquote><div><cite>alice wrote: <a href="./viewtopic.php?p=101#p101">↑</a>'
         '</cite>Is Acme Cloud down for you?</div></blockquote>')


def phpbb_pages(extra: list[str] | None = None) -> dict[str, str]:
    page1 = [
        phpbb_post(101, "alice", "Mon Mar 02, 2026 9:15 am", "Is Acme Cloud down for you?"
                   "<br>Our dashboards are blank.", time="2026-03-02T09:15:00+00:00"),
        phpbb_post(102, "bob", "Mon Mar 02, 2026 9:20 am", QUOTE + "Yes, since 9:00. "
                   "Switching to Globex.", time="2026-03-02T09:20:00+00:00",
                   signature="Bob — ops lead at Initech"),
        phpbb_post(103, "carol", "Mon Mar 02, 2026 10:02 am", "Back up for us now.",
                   time="2026-03-02T10:02:00+00:00"),
    ]
    # Older phpBB styles write the date as text only.
    page2 = [phpbb_post(104, "dave", "Tue Mar 03, 2026 6:05 pm", "Down again tonight."),
             phpbb_post(105, "erin", "Tue Mar 03, 2026 6:30 pm", "Status page says all green.")]
    page2 += extra or []
    return {"/viewtopic.php?t=5": phpbb_page(page1, start=0, next_start=3),
            "/viewtopic.php?t=5&start=3": phpbb_page(page2, start=3, next_start=None)}


# --- XenForo 2 --------------------------------------------------------------------------------

def xf_post(pid: int, author: str, when: str, body: str) -> str:
    return f"""
<article class="message message--post js-post js-inlineModContainer" data-author="{author}"
  data-content="post-{pid}" id="js-post-{pid}">
 <span class="u-anchorTarget" id="post-{pid}"></span>
 <div class="message-inner"><div class="message-cell message-cell--user">
  <section itemscope itemtype="https://schema.org/Person" class="message-user">
   <h4 class="message-name"><a href="/members/x.1/" class="username" itemprop="name">{author}</a>
   </h4><h5 class="userTitle message-userTitle" itemprop="jobTitle">Well-known member</h5>
   <div class="message-userExtras"><dl class="pairs"><dt>Joined</dt><dd>Jun 28, 2014</dd></dl>
   </div></section></div>
  <div class="message-cell message-cell--main"><div class="message-main js-quickEditTarget">
   <header class="message-attribution message-attribution--split">
    <ul class="message-attribution-main listInline"><li class="u-concealed">
     <a href="/threads/acme-vs-globex.42/post-{pid}" rel="nofollow"><time class="u-dt"
      dir="auto" datetime="{when}" data-time="0" title="{when}">{when[:10]}</time></a></li></ul>
    <ul class="message-attribution-opposite"><li><a href="#">#{pid}</a></li></ul>
   </header>
   <div class="message-content js-messageContent"><div class="message-userContent lbContainer">
    <article class="message-body js-selectToQuote"><div class="bbWrapper">{body}</div>
     <div class="js-selectToQuoteEnd">&nbsp;</div></article></div></div>
   <footer class="message-footer"><div class="reactionsBar js-reactionsList">
    <a class="reactionsBar-link">You and 3 others</a></div></footer>
  </div></div></div>
</article>"""


def xf_page(posts: list[str], page: int, last: int) -> str:
    base = "/threads/acme-vs-globex.42/"
    nxt = f"{base}page-{page + 1}" if page < last else None
    head_next = f'<link rel="next" href="{nxt}" />' if nxt else ""
    nav_next = (f'<a href="{nxt}" class="pageNav-jump pageNav-jump--next">Next</a>'
                if nxt else "")
    return f"""<!DOCTYPE html>
<html id="XF" lang="en-US" dir="LTR" data-app="public"><head><meta charset="utf-8" />
<title>Acme vs Globex for a small team | Example Community</title>
<meta property="og:title" content="Acme vs Globex for a small team" />{head_next}</head>
<body data-template="thread_view"><div class="p-pageWrapper">
<div class="p-body-header"><h1 class="p-title-value"><span class="label label--blue"
 dir="auto">Question</span><span class="label-append">&nbsp;</span>Acme vs Globex for a small
 team</h1></div>
<div class="block-outer"><nav class="pageNavWrapper"><div class="pageNav">{nav_next}</div>
</nav></div>
<div class="block-body js-replyNewMessageContainer">{''.join(posts)}</div>
</div></body></html>"""


XF_QUOTE = ('<blockquote class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote" '
            'data-quote="frank"><div class="bbCodeBlock-title">frank said:</div>'
            '<div class="bbCodeBlock-content">Acme is overpriced.</div></blockquote>')


def xf_pages(pages: int = 2) -> dict[str, str]:
    posts = [
        [xf_post(9001, "frank", "2026-03-04T14:30:00+0200", "Acme is overpriced.<br>Globex?"),
         xf_post(9002, "Grace Hopper", "2026-03-04T15:00:00+0200",
                 XF_QUOTE + "Not for support, Acme answers in minutes.")],
        [xf_post(9003, "heidi", "2026-03-05T08:00:00+0100", "We pay less with Globex.")],
        [xf_post(9004, "ivan", "2026-03-06T08:00:00+0100", "Third page, Acme again.")],
    ][:pages]
    base = "/threads/acme-vs-globex.42/"
    return {(base if n == 1 else f"{base}page-{n}"): xf_page(p, n, pages)
            for n, p in enumerate(posts, start=1)}


# --- Discourse (the HTML it serves to crawlers and noscript browsers) -------------------------

def dc_post(number: int, user: str, when: str, body: str, likes: int = 0) -> str:
    return f"""
<div id="post_{number}" itemprop="comment" itemscope itemtype="http://schema.org/Comment"
  class="topic-body crawler-post">
  <div class="crawler-post-meta">
    <span class="creator" itemprop="author" itemscope itemtype="http://schema.org/Person">
      <a itemprop="url" href="/u/{user}"><span itemprop="name">{user}</span></a>
    </span>
    <span class="crawler-post-infos">
      <time itemprop="datePublished" datetime="{when}" class="post-time">{when[:10]}</time>
      <span itemprop="position">{number}</span>
    </span>
  </div>
  <div class="post" itemprop="text">{body}</div>
  <div itemprop="interactionStatistic" itemscope itemtype="http://schema.org/InteractionCounter">
    <meta itemprop="interactionType" content="http://schema.org/LikeAction"/>
    <meta itemprop="userInteractionCount" content="{likes}" />
    <span class="post-likes">{likes} Likes</span>
  </div>
</div>"""


def dc_page(posts: list[str], next_page: int | None) -> str:
    nav = (f'<div role="navigation" itemscope itemtype="http://schema.org/SiteNavigationElement" '
           f'class="topic-body crawler-post"><span itemprop="name"><b><a rel="next" '
           f'itemprop="url" href="/t/acme-review/77?page={next_page}">next page →</a></b></span>'
           f"</div>" if next_page else "")
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Avis sur Acme Analytics - Communauté</title>
<meta property="og:title" content="Avis sur Acme Analytics" /></head>
<body class="crawler"><header><a href="/">Communauté</a></header>
<div id="main-outlet" class="wrap" role="main">
 <div id="topic-title"><h1><a href="/t/acme-review/77">Avis sur Acme Analytics</a></h1></div>
 <div itemscope itemtype="http://schema.org/DiscussionForumPosting">
  <meta itemprop="headline" content="Avis sur Acme Analytics">
  {''.join(posts)}
 </div>
 {nav}
</div><footer class="noscript-footer-nav">Powered by Discourse</footer></body></html>"""


def dc_pages() -> dict[str, str]:
    return {
        "/t/acme-review/77": dc_page([
            dc_post(1, "jules", "2026-03-07T09:00:00Z", "<p>Vos avis sur <b>Acme</b> ?</p>", 4),
            dc_post(2, "karim", "2026-03-07T10:00:00Z", "<p>Très bon outil, support réactif.</p>"),
        ], next_page=2),
        "/t/acme-review/77?page=2": dc_page([
            dc_post(3, "léa", "2026-03-08T11:30:00Z", "<p>Trop cher pour nous.</p>"),
        ], next_page=None),
    }


UNKNOWN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Our review of Acme Analytics</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><h1>Our review of Acme Analytics</h1>
<p>We used Acme Analytics for six months to follow what our customers say about us. The setup
took an afternoon and the dashboards were clear enough for the whole marketing team.</p>
<p>Its sentiment scores were often wrong on French posts, and the price went up twice in a year,
which is why we are now testing Globex alongside it.</p>
<p>Overall a good tool for a small team, as long as you do not rely on the sentiment column.</p>
</main><footer>© 2026 Example Blog</footer></body></html>"""


class Site:
    """Serves the pages with ETags and answers 304 to a matching If-None-Match."""

    def __init__(self):
        self.pages: dict[str, str] = {**phpbb_pages(), **xf_pages(), **dc_pages(),
                                      "/blog/acme-review": UNKNOWN}
        self.broken: dict[str, int] = {}

    def route(self, request: Request):
        html = self.pages.get(request.target)
        if request.target in self.broken:
            status = self.broken[request.target]
            return status, {"Content-Type": "text/html"}, f"<h1>Error {status}</h1>"
        if html is None:
            return 404, {"Content-Type": "text/html"}, "<h1>Not found</h1>"
        etag = '"' + hashlib.md5(html.encode()).hexdigest() + '"'
        headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag}
        if request.header("If-None-Match") == etag:
            return 304, headers, b""
        return 200, headers, html


@pytest.fixture
def site():
    fake = Site()
    with LocalServer(fallback=fake.route) as server:
        fake.server = server
        yield fake


def run(collector, state=None) -> tuple[list[Item], list[str], dict]:
    warnings: list[str] = []
    ctx = Context(state=json.loads(json.dumps(state or {})), collect=LOCAL,
                  warn=warnings.append, http=Fetcher(LOCAL))
    try:
        items = list(collector.collect(ctx))
    finally:
        ctx.http.close()
    return items, warnings, json.loads(json.dumps(ctx.state))


def source(*urls: str, max_pages: int = 5) -> ForumCollector:
    return ForumCollector("forums", {"urls": list(urls), "max_pages": max_pages})


def page_requests(site) -> list[str]:
    return [r.target for r in site.server.requests if r.path != "/robots.txt"]


def test_phpbb_thread_is_split_into_posts_across_pages(site):
    url = site.server.url("/viewtopic.php?t=5")
    items, warnings, _ = run(source(url))
    assert warnings == []
    thread = f"forum:{url}"
    assert [i.id for i in items] == [f"{thread}#p{n}" for n in range(101, 106)]
    assert [i.author for i in items] == ["alice", "bob", "carol", "dave", "erin"]
    first, reply = items[0], items[1]
    assert first.title == "Acme Cloud outage" and all(i.title is None for i in items[1:])
    assert first.text == "Is Acme Cloud down for you?\nOur dashboards are blank."
    # The quoted post and the signature are not what bob said.
    assert reply.text == "Yes, since 9:00. Switching to Globex."
    assert all(i.parent_id == first.id for i in items[1:]) and first.parent_id is None
    assert first.published_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert items[3].published_at == datetime(2026, 3, 3, 18, 5, tzinfo=UTC)  # text-only date
    assert items[3].url == site.server.url("/viewtopic.php?start=3&t=5") + "#p104"
    assert all(i.extra["layout"] == "phpbb" for i in items)
    # rel="next" was followed; the "next topic" link was not.
    assert page_requests(site) == ["/viewtopic.php?t=5", "/viewtopic.php?t=5&start=3"]


def test_xenforo_thread_with_offsets_and_quotes(site):
    url = site.server.url("/threads/acme-vs-globex.42/")
    items, warnings, _ = run(source(url))
    assert warnings == []
    assert [(i.author, i.id.rsplit("#", 1)[1]) for i in items] == [
        ("frank", "post-9001"), ("Grace Hopper", "post-9002"), ("heidi", "post-9003")]
    assert items[0].title == "Acme vs Globex for a small team"
    assert items[0].published_at == datetime(2026, 3, 4, 12, 30, tzinfo=UTC)  # +0200 in page
    assert items[2].published_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert items[0].text == "Acme is overpriced.\nGlobex?"
    assert items[1].text == "Not for support, Acme answers in minutes."
    assert "You and 3 others" not in " ".join(i.text for i in items)


def test_discourse_crawler_view(site):
    url = site.server.url("/t/acme-review/77")
    items, warnings, _ = run(source(url))
    assert warnings == []
    assert [(i.author, i.extra["layout"]) for i in items] == [
        ("jules", "discourse"), ("karim", "discourse"), ("léa", "discourse")]
    assert [i.id for i in items] == [f"forum:{url}#post_{n}" for n in (1, 2, 3)]
    assert items[0].title == "Avis sur Acme Analytics" and items[0].score == 4
    assert items[0].text == "Vos avis sur Acme ?"
    assert items[2].published_at == datetime(2026, 3, 8, 11, 30, tzinfo=UTC)
    assert items[2].parent_id == items[0].id


def test_unknown_markup_is_kept_as_one_item_with_a_warning(site):
    url = site.server.url("/blog/acme-review")
    items, warnings, _ = run(source(url))
    item, = items
    assert "sentiment scores were often wrong" in item.text and "Example Blog" not in item.text
    assert item.id == f"forum:{url}#0" and item.title == "Our review of Acme Analytics"
    assert len(warnings) == 1 and "could not be separated" in warnings[0]


def test_later_runs_read_only_the_last_page_and_what_follows(site):
    urls = [site.server.url(p) for p in ("/viewtopic.php?t=5", "/threads/acme-vs-globex.42/",
                                         "/t/acme-review/77")]
    first, _, state = run(source(*urls))
    asked_first = page_requests(site)
    assert len(first) == 11 and len(asked_first) == 6
    site.server.clear()
    again, warnings, state = run(source(*urls), state)
    assert again == [] and warnings == []
    # One conditional request per thread, for its last page, each answered 304.
    asked = [r for r in site.server.requests if r.path != "/robots.txt"]
    assert sorted(r.target for r in asked) == sorted([
        "/viewtopic.php?t=5&start=3", "/threads/acme-vs-globex.42/page-2",
        "/t/acme-review/77?page=2"])
    assert all(r.header("If-None-Match") for r in asked)

    # A new reply on the last page: that page is read again; page 1 is not.
    site.pages.update(phpbb_pages([phpbb_post(106, "frank", "Wed Mar 04, 2026 8:00 am",
                                              "Acme posted an incident report.")]))
    site.server.clear()
    third, warnings, state = run(source(*urls), state)
    assert warnings == []
    assert [i.author for i in third] == ["dave", "erin", "frank"]
    new = third[-1]
    assert new.parent_id == f"forum:{urls[0]}#p101" and new.title is None
    assert "/viewtopic.php?t=5" not in page_requests(site)


def test_max_pages_then_the_next_run_goes_on(site):
    site.pages.update(xf_pages(3))
    url = site.server.url("/threads/acme-vs-globex.42/")
    items, _, state = run(source(url, max_pages=2))
    assert [i.author for i in items] == ["frank", "Grace Hopper", "heidi"]
    site.server.clear()
    items, warnings, state = run(source(url, max_pages=2), state)
    # Page 2 is unchanged (304), so its remembered next link leads to page 3.
    assert [i.author for i in items] == ["ivan"] and warnings == []
    assert items[0].parent_id == f"forum:{url}#post-9001"
    assert page_requests(site) == ["/threads/acme-vs-globex.42/page-2",
                                   "/threads/acme-vs-globex.42/page-3"]
    items, _, state = run(source(url, max_pages=2), state)
    assert items == []


def test_failures_are_classified_and_other_threads_go_on(site):
    good = site.server.url("/t/acme-review/77")
    gone = site.server.url("/viewtopic.php?t=999")
    items, warnings, state = run(source(gone, good))
    assert len(items) == 3
    assert len(warnings) == 1 and "http_error" in warnings[0] and "404" in warnings[0]
    assert list(state["threads"]) == [good]

    with pytest.raises(CollectorError) as info:
        run(source(gone))
    assert info.value.category == "http_error" and "every thread failed" in str(info.value)

    # A later page failing keeps the earlier pages' posts, and says so.
    site.broken["/t/acme-review/77?page=2"] = 500
    items, warnings, _ = run(source(good))
    assert [i.author for i in items] == ["jules", "karim"]
    assert len(warnings) == 1 and "500" in warnings[0]

    # A credential in a configured URL never reaches a message.
    secret = gone.replace("http://", "http://reader:s3cret@") + "&token=abc123"
    _, warnings, _ = run(source(secret, good))
    assert "404" in warnings[0] and "token=***" in warnings[0]
    assert not any("s3cret" in w or "abc123" in w for w in warnings)

    with pytest.raises(CollectorError) as info:
        run(source("ftp://example.org/thread"))
    assert info.value.category == "parse_error" and "ftp://example.org/thread" in str(info.value)


def test_through_the_runner_into_duckdb(site, tmp_path):
    from collectors.runner import run as run_sources

    urls = ", ".join(f'"{site.server.url(p)}"' for p in (
        "/viewtopic.php?t=5", "/threads/acme-vs-globex.42/", "/t/acme-review/77"))
    watch = local_watch(tmp_path, f"""
[[sources]]
name = "forums"
kind = "forum"
urls = [{urls}]
""")
    db = tmp_path / "veille.duckdb"
    first = run_sources(watch, db, progress=False)[0]
    second = run_sources(watch, db, progress=False)[0]
    assert (first.status, first.new, first.warnings) == ("ok", 11, 0)
    assert (second.status, second.seen, second.new) == ("ok", 0, 0)
    authors = {r[0] for r in db_rows(db, "SELECT author FROM items")}
    mentions = dict(db_rows(db, "SELECT brand, count(*) FROM mentions GROUP BY brand"))
    (replies,), = db_rows(db, "SELECT count(*) FROM items WHERE parent_id IS NOT NULL")
    assert {"alice", "Grace Hopper", "léa"} <= authors
    assert replies == 8
    assert mentions == {"Acme": 4, "Globex": 3}


# --- the splitter on other engines' markup, and on hostile input -----------------------------

VB4 = """<html lang="en"><head><title>Acme router keeps rebooting - Example vB Forums</title>
</head><body><div id="postlist"><ol id="posts" class="posts">
<li class="postbitlegacy postbitim postcontainer old" id="post_7001">
 <div class="posthead"><span class="postdate old"><span class="date">03-09-2026,&nbsp;<span
   class="time">08:15 PM</span></span></span></div>
 <div class="postdetails"><div class="userinfo"><a class="username offline popupctrl"
   href="member.php?u=3"><strong>modemguy</strong></a></div>
 <div class="postbody"><div class="postrow"><h2 class="title icon">Acme router keeps
   rebooting</h2><div class="content"><div id="post_message_7001"><blockquote
   class="postcontent restore">My Acme R7 reboots every night.</blockquote></div></div></div>
 </div></div></li>
<li class="postbitlegacy postbitim postcontainer old" id="post_7002">
 <div class="posthead"><span class="postdate old"><span class="date">03-10-2026,&nbsp;<span
   class="time">07:05 AM</span></span></span></div>
 <div class="postdetails"><div class="userinfo"><a class="username online popupctrl"
   href="member.php?u=4"><strong>netadmin</strong></a></div>
 <div class="postbody"><div class="postrow"><div class="content"><div id="post_message_7002">
   <blockquote class="postcontent restore"><div class="bbcode_container"><div
   class="bbcode_quote"><div class="quote_container">Originally Posted by modemguy: My Acme R7
   reboots</div></div></div>Update the firmware to 2.1.</blockquote></div></div></div>
 </div></div></li>
</ol></div>
<div class="pagination"><span><a rel="next" href="showthread.php?t=55&amp;page=2">&gt;</a>
</span></div></body></html>"""

MICRODATA = """<html lang="en"><head><title>Is Globex worth it?</title></head><body>
<article itemscope itemtype="https://schema.org/Question">
 <h1 itemprop="name">Is Globex worth it?</h1>
 <div itemprop="text"><p>Thinking of moving from Acme to Globex.</p></div>
 <span itemprop="author" itemscope itemtype="https://schema.org/Person"><span
   itemprop="name">olga</span></span>
 <time itemprop="dateCreated" datetime="2026-03-11T10:00:00-05:00">March 11</time>
 <div itemprop="suggestedAnswer" itemscope itemtype="https://schema.org/Answer" id="a-1">
  <div itemprop="text">Yes, if you need the API.</div>
  <meta itemprop="author" content="pavel"><meta itemprop="dateCreated"
   content="2026-03-11T12:00:00Z"></div>
</article></body></html>"""

GENERIC = """<html lang="de"><body><h1>Kein Empfang mit Acme</h1>
<div class="ForumComment" id="c1"><span class="CommentAuthorName">uwe</span><span
 class="CommentTime">12.03.26 09:41</span><div class="CommentText">Seit gestern kein Netz.</div>
</div>
<div class="ForumComment" id="c2"><span class="CommentAuthorName">vera</span><span
 class="CommentTime">12.03.26 10:02</span><div class="CommentText">Bei mir auch, Acme schweigt.
</div></div></body></html>"""


def test_the_splitter_on_vbulletin_microdata_and_unnamed_markup():
    from collectors.forum import parse_thread_page

    page = parse_thread_page(VB4, "https://vb.example/showthread.php?t=55")
    assert page.layout == "vbulletin"
    assert [(p.post_id, p.author) for p in page.posts] == [("post_7001", "modemguy"),
                                                          ("post_7002", "netadmin")]
    assert page.posts[0].published_at == datetime(2026, 3, 9, 20, 15, tzinfo=UTC)
    assert page.posts[1].text == "Update the firmware to 2.1."  # the quote is left out
    assert page.next_url == "https://vb.example/showthread.php?t=55&page=2"

    page = parse_thread_page(MICRODATA, "https://qa.example/q/1")
    assert page.layout == "microdata"
    question, answer = page.posts
    assert (question.author, question.text) == ("olga", "Thinking of moving from Acme to Globex.")
    assert question.published_at == datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
    assert (answer.author, answer.text, answer.role) == ("pavel", "Yes, if you need the API.",
                                                         "answer")
    assert question.role == "question" and answer.parent is None  # no id on the question

    page = parse_thread_page(GENERIC, "https://forum.example/t/9")
    assert page.layout == "generic" and page.title == "Kein Empfang mit Acme"
    assert [(p.author, p.text) for p in page.posts] == [
        ("uwe", "Seit gestern kein Netz."), ("vera", "Bei mir auch, Acme schweigt.")]
    assert page.posts[0].published_at == datetime(2026, 3, 12, 9, 41, tzinfo=UTC)


def test_hostile_html_neither_crashes_nor_hangs():
    from collectors.base import ParseError
    from collectors.forum import html_to_text, parse_thread_page

    nested = "<div>" * 200 + "Acme" + "</div>" * 200
    assert html_to_text(nested) == "Acme"
    # libxml2 stops building the tree 256 levels down: no crash, the text that deep is lost.
    deep = "<div>" * 20_000 + "Acme" + "</div>" * 20_000
    assert html_to_text(deep) == ""
    page = parse_thread_page(f"<html><body>{deep}</body></html>", "https://x.example/t")
    assert page.posts == [] and page.layout is None
    assert html_to_text("<p>a<script>alert(1)</script>b</p><pre>x\n  y</pre>") == "ab\n\nx\ny"
    assert html_to_text("<<<>>>&&&") != "" and html_to_text("") == ""
    with pytest.raises(ParseError):
        parse_thread_page("", "https://x.example/t")
