"""The youtube source over real Data API v3 answers (../shared/realdata/youtube): two recorded
search pages, a videos.list answer and two pages of comment threads served at the API's own
paths through the real CLI; the real quota and permission errors classified on the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.youtube import thread_items, video_item
from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer, Request

pytestmark = pytest.mark.realdata

KEY = "AIzaSy-test-key-not-a-real-one-0123456"
API = "/youtube/v3/"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
COMMENTED = "F1UP7wRCPH8"  # the video whose comment threads were recorded
QUIET = "ovdbrdCIP7U"  # recorded in videos.list; here its owner turned comments off
# No real commentsDisabled body was found (SOURCES.md 8b): this is its documented shape.
DISABLED = json.dumps({"error": {"code": 403, "message": "The video identified by the "
                                 "<code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">"
                                 "videoId</a></code> parameter has disabled comments.",
                                 "errors": [{"domain": "youtube.commentThread",
                                             "reason": "commentsDisabled",
                                             "location": "videoId", "locationType": "parameter",
                                             "message": "disabled comments"}]}})


class RecordedApi:
    """search, videos and commentThreads answered from the recordings; ``fail`` answers every
    request with a recorded error instead."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fail: tuple[int, str] | None = None

    def body(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def route(self, request: Request):
        if request.path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, "not found"
        if request.header("X-Goog-Api-Key") != KEY:
            return 403, JSON, self.body("error_permission_resp.json")
        if self.fail:
            return self.fail[0], JSON, self.fail[1]
        arg = {k: v[0] for k, v in request.query.items()}
        empty = '{"kind": "youtube#commentThreadListResponse", "items": []}'
        if request.path == API + "search":
            page = {None: "search_by_keywords_p1.json", "CBkQAA": "search_by_keywords_p2.json"}
            name = page.get(arg.get("pageToken"))
            return 200, JSON, self.body(name) if name else '{"items": []}'
        if request.path == API + "videos":
            data = json.loads(self.body("videos_info_multi.json"))
            asked = arg.get("id", "").split(",")
            data["items"] = [v for v in data["items"] if v["id"] in asked]
            return 200, JSON, json.dumps(data)
        if request.path == API + "commentThreads":
            if arg.get("videoId") == QUIET:
                return 403, JSON, DISABLED
            if arg.get("videoId") != COMMENTED:
                return 200, JSON, empty
            name = "comment_threads_by_video_paged_2.json" if arg.get("pageToken") \
                else "comment_threads_by_video_paged_1.json"
            return 200, JSON, self.body(name)
        return 404, JSON, '{"error": {"code": 404, "message": "Not Found"}}'


@pytest.fixture
def api(realdata):
    recorded = RecordedApi(realdata / "youtube" / "pyyoutube_apidata")
    with LocalServer(fallback=recorded.route) as server:
        recorded.server = server
        yield recorded


def watch(tmp_path, api) -> Path:
    local_watch(tmp_path, f"""
[[sources]]
name = "yt"
kind = "youtube"
search = ["surfing"]
videos = ["{COMMENTED}", "D-lhorsDlUQ", "{QUIET}"]
api_url = "{api.server.url('/youtube/v3')}"
""")
    return tmp_path / "watch.toml"


def expected(folder: Path) -> dict[str, object]:
    """Every video and comment the recordings hold, by item id, as the parser reads them."""
    found = {}
    for name in ("search_by_keywords_p1.json", "search_by_keywords_p2.json",
                 "videos_info_multi.json"):
        for record in json.loads((folder / name).read_text(encoding="utf-8"))["items"]:
            found[video_item(record).id] = record
    for name in ("comment_threads_by_video_paged_1.json",
                 "comment_threads_by_video_paged_2.json"):
        for thread in json.loads((folder / name).read_text(encoding="utf-8"))["items"]:
            found.update({i.id: i for i in thread_items(thread)})
    return found


def test_recorded_searches_videos_and_comments_through_the_cli(api, tmp_path):
    config, db = watch(tmp_path, api), tmp_path / "veille.duckdb"
    env = {"VEILLE_YOUTUBE_KEY": KEY}
    proc = collect(config, db, env=env)
    rows = db_rows(db, "SELECT item_id, url, text, author, published_at, lang, title FROM items")
    collect(config, db, env=env)
    again = db_rows(db, "SELECT count(*) FROM items")[0][0]
    comment_asks = [r for r in api.server.hits(API + "commentThreads")
                    if r.query["videoId"] == [QUIET]]
    want = expected(api.folder)
    print(f"youtube: {len(rows)} videos and comments stored")
    # 49 videos (one is on both search pages), the two asked by id, and five comments (the
    # second recorded page repeats the first): each once.
    assert len(rows) == len(want) == 56 and again == len(rows)
    assert all(url and text and author and published and lang
               for _, url, text, author, published, lang, _ in rows)
    urls = [row[1] for row in rows]
    assert "https://www.youtube.com/watch?v=D-lhorsDlUQ" in urls
    assert urls.count(f"https://www.youtube.com/watch?v={COMMENTED}") == 5  # its comments
    titles = {row[6] for row in rows}
    assert "SURFING PERFECT PIPE & BACKDOOR || SUNRISE SHACK!" in titles  # &amp; decoded
    assert not any("&amp;" in (t or "") for t in titles)
    # Comments turned off: not a failure, not asked again.
    assert len(comment_asks) == 1
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [(None,)]
    assert KEY not in proc.stdout + proc.stderr
    assert all(r.header("X-Goog-Api-Key") == KEY and "key=" not in r.target
               for r in api.server.requests if r.path != "/robots.txt")


@pytest.mark.parametrize("status, name, kind", [
    (403, "QuotaReached.json", "quota"),
    (403, "error_permission_resp.json", "http_error"),
    (500, None, "http_error"),
    (200, None, "parse_error"),
])
def test_recorded_errors_are_classified_on_the_source(api, tmp_path, realdata, status, name,
                                                      kind):
    folder = realdata / "youtube"
    body = next(folder.glob(f"*/{name}")).read_text(encoding="utf-8") if name else \
        ('{"error": {"code": 500, "message": "Backend Error"}}' if status == 500
         else '{"kind": "youtube#searchListResponse", "items": [{"id": ')
    api.fail = (status, body)
    config, db = watch(tmp_path, api), tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False, env={"VEILLE_YOUTUBE_KEY": KEY})
    assert proc.returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [(kind,)]
    if kind == "quota":
        # A used-up quota is asked once: neither retried nor followed by the other requests.
        assert len([r for r in api.server.requests if r.path != "/robots.txt"]) == 1
        assert "quota" in db_rows(db, "SELECT last_error FROM sources")[0][0]


def test_without_a_key_the_source_says_which_variable(api, tmp_path):
    config, db = watch(tmp_path, api), tmp_path / "veille.duckdb"
    proc = collect(config, db, check=False, env={"VEILLE_YOUTUBE_KEY": ""})
    assert proc.returncode != 0 and "VEILLE_YOUTUBE_KEY" in proc.stdout + proc.stderr
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [("auth_missing",)]
    assert api.server.requests == []
