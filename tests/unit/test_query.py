"""Hand-made cases for the brand query language: every matching rule and every syntax error."""

from __future__ import annotations

import pickle

import pytest

from analysis.query import (
    MAX_DEPTH,
    BrandMatcher,
    Doc,
    Query,
    QuerySyntaxError,
    compile_query,
    normalize,
    tokenize,
)

ORANGE = ('"Orange Telecom" OR @orange OR #orangefr OR (orange AND (forfait OR fibre OR box)) '
          'NOT "jus d\'orange"')


def hits(query: str, *texts: str) -> list[bool]:
    q = compile_query(query)
    return [q.matches(t) for t in texts]


def spanned(query: str, text: str) -> list[str]:
    """The substrings of ``text`` that ``query.spans`` points at."""
    return [text[s:e] for s, e in compile_query(query).spans(text)]


# -- normalising and tokenising ---------------------------------------------------------------

@pytest.mark.parametrize("raw, folded", [
    ("Café", "cafe"),
    ("CAFÉ", "cafe"),
    ("cafe\u0301", "cafe"),  # the accent as a separate combining character
    ("Ça déçoit, Noël à l'hôtel", "ca decoit, noel a l'hotel"),
    ("Œuf ŒUF", "oeuf oeuf"),
    ("Straße", "strasse"),
    ("ﬁbre", "fibre"),
    ("ＡＣＭＥ", "acme"),
    ("Smørrebrød Łódź", "smorrebrod lodz"),
])
def test_normalize_removes_case_and_accents(raw, folded):
    assert normalize(raw) == folded


def test_normalize_is_stable_when_applied_twice():
    text = "Ça déçoit, ŒUF, Straße, ﬁbre, ＡＣＭＥ, ½, ǅ, İstanbul"
    assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize("text, tokens", [
    ("l'Acme-Phone", ["l", "acme", "phone"]),
    ("l’orange", ["l", "orange"]),
    ("snake_case words", ["snake", "case", "words"]),
    ("Merci @Acme_FR et @acme.support.", ["merci", "@acme_fr", "et", "@acme.support"]),
    ("#OrangeFR #Café_Paris", ["#orangefr", "#cafe_paris"]),
    ("écrire à bob@acme.com", ["ecrire", "a", "bob", "acme", "com"]),
    ("https://www.acme.com/offres?id=4", ["https", "www", "acme", "com", "offres", "id", "4"]),
    ("C# and F#", ["c", "and", "f"]),
    ("4G, 5G!", ["4g", "5g"]),
    ("苹果手机", ["苹", "果", "手", "机"]),
    ("", []),
])
def test_tokenize_splits_words_and_keeps_handles_and_hashtags(text, tokens):
    assert tokenize(text) == tokens


def test_doc_refuses_a_non_string_with_a_clear_message():
    with pytest.raises(TypeError, match="str, got NoneType"):
        Doc(None)  # type: ignore[arg-type]


# -- accents and case --------------------------------------------------------------------------

def test_matching_ignores_case_and_accents_both_ways():
    assert hits("cafe", "Un Café ?", "UN CAFÉ", "cafe\u0301 noir", "un cafe") == [True] * 4
    assert hits("café", "un cafe", "UN CAFE", "Café") == [True] * 3
    assert hits("CAFÉ", "un cafe") == [True]


def test_invisible_characters_do_not_split_words():
    assert hits("starter", "Star\u200bter", "Star\u00adter", "\ufeffstarter") == [True] * 3
    assert spanned("starter", "le Star\u200bter !") == ["Star\u200bter"]


def test_ligatures_and_special_letters_match_their_spelling():
    assert hits("oeuf", "un Œuf") == [True]
    assert hits("œuf", "des oeufs, un oeuf") == [True]
    assert hits("strasse", "Hauptstraße") == [False]  # whole words only
    assert hits("strasse", "die Straße") == [True]


# -- whole words -------------------------------------------------------------------------------

def test_words_match_whole_words_only():
    assert hits("united", "reunited at last", "United we stand", "unitedkingdom") == \
        [False, True, False]
    assert hits("orange", "des oranges", "l'Orange bleue", "orange-mécanique") == \
        [False, True, True]
    assert hits("acme", "acme2 is out", "acme 2 is out") == [False, True]


def test_hyphenated_term_is_a_phrase_of_its_parts():
    assert hits("acme-phone", "the Acme Phone", "an acme-phone", "acme's phone") == \
        [True, True, False]


def test_urls_are_words_so_a_domain_is_found_as_a_phrase():
    q = compile_query("acme.com")
    assert q.matches("see https://www.ACME.com/offres")
    assert q.matches("write to sales@acme.com")
    assert q.matches("acme. Com")  # a phrase ignores the punctuation between its words
    assert not q.matches("acme is a com")
    assert hits("acme", "https://acme.com", "https://notacme.com") == [True, False]


