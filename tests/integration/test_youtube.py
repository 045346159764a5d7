"""The youtube source against a fake Data API on 127.0.0.1 through the real CLI: a channel's
uploads paged by pageToken, a handle looked up, comment replies, resuming, a quota stop."""

from __future__ import annotations

import json

from tests.conftest import collect, db_rows, local_watch
from tests.localserver import LocalServer, Request

KEY = "test-key-0123456789abcdef"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
CHANNEL = "UCacme0000000000000000xy"
QUOTA = json.dumps({"error": {"code": 403, "message": "quota", "errors": [
    {"domain": "youtube.quota", "reason": "quotaExceeded", "message": "quota"}]}})


def upload(video: str, title: str, when: str, *, private: bool = False) -> dict:
    snippet = {"publishedAt": when, "channelId": CHANNEL, "title": title,
               "description": f"{title}: the Acme launch video", "channelTitle": "Acme",
               "resourceId": {"kind": "youtube#video", "videoId": video}}
    if not private:
        snippet["videoOwnerChannelId"], snippet["videoOwnerChannelTitle"] = CHANNEL, "Acme"
    return {"kind": "youtube#playlistItem", "id": "PL" + video, "snippet": snippet}


def thread(ident: str, video: str, text: str, when: str, replies: list[tuple] = ()) -> dict:
    def comment(cid, body, at):
        return {"id": cid, "snippet": {"videoId": video, "textOriginal": body,
                                       "textDisplay": body, "authorDisplayName": "@viewer",
                                       "publishedAt": at, "likeCount": 2}}
    return {"id": ident, "snippet": {"videoId": video, "topLevelComment": comment(
        ident, text, when), "totalReplyCount": len(replies)},
        "replies": {"comments": [comment(*r) for r in replies]}}


class FakeApi:
    """channels (forHandle), playlistItems and commentThreads as the Data API answers them."""

    def __init__(self):
        self.uploads = [[upload("vid00000003", "Acme 3", "2026-03-03T10:00:00Z"),
                         upload("vid00000002", "Private video", "2026-03-02T10:00:00Z",
                                private=True)],
                        [upload("vid00000001", "Acme 1", "2026-03-01T10:00:00Z")]]
        self.threads = {"vid00000003": [thread("c2", "vid00000003", "Trop cher, Acme",
                                               "2026-03-03T12:00:00Z",
                                               [("c2.r1", "C'est vrai", "2026-03-03T13:00:00Z")])],
                        "vid00000001": [thread("c1", "vid00000001", "First!",
                                               "2026-03-01T11:00:00Z")]}
        self.quota_on: str | None = None

    def route(self, request: Request):
        if request.path == "/robots.txt":
            return 404, {}, ""
        arg = {k: v[0] for k, v in request.query.items()}
        if self.quota_on and request.path.endswith(self.quota_on):
            return 403, JSON, QUOTA
        if request.path == "/v3/channels" and arg.get("forHandle") == "@acme":
            return 200, JSON, json.dumps({"items": [{"id": CHANNEL, "contentDetails": {
                "relatedPlaylists": {"uploads": "UU" + CHANNEL[2:]}}}]})
        if request.path == "/v3/playlistItems" and arg["playlistId"] == "UU" + CHANNEL[2:]:
            page = int(arg.get("pageToken", "0"))
            body = {"items": self.uploads[page]}
            if page + 1 < len(self.uploads):
                body["nextPageToken"] = str(page + 1)
            return 200, JSON, json.dumps(body)
        if request.path == "/v3/videos":
            return 200, JSON, '{"items": []}'
        if request.path == "/v3/commentThreads":
            return 200, JSON, json.dumps({"items": self.threads.get(arg["videoId"], [])})
        return 404, JSON, '{"error": {"code": 404, "message": "Not Found"}}'


def test_channel_uploads_comments_and_a_second_run(tmp_path):
    api = FakeApi()
    with LocalServer(fallback=api.route) as server:
        local_watch(tmp_path, f"""
[[sources]]
name = "yt"
kind = "youtube"
channels = ["@acme"]
comment_days = 100000
api_url = "{server.url('/v3')}"
""")
        config, db = tmp_path / "watch.toml", tmp_path / "veille.duckdb"
        env = {"VEILLE_YOUTUBE_KEY": KEY}
        collect(config, db, env=env)
        first = db_rows(db, "SELECT title, text, author, parent_id IS NOT NULL FROM items "
                            "ORDER BY published_at")
        api.uploads = [[upload("vid00000004", "Acme 4", "2026-03-04T10:00:00Z")] +
                       api.uploads[0], api.uploads[1]]
        api.threads["vid00000001"].insert(0, thread("c3", "vid00000001", "Late comment",
                                                    "2026-03-05T09:00:00Z"))
        collect(config, db, env=env)
        second = db_rows(db, "SELECT title, text FROM items ORDER BY published_at")
        lookups = server.hits("/v3/channels")
        api.quota_on = "/commentThreads"
        api.uploads = [[upload("vid00000005", "Acme 5", "2026-03-06T10:00:00Z")]]
        quota = collect(config, db, check=False, env=env)
        asked_after_quota = len(server.hits("/v3/commentThreads"))
    # Two public videos (the private one left out), a comment with its reply, a comment.
    assert [row[0] for row in first] == ["Acme 1", None, "Acme 3", None, None]
    assert first[2][1:] == ("Acme 3: the Acme launch video", "Acme", False)
    assert [row[1] for row in first if row[0] is None] == ["First!", "Trop cher, Acme",
                                                           "C'est vrai"]
    assert all(row[3] for row in first if row[0] is None)  # comments answer their video
    # The second run adds the new video and the new comment of an older one, nothing twice.
    assert len(second) == 7 and ("Acme 4", "Acme 4: the Acme launch video") in second
    assert (None, "Late comment") in second
    assert len(lookups) == 1  # the handle's uploads playlist is remembered
    # A used-up quota stops the run at the first refusal: the video read before it is kept.
    assert quota.returncode != 0
    assert db_rows(db, "SELECT last_error_kind FROM sources") == [("quota",)]
    assert db_rows(db, "SELECT count(*) FROM items WHERE title = 'Acme 5'") == [(1,)]
    assert asked_after_quota == 2 + 3 + 1  # two runs' comment reads, then the one refused
