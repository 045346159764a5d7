"""Filter values reach SQL only as bound parameters: a static check of store/ and a hostile run."""

from __future__ import annotations

import ast
import inspect
from dataclasses import fields
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import store
from store import StoreError
from store.filters import Filters

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "store"

# Calls that hand their first argument to DuckDB as SQL text.
SINKS = {"execute", "executemany", "sql", "query", "from_query"}
# Builtins whose result is a number (or an error), never text chosen by a caller.
NUMERIC = {"int", "float", "len", "round", "min", "max", "abs"}
# Parameters that are spliced into SQL by design: every caller in store/ must pass a literal
# (checked below), so a column name is always one our own code wrote.
LITERAL_PARAMS = {("filters.py", "where", "day_column"), ("filters.py", "where", "brand_column"),
                  ("filters.py", "where", "sentiment_column")}
# The lake connection's execute methods forward the statement their caller wrote (translated
# for the lake): every caller's own call site is a sink this test checks.
FORWARDERS = {("lake.py", "execute"), ("lake.py", "executemany"), ("lake.py", "_upsert"),
              ("lake.py", "alone")}
# store/sqltext.py: an identifier refused unless made of letters, digits and "_"; a literal
# quoted with its quotes doubled.
QUOTERS = {"identifier", "literal"}


class Module:
    """One parsed store module with its module-level names and functions."""

    def __init__(self, path: Path):
        self.path = path
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.globals: dict[str, list[ast.expr]] = {}
        self.imported: set[str] = set()
        self.functions: dict[str, ast.FunctionDef] = {}
        for node in self.tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imported.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                continue
            else:
                for name, value in _bindings(node):
                    self.globals.setdefault(name, []).append(value)


def _bindings(node: ast.AST):
    """(name, value expression) pairs a statement binds; tuple unpacking keeps the position."""
    def unpack(target, value):
        if isinstance(target, ast.Name):
            yield target.id, value
        elif isinstance(target, (ast.Tuple, ast.List)):
            for i, element in enumerate(target.elts):
                if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                    yield from unpack(element, value.elts[i])
                else:
                    yield from unpack(element, ast.Subscript(value=value, slice=ast.Constant(i)))
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from unpack(target, node.value)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        yield from unpack(node.target, node.value)
    elif isinstance(node, (ast.For, ast.comprehension)):
        yield from _loop(node.target, node.iter)
    elif isinstance(node, ast.withitem) and node.optional_vars is not None:
        yield from unpack(node.optional_vars, node.context_expr)
    elif isinstance(node, ast.NamedExpr):
        yield from unpack(node.target, node.value)
    elif (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
          and isinstance(node.value.func, ast.Attribute)
          and node.value.func.attr in ("append", "extend", "insert")
          and isinstance(node.value.func.value, ast.Name)):
        # list.append(x) makes x part of the list: the list is only as clean as what joins it.
        call = node.value
        for arg in call.args[-1:]:
            yield call.func.value.id, arg


ANY = "*"  # a subscript standing for "any element of" an iterable


def _loop(target, iterable):
    """A loop target binds each of its positions to that position of any element iterated."""
    element = ast.Subscript(value=iterable, slice=ast.Constant(ANY))
    if isinstance(target, ast.Name):
        yield target.id, element
    elif isinstance(target, (ast.Tuple, ast.List)):
        for i, part in enumerate(target.elts):
            if isinstance(part, ast.Name):
                yield part.id, ast.Subscript(value=element, slice=ast.Constant(i))


class Scope:
    """A function's (or a loop's) bindings, parameters and nested functions, with its parent."""

    def __init__(self, module: Module, fn: ast.AST | None, parent: Scope | None,
                 bindings=()):
        self.module, self.fn, self.parent = module, fn, parent
        self.locals: dict[str, list[ast.expr]] = {}
        self.params: set[str] = set()
        self.functions: dict[str, ast.FunctionDef] = {}
        for name, value in bindings:
            self.locals.setdefault(name, []).append(value)
        if fn is not None:
            args = fn.args
            self.params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
            for node in _own_nodes(fn):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.functions[node.name] = node
                for name, value in _bindings(node):
                    self.locals.setdefault(name, []).append(value)

    def validated(self, name: str) -> bool:
        """True when the function refuses any value of ``name`` outside a fixed set."""
        for node in _own_nodes(self.fn):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
                test = node.test
                if (isinstance(test.left, ast.Name) and test.left.id == name
                        and isinstance(test.ops[0], ast.NotIn)
                        and any(isinstance(s, ast.Raise) for s in node.body)):
                    return True
        return False


