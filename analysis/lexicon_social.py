"""Social-media and customer-service words, idioms and modifiers the VADER lexicons miss."""

# Valences are on VADER's scale (about -4 … +4). Keys are folded like ``analysis.text.normalize``
# (lower case, no accents). Entries here override the bundled lexicons, because those were rated
# for general text: the French one has ``cher`` (dear) at +1.6 and ``nul`` at -0.5, while a
# customer writing "trop cher" or "c nul" is plainly complaining.

from __future__ import annotations

# Single words. Inflections (plural, feminine, -ed, -ing) are found by stripping endings.
WORDS = {
    "fr": {
        "nul": -2.5, "nulle": -2.5, "naze": -2.2, "pourri": -2.5, "merdique": -3.0,
        "merde": -2.8, "cata": -2.5, "catastrophe": -2.6, "galere": -2.0, "galerer": -2.0,
        "bof": -1.3, "relou": -1.8, "chiant": -2.0, "penible": -1.8, "lamentable": -2.7,
        "honte": -2.3, "scandale": -2.5, "scandaleux": -2.6, "inadmissible": -2.6,
        "arnaque": -2.8, "arnaquer": -2.8, "voleur": -2.6, "escroc": -2.8, "deplorable": -2.7,
        "decu": -2.0, "decevant": -2.2, "deception": -2.2, "panne": -2.0, "coupure": -1.8,
        "plante": -1.8, "planter": -1.8, "rame": -1.8, "ramer": -1.8, "bug": -1.6, "buggue": -1.8,
        "lent": -1.5, "defectueux": -2.2, "defaillant": -2.2, "injoignable": -2.2,
        "insupportable": -2.5, "cauchemar": -2.8, "horrible": -2.8, "catastrophique": -2.8,
        "cher": -1.2, "ruine": -1.5, "ridicule": -2.0, "torture": -2.5, "dangereux": -2.2,
        "fragile": -1.5, "moyen": -0.8, "decevante": -2.2, "inexistant": -2.0,
        "abuse": -2.0, "marre": -2.2, "ras": 0.0, "resilie": -1.2, "resilier": -1.0,
        "deconseille": -2.3, "evitez": -2.0, "fuyez": -2.8, "pire": -2.6, "prehistorique": -1.8,
        "inutile": -2.0, "incomprehensible": -1.8, "regrette": -1.8, "lache": -1.8,
        "refuse": -1.4, "refusent": -1.4, "bloque": -1.5, "attente": -0.6, "perdu": -1.2,
        "top": 2.5, "genial": 3.0, "geniale": 3.0, "super": 2.3, "excellent": 3.0,
        "parfait": 3.0, "impeccable": 2.8, "nickel": 2.5, "kiffe": 2.5, "kiff": 2.5,
        "kiffer": 2.5, "adore": 3.0, "j'adore": 3.0, "content": 2.0, "contente": 2.0,
        "ravi": 2.5, "ravie": 2.5, "satisfait": 2.0, "conquis": 2.5, "bluffe": 2.5,
        "magnifique": 3.0, "merveille": 3.0, "bonheur": 3.0, "sympa": 1.8, "efficace": 2.0,
        "fiable": 2.0, "stable": 1.2, "solide": 1.8, "imbattable": 2.5,
        "recommande": 2.2, "bravo": 2.5, "merci": 1.8, "chapeau": 2.0, "respect": 1.5,
        "fluide": 1.8, "reactif": 2.0, "reactive": 2.0, "puissant": 1.5, "pro": 1.0,
        "meilleur": 2.8, "meilleure": 2.8, "mieux": 1.8, "bien": 1.6, "correct": 1.2,
        "apprecie": 2.0, "capte": 1.2, "marche": 1.2, "fonctionne": 1.2, "tient": 1.0,
        "dure": 1.0, "repond": 1.0, "rembourse": 1.8, "sauve": 2.0, "depanne": 1.5,
        "satisfaite": 2.0, "serieux": 1.5, "ouf": 0.0, "grave": -1.5,
        "lol": 0.3, "mdr": 0.3, "ptdr": 0.3, "wtf": -2.0, "probleme": -1.6, "souci": -1.5,
        "quitte": -1.2, "enfin": 0.8, "surpris": 0.8, "honnete": 2.0, "rassurant": 1.5,
        "facile": 1.5, "gratuit": 1.0, "leger": 0.8, "maniable": 1.2, "patients": 1.5,
        "sur": 0.0, "trop": 0.0, "frais": -0.8, "plus": 0.0, "pose": 0.0,
        "rapide": 1.2, "carton": 0.0, "vent": 0.0,
    },
    "en": {
        "rubbish": -2.5, "garbage": -2.6, "trash": -2.5, "crap": -2.5, "meh": -1.3,
        "wtf": -2.2, "lol": 0.3, "lmao": 0.3, "sucks": -2.3, "outage": -2.0, "down": -1.2,
        "crash": -1.8, "crashing": -1.8, "buggy": -1.8, "sluggish": -1.8, "slow": -1.5,
        "faulty": -2.2, "unreachable": -2.2, "scam": -2.8, "thieves": -2.6, "robbery": -2.6,
        "ripoff": -2.6, "overcharged": -2.4, "expensive": -1.2, "pricey": -1.2,
        "dropouts": -1.8, "drops": -1.5, "unbearable": -2.6, "appalling": -2.8,
        "nonexistent": -2.0, "prehistoric": -1.8, "fragile": -1.5, "mediocre": -1.8,
        "disappointing": -2.2, "cancelling": -1.2, "mess": -2.0, "joke": -1.8,
        "nightmare": -2.8, "useless": -2.5, "terrible": -2.8, "awful": -2.8, "worst": -3.0,
        "avoid": -2.0, "regretted": -1.8, "torture": -2.5, "fed": -1.5, "hype": -1.0,
        "flimsy": -1.8, "vanished": -1.5, "insult": -2.5, "refuses": -1.4, "froze": -1.5,
        "frustrating": -2.2, "disgraceful": -2.8, "ridiculous": -2.2, "outrageous": -2.6,
        "dangerous": -2.2, "locked": -1.0, "absurd": -2.0, "sick": -1.5,
        "great": 3.0, "awesome": 3.0, "brilliant": 3.0, "fantastic": 3.2, "flawless": 3.0,
        "unbeatable": 2.5, "solid": 1.6, "reliable": 2.0, "dependable": 2.0, "stable": 1.2,
        "smooth": 1.8, "fast": 1.2, "quick": 1.2, "cheap": 0.8, "cheapest": 1.2,
        "works": 1.2, "work": 1.0, "worked": 1.0, "lasts": 1.2, "answered": 1.0,
        "answers": 1.0, "replies": 1.0, "refunded": 1.8, "helped": 1.8, "helpful": 2.0,
        "delighted": 2.8, "satisfied": 2.0, "happy": 2.7, "sold": 0.0, "gorgeous": 3.0,
        "marvel": 3.0, "top": 1.8, "kudos": 2.5, "decent": 1.4, "perfect": 3.0,
        "nimble": 1.2, "powerful": 1.5, "responsive": 1.8, "slick": 1.5, "efficient": 2.0,
        "impressed": 2.5, "insane": 1.5, "bliss": 2.8, "recommend": 2.2, "loving": 3.0,
        "adore": 3.0, "killing": 0.0, "fire": 0.0, "nice": 1.8, "profit": 0.0,
        "restored": 0.5, "support": 0.0, "supports": 0.0,
        "care": 0.0, "drop": -1.5, "easy": 1.5, "free": 0.5, "fine": 1.2, "thanks": 1.8,
        "thank": 1.8, "appreciated": 2.0, "sorted": 1.5, "patient": 1.5, "better": 2.0,
        "super": 2.0, "fixed": 1.5, "warm": 1.5, "left": -0.8, "problems": -1.7,
        "finally": 0.8, "fees": -0.8, "bug": -1.6, "bugs": -1.6, "proper": 1.2,
        "surprised": 0.8, "honest": 2.0, "reassuring": 1.5, "regrets": -1.5,
    },
}

