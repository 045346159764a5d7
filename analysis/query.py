"""The brand query language: parse a query once, then match it against many texts quickly."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping

from analysis.text import Doc, normalize, token_spans, tokenize

__all__ = ["BrandMatcher", "Doc", "Query", "QuerySyntaxError", "compile_query", "normalize",
           "tokenize", "MAX_DEPTH", "MAX_NEAR"]

MAX_DEPTH = 50  # parentheses nested deeper than this are refused
MAX_NEAR = 1000  # largest NEAR distance, in words
_QUOTES = "\"“”«»„"
_NEAR = re.compile(r"NEAR/([0-9]+)\Z")
_OPERATORS = {"AND", "OR", "NOT"}


class QuerySyntaxError(ValueError):
    """A brand query cannot be read; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int, query: str = ""):
        """Keep the bare ``message``, the ``position`` and the ``query`` it refers to."""
        self.message = message
        self.position = position
        self.query = query
        super().__init__(f"syntax error at position {position}: {message}")

    def __reduce__(self):
        return (type(self), (self.message, self.position, self.query))


# ---------------------------------------------------------------------------------------------
# The tree. Every node can be turned into a fast test (_compile) and can list the token ranges
# that made it match (_collect, for spans).

class _Element:
    """One word of a term: the exact tokens it accepts, or the prefixes they start with."""

    __slots__ = ("keys", "prefixes")

    def __init__(self, token: str, prefix: bool):
        forms = (token,) if token[0] in "@#" else (token, "@" + token, "#" + token)
        self.keys = None if prefix else frozenset(forms)
        self.prefixes = forms if prefix else None

    def accepts(self, token: str) -> bool:
        if self.keys is not None:
            return token in self.keys
        return token.startswith(self.prefixes)


class _Term:
    """A word, @handle, #hashtag, wildcard or phrase: one or more consecutive elements."""

    __slots__ = ("pos", "written", "elements", "size")

    def __init__(self, pos: int, written: str, elements: list[_Element]):
        self.pos = pos
        self.written = written
        self.elements = tuple(elements)
        self.size = len(elements)

    def starts(self, doc: Doc) -> list[int]:
        """Sorted token indexes where this term begins in ``doc``."""
        first = self.elements[0]
        if first.keys is not None:
            found = [doc.positions(k) for k in first.keys if k in doc.tokset]
            starts = found[0] if len(found) == 1 else sorted(i for f in found for i in f)
        else:
            prefixes = first.prefixes
            starts = [i for i, tok in enumerate(doc.tokens) if tok.startswith(prefixes)]
        if self.size == 1:
            return starts
        tokens, rest, last = doc.tokens, self.elements[1:], len(doc.tokens) - self.size
        return [i for i in starts if i <= last
                and all(el.accepts(tokens[i + j]) for j, el in enumerate(rest, 1))]

    def present(self, doc: Doc) -> bool:
        """Cheap necessary condition: every exact element occurs somewhere in ``doc``."""
        tokset = doc.tokset
        return all(el.keys is None or not el.keys.isdisjoint(tokset) for el in self.elements)


class _Near:
    __slots__ = ("pos", "left", "right", "gap")

    def __init__(self, pos: int, left: _Term, right: _Term, gap: int):
        self.pos, self.left, self.right, self.gap = pos, left, right, gap


class _Not:
    __slots__ = ("pos", "child")

    def __init__(self, pos: int, child: object):
        self.pos, self.child = pos, child


class _And:
    __slots__ = ("pos", "children")

    def __init__(self, pos: int, children: list):
        self.pos, self.children = pos, children


class _Or:
    __slots__ = ("pos", "children")

    def __init__(self, pos: int, children: list):
        self.pos, self.children = pos, children


def _has_within(starts: list[int], lo: int, hi: int) -> bool:
    return bisect_left(starts, lo) < bisect_right(starts, hi)