def _own_nodes(fn: ast.AST):
    """The nodes of a function body, without descending into nested functions."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


class Checker:
    """Decides whether an expression can only hold text written in store/ itself."""

    def __init__(self, module: Module):
        self.module = module

    def function(self, name: str, scope: Scope):
        level = scope
        while level is not None:
            if name in level.functions:
                return level.functions[name], level
            level = level.parent
        if name in self.module.functions:
            return self.module.functions[name], None
        return None, None

    def resolve(self, expr: ast.AST, scope: Scope, depth: int = 0) -> list | None:
        """The literal expressions ``expr`` may stand for, or None when it is not a lookup."""
        if depth > 25:
            return None
        match expr:
            case ast.Name():
                level = scope
                while level is not None:
                    if expr.id in level.locals:
                        return [(v, level) for v in level.locals[expr.id]]
                    if expr.id in level.params:
                        return None
                    level = level.parent
                if expr.id in self.module.globals:
                    top = Scope(self.module, None, None)
                    return [(v, top) for v in self.module.globals[expr.id]]
                return None
            case ast.IfExp():
                return [(expr.body, scope), (expr.orelse, scope)]
            case ast.Call() if isinstance(expr.func, ast.Name):
                if expr.func.id in ("sorted", "list", "tuple", "reversed") and expr.args:
                    return [(expr.args[0], scope)]
                fn, parent = self.function(expr.func.id, scope)
                if fn is None:
                    return None
                inner = Scope(self.module, fn, parent)
                return [(n.value, inner) for n in _own_nodes(fn)
                        if isinstance(n, ast.Return) and n.value is not None] or None
            case ast.Subscript() if isinstance(expr.slice, ast.Constant):
                key, out = expr.slice.value, []
                for value, where in self._literals(expr.value, scope, depth + 1):
                    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
                        if key == ANY:
                            out.extend((e, where) for e in value.elts)
                        elif isinstance(key, int) and -len(value.elts) <= key < len(value.elts):
                            out.append((value.elts[key], where))
                        else:
                            return None
                    elif isinstance(value, ast.Dict) and key == ANY:
                        out.extend((k, where) for k in value.keys if k is not None)
                    else:
                        return None
                return out
        return None

    def _literals(self, expr, scope, depth):
        """Expand lookups until literals (or unresolvable expressions) remain."""
        found = self.resolve(expr, scope, depth)
        if found is None:
            return [(expr, scope)]
        return [pair for value, where in found for pair in self._literals(value, where, depth + 1)]

    def clean(self, expr: ast.AST, scope: Scope, seen: frozenset = frozenset()) -> bool:
        key = (id(scope), ast.dump(expr))
        if key in seen:
            return True  # a cycle (sql += ... in a loop): judged by its other bindings
        seen = seen | {key}
        found = self.resolve(expr, scope)
        if found is not None:
            return bool(found) and all(self.clean(v, s, seen) for v, s in found)
        match expr:
            case ast.Constant():
                return True
            case ast.JoinedStr():
                return all(self.clean(v.value, scope, seen) for v in expr.values
                           if isinstance(v, ast.FormattedValue))
            case ast.BinOp():
                numbers = [s for s in (expr.left, expr.right)
                           if isinstance(s, ast.Constant) and isinstance(s.value, (int, float))]
                # str + number raises, number op number is a number: either way no text enters.
                return bool(numbers) or (self.clean(expr.left, scope, seen)
                                         and self.clean(expr.right, scope, seen))
            case ast.BoolOp():
                return all(self.clean(v, scope, seen) for v in expr.values)
            case ast.Tuple() | ast.List() | ast.Set():
                return all(self.clean(e, scope, seen) for e in expr.elts)
            case ast.Dict():
                return all(self.clean(e, scope, seen) for e in [*expr.keys, *expr.values]
                           if e is not None)
            case ast.GeneratorExp() | ast.ListComp():
                inner = Scope(self.module, None, scope,
                              [b for gen in expr.generators for b in _bindings(gen)])
                return self.clean(expr.elt, inner, seen)
            case ast.Name():
                return self.parameter(expr.id, scope)
            case ast.Attribute():
                # CONSTANT of an imported module (C.REGULAR_POSTS): fixed by our own code.
                return (expr.attr.isupper() and isinstance(expr.value, ast.Name)
                        and expr.value.id in self.module.imported)
            case ast.Subscript():
                # A lookup in a constant table yields one of the table's own values.
                return self.clean(expr.value, scope, seen)
            case ast.Call():
                return self.call(expr, scope, seen)
        return False

    def parameter(self, name: str, scope: Scope) -> bool:
        """A parameter is clean when validated against a fixed set or allow-listed literal."""
        level = scope
        while level is not None:
            if name in level.params:
                fn = level.fn.name if level.fn is not None else "?"
                return ((self.module.path.name, fn, name) in LITERAL_PARAMS
                        or level.validated(name))
            level = level.parent
        if name in self.module.imported:
            return name.lstrip("_").isupper()
        return False

    def call(self, expr: ast.Call, scope: Scope, seen: frozenset) -> bool:
        func = expr.func
        if isinstance(func, ast.Name) and func.id in NUMERIC | QUOTERS:
            return True
        if isinstance(func, ast.Attribute):
            if func.attr == "where":
                return True  # Filters.where: column names from our code, values as "?"
            if func.attr in ("join", "format"):
                return self.clean(func.value, scope, seen) and all(
                    self.clean(a, scope, seen) for a in [*expr.args,
                                                         *(k.value for k in expr.keywords)])
        return False


def _function_name(scope: Scope | None) -> str | None:
    """The name of the function a scope is in (a loop's scope is its function's)."""
    while scope is not None:
        if scope.fn is not None:
            return scope.fn.name
        scope = scope.parent
    return None


def sql_problems(path: Path) -> list[str]:
    """file:line of every SQL sink whose text may hold something not written in store/."""
    module = Module(path)
    checker = Checker(module)
    problems = []

    def visit(node: ast.AST, scope: Scope) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, Scope(module, child, scope))
                continue
            if isinstance(child, ast.For):
                # Inside a loop body its target means this loop's values, whatever else the
                # function binds to the same name elsewhere.
                visit(child, Scope(module, None, scope, _bindings(child)))
                continue
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in SINKS and child.args):
                sql = child.args[0]
                if (path.name, _function_name(scope)) in FORWARDERS:
                    visit(child, scope)
                    continue
                if not checker.clean(sql, scope):
                    problems.append(f"{path.relative_to(ROOT)}:{child.lineno}: "
                                    f"{ast.unparse(sql)[:80]}")
            visit(child, scope)

    visit(module.tree, Scope(module, None, None))
    return problems


def test_every_sql_text_in_store_is_built_from_our_own_words_only():
    problems = [p for path in sorted(STORE.glob("*.py")) for p in sql_problems(path)]
    assert not problems, "SQL built from a value not allow-listed:\n" + "\n".join(problems)


def test_the_checker_catches_a_filter_value_spliced_into_sql(tmp_path):
    """The check above can fail: each of these shapes is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def one(con, filters):\n"
        "    con.execute(f\"SELECT * FROM items WHERE brand = '{filters.brands[0]}'\")\n"
        "def two(con, name):\n"
        "    sql = 'SELECT * FROM items WHERE author = ' + name\n"
        "    con.execute(sql)\n"
        "def three(con, filters):\n"
        "    where, params = filters.where()\n"
        "    where += ' AND ' + filters.kinds[0]\n"
        "    con.execute(f'SELECT 1 {where}', params)\n"
        "def four(con, grain):\n"
        "    con.execute('SELECT {}'.format(grain))\n"
        "def _helper(filters):\n"
        "    return 'WHERE brand = ' + repr(filters.brands[0]), []\n"
        "def five(con, filters):\n"
        "    where, params = _helper(filters)\n"
        "    con.execute(f'SELECT 1 {where}', params)\n"
        "def six(con, filters):\n"
        "    for brand in filters.brands:\n"
        "        con.execute(f\"SELECT '{brand}'\")\n"
        "def seven(con, grain):\n"
        "    if grain not in ('day', 'week'):\n"
        "        raise ValueError(grain)\n"
        "    con.execute(f'SELECT date_trunc({grain!r}, day)')\n"
        "    con.execute(f'SELECT {grain.strip()}')\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = sql_problems(bad)
    finally:
        ROOT = saved
    assert [p.split(":")[1] for p in found] == ["2", "5", "9", "11", "16", "19", "24"], found