# Several words that mean something none of them says alone. Matched on folded tokens, longest
# first, before negation and intensifiers are looked at.
PHRASES = {
    "fr": {
        "pas mal": 2.0, "pas terrible": -2.0, "pas top": -2.0, "pas fou": -1.5,
        "pas genial": -2.0, "pas de souci": 1.8, "pas de probleme": 1.8, "aucun souci": 2.0,
        "aucun probleme": 2.0, "sans souci": 1.8, "sans probleme": 1.8,
        "rien a redire": 2.5, "rien a dire": 2.0, "au top": 2.8, "de ouf": 2.2,
        "trop bien": 3.0, "ras le bol": -2.6, "en ai marre": -2.4, "foutage de gueule": -3.2,
        "a la ramasse": -2.4, "en carton": -2.0, "du vent": -2.0, "du solide": 2.2,
        "du vol": -2.6, "le jour et la nuit": 2.0, "jamais plus": -2.2, "jamais decu": 2.5,
        "plus ce que c'etait": -2.0, "plus ce que c": -2.0, "en panne": -2.2,
        "pas a la hauteur": -2.4, "sans prevenir": -1.6, "sans explication": -1.6,
        "aux abonnes absents": -2.4, "perdu un client": -2.5, "moins cher": 1.2,
        "le moins cher": 1.8, "pas cher": 1.5, "pas donne": -0.8, "c'est fini": -1.8,
        "fini pour moi": -2.0, "m'a lache": -2.0, "ne m'a jamais lache": 2.5,
        "pas rassurant": -1.8, "vieux jeu": -0.5, "sauve la mise": 2.5, "vite fait": 0.0,
        "tous les soirs": 0.0, "tout le temps": 0.0, "geste commercial": 1.5,
        "fait le job": 2.0, "vaut le coup": 2.2, "bien joue": 2.5,
        "chez moi": 0.0, "ne repond": -1.6, "personne ne repond": -2.4,
        "personne au telephone": -2.0, "toujours rien": -1.8,
        "a mort": 0.0, "au garage": -1.5, "ca va": 1.2, "ca dure": 1.8, "preleve deux fois": -1.8,
        "fait attendre": -1.8, "moins de frais": 1.5, "frais caches": -2.4,
        "vrai service client": 2.0,
    },
    "en": {
        "not bad": 2.0, "not great": -2.0, "not good": -2.0, "no problem": 1.8,
        "no problems": 1.8, "no issues": 2.0, "no issue": 2.0, "no trouble": 2.0,
        "nothing to complain about": 2.5, "no complaints": 2.5, "top notch": 2.8,
        "fed up": -2.4, "sick of": -2.2, "had enough": -2.2, "rip off": -2.6,
        "rip-off": -2.6, "daylight robbery": -2.8, "night and day": 2.0, "never again": -2.4,
        "let me down": -2.2, "let down": -2.2, "never let me down": 2.5,
        "hasn't let me down": 2.5, "not what it used to be": -2.0, "up to the job": 1.5,
        "without warning": -1.6, "without telling me": -1.6, "no explanation": -1.6,
        "killing it": 2.8, "on fire": 2.0, "all hype": -2.2, "the real deal": 2.5,
        "built to last": 2.2, "worth it": 2.2, "lost a customer": -2.5, "is down": -2.2,
        "still down": -2.4, "keeps going down": -2.4, "going down": -1.8, "no signal": -2.2,
        "zero signal": -2.4, "on hold": -1.2, "hung up": -1.8, "in the shop": -1.5,
        "blew me away": 3.0, "no questions asked": 1.8, "without any fuss": 1.8,
        "no fuss": 1.8, "does the job": 2.0, "on the other hand": 0.0, "a joke": -2.4,
        "is a joke": -2.4, "holds up": 1.5, "sorted me out": 2.2, "well done": 2.5,
        "nobody answers": -2.4, "nobody will": -1.5, "still no": -1.5, "still nothing": -1.8,
        "not reassuring": -1.8, "hats off": 2.5, "old school": -0.3, "broke down": -2.2,
        "breaks down": -2.2, "died": -2.0, "pleasantly surprised": 2.8, "no help": -2.0,
        "so easy": 2.0, "charged me twice": -1.8, "charged twice": -1.8, "made me wait": -1.8,
        "done with": -2.0, "fewer fees": 1.5, "hidden fees": -2.4,
        "real customer service": 2.0, "no regrets": 2.0,
    },
}

