"""The ``demo`` source kind: a seeded, offline telecom watch that reads like the real thing."""

from __future__ import annotations

import heapq
import random
import re
import unicodedata
from bisect import bisect
from collections import deque
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from analysis.pagediff import diff_pages
from collectors import demo_text as T
from collectors.base import Collector, CollectorError, Context, Item
from config.options import Option

# The five fictitious operators the demo talks about; watch.toml names them the same way.
# Every form a post uses to name a brand ("forms", "bf" for its plan, "products") is found by
# that brand's query in watch.toml. Ciel is only ever written with "Mobile", as a handle or a
# hashtag, or next to "forfait"/"plan": alone, "ciel" is the French word for sky.
# "share" is the brand's part of the conversation, "tone" the chances that a post about it is
# negative and positive, "official_rate" how often its own account answers first, "answered"
# the chance that a question about it gets any answer, and "topics" the weight of each topic of
# demo_text.TOPICS. A product's third field lists the topics it fits.
BRANDS: tuple[dict[str, Any], ...] = (
    {
        "name": "Opalia", "own": True, "handle": "opalia_fr", "official": "Opalia_Officiel",
        "forms": {"fr": ("Opalia",) * 8 + ("@opalia_fr", "#opalia"),
                  "en": ("Opalia",) * 8 + ("@opalia_fr", "#opalia")},
        "bf": {"fr": ("le forfait Opalia", "mon forfait Opalia"),
               "en": ("my Opalia plan", "the Opalia plan")},
        "products": (
            ("l'Opalia Box 5", "the Opalia Box 5", "box fibre prix resiliation"),
            ("l'appli Opalia", "the Opalia app", "appli service"),
            ("le forfait Opalia 5G 150 Go", "Opalia's 150GB 5G plan",
             "reseau prix roaming resiliation"),
            ("la fibre Opalia", "Opalia fibre", "fibre box"),
            ("l'eSIM Opalia", "the Opalia eSIM", "appli roaming reseau"),
        ),
        # Sold from the launch day on.
        "launched": (("l'Opalia One", "the Opalia One", "box fibre reseau prix lancement"),),
        "share": 0.24, "tone": (0.20, 0.40), "official_rate": 0.45, "answered": 0.62,
        "topics": (2, 3, 2, 2, 2, 3, 1, 1),
    },
    {
        "name": "Orbis", "own": False, "handle": "orbistelecom", "official": "Orbis_Assistance",
        "forms": {"fr": ("Orbis",) * 8 + ("@orbistelecom", "#orbis"),
                  "en": ("Orbis",) * 8 + ("@orbistelecom", "#orbis")},
        "bf": {"fr": ("le forfait Orbis", "mon forfait Orbis Max"),
               "en": ("my Orbis plan", "the Orbis Max plan")},
        "products": (
            ("l'Orbis Box Ultra", "the Orbis Box Ultra", "box fibre prix resiliation"),
            ("Orbis TV", "Orbis TV", "box"),
            ("le forfait Orbis Max 200 Go", "the Orbis Max 200GB plan",
             "reseau prix roaming resiliation panne"),
            ("la fibre Orbis 2 Gb/s", "Orbis 2 Gbps fibre", "fibre panne"),
            ("l'appli Mon Orbis", "the My Orbis app", "appli service"),
        ),
        "share": 0.25, "tone": (0.38, 0.20), "official_rate": 0.15, "answered": 0.75,
        "topics": (4, 2, 2, 3, 1, 2, 1, 1),
    },
    {
        "name": "Ciel Mobile", "own": False, "handle": "cielmobile", "official": "CielMobile_Team",
        "forms": {"fr": ("Ciel Mobile",) * 7 + ("@cielmobile", "#cielmobile"),
                  "en": ("Ciel Mobile",) * 7 + ("@cielmobile", "#cielmobile")},
        "bf": {"fr": ("le forfait Ciel", "mon forfait Ciel", "le forfait Ciel 5G"),
               "en": ("my Ciel plan", "the Ciel plan", "the Ciel 5G plan")},
        "products": (
            ("le forfait Ciel 5G 80 Go", "the Ciel 5G 80GB plan",
             "reseau prix roaming resiliation"),
            ("l'eSIM Ciel Mobile", "the Ciel Mobile eSIM", "appli roaming"),
            ("l'appli Ciel Mobile", "the Ciel Mobile app", "appli service"),
            ("le forfait Ciel Duo", "the Ciel Duo plan", "prix resiliation reseau"),
        ),
        "share": 0.19, "tone": (0.28, 0.32), "official_rate": 0.2, "answered": 0.75,
        "topics": (2, 0.3, 3, 1.5, 3, 0.3, 2, 1.5),
    },
    {
        "name": "Tilia", "own": False, "handle": "tilia_telecom", "official": "Tilia_Service",
        "forms": {"fr": ("Tilia",) * 8 + ("@tilia_telecom", "#tilia"),
                  "en": ("Tilia",) * 8 + ("@tilia_telecom", "#tilia")},
        "bf": {"fr": ("le forfait Tilia", "mon forfait Tilia Essentiel"),
               "en": ("my Tilia plan", "the Tilia plan")},
        "products": (
            ("la Tilia Box Home", "the Tilia Box Home", "box fibre prix resiliation"),
            ("le décodeur Tilia TV", "the Tilia TV box", "box"),
            ("la fibre Tilia 1 Gb/s", "Tilia 1 Gbps fibre", "fibre"),
            ("le forfait Tilia Essentiel", "the Tilia Essential plan",
             "reseau prix roaming resiliation service appli"),
        ),
        # Tilia declines: its tone moves from "tone" on the first day to "tone_end" on the last.
        "share": 0.17, "tone": (0.24, 0.32), "tone_end": (0.62, 0.08), "official_rate": 0.05,
        "answered": 0.7, "topics": (1, 3, 3, 3, 1, 4, 0.5, 2),
    },
    {
        "name": "Zephir", "own": False, "handle": "zephirmobile", "official": "Zephir_Team",
        "forms": {"fr": ("Zephir",) * 6 + ("Zéphir", "@zephirmobile", "#zephir"),
                  "en": ("Zephir",) * 8 + ("@zephirmobile", "#zephir")},
        "bf": {"fr": ("le forfait Zephir", "mon forfait Zephir à 9,99"),
               "en": ("my Zephir plan", "the Zephir plan")},
        "products": (
            ("le forfait Zephir 9,99 €", "the Zephir 9.99 plan", "reseau prix resiliation"),
            ("le Zephir Mini 20 Go", "the Zephir Mini 20GB", "prix reseau"),
            ("l'option Zephir Voyage", "the Zephir Voyage add-on", "roaming"),
            ("la carte SIM Zephir", "the Zephir SIM", "appli service reseau"),
        ),
        "share": 0.15, "tone": (0.24, 0.36), "official_rate": 0.2, "answered": 0.75,
        "topics": (2.5, 0, 4, 1.5, 2, 0, 3, 1.5),
    },
)
OWN, ORBIS, CIEL, TILIA, ZEPHIR = range(5)
BRAND_NAMES = tuple(b["name"] for b in BRANDS)
# Each brand's own account, by its author name, and the replies written by it.
OFFICIAL_BRANDS = {b["official"]: b["name"] for b in BRANDS}
_OFFICIAL_BANKS = ("official", "official_sorry")
# Where a brand's account never answers (the presence view's gap): Tilia stays off the forums.
# Tested after the random draw, so every other item stays the same.
_ABSENT = {(TILIA, "forum")}