def _near_partners(a_starts: list[int], a_size: int, b_starts: list[int], b_size: int,
                   gap: int, first_only: bool) -> list[int]:
    """Starts of A occurrences with a B occurrence at most ``gap`` words before or after."""
    out = []
    for a in a_starts:
        # B after A: words between = b - (a + a_size); B before A: a - (b + b_size).
        if (_has_within(b_starts, a + a_size, a + a_size + gap)
                or _has_within(b_starts, a - b_size - gap, a - b_size)):
            out.append(a)
            if first_only:
                break
    return out


def _cost(node) -> int:
    """Rough evaluation cost, so that AND/OR try their cheap parts first."""
    if isinstance(node, _Term):
        if node.size > 1:
            return 3
        return 1 if node.elements[0].keys is not None else 2
    if isinstance(node, _Near):
        return 5
    if isinstance(node, _Not):
        return _cost(node.child)
    return sum(_cost(c) for c in node.children)


def _compile(node) -> Callable[[Doc], bool]:
    if isinstance(node, _Term):
        el = node.elements[0]
        if node.size == 1 and el.keys is not None:
            keys = el.keys
            return lambda doc: not keys.isdisjoint(doc.tokset)
        if node.size == 1:
            prefixes = el.prefixes
            return lambda doc: doc.has_prefix(prefixes)
        return lambda doc: node.present(doc) and bool(node.starts(doc))
    if isinstance(node, _Near):
        left, right, gap = node.left, node.right, node.gap

        def near(doc: Doc) -> bool:
            if not (left.present(doc) and right.present(doc)):
                return False
            a, b = left.starts(doc), right.starts(doc)
            return bool(a and b and _near_partners(a, left.size, b, right.size, gap, True))
        return near
    if isinstance(node, _Not):
        inner = _compile(node.child)
        return lambda doc: not inner(doc)
    tests = [_compile(c) for c in sorted(node.children, key=_cost)]
    if isinstance(node, _And):
        if len(tests) == 2:
            first, second = tests
            return lambda doc: first(doc) and second(doc)
        return lambda doc: all(t(doc) for t in tests)
    if len(tests) == 2:
        first, second = tests
        return lambda doc: first(doc) or second(doc)
    return lambda doc: any(t(doc) for t in tests)


def _collect(node, doc: Doc) -> list[tuple[int, int]] | None:
    """Token ranges ``[start, stop)`` of the positive terms that make ``node`` match, or None."""
    if isinstance(node, _Term):
        starts = node.starts(doc) if node.present(doc) else []
        return [(s, s + node.size) for s in starts] or None
    if isinstance(node, _Near):
        left, right = node.left, node.right
        a = left.starts(doc) if left.present(doc) else []
        b = right.starts(doc) if right.present(doc) else []
        a_hits = _near_partners(a, left.size, b, right.size, node.gap, False) if b else []
        if not a_hits:
            return None
        b_hits = _near_partners(b, right.size, a, left.size, node.gap, False)
        return [(s, s + left.size) for s in a_hits] + [(s, s + right.size) for s in b_hits]
    if isinstance(node, _Not):
        return None if _collect(node.child, doc) is not None else []
    found: list[tuple[int, int]] = []
    matched = False
    for child in node.children:
        ranges = _collect(child, doc)
        if ranges is None:
            if isinstance(node, _And):
                return None
            continue
        matched = True
        found.extend(ranges)
    return found if matched else None


def _trigger(node) -> frozenset[str] | None:
    """Tokens of which at least one must be in a text for ``node`` to match (None: unknown)."""
    if isinstance(node, _Term):
        exact = [el.keys for el in node.elements if el.keys is not None]
        return min(exact, key=len) if exact else None
    if isinstance(node, _Near):
        return _trigger(node.left) or _trigger(node.right)
    if isinstance(node, _Not):
        return None
    if isinstance(node, _And):
        found = [t for t in map(_trigger, node.children) if t is not None]
        return min(found, key=len) if found else None
    union: set[str] = set()
    for child in node.children:
        t = _trigger(child)
        if t is None:
            return None
        union |= t
    return frozenset(union)