# Words that turn the next sentiment around (VADER's own list, trimmed to what posts use).
NEGATORS = {
    "fr": {"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "nullement", "guere",
           "personne", "zero"},
    "en": {"not", "no", "never", "nobody", "nothing", "without", "hardly", "neither", "nor",
           "cannot", "zero"},
}
# "ne … plus" negates; "plus" alone means "more", so it only counts after "ne"/"n'".
FR_NE = {"ne", "n'", "n"}

# Degree words: (scale added to the next sentiment word's magnitude). Negative values damp.
BOOSTERS = {
    "fr": {"vraiment": 0.35, "trop": 0.35, "tres": 0.3, "super": 0.35, "tellement": 0.35,
           "hyper": 0.35, "ultra": 0.35, "grave": 0.35, "carrement": 0.3, "totalement": 0.3,
           "completement": 0.3, "vachement": 0.3, "franchement": 0.15, "bien": 0.25,
           "extremement": 0.35, "absolument": 0.3, "si": 0.2, "tout": 0.1, "encore": 0.15,
           "assez": -0.2, "plutot": -0.2, "un peu": -0.3, "peu": -0.4, "presque": -0.3,
           "legerement": -0.3, "moins": -0.5, "plus": 0.2},
    "en": {"so": 0.35, "really": 0.35, "very": 0.3, "super": 0.35, "totally": 0.3,
           "absolutely": 0.35, "extremely": 0.35, "way": 0.3, "far": 0.3, "much": 0.25,
           "incredibly": 0.35, "seriously": 0.3, "honestly": 0.15, "too": 0.2, "such": 0.25,
           "utterly": 0.35, "completely": 0.3, "painfully": 0.35, "soooo": 0.4,
           "kinda": -0.3, "somewhat": -0.3, "slightly": -0.4, "barely": -0.4, "pretty": 0.1,
           "quite": 0.1, "more": 0.2},
}
# Degree words written after what they strengthen: "j'kiffe grave", "rame à mort", "slow af".
POST_BOOSTERS = {
    "fr": {"grave": 0.4, "de ouf": 0.4, "a mort": 0.4, "du tout": 0.3, "vraiment": 0.2},
    "en": {"af": 0.4, "as hell": 0.4, "at all": 0.3},
}