# Event dates, in days before the day after ``end`` (1 is the last day of the period).
OUTAGE_DAY = 21
LAUNCH_DAY = 42
PRESS_DAY = 63
CIEL_CUT_DAY = 56
TILIA_RISE_DAY = 120
ORBIS_GOODWILL_DAY = 18
OUTAGE_SHAPE = (9.0, 7.5, 5.5, 2.0, 1.0, 0.5)  # extra Orbis volume, × its usual day, per event day
# The outage begins at this hour (UTC) of its first day, as a real one does: nothing before,
# then at once a burst, busiest in its first OUTAGE_SURGE hours while the news spreads.
OUTAGE_HOUR = 7
OUTAGE_SURGE = (2.5, 2.0, 1.5)
OUTAGE_BURST = ("outage burst",)  # marks the outage's own posts among an hour's timestamps
LAUNCH_SHAPE = (4.0, 2.6, 1.8, 1.2, 0.9, 0.7, 0.5, 0.4, 0.3, 0.25)
TEASER_SHAPE = (0.25, 0.35, 0.5)  # the three days before the launch
TILIA_RISE_SHAPE = (1.2, 0.7, 0.35)
CIEL_CUT_SHAPE = (0.9, 0.5, 0.25)
NONE_SHARE = 0.025  # market chatter that names no brand (replies without a brand add the rest)

OUTAGE_TERMS = ("panne", "outage", "#orbisdown", "dédommagement", "compensation", "réseau")
LAUNCH_TERMS = ("Opalia One", "lancement", "launch", "précommande", "pre-order")

# The operators' offer pages, as the ``web`` kind would see them: one line per offer, a new
# version on the days given (days before the day after ``end``; None: the first day).
_OPALIA_PAGE = ("Offres box et mobile Opalia",
                "Opalia Box 5 : fibre jusqu'à 1 Gb/s et TV, 29,99 €/mois pendant un an",
                "Forfait Opalia 5G 150 Go : 17,99 €/mois, sans engagement",
                "eSIM incluse sur tous les forfaits Opalia")
_ORBIS_PAGE = ("Forfaits mobiles Orbis",
               "Forfait Orbis Max 200 Go : 24,99 €/mois",
               "Forfait Orbis 5G 100 Go : 19,99 €/mois",
               "Orbis Box Ultra : fibre 2 Gb/s, 34,99 €/mois")
_CIEL_PAGE = ("Nos forfaits Ciel Mobile",
              "Forfait Ciel Mobile 200 Go : 19,99 €/mois",
              "Forfait Ciel Duo : 2 lignes, 24,99 €/mois")
_ZEPHIR_PAGE = ("Offres Zephir",
                "Forfait Zephir 9,99 € : 50 Go en 5G, sans engagement",
                "Zephir Mini 20 Go : 4,99 €/mois")
PAGES = (
    # (brand, url, title, ((days before, lines), …))
    (OWN, "https://www.opalia.fr/offres", "Offres box et mobile | Opalia", (
        (None, _OPALIA_PAGE),
        (LAUNCH_DAY, _OPALIA_PAGE[:1] + ("Nouveau : Opalia One, forfait 5G illimité et fibre "
                                         "jusqu'à 2 Gb/s, 39,99 €/mois",) + _OPALIA_PAGE[1:]),
    )),
    (ORBIS, "https://www.orbis-telecom.fr/forfaits-mobiles", "Forfaits mobiles | Orbis", (
        (None, _ORBIS_PAGE),
        (ORBIS_GOODWILL_DAY, _ORBIS_PAGE[:1] + ("Geste commercial : un mois offert aux clients "
                                                "Orbis touchés par l'incident réseau",)
         + _ORBIS_PAGE[1:]),
    )),
    (CIEL, "https://www.cielmobile.fr/forfaits", "Nos forfaits | Ciel Mobile", (
        (None, _CIEL_PAGE[:1] + ("Forfait Ciel Mobile 5G 80 Go : 14,99 €/mois",) + _CIEL_PAGE[1:]),
        (CIEL_CUT_DAY, _CIEL_PAGE[:1] + ("Forfait Ciel Mobile 5G 80 Go : 11,99 €/mois",)
         + _CIEL_PAGE[1:]),
    )),
    (TILIA, "https://www.tilia.fr/box-internet", "Box internet | Tilia", (
        (None, ("Box internet Tilia", "Tilia Box Home : fibre 1 Gb/s, TV et appels, 29,99 €/mois",
                "Décodeur Tilia TV inclus")),
        (TILIA_RISE_DAY, ("Box internet Tilia", "Tilia Box Home : fibre 1 Gb/s, TV et appels, "
                          "34,99 €/mois", "Décodeur Tilia TV inclus")),
    )),
    (ZEPHIR, "https://www.zephir-mobile.fr/offres", "Offres | Zephir", (
        (None, _ZEPHIR_PAGE),
        (PRESS_DAY, _ZEPHIR_PAGE[:1] + ("Bientôt : Zephir Fibre à moins de 25 €/mois",)
         + _ZEPHIR_PAGE[1:] + ("Nouveau : option Zephir Voyage, 60 pays inclus",)),
    )),
)

_PAGE_EVENTS = {  # what each page update is called in events(), and how it is received
    LAUNCH_DAY: ("opalia_one_page", "neutral"),
    ORBIS_GOODWILL_DAY: ("orbis_goodwill_page", "neutral"),
    CIEL_CUT_DAY: ("ciel_price_cut", "positive"), TILIA_RISE_DAY: ("tilia_price_rise", "negative"),
    PRESS_DAY: ("zephir_fibre_page", "neutral"),
}

# When people post, per hour of the day (UTC); Reddit peaks in the evening, news in office hours.
_SOCIAL = (0.30, 0.18, 0.10, 0.07, 0.06, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 1.00, 1.05, 1.00,
           0.95, 0.95, 1.00, 1.05, 1.15, 1.25, 1.30, 1.20, 0.90, 0.55)
_REDDIT = tuple(v * (1.45 if 17 <= h <= 22 else 1.0) for h, v in enumerate(_SOCIAL))
_NEWS = (0.05, 0.03, 0.02, 0.02, 0.05, 0.30, 0.80, 1.20, 1.40, 1.40, 1.30, 1.20, 1.10, 1.20, 1.20,
         1.10, 1.00, 0.80, 0.50, 0.35, 0.25, 0.20, 0.12, 0.08)
KINDS = ("reddit", "forum", "rss", "web")
_KIND_MIX = (0.42, 0.34, 0.13, 0.11)
_KIND_CURVES = (_REDDIT, _SOCIAL, _NEWS, _NEWS)
_KIND_WEEKEND = (1.0, 0.85, 0.45, 0.5)
_WEEKDAY = (1.05, 1.08, 1.06, 1.04, 0.96, 0.76, 0.72)  # Monday … Sunday
REPLY_SHARE = 0.58  # of Reddit and forum items that answer an earlier post
FR_SHARE = 0.55

# The tone of each kind of reply, about the brand it names; the others are neutral.
_TONE_OF_REPLY = {
    "agree_neg": "negative", "skeptic": "negative", "outage_reply": "negative",
    "counter": "positive", "suggest": "positive", "agree_pos": "positive",
}
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_SECTIONS = {"fr": ("operateurs", "telecoms", "mobile", "fibre"),
             "en": ("news", "carriers", "mobile")}


class DemoSettingError(CollectorError):
    """A demo option has a value the generator cannot use (a bad date, a negative count)."""

    category = "config_error"


