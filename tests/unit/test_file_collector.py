"""The file source kind on real files in a temp folder: encodings, CSV quirks, dates, bad rows."""

from __future__ import annotations

import gzip
import hashlib
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest

from collectors.base import Context, ParseError
from collectors.file import MAX_LINE_BYTES, FileCollector, parse_date
from collectors.urls import canonical_url

STAMP = "2015-02-24T11:35:52Z"
WHEN = datetime(2015, 2, 24, 11, 35, 52)


def collect(tmp_path, content, name="data.csv", **settings):
    """Write ``content`` to ``name`` in tmp_path, import it, return (items, warnings, totals)."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    warnings: list[str] = []
    totals: list[int | None] = []
    ctx = Context(warn=warnings.append, set_total=totals.append, base_dir=tmp_path)
    items = list(FileCollector("hist", {"path": name, **settings}).collect(ctx))
    return items, warnings, totals


def ids(items):
    return [item.id.rsplit(":", 1)[1] for item in items]


def where(tmp_path, line, name="data.csv"):
    return f"{tmp_path / name}, line {line}: "


# -- encodings ----------------------------------------------------------------------------------

def test_utf8_rows_come_back_exactly(tmp_path):
    items, warnings, _ = collect(
        tmp_path,
        "id,text,author,published_at\n"
        f"1,Très bon café ☕ chez @acmeair,Zoé,{STAMP}\n"
        "2,Deuxième avis,Łukasz,2015-02-25T08:00:00Z\n")
    assert warnings == []
    assert [(i.id, i.text, i.author, i.published_at) for i in items] == [
        ("file:hist:1", "Très bon café ☕ chez @acmeair", "Zoé", WHEN),
        ("file:hist:2", "Deuxième avis", "Łukasz", datetime(2015, 2, 25, 8)),
    ]
    assert {(i.source, i.kind) for i in items} == {("hist", "file")}


def test_utf8_bom_does_not_hide_the_first_column(tmp_path):
    items, warnings, _ = collect(tmp_path, b"\xef\xbb\xbfid,text\n1,\xc3\xa9lan\n")
    assert warnings == []
    assert [(i.id, i.text) for i in items] == [("file:hist:1", "élan")]


def test_windows_1252_file_keeps_accents_euro_and_curly_apostrophe(tmp_path):
    text = "Un café à 5 €, c’est « cher »"
    content = f'id;text\n1;"{text}"\n2;Plain ASCII\n'.encode("cp1252")
    items, warnings, _ = collect(tmp_path, content)
    assert warnings == []
    assert [i.text for i in items] == [text, "Plain ASCII"]


def test_windows_1252_decided_on_the_first_accented_row_far_into_the_file(tmp_path):
    rows = [f"{n},plain row {n}" for n in range(1, 3001)] + ["3001,Déjà vu, 10 €"]
    content = ("id,text\n" + "\n".join(rows).replace("Déjà vu, 10 €", '"Déjà vu, 10 €"')
               + "\n").encode("cp1252")
    items, warnings, _ = collect(tmp_path, content)
    assert warnings == []
    assert len(items) == 3001
    assert items[-1].text == "Déjà vu, 10 €"


def test_utf8_row_in_a_windows_1252_file_is_not_garbled(tmp_path):
    content = b"id,text\n1,caf\xe9 noir\n2,caf\xc3\xa9 cr\xc3\xa8me\n"
    items, warnings, _ = collect(tmp_path, content)
    assert warnings == []
    assert [i.text for i in items] == ["café noir", "café crème"]


def test_undecodable_row_in_a_utf8_file_is_kept_repaired_and_reported(tmp_path):
    content = b"id,text\n1,th\xc3\xa9 vert\n2,caf\xe9 latin-1\n3,\xe2\x82\xac ok\n"
    items, warnings, _ = collect(tmp_path, content)
    assert [i.text for i in items] == ["thé vert", "café latin-1", "€ ok"]
    assert [bool(i.extra.get("repaired")) for i in items] == [False, True, False]
    assert len(warnings) == 1
    assert warnings[0].startswith(where(tmp_path, 3))
    assert "0xE9" in warnings[0] and "UTF-8" in warnings[0] and "after '2,caf'" in warnings[0]
    assert "kept" in warnings[0]


def test_mixed_windows_1252_file_with_undefined_bytes_keeps_every_row(tmp_path):
    # Windows-1252 with stray 0x9D and 0x81 (undefined there) and a UTF-8 line pasted in.
    content = (b"id,text\n1,caf\xe9\n2,broken \x81 byte\n3,\x93quoted\x9d caf\xe9\n"
               b"4,cr\xc3\xa8me \x9d\n5,fin\n")
    items, warnings, _ = collect(tmp_path, content)
    assert [i.text for i in items] == ["café", "broken \ufffd byte", "“quoted\ufffd café",
                                       "crème \ufffd", "fin"]
    assert [i.id.rsplit(":", 1)[1] for i in items if i.extra.get("repaired")] == ["2", "3", "4"]
    assert [w.split(": ", 1)[0] for w in warnings] == [
        where(tmp_path, n)[:-2] for n in (3, 4, 5)]
    assert "0x81" in warnings[0] and "Windows-1252" in warnings[0]


def test_excel_unicode_text_export_utf16_tab_separated(tmp_path):
    content = "id\ttext\tauthor\r\n1\tcafé à 5 €\tZoé\r\n2\t“quoted”\tAl\r\n".encode("utf-16")
    items, warnings, _ = collect(tmp_path, content, name="export.txt")
    assert warnings == []
    assert [(i.text, i.author) for i in items] == [("café à 5 €", "Zoé"), ("“quoted”", "Al")]


def test_explicit_encoding(tmp_path):
    items, warnings, _ = collect(tmp_path, b"id,text\n1,na\xefve\n", encoding="latin-1")
    assert warnings == [] and items[0].text == "naïve"


def test_explicit_utf8_keeps_a_latin1_row_marked(tmp_path):
    items, warnings, _ = collect(tmp_path, b"id,text\n1,na\xefve\n2,ok\n", encoding="utf-8")
    assert [i.text for i in items] == ["naïve", "ok"] and items[0].extra["repaired"]
    assert warnings[0].startswith(where(tmp_path, 2)) and "0xEF" in warnings[0]


# -- CSV structure ------------------------------------------------------------------------------

def test_multiline_quoted_fields_and_the_line_numbers_after_them(tmp_path):
    content = (
        "id,text,published_at\n"
        '1,"first line\nsecond line, with a comma\nthird ""quoted"" line",2015-02-24T11:35:52Z\n'
        "2,,2015-02-24T11:35:52Z\n"
        '3,"ok",2015-02-24T11:35:52Z\n')
    items, warnings, _ = collect(tmp_path, content)
    assert [i.text for i in items] == [
        'first line\nsecond line, with a comma\nthird "quoted" line', "ok"]
    assert warnings == [where(tmp_path, 5) + "the text is empty"]


def test_windows_line_endings_do_not_leak_into_texts(tmp_path):
    items, warnings, _ = collect(tmp_path, 'id,text\r\n1,"a\r\nb"\r\n2,c\r\n')
    assert warnings == []
    assert [i.text for i in items] == ["a\nb", "c"]


def test_old_mac_line_endings(tmp_path):
    items, warnings, _ = collect(tmp_path, b"id,text\r1,one\r2,caf\xe9\r")
    assert warnings == []
    assert [i.text for i in items] == ["one", "café"]


@pytest.mark.parametrize("content, name, settings", [
    ("id;text;author\n1;Bonjour, ça va ?;Zoé\n2;Oui, merci;Al\n", "fr.csv", {}),
    ("id\ttext\tauthor\n1\tBonjour, ça va ?\tZoé\n2\tOui, merci\tAl\n", "data.tsv", {}),
    ("id|text|author\n1|Bonjour, ça va ?|Zoé\n2|Oui, merci|Al\n", "data.csv", {}),
    ("id;text;author\n1;Bonjour, ça va ?;Zoé\n2;Oui, merci;Al\n", "data.csv",
     {"delimiter": ";"}),
    ("id\ttext\tauthor\n1\tBonjour, ça va ?\tZoé\n2\tOui, merci\tAl\n", "data.csv",
     {"delimiter": "tab"}),
])
def test_delimiters(tmp_path, content, name, settings):
    items, warnings, _ = collect(tmp_path, content, name=name, **settings)
    assert warnings == []
    assert [(i.text, i.author) for i in items] == [("Bonjour, ça va ?", "Zoé"),
                                                   ("Oui, merci", "Al")]


def test_blank_lines_and_empty_rows_are_skipped_silently(tmp_path):
    items, warnings, _ = collect(tmp_path, "\n\nid,text\n1,one\n\n,\n2,two\n\n")
    assert warnings == []
    assert [i.text for i in items] == ["one", "two"]


def test_header_only_file_imports_nothing(tmp_path):
    assert collect(tmp_path, "id,text\n")[:2] == ([], [])


def test_gzip_export(tmp_path):
    (tmp_path / "big.csv.gz").write_bytes(gzip.compress(b"id,text\n1,zipped\n"))
    items = list(FileCollector("hist", {"path": "big.csv.gz"}).collect(
        Context(warn=pytest.fail, base_dir=tmp_path)))
    assert [i.text for i in items] == ["zipped"]


def test_absolute_path_ignores_base_dir(tmp_path):
    path = tmp_path / "abs.csv"
    path.write_text("text\nfrom an absolute path\n", encoding="utf-8")
    ctx = Context(warn=pytest.fail, base_dir=tmp_path / "elsewhere")
    items = list(FileCollector("hist", {"path": str(path)}).collect(ctx))
    assert [i.text for i in items] == ["from an absolute path"]


def test_row_count_estimate_is_in_the_right_range(tmp_path):
    rows = "".join(f"{n},tweet number {n} about nothing much,user{n}\n" for n in range(5000))
    _, _, totals = collect(tmp_path, "id,text,author\n" + rows)
    assert len(totals) == 1 and 4000 <= totals[0] <= 6000


# -- bad rows -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, reason", [
    (b"2,   ,al", "the text is empty"),
    (b"2,he\x00llo,al", "NUL bytes"),
    (b'2,"' + b"x" * (MAX_LINE_BYTES + 100) + b'",al', "longer than 1,000,000 bytes"),
    (b"2,one,two,al", "4 fields where the header has 3"),
    (b"2,short", "2 fields where the header has 3"),
])
def test_bad_row_is_named_with_its_line_and_the_rows_around_it_are_kept(tmp_path, bad, reason):
    content = b"id,text,author\n1,before,al\n" + bad + b"\n3,after,al\n"
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1", "3"]
    assert len(warnings) == 1
    assert warnings[0].startswith(where(tmp_path, 3)) and reason in warnings[0]


def test_overlong_line_opening_a_quoted_field_does_not_lose_the_record_boundary(tmp_path):
    content = (b'id,text\n1,before\n2,"' + b"y" * (MAX_LINE_BYTES + 10) + b"\n"
               b'still inside, with a ""quote"" and a comma\nend of it"\n3,after\n')
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1", "3"]
    assert len(warnings) == 1 and warnings[0].startswith(where(tmp_path, 3))
    assert "longer than" in warnings[0]


def test_overlong_line_inside_a_multiline_record(tmp_path):
    content = (b'id,text\n1,before\n2,"short start\n' + b"z" * (MAX_LINE_BYTES + 10)
               + b'\nend"\n3,after\n')
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1", "3"]
    assert warnings == [where(tmp_path, 3) + "line 4 is longer than 1,000,000 bytes"]


def test_truncated_file_loses_only_its_last_record(tmp_path):
    content = f'id,text,published_at\n1,one,{STAMP}\n2,two,{STAMP}\n3,"cut off in the mid'
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1", "2"]
    assert len(warnings) == 1 and warnings[0].startswith(where(tmp_path, 4))
    assert "never closed" in warnings[0]


def test_truncated_inside_a_multiline_field(tmp_path):
    content = f'id,text,published_at\n1,one,{STAMP}\n2,"first line\nsecond li'
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1"]
    assert warnings[0].startswith(where(tmp_path, 3)) and "never closed" in warnings[0]
    # The cut field's second line is read again on its own and refused too: nothing invented.
    assert all(w.startswith((where(tmp_path, 3), where(tmp_path, 4))) for w in warnings)


def test_stray_quote_costs_one_row_not_the_rest_of_the_file(tmp_path):
    # 20,000 rows of about 80 bytes: the open quote would swallow more than the 1 MB limit.
    rows = "".join(f"{n},row {n} with enough words to make it long like a real post\n"
                   for n in range(3, 20003))
    items, warnings, _ = collect(tmp_path, 'id,text\n1,one\n2,"stray quote here\n' + rows)
    assert len(items) == 1 + 20000
    assert ids(items)[:2] == ["1", "3"] and ids(items)[-1] == "20002"
    assert len(warnings) == 1 and warnings[0].startswith(where(tmp_path, 3))
    assert "still open after" in warnings[0]


def test_stray_quote_near_the_end(tmp_path):
    items, warnings, _ = collect(tmp_path, 'id,text\n1,one\n2,"stray\n3,three\n4,four\n')
    assert ids(items) == ["1", "3", "4"]
    assert len(warnings) == 1 and warnings[0].startswith(where(tmp_path, 3))


# -- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("2015-02-24T11:35:52Z", datetime(2015, 2, 24, 11, 35, 52)),
    ("2015-02-24T11:35:52+01:00", datetime(2015, 2, 24, 10, 35, 52)),
    ("2015-02-24T11:35:52.250-05:00", datetime(2015, 2, 24, 16, 35, 52, 250000)),
    ("2015-02-24 11:35:52", datetime(2015, 2, 24, 11, 35, 52)),
    ("2015-02-24", datetime(2015, 2, 24)),
    ("2015-02-24 11:35:52 -0800", datetime(2015, 2, 24, 19, 35, 52)),
    ("2015-02-24 11:35:52 +05:30", datetime(2015, 2, 24, 6, 5, 52)),
    ("2015-02-24 11:35:52 UTC", datetime(2015, 2, 24, 11, 35, 52)),
    ("Tue Oct 18 21:53:25 +0000 2011", datetime(2011, 10, 18, 21, 53, 25)),
    ("Tue Oct 18 21:53:25 +0200 2011", datetime(2011, 10, 18, 19, 53, 25)),
    ("24/02/2015 11:35", datetime(2015, 2, 24, 11, 35)),
    ("03/04/2015 11:35", datetime(2015, 4, 3, 11, 35)),
    ("24/02/2015", datetime(2015, 2, 24)),
    ("24.02.2015 11h35", datetime(2015, 2, 24, 11, 35)),
    ("02/24/2015 11:35:52", datetime(2015, 2, 24, 11, 35, 52)),
    ("1424777752", datetime(2015, 2, 24, 11, 35, 52)),
    ("1424777752.5", datetime(2015, 2, 24, 11, 35, 52, 500000)),
    ("1424777752000", datetime(2015, 2, 24, 11, 35, 52)),
    ("24 Feb 2015 11:35:52 GMT", datetime(2015, 2, 24, 11, 35, 52)),
    ("Tuesday, February 24, 2015 7:35 PM +0800", datetime(2015, 2, 24, 11, 35)),
])
def test_each_date_format_gives_the_exact_utc_time(tmp_path, written, expected):
    items, warnings, _ = collect(tmp_path, f'id,text,published_at\n1,hello,"{written}"\n')
    assert warnings == []
    assert items[0].published_at == expected
    assert items[0].published_at.tzinfo is None


def test_parse_date_refuses_partial_dates():
    for text in ("Monday", "Feb 2015", "11:35", "yesterday", "2015-02-30", "30/02/2015"):
        with pytest.raises(ValueError):
            parse_date(text)


@pytest.mark.parametrize("written, reason", [
    ("32/13/2015", "cannot be read"),
    ("yesterday", "cannot be read"),
    ("Monday 11:00", "cannot be read"),
    ("1969-07-20T20:17:00Z", "is before 1970"),
    ("-1000", "is before 1970"),
    ((datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"), "is in the future"),
])
def test_bad_date_skips_its_row_only(tmp_path, written, reason):
    content = f'id,text,published_at\n1,a,{STAMP}\n2,b,"{written}"\n3,c,{STAMP}\n'
    items, warnings, _ = collect(tmp_path, content)
    assert ids(items) == ["1", "3"]
    assert warnings == [where(tmp_path, 3) + f"the date {written!r} {reason}"]


def test_tomorrow_is_still_accepted(tmp_path):
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=12)
    items, warnings, _ = collect(
        tmp_path, f"id,text,published_at\n1,a,{soon.strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
    assert warnings == [] and items[0].published_at == soon.replace(tzinfo=None)


def test_without_a_date_column_the_date_is_left_to_the_runner(tmp_path):
    items, warnings, _ = collect(tmp_path, "id,text\n1,a\n")
    assert warnings == [] and items[0].published_at is None


def test_a_blank_date_keeps_the_row_and_says_so(tmp_path):
    items, warnings, _ = collect(tmp_path, f"id,text,published_at\n1,a,\n2,b,{STAMP}\n")
    assert [i.published_at for i in items] == [None, WHEN]
    assert warnings == [where(tmp_path, 2) + "no date; the item is stored with the time of "
                        "collection"]


# -- identity and mapping -----------------------------------------------------------------------

def test_identity_from_id_then_url_then_text(tmp_path):
    content = ("id,text,url\n"
               "7,with id,https://example.com/a\n"
               ",with url only,https://Example.com/b?utm_source=x\n"
               ",with neither,\n")
    items, warnings, _ = collect(tmp_path, content)
    assert warnings == []
    first, second, third = items
    assert first.id == "file:hist:7"
    assert first.item_id == hashlib.md5(b"file:hist:7").hexdigest()
    assert second.id is None and second.url == "https://Example.com/b?utm_source=x"
    assert second.item_id == hashlib.md5(canonical_url(second.url).encode()).hexdigest()
    assert third.id is None and third.url is None
    assert third.item_id == hashlib.md5(b"hist\nwith neither").hexdigest()


def test_columns_map_an_export_and_item_kind_is_stored(tmp_path):
    content = ("tweet_id,airline_sentiment,airline,name,text,tweet_created\n"
               "570306133677760513,neutral,Virgin America,cairdin,@VirginAmerica What said.,"
               "2015-02-24 11:35:52 -0800\n")
    items, warnings, _ = collect(
        tmp_path, content, item_kind="twitter",
        columns={"id": "tweet_id", "text": "text", "author": "name",
                 "published_at": "tweet_created"})
    assert warnings == []
    item = items[0]
    assert (item.id, item.kind, item.author, item.text, item.published_at) == (
        "file:hist:570306133677760513", "twitter", "cairdin", "@VirginAmerica What said.",
        datetime(2015, 2, 24, 19, 35, 52))


def test_title_url_lang_columns_are_picked_up_by_their_own_names(tmp_path):
    items, _, _ = collect(tmp_path, "Title,Text,URL,Lang\nA title,Body,https://e.com/x, FR \n")
    item = items[0]
    assert (item.title, item.text, item.url, item.lang) == ("A title", "Body", "https://e.com/x",
                                                            "fr")


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_report_lines_above_the_header_are_skipped_with_one_warning(tmp_path, delimiter):
    content = ("Brandwatch Report\n"
               "Query:,Acme mentions\n"
               "Date Range:,2024-01-01 - 2024-01-31\n"
               "\n"
               "Date,Title,Url,Full Text,Author\n"
               "2024-01-02 10:00:00.0,Un titre,https://e.com/1,\"Bonjour, Acme\",al\n"
               "2024-01-03 09:30:00.0,Deux,https://e.com/2,Encore,zoe\n").replace(",", delimiter)
    items, warnings, _ = collect(
        tmp_path, content, columns={"text": "Full Text", "published_at": "Date", "url": "Url"})
    assert [(i.text, i.title, i.author, i.url, i.published_at) for i in items] == [
        (f"Bonjour{delimiter} Acme", "Un titre", "al", "https://e.com/1", datetime(2024, 1, 2, 10)),
        ("Encore", "Deux", "zoe", "https://e.com/2", datetime(2024, 1, 3, 9, 30))]
    assert warnings == [where(tmp_path, 1) + "lines 1 to 4 come before the header row on line 5 "
                        "and were skipped"]


def test_missing_mapped_header_is_an_error_naming_it(tmp_path):
    with pytest.raises(ParseError) as err:
        collect(tmp_path, "id,content,user\n1,hello,al\n", columns={"text": "full_text"})
    message = str(err.value)
    assert "'full_text'" in message and "'id', 'content', 'user'" in message
    assert str(tmp_path / "data.csv") in message


def test_missing_text_column_suggests_mapping_one(tmp_path):
    with pytest.raises(ParseError, match=r"no 'text' column.*columns = \{ text"):
        collect(tmp_path, "id,content\n1,hello\n")


def test_unknown_columns_key_is_refused_up_front():
    with pytest.raises(ParseError) as err:
        FileCollector("hist", {"path": "x.csv", "columns": {"body": "text"}})
    message = str(err.value)
    assert "'body'" in message and "published_at" in message and "'hist'" in message


@pytest.mark.parametrize("settings, named", [
    ({"format": "xlsx"}, "format"),
    ({"delimiter": ";;"}, "delimiter"),
    ({"delimiter": '"'}, "delimiter"),
    ({"encoding": "klingon-8"}, "encoding"),
])
def test_bad_settings_are_refused_up_front(settings, named):
    with pytest.raises(ParseError, match=named):
        FileCollector("hist", {"path": "x.csv", **settings})


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(ParseError, match="no such file") as err:
        list(FileCollector("hist", {"path": "nope.csv"}).collect(Context(base_dir=tmp_path)))
    assert str(tmp_path / "nope.csv") in str(err.value)


def test_folder_instead_of_file(tmp_path):
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(ParseError, match="is a folder"):
        list(FileCollector("hist", {"path": "dir.csv"}).collect(Context(base_dir=tmp_path)))


def test_empty_file_needs_a_header(tmp_path):
    with pytest.raises(ParseError, match="empty"):
        collect(tmp_path, "")


# -- JSON Lines ---------------------------------------------------------------------------------

def jsonl(*records):
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_jsonl_with_nested_keys(tmp_path):
    tweet = {"id_str": "10", "full_text": "Great flight @acmeair",
             "user": {"screen_name": "zoe", "name": "Zoé"},
             "created_at": "Tue Oct 18 21:53:25 +0000 2011",
             "entities": {"urls": [{"expanded_url": "https://example.com/a"}]}}
    items, warnings, _ = collect(
        tmp_path, jsonl(tweet), name="tweets.jsonl", item_kind="twitter",
        columns={"id": "id_str", "text": "full_text", "author": "user.screen_name",
                 "published_at": "created_at", "url": "entities.urls.0.expanded_url"})
    assert warnings == []
    item = items[0]
    assert (item.id, item.text, item.author, item.published_at, item.url, item.kind) == (
        "file:hist:10", "Great flight @acmeair", "zoe", datetime(2011, 10, 18, 21, 53, 25),
        "https://example.com/a", "twitter")


def test_jsonl_numbers_for_id_and_epoch_date(tmp_path):
    items, warnings, _ = collect(
        tmp_path, jsonl({"id": 42, "text": "x", "published_at": 1424777752}), name="a.ndjson")
    assert warnings == []
    assert (items[0].id, items[0].published_at) == ("file:hist:42", WHEN)


def test_jsonl_key_with_a_dot_in_its_name_wins(tmp_path):
    record = {"text": "t", "user.name": "flat", "user": {"name": "nested"}}
    items, _, _ = collect(tmp_path, jsonl(record), name="a.jsonl",
                          columns={"author": "user.name"})
    assert items[0].author == "flat"


def test_jsonl_bad_lines_are_named_and_skipped(tmp_path):
    content = jsonl(
        {"id": 1, "text": "one"},
        '{"id": 2, "text": "broken',
        "",
        "[1, 2, 3]",
        {"id": 5, "text": {"nested": "object"}},
        {"id": 6, "text": ""},
        {"id": 7, "title": "no text key"},
        {"id": 8, "text": "bad date", "published_at": "not a date"},
        {"id": 9, "text": "nine"},
    )
    items, warnings, _ = collect(tmp_path, content, name="a.jsonl")
    assert ids(items) == ["1", "9"]
    expected = [(2, "not valid JSON"), (4, "a JSON list, not an object"),
                (5, "'text' holds a JSON object"), (6, "the text is empty"),
                (7, "no key 'text'"), (8, "the date 'not a date' cannot be read")]
    assert len(warnings) == len(expected)
    for warning, (line, reason) in zip(warnings, expected, strict=True):
        assert warning.startswith(where(tmp_path, line, "a.jsonl")) and reason in warning


def test_jsonl_nul_and_overlong_lines(tmp_path):
    content = (b'{"id": 1, "text": "one"}\n{"id": 2, "text": "a\x00b"}\n'
               b'{"id": 3, "text": "' + b"x" * (MAX_LINE_BYTES + 1) + b'"}\n'
               b'{"id": 4, "text": "four \\u0000 escaped"}\n{"id": 5, "text": "five"}\n')
    items, warnings, _ = collect(tmp_path, content, name="a.jsonl")
    assert ids(items) == ["1", "5"]
    assert [w.split(": ", 1)[0] for w in warnings] == [
        f"{tmp_path / 'a.jsonl'}, line {n}" for n in (2, 3, 4)]
    assert "NUL" in warnings[0] and "longer than" in warnings[1] and "NUL" in warnings[2]


def test_jsonl_without_the_text_key_anywhere_is_a_mapping_error(tmp_path):
    content = jsonl(*({"id": n, "body": "hello"} for n in range(3)))
    with pytest.raises(ParseError, match=r"'text'.*'id', 'body'"):
        collect(tmp_path, content, name="a.jsonl")


def test_json_array_file_is_refused_with_a_hint(tmp_path):
    with pytest.raises(ParseError, match="JSON array"):
        collect(tmp_path, json.dumps([{"text": "a"}]), name="a.json")


def test_format_sniffed_when_the_extension_says_nothing(tmp_path):
    items, _, _ = collect(tmp_path, jsonl({"text": "from json"}), name="export.dat")
    assert [i.text for i in items] == ["from json"]
    items, _, _ = collect(tmp_path, "text,author\nfrom csv,al\n", name="export2.dat")
    assert [i.text for i in items] == ["from csv"]


# -- streaming ----------------------------------------------------------------------------------

def test_a_large_export_streams_in_little_memory(tmp_path):
    path = tmp_path / "big.csv"
    body = "lorem ipsum dolor sit amet " * 200
    with path.open("w", encoding="utf-8") as fh:
        fh.write("id,text,published_at\n")
        for n in range(5000):
            fh.write(f'{n},"{n} {body}",{STAMP}\n')
    size = path.stat().st_size
    assert size > 25_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in FileCollector("hist", {"path": "big.csv"}).collect(
            Context(warn=pytest.fail, base_dir=tmp_path)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5000
    assert peak < size / 5