# Where a sentence turns: the part after weighs more, and each side may be about another brand.
CONTRAST = {
    "fr": ("mais", "alors que", "alors qu'", "tandis que", "tandis qu'", "par contre",
           "contrairement a", "contrairement au", "cependant", "pourtant", "sauf que",
           "en revanche", "au moins", "heureusement", "a la difference de"),
    "en": ("but", "whereas", "while", "unlike", "however", "though", "although",
           "on the other hand", "at least", "luckily", "except that", "compared to"),
}
# Markers that put the brand right after them on the opposite side of the comparison.
OPPOSITE = {
    "fr": ("contrairement a", "contrairement au", "a la difference de", "que", "qu'",
           "que celui de", "que celle de", "que ceux de", "que celles de"),
    "en": ("unlike", "than", "compared to", "than that of", "than those of"),
}

# Press-release verbs: a post that only reports what a company does is news, not opinion.
NEWS_VERBS = {
    "fr": {"annonce", "annoncent", "lance", "lancent", "publie", "publient", "ouvre", "ouvrent",
           "recrute", "presente", "presenteront", "leve", "negocie", "propose", "sort",
           "livre", "demenage", "renomme", "change", "changent", "arrive", "sera", "seront",
           "rappelle", "augmente", "baisse", "offre"},
    "en": {"announces", "announce", "launches", "launch", "publishes", "opens", "hiring",
           "unveils", "raises", "reports", "releases", "delivers", "moves", "renames",
           "updates", "expands", "will", "says", "offers"},
}

