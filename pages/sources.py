"""Sources: the health of every source, collect now, and the brands with a preview of edits."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.query import QuerySyntaxError
from config import ConfigError, default_config_path, load_watch, local_twin
from config.watch import ROOT, brand_query, update_brand
from i18n.catalog import translator
from i18n.formats import number
from notify.targets import target_states
from store import alerts, health, queries, scheduler
from store.deliveries import delivery_log
from store.rematch import PREVIEW_ITEMS, preview
from ui import roles
from ui.state import current, read
from views import format as fmt
from views.labels import HEALTH_NAMES, KIND_NAMES, health_reason
from views.labels import name as display_name

# Icons that ship with the app (Streamlit's Material Symbols), in the state's colour: emoji
# showed as empty boxes on a machine without an emoji font.
STATUS_ICONS = {"ok": ":green[:material/check_circle:]", "warnings": ":orange[:material/warning:]",
                "failing": ":red[:material/error:]", "silent": ":orange[:material/volume_off:]",
                "never run": ":gray[:material/radio_button_unchecked:]"}


def status_word(state: str, lang: str) -> str:
    """A source state in the reader's language: ``ok``, ``en échec``."""
    return display_name(HEALTH_NAMES, state, lang)


def status_label(state: str, lang: str) -> str:
    """A source state with its coloured icon, for Markdown labels: ``:green[…] ok``."""
    icon = STATUS_ICONS.get(state)
    return f"{icon} {status_word(state, lang)}" if icon else status_word(state, lang)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
MAX_LINES = 200


def md(text: object) -> str:
    """Text safe inside Markdown: every Markdown character is escaped."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


# --- jobs: the collectors' CLI run as a subprocess, one at a time ----------------------------


@dataclass
class Job:
    """One `python -m collectors …` subprocess started from the app, and what it printed."""

    title: str
    args: list[str]
    lock: Path
    started: float = field(default_factory=time.time)
    proc: subprocess.Popen | None = None
    progress: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    returncode: int | None = None

    @property
    def running(self) -> bool:
        """True until the subprocess has exited and its output is read to the end."""
        return self.returncode is None


def _lock_path(db: Path | str) -> Path:
    db = local_twin(db)
    return db.with_name(f"{db.name}.collect.lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take_lock(lock: Path) -> bool:
    """Create the lock file; a lock left by a process that is gone is taken over."""
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pid = 0
            if pid and _alive(pid):
                return False
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(str(os.getpid()))
        return True
    return False


@st.cache_resource(show_spinner=False)
def _jobs() -> dict[str, Job]:
    """The app process's jobs by database: every session sees the same collection running."""
    return {}


