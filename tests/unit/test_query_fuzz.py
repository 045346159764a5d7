"""Property tests for the brand query language: no crash, no hang, and agreement with oracles."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from analysis.query import BrandMatcher, QuerySyntaxError, compile_query, normalize, tokenize
from analysis.text import token_spans

FAST = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                                      HealthCheck.data_too_large])

# Pieces a query is made of, weighted towards what breaks parsers.
FRAGMENTS = ["(", ")", "(", ")", '"', "“", "»", "AND", "OR", "NOT", "NEAR/2", "NEAR/", "NEAR",
             "NEAR/99999", "*", "caf*", "a*", "@", "#", "@acme", "#tag", "acme", "Café", "l'o",
             "-", "x-y", " ", " ", " ", "\t", "\n", "é", "\u0301", "ß", "苹果", "_", ".", "and",
             "0", "\x00", "\ud800"]
query_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=400).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=400).map(" ".join),
    st.text(max_size=300),
    st.text(alphabet='()"*@#ANDORTNE/0123 xé\u0301', max_size=2000),
)


def compile_or_refuse(query: str):
    """Compile ``query``; a refusal must be a QuerySyntaxError pointing inside the query."""
    try:
        return compile_query(query)
    except QuerySyntaxError as err:
        assert 0 <= err.position <= len(query)
        assert f"position {err.position}" in str(err)
        return None


@FAST
@given(query_text)
def test_any_query_text_compiles_or_raises_query_syntax_error(query):
    compile_or_refuse(query)


@FEW
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1000, max_size=3000).map(" ".join)
       .map(lambda s: s[:10_000]))
def test_long_random_queries_compile_or_raise_query_syntax_error(query):
    compile_or_refuse(query)


@pytest.mark.parametrize("query", [
    "(" * 10_000,
    ")" * 10_000,
    "(" * 5_000 + ")" * 5_000,
    "(a " * 3_000,
    "NOT " * 2_500 + "a",
    "a OR " * 2_000 + "b",
    "a AND " * 1_600 + "b",
    "a " * 5_000,
    '"' * 10_000,
    '"' * 9_999,
    "*" * 10_000,
    "a NEAR/1 " * 1_100 + "b",
    "@" * 10_000,
    "é\u0301" * 5_000,
    "x" * 10_000,
    "NOT (" * 40 + "a" + ")" * 40 + " b",
])
def test_pathological_queries_end_quickly(query):
    # Reaching the assertion at all is the point: no RecursionError, no other exception.
    q = compile_or_refuse(query)
    if q is not None:
        assert isinstance(q.matches("a b " * 50), bool)


# -- compiled queries against random texts -----------------------------------------------------

WORDS = ["a", "b", "c", "acme", "café", "cafe", "Acme_fr"]
term = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(lambda w: "@" + w),
    st.sampled_from(WORDS).map(lambda w: "#" + w),
    st.sampled_from(["ac*", "caf*", "@ac*"]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda ws: '"' + " ".join(ws)
                                                                  + '"'),
)
near = st.tuples(term, st.integers(0, 4), term).map(lambda t: f"{t[0]} NEAR/{t[1]} {t[2]}")
expression = st.recursive(
    st.one_of(term, near),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" AND ", " OR ", " ", " NOT "]), inner).map("".join),
        inner.map(lambda e: f"({e})"),
        inner.map(lambda e: f"NOT {e}"),
    ),
    max_leaves=12,
)
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS + ["@acme", "#café", " ", ", ", "-", "'", "CAFÉ", "x",
                                      "\u0301", "苹"]), max_size=80).map(" ".join),
)


@FAST
@given(expression, st.lists(texts, min_size=1, max_size=4))
def test_compiled_queries_never_raise_and_spans_agree_with_matches(query, samples):
    q = compile_or_refuse(query)
    assume(q is not None)
    other = compile_query("acme OR caf*")
    matcher = BrandMatcher({"q": q, "other": other})
    for text in samples:
        matched = q.matches(text)
        assert isinstance(matched, bool)
        spans = q.spans(text)
        assert bool(spans) == matched
        assert all(0 <= s < e <= len(text) for s, e in spans)
        assert spans == sorted(spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
        expected = [name for name, query in (("q", q), ("other", other)) if query.matches(text)]
        assert matcher.match(text) == expected


@FAST
@given(st.text(max_size=500))
def test_token_spans_agree_with_tokenize(text):
    spans = token_spans(text)
    assert [t for t, _, _ in spans] == tokenize(text)
    assert all(0 <= s < e <= len(text) for _, s, e in spans)


@FAST
@given(st.text(max_size=300))
def test_normalize_is_idempotent_and_tokens_are_folded(text):
    assert normalize(normalize(text)) == normalize(text)
    for token in tokenize(text):
        assert token == normalize(token)


@FAST
@given(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=12),
       st.text(max_size=60), st.text(max_size=60))
def test_a_word_is_found_in_any_context_and_its_spans_point_at_it(word, before, after):
    words = tokenize(word)
    assume(len(words) == 1 and not words[0].startswith(("@", "#")))
    text = f"{before} {word.upper()} {after}"
    q = compile_query(f'"{word}"')
    assert q.matches(text)
    for start, end in q.spans(text):
        assert [t.lstrip("@#") for t in tokenize(text[start:end])] == words


# -- oracles: the same questions answered the slow, obvious way --------------------------------

VOCAB = ["ab", "bc", "cd", "de", "abc"]
token_lists = st.lists(st.sampled_from(VOCAB + ["x"]), max_size=25)


def render(tokens: list[str], seps: list[str]) -> str:
    # Random case and punctuation between words must not change anything.
    return "".join(f"{tok.upper() if i % 3 == 0 else tok}{seps[i % len(seps)]}"
                   for i, tok in enumerate(tokens))


separators = st.lists(st.sampled_from([" ", ", ", " - ", "'", "! ", "\n"]), min_size=1,
                      max_size=4)


@FAST
@given(token_lists, separators, st.sampled_from(VOCAB), st.integers(0, 5), st.sampled_from(VOCAB))
def test_near_agrees_with_brute_force(tokens, seps, left, gap, right):
    expected = any(t == left and u == right and i != j and abs(i - j) - 1 <= gap
                   for i, t in enumerate(tokens) for j, u in enumerate(tokens))
    q = compile_query(f"{left} NEAR/{gap} {right}")
    assert q.matches(render(tokens, seps)) is expected


@FAST
@given(token_lists, separators, st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3))
def test_phrases_agree_with_brute_force(tokens, seps, phrase):
    n = len(phrase)
    expected = any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1))
    assert compile_query('"' + " ".join(phrase) + '"').matches(render(tokens, seps)) is expected


@FAST
@given(token_lists, separators, st.sampled_from(["ab", "bc", "abc", "de"]))
def test_wildcards_agree_with_brute_force(tokens, seps, prefix):
    expected = any(t.startswith(prefix) for t in tokens)
    assert compile_query(prefix + "*").matches(render(tokens, seps)) is expected


# Boolean trees: rendered with as few parentheses as the precedence rules allow, then compared
# with a direct evaluation of the tree.
leaf = st.sampled_from(VOCAB)
positive = st.recursive(leaf, lambda inner: st.tuples(st.sampled_from(["and", "or"]),
                                                      st.lists(inner, min_size=2, max_size=3)),
                        max_leaves=6)
tree = st.recursive(
    st.one_of(leaf, positive.map(lambda p: ("not", p))),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        positive.map(lambda p: ("not", p)),
    ),
    max_leaves=10,
)
LEVEL = {"or": 1, "and": 2, "not": 3}


def show(node, implicit: bool) -> str:
    if isinstance(node, str):
        return node
    if node[0] == "not":
        inner = node[1]
        return "NOT " + (show(inner, implicit) if isinstance(inner, str)
                         else f"({show(inner, implicit)})")
    parts = []
    for child in node[1]:
        text = show(child, implicit)
        if not isinstance(child, str) and LEVEL[child[0]] <= LEVEL[node[0]] \
                and child[0] != node[0]:
            text = f"({text})"
        parts.append(text)
    joiner = " OR " if node[0] == "or" else (" " if implicit else " AND ")
    return joiner.join(parts)


def evaluate(node, words: set[str]) -> bool:
    if isinstance(node, str):
        return node in words
    if node[0] == "not":
        return not evaluate(node[1], words)
    results = [evaluate(c, words) for c in node[1]]
    return all(results) if node[0] == "and" else any(results)


@FAST
@given(tree, st.booleans(), st.lists(st.lists(st.sampled_from(VOCAB + ["x"]), max_size=6),
                                     min_size=1, max_size=6), separators)
def test_boolean_queries_agree_with_direct_evaluation(node, implicit, samples, seps):
    query = show(node, implicit)
    if evaluate(node, set()):
        # It would match a text holding none of its terms: refused as having nothing positive.
        with pytest.raises(QuerySyntaxError, match="needs at least one term"):
            compile_query(query)
        return
    q = compile_query(query)
    for words in samples:
        assert q.matches(render(words, seps)) is evaluate(node, set(words)), (query, words)


def test_show_renders_precedence_minimally():
    node = ("or", ["ab", ("and", ["bc", ("not", "cd")])])
    assert show(node, False) == "ab OR bc AND NOT cd"
    assert show(("and", [("or", ["ab", "bc"]), "cd"]), True) == "(ab OR bc) cd"
    assert re.fullmatch(r"NOT \(ab OR bc\)", show(("not", ("or", ["ab", "bc"])), False))
