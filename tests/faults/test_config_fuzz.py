"""Fuzzed watch.toml files: each invalid one gets a ConfigError naming entry and field."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from collectors import REGISTRY, kind_options
from config import ConfigError, Watch, load_watch
from tests.conftest import ROOT

KINDS = kind_options()

# Every problem line must point at where to look: an entry and a field, the whole file, or a
# top-level key. "<file>: " comes first (ConfigError adds it).
WHERE = re.compile(
    r"^(\[\[(brands|sources)\]\] #\d+( \(.*\))?(, field '[^']+'|: (unknown key|missing field) )"
    r"|\[\[brands\]\]: only one brand may be own"
    r"|\[collect\](, field '[^']+'|: unknown key )"
    r"|'(brands|sources)' must be written as \[\[\w+\]\] tables"
    r"|'collect' must be a \[collect\] table"
    r"|(unknown )?top-level key "
    r"|is not valid TOML: |is not UTF-8 text )", re.S)


# --- valid watches, then mistakes applied to them -----------------------------------------------

junk = st.one_of(st.integers(-10**6, 10**6), st.booleans(), st.floats(allow_nan=True),
                 st.lists(st.integers(), max_size=3), st.dictionaries(
                     st.sampled_from(["a", "b"]), st.integers(), max_size=2), st.text(max_size=20))
bad_queries = st.one_of(st.sampled_from(['"unclosed', "a AND", "(", ")", "OR", "NOT", "@", "#",
                                         "a ((b)", '""', "AND OR", "", "   "]),
                        st.text(max_size=30))
good_queries = st.sampled_from(['"Opalia" OR @opalia_fr', "orbis", "a AND (b OR c)", "x NOT y",
                                "#ciel", '"ciel bleu" OR zéphir'])
bad_values = {
    "color": st.sampled_from(["red", "#12345", "#1234567", "", "#gggggg"]),
    "every": st.sampled_from(["-1h", "abc", "0", "1y", "", "5 minutes"]),
    "per_host_delay": st.floats(-100, -0.001), "timeout": st.floats(-100, -0.001),
    "max_bytes": st.integers(-10, 0),
    "allow_networks": st.sampled_from([["nope"], ["300.1.1.1/8"], [""], ["10.0.0.0/8", "x"]]),
    "kind": st.sampled_from(["nope", "Demo", "", "rss"]),
    "name": st.sampled_from(["", "   "]),
}


@st.composite
def valid_watch(draw) -> dict:
    """A structure load_watch accepts: brands with good queries, sources of several kinds."""
    brand_names = draw(st.lists(st.text(min_size=1, max_size=12).filter(str.strip), min_size=1,
                                max_size=4, unique=True))
    brands = [{"name": n, "query": draw(good_queries)} for n in brand_names]
    if draw(st.booleans()):
        brands[0]["own"] = True
    if draw(st.booleans()):
        brands[-1]["color"] = "#1f9bcf"
    if draw(st.booleans()):
        brands[0]["products"] = [draw(good_queries)]
        brands[0]["exclude"] = draw(good_queries)
    sources = []
    for i, kind in enumerate(draw(st.lists(st.sampled_from(["demo", "file", "feeds", "web"]),
                                           max_size=3))):
        src = {"name": f"s{i}", "kind": kind, "every": draw(st.sampled_from(["30m", "1d", 90]))}
        src |= {"demo": {"items": 10}, "file": {"path": "in.csv"},
                "feeds": {"urls": ["https://example.org/feed"]},
                "web": {"urls": ["https://example.org/"]}}[kind]
        sources.append(src)
    doc = {"name": draw(st.text(max_size=20)), "brands": brands, "sources": sources}
    if draw(st.booleans()):
        doc["collect"] = {"per_host_delay": 1.5, "timeout": 10.0,
                          "allow_networks": ["127.0.0.0/8"]}
    return doc


@st.composite
def mistaken_watch(draw) -> dict:
    """A valid structure with 0 to 3 mistakes: wrong types, bad values, missing or unknown keys."""
    doc = draw(valid_watch())
    for _ in range(draw(st.integers(0, 3))):
        tables = [(key, t) for key in ("brands", "sources") if isinstance(doc.get(key), list)
                  for t in doc[key] if isinstance(t, dict)]
        if isinstance(doc.get("collect"), dict):
            tables.append(("collect", doc["collect"]))
        move = draw(st.sampled_from(["type", "value", "drop", "unknown", "top", "query",
                                     "duplicate"]))
        if move == "top" or not tables:
            key = draw(st.sampled_from(["name", "brands", "sources", "collect", "brand"]))
            doc[key] = draw(junk)
            continue
        where, table = draw(st.sampled_from(tables))
        keys = sorted(table) or ["name"]
        if move == "type":
            table[draw(st.sampled_from(keys))] = draw(junk)
        elif move == "value":
            key = draw(st.sampled_from(sorted(bad_values)))
            table[key] = draw(bad_values[key])
        elif move == "drop":
            table.pop(draw(st.sampled_from(keys)), None)
        elif move == "unknown":
            table[draw(st.sampled_from(["typo", "", "Name", "urls ", "é"]))] = draw(junk)
        elif move == "query" and where == "brands":
            table[draw(st.sampled_from(["query", "exclude"]))] = draw(bad_queries)
        elif move == "duplicate" and where != "collect":
            doc[where].append(dict(table))
    return doc


# --- a small TOML writer (the standard library only reads TOML) ---------------------------------

def scalar(value) -> str:
    """One TOML value; JSON's string escapes are TOML's too."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # TOML also wants DEL escaped, which JSON leaves alone.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {scalar(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def to_toml(doc: dict) -> str:
    """Render ``doc`` with [collect] and [[brands]]/[[sources]] as tables where they are such."""
    lines, tables = [], []
    for key, value in doc.items():
        is_table = isinstance(value, dict) and key == "collect"
        is_array = (isinstance(value, list) and value and key in ("brands", "sources")
                    and all(isinstance(v, dict) for v in value))
        if is_table or is_array:
            tables.append((key, value))
        else:
            lines.append(f"{json.dumps(key)} = {scalar(value)}")
    for key, value in tables:
        for table in (value if isinstance(value, list) else [value]):
            lines.append(f"\n[[{key}]]" if isinstance(value, list) else f"\n[{key}]")
            lines.extend(f"{json.dumps(k)} = {scalar(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


@st.composite
def watch_files(draw) -> bytes:
    """A watch.toml as bytes: a rendered structure, sometimes with garbage spliced in."""
    data = to_toml(draw(mistaken_watch())).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        garbage = draw(st.sampled_from([b"[[", b"=", b'"', b"\xff\xfe", b"\x00", b"]]\n[x",
                                        b"\nname = 1\n", b"'''", b"\\u"]))
        data = data[:at] + garbage + data[at:]
    return data


def load_bytes(data: bytes) -> Watch:
    """Write ``data`` to a fresh watch.toml and load it the way the CLI does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "watch.toml"
        path.write_bytes(data)
        return load_watch(path, kinds=KINDS)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(watch_files())
def test_every_file_loads_or_names_entry_and_field(data):
    try:
        result = load_bytes(data)
    except ConfigError as exc:
        assert exc.problems, "a ConfigError with no problem listed"
        for problem in exc.problems:
            assert WHERE.match(problem), f"problem names no entry/field: {problem!r}"
        assert "Traceback" not in str(exc)
    else:
        assert isinstance(result, Watch)
        assert all(s.kind in REGISTRY for s in result.sources)
        assert all(b.compiled is not None for b in result.brands)


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(watch_files())
def test_cli_on_invalid_files_exits_2_and_writes_nothing(data):
    try:
        load_bytes(data)
    except ConfigError:
        pass
    else:
        assume(False)
    with tempfile.TemporaryDirectory() as folder:
        config, db = Path(folder) / "watch.toml", Path(folder) / "data" / "veille.duckdb"
        config.write_bytes(data)
        proc = subprocess.run(
            [sys.executable, "-m", "collectors", "run", "--config", str(config), "--db", str(db),
             "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "nothing was collected" in proc.stderr
        assert not db.exists() and not db.parent.exists()