def start_job(db: Path, title: str, args: list[str]) -> Job | None:
    """Start ``python -m collectors <args>`` unless a job already runs for ``db``.

    Returns None when another collection holds the lock (from this app or another one).
    """
    lock = _lock_path(db)
    if not _take_lock(lock):
        return None
    job = Job(title=title, args=args, lock=lock)
    try:
        job.proc = subprocess.Popen(
            [sys.executable, "-m", "collectors", *args, "--progress", "json"], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            bufsize=1, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    except OSError as exc:
        lock.unlink(missing_ok=True)
        job.lines.append(f"could not start: {exc}")
        job.returncode = -1
        _jobs()[str(db)] = job
        return job
    lock.write_text(f"{job.proc.pid}\n")
    _jobs()[str(db)] = job
    out = threading.Thread(target=_read_stdout, args=(job,), daemon=True)
    err = threading.Thread(target=_read_stderr, args=(job,), daemon=True)
    out.start()
    err.start()
    threading.Thread(target=_wait, args=(job, out, err), daemon=True).start()
    return job


def _read_stdout(job: Job) -> None:
    for line in job.proc.stdout:
        if line.strip() and len(job.lines) < MAX_LINES:
            job.lines.append(line.rstrip())


def _read_stderr(job: Job) -> None:
    # The CLI runs with `--progress json`: one JSON object per progress reading
    # (collectors/progress.py); any other line is a warning or an error to show as it is.
    for line in job.proc.stderr:
        _parse_stderr(job, line.strip())


def _parse_stderr(job: Job, text: str) -> None:
    if not text:
        return
    record = None
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except ValueError:
            record = None
    if isinstance(record, dict) and record.get("event") in ("progress", "finished"):
        total = record.get("total")
        job.progress[str(record.get("task"))] = (int(record.get("done") or 0),
                                                 int(total) if total else None)
        return
    if isinstance(record, dict) and record.get("event") == "message":
        text = str(record.get("text", ""))
    if text and len(job.warnings) < MAX_LINES:
        job.warnings.append(text)


def _wait(job: Job, *readers: threading.Thread) -> None:
    code = job.proc.wait()
    for reader in readers:
        reader.join(timeout=10)
    job.lock.unlink(missing_ok=True)
    job.returncode = code


def job_for(db: Path) -> Job | None:
    """The job this app process last started for ``db``, running or finished."""
    return _jobs().get(str(db))


def other_collection_running(db: Path) -> bool:
    """True when a collection started elsewhere (another app process) holds the lock."""
    lock = _lock_path(db)
    job = job_for(db)
    if not lock.exists() or (job is not None and job.running):
        return False
    try:
        return _alive(int(lock.read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return False


def show_job(job: Job) -> None:
    """Progress bars while the job runs; then its result lines and warnings."""
    elapsed = time.time() - job.started
    if job.running:
        st.markdown(_("**{title}** — running for {seconds} s").format(
            title=md(job.title), seconds=number(elapsed, lang)))
        if not job.progress:
            st.progress(0, text=_("starting…"))
        for name, (done, total) in list(job.progress.items()):
            if total:
                st.progress(min(done / total, 1.0), text=_("{name}: {done} / {total} items").format(
                    name=md(name), done=number(done, lang), total=number(total, lang)))
            else:
                st.progress(0, text=_("{name}: {done} items so far").format(
                    name=md(name), done=number(done, lang)))
    else:
        ok = job.returncode == 0
        (st.success if ok else st.warning)(
            f"**{md(job.title)}** " + (_("finished") if ok else _("ended with code {code}").format(
                code=job.returncode)),
            icon=":material/task_alt:" if ok else ":material/report:")
    if job.lines:
        st.text("\n".join(job.lines))
    if job.warnings:
        with st.expander(_("{count} message(s) from the collectors").format(
                count=len(job.warnings))):
            st.text("\n".join(job.warnings[-50:]))


def _collect_now(db: Path, config_path: Path, configured: list[str]) -> None:
    if roles.refused(getattr(view, "lang", "en")):
        return
    choice = st.session_state.get("src_collect_choice")
    args = ["run", "--config", str(config_path), "--db", str(db)]
    title = _("Collecting all enabled sources")
    if choice in configured:
        args += ["--source", choice]
        title = _("Collecting {source}").format(source=choice)
    if start_job(db, title, args) is None:
        st.session_state["src_collect_refused"] = True


def _save_brand(db: Path, config_path: Path, name: str) -> None:
    if roles.refused(getattr(view, "lang", "en")):
        return
    state = st.session_state
    query = state.get(f"src_query_{name}", "")
    products = [p.strip() for p in state.get(f"src_products_{name}", "").splitlines()
                if p.strip()]
    exclude = state.get(f"src_exclude_{name}", "").strip() or None
    notes = state["src_save_notes"] = []
    try:
        update_brand(config_path, name, query=query, products=products, exclude=exclude)
    except ConfigError as exc:
        notes.append(("problem", _("The watch file was not changed:"), str(exc)))
        return
    state.pop("src_preview", None)
    args = ["rematch", "--config", str(config_path), "--db", str(db), "--brand", name]
    if start_job(db, _("Re-matching {brand}").format(brand=name), args) is None:
        notes.append(("problem", _("Saved. The re-match could not start while another "
                                   "collection runs: run `python -m collectors rematch` later."),
                      ""))
    else:
        notes.append(("ok", _("Saved {brand} in {file}; re-matching its history.").format(
            brand=md(name), file=md(config_path)), ""))


# --- the page ----------------------------------------------------------------------------------

view = current()
lang = getattr(view, "lang", "en")
_ = translator(lang)
db = Path(view.db)
config_path = default_config_path()
try:
    watch = load_watch(config_path)
    config_problem = None
except ConfigError as exc:
    watch, config_problem = None, str(exc)

st.header(_("Sources"), anchor=False)
if config_problem:
    st.warning(_("The watch file {file} has problems, so collecting and editing are off "
                 "until it is fixed:").format(file=md(config_path)), icon=":material/error:")
    st.text(config_problem)

# Health: one row per source, unhealthy first.
status = read(alerts.source_health, db)
runs = read(health.run_history, db)
configured = [s.name for s in watch.sources] if watch else []
missing = [n for n in configured if n not in set(status["name"])]
if missing:
    extra = pd.DataFrame({"name": missing, "status": "never run", "reason": "never collected"})
    status = pd.concat([status, extra], ignore_index=True)
    # Unhealthy first, as source_health orders them; configured-but-never-run before the ok.
    rank = {"failing": 0, "silent": 1, "warnings": 2, "never run": 3, "ok": 4}
    status = status.sort_values("status", key=lambda c: c.map(rank), kind="stable")
counts = status["status"].value_counts() if len(status) else pd.Series(dtype=int)
tiles = st.columns(4)
for column, name, helptext in zip(tiles, ("ok", "failing", "silent", "never run"), (
        _("Collected without error at their last run."),
        _("Their last run failed: the error is below."),
        _("No new item for more than three of their intervals: maybe blocked."),
        _("Configured but never collected yet.")), strict=True):
    column.metric(status_label(name, lang), int(counts.get(name, 0)), border=True, help=helptext)

# The scheduler: `collectors watch` (started by `make run`) beats in a file beside the database.
clock = scheduler.status(db)
if clock.running:
    st.success(_("Collection runs on schedule: running since {since}, last heartbeat {beat}.")
               .format(since=fmt.moment(clock.started_at, lang),
                       beat=fmt.moment(clock.beat_at, lang)),
               icon=":material/schedule:")
else:
    st.info(_("Scheduled collection is not running — start it with `make run` or "
                 "`python -m collectors watch`."), icon=":material/schedule:")


def next_run(name: str) -> str:
    """When the scheduler runs source ``name`` next, in the reader's words."""
    when = clock.next_runs.get(name)
    if not clock.running:
        return _("not scheduled")
    return fmt.moment(when, lang) if when else _("not scheduled")


per_run = {src: list(group["items_new"].astype(int)) for src, group in runs.groupby("source")}
table = pd.DataFrame({
    _("Status"): [status_word(s, lang) for s in status["status"]],
    _("Source"): status["name"],
    _("Kind"): [display_name(KIND_NAMES, k, lang) if isinstance(k, str) else ""
                for k in status.get("kind", pd.Series([None] * len(status)))],
    _("Last success"): [fmt.moment(t, lang) if pd.notna(t) else _("never")
                     for t in status.get("last_success", pd.Series([None] * len(status)))],
    _("New items per run"): [per_run.get(n, []) for n in status["name"]],
    _("Last run new"): [sum(v[-1:]) if (v := per_run.get(n)) else None for n in status["name"]],
    _("Next run"): [next_run(n) for n in status["name"]],
    _("Why"): [health_reason(str(r), lang) for r in status["reason"].fillna("")],
    _("Last error"): [f"{k}: {e}" if isinstance(e, str) and e else ""
                   for k, e in zip(status.get("last_error_kind", [None] * len(status)),
                                   status.get("last_error", [None] * len(status)), strict=True)],
})
if table.empty:
    st.info(_("No source yet: add `[[sources]]` to the watch file, then collect."),
            icon=":material/info:")
else:
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        _("New items per run"): st.column_config.BarChartColumn(
            _("New items per run"),
            help=_("New items stored by each of the last runs, oldest first")),
        _("Last error"): st.column_config.TextColumn(_("Last error"), width="large"),
    })
failing = status[status["status"] == "failing"]
for row in failing.itertuples():
    st.warning(_("**{source}** is failing — {kind}, {count} run(s) in a row. Last error:").format(
        source=md(row.name), kind=md(row.last_error_kind or "error"),
        count=int(row.consecutive_failures)),
               icon=":material/sync_problem:")
    st.text(str(row.last_error or ""))

# Notifications: where they go, whether they get there, and a test message per target.
NOTIFY_STATES = {"ok": ":green[:material/check_circle:] ", "failing": ":red[:material/error:] ",
                 "unused": ":gray[:material/radio_button_unchecked:] "}


def _send_test(db: Path, config_path: Path, name: str) -> None:
    """Send a test message through the CLI in a subprocess (the app process only reads)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "notify", "test", name, "--config", str(config_path),
             "--db", str(db), "--lang", lang], cwd=ROOT, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=120)
        ok, said = proc.returncode == 0, (proc.stdout + proc.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        ok, said = False, str(exc)
    st.session_state[f"src_test_result_{name}"] = (ok, said)


st.subheader(_("Notifications"), anchor=False)
targets = watch.notify if watch else []
if not targets:
    st.caption(_("No notification target: add `[[notify]]` to the watch file to be told of "
                 "alerts by email, chat or webhook."))
for target in target_states(targets, read(delivery_log, db)):
    with st.container(border=True):
        state = {"ok": _("delivering"), "failing": _("failing"),
                 "unused": _("nothing sent yet")}[target.state]
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(f"{NOTIFY_STATES[target.state]}**{md(target.name)}** — {md(state)}  \n"
                      f"{md(target.address)} · {md(', '.join(target.events))}")
        right.button(_("Send a test notification"), key=f"src_test_{target.name}",
                     icon=":material/send:", width="stretch", on_click=_send_test,
                     args=(db, config_path, target.name))
        result = st.session_state.pop(f"src_test_result_{target.name}", None)
        if result is not None:
            (st.success if result[0] else st.warning)(
                _("Test notification sent to {name}.").format(name=target.name) if result[0]
                else _("The test notification to {name} was not sent:").format(
                    name=target.name), icon=":material/send:")
            if not result[0]:
                st.text(result[1])
        if target.state == "failing":
            st.warning(_("{name} keeps failing: {count} failed attempt(s). Last error:").format(
                name=target.name, count=target.failed_attempts), icon=":material/sync_problem:")
            st.text(target.last_error or "")
        if target.retrying:
            st.caption(_("{count} message(s) waiting to be sent again at the next run.").format(
                count=target.retrying))
        if target.given_up:
            st.caption(_("{count} message(s) not delivered and too old to be sent again.")
                       .format(count=target.given_up))
        if target.last_sent is not None:
            st.caption(_("Last delivered: {when}").format(when=fmt.moment(target.last_sent, lang)))
        if not target.recent.empty:
            st.dataframe(pd.DataFrame({
                _("When"): [fmt.moment(t, lang) for t in target.recent["last_at"]],
                _("Event"): target.recent["event"],
                _("Result"): [_("delivered") if s == "sent" else _("failed")
                              for s in target.recent["status"]],
                _("Attempts"): target.recent["attempts"],
                _("Error"): target.recent["error"].fillna(""),
            }), hide_index=True, width="stretch", key=f"src_log_{target.name}")

# Collect now: the CLI in a subprocess; the app itself only ever reads.
st.subheader(_("Collect now"), anchor=False)
job = job_for(db)
busy = (job is not None and job.running) or other_collection_running(db)
# A viewer sees collect now and the brand editor greyed out and why; the callbacks refuse too.
editor = roles.is_editor()
if not editor:
    roles.viewer_note(lang)
if watch is not None and watch.sources:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    configured_choices = [_("All enabled sources"), *configured]
    left.selectbox(_("Sources to collect"), configured_choices,
                   key="src_collect_choice", disabled=busy)
    # A callback, so the button is already disabled in the run the click triggers.
    right.button(_("Collect now"), icon=":material/download:", disabled=busy or not editor,
                 key="src_collect",
                 type="primary", width="stretch", on_click=_collect_now,
                 args=(db, config_path, configured))
    if st.session_state.pop("src_collect_refused", False):
        st.warning(_("Another collection is already running; try again when it ends."),
                   icon=":material/hourglass:")
elif watch is not None:
    st.caption(_("The watch file has no `[[sources]]` to collect."))
if other_collection_running(db):
    st.info(_("A collection started from another window is running."), icon=":material/sync:")


@st.fragment(run_every=1.0 if busy else None)
def job_panel() -> None:
    """Redrawn every second while a job runs; one full rerun when it ends shows its data."""
    full_run = st.session_state.pop("_src_full_run", False)
    job = job_for(db)
    if job is None:
        return
    show_job(job)
    # Only the timer's own runs rerun the page: the full run already shows the latest state.
    if not job.running and busy and not full_run:
        st.rerun(scope="app")


st.session_state["_src_full_run"] = True
job_panel()

# Brands: their queries, and an editor that previews what a change would do before saving.
st.subheader(_("Brands"), anchor=False)
if watch is None:
    st.dataframe(read(queries.brands, db), hide_index=True, width="stretch")
    st.stop()
st.dataframe(pd.DataFrame({
    _("Brand"): [b.name for b in watch.brands],
    _("Own"): [b.own for b in watch.brands],
    _("Colour"): [b.color for b in watch.brands],
    _("Query"): [" ".join(b.query.split()) for b in watch.brands],
    _("Products"): [", ".join(b.products) for b in watch.brands],
    _("Exclude"): [b.exclude or "" for b in watch.brands],
}), hide_index=True, width="stretch")

names = [b.name for b in watch.brands]
if not names:
    st.stop()
if not editor:
    roles.viewer_note(lang)
name = st.selectbox(_("Brand to edit"), names, key="src_brand")
brand = watch.brands[names.index(name)]
with st.form("src_brand_form", border=True):
    query = st.text_area(_("Query"), brand.query, key=f"src_query_{name}", height=100,
                         help=_("Brand query: phrases in quotes, OR, AND, NOT, NEAR/n, caf*, "
                                "@x, #x."))
    products = st.text_area(_("Products (one per line)"), "\n".join(brand.products),
                            key=f"src_products_{name}", height=80,
                            help=_("Product names or queries that count for this brand: "
                                   "iPhone, \"Apple Watch\"."))
    exclude = st.text_input(_("Exclude"), brand.exclude or "", key=f"src_exclude_{name}",
                            help=_("A query: items it matches never count for this brand."))
    do_preview = st.form_submit_button(_("Preview changes"), icon=":material/preview:")
    # A callback, so the re-match is already running (and buttons disabled) in this run.
    st.form_submit_button(_("Save and re-match"), icon=":material/save:",
                          disabled=busy or not editor,
                          on_click=_save_brand, args=(db, config_path, name))

for level, message, detail in st.session_state.pop("src_save_notes", []):
    (st.success if level == "ok" else st.warning)(message, icon=":material/info:")
    if detail:
        st.text(detail)
product_list = [p.strip() for p in products.splitlines() if p.strip()]
proposal = (query, tuple(product_list), exclude.strip() or None)
if do_preview:
    try:
        proposed = brand_query(query, product_list, exclude.strip() or None)
    except QuerySyntaxError as exc:
        st.warning(_("The {field} cannot be read: {error}").format(
            field=md(getattr(exc, "field", "query")), error=md(exc)),
                   icon=":material/error:")
    else:
        with st.spinner(_("Re-matching the most recent items…")):
            st.session_state["src_preview"] = (name, proposal,
                                               preview(db, name, proposed, brand.compiled))

shown = st.session_state.get("src_preview")
if shown and shown[0] == name and shown[1] == proposal:
    result = shown[2]
    st.metric(_("{brand}: mentions that would change").format(brand=name),
              f"+{number(result.gained, lang)} / −{number(result.lost, lang)}", border=True,
              help=_("Re-matched over the most recent stored items only; saving re-matches "
                     "the whole history."))
    window = (_("the {count} most recent items ({days})").format(
        count=number(result.items, lang),
        days=fmt.span(result.since.date(), result.until.date(), lang)) if result.items
              else _("no stored item"))
    st.caption(_("Over {window} (at most {limit}): {before} mentions now, {after} with the new "
                 "query.").format(window=window, limit=number(PREVIEW_ITEMS, lang),
                                  before=number(result.before, lang),
                                  after=number(result.after, lang)))
    gained, lost = st.columns(2)
    for column, title, rows in ((gained, _("Would be added"), result.added),
                                (lost, _("Would be removed"), result.removed)):
        with column:
            st.markdown(f"**{title}**")
            if rows:
                st.dataframe(pd.DataFrame(rows)[["published_at", "source", "snippet"]],
                             hide_index=True, width="stretch",
                             column_config={"snippet": st.column_config.TextColumn(
                                 _("Text"), width="large")})
            else:
                st.caption(_("none"))
