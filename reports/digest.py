"""Digests: the meeting report as a PDF, with its headline numbers, sent to notify targets."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from config import Watch
from i18n.catalog import resolve_language
from notify.messages import digest_message
from notify.send import send_logged
from reports.cli import make_pdf
from store import reading
from store.deliveries import was_sent
from views import registry


@dataclass(frozen=True)
class Sent:
    """What became of one digest for one target."""

    target: str
    error: str | None
    skipped: bool = False  # already sent for this slot


def send_digest(watch: Watch, db: Path | str, name: str, slot: datetime | None = None,
                lang: str | None = None) -> list[Sent]:
    """Build digest ``name``'s report and send it to each of its targets.

    With ``slot`` (the scheduled time it is sent for), a target that already had this slot's
    digest is skipped, so a scheduler may ask twice. Raises KeyError for an unknown digest and
    what :func:`reports.cli.make_pdf` raises when the report cannot be made. ``lang`` is the
    language of the message and the report (default: VEILLE_LANG, else ``[ui] language``).
    """
    digest = watch.digest(name)
    lang = lang or resolve_language(watch.ui.language)
    ref = f"{name}@{slot.isoformat(timespec='minutes')}" if slot else \
        f"{name}@manual-{datetime.now().isoformat(timespec='seconds')}"
    targets = {t.name: t for t in watch.notify}
    with reading(db) as con:
        todo = [t for t in digest.targets if not (slot and was_sent(con, t, "digest", ref))]
    out = [Sent(t, None, skipped=True) for t in digest.targets if t not in todo]
    if not todo:
        return out
    views = list(digest.views) or list(registry.KEYS)
    content, view = make_pdf(db, {"period": [digest.period]}, views, watch.path,
                             watch.ui.base_url, lang)
    overview = registry.get("overview").build(view)
    tiles = [(t.label, t.value, t.delta) for t in overview.tiles]
    link = f"{watch.ui.base_url.rstrip('/')}/{registry.get('overview').address}?period=" \
           f"{digest.period}"
    message = digest_message(name, view.period_text, view.dimensions_text, tiles, link, lang)
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / f"veille-{name}-{datetime.now():%Y-%m-%d}.pdf"
        pdf.write_bytes(content)
        for target_name in todo:
            error = send_logged(db, targets[target_name], "digest", [ref], message, pdf)
            out.append(Sent(target_name, error))
    return out
