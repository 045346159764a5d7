"""The feeds source kind against a real server on 127.0.0.1: formats, discovery, 304s, full text."""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from collectors import kind_options
from collectors.base import Context
from collectors.feeds import FeedsCollector, html_to_text, parse_feed, unwrap_link
from collectors.http import Fetcher, NotAFeed
from config.watch import CollectSettings
from tests.localserver import LocalServer, conditional

SETTINGS = CollectSettings(per_host_delay=0.0, timeout=5.0,
                           allow_networks=[ipaddress.ip_network("127.0.0.0/8")])

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Le Blog Café</title><link>https://blog.example/</link><description>Actualités</description>
  <item>
    <title>Lancement de la gamme « Éclair » chez Boulangerie Dupont</title>
    <link>/articles/eclair?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">cafe-1</guid>
    <dc:creator>Amélie Poulain</dc:creator>
    <pubDate>Tue, 02 Jun 2026 09:30:00 +0200</pubDate>
    <description><![CDATA[<p>Une <b>nouveauté</b> très attendue&nbsp;!</p>
      <script>alert('x')</script><p>Deuxième paragraphe, façon crème brûlée.</p>]]></description>
  </item>
  <item>
    <title>Les croissants de Dupont</title>
    <link>https://example.org/shared?utm_source=blog</link>
    <pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate>
    <description>Résumé court.</description>
    <content:encoded><![CDATA[<h2>Le goût</h2><p>Un croissant au beurre d'Isigny.</p>]]>
    </content:encoded>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Veille Atom</title><id>urn:uuid:veille-atom</id><updated>2026-06-03T10:00:00Z</updated>
  <entry>
    <title type="html">Les &lt;em&gt;crêpes&lt;/em&gt; de Marie</title>
    <link rel="alternate" href="https://example.org/crepes"/>
    <id>tag:example.org,2026:crepes</id>
    <updated>2026-06-03T10:00:00+02:00</updated>
    <author><name>Marie Curie</name></author>
    <content type="html">&lt;p&gt;Des crêpes à la farine de sarrasin.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Même article, autre flux</title>
    <link rel="alternate" href="https://example.org/shared?utm_campaign=atom&amp;fbclid=xyz"/>
    <id>tag:example.org,2026:shared</id>
    <updated>2026-06-01T08:00:00Z</updated>
    <summary>Le même croissant.</summary>
  </entry>
</feed>
"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/rdf">
    <title>Flux RDF</title><link>https://example.org/</link><description>d</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://example.org/rdf/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://example.org/rdf/1">
    <title>Élection du meilleur pâtissier</title>
    <link>https://example.org/rdf/1</link>
    <description>Résultats du concours régional.</description>
    <dc:date>2026-05-30T12:00:00+00:00</dc:date>
    <dc:creator>Jean Dupont</dc:creator>
  </item>
</rdf:RDF>
"""

JSON_FEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "Flux JSON",
    "home_page_url": "https://example.org/", "authors": [{"name": "Équipe"}],
    "items": [
        {"id": "1", "url": "https://example.org/json/1", "title": "Prix en baisse chez Dupont",
         "content_html": "<p>Les prix baissent de 10&nbsp;%.</p>",
         "date_published": "2026-06-01T08:00:00+02:00"},
        {"id": "note-2", "content_text": "Une note sans lien, signée Zoé.",
         "date_modified": "2026-06-01T09:00:00Z", "authors": [{"name": "Zoé"}]},
    ],
}, ensure_ascii=False)

# Latin-1 bytes under a declaration that claims UTF-8: the declared charset is wrong.
LATIN1_LYING = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Cuisine</title>'
    "<link>https://example.org/</link><description>x</description><item>"
    "<title>Crème brûlée à Noël</title><link>https://example.org/creme</link>"
    "<description>Très réussie, déjà goûtée.</description></item></channel></rss>"
).encode("latin-1")

JUNK_FIRST = (b"\n\n   \r\n<link rel='canonical' href='https://example.org/x'/>\n"
              + RSS2.replace("Le Blog Café", "Junk").encode("utf-8"))
BOM_FIRST = b"\xef\xbb\xbf\n\n" + ATOM.encode("utf-8")

HOME = """<!DOCTYPE html><html lang="fr"><head><title>Boulangerie Dupont</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Actualités" href="/feed.xml">
<link rel="alternate" type="application/rss+xml" title="Commentaires" href="/comments.xml">
</head><body><h1>Bienvenue chez Dupont</h1></body></html>"""

NO_FEED = """<!DOCTYPE html><html><head><title>Rien</title></head>
<body><p>Pas de flux ici.</p></body></html>"""

ALERTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reference-time:alerts-feed</id>
  <title>Alerte Google - Dupont</title>
  <link href="https://www.google.com/alerts/feeds/0123/4567" rel="self"/>
  <updated>2026-06-04T06:00:00Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:1234</id>
    <title type="html">La &lt;b&gt;Boulangerie Dupont&lt;/b&gt; ouvre à Lyon</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://www.lyon-actu.example/dupont-ouvre%3Futm_source%3Dalerts&amp;ct=ga&amp;cd=CAEYACoUMTI&amp;usg=AOvVaw0abc"/>
    <published>2026-06-04T05:00:00Z</published>
    <updated>2026-06-04T05:00:00Z</updated>
    <content type="html">La &lt;b&gt;Boulangerie Dupont&lt;/b&gt; a ouvert une boutique.</content>
    <author><name/></author>
  </entry>
</feed>
"""

ARTICLE = """<!DOCTYPE html><html lang="fr"><head><title>Les éclairs de Dupont</title></head>
<body><nav><a href="/">Accueil</a> | <a href="/contact">Contact</a></nav>
<article><h1>Les éclairs de Dupont</h1>
<p>La Boulangerie Dupont lance une gamme d'éclairs au chocolat noir et au café, préparés chaque
matin dans son atelier lyonnais avec du beurre de baratte et une crème pâtissière maison.</p>
<p>Les premiers clients saluent une pâte à choux croustillante et un glaçage brillant, même si
certains trouvent le prix de quatre euros l'unité un peu élevé pour une pâtisserie de quartier.</p>
<p>La direction prévoit d'étendre la gamme à la pistache et à la framboise dès la rentrée, et
d'ouvrir deux nouvelles boutiques à Villeurbanne et à Caluire avant la fin de l'année.</p>
</article><footer>© Dupont 2026 — mentions légales</footer></body></html>"""

XML = {"Content-Type": "application/rss+xml"}


def collect(urls, state=None, **options):
    """Run the collector once with its own Fetcher; return (items, state, warnings)."""
    warnings: list[str] = []
    ctx = Context(state=state if state is not None else {}, collect=SETTINGS,
                  warn=warnings.append)
    with Fetcher(SETTINGS) as http:
        ctx.http = http
        collector = FeedsCollector("presse", {"urls": urls, "full_text": False,
                                              "max_entries": 200, **options})
        items = list(collector.collect(ctx))
    return items, ctx.state, warnings


@pytest.fixture
def server():
    routes = {
        "/rss.xml": (200, XML, RSS2),
        "/atom.xml": (200, {"Content-Type": "application/atom+xml"}, ATOM),
        "/rdf.xml": (200, {"Content-Type": "application/rdf+xml"}, RDF),
        "/feed.json": (200, {"Content-Type": "application/feed+json"}, JSON_FEED),
        "/latin1.xml": (200, {"Content-Type": "application/rss+xml"}, LATIN1_LYING),
        "/junk.xml": (200, {"Content-Type": "text/xml"}, JUNK_FIRST),
        "/bom.xml": (200, {"Content-Type": "application/atom+xml"}, BOM_FIRST),
        "/": (200, {"Content-Type": "text/html; charset=utf-8"}, HOME),
        "/feed.xml": (200, XML, RSS2),
        "/plain.html": (200, {"Content-Type": "text/html"}, NO_FEED),
        "/alerts.xml": (200, {"Content-Type": "application/atom+xml"}, ALERTS),
    }
    with LocalServer(routes) as srv:
        yield srv


def by_title(items):
    return {item.title: item for item in items}


def test_rss2_entries_become_clean_items(server):
    items, _, warnings = collect([server.url("/rss.xml")])
    assert warnings == []
    first = by_title(items)["Lancement de la gamme « Éclair » chez Boulangerie Dupont"]
    assert first.kind == "rss"
    # relative link made absolute, tracking parameters gone
    assert first.url == server.url("/articles/eclair")
    assert first.id is None  # the URL is the identity
    assert first.text == ("Une nouveauté très attendue !\n"
                          "Deuxième paragraphe, façon crème brûlée.")
    assert "alert" not in first.text and "<" not in first.text
    assert first.author == "Amélie Poulain"
    assert first.published_at == datetime(2026, 6, 2, 7, 30)  # +02:00 turned into UTC
    second = by_title(items)["Les croissants de Dupont"]
    assert second.text == "Le goût\nUn croissant au beurre d'Isigny."  # content:encoded wins


def test_atom_entries(server):
    items, _, _ = collect([server.url("/atom.xml")])
    crepes = by_title(items)["Les crêpes de Marie"]  # HTML title reduced to text
    assert crepes.url == "https://example.org/crepes"
    assert crepes.author == "Marie Curie"
    assert crepes.text == "Des crêpes à la farine de sarrasin."
    assert crepes.published_at == datetime(2026, 6, 3, 8, 0)


def test_rss1_rdf_entries(server):
    items, _, _ = collect([server.url("/rdf.xml")])
    assert len(items) == 1
    item = items[0]
    assert item.title == "Élection du meilleur pâtissier"
    assert item.url == "https://example.org/rdf/1"
    assert item.author == "Jean Dupont"
    assert item.published_at == datetime(2026, 5, 30, 12, 0)


def test_json_feed_entries_and_url_less_identity(server):
    items, _, _ = collect([server.url("/feed.json")])
    first = by_title(items)["Prix en baisse chez Dupont"]
    assert first.text == "Les prix baissent de 10 %."
    assert first.author == "Équipe"
    assert first.published_at == datetime(2026, 6, 1, 6, 0)
    note = next(i for i in items if i.title is None)
    assert note.url is None
    assert note.id == f"rss:{server.url('/feed.json')}#note-2"
    assert note.author == "Zoé"
    assert note.text == "Une note sans lien, signée Zoé."


def test_wrong_declared_charset_junk_and_bom_are_tolerated(server):
    items, _, _ = collect([server.url("/latin1.xml"), server.url("/junk.xml"),
                           server.url("/bom.xml")])
    titles = {i.title for i in items}
    assert "Crème brûlée à Noël" in titles
    assert by_title(items)["Crème brûlée à Noël"].text == "Très réussie, déjà goûtée."
    assert "Lancement de la gamme « Éclair » chez Boulangerie Dupont" in titles
    assert "Les crêpes de Marie" in titles


def test_home_page_feed_is_discovered_and_remembered(server):
    items, state, _ = collect([server.url("/")])
    assert {i.title for i in items} >= {"Les croissants de Dupont"}
    assert state["feeds"][server.url("/")]["feed_url"] == server.url("/feed.xml")
    assert server.hits("/comments.xml") == []  # the first announced feed is the one used
    server.clear()
    again, _, _ = collect([server.url("/")], state=state)
    assert again == []  # already seen
    assert server.hits("/") == []  # straight to the feed this time
    assert len(server.hits("/feed.xml")) == 1


def test_a_remembered_feed_that_disappeared_is_rediscovered(server):
    state = {"feeds": {server.url("/"): {"feed_url": server.url("/gone.xml")}}}
    items, state, warnings = collect([server.url("/")], state=state)
    assert len(items) == 2 and warnings == []
    assert state["feeds"][server.url("/")]["feed_url"] == server.url("/feed.xml")
    assert [r.path for r in server.requests if r.path != "/robots.txt"] == [
        "/gone.xml", "/", "/feed.xml"]


def test_html_page_without_feed_link_is_not_a_feed(server):
    with pytest.raises(NotAFeed) as info:
        collect([server.url("/plain.html")])
    assert info.value.category == "not_a_feed"
    assert server.url("/plain.html") in str(info.value)


def test_one_failing_feed_is_a_warning_and_the_others_still_count(server):
    items, _, warnings = collect([server.url("/plain.html"), server.url("/missing.xml"),
                                  server.url("/rdf.xml")])
    assert [i.title for i in items] == ["Élection du meilleur pâtissier"]
    assert len(warnings) == 2
    assert "not_a_feed" in warnings[0] and "/plain.html" in warnings[0]
    assert "http_error" in warnings[1] and "404" in warnings[1]


def test_google_alerts_links_are_unwrapped(server):
    items, _, _ = collect([server.url("/alerts.xml")])
    assert len(items) == 1
    alert = items[0]
    assert alert.url == "https://www.lyon-actu.example/dupont-ouvre"
    assert alert.title == "La Boulangerie Dupont ouvre à Lyon"
    assert alert.text == "La Boulangerie Dupont a ouvert une boutique."
    assert alert.author is None


def test_same_entry_in_two_feeds_has_one_identity(server):
    items, _, _ = collect([server.url("/rss.xml"), server.url("/atom.xml")])
    shared = [i for i in items if i.url == "https://example.org/shared"]
    assert len(shared) == 2  # each feed gives it ...
    assert len({i.item_id for i in shared}) == 1  # ... but it is one item


def test_second_poll_gets_304_and_yields_nothing():
    route = conditional(RSS2, etag='"rss-v1"', content_type="application/rss+xml")
    with LocalServer({"/feed.xml": route}) as srv:
        first, state, _ = collect([srv.url("/feed.xml")])
        assert len(first) == 2
        second, state, warnings = collect([srv.url("/feed.xml")], state=state)
    assert second == [] and warnings == []
    hits = srv.hits("/feed.xml")
    assert len(hits) == 2
    assert hits[1].header("If-None-Match") == '"rss-v1"'


def test_entries_already_seen_are_not_yielded_again_without_validators(server):
    first, state, _ = collect([server.url("/rss.xml")])
    second, state, _ = collect([server.url("/rss.xml")], state=state)
    assert len(first) == 2 and second == []
    assert len(state["feeds"][server.url("/rss.xml")]["seen"]) == 2


def test_max_entries_caps_each_feed(server):
    items, _, _ = collect([server.url("/rss.xml")], max_entries=1)
    assert len(items) == 1


def test_full_text_replaces_summaries_with_the_article(server):
    feed = RSS2.replace("/articles/eclair?utm_source=rss&amp;utm_medium=feed", "/article/1")
    feed = feed.replace("https://example.org/shared?utm_source=blog", "/article/gone")
    server.routes["/ft.xml"] = (200, XML, feed)
    server.routes["/article/1"] = (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)
    items, _, warnings = collect([server.url("/ft.xml")], full_text=True)
    article = next(i for i in items if i.url == server.url("/article/1"))
    assert "pâte à choux croustillante" in article.text
    assert "Villeurbanne" in article.text
    assert "mentions légales" not in article.text  # boilerplate left out
    kept = next(i for i in items if i.url == server.url("/article/gone"))
    assert kept.text == "Le goût\nUn croissant au beurre d'Isigny."
    assert len(warnings) == 1 and "1 of 2 articles" in warnings[0]


def test_every_feed_failing_raises_the_first_error(server):
    with pytest.raises(NotAFeed, match="plain.html"):
        collect([server.url("/plain.html"), server.url("/plain.html?again")])


def test_pure_helpers():
    assert html_to_text("<p>a&amp;b</p><ul><li>un</li><li>deux</li></ul>") == "a&b\nun\ndeux"
    assert html_to_text("pas de balise") == "pas de balise"
    assert unwrap_link("https://www.google.fr/url?q=https://ex.org/a&sa=U") == "https://ex.org/a"
    assert unwrap_link("https://ex.org/url?url=https://evil.example") == (
        "https://ex.org/url?url=https://evil.example")
    with pytest.raises(NotAFeed, match="OPML"):
        parse_feed(b'<?xml version="1.0"?><opml><body><outline xmlUrl="https://a/f"/>'
                   b"</body></opml>", "https://ex.org/subs.opml")


# --- through the runner, into a real DuckDB file ----------------------------------------------

def write_watch(folder: Path, urls: list[str]) -> Path:
    path = folder / "watch.toml"
    path.write_text(
        'name = "test"\n[collect]\nper_host_delay = 0\ntimeout = 5\n'
        'allow_networks = ["127.0.0.0/8"]\n\n'
        '[[brands]]\nname = "Dupont"\nquery = "Dupont"\n\n'
        f'[[sources]]\nname = "presse"\nkind = "feeds"\nurls = {json.dumps(urls)}\n',
        encoding="utf-8")
    return path


def test_runner_stores_one_item_per_entry_and_polls_conditionally(tmp_path):
    from collectors.runner import run
    from config import load_watch

    routes = {"/rss.xml": conditional(RSS2, etag='"a"', content_type="application/rss+xml"),
              "/atom.xml": conditional(ATOM, etag='"b"', content_type="application/atom+xml")}
    db = tmp_path / "veille.duckdb"
    with LocalServer(routes) as srv:
        watch = load_watch(write_watch(tmp_path, [srv.url("/rss.xml"), srv.url("/atom.xml")]),
                           kinds=kind_options())
        [first] = run(watch, db, progress=False)
        [second] = run(watch, db, progress=False)
    assert first.status == "ok" and first.seen == 4
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT url, kind, source FROM items ORDER BY url").fetchall()
        mentions = con.execute("SELECT count(*) FROM mentions WHERE brand = 'Dupont'").fetchone()
    finally:
        con.close()
    assert len(rows) == 3  # the entry present in both feeds is stored once
    assert [r[0] for r in rows].count("https://example.org/shared") == 1
    assert {r[1] for r in rows} == {"rss"} and {r[2] for r in rows} == {"presse"}
    assert mentions[0] >= 1  # brand matching ran on the stored items
    assert second.status == "ok" and second.seen == 0 and second.new == 0
    assert srv.hits("/rss.xml")[1].header("If-None-Match") == '"a"'


def test_runner_records_a_source_whose_only_feed_is_not_a_feed(tmp_path):
    from collectors.runner import run
    from config import load_watch

    with LocalServer({"/": (200, {"Content-Type": "text/html"}, NO_FEED)}) as srv:
        watch = load_watch(write_watch(tmp_path, [srv.url("/")]), kinds=kind_options())
        [result] = run(watch, tmp_path / "veille.duckdb", progress=False)
    assert result.status == "failed"
    assert result.error_kind == "not_a_feed"
    assert srv.url("/") in result.error