# -- phrases -----------------------------------------------------------------------------------

def test_phrases_need_consecutive_words_in_order():
    q = compile_query('"brand name"')
    assert q.matches("Our Brand Name rocks")
    assert q.matches("brand-name, brand—name")
    assert q.matches("BRAND... name")
    assert not q.matches("brand new name")
    assert not q.matches("name brand")
    assert not q.matches("brandname")


def test_phrase_with_apostrophe_matches_both_apostrophes():
    assert hits('"jus d\'orange"', "un jus d’orange", "un jus d'Orange", "jus dorange") == \
        [True, True, False]


def test_phrase_inside_quotes_is_literal():
    assert hits('"E*Trade"', "I use E*TRADE daily", "e trade", "etrade") == [True, True, False]
    assert hits('"AND"', "this AND that") == [True]


def test_curly_quotes_and_guillemets_make_phrases():
    assert hits("“Orange Telecom”", "chez Orange Telecom", "orange et telecom") == [True, False]
    assert hits("« Orange Telecom »", "chez Orange Telecom") == [True]


def test_phrase_words_also_match_hashtags_and_handles():
    assert hits('"acme support"', "merci @acme support", "#Acme support") == [True, True]


# -- handles and hashtags ----------------------------------------------------------------------

def test_bare_word_matches_its_handle_and_hashtag():
    assert hits("acme", "thanks @acme", "love #acme", "#acmefr", "@acme_fr") == \
        [True, True, False, False]


def test_handle_matches_only_the_handle():
    assert hits("@acme", "thanks @Acme!", "acme is nice", "#acme", "mail bob@acme.com") == \
        [True, False, False, False]
    assert hits("@acme_fr", "cc @ACME_FR.", "acme fr", "@acme") == [True, False, False]
    assert hits("@acme.support", "cc @acme.support", "@acme") == [True, False]


def test_hashtag_matches_only_the_hashtag():
    assert hits("#orangefr", "#OrangeFR rocks", "orangefr", "@orangefr") == [True, False, False]
    assert hits("#café", "#cafe", "#Café") == [True, True]


# -- operators ---------------------------------------------------------------------------------

def test_and_or_not():
    assert hits("acme AND phone", "acme phone", "acme", "phone") == [True, False, False]
    assert hits("acme OR globex", "acme", "globex", "initech") == [True, True, False]
    assert hits("acme NOT recipe", "acme", "acme recipe", "recipe") == [True, False, False]


def test_adjacent_terms_mean_and():
    assert hits("acme phone", "the phone by acme", "acme") == [True, False]
    assert hits('acme "new phone"(x OR y)', "acme new phone x", "acme new phone") == \
        [True, False]


def test_lowercase_operators_are_plain_words():
    assert hits("acme and phone", "acme phone") == [False]
    assert hits("acme and phone", "acme and phone") == [True]
    assert hits("salt or pepper", "salt") == [False]
    assert hits("acme not bad", "acme is not bad") == [True]


def test_precedence_not_then_and_then_or():
    # a OR b AND c  ==  a OR (b AND c)
    assert hits("a OR b AND c", "a", "b", "b c", "c") == [True, False, True, False]
    # a AND b OR c  ==  (a AND b) OR c
    assert hits("a AND b OR c", "c", "a", "a b") == [True, False, True]
    # a OR b NOT c  ==  a OR (b AND NOT c): NOT does not reach the a branch
    assert hits("a OR b NOT c", "a c", "b c", "b") == [True, False, True]
    # NOT a b  ==  (NOT a) AND b
    assert hits("NOT a b", "b", "a b") == [True, False]


def test_parentheses_group():
    assert hits("(a OR b) NOT c", "a c", "b c", "a", "b") == [False, False, True, True]
    assert hits("(a OR b) (c OR d)", "a d", "b c", "a b", "c d") == [True, True, False, False]
    assert hits("((((a))))", "a") == [True]


def test_double_not_cancels():
    assert hits("a AND NOT NOT b", "a b", "a") == [True, False]


def test_the_example_from_the_docs():
    q = compile_query(ORANGE)
    assert q.matches("Vive Orange Telecom")
    assert q.matches("@orange mon forfait ?")
    assert q.matches("#OrangeFR")
    assert q.matches("La fibre d'Orange est coupée")
    assert not q.matches("Un jus d'orange et une box")  # the NOT binds to the last branch…
    assert q.matches("Orange Telecom, pas le jus d'orange")  # …so the phrase branch still holds
    assert not q.matches("orange sanguine")
    assert not q.matches("des oranges en box")