def events(end: date, days: int = 182) -> list[dict[str, Any]]:
    """Describe what the demo data hides, for tests and for checking detection.

    ``end`` is the last day of the demo period, which covers ``days`` whole UTC days. Returns
    one dict per event that falls inside the period, with ``name``, ``brand``, ``kind``
    (``spike``, ``launch``, ``decline``, ``syndication`` or ``page_change``), ``start`` and
    ``end`` (inclusive dates), ``sentiment``, ``description`` and, where they apply, ``terms``
    (words the event brings), ``url`` (the page that changed), ``title`` and ``start_at`` (the
    moment, UTC, an event with a set hour begins).
    """
    end = end + timedelta(days=1)  # event offsets count back from the day after the period
    first = end - timedelta(days=days)

    def at(before: int, length: int = 1) -> tuple[date, date]:
        start = end - timedelta(days=before)
        return start, start + timedelta(days=length - 1)

    out: list[dict[str, Any]] = []
    s, e = at(OUTAGE_DAY, 3)
    out.append({"name": "orbis_outage", "brand": "Orbis", "kind": "spike", "start": s, "end": e,
                "start_at": datetime(s.year, s.month, s.day, OUTAGE_HOUR, tzinfo=UTC),
                "sentiment": "negative", "terms": OUTAGE_TERMS,
                "description": "Nationwide Orbis network outage: volume ×5–10 for three days."})
    s, e = at(LAUNCH_DAY, 5)
    out.append({"name": "opalia_one_launch", "brand": "Opalia", "kind": "launch", "start": s,
                "end": e, "sentiment": "positive", "terms": LAUNCH_TERMS,
                "description": "Opalia launches the Opalia One bundle: a positive surge."})
    out.append({"name": "tilia_decline", "brand": "Tilia", "kind": "decline", "start": first,
                "end": end - timedelta(days=1), "sentiment": "negative",
                "description": "Tilia's volume falls about threefold and turns negative."})
    s, e = at(PRESS_DAY, 2)
    out.append({"name": "zephir_press_release", "brand": "Zephir", "kind": "syndication",
                "start": s, "end": e, "sentiment": "neutral",
                "title": T.PRESS_RELEASE["fr"]["title"],
                "description": "One press release republished on many sites with small edits."})
    for brand, url, title, versions in PAGES:
        for before, _text in versions[1:]:
            name, sentiment = _PAGE_EVENTS[before]
            # A price change is discussed for three days; the other updates pass unnoticed.
            s, e = at(before, 1 if sentiment == "neutral" else 3)
            out.append({"name": name, "brand": BRANDS[brand]["name"], "kind": "page_change",
                        "start": s, "end": e, "sentiment": sentiment, "url": url, "title": title,
                        "description": f"{title} changed on {s.isoformat()}."})
    return [ev for ev in out if ev["start"] >= first]


def generate(items: int = 50_000, *, seed: int = 42, days: int = 182, end: date | None = None,
             source: str = "demo") -> Iterator[Item]:
    """Yield ``items`` demo items in time order, the same ones for the same arguments.

    ``end`` is the last day covered (default: yesterday in UTC, so that no item lies in the
    future). Memory stays bounded whatever ``items`` is: authors and open threads live in
    fixed-size pools, and only one hour of timestamps is held at a time.
    Raises :class:`DemoSettingError` for a negative ``items`` or a ``days`` below 1.
    """
    if items < 0:
        raise DemoSettingError(f"option 'items' must be 0 or more, got {items}")
    if days < 1:
        raise DemoSettingError(f"option 'days' must be 1 or more, got {days}")
    if end is None:
        end = datetime.now(UTC).date() - timedelta(days=1)
    return _Generator(items, seed, days, end, source).run()