# Emoji and emoticons people put in complaints and praise; other emoji count as nothing.
EMOJI = {
    "👍": 2.0, "👎": -2.2, "👏": 2.2, "🙏": 1.8, "❤️": 2.8, "❤": 2.8, "💕": 2.5, "😍": 3.0,
    "🥰": 3.0, "😘": 2.2, "😊": 2.2, "🙂": 1.2, "😀": 2.2, "😃": 2.2, "😄": 2.2, "😁": 2.2,
    "😎": 1.8, "🤩": 3.0, "🔥": 1.8, "💯": 2.0, "👌": 2.0, "✅": 1.2, "🎉": 2.2, "🥳": 2.5,
    "💪": 1.8, "⭐": 1.5, "🌟": 1.8, "😂": 0.5, "🤣": 0.5, "😅": 0.0, "😉": 0.8,
    "😡": -3.0, "🤬": -3.2, "😠": -2.6, "😤": -2.2, "😩": -2.2, "😫": -2.2, "😒": -1.8,
    "🙄": -1.8, "😞": -2.0, "😔": -1.8, "😢": -2.0, "😭": -2.2, "💩": -2.6, "🤮": -3.0,
    "🤢": -2.5, "😱": -1.5, "🐌": -1.8, "❌": -1.5, "🚫": -1.5, "💔": -2.5, "😕": -1.3,
    "🤡": -2.0, "😬": -1.0, "🤦": -2.0, "🤷": -0.5,
    ":)": 2.0, ":-)": 2.0, ":d": 2.2, ":-d": 2.2, ";)": 1.0, "<3": 2.8, ":(": -2.0,
    ":-(": -2.0, ":'(": -2.2, ":/": -1.2, ":-/": -1.2, "xd": 1.5,
}

# Words that open a question asked for information, not an opinion.
QUESTION_WORDS = {
    "fr": {"quelqu'un", "combien", "comment", "quel", "quelle", "quels", "quelles", "quand",
           "pourquoi", "sait", "savez", "connait", "connaissez"},
    "en": {"anyone", "anybody", "does", "do", "is", "are", "will", "can", "how", "what",
           "which", "when", "where", "who", "has", "have", "thoughts"},
}

# Words that start sentences without naming anybody; any other capitalised word that is not in
# the lexicons may be a brand (see ``analysis.sentiment``).
COMMON = {
    "fr": {"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "je", "j'", "tu", "il",
           "elle", "on", "nous", "vous", "ils", "elles", "c'", "ce", "cet", "cette", "ces",
           "ca", "mon", "ma", "mes", "ton", "ta", "son", "sa", "leur", "notre", "apres",
           "avant", "avec", "pour", "chez", "dans", "depuis", "en", "et", "ou", "si", "quand",
           "comment", "combien", "pourquoi", "quel", "quelle", "quelqu'un", "est-ce", "est",
           "voila", "ici", "hier", "aujourd'hui", "demain", "qui", "que", "qu'",
           "comparatif", "conseil", "attention", "installation", "ouverture", "reparation",
           "service", "panne", "encore", "jamais", "toujours", "enfin", "bref", "bon"},
    "en": {"the", "a", "an", "i", "my", "it", "it's", "this", "that", "these", "those", "we",
           "you", "they", "he", "she", "our", "your", "their", "after", "before", "with",
           "for", "in", "on", "at", "since", "and", "or", "if", "when", "how", "what",
           "which", "who", "why", "where", "does", "do", "is", "are", "was", "has", "have",
           "will", "can", "anyone", "anybody", "just", "got", "been", "another", "still",
           "never", "always", "finally", "done", "according", "opened", "waiting", "watch"},
}

# Words that folding would merge with a sentiment word of another meaning: kept accented.
ACCENTED = {"fr": {"marché", "marchés"}, "en": set()}