# -- NEAR --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("acme phone", True),
    ("phone acme", True),
    ("acme x y z phone", True),  # three words between
    ("phone, x y z: ACME", True),
    ("acme w x y z phone", False),  # four words between
    ("acme", False),
    ("phone", False),
])
def test_near_counts_words_between_in_either_order(text, expected):
    assert compile_query("acme NEAR/3 phone").matches(text) is expected


def test_near_zero_means_side_by_side_and_phrases_count_from_their_edges():
    assert hits("acme NEAR/0 phone", "phone acme", "acme x phone") == [True, False]
    q = compile_query('"acme corp" NEAR/1 "new phone"')
    assert q.matches("new phone from acme corp")
    assert q.matches("acme corp's new phone")
    assert not q.matches("acme corp presents its new phone")
    assert not q.matches("acme new phone corp")  # the phrase itself is broken


def test_near_needs_two_distinct_occurrences():
    assert hits("acme NEAR/2 acme", "acme", "acme x acme", "acme x y z acme") == \
        [False, True, False]


def test_near_with_handles_and_wildcards_and_not():
    assert hits("@acme NEAR/2 support*", "@acme supportive staff", "acme supportive") == \
        [True, False]
    assert hits("acme NOT acme NEAR/1 recipe", "acme", "acme recipe", "acme x y recipe") == \
        [True, False, True]


# -- wildcards ---------------------------------------------------------------------------------

def test_wildcard_matches_word_prefixes():
    assert hits("caf*", "Café", "cafeteria", "CAF", "caff", "le cafe", "cf", "lecafe") == \
        [True, True, True, True, True, False, False]
    assert hits("acme-ph*", "acme phones", "acme-phablet", "acme tv phones") == \
        [True, True, False]


def test_wildcard_on_handles_and_hashtags():
    assert hits("@acme*", "@acme_fr", "@acmecorp", "acmecorp", "#acmecorp") == \
        [True, True, False, False]
    assert hits("#acme*", "#AcmeLove", "@acmelove") == [True, False]
    assert hits("acme*", "#acmelove", "@acmecorp") == [True, True]


# -- several brands ----------------------------------------------------------------------------

def test_brand_matcher_returns_brands_in_mapping_order():
    matcher = BrandMatcher({
        "Globex": compile_query("globex OR @globex"),
        "Acme": compile_query('acme OR "acme corp"'),
        "Initech": compile_query("initech NOT office"),
        "Cafés": compile_query("caf*"),  # no single word is required: always evaluated
    })
    assert matcher.match("Acme and Globex at the café") == ["Globex", "Acme", "Cafés"]
    assert matcher.match("initech office party") == []
    assert matcher.match("@globex initech") == ["Globex", "Initech"]
    assert matcher.match("") == []
    assert matcher.names == ["Globex", "Acme", "Initech", "Cafés"]


def test_brand_matcher_agrees_with_each_query():
    queries = {"a": compile_query(ORANGE), "b": compile_query("free NEAR/2 mobile"),
               "c": compile_query("sfr* OR (red NOT blue)"), "d": compile_query("NOT x y")}
    matcher = BrandMatcher(queries)
    for text in ["Orange Telecom", "free and mobile", "red blue", "SFRance", "y", "x y",
                 "la fibre orange", "free x y z mobile", "red"]:
        assert matcher.match(text) == [n for n, q in queries.items() if q.matches(text)], text


def test_brand_matcher_refuses_uncompiled_queries():
    with pytest.raises(TypeError, match="brand 'Acme': expected a Query"):
        BrandMatcher({"Acme": "acme"})  # type: ignore[dict-item]


def test_doc_is_shared_across_queries():
    doc = Doc("Le forfait Orange")
    assert compile_query(ORANGE).matches_doc(doc)
    assert not compile_query("globex").matches_doc(doc)


# -- spans -------------------------------------------------------------------------------------

def test_spans_point_at_the_terms_as_written():
    text = "Hier, ORANGE a coupé la Fibre. Merci @Orange !"
    assert spanned(ORANGE, text) == ["ORANGE", "Fibre", "@Orange"]


def test_spans_cover_phrases_hashtags_and_accents():
    assert spanned('"orange telecom" OR #orangefr', "Vive Orange — Télécom et #OrangeFR") == \
        ["Orange — Télécom", "#OrangeFR"]
    assert spanned("cafe", "Un cafe\u0301 noir") == ["cafe\u0301"]
    assert spanned("strasse", "die Straße hier") == ["Straße"]
    assert spanned("トヨタ", "新型トヨタ車") == ["トヨタ"]