def test_spliced_column_parameters_only_ever_receive_literals():
    """Filters.where splices its column names: every call in store/ must pass literals."""
    wrong = []
    for path in sorted(STORE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "where" and isinstance(node.func.value, ast.Name)):
                passed = [*node.args[:1], *(k.value for k in node.keywords
                                           if k.arg in ("day_column", "brand_column"))]
                for arg in passed:
                    if not isinstance(arg, ast.Constant):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, wrong


# --- the read functions themselves, called with hostile filters ------------------------------

SQL = "'); DROP TABLE items; --"
HOSTILE = (SQL, "<script>alert(1)</script>", "A" * 100_000, "Orbis\x00", "' OR '1'='1",
           "%", "_", "\\", "Orbis", "")
HOSTILE_FILTERS = [
    Filters(brands=HOSTILE, kinds=HOSTILE, sources=HOSTILE, langs=HOSTILE, sentiments=HOSTILE),
    Filters(start=date(2026, 6, 30), end=date(2026, 1, 1), brands=HOSTILE),  # reversed
    Filters(start=date(1, 1, 1), end=date(9999, 12, 31), sources=(SQL,)),  # extreme
    Filters(start=date(2026, 6, 1), end=date(2026, 6, 30), brands=(SQL, "Orbis")),
]


