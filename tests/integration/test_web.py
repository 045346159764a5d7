"""The web source against a real local site: pages once, boilerplate churn ignored, real edits
reported as change items, 304s free, failures per page; then into a real DuckDB file."""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime

import pytest

from analysis.pagediff import MINUS
from analysis.query import compile_query
from collectors.base import Context, Item
from collectors.http import Fetcher, HttpStatusError
from collectors.pipeline import Analyser
from collectors.web import WebCollector, WebConfigError
from config import Brand, CollectSettings
from store import Filters, writing
from store.snapshots import page_changes, page_snapshots
from store.writes import write_batch
from tests.conftest import local_watch
from tests.localserver import LocalServer, Request

LOCAL = CollectSettings(per_host_delay=0.0, timeout=10.0,
                        allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
BRANDS = [Brand(name=n, query=q, compiled=compile_query(q)) for n, q in
          (("Acme", '"Acme Analytics" OR acme'), ("Globex", "globex"))]

COOKIE_BANNER = """
<div id="cookie-banner" class="cookie-consent" role="dialog">
  <p>Nous utilisons des cookies pour mesurer l'audience et améliorer votre expérience.
  <a href="/cookies">En savoir plus</a></p>
  <button>Tout accepter</button><button>Tout refuser</button>
</div>"""
HEADER = """
<header class="site-header">
  <a href="/" class="logo">Acme Analytics</a>
  <nav aria-label="Menu principal"><ul>
    <li><a href="/produit">Produit</a></li><li><a href="/tarifs">Tarifs</a></li>
    <li><a href="/carrieres">Carrières</a></li><li><a href="/presse">Presse</a></li>
    <li><a href="/connexion">Se connecter</a></li>
  </ul></nav>
</header>"""


def footer(site: dict) -> str:
    return f"""
<footer class="site-footer">
  <ul><li><a href="/cgu">CGU</a></li><li><a href="/confidentialite">Confidentialité</a></li>
  <li><a href="/contact">Contact</a></li></ul>
  <p>Acme Analytics SAS, 12 rue de la Paix, 75002 Paris</p>
  <p>© {site['year']} Acme Analytics. Tous droits réservés.</p>
  <p class="debug">Session : {site['token']}</p>
</footer>"""


def document(site: dict, title: str, body: str, lang: str = "fr") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="csrf-token" content="{site['token']}">
<meta property="og:site_name" content="Acme Analytics">
<script>window.__SESSION__ = "{site['token']}";</script>
</head><body>{COOKIE_BANNER}{HEADER}
<main><article>{body}</article></main>{footer(site)}
</body></html>"""


def pricing(site: dict) -> str:
    return document(site, "Tarifs — Acme Analytics", f"""
  <h1>Des tarifs simples pour les équipes marketing</h1>
  <p class="updated">Mis à jour le {site['date']}</p>
  <p>Acme Analytics mesure ce que l'on dit de votre marque sur le web, les réseaux sociaux et
  les forums. Choisissez l'offre qui correspond à la taille de votre équipe : vous pouvez
  changer d'offre à tout moment, sans frais.</p>
  <h2>Starter</h2>
  <p>L'offre Starter coûte {site['starter']} € par mois et par utilisateur, sans engagement,
  jusqu'à 3 utilisateurs.</p>
  <ul><li>5 marques suivies</li><li>Alertes quotidiennes par e-mail</li>
  <li>Historique de 3 mois</li></ul>
  <h2>Pro</h2>
  <p>L'offre Pro coûte 59 € par mois et par utilisateur, avec un nombre d'utilisateurs
  illimité.</p>
  <ul><li>25 marques suivies</li><li>Alertes en temps réel</li><li>Historique de 2 ans</li>
  <li>Export PDF et CSV</li></ul>
  <h2>Entreprise</h2>
  <p>Pour les grands comptes, l'offre Entreprise est sur devis : authentification unique,
  engagement de niveau de service et accompagnement dédié.</p>
  <p class="counter">Cette page a été vue {site['views']} fois</p>""")


def careers(site: dict) -> str:
    return document(site, "Carrières — Acme Analytics", f"""
  <h1>Rejoignez Acme Analytics</h1>
  <p>Publié il y a {site['hours']} heures</p>
  <p>Nous sommes une équipe de quarante personnes à Paris et à Lyon qui aide les marques à
  comprendre ce que l'on dit d'elles. Nous recrutons des profils curieux et rigoureux.</p>
  <h2>Postes ouverts</h2>
  <ul><li>Développeur backend Python (CDI, Paris)</li>
  <li>Chargée de communauté (CDI, Lyon)</li></ul>
  <p>Nos avantages : télétravail deux jours par semaine, mutuelle prise en charge à 100 %,
  budget formation annuel.</p>""")


def terms(site: dict) -> str:
    return document(site, "Terms of Service — Acme Analytics", """
  <h1>Terms of Service</h1>
  <p>These terms govern your use of the Acme Analytics service. By creating an account you
  agree to them. We may update them; we will tell you by e-mail thirty days in advance.</p>
  <h2>Data retention</h2>
  <p>We keep your collected data for as long as your subscription is active, and delete it
  ninety days after the end of your subscription.</p>""", lang="en")


def initial_site() -> dict:
    return {"date": "12/03/2026", "views": "1 234", "token": "8f3a9c2e1b7d4f60a9c2",
            "year": "2026", "hours": "3", "starter": "29"}


def html(body: str) -> tuple[int, dict, str]:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


@pytest.fixture
def site():
    """A competitor's site on 127.0.0.1 whose pages the test edits between visits."""
    state = initial_site()

    def terms_route(request: Request):
        # A static page served with an ETag, as CDNs do.
        if request.header("If-None-Match") == '"terms-v1"':
            return 304, {"ETag": '"terms-v1"'}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": '"terms-v1"'}, \
            terms(state)

    routes = {
        "/tarifs": lambda r: html(pricing(state)),
        "/carrieres": lambda r: html(careers(state)),
        "/cgu": terms_route,
    }
    with LocalServer(routes) as server:
        server.site = state
        yield server


@pytest.fixture
def fetcher():
    with Fetcher(LOCAL) as f:
        yield f


def visit(server, fetcher, state: dict, *, paths=("/tarifs", "/carrieres", "/cgu"),
          brand: str | None = None, warnings: list | None = None) -> list[Item]:
    """One run of the source, with its state saved and reloaded as JSON like the runner does."""
    settings = {"urls": [server.url(p) for p in paths], "brand": brand}
    ctx = Context(state=json.loads(json.dumps(state)), brands=BRANDS, collect=LOCAL,
                  warn=(warnings if warnings is not None else []).append, http=fetcher)
    items = list(WebCollector("rivals", settings).collect(ctx))
    state.clear()
    state.update(json.loads(json.dumps(ctx.state)))
    return items


def test_first_visit_gives_one_item_per_page_with_the_main_text(site, fetcher):
    state: dict = {}
    items = visit(site, fetcher, state)
    assert [i.url for i in items] == [site.url("/tarifs"), site.url("/carrieres"),
                                      site.url("/cgu")]
    assert all(i.kind == "web" and i.id is None and i.parent_id is None for i in items)
    price = items[0]
    assert price.title == "Des tarifs simples pour les équipes marketing"
    assert "L'offre Starter coûte 29 € par mois" in price.text
    # Cookie banner, menu, footer and session token are not part of the page's text.
    for noise in ("cookies", "Se connecter", "Tous droits réservés", "8f3a9c2e",
                  "Confidentialité"):
        assert noise not in price.text
    assert price.published_at == datetime(2026, 3, 12)  # "Mis à jour le 12/03/2026"
    assert items[2].title == "Terms of Service"
    assert set(state["pages"]) == {i.url for i in items}


def test_boilerplate_churn_gives_nothing_and_unchanged_pages_are_asked_conditionally(
        site, fetcher):
    state: dict = {}
    visit(site, fetcher, state)
    site.site.update(date="19/03/2026", views="1 301", token="0b4d7e19aa3c55f2e8d1",
                     year="2027", hours="26")
    site.clear()
    warnings: list = []
    assert visit(site, fetcher, state, warnings=warnings) == []
    assert warnings == []
    terms_hit, = site.hits("/cgu")
    assert terms_hit.header("If-None-Match") == '"terms-v1"'


def test_a_price_change_gives_exactly_one_change_item_and_updates_the_page(site, fetcher):
    state: dict = {}
    first = visit(site, fetcher, state)
    page_id = first[0].item_id
    site.site.update(date="19/03/2026", views="1 301", token="0b4d7e19aa3c55f2e8d1")
    assert visit(site, fetcher, state) == []
    site.site.update(starter="35", date="26/03/2026", views="1 420")
    items = visit(site, fetcher, state)
    changes = [i for i in items if i.parent_id]
    pages = [i for i in items if not i.parent_id]
    assert len(changes) == 1 and len(pages) == 1
    change, page = changes[0], pages[0]
    assert page.item_id == page_id and "35 € par mois" in page.text
    assert change.parent_id == page_id
    assert change.id.startswith(f"change:{site.url('/tarifs')}:")
    assert change.url == site.url("/tarifs")
    lines = change.text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{MINUS} ") and "29 €" in lines[0]
    assert lines[1].startswith("+ ") and "35 €" in lines[1]
    assert change.title == ("Change on Des tarifs simples pour les équipes marketing — Acme: "
                            f"+1 / {MINUS}1 lines")
    assert change.extra["change"] is True
    assert change.extra["removed"] == [lines[0][2:]] and change.extra["added"] == [lines[1][2:]]
    # Seen again unchanged: nothing more.
    assert visit(site, fetcher, state) == []


def test_the_configured_brand_is_named_in_the_change_title(site, fetcher):
    state: dict = {}
    visit(site, fetcher, state, paths=("/carrieres",), brand="Globex")
    site.site["hours"] = "5"
    site.routes["/carrieres"] = lambda r: html(
        careers(site.site).replace("Chargée de communauté", "Responsable des partenariats"))
    change, = [i for i in visit(site, fetcher, state, paths=("/carrieres",), brand="Globex")
               if i.parent_id]
    assert change.title.startswith("Change on Rejoignez Acme Analytics — Globex: ")
    assert BRANDS[1].compiled.matches(change.title)
    assert change.extra["brand"] == "Globex"


def test_a_failing_page_is_a_warning_and_the_others_still_come(site, fetcher):
    site.routes["/presse"] = (404, {"Content-Type": "text/html"}, "<h1>Page introuvable</h1>")
    site.routes["/plaquette.pdf"] = (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7")
    warnings: list = []
    items = visit(site, fetcher, {}, paths=("/presse", "/tarifs", "/plaquette.pdf"),
                  warnings=warnings)
    assert [i.url for i in items] == [site.url("/tarifs")]
    assert len(warnings) == 2
    assert "http_error" in warnings[0] and "404" in warnings[0] and "/presse" in warnings[0]
    assert "not_a_page" in warnings[1] and "application/pdf" in warnings[1]


def test_when_every_page_fails_the_first_failure_is_raised(site, fetcher):
    warnings: list = []
    with pytest.raises(HttpStatusError) as caught:
        visit(site, fetcher, {}, paths=("/gone", "/also-gone"), warnings=warnings)
    assert caught.value.category == "http_error" and "/gone" in str(caught.value)
    assert len(warnings) == 2


def test_bad_options_are_named(site, fetcher):
    with pytest.raises(WebConfigError, match="option 'brand': 'Initech' is not a configured "
                                             "brand .*'Acme', 'Globex'"):
        visit(site, fetcher, {}, brand="Initech")
    warnings: list = []
    items = visit(site, fetcher, {}, paths=("/tarifs",), warnings=warnings) + \
        list(WebCollector("rivals", {"urls": ["acme.example/tarifs", site.url("/cgu")]}).collect(
            Context(brands=BRANDS, collect=LOCAL, warn=warnings.append, http=fetcher)))
    assert len(items) == 2
    assert warnings == ["config_error: source 'rivals', option 'urls': 'acme.example/tarifs' is "
                        "not an absolute http(s) URL such as https://example.com/pricing"]
    with pytest.raises(WebConfigError, match="option 'urls': the list is empty"):
        list(WebCollector("rivals", {"urls": []}).collect(Context(http=fetcher)))


def test_a_page_removed_from_the_config_leaves_the_state(site, fetcher):
    state: dict = {}
    visit(site, fetcher, state)
    visit(site, fetcher, state, paths=("/cgu",))
    assert list(state["pages"]) == [site.url("/cgu")]


def store_items(db, items: list[Item], state: dict) -> None:
    """Analyse and write items exactly as the runner's store step does."""
    rows, mentions = Analyser(BRANDS).rows(items, "rivals", datetime(2026, 3, 26, 12))
    with writing(db) as con:
        write_batch(con, rows, mentions, source="rivals", kind="web", state=state)


def test_changes_are_read_back_from_a_real_database(site, fetcher, tmp_path):
    db = tmp_path / "veille.duckdb"
    state: dict = {}
    for edit in ({}, {"views": "1 300", "date": "19/03/2026"}, {"starter": "35"}):
        site.site.update(edit)
        items = visit(site, fetcher, state)
        for item in items:
            item.source = "rivals"
        store_items(db, items, state)
    changes = page_changes(db, Filters())
    assert len(changes) == 1
    row = changes.iloc[0]
    assert (row.added, row.removed, row.url) == (1, 1, site.url("/tarifs"))
    assert "Acme" in row.brand.split(", ")
    assert "+ " in row.text and "35 €" in row.text
    assert page_changes(db, Filters(brands=("Globex",))).empty
    snapshots = page_snapshots(db)
    assert sorted(snapshots.url) == sorted(site.url(p) for p in ("/tarifs", "/carrieres", "/cgu"))
    tarifs = snapshots.set_index("url").loc[site.url("/tarifs")]
    assert "35 €" in tarifs.text and tarifs.changed_at


def test_through_the_runner_into_duckdb(site, tmp_path):
    from collectors.runner import run

    urls = ", ".join(f'"{site.url(p)}"' for p in ("/tarifs", "/carrieres", "/cgu"))
    watch = local_watch(tmp_path, f"""
[[sources]]
name = "rivals"
kind = "web"
urls = [{urls}]
brand = "Acme"
""", brands='[[brands]]\nname = "Acme"\nquery = \'"Acme Analytics" OR acme\'\n')
    db = tmp_path / "veille.duckdb"
    results = [run(watch, db, progress=False)[0]]
    site.site.update(views="1 300", date="19/03/2026", token="77aa88bb99cc00dd11ee")
    results.append(run(watch, db, progress=False)[0])
    site.site.update(starter="35")
    results.append(run(watch, db, progress=False)[0])
    assert [(r.status, r.new, r.updated) for r in results] == [
        ("ok", 3, 0), ("ok", 0, 0), ("ok", 1, 1)]
    change, = page_changes(db, Filters()).itertuples()
    assert (change.brand, change.added, change.removed) == ("Acme", 1, 1)
    assert "29 €" in change.text and "35 €" in change.text


def test_an_ipv6_literal_source_is_collected_and_its_links_stored_whole(tmp_path):
    from tests.conftest import collect, db_rows

    page = ("<html><head><title>Acme over IPv6</title></head><body><article>"
            + "<p>Acme Analytics answers on an IPv6 address and lowers its prices.</p>" * 3
            + "</article></body></html>")
    with LocalServer(host="::1") as srv:
        feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>v6</title>'
                f"<link>{srv.url('/')}</link><item><title>Acme news</title>"
                f"<link>{srv.url('/news/1')}</link><description>Acme opens a shop.</description>"
                f"<pubDate>Mon, 01 Jun 2026 08:00:00 GMT</pubDate></item></channel></rss>")
        srv.routes.update({"/v6": (200, {"Content-Type": "text/html; charset=utf-8"}, page),
                           "/feed": (200, {"Content-Type": "application/rss+xml"}, feed)})
        config = tmp_path / "watch.toml"
        config.write_text(f"""
[[brands]]
name = "Acme"
query = "acme"

[collect]
per_host_delay = 0
allow_networks = ["::1/128"]

[[sources]]
name = "rivals"
kind = "web"
urls = ["{srv.url('/v6')}"]

[[sources]]
name = "news"
kind = "feeds"
urls = ["{srv.url('/feed')}"]
""", encoding="utf-8")
        db = tmp_path / "veille.duckdb"
        proc = collect(config, db, check=False)
    assert proc.returncode == 0, proc.stderr
    assert srv.url("/v6").startswith("http://[::1]:")
    urls = {source: url for source, url in db_rows(db, "SELECT source, url FROM items")}
    assert urls == {"rivals": srv.url("/v6"), "news": srv.url("/news/1")}
