"""Service cues: the facts customers report when a service fails them or does its job well."""

# "50 minutes on the tarmac", "flight cancelled, rebooked", "network down again, no signal",
# "commande reçue en 24h", "produit conforme": no opinion word, yet the customer's meaning is
# plain. The public corpora the
# models learn from (general tweets, film reviews) rarely say such things, so the models
# cannot learn them from words alone. These patterns are lexicon entries, not labelled
# examples: each match is a feature column (and a valence in the lexicon sums) whose weight
# the model learns. Patterns run on text folded like ``analysis.text.normalize`` (lower
# case, no accents), with @handles and links already made generic.

from __future__ import annotations

import re

_N = r"(?:\d+|an?|one|two|three|four|five|six|several|un|une|deux|trois|quatre|cinq)"
_EN_WAIT = r"(?:min|mins|minutes|hr|hrs|hours?|days?)"
_FR_WAIT = r"(?:min|minutes|h|heures?|jours?|semaines?)"

FAIL = {
    "en": re.compile("|".join([
        r"\bdelay(?:ed|s)?\b", r"\bcancel(?:l)?ed\b", r"\bcancell?ation\b", r"\brebooked\b",
        r"\bstuck\b", r"\bstranded\b", r"\boverbooked\b", r"\bdiverted\b",
        r"\blost (?:my |our |the )?(?:bag|bags|luggage|suitcase|package|parcel|order)\b",
        r"\bstill (?:no|not|nothing|waiting)\b", r"\bmissed (?:my |our |the )?connection\b",
        r"\bno refund\b", r"\bnever (?:arrived|came|showed up|delivered)\b",
        r"\b(?:did not|didn't|didnt) (?:arrive|show up|get delivered)\b",
        r"\bon the tarmac\b", r"\bleaves? without (?:us|me)\b",
        rf"\b{_N} ?{_EN_WAIT} (?:on hold|in line|waiting|late|at the gate|on the tarmac|delay)\b",
        rf"\bwaiting (?:for )?{_N} ?{_EN_WAIT}\b",
        # A product or network that breaks down: "app keeps crashing", "network down again".
        r"\b(?:not|isn'?t|aren'?t|wasn'?t|doesn'?t|don'?t|didn'?t|won'?t|can'?t|cannot|"
        r"stopped) (?:working|work|loading|load|connecting|connect|log ?in|sign ?in)\b",
        r"\bkeeps? (?:crashing|freezing|failing|dropping|disconnecting|logging me out)\b",
        r"\bcrash(?:es|ed|ing)\b", r"\boutages?\b", r"\bdown again\b",
        r"\b(?:app|site|website|service|server|servers|network|internet|wifi|platform|system)"
        r" (?:is |are |was |went |still |been )?down\b",
        r"\bno (?:signal|service|internet|wifi|connection|network|reception|coverage)\b",
        r"\b(?:charged|billed) (?:me )?twice\b", r"\bdouble (?:charged|billed)\b",
        r"\bovercharged\b",
    ])),
    "fr": re.compile("|".join([
        r"\bretard(?:s|e|ee|ees)?\b", r"\bannule(?:e|s|es)?\b", r"\bannulation\b",
        r"\btoujours (?:pas|rien|aucun|aucune|en attente)\b", r"\bcolis (?:perdu|egare)\b",
        r"\b(?:jamais|pas|toujours pas) (?:recu|recue|livre|livree|arrive|arrivee)\b",
        r"\b(?:pas de|aucun|attends? (?:le|mon)|toujours pas de) remboursement\b",
        r"\bbloque(?:e|s|es)?\b", r"\bcoince(?:e|s|es)?\b",
        r"\brate (?:ma |la |notre )?correspondance\b",
        rf"\b{_N} ?{_FR_WAIT} d'attente\b", rf"\battendu {_N} ?{_FR_WAIT}\b",
        # Un produit ou un réseau en panne : « l'appli plante », « plus de réseau ».
        r"\bne (?:marche|fonctionne|charge|demarre|repond) (?:plus|pas|toujours pas|jamais)\b",
        r"\ben panne\b", r"\bpannes? (?:de|du|d'|generale|reseau|internet)",
        r"\bplante(?:nt)? (?:sans arret|tout le temps|encore|souvent|a chaque)\b",
        r"\bimpossible de (?:me |se |nous )?(?:connecter|joindre|installer|telecharger|"
        r"commander|payer|ouvrir|lancer)\b",
        r"\b(?:pas|plus) de (?:reseau|connexion|signal|internet|wifi)\b",
        r"\b(?:preleve|facture|debite)(?:e|s)? deux fois\b",
    ])),
}

SUCCESS = {
    "en": re.compile("|".join([
        r"\barrived (?:on time|early|the next day|next day)\b", r"\bon time\b",
        r"\b(?:quick|fast|speedy|prompt) (?:delivery|shipping|dispatch|refund)\b",
        rf"\b(?:delivered|arrived|received) (?:in|within) {_N} ?(?:h|hours?|days?)\b",
        r"\bas described\b", r"\bwell packed\b", r"\blanded early\b",
    ])),
    "fr": re.compile("|".join([
        rf"\b(?:recu|recue|recus|recues|livre|livree|livres|livrees|arrive|arrivee)"
        rf" (?:en|sous) {_N} ?(?:h|heures?|jours?)\b",
        r"\b\d+ ?h chrono\b", r"\bconformes?\b",
        r"\b(?:vite|rapidement|bien) (?:livre|livree|recu|recue)\b",
        r"\b(?:livre|livree|recu|recue|expedie|expediee) (?:vite|rapidement)\b",
        r"\blivraison (?:rapide|express|soignee|impeccable|dans les temps)\b",
        r"\bbien recue?s?\b", r"\b(?:arrive|arrivee|livre|livree) le lendemain\b",
        r"\ben parfait etat\b", r"\bemballage soigne\b", r"\ba l'heure\b",
        r"\bexpedie(?:e)? le jour meme\b",
    ])),
}


def counts(folded: str, lang: str) -> tuple[int, int]:
    """How many service-failure and service-success cues ``folded`` holds (``lang`` fr or en)."""
    return len(FAIL[lang].findall(folded)), len(SUCCESS[lang].findall(folded))