def _needs_term(node) -> bool:
    """True if ``node`` can only match a text containing at least one of its terms."""
    if isinstance(node, (_Term, _Near)):
        return True
    if isinstance(node, _Not):
        return False
    if isinstance(node, _And):
        return any(_needs_term(c) for c in node.children)
    return all(_needs_term(c) for c in node.children)


def _termless_part(node):
    """The innermost part of ``node`` that matches texts without any term (for the error)."""
    while isinstance(node, (_And, _Or)):
        if isinstance(node, _And):
            return node
        node = next(c for c in node.children if not _needs_term(c))
    return node


def _positive_terms(node, negated: bool = False) -> Iterator[_Term]:
    if isinstance(node, _Term):
        if not negated:
            yield node
    elif isinstance(node, _Near):
        if not negated:
            yield node.left
            yield node.right
    elif isinstance(node, _Not):
        yield from _positive_terms(node.child, not negated)
    else:
        for child in node.children:
            yield from _positive_terms(child, negated)


# ---------------------------------------------------------------------------------------------
# Reading the query text.

class _Parser:
    """Lexer and recursive-descent parser; recursion happens only per parenthesis level."""

    def __init__(self, source: str):
        self.source = source
        self.tokens = list(self._lex())
        self.i = 0

    def error(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, position, self.source)

    # -- lexing --------------------------------------------------------------------------------
    def _lex(self) -> Iterator[tuple[str, int, object]]:
        """Yield ``(kind, position, value)``: kind is (, ), AND, OR, NOT, NEAR or TERM."""
        src, n, i = self.source, len(self.source), 0
        while i < n:
            ch = src[i]
            if ch.isspace():
                i += 1
            elif ch in "()":
                yield ch, i, None
                i += 1
            elif ch in _QUOTES:
                close = next((j for j in range(i + 1, n) if src[j] in _QUOTES), -1)
                if close < 0:
                    raise self.error("unterminated quote: this quote is never closed", i)
                yield "TERM", i, self._phrase(src[i + 1:close], i)
                i = close + 1
            else:
                j = i
                while j < n and not (src[j].isspace() or src[j] in "()" or src[j] in _QUOTES):
                    j += 1
                yield self._word(src[i:j], i)
                i = j

    def _word(self, chunk: str, pos: int) -> tuple[str, int, object]:
        if chunk in _OPERATORS:
            return chunk, pos, None
        if chunk == "NEAR" or chunk.startswith("NEAR/"):
            match = _NEAR.match(chunk)
            if not match:
                raise self.error("NEAR needs a distance in words, such as NEAR/3 (to search "
                                 'for the word itself, write "near")', pos)
            gap = int(match.group(1))
            if gap > MAX_NEAR:
                raise self.error(f"NEAR distance {gap} is too large (at most {MAX_NEAR} words)",
                                 pos)
            return "NEAR", pos, gap
        star = chunk.find("*")
        if star >= 0 and star != len(chunk) - 1:
            raise self.error("'*' can only end a word, as in caf* (put the term in quotes to "
                             "search for a literal '*')", pos + star)
        body = chunk[:-1] if star >= 0 else chunk
        found = token_spans(body)
        if not found:
            if star >= 0:
                raise self.error("a wildcard needs at least 2 letters before '*'", pos)
            raise self.error(f"nothing to search for in {chunk!r}: a term needs letters or "
                             "digits", pos)
        elements = [_Element(tok, False) for tok, _, _ in found]
        if star >= 0:
            last, _, end = found[-1]
            if end != len(body):
                raise self.error("'*' must directly follow the letters of a word, as in caf*",
                                 pos + star)
            if len(last.lstrip("@#")) < 2:
                raise self.error("a wildcard needs at least 2 letters before '*'", pos + star)
            elements[-1] = _Element(last, True)
        return "TERM", pos, _Term(pos, chunk, elements)

    def _phrase(self, inner: str, pos: int) -> _Term:
        found = tokenize(inner)
        if not found:
            what = "empty phrase" if not inner.strip() else "nothing to search for in this phrase"
            raise self.error(f"{what}: a phrase needs letters or digits between its quotes", pos)
        return _Term(pos, f'"{inner}"', [_Element(tok, False) for tok in found])

    # -- parsing -------------------------------------------------------------------------------
    def peek(self) -> tuple[str, int, object]:
        if self.i < len(self.tokens):
            return self.tokens[self.i]
        return ("END", len(self.source), None)

    def parse(self):
        if not self.tokens:
            raise self.error("empty query", 0)
        node = self.parse_or(0)
        kind, pos, _ = self.peek()
        if kind == ")":
            raise self.error("unbalanced parenthesis: ')' has no matching '('", pos)
        if kind != "END":  # pragma: no cover - every other token is consumed above
            raise self.error(f"unexpected {kind}", pos)
        if not _needs_term(node):
            raise self.error("a query needs at least one term to look for (NOT only excludes: "
                             "write it as 'acme NOT recipe')", _termless_part(node).pos)
        return node

    def _expect_operand(self, operator: str, op_pos: int) -> None:
        kind, pos, _ = self.peek()
        if kind not in ("TERM", "(", "NOT"):
            raise self.error(f"expected a term after {operator}, found {_name(kind)}", pos)

    def parse_or(self, depth: int):
        first = self.parse_and(depth)
        children = [first]
        while self.peek()[0] == "OR":
            _, op_pos, _ = self.tokens[self.i]
            self.i += 1
            self._expect_operand("OR", op_pos)
            children.append(self.parse_and(depth))
        if len(children) == 1:
            return first
        return _Or(first.pos, _flatten(children, _Or))

    def parse_and(self, depth: int):
        first = self.parse_unary(depth)
        children = [first]
        while True:
            kind, pos, _ = self.peek()
            if kind == "AND":
                self.i += 1
                self._expect_operand("AND", pos)
            elif kind not in ("TERM", "(", "NOT"):
                break
            children.append(self.parse_unary(depth))
        if len(children) == 1:
            return first
        return _And(first.pos, _flatten(children, _And))

    def parse_unary(self, depth: int):
        # NOTs are counted in a loop, not by recursion, so a long run of them costs no stack.
        nots = []
        while self.peek()[0] == "NOT":
            nots.append(self.peek()[1])
            self.i += 1
            self._expect_operand("NOT", nots[-1])
        node = self.parse_primary(depth)
        if len(nots) % 2:
            return _Not(nots[0], node)
        return node

    def parse_primary(self, depth: int):
        kind, pos, value = self.peek()
        if kind == "(":
            if depth >= MAX_DEPTH:
                raise self.error(f"parentheses nested more than {MAX_DEPTH} deep", pos)
            self.i += 1
            if self.peek()[0] == ")":
                raise self.error("empty parentheses: put at least one term inside", pos)
            node = self.parse_or(depth + 1)
            close, close_pos, _ = self.peek()
            if close != ")":
                raise self.error("unbalanced parenthesis: this '(' is never closed", pos)
            self.i += 1
            if self.peek()[0] == "NEAR":
                raise self.error("NEAR needs a word or phrase on each side, not a group in "
                                 "parentheses", self.peek()[1])
            return node
        if kind == "TERM":
            self.i += 1
            if self.peek()[0] != "NEAR":
                return value
            _, near_pos, gap = self.peek()
            self.i += 1
            right_kind, right_pos, right = self.peek()
            if right_kind != "TERM":
                raise self.error(f"expected a word or phrase after NEAR/{gap}, found "
                                 f"{_name(right_kind)}", right_pos)
            self.i += 1
            if self.peek()[0] == "NEAR":
                raise self.error("NEAR cannot be chained: join two NEAR pairs with AND",
                                 self.peek()[1])
            return _Near(pos, value, right, gap)
        if kind == "END":
            raise self.error("expected a term, found the end of the query", pos)
        if kind == ")":
            raise self.error("unbalanced parenthesis: ')' has no matching '('", pos)
        if kind == "NEAR":
            raise self.error(f"expected a word or phrase before NEAR/{value}", pos)
        raise self.error(f"expected a term before {kind}", pos)