def parse_end(value: Any) -> date | None:
    """Read the ``end`` option (``"YYYY-MM-DD"``, a date, or empty for the default).

    Raises :class:`DemoSettingError` naming the option when the text is not a date.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DemoSettingError(f"option 'end' must be a date written YYYY-MM-DD, got {value!r}"
                               ) from None


class DemoCollector(Collector):
    """Generates a realistic competitive watch of five telecom operators, offline and seeded."""

    kind = "demo"
    description = "Realistic demo data: French and English posts about five operators, offline."
    options = {
        "items": Option("int", 50_000, help="How many items to generate."),
        "seed": Option("int", 42, help="Random seed: the same seed gives the same items."),
        "days": Option("int", 182, help="How many days the demo covers."),
        "end": Option("str", "", help="Last day covered, YYYY-MM-DD (default: yesterday, UTC)."),
    }

    def collect(self, ctx: Context) -> Iterator[Item]:
        """Announce the total, then stream the demo items in time order."""
        settings = self.settings
        items = settings.get("items", 50_000)
        stream = generate(items, seed=settings.get("seed", 42), days=settings.get("days", 182),
                          end=parse_end(settings.get("end")), source=self.name)
        ctx.set_total(items)
        yield from stream


class _Thread:
    """A Reddit post or forum topic that later items may answer."""

    __slots__ = ("n", "url", "lang", "brand", "topic", "intent", "event", "q", "author", "kind",
                 "replies", "answered")

    def __init__(self, n, url, lang, brand, topic, intent, event, q, author, kind):
        self.n, self.url, self.lang, self.brand, self.topic = n, url, lang, brand, topic
        self.intent, self.event, self.q, self.author, self.kind = intent, event, q, author, kind
        self.replies = 0
        self.answered = False


class _Slots(dict):
    """Template values, each drawn the first time a template asks for it."""

    __slots__ = ("gen", "bank", "lang", "brand", "brand2", "topic", "topic_name", "named", "named2",
                 "plain")

    def __missing__(self, key: str) -> str:
        value = self.gen._slot(self, key)
        if key not in _UNCACHED:
            self[key] = value
        return value

    def fresh(self) -> None:
        """Forget drawn phrases (not who is talking to whom) before a further sentence."""
        keep = {k: self[k] for k in ("user", "q") if k in self}
        self.clear()
        self.update(keep)


# Brand names are drawn at each use: the first may be a handle or a hashtag, later ones are the
# plain name, as people write.
_UNCACHED = frozenset({"b", "b2", "B", "B2"})


def _cap(text: str) -> str:
    # "eSIM" and "iPhone" keep their spelling at the start of a sentence.
    if text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
    return out or "0"


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_DROP.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug or "post"


def _spread(count: int, cum: list[float]) -> list[int]:
    """``count`` items over 24 hours in proportion to the cumulative weights ``cum``."""
    out, done = [], 0
    for h in range(24):
        upto = int(round(count * cum[h] / cum[-1])) if cum[-1] else 0
        out.append(upto - done)
        done = upto
    return out


def _first(pair: tuple) -> Any:
    return pair[0]


def _zipf_cum(count: int, exponent: float) -> list[float]:
    return list(accumulate(1.0 / (i + 1) ** exponent for i in range(count)))


class _Generator:
    """One run of the demo: the plan of the period, the author pools and the open threads."""

    def __init__(self, items: int, seed: int, days: int, end: date, source: str):
        self.items, self.days, self.end, self.source = items, days, end, source
        self.rng = random.Random(seed)
        self.rnd = self.rng.random
        self.first = end - timedelta(days=days - 1)
        self.banks = {"fr": T.FR, "en": T.EN}
        self.topics = {lang: self._topic_table(bank) for lang, bank in self.banks.items()}
        self.topic_cum = [list(accumulate(b["topics"])) for b in BRANDS]
        self.product_cache: dict[tuple, tuple[str, ...]] = {}
        self.page_items: dict[int, Item] = {}
        self.day = 0
        self._plan()
        self._authors()
        self.pools = {"reddit": deque(maxlen=48), "forum": deque(maxlen=48)}
        self.pending = {"reddit": [], "forum": []}
        self.seq = 0

    # ----- the plan: how many items each day, and of what -------------------------------------

    def _day_index(self, before: int) -> int:
        return self.days - before

    def _plan(self) -> None:
        rnd, days = self.rnd, self.days
        outage, launch = self._day_index(OUTAGE_DAY), self._day_index(LAUNCH_DAY)
        rise, cut = self._day_index(TILIA_RISE_DAY), self._day_index(CIEL_CUT_DAY)
        self.launch_day = launch
        self.outage_day = outage
        self.day_comps: list[tuple[list[float], list[tuple]]] = []
        self.day_brands: list[list[float]] = []
        totals = []
        for d in range(days):
            frac = d / (days - 1) if days > 1 else 1.0
            weekday = (self.first + timedelta(days=d)).weekday()
            base = (1.0 + 0.25 * frac) * _WEEKDAY[weekday] * (0.88 + 0.24 * rnd())
            comps: list[tuple] = []
            weights: list[float] = []
            brand_base = []
            for i, spec in enumerate(BRANDS):
                w = spec["share"] * base
                if i == TILIA:
                    w *= 1.6 - 1.3 * frac  # a fall of about two thirds, growth included
                if i == OWN and d >= launch:
                    w *= 1.1
                brand_base.append(w)
                comps.append(("brand", i))
                weights.append(w)
            self.day_brands.append(list(accumulate(brand_base)))
            comps.append(("none", None))
            weights.append(NONE_SHARE * base)
            for start, shape, comp, brand in (
                (outage, OUTAGE_SHAPE, "outage", ORBIS), (launch, LAUNCH_SHAPE, "launch", OWN),
                (launch - len(TEASER_SHAPE), TEASER_SHAPE, "teaser", OWN),
                (rise, TILIA_RISE_SHAPE, "price_rise", TILIA),
                (cut, CIEL_CUT_SHAPE, "price_cut", CIEL),
            ):
                if 0 <= d - start < len(shape):
                    comps.append((comp, brand))
                    weights.append(brand_base[brand] * shape[d - start])
            self.day_comps.append((list(accumulate(weights)), comps))
            totals.append(sum(weights))
        # Whole items per day whose sum is exactly ``items``: round the running total.
        grand = sum(totals)
        running, done = 0.0, 0
        self.per_day = []
        for t in totals:
            running += t
            upto = int(round(self.items * running / grand))
            self.per_day.append(upto - done)
            done = upto
        self.hour_cum = {}
        self.kind_cum = {}
        for weekend in (False, True):
            hours, kinds = [], []
            for h in range(24):
                ws = [_KIND_MIX[k] * _KIND_CURVES[k][h] * (_KIND_WEEKEND[k] if weekend else 1.0)
                      for k in range(4)]
                hours.append(sum(ws))
                kinds.append(list(accumulate(ws)))
            self.hour_cum[weekend] = hours
            self.kind_cum[weekend] = kinds
        self._schedule()

    def _schedule(self) -> None:
        """Place the items that happen at set times: page versions and press-release copies."""
        rnd = self.rnd
        self.scheduled: dict[int, list[tuple[int, tuple]]] = {}
        for p, (_brand, _url, _title, versions) in enumerate(PAGES):
            for v, (before, _text) in enumerate(versions):
                d = 0 if before is None else self._day_index(before)
                if 0 <= d < self.days:
                    # The page on the first morning, each later version as its change.
                    spec = ("change" if v else "page", p, v)
                    self.scheduled.setdefault(d, []).append((6 * 3600 + 60 * p, spec))
        press = self._day_index(PRESS_DAY)
        copies = max(4, min(40, self.items // 2000))
        sites = []
        for lang in ("fr", "en"):
            pool = [pat.format(c=c) for pat in T.SYNDICATION_PATTERNS[lang]
                    for c in T.SYNDICATION_CITIES[lang]]
            self.rng.shuffle(pool)
            sites.append((lang, pool))
        n_en = max(1, copies // 5)
        plan = [("fr", sites[0][1][i % len(sites[0][1])]) for i in range(copies - n_en)]
        plan += [("en", sites[1][1][i % len(sites[1][1])]) for i in range(n_en)]
        for i, (lang, site) in enumerate(plan):
            d = press + (0 if rnd() < 0.6 else 1)
            if 0 <= d < self.days:
                second = int((7 + 12 * rnd()) * 3600)
                self.scheduled.setdefault(d, []).append((second, ("press", i, lang, site)))

    # ----- authors ------------------------------------------------------------------------------

    def _authors(self) -> None:
        rng, P = self.rng, T.NAME_PARTS
        self.regulars: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
        seen: set[str] = set()
        for platform, count in (("reddit", 160), ("forum", 120)):
            for lang in ("fr", "en"):
                names: list[str] = []
                while len(names) < count:
                    name = self._regular_name(rng, platform, lang, P)
                    if name not in seen:
                        seen.add(name)
                        names.append(name)
                self.regulars[(platform, lang)] = (names, _zipf_cum(count, 1.05))
        journalists = {}
        for lang, first, last in (("fr", "fr_full", "fr_last"), ("en", "en_full", "en_last")):
            names = sorted({f"{rng.choice(P[first])} {rng.choice(P[last])}" for _ in range(40)})
            rng.shuffle(names)
            journalists[lang] = (names, _zipf_cum(len(names), 1.1))
        self.journalists = journalists
        self.occasional = max(200, min(50_000, self.items // 40))

    @staticmethod
    def _regular_name(rng: random.Random, platform: str, lang: str, P: dict) -> str:
        first = rng.choice(P[f"{lang}_first"])
        word = rng.choice(P[f"{lang}_word"])
        style = rng.random()
        if platform == "reddit":
            if style < 0.4:
                return f"{word}_{first}"
            if style < 0.7:
                return f"{first}{word}{rng.randint(1, 99)}"
            return f"{rng.choice(P['adj'])}{rng.choice(P['noun'])}"
        if style < 0.4:
            return f"{first}{rng.randint(10, 99)}"
        if style < 0.7:
            return f"{_cap(word)}{rng.randint(1, 95)}"
        return f"{_cap(first)}_{rng.choice(P['fr_last' if lang == 'fr' else 'en_last'])[0]}"

    def _author(self, platform: str, lang: str, regular_bias: float = 0.0) -> str:
        r = self.rnd()
        if r < 0.34 + regular_bias:
            names, cum = self.regulars[(platform, lang)]
            return names[bisect(cum, self.rnd() * cum[-1])]
        P = T.NAME_PARTS
        if r < 0.50 + regular_bias:
            # Occasional authors come from a fixed numbered pool, so they recur without being
            # remembered one by one.
            j = int(self.rnd() * self.occasional)
            first = P[f"{lang}_first"][j % len(P[f"{lang}_first"])]
            if platform == "reddit":
                return f"{P[f'{lang}_word'][(j // 7) % len(P[f'{lang}_word'])]}_{first}{j}"
            return f"{first}{j}"
        # One-time authors: Reddit's generated names, or a first name and a nickname on forums.
        pick, number = self._pick, int(self.rnd() * 9000) + 1000
        if platform == "reddit":
            return f"{pick(P['adj'])}_{pick(P['noun'])}_{number}"
        return f"{_cap(pick(P[f'{lang}_first']))}_{pick(P[f'{lang}_word'])}{number // 10}"

    def _journalist(self, lang: str) -> str | None:
        r = self.rnd()
        if r < 0.2:
            return None
        if r < 0.35:
            return "La rédaction" if lang == "fr" else "Staff"
        names, cum = self.journalists[lang]
        return names[bisect(cum, self.rnd() * cum[-1])]

    # ----- text ---------------------------------------------------------------------------------

    @staticmethod
    def _topic_table(bank: dict) -> dict[str, dict]:
        table = dict(bank["topics"])
        net = bank["topics"]["reseau"]
        box = bank["topics"]["box"]
        table["panne"] = {**net, "bad": bank["outage_bad"]}
        table["lancement"] = {**box, "good": bank["launch_good"]}
        return table

    def _pick(self, seq):
        return seq[int(self.rnd() * len(seq))]

    def _slot(self, s: _Slots, key: str) -> str:
        if key[0].isupper():
            return _cap(self._slot(s, key.lower()))
        bank, pick = s.bank, self._pick
        lang = s.lang
        if key == "b":
            forms = BRANDS[s.brand]["forms"][lang]
            first, s.named = not s.named, True
            return pick(forms) if first and not s.plain else forms[0]
        if key == "b2":
            forms = BRANDS[self._brand2(s)]["forms"][lang]
            first, s.named2 = not s.named2, True
            return pick(forms) if first and not s.plain else forms[0]
        if key == "bf":
            s.named = True
            return pick(BRANDS[s.brand]["bf"][lang])
        if key == "p":
            s.named = True
            return self._product(s.brand, lang, s.topic_name)
        if key == "p2":
            s.named2 = True
            return self._product(self._brand2(s), lang, s.topic_name)
        if key == "handle":
            s.named = True
            return BRANDS[s.brand]["handle"]
        if key in ("bad", "good", "q", "w", "bad2", "good2"):
            base = key.rstrip("2")
            options = s.topic[base]
            for _ in range(3):
                value = pick(options)
                value = value.format_map(s) if "{" in value else value
                # A second problem or compliment in one post is a different one.
                if key == base or value != s.get(base):
                    break
            return value
        if key == "n":
            return str(2 + int(self.rnd() * 10))
        if key == "price":
            return pick(("9,99", "12,99", "14,99", "19,99", "24,99", "29,99") if lang == "fr"
                        else ("9.99", "12.99", "14.99", "19.99", "24.99", "29.99"))
        if key == "gb":
            return pick(("50", "80", "100", "150", "200"))
        if key in ("city", "dur", "day", "hours"):
            return pick(bank["cities" if key == "city" else "days" if key == "day" else key])
        if key == "user":
            return "tout le monde" if lang == "fr" else "there"
        return pick(bank[key])

    def _brand2(self, s: _Slots) -> int:
        if s.brand2 is None:
            s.brand2 = self._other(s.brand)
        return s.brand2

    def _product(self, brand: int, lang: str, topic: str) -> str:
        """A product of ``brand`` that fits the topic (any product when none does)."""
        launched = brand == OWN and self.day >= self.launch_day
        key = (brand, lang, topic, launched)
        products = self.product_cache.get(key)
        if products is None:
            spec = BRANDS[brand]
            every = spec["products"] + (spec.get("launched", ()) if launched else ())
            col = 0 if lang == "fr" else 1
            products = (tuple(p[col] for p in every if topic in p[2].split())
                        or tuple(p[col] for p in every))
            self.product_cache[key] = products
        return self._pick(products)

    def _slots(self, lang: str, brand: int | None, topic: str, plain: bool = False) -> _Slots:
        s = _Slots()
        s.gen, s.bank, s.lang = self, self.banks[lang], lang
        s.brand, s.brand2 = (brand if brand is not None else 0), None
        s.topic = self.topics[lang][topic]
        s.topic_name = topic
        s.named = s.named2 = False
        s.plain = plain  # newsrooms write the name, not the handle
        return s

    @staticmethod
    def _mentions(s: _Slots, brand: int | None, literal: bool | str | None = None) -> list[str]:
        """The brands a text names: those whose slots its templates used, or named literally."""
        out = []
        if brand is not None and (literal or s.named):
            out.append(BRAND_NAMES[brand])
        if s.brand2 is not None and s.named2:
            out.append(BRAND_NAMES[s.brand2])
        return out

    def _topic_for(self, brand: int) -> str:
        cum = self.topic_cum[brand]
        return T.TOPICS[bisect(cum, self.rnd() * cum[-1])]

    def _tone(self, brand: int) -> str:
        spec = BRANDS[brand]
        neg, pos = spec["tone"]
        if "tone_end" in spec:
            frac = self.day / (self.days - 1) if self.days > 1 else 1.0
            neg += (spec["tone_end"][0] - neg) * frac
            pos += (spec["tone_end"][1] - pos) * frac
        r = self.rnd()
        return "negative" if r < neg else "positive" if r < neg + pos else "neutral"

    def _compose(self, s: _Slots, core: str, opener: str | None, closer: str | None,
                 p_open: float = 0.22, p_close: float = 0.28, extra: str | None = None,
                 p_extra: float = 0.3) -> str:
        bank, rnd = s.bank, self.rnd
        template = self._pick(bank[core])
        body = template.format_map(s)
        if extra and rnd() < p_extra:
            s.fresh()
            again = self._pick(bank[extra])
            if again == template:  # a second sentence says something else
                again = self._pick(bank[extra])
            if again != template:
                body = f"{body} {again.format_map(s)}"
        if opener and rnd() < p_open:
            greeting = self._pick(bank[opener])
            # A greeting ending in a comma stands on its own line, as in a letter.
            glue = "\n" if greeting.endswith(",") else " "
            body = f"{greeting}{glue}{_cap(body)}"
        if closer and rnd() < p_close:
            body = f"{body} {self._pick(bank[closer])}"
        return _cap(body)

    # ----- items --------------------------------------------------------------------------------

    def run(self) -> Iterator[Item]:
        """Yield every item, day by day and second by second."""
        n = 0
        first_ts = datetime(self.first.year, self.first.month, self.first.day, tzinfo=UTC)
        rnd = self.rnd
        for d in range(self.days):
            self.day = d
            day_start = first_ts + timedelta(days=d)
            weekend = day_start.weekday() >= 5
            count = self.per_day[d]
            fixed = sorted(self.scheduled.get(d, []))[:count]
            free = count - len(fixed)
            comp_cum, comps = self.day_comps[d]
            burst = [0] * 24
            if d == self.outage_day:
                # The outage's posts of its first day wait for its hour, then surge.
                at = comps.index(("outage", ORBIS))
                share = (comp_cum[at] - (comp_cum[at - 1] if at else 0.0)) / comp_cum[-1]
                surge = [0.0] * OUTAGE_HOUR + [
                    _SOCIAL[h] * (OUTAGE_SURGE[h - OUTAGE_HOUR]
                                  if h - OUTAGE_HOUR < len(OUTAGE_SURGE) else 1.0)
                    for h in range(OUTAGE_HOUR, 24)]
                burst = _spread(int(round(free * share)), list(accumulate(surge)))
                free -= sum(burst)
                weights = [b - a for a, b in zip([0.0, *comp_cum[:-1]], comp_cum, strict=True)]
                del weights[at]
                comps = comps[:at] + comps[at + 1:]
                comp_cum = list(accumulate(weights))
            cum = list(accumulate(w * (0.8 + 0.4 * rnd()) for w in self.hour_cum[weekend]))
            hour_counts = _spread(free, cum)
            kind_cum = self.kind_cum[weekend]
            for h in range(24):
                # Only one hour of timestamps is held at a time, whatever the volume.
                base = h * 3600
                slot = [(base + int(rnd() * 3600), None) for _ in range(hour_counts[h])]
                slot += [(base + int(rnd() * 3600), OUTAGE_BURST) for _ in range(burst[h])]
                slot += [pair for pair in fixed if pair[0] // 3600 == h]
                slot.sort(key=_first)
                kc = kind_cum[h]
                for second, spec in slot:
                    when = day_start + timedelta(seconds=second)
                    if spec is OUTAGE_BURST:
                        kind = KINDS[bisect(kc, rnd() * kc[-1])]
                        yield self._item(n, when, kind, ("outage", ORBIS))
                    elif spec is not None:
                        yield self._scheduled_item(n, when, spec)
                    else:
                        kind = KINDS[bisect(kc, rnd() * kc[-1])]
                        comp = comps[bisect(comp_cum, rnd() * comp_cum[-1])]
                        yield self._item(n, when, kind, comp)
                    n += 1

    def _item(self, n: int, when: datetime, kind: str, comp: tuple) -> Item:
        rnd = self.rnd
        if kind in ("reddit", "forum") and rnd() < REPLY_SHARE:
            thread = self._parent(kind, when)
            if thread is not None:
                return self._reply(n, when, kind, thread)
        lang = "fr" if rnd() < FR_SHARE else "en"
        if kind in ("reddit", "forum"):
            return self._post(n, when, kind, comp, lang)
        return self._article(n, when, kind, comp, lang)

    def _parent(self, kind: str, when: datetime) -> _Thread | None:
        pending = self.pending[kind]
        ts = when.timestamp()
        if pending and pending[0][0] <= ts:
            thread = heapq.heappop(pending)[2]
            self.pools[kind].append(thread)
            return thread
        pool = self.pools[kind]
        if not pool:
            return None
        r = self.rnd()
        return pool[len(pool) - 1 - int(len(pool) * r * r)]

    def _post(self, n: int, when: datetime, kind: str, comp: tuple, lang: str) -> Item:
        what, brand = comp
        if what == "none":
            s = self._slots(lang, None, "reseau")
            bait = self.rnd() < (0.3 if lang == "fr" else 0.08)
            if bait:
                text = _cap(self._pick(s.bank["bait"]).format_map(s))
                title = text.split(",")[0].split(".")[0]
            else:
                title, text = self._pick(s.bank["chatter"])
            return self._social_item(n, when, kind, lang, title, text, None, "none", "chatter",
                                     "neutral", [], None, s, question="?" in text and not bait)
        if what == "outage":
            parts = self._outage_post(lang, brand)
        elif what in ("launch", "teaser"):
            parts = self._launch_post(lang, brand, what)
        elif what in ("price_rise", "price_cut"):
            parts = self._price_post(lang, brand, what)
        else:
            parts = self._brand_post(lang, brand)
        s, text, title_bank, topic, intent, tone, event, literal = parts
        # What the body names is the truth the brand queries are checked against; the title may
        # name more, so it is filled only after.
        brands = self._mentions(s, s.brand, bool(literal) and literal in text.lower())
        title = _cap(self._pick(s.bank[title_bank]).format_map(s))
        return self._social_item(n, when, kind, lang, title, text, s.brand, topic, intent, tone,
                                 brands, event, s, question=intent in ("question", "versus"))

    def _outage_post(self, lang: str, brand: int) -> tuple:
        s = self._slots(lang, brand, "panne")
        r = self.rnd()
        if r < 0.72:
            text = self._compose(s, "outage_post", "open_neg", "close_neg", p_open=0.1, p_close=0.2)
            return (s, text, "outage_title", "panne", "complaint", "negative", "orbis_outage",
                    "orbis")
        if r < 0.87:
            text = self._compose(s, "outage_question", "open_q", None)
            return s, text, "outage_title", "panne", "question", "neutral", "orbis_outage", "orbis"
        # The outage makes people leave: praise for another operator, blame for the one down.
        s.brand, s.brand2 = self._other(brand), brand
        s.topic, s.topic_name = self.topics[lang]["reseau"], "reseau"
        text = self._compose(s, "compare", None, None)
        return s, text, "compare_title", "panne", "compare", "mixed", "orbis_outage", None

    def _launch_post(self, lang: str, brand: int, what: str) -> tuple:
        s = self._slots(lang, brand, "lancement")
        if what == "teaser":
            # Rumours before the launch: not yet the event, and not yet its name.
            text = self._compose(s, "teaser", None, "close_q")
            return s, text, "question_title", "lancement", "question", "neutral", None, "opalia"
        event = "opalia_one_launch"
        r = self.rnd()
        if r < 0.62:
            text = self._compose(s, "launch_post", "open_pos", "close_pos", p_open=0.1)
            return s, text, "launch_title", "lancement", "praise", "positive", event, "opalia"
        if r < 0.84:
            text = self._compose(s, "launch_question", "open_q", "close_q")
            return s, text, "launch_title", "lancement", "question", "neutral", event, "opalia"
        text = self._compose(s, "launch_neg", None, "close_neg")
        return s, text, "launch_title", "lancement", "complaint", "negative", event, "opalia"

    def _price_post(self, lang: str, brand: int, what: str) -> tuple:
        s = self._slots(lang, brand, "prix")
        if what == "price_rise":
            text = self._compose(s, "price_rise", "open_neg", "close_neg", extra="complaint")
            return (s, text, "complaint_title", "prix", "complaint", "negative", "tilia_price_rise",
                    "tilia")
        text = self._compose(s, "price_cut", "open_pos", "close_pos", extra="praise", p_extra=0.2)
        return s, text, "praise_title", "prix", "praise", "positive", "ciel_price_cut", "ciel"

    def _brand_post(self, lang: str, brand: int) -> tuple:
        """An ordinary post about one brand, its tone drawn from that brand's mood of the day."""
        topic = self._topic_for(brand)
        s = self._slots(lang, brand, topic)
        tone = self._tone(brand)
        r = self.rnd()
        if tone == "negative":
            if r < 0.82:
                text = self._compose(s, "complaint", "open_neg", "close_neg", extra="complaint",
                                     p_extra=0.2)
                return s, text, "complaint_title", topic, "complaint", tone, None, None
            # Attacked here, praised elsewhere: the post's subject is the brand praised.
            s.brand, s.brand2 = self._other(brand), brand
            text = self._compose(s, "compare", None, None)
            return s, text, "compare_title", topic, "compare", "mixed", None, None
        if tone == "positive":
            if r < 0.82:
                text = self._compose(s, "praise", "open_pos", "close_pos", extra="praise",
                                     p_extra=0.15)
                return s, text, "praise_title", topic, "praise", tone, None, None
            s.brand2 = self._other(brand)
            text = self._compose(s, "compare", None, None)
            return s, text, "compare_title", topic, "compare", "mixed", None, None
        if r < 0.5:
            text = self._compose(s, "question", "open_q", "close_q")
            return s, text, "question_title", topic, "question", tone, None, None
        if r < 0.62:
            s.brand2 = self._other(brand)
            text = self._compose(s, "versus", "open_q", "close_q")
            return s, text, "versus_title", topic, "versus", tone, None, None
        text = self._compose(s, "chat", None, None, extra="chat", p_extra=0.15)
        return s, text, "chat_title", topic, "chat", tone, None, None

    def _other(self, brand: int) -> int:
        """Another brand, as likely as its part of the day's conversation."""
        cum = self.day_brands[self.day]
        while True:
            other = bisect(cum, self.rnd() * cum[-1])
            if other != brand:
                return other

    def _social_item(self, n, when, kind, lang, title, text, brand, topic, intent, tone, brands,
                     event, s, question=False) -> Item:
        rnd = self.rnd
        author = self._author(kind, lang)
        if kind == "reddit":
            bank_subs = T.SUBREDDITS[lang]
            if brand is not None and rnd() < 0.3:
                sub = BRANDS[brand]["name"].replace(" ", "")
            else:
                sub = bank_subs[int(rnd() * len(bank_subs))]
            post_id = _b36(1_500_000_000 + n)
            url = f"https://www.reddit.com/r/{sub}/comments/{post_id}/{_slug(title)}/"
            score = min(int(2 * self.rng.paretovariate(1.15)) - 1, 30_000)
            comments = min(int(self.rng.paretovariate(1.25)), 5_000)
        else:
            sites = T.FORUMS[lang]
            site = sites[int(rnd() * len(sites))]
            url = f"https://{site}/t/{_slug(title)}/{100_000 + n}"
            score = min(int(self.rng.paretovariate(1.8)) - 1, 500)
            comments = min(int(self.rng.paretovariate(1.5)), 800)
        if event == "orbis_outage":
            score *= 4
        answerable = True
        if question and brand is not None:
            answerable = rnd() < BRANDS[brand]["answered"]
        elif question:
            answerable = rnd() < 0.8
        q = s.get("q")
        thread = _Thread(n, url, lang, brand, topic, intent, event, q, author, kind)
        if question and not answerable:
            comments = 0
        elif question:
            # The first answer comes after a delay: minutes for most, many hours for some.
            delay = 300 + min(self.rng.expovariate(1 / 5400), 2 * 86400)
            pending = self.pending[kind]
            if len(pending) < 2000:  # bounded: past this, the question just stays unanswered
                self.seq += 1
                heapq.heappush(pending, (when.timestamp() + delay, self.seq, thread))
                comments = max(comments, 1)
            else:
                comments = 0
        else:
            self.pools[kind].append(thread)
        extra = {"brands": brands, "tone": tone, "topic": topic, "intent": intent,
                 "question": question}
        if event:
            extra["event"] = event
        if tone == "mixed" and len(brands) == 2:
            extra["brand_tone"] = _praise_and_blame(s)
        return Item(source=self.source, kind=kind, text=text, url=url, title=title, author=author,
                    published_at=when, id=f"demo:{n}", lang=lang, score=score, comments=comments,
                    extra=extra)

    def _reply(self, n: int, when: datetime, kind: str, th: _Thread) -> Item:
        rnd = self.rnd
        lang = th.lang
        first_answer = not th.answered
        th.answered = True
        th.replies += 1
        if th.brand is None:
            s = self._slots(lang, None, th.topic if th.topic in self.topics[lang] else "reseau")
            text = _cap(self._pick(s.bank["filler"]))
            return self._reply_item(n, when, kind, th, text, lang, [], "neutral", "filler", s)
        # Replies in an event's threads talk about the event's brand, whoever the post praised.
        brand = {"orbis_outage": ORBIS, "opalia_one_launch": OWN}.get(th.event, th.brand)
        s = self._slots(lang, brand, th.topic)
        s["user"] = th.author
        if th.q:
            s["q"] = th.q
        r = rnd()
        spec = BRANDS[brand]
        author = None
        literal = None
        if th.event == "orbis_outage":
            bank = "outage_reply" if r < 0.78 else "suggest" if r < 0.95 else "filler"
            literal = "orbis"
            if bank == "suggest":
                s.topic, s.topic_name = self.topics[lang]["reseau"], "reseau"
        elif th.event == "opalia_one_launch":
            bank = "launch_reply" if r < 0.55 else "agree_pos" if r < 0.92 else "filler"
            literal = "opalia"
        elif th.intent in ("question", "versus"):
            if (first_answer and th.intent == "question" and rnd() < spec["official_rate"]
                    and (brand, kind) not in _ABSENT):
                bank, author = "official", spec["official"]
            else:
                bank = ("answer_yes" if r < 0.44 else "answer_no" if r < 0.63
                        else "answer_maybe" if r < 0.82 else "neutral_reply" if r < 0.95
                        else "filler")
        elif th.intent == "complaint":
            if (first_answer and rnd() < spec["official_rate"] * 0.6
                    and (brand, kind) not in _ABSENT):
                bank, author = "official_sorry", spec["official"]
            else:
                bank = ("agree_neg" if r < 0.5 else "counter" if r < 0.65 else "suggest" if r < 0.8
                        else "followup" if r < 0.94 else "filler")
        elif th.intent == "praise":
            bank = ("agree_pos" if r < 0.5 else "skeptic" if r < 0.7 else "followup" if r < 0.93
                    else "filler")
        elif th.intent == "compare":
            bank = "agree_pos" if r < 0.6 else "filler" if r < 0.7 else "followup"
        else:
            bank = ("neutral_reply" if r < 0.45 else "followup" if r < 0.72
                    else "answer_maybe" if r < 0.92 else "filler")
        if bank == "suggest":
            s.brand2 = self._other(brand)
        text = _cap(self._pick(s.bank[bank]).format_map(s))
        if bank == "suggest":
            brands = [BRAND_NAMES[s.brand2]]
        else:
            brands = self._mentions(s, brand, literal and literal in text.lower())
        tone = _TONE_OF_REPLY.get(bank, "neutral")
        return self._reply_item(n, when, kind, th, text, lang, brands, tone, bank, s, author,
                                regular_bias=0.2 if bank.startswith("answer") else 0.0)

    def _reply_item(self, n, when, kind, th, text, lang, brands, tone, bank, s, author=None,
                    regular_bias=0.0) -> Item:
        if author is None:
            author = self._author(kind, lang, regular_bias)
        if kind == "reddit":
            url = f"{th.url}{_b36(3_000_000_000 + n)}/"
            score = int(self.rng.paretovariate(1.4)) - 1
            if tone == "negative" and self.rnd() < 0.08:
                score = -int(self.rnd() * 6)
        else:
            url = f"{th.url}/{th.replies + 1}"
            score = min(int(self.rng.paretovariate(2.2)) - 1, 300)
        extra = {"brands": brands, "tone": tone, "topic": th.topic, "intent": bank,
                 "question": False}
        if th.event:
            extra["event"] = th.event
        if bank == "suggest":
            extra["brand_tone"] = {BRAND_NAMES[s.brand2]: "positive"}
        if bank in _OFFICIAL_BANKS:
            # The brand's own account answering: its own voice (the presence view), not a mention.
            extra["own_brand"] = OFFICIAL_BRANDS[author]
        return Item(source=self.source, kind=kind, text=text, url=url, title=None, author=author,
                    published_at=when, id=f"demo:{n}", lang=lang, score=score, comments=None,
                    parent_id=f"demo:{th.n}", extra=extra)

    def _article(self, n: int, when: datetime, kind: str, comp: tuple, lang: str) -> Item:
        """A news story (``rss`` summary or ``web`` article) or, on the web, a blog post."""
        pick = self._pick
        what, brand = comp
        short = kind == "rss"
        if what == "none":
            s = self._slots(lang, None, "reseau")
            text = self._sentences(s, "market_news", 1 if short else 3)
            title = _cap(pick(s.bank["market_news_title"]).format_map(s))
            return self._article_item(n, when, kind, lang, title, text, None, "neutral", "market",
                                      None)
        if what == "outage":
            s = self._slots(lang, brand, "panne", plain=True)
            s.brand2 = self._other(brand)
            text = self._sentences(s, "outage_news", 1 if short else 4, lead=True)
            return self._article_item(n, when, kind, lang, "outage_news_title", text, s, "negative",
                                      "panne", "orbis_outage")
        if what in ("launch", "teaser"):
            s = self._slots(lang, brand, "lancement", plain=True)
            if what == "teaser":
                text = self._sentences(s, "news_neu", 1, lead="news_lead_neu")
                return self._article_item(n, when, kind, lang, "news_title_neu", text, s, "neutral",
                                          "lancement", None)
            text = self._sentences(s, "launch_news", 1 if short else 3, lead=True)
            return self._article_item(n, when, kind, lang, "launch_news_title", text, s, "positive",
                                      "lancement", "opalia_one_launch")
        event = {"price_rise": "tilia_price_rise", "price_cut": "ciel_price_cut"}.get(what)
        topic = "prix" if event else self._topic_for(brand)
        tone = ("negative" if what == "price_rise" else "positive" if what == "price_cut"
                else self._tone(brand))
        s = self._slots(lang, brand, topic, plain=True)
        if kind == "web" and self.rnd() < 0.4:
            return self._blog(n, when, lang, s, brand, topic, tone, event)
        # News leans neutral: a third of the stories that would be opinionated are plain reports.
        if tone != "neutral" and self.rnd() < 0.33:
            tone = "neutral"
        key = {"negative": "neg", "positive": "pos", "neutral": "neu"}[tone]
        if key == "neu":
            text = self._sentences(s, "news_neu", 1 if short else 3, lead="news_lead_neu")
        else:
            text = self._sentences(s, f"news_{key}", 1 if short else 2, lead=f"news_lead_{key}")
            if not short:
                text += " " + self._sentences(s, "news_neu", 1)
        return self._article_item(n, when, kind, lang, f"news_title_{key}", text, s, tone, topic,
                                  event)

    def _sentences(self, s: _Slots, key: str, count: int, lead: bool | str = False) -> str:
        """``count`` different sentences of ``key``, after a lead that names the brand.

        ``lead=True`` uses the bank's first sentence as the lead; a string names a bank to draw it
        from. Leads make sure a summary cut to one sentence still says whom it is about.
        """
        options = s.bank[key]
        chosen = []
        if lead is True:
            chosen.append(options[0])
            options = options[1:]
        elif lead:
            chosen.append(self._pick(s.bank[lead]))
        for _ in range(count):
            sentence = self._pick(options)
            if sentence not in chosen:
                chosen.append(sentence)
        return " ".join(sentence.format_map(s) for sentence in chosen)

    def _blog(self, n, when, lang, s, brand, topic, tone, event) -> Item:
        pick = self._pick
        if tone == "neutral":
            s.brand2 = self._other(brand)
            parts = [pick(s.bank["compare"]).format_map(s),
                     pick(s.bank["compare_article_end"]).format_map(s)]
            title_bank = "compare_article_title"
            tone = "mixed"
        else:
            key = "pos" if tone == "positive" else "neg"
            body_bank = "praise" if tone == "positive" else "complaint"
            parts = [pick(s.bank["review_intro"]).format_map(s)]
            for template in self.rng.sample(s.bank[body_bank], 2 + int(self.rnd() * 3)):
                s.fresh()
                parts.append(template.format_map(s))
            parts.append(pick(s.bank[f"review_end_{key}"]).format_map(s))
            title_bank = f"review_title_{key}"
        text = "\n\n".join(dict.fromkeys(parts))
        brands = self._mentions(s, s.brand)
        title = _cap(pick(s.bank[title_bank]).format_map(s))
        blogs = T.BLOGS[lang]
        site = blogs[int(self.rnd() * len(blogs))]
        url = f"https://{site}/{when:%Y/%m}/{_slug(title)}-{n}/"
        author = site.split(".")[1].replace("-", " ").title()
        extra = {"brands": brands, "tone": tone, "topic": topic, "intent": "review",
                 "question": False}
        if event:
            extra["event"] = event
        if tone == "mixed" and len(brands) == 2:
            extra["brand_tone"] = _praise_and_blame(s)
        return Item(source=self.source, kind="web", text=text, url=url, title=title, author=author,
                    published_at=when, id=f"demo:{n}", lang=lang, extra=extra)

    def _article_item(self, n, when, kind, lang, title, text, s, tone, topic, event) -> Item:
        """Wrap a news text; ``title`` is the bank its title comes from when ``s`` is given."""
        if isinstance(s, _Slots):
            brands = self._mentions(s, s.brand)
            title = _cap(self._pick(s.bank[title]).format_map(s))
        else:
            brands = []
        sites = T.NEWS_SITES[lang]
        site = sites[int(self.rnd() * len(sites))]
        section = self._pick(_SECTIONS[lang])
        url = f"https://{site}/{section}/{_slug(title)}-{n}.html"
        extra = {"brands": brands, "tone": tone, "topic": topic, "intent": "news",
                 "question": False}
        if event:
            extra["event"] = event
        return Item(source=self.source, kind=kind, text=text, url=url, title=title,
                    author=self._journalist(lang), published_at=when, id=f"demo:{n}", lang=lang,
                    extra=extra)

    def _page_item(self, n: int, when: datetime, what: str, p: int, v: int) -> Item:
        """An offer page as first seen, or a later change to it, as the ``web`` kind reports them.

        A change is an item of its own whose text is the readable diff and whose parent is the
        page's item. The page itself is not yielded again with its new text: the count of items
        stays the count of stored rows.
        """
        brand, url, title, versions = PAGES[p]
        name = BRAND_NAMES[brand]
        if what == "page":
            self.page_items[p] = page = Item(
                source=self.source, kind="web", url=url, title=title, id=f"demo:{n}",
                text="\n".join(versions[v][1]), published_at=when, lang="fr",
                extra={"brands": [name], "tone": "neutral", "topic": "prix", "intent": "page",
                       "question": False})
            return page
        diff = diff_pages("\n".join(versions[v - 1][1]), "\n".join(versions[v][1]))
        # The page item exists unless the period is too small to hold it.
        parent = self.page_items.get(p) or Item(source=self.source, kind="web", text="",
                                                id=f"demo:page:{_slug(name)}")
        return Item(source=self.source, kind="web", url=url, id=f"demo:{n}",
                    title=f"Change on {title}: {diff.summary}", text=diff.text, published_at=when,
                    lang="fr", parent_id=parent.item_id,
                    extra={"change": True, "added": list(diff.added), "removed": list(diff.removed),
                           "brand": name, "brands": [name], "tone": "neutral", "topic": "prix",
                           "intent": "page_change", "question": False,
                           "event": _PAGE_EVENTS[versions[v][0]][0]})

    def _scheduled_item(self, n: int, when: datetime, spec: tuple) -> Item:
        if spec[0] in ("page", "change"):
            return self._page_item(n, when, *spec)
        _, i, lang, site = spec
        release = T.PRESS_RELEASE[lang]
        rnd, pick = self.rnd, self._pick
        title = pick(T.PRESS_PREFIXES[lang]) + release["title"]
        dateline = ""
        if rnd() < 0.5:
            if lang == "fr":
                dateline = f"PARIS, le {when.day} {_MONTHS_FR[when.month - 1]} {when.year} — "
            else:
                dateline = f"PARIS, {when:%B} {when.day}, {when.year} — "
        footer = pick(T.PRESS_FOOTERS[lang])
        text = "\n\n".join(x for x in (dateline + release["text"], release["about"], footer) if x)
        kind = "rss" if i % 3 == 2 else "web"
        section = "actualites" if lang == "fr" else "news"
        url = f"https://{site}/{section}/{_slug(release['title'])}-{n}"
        extra = {"brands": ["Zephir"], "tone": "neutral", "topic": "prix",
                 "intent": "press_release", "question": False, "event": "zephir_press_release"}
        return Item(source=self.source, kind=kind, text=text, url=url, title=title,
                    author=None if rnd() < 0.6 else ("La rédaction" if lang == "fr" else "Staff"),
                    published_at=when, id=f"demo:{n}", lang=lang, extra=extra)


def _praise_and_blame(s: _Slots) -> dict[str, str]:
    """Per-brand tone of a comparison: the post's brand is praised, the second one blamed."""
    return {BRAND_NAMES[s.brand]: "positive", BRAND_NAMES[s.brand2]: "negative"}


_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre")
