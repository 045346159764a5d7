"""The one value every read query takes: what the user filtered on, turned into bound SQL."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

# The last day a filter can end on: a range is queried up to the day after its end, and
# date.max has no day after it. No collected item is dated that late.
LAST_DAY = date.max - timedelta(days=1)
# The tones a mention can have, in the order every list shows them.
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Filters:
    """The global filters of the app (and of reports): a date range and dimension choices.

    ``start`` and ``end`` are inclusive days (UTC); an empty tuple means "all". ``sentiments``
    keeps the mentions of those tones (:data:`SENTIMENTS`); a read over a table that has no
    tone says so by not asking for it (see :meth:`where`). Values are only ever bound as SQL
    parameters, never spliced into query text.
    """

    start: date | None = None
    end: date | None = None
    brands: tuple[str, ...] = field(default_factory=tuple)
    kinds: tuple[str, ...] = field(default_factory=tuple)
    sources: tuple[str, ...] = field(default_factory=tuple)
    langs: tuple[str, ...] = field(default_factory=tuple)
    sentiments: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # A typed or linked end such as 9999-12-31 would overflow "end + 1 day" in every query.
        if self.end is not None and self.end > LAST_DAY:
            object.__setattr__(self, "end", LAST_DAY)

    @property
    def days(self) -> int | None:
        """Length of the period in days, when both ends are set."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> Filters | None:
        """The period of the same length just before this one, same other filters.

        None when all dates are shown, or when that period would begin before year 1.
        """
        if self.days is None:
            return None
        length = timedelta(days=self.days)
        try:
            return replace(self, start=self.start - length, end=self.end - length)
        except OverflowError:
            return None

    def where(self, day_column: str = "day", *, brand_column: str | None = "brand",
              timestamp: bool = False, sentiment_column: str | None = None
              ) -> tuple[str, list]:
        """Return ``(sql, params)``: a WHERE clause over the named columns and its parameters.

        ``day_column`` holds a DATE, or a TIMESTAMP when ``timestamp`` is true (then the range
        is written as half-open timestamps so row-group pruning applies). The tone filter
        applies only to reads that name their ``sentiment_column``. Only column names chosen
        by our own code enter the SQL text; every user value is a ``?`` parameter.
        """
        clauses: list[str] = []
        params: list = []
        if self.start is not None:
            clauses.append(f"{day_column} >= ?")
            params.append(self.start)
        if self.end is not None:
            if timestamp:
                clauses.append(f"{day_column} < ?")
                params.append(self.end + timedelta(days=1))
            else:
                clauses.append(f"{day_column} <= ?")
                params.append(self.end)
        for column, values in (
            (brand_column, self.brands),
            ("kind", self.kinds),
            ("source", self.sources),
            ("lang", self.langs),
            (sentiment_column, self.sentiments),
        ):
            if column and values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