def _name(kind: str) -> str:
    """How an error message names a token kind."""
    if kind == "END":
        return "the end of the query"
    if kind in ("(", ")"):
        return f"'{kind}'"
    return "a term" if kind == "TERM" else kind


def _flatten(children: list, cls) -> list:
    # a OR (b OR c) is evaluated as one flat OR: shallower trees and fewer calls.
    out = []
    for child in children:
        out.extend(child.children if isinstance(child, cls) else [child])
    return out


# ---------------------------------------------------------------------------------------------
# The public face.

class Query:
    """A compiled brand query; build it with :func:`compile_query`.

    ``source`` is the query as written; ``terms`` lists its positive terms (those not under
    NOT), as written, without repeats, in query order, phrases in straight double quotes:
    what a collector can send to a site's own search before matching the results here.
    """

    __slots__ = ("source", "terms", "_root", "_test", "_trigger")

    def __init__(self, source: str, root):
        """Wrap a parsed tree; use :func:`compile_query` rather than calling this."""
        self.source = source
        self._root = root
        self._test = _compile(root)
        self._trigger = _trigger(root)
        terms: list[str] = []
        for term in _positive_terms(root):
            if term.written not in terms:
                terms.append(term.written)
        self.terms = terms

    def __repr__(self) -> str:
        return f"compile_query({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __reduce__(self):
        # Pickled as its text (Streamlit's caches pickle): the closures are rebuilt on load.
        return (compile_query, (self.source,))

    def matches(self, text: str) -> bool:
        """True if ``text`` satisfies the query (see :func:`compile_query` for the rules)."""
        return self._test(Doc(text))

    def matches_doc(self, doc: Doc) -> bool:
        """Like :meth:`matches` on a :class:`Doc`, so several queries share one tokenising."""
        return self._test(doc)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans ``(start, end)`` in ``text`` of the terms that make the query match.

        Each occurrence of a positive term (not under NOT) in a part of the query that
        matched is given, so ``text[start:end]`` is the term as written in the text (a
        phrase spans its words, a hashtag includes its ``#``; for NEAR, only occurrences
        that have their partner close enough). Overlapping spans are merged; the list is
        sorted and empty when the query does not match.
        """
        return self.spans_doc(Doc(text))

    def spans_doc(self, doc: Doc) -> list[tuple[int, int]]:
        """Like :meth:`spans` on a :class:`Doc` already built for matching."""
        ranges = _collect(self._root, doc)
        if not ranges:
            return []
        offsets = doc.offsets
        spans = sorted({(offsets[a][0], offsets[b - 1][1]) for a, b in ranges})
        merged = [spans[0]]
        for start, end in spans[1:]:
            if start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged


def compile_query(query: str) -> Query:
    """Parse a brand query and return a :class:`Query` ready to match texts.

    Raises :class:`QuerySyntaxError` (a ValueError) whose message reads
    ``syntax error at position N: …`` with ``N`` the 0-based character offset of the problem.

    **Terms**

    - ``acme`` — a word, matched as a whole word: it does not match *acmes* or *reacme*.
    - ``"acme phone"`` — a phrase: these words consecutively, whatever punctuation or spacing
      lies between them (*Acme-Phone*, *acme, phone*). Inside quotes everything is literal:
      ``"E*Trade"`` finds *E*Trade*. Curly quotes (“ ”) and guillemets (« ») work too.
    - ``@acme`` — the handle @acme only; ``#acme`` — the hashtag #acme only. A plain word
      also matches its handle and hashtag: ``acme`` finds *@acme* and *#acme*, but not
      *@acme_fr* (a handle is one word, ``_`` and inner dots included).
    - ``caf*`` — any word starting with *caf* (at least 2 letters before ``*``, which may
      only end a word); ``@acme*`` and ``#acme*`` work on handles and hashtags.
    - ``a NEAR/3 b`` — *a* and *b* in either order with at most 3 words between them
      (``NEAR/0``: side by side). Each side is a word, phrase, handle, hashtag or wildcard;
      ``a NEAR/3 b NEAR/3 c`` is refused (write ``a NEAR/3 b AND b NEAR/3 c``).

    **Words.** Matching ignores case and accents (``cafe`` finds *Café* and *CAFÉ*,
    ``café`` finds *cafe*; *œ* reads as *oe*, *ß* as *ss*). Letters and digits make words;
    everything else separates them, hyphens, apostrophes and underscores included, so
    ``acme-phone`` is the phrase *acme phone* and *l'orange* holds the word *orange*. A URL
    is words too: *https://acme.com/offres* holds *acme*, *com* and *offres*, so
    ``acme.com`` (the phrase *acme com*) finds it. An address such as *bob@acme.com* is
    words, not a handle. Chinese, Japanese and Thai are written without spaces: there a term
    matches wherever its characters appear in a row.

    **Operators** are recognised only in capitals: ``AND``, ``OR``, ``NOT``, ``NEAR/n``
    (lower-case *and*, *or*, *not*, *near* are ordinary words). Terms side by side mean AND.
    ``NOT`` binds tightest, then ``AND``, then ``OR``; ``a NOT b`` means a AND NOT b, and
    ``a OR b NOT c`` means a OR (b AND NOT c) — write ``(a OR b) NOT c`` to exclude c from
    both. Parentheses group, up to 50 deep. Every alternative must contain something to
    look for: ``NOT recipe`` alone, or ``acme OR NOT recipe``, is refused.

    Example: ``"Orange Telecom" OR @orange OR (orange AND (forfait OR fibre)) NOT "jus
    d'orange"``.
    """
    if not isinstance(query, str):
        raise TypeError(f"a brand query must be a str, got {type(query).__name__}")
    return Query(query, _Parser(query).parse())


class BrandMatcher:
    """Finds which brands a text mentions, tokenising the text once for all of them."""

    def __init__(self, queries: Mapping[str, Query]):
        """Take the ordered mapping brand name -> compiled query; raise TypeError otherwise."""
        self.names: list[str] = []
        self._tests: list[Callable[[Doc], bool]] = []
        self._always: list[int] = []  # brands whose queries have no trigger token
        self._by_token: dict[str, list[int]] = {}
        self._vocabulary: frozenset[str] = frozenset()
        for index, (name, query) in enumerate(queries.items()):
            if not isinstance(query, Query):
                raise TypeError(f"brand {name!r}: expected a Query from compile_query, got "
                                f"{type(query).__name__}")
            self.names.append(name)
            self._tests.append(query._test)
            if query._trigger is None:
                self._always.append(index)
            else:
                for token in query._trigger:
                    self._by_token.setdefault(token, []).append(index)
        self._vocabulary = frozenset(self._by_token)

    def __repr__(self) -> str:
        return f"BrandMatcher({self.names!r})"

    def match(self, text: str) -> list[str]:
        """Names of the brands whose query matches ``text``, in the mapping's order."""
        return self.match_doc(Doc(text))

    def match_doc(self, doc: Doc) -> list[str]:
        """Like :meth:`match` on a :class:`Doc` (reuse it for :meth:`Query.spans_doc`)."""
        # Only brands one of whose trigger tokens occurs can match: skip the others unseen.
        by_token = self._by_token
        candidates = set(self._always)
        for token in doc.tokset & self._vocabulary:
            candidates.update(by_token[token])
        tests, names = self._tests, self.names
        return [names[i] for i in sorted(candidates) if tests[i](doc)]
