"""French and English stopwords (our own lists), compared in folded form: no case, no accents."""

from __future__ import annotations

from analysis.text import normalize

# Written by hand for social posts and news about brands: function words, auxiliaries, the
# commonest adverbs and chat fillers, number words, time units and news-wire filler ("six",
# "years", "reportedly": they topped word clouds and named themes while saying nothing about a
# brand). Accents are optional (lookups fold them away).
_FRENCH = """
a à ai aie aient aies ait alors as au aucun aucune aujourd'hui aujourdhui auquel aussi autre
autres aux auxquelles auxquels avaient avais avait avant avec avez aviez avions avoir avons ayant
bah ben bien bon c ça ca car ce ceci cela celle celles celui cependant certain certaine certaines
certains ces cet cette ceux chaque chez ci combien comme comment contre d dans de depuis des dès
desquelles desquels deux devant doit donc dont du duquel durant elle elles en encore entre es est
et étaient étais était étant été être eu eue eues eurent eus eut eux fait faire fais faut fois
font fut hein ici il ils j jamais je jusqu jusque l la là laquelle le lequel les lesquelles
lesquels leur leurs lors lorsqu lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni
non nos notre nous on ont ou où oui par parce pas peu peut peuvent plus plutôt pour pourquoi
pourtant près puis puisqu puisque qu quand que quel quelle quelles quels qui quoi quoiqu s sa
sans se sera serai seraient serais serait seront ses si sien sienne sinon soi soit son sont sous
suis sur t ta te tes toi ton toujours tous tout toute toutes très trop tu un une unes uns va
vais vers via voici voilà vont vos votre vous vu y déjà ok ouais bref franchement vraiment
juste rien quelque quelques beaucoup assez ailleurs ainsi après autant avoir chose choses
dit dire sait sais savoir faites fera ferai ferait pendant tellement tant tel telle tels telles
aussi enfin etc ceci cela celà celui-ci celle-ci là-bas peut-être ya ptdr lol mdr
idem pareil merci salut bonjour svp selon informations quelqu'un confirmé contente content
trois quatre cinq six sept huit neuf dix vingt cent cents mille million millions milliard
jour jours semaine semaines mois an ans année années hier demain heure heures minute minutes
crois regarde semble écrit pris passe fin
"""

_ENGLISH = """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each even ever every few for from further get gets got had hadn't has
hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more most
much mustn't my myself no nor not now of off on once only or other ought our ours ourselves out
over own really same shan't she she'd she'll she's should shouldn't so some still such than
that that's the their theirs them themselves then there there's these they they'd they'll
they're they've this those though through to too under until up upon us very via was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's which while who who's
whom why why's will with won't would wouldn't yet you you'd you'll you're you've your yours
yourself yourselves yeah yes ok okay lol one two also anyone anything everyone everything
someone something since may might must shall per im ive dont cant wont didnt doesnt isnt
thats theres whats youre make made going gonna want wants wanted know think thing things
s t d ll m re ve thanks thank hi hello please same confirmed agree
three four five six seven eight nine ten twenty hundred thousand million millions billion
day days week weeks month months year years ago today yesterday tomorrow hour hours minute
minutes reportedly according told say says said expected preparing coming due continue matter
making give actually least far done mine
"""


def _fold(words: str) -> frozenset[str]:
    return frozenset(normalize(w.replace("\u2019", "'")) for w in words.split())


FRENCH = _fold(_FRENCH)
ENGLISH = _fold(_ENGLISH)
ALL = FRENCH | ENGLISH


def is_stopword(word: str) -> bool:
    """True if ``word`` (any case, accents or not, straight or curly apostrophe) is a
    French or English stopword.

    Both lists apply whatever the text's language: posts mix languages, and a language
    detector is least sure on exactly the short texts where stopwords matter most.
    """
    return normalize(word.replace("\u2019", "'")) in ALL