def fingerprint(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def public_reads():
    """Every public function in store/ whose signature starts ``(db, filters, ...)``."""
    found = []
    for path in sorted(STORE.glob("*.py")):
        module = __import__(f"store.{path.stem}", fromlist=["_"])
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["db"] and len(params) > 1 and params[1] in ("filters", "current"):
                found.append(fn)
    return found


def call_with(fn, db: Path, filters: Filters):
    """Call a read with ``filters`` for every Filters argument and defaults for the rest."""
    from store import mentions
    args = []
    for name, param in list(inspect.signature(fn).parameters.items())[1:]:
        if param.default is not inspect.Parameter.empty:
            break
        if name in ("filters", "current", "previous"):
            args.append(filters)
        elif name == "query":
            args.append(mentions.MentionQuery(search=SQL, tags=HOSTILE[:4]))
        elif name == "dimension":
            args.append("kind")
        elif name == "own":
            args.append(SQL)
        else:
            raise AssertionError(f"{fn.__module__}.{fn.__name__}: no value for {name}")
    return fn(db, *args)


READS = public_reads()


def test_the_reads_found_cover_every_module_with_filtered_reads():
    modules = {fn.__module__ for fn in READS}
    assert {"store.queries", "store.trends", "store.mentions", "store.alerts", "store.terms",
            "store.community", "store.stories"} <= modules, modules
    assert len(READS) >= 15, [f.__name__ for f in READS]


@pytest.mark.parametrize("fn", READS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_read_takes_hostile_filters_without_harm(demo_db, fn):
    before = fingerprint(demo_db)
    for filters in HOSTILE_FILTERS:
        try:
            result = call_with(fn, demo_db, filters)
        except (StoreError, ValueError) as exc:
            # Our own refusal must say what is wrong in words, not be a DuckDB parser error.
            assert str(exc) and "Parser Error" not in str(exc), (fn.__name__, exc)
            continue
        assert result is not None or fn.__name__.startswith("has_"), fn.__name__
        if isinstance(result, pd.DataFrame) and filters.brands and "brand" in result.columns:
            # Only real brands come back: a hostile name matched nothing and opened nothing.
            assert set(result["brand"].dropna()) <= {"Orbis"}, (fn.__name__, filters)
    assert fingerprint(demo_db) == before


def test_filters_are_the_same_values_the_store_binds():
    """A guard on the test itself: Filters still has exactly the dimensions it fills."""
    assert [f.name for f in fields(Filters)] == ["start", "end", "brands", "kinds", "sources",
                                                 "langs", "sentiments"]
    assert store.Filters is Filters


def test_extreme_dates_give_an_empty_answer_not_an_overflow(demo_db):
    """9999-12-31 in a link or a report's arguments once overflowed "end + 1 day"."""
    from store import queries
    far = Filters(start=date(9999, 12, 1), end=date(9999, 12, 31))
    assert far.end == date(9999, 12, 30)
    assert far.where("published_at", timestamp=True)[1][-1] == date(9999, 12, 31)
    assert queries.volume_by_brand(demo_db, far).empty
    assert Filters(start=date(1, 1, 1), end=date(1, 1, 5)).previous() is None
    assert Filters(start=date(2026, 6, 8), end=date(2026, 6, 14)).previous() == Filters(
        start=date(2026, 6, 1), end=date(2026, 6, 7))
