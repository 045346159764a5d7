"""`python -m notify test NAME`: send a test notification to one target, and log it."""

# The Sources page's "Send a test notification" button runs this in a subprocess: the app
# only ever reads the database, and the delivery log is written by the process that sends.

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from config import ConfigError, default_config_path, default_db_path, load_watch, store_target
from i18n.catalog import LANGUAGES, resolve_language
from notify.messages import trial_message
from notify.send import send_logged
from notify.targets import TEST


def parser() -> argparse.ArgumentParser:
    """The command-line interface of ``python -m notify``."""
    top = argparse.ArgumentParser(prog="python -m notify",
                                  description="Veille notifications: check that a target "
                                              "receives them.")
    commands = top.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("test", help="send a short test message to one [[notify]] target",
                              description="Send a short test message to the named target "
                                          "through Apprise and record it in the delivery log.")
    cmd.add_argument("target", help="the name of a [[notify]] target in watch.toml")
    cmd.add_argument("--config", type=Path, default=None,
                     help="watch.toml (default: VEILLE_CONFIG or watch.toml)")
    cmd.add_argument("--db", type=store_target, default=None,
                     help="database (default: VEILLE_DB or data/veille.duckdb)")
    cmd.add_argument("--lang", choices=LANGUAGES, default=None,
                     help="the message's language (default: the watch's)")
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; 0 when the test message went, 1 when it did not, 2 on a bad watch file."""
    args = parser().parse_args(argv)
    try:
        watch = load_watch(args.config or default_config_path())
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    target = next((t for t in watch.notify if t.name == args.target), None)
    if target is None:
        names = ", ".join(t.name for t in watch.notify) or "none"
        print(f"no [[notify]] target named {args.target!r} (configured: {names})",
              file=sys.stderr)
        return 2
    lang = args.lang or resolve_language(watch.ui.language)
    ref = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    error = send_logged(args.db or default_db_path(), target, TEST, [ref],
                        trial_message(target.name, lang, watch.ui.base_url))
    # A test is not retried: say so rather than the runs' "will retry".
    print(f"notify: {target.name}: test message "
          + ("sent" if error is None else f"not sent ({error})"))
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