def test_spans_leave_out_negated_and_unmatched_parts():
    text = "Acme phone, not a recipe"
    assert spanned("acme NOT banana", text) == ["Acme"]
    assert spanned("(acme AND banana) OR phone", text) == ["phone"]
    assert spanned("acme NOT recipe", text) == []  # no match, no spans


def test_spans_of_near_are_the_close_occurrences_only():
    text = "acme is far from the phone. Later: acme phone."
    assert spanned("acme NEAR/0 phone", text) == ["acme", "phone"]
    assert compile_query("acme NEAR/0 phone").spans(text) == [(35, 39), (40, 45)]


def test_overlapping_spans_are_merged():
    assert spanned('"acme corp" OR acme OR corp*', "Acme Corp") == ["Acme Corp"]
    # separate words stay separate spans
    assert spanned('"acme corp" OR acme OR corp*', "Acme Corporation") == ["Acme", "Corporation"]


# -- terms, identity, pickling -----------------------------------------------------------------

def test_terms_are_the_positive_terms_as_written():
    q = compile_query(ORANGE)
    assert q.source == ORANGE
    assert q.terms == ['"Orange Telecom"', "@orange", "#orangefr", "orange", "forfait", "fibre",
                       "box"]
    assert compile_query("acme NEAR/2 “new phone” OR acme NOT x").terms == \
        ["acme", '"new phone"']


def test_queries_pickle_and_compare_by_source():
    q = compile_query(ORANGE)
    again = pickle.loads(pickle.dumps(q))
    assert again == q and isinstance(again, Query)
    assert again.matches("le forfait orange")
    err = pickle.loads(pickle.dumps(QuerySyntaxError("unbalanced parenthesis", 3, "(a (b")))
    assert err.position == 3 and "position 3" in str(err)


def test_compile_query_refuses_non_strings():
    with pytest.raises(TypeError, match="must be a str"):
        compile_query(None)  # type: ignore[arg-type]


# -- syntax errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("query, position, message", [
    ("", 0, "empty query"),
    ("   \n ", 0, "empty query"),
    ('acme OR "brand name', 8, "unterminated quote"),
    ("(acme OR globex", 0, "unbalanced parenthesis"),
    ("acme OR (globex AND (x OR y)", 8, "unbalanced parenthesis"),
    ("acme OR globex)", 14, "unbalanced parenthesis"),
    ("(a) ) OR (b)", 4, "unbalanced parenthesis"),
    ("acme OR", 7, "expected a term after OR"),
    ("acme OR OR globex", 8, "expected a term after OR"),
    ("acme AND", 8, "expected a term after AND"),
    ("(acme AND) globex", 9, "expected a term after AND"),
    ("acme NOT", 8, "expected a term after NOT"),
    ("OR acme", 0, "expected a term before OR"),
    ("acme (AND globex)", 6, "expected a term before AND"),
    ("acme ()", 5, "empty parentheses"),
    ('acme OR ""', 8, "empty phrase"),
    ('acme " !? "', 5, "nothing to search for in this phrase"),
    ("acme OR -", 8, "nothing to search for in '-'"),
    ("NOT acme", 0, "needs at least one term"),
    ("NOT acme NOT globex", 0, "needs at least one term"),
    ("acme OR NOT recipe", 8, "needs at least one term"),
    ("acme OR (NOT x NOT y)", 9, "needs at least one term"),
    ("caf*é", 3, "'*' can only end a word"),
    ("*acme", 0, "'*' can only end a word"),
    ("c*", 1, "at least 2 letters before '*'"),
    ("acme OR *", 8, "at least 2 letters before '*'"),
    ("acme-*", 5, "must directly follow the letters of a word"),
    ("acme NEAR phone", 5, "NEAR needs a distance"),
    ("acme NEAR/x phone", 5, "NEAR needs a distance"),
    ("acme NEAR/5000 phone", 5, "too large"),
    ("NEAR/2 acme", 0, "before NEAR/2"),
    ("acme NEAR/2", 11, "expected a word or phrase after NEAR/2"),
    ("acme NEAR/2 (phone OR mobile)", 12, "expected a word or phrase after NEAR/2"),
    ("(acme OR globex) NEAR/2 phone", 17, "not a group in parentheses"),
    ("a NEAR/1 b NEAR/1 c", 11, "cannot be chained"),
    ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nested more than 50"),
])
def test_syntax_errors_name_the_problem_and_its_position(query, position, message):
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.position == position
    assert message in str(err)
    assert str(err).startswith(f"syntax error at position {position}: ")


def test_nesting_up_to_the_limit_is_accepted():
    q = compile_query("(" * MAX_DEPTH + "acme" + ")" * MAX_DEPTH)
    assert q.matches("ACME!") and not q.matches("acne")
