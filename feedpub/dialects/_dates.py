"""Front matter dates read as Jekyll and Hugo read them, so that a site either tool builds also
builds with feedpub, with the same instants in its feeds.

Jekyll (4.3, Ruby 3.1): YAML (Psych) first makes a timestamp of a plain scalar that looks like
one (``2020-01-05 10:00:00``, read as UTC when it has no zone, as Psych does); Jekyll then
turns every date into text and reads it with Ruby's ``Time.parse``, in the site's time zone.
``Time.parse`` is ``Date._parse`` (Ruby's ``ext/date/date_parse.c``: a series of patterns,
each taking the first place in the text it matches, leaving the rest for the next) and
``Time.make_time`` (``lib/time.rb``: missing parts, the zone by name or offset, days past the
end of a month carried over). :func:`jekyll_time` is a port of both, for dates with a year;
text it cannot read is text Ruby cannot read either (or reads as of the day of the build).

Hugo (0.111, spf13/cast 1.5): a date is tried against a list of Go layouts (Go's
``time.Parse``: fixed two-digit months, days, minutes and seconds; one- or two-digit hours; a
fraction after the seconds; case-sensitive); a zone *name* is ignored and the time read in
the site's time zone; a date no layout takes leaves the page undated (Hugo then lists it as of
the year 1). :func:`hugo_time` gives Hugo's reading, or ``None``.

Each reading comes with a note when the generator's reading is not what the text seems to say
(an offset or trailing text ignored, 30 February carried into March): the dialects turn it into
a warning (FP214). Pure functions: nothing here reads files or knows about sites.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from fractions import Fraction
from typing import Any, NamedTuple


class Reading(NamedTuple):
    """A date as the generator reads it."""

    #: The instant, timezone-aware.
    when: datetime
    #: Why this reading may surprise the writer (for a warning), or None.
    note: str | None = None


# --------------------------------------------------------------------------- Jekyll: Psych

#: Psych::ScalarScanner::TIME: a plain YAML scalar Psych makes a Time of.
_PSYCH_TIME = re.compile(
    r"-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?"
    r"(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?\Z",
    re.ASCII,
)
_PSYCH_PARTS = re.compile(r"(\d+):(\d+):(\d+)(?:\.(\d*))?\s*(Z|[-+]\d+(?::\d\d)?)?", re.ASCII)


def jekyll_value(value: Any, zone: tzinfo) -> Reading | None:
    """A front matter ``date`` as Jekyll reads it: ``value`` as the YAML loader gave it (a
    string, a date, or a datetime, naive when the timestamp had no zone)."""
    if isinstance(value, datetime):
        # Jekyll reads Psych's Time again from its text (Time#to_s), which has no fraction.
        value = value.replace(microsecond=0)
        if value.tzinfo is None:
            # Psych reads a timestamp without a zone as UTC (Time.utc, then Time.at).
            return Reading(value.replace(tzinfo=UTC))
        return Reading(value)
    if isinstance(value, date):
        return Reading(datetime(value.year, value.month, value.day, tzinfo=zone))
    if isinstance(value, str):
        text = value.strip()
        if _PSYCH_TIME.match(text) and (psych := _psych_time(text)) is not None:
            return psych
        return jekyll_time(value, zone)
    return None


def _psych_time(text: str) -> Reading | None:
    """Psych's ``parse_time`` for a timestamp with a zone (``+2``, ``+020``, ``-08:00``); None
    for one without: YAML would have made a datetime of it unless it was quoted, and quoted
    text is read by ``Time.parse``."""
    split = re.search(r"[ tT]", text)
    assert split is not None  # (the caller matched _PSYCH_TIME)
    head, rest = text[: split.start()], text[split.end() :]
    found = re.match(r"(-?\d{4})-(\d{1,2})-(\d{1,2})", head)
    assert found is not None
    year, month, day = (int(p) for p in found.groups())
    parts = _PSYCH_PARTS.search(rest)
    if parts is None:
        return None
    hour, minute, second = (int(parts.group(i)) for i in (1, 2, 3))
    micro = 0  # (Jekyll reads the Time again from Time#to_s, which has no fraction)
    zone_text = parts.group(5)
    if zone_text is None:
        return None
    if zone_text == "Z":
        offset = timedelta(0)
    else:
        m = re.match(r"([+-]?\d{1,2}):?(\d{1,2})?\Z", zone_text)
        if m is None:
            return None
        hours = int(m.group(1))
        minutes = int(m.group(2) or 0)
        offset = timedelta(hours=hours, minutes=-minutes if hours < 0 else minutes)
        if zone_text.startswith("-") and hours == 0:
            offset = timedelta(minutes=minutes)  # Ruby: -0 * 3600 is 0, then += minutes
    wall = _civil(year, month, day, hour, minute, second, micro)
    if wall is None or abs(offset) >= timedelta(days=1):
        return None
    moment, carried = wall
    when = moment.replace(tzinfo=timezone(offset))
    return Reading(when, f"{carried}: Jekyll reads {when:%Y-%m-%d %H:%M:%S}" if carried else None)


# --------------------------------------------------------------------------- Jekyll: Time.parse

_ABBR_DAYS = "sun|mon|tue|wed|thu|fri|sat"
_ABBR_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_BC = r"(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?"
_I = re.IGNORECASE | re.ASCII
_A = re.ASCII


def _rx(pattern: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_NOT_DATE_CHARS = re.compile(r"(?:[^-+',./:@\w\[\]]|_)+")
_DAY = _rx(rf"\b({_ABBR_DAYS})[^-/\d\s]*")
_TIME = _rx(
    r"((?:\d+\s*:\s*\d+(?:\s*:\s*\d+(?:[,.]\d*)?)?|\d+\s*h(?:\s*\d+m?(?:\s*\d+s?)?)?)"
    r"(?:\s*[ap](?:m\b|\.m\.))?|\d+\s*[ap](?:m\b|\.m\.))"
    r"(?:\s*((?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?"
    r"|(?-i:[A-Za-z.\s]+)(?:standard|daylight)\stime\b"
    r"|(?-i:[A-Za-z]+)(?:\sdst)?\b))?"
)
_TIME_PARTS = _rx(
    r"\A(\d+)h?(?:\s*:?\s*(\d+)m?(?:\s*:?\s*(\d+)(?:[,.](\d+))?s?)?)?"
    r"(?:\s*([ap])(?:m\b|\.m\.))?"
)
_EU = _rx(
    rf"('?\d+)[^-\d\s]*\s*({_ABBR_MONTHS})[^-\d\s']*"
    rf"(?:\s*{_BC}\s*('?-?\d+(?:(?:st|nd|rd|th)\b)?))?"
)
_US = _rx(rf"\b({_ABBR_MONTHS})[^-\d\s']*\s*('?\d+)[^-\d\s']*(?:\s*,?\s*{_BC}\s*('?-?\d+))?")
_ISO = _rx(r"('?[-+]?\d+)-(\d+)-('?-?\d+)", _A)
_ISO21 = _rx(r"\b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b")
_ISO22 = _rx(r"-w-(\d)\b")
_ISO23 = _rx(r"--(\d{2})?-(\d{2})\b", _A)
_ISO24 = _rx(r"--(\d{2})(\d{2})?\b", _A)
_ISO25_NOT = _rx(r"[,.](\d{2}|\d{4})-\d{3}\b", _A)
_ISO25 = _rx(r"\b(\d{2}|\d{4})-(\d{3})\b", _A)
_ISO26_NOT = _rx(r"\d-\d{3}\b", _A)
_ISO26 = _rx(r"\b-(\d{3})\b", _A)
_JIS = _rx(r"\b([mtshr])(\d+)\.(\d+)\.(\d+)")
_VMS11 = _rx(rf"('?-?\d+)-({_ABBR_MONTHS})[^-/.]*-('?-?\d+)")
_VMS12 = _rx(rf"\b({_ABBR_MONTHS})[^-/.]*-('?-?\d+)(?:-('?-?\d+))?")
_SLA = _rx(r"('?-?\d+)/\s*('?\d+)(?:\D\s*('?-?\d+))?")
_DOT = _rx(r"('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)")
_YEAR = _rx(r"'(\d+)\b", _A)
_MON = _rx(rf"\b({_ABBR_MONTHS})\S*")
_MDAY = _rx(r"(\d+)(st|nd|rd|th)\b")
_DDD = _rx(
    r"([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?"
    r"(?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?"
)
_BCX = _rx(r"\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)")
_FRAG = _rx(r"\A\s*(\d{1,2})\s*\Z")
_ERAS = {"m": 1867, "t": 1911, "s": 1925, "h": 1988, "r": 2018}


class _Parse:
    """Ruby's ``Date._parse(text, true)``: the parts found, and the text left over."""

    def __init__(self, text: str) -> None:
        self.s = _NOT_DATE_CHARS.sub(" ", text)
        self.h: dict[str, Any] = {"_comp": True}
        self._run()

    # Each step: the first match anywhere; its text is replaced by a space (Ruby's subx).
    def _sub(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.search(self.s)
        if m is not None:
            self.s = self.s[: m.start()] + " " + self.s[m.end() :]
        return m

    def _has(self, *kinds: str) -> bool:
        s = self.s
        tests = {
            "alpha": lambda: any(c.isascii() and c.isalpha() for c in s),
            "digit": lambda: any(c in "0123456789" for c in s),
            "dash": lambda: "-" in s,
            "dot": lambda: "." in s,
            "slash": lambda: "/" in s,
        }
        return all(tests[k]() for k in kinds)

    def _run(self) -> None:
        h = self.h
        if self._has("alpha") and (m := self._sub(_DAY)):
            h["wday"] = m.group(1)
        if self._has("digit") and (m := self._sub(_TIME)):
            self._time(m)
        self._date()
        if self._has("alpha") and self._sub(_BCX):
            h["_bc"] = True
        if self._has("digit") and (m := self._sub(_FRAG)):
            n = int(m.group(1))
            if "hour" in h and "mday" not in h and 1 <= n <= 31:
                h["mday"] = n
            if "mday" in h and "hour" not in h and 0 <= n <= 24:
                h["hour"] = n
        if h.pop("_bc", False) and "year" in h:
            h["year"] = -h["year"] + 1
        if h.pop("_comp") and "year" in h and 0 <= h["year"] <= 99:
            h["year"] += 1900 if h["year"] >= 69 else 2000

    def _date(self) -> bool:
        h = self.h
        if self._has("alpha", "digit"):
            if m := self._sub(_EU):
                self._s3e(m.group(4), _mon_num(m.group(2)), m.group(1), _is_bc(m.group(3)))
                return True
            if m := self._sub(_US):
                self._s3e(m.group(4), _mon_num(m.group(1)), m.group(2), _is_bc(m.group(3)))
                return True
        if self._has("digit", "dash") and (m := self._sub(_ISO)):
            self._s3e(m.group(1), m.group(2), m.group(3), False)
            return True
        if self._has("digit", "dot") and (m := self._sub(_JIS)):
            h["year"] = int(m.group(2)) + _ERAS[m.group(1).lower()]
            h["mon"], h["mday"] = int(m.group(3)), int(m.group(4))
            return True
        if self._has("alpha", "digit", "dash"):
            if m := self._sub(_VMS11):
                self._s3e(m.group(3), _mon_num(m.group(2)), m.group(1), False)
                return True
            if m := self._sub(_VMS12):
                self._s3e(m.group(3), _mon_num(m.group(1)), m.group(2), False)
                return True
        if self._has("digit", "slash") and (m := self._sub(_SLA)):
            self._s3e(m.group(1), m.group(2), m.group(3), False)
            return True
        if self._has("digit", "dot") and (m := self._sub(_DOT)):
            self._s3e(m.group(1), m.group(2), m.group(3), False)
            return True
        if self._has("digit") and self._iso2():
            return True
        if self._has("digit") and (m := self._sub(_YEAR)):
            h["year"] = int(m.group(1))
            return True
        if self._has("alpha") and (m := self._sub(_MON)):
            h["mon"] = _mon_num(m.group(1))
            return True
        if self._has("digit") and (m := self._sub(_MDAY)):
            h["mday"] = int(m.group(1))
            return True
        if self._has("digit") and (m := self._sub(_DDD)):
            self._ddd(m)
            return True
        return False

    def _iso2(self) -> bool:
        h = self.h
        if m := self._sub(_ISO21):
            h["cweek"] = int(m.group(2))
            return True
        if m := self._sub(_ISO22):
            h["cwday"] = int(m.group(1))
            return True
        if m := self._sub(_ISO23):
            if m.group(1) is not None:
                h["mon"] = int(m.group(1))
            h["mday"] = int(m.group(2))
            return True
        if m := self._sub(_ISO24):
            h["mon"] = int(m.group(1))
            if m.group(2) is not None:
                h["mday"] = int(m.group(2))
            return True
        if not _ISO25_NOT.search(self.s) and (m := self._sub(_ISO25)):
            h["year"], h["yday"] = int(m.group(1)), int(m.group(2))
            return True
        if not _ISO26_NOT.search(self.s) and (m := self._sub(_ISO26)):
            h["yday"] = int(m.group(1))
            return True
        return False

    def _time(self, m: re.Match[str]) -> None:
        h = self.h
        if m.group(2) is not None:
            h["zone"] = m.group(2)
        parts = _TIME_PARTS.match(m.group(1))
        if parts is None:
            return
        hour = int(parts.group(1))
        if parts.group(5) is not None:
            hour = hour % 12 + (12 if parts.group(5).lower() == "p" else 0)
        h["hour"] = hour
        if parts.group(2) is not None:
            h["min"] = int(parts.group(2))
        if parts.group(3) is not None:
            h["sec"] = int(parts.group(3))
        if parts.group(4) is not None:
            h["sec_fraction"] = Fraction(int(parts.group(4)), 10 ** len(parts.group(4)))

    def _s3e(self, y: str | None, m: str | int | None, d: str | None, bc: bool) -> None:
        """date_parse.c's ``s3e``: which of three numbers is the year, month and day."""
        h = self.h
        m = "" if m is None else str(m)
        ms: str | None = m
        comp: bool | None = None
        if y is not None and d is None:
            y, ms, d = None, y, ms
        if y is None:
            if d is not None and len(d) > 2:
                y, d = d, None
            if d is not None and d.startswith("'"):
                y, d = d, None
        if y is not None:
            start = _first_sign_or_digit(y)
            if start is not None:
                end = start + (1 if y[start] in "+-" else 0)
                end += _digit_span(y, end)
                if end < len(y):
                    digits = y[start:end]
                    y, d = d, digits
        if ms is not None and (ms.startswith("'") or len(ms) > 2):
            y, ms, d = ms, d, y
        if d is not None and (d.startswith("'") or len(d) > 2):
            y, d = d, y
        if y is not None:
            start = _first_sign_or_digit(y)
            if start is not None:
                sign = y[start] in "+-"
                if sign:
                    comp = False
                digits_at = start + (1 if sign else 0)
                length = _digit_span(y, digits_at)
                if length > 2:
                    comp = False
                h["year"] = _to_int(y[start : digits_at + length])
        if bc:
            h["_bc"] = True
        for key, text in (("mon", ms), ("mday", d)):
            if text is not None:
                at = next((i for i, c in enumerate(text) if c in "0123456789"), None)
                if at is not None:
                    h[key] = int(text[at : at + _digit_span(text, at)])
        if comp is not None:
            h["_comp"] = comp

    # Longer than 60 lines on purpose: a line-by-line port of date_parse.c's parse_ddd_cb,
    # kept in its shape so that it can be checked against Ruby's source.
    def _ddd(self, m: re.Match[str]) -> None:
        h = self.h
        s1, s2, s3, s4, s5 = m.groups()
        negative = s1 == "-"

        def n(text: str, start: int, width: int) -> int:
            return int(text[start : start + width])

        def year(value: int) -> int:
            return -value if negative else value

        timed = s3 is None and s4 is not None
        l2 = len(s2)
        if l2 == 2:
            h["sec" if timed else "mday"] = n(s2, 0, 2)
        elif l2 == 4:
            if timed:
                h["sec"], h["min"] = n(s2, 2, 2), n(s2, 0, 2)
            else:
                h["mon"], h["mday"] = n(s2, 0, 2), n(s2, 2, 2)
        elif l2 == 6:
            if timed:
                h["sec"], h["min"], h["hour"] = n(s2, 4, 2), n(s2, 2, 2), n(s2, 0, 2)
            else:
                h["year"], h["mon"], h["mday"] = year(n(s2, 0, 2)), n(s2, 2, 2), n(s2, 4, 2)
        elif l2 in (8, 10, 12, 14):
            if timed:
                h["sec"], h["min"] = n(s2, l2 - 2, 2), n(s2, l2 - 4, 2)
                h["hour"], h["mday"] = n(s2, l2 - 6, 2), n(s2, l2 - 8, 2)
                if l2 >= 10:
                    h["mon"] = n(s2, l2 - 10, 2)
                if l2 == 12:
                    h["year"] = year(n(s2, 0, 2))
                if l2 == 14:
                    h["year"] = year(n(s2, 0, 4))
                    h["_comp"] = False
            else:
                h["year"], h["mon"], h["mday"] = year(n(s2, 0, 4)), n(s2, 4, 2), n(s2, 6, 2)
                if l2 >= 10:
                    h["hour"] = n(s2, 8, 2)
                if l2 >= 12:
                    h["min"] = n(s2, 10, 2)
                if l2 >= 14:
                    h["sec"] = n(s2, 12, 2)
                h["_comp"] = False
        elif l2 == 3:
            if timed:
                h["sec"], h["min"] = n(s2, 1, 2), n(s2, 0, 1)
            else:
                h["yday"] = n(s2, 0, 3)
        elif l2 == 5:
            if timed:
                h["sec"], h["min"], h["hour"] = n(s2, 3, 2), n(s2, 1, 2), n(s2, 0, 1)
            else:
                h["year"], h["yday"] = year(n(s2, 0, 2)), n(s2, 2, 3)
        elif l2 == 7:
            if timed:
                h["sec"], h["min"] = n(s2, 5, 2), n(s2, 3, 2)
                h["hour"], h["mday"] = n(s2, 1, 2), n(s2, 0, 1)
            else:
                h["year"], h["yday"] = year(n(s2, 0, 4)), n(s2, 4, 3)
        if s3 is not None:
            l3 = len(s3)
            if l3 in (2, 4, 6):
                if s4 is not None:
                    h["sec"] = n(s3, l3 - 2, 2)
                    if l3 >= 4:
                        h["min"] = n(s3, l3 - 4, 2)
                    if l3 >= 6:
                        h["hour"] = n(s3, l3 - 6, 2)
                else:
                    h["hour"] = n(s3, 0, 2)
                    if l3 >= 4:
                        h["min"] = n(s3, 2, 2)
                    if l3 >= 6:
                        h["sec"] = n(s3, 4, 2)
        if s4 is not None:
            h["sec_fraction"] = Fraction(int(s4 or "0"), 10 ** len(s4))
        if s5 is not None:
            h["zone"] = s5
            if s5.startswith("["):
                inner = s5[1:-1]
                h["zone"] = inner.split(":", 1)[1] if ":" in inner else inner


def _first_sign_or_digit(text: str) -> int | None:
    return next((i for i, c in enumerate(text) if c in "+-0123456789"), None)


def _digit_span(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in "0123456789":
        end += 1
    return end - start


def _to_int(text: str) -> int:
    """Ruby's ``rb_cstr_to_inum(s, 10, 0)``: a sign alone is 0."""
    return int(text) if text.lstrip("+-") else 0


def _mon_num(name: str) -> int:
    return _ABBR_MONTHS.split("|").index(name[:3].lower()) + 1


def _is_bc(era: str | None) -> bool:
    return era is not None and era[0] in "bB"


#: Ruby's Time::ZoneOffset (lib/time.rb), in hours.
_ZONE_OFFSET = {
    "UTC": 0, "Z": 0, "UT": 0, "GMT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "K": 10, "L": 11,
    "M": 12, "N": -1, "O": -2, "P": -3, "Q": -4, "R": -5, "S": -6, "T": -7, "U": -8, "V": -9,
    "W": -10, "X": -11, "Y": -12,
}  # fmt: skip
_NUMERIC_ZONE = re.compile(r"([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?\Z", re.ASCII)


def _zone_offset(zone: str, year: int, local: tzinfo) -> int | None:
    """Ruby's ``Time.zone_offset`` in seconds: numeric offsets, the names of its table, and
    the local zone's own abbreviations; ``None`` for any other (Time.parse then ignores it)."""
    zone = zone.upper()
    if m := _NUMERIC_ZONE.match(zone):
        seconds = (int(m.group(2)) * 60 + int(m.group(4))) * 60 + int(m.group(5) or 0)
        return -seconds if m.group(1) == "-" else seconds
    if re.fullmatch(r"[+-]\d\d", zone, re.ASCII):
        return int(zone) * 3600
    if zone in _ZONE_OFFSET:
        return _ZONE_OFFSET[zone] * 3600
    if 1 <= year <= 9999:
        for month in (1, 7):
            moment = datetime(year, month, 1, tzinfo=local)
            name = moment.tzname()
            if name is not None and name.upper() == zone:
                offset = moment.utcoffset()
                return int(offset.total_seconds()) if offset is not None else None
    return None


_TOO_LONG = 128  # Date._parse's default limit (Ruby 3.1): longer text is an ArgumentError


def jekyll_time(text: str, zone: tzinfo) -> Reading | None:
    """``text`` as Ruby's ``Time.parse`` reads it, in ``zone`` (Jekyll's ``timezone``), or
    ``None`` where Ruby raises ArgumentError (Jekyll: "Invalid date") or where the reading has
    no year (Ruby takes the year, or more, from the clock: the build's day)."""
    if len(text) > _TOO_LONG:
        return None
    parsed = _Parse(text)
    h = parsed.h
    year = h.get("year")
    if year is None:
        return None
    if "yday" in h:
        if not 1 <= h["yday"] <= 366 or not 1 <= year <= 9999:
            return None
        start = date(year, 1, 1) + timedelta(days=h["yday"] - 1)
        if start.year != year:
            return None
        month, day = start.month, start.day
    else:
        month, day = h.get("mon", 1), h.get("mday", 1)
    fraction = h.get("sec_fraction")
    micro = int(fraction * 1_000_000) if fraction is not None else 0
    hour, minute, second = h.get("hour", 0), h.get("min", 0), h.get("sec", 0)
    zone_text = h.get("zone")
    offset = _zone_offset(zone_text, year, zone) if zone_text is not None else None
    notes = []
    if offset is None:
        wall = _civil(year, month, day, hour, minute, second, micro)
        if wall is None:
            return None
        when = ruby_local(wall[0], zone)
        if zone_text is not None:
            notes.append(
                f"Jekyll ignores the zone {zone_text.strip()!r} (the site's time zone is used)"
            )
    else:
        if abs(offset) >= 86400:
            return None
        utc = _apply_offset(year, month, day, hour, minute, second, offset)
        wall = _civil(*utc, micro) if utc is not None else None
        if wall is None:
            return None
        fixed = timezone(timedelta(seconds=offset))
        when = wall[0].replace(tzinfo=UTC).astimezone(fixed)
    if wall[1]:
        notes.insert(0, f"{wall[1]}: Jekyll reads {when:%Y-%m-%d %H:%M:%S}")
    leftover = " ".join(parsed.s.split())
    if any(c in "0123456789" for c in leftover):  # (a word left over, "at", "T", is no loss)
        notes.append(f"Jekyll ignores {leftover!r}")
    return Reading(when, "; ".join(notes) or None)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int | None:
    """Ruby's ``Time.month_days`` (an array index: month 0 is December, 13 is nil)."""
    if not -11 <= month - 1 <= 11:
        return None
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    return 29 if leap and (month - 1) % 12 == 1 else _MONTH_DAYS[month - 1]


def _apply_offset(
    year: int, mon: int, day: int, hour: int, minute: int, sec: int, off: int
) -> tuple[int, int, int, int, int, int] | None:
    """Ruby's ``Time.apply_offset``: the UTC clock for a clock at offset ``off`` (seconds),
    carrying as Ruby carries (only the parts the offset has, before Time.utc checks them)."""
    sign = -1 if off < 0 else 1
    off = abs(off)
    off, o = divmod(off, 60)
    if o:
        sec -= sign * o
        o, sec = divmod(sec, 60)
        off -= sign * o
    off, o = divmod(off, 60)
    if o:
        minute -= sign * o
        o, minute = divmod(minute, 60)
        off -= sign * o
    off, o = divmod(off, 24)
    if o:
        hour -= sign * o
        o, hour = divmod(hour, 24)
        off -= sign * o
    if off:
        day -= sign * off
        if sign < 0:
            days = _month_days(year, mon)
            if days is not None and days < day:
                mon, day = mon + 1, 1
                if mon > 12:
                    mon, year = 1, year + 1
        elif day < 1:
            mon -= 1
            if mon < 1:
                year, mon = year - 1, 12
            days = _month_days(year, mon)
            if days is None:
                return None
            day = days
    return year, mon, day, hour, minute, sec


def ruby_local(moment: datetime, zone: tzinfo) -> datetime:
    """A wall clock time in ``zone`` as Ruby's ``Time.local`` places it: of a time that
    happens twice (clocks going back) the second; of one that never happens (clocks going
    forward) the instant the clock before the change would show it."""
    first, second = moment.replace(tzinfo=zone), moment.replace(tzinfo=zone, fold=1)
    return max(first, second, key=lambda t: t.astimezone(UTC))


def _civil(
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int
) -> tuple[datetime, str | None] | None:
    """Ruby's ``Time.utc``/``Time.local`` arguments as a naive datetime: the ranges Ruby
    takes (day up to 31, hour 24 at :00, second 60), with what overflows carried over as Ruby
    carries it, and what was carried; ``None`` where Ruby raises ArgumentError."""
    if not (1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour <= 24 and 0 <= minute <= 59):
        return None
    if not 0 <= second <= 60 or (hour == 24 and (minute or second or micro)):
        return None
    if not 1 <= year <= 9999:
        return None
    last = calendar.monthrange(year, month)[1]
    base = datetime(year, month, min(day, last), min(hour, 23), minute, min(second, 59))
    extra = timedelta(days=day - min(day, last), hours=hour - min(hour, 23))
    extra += timedelta(seconds=second - min(second, 59), microseconds=micro)
    carried = None
    if day > last:
        carried = f"{calendar.month_name[month]} has no day {day}"
    elif hour == 24:
        carried = "24:00 is the end of the day"
    elif second == 60:
        carried = "second 60 is the next minute"
    try:
        return base + extra, carried
    except OverflowError:
        return None


# --------------------------------------------------------------------------- Hugo

_GO_MONTHS = [m.lower() for m in calendar.month_abbr[1:]]
_GO_DAYS = [d.lower() for d in calendar.day_abbr]
_GO_LONG_DAYS = [d.lower() for d in calendar.day_name]

#: spf13/cast 1.5's layouts, in its order; True for those with a zone *name* only (cast
#: then reads the clock time in the site's zone, whatever the name).
_HUGO_LAYOUTS: tuple[tuple[str, bool], ...] = (
    ("2006-01-02T15:04:05Z07:00", False),  # RFC 3339
    ("2006-01-02T15:04:05", True),
    ("Mon, 02 Jan 2006 15:04:05 -0700", False),  # RFC 1123Z
    ("Mon, 02 Jan 2006 15:04:05 MST", True),  # RFC 1123
    ("02 Jan 06 15:04 -0700", False),  # RFC 822Z
    ("02 Jan 06 15:04 MST", True),  # RFC 822
    ("Monday, 02-Jan-06 15:04:05 MST", True),  # RFC 850
    ("2006-01-02 15:04:05.999999999 -0700 MST", False),  # Go's Time.String()
    ("2006-01-02T15:04:05-0700", False),
    ("2006-01-02 15:04:05Z0700", False),
    ("2006-01-02 15:04:05", True),
    ("Mon Jan _2 15:04:05 2006", True),  # ANSIC
    ("Mon Jan _2 15:04:05 MST 2006", True),  # UnixDate
    ("Mon Jan 02 15:04:05 -0700 2006", False),  # RubyDate
    ("2006-01-02 15:04:05Z07:00", False),
    ("2006-01-02", True),
    ("02 Jan 2006", True),
    ("2006-01-02 15:04:05 -07:00", False),
    ("2006-01-02 15:04:05 -0700", False),
)
_GO_TOKENS = re.compile(
    r"2006|01|02|_2|15|04|05|\.999999999|Monday|Mon|Jan|06|MST|-07:00|-0700|Z07:00|Z0700"
)


class _GoError(Exception):
    pass


def _go_num(value: str, fixed: bool) -> tuple[int, str]:
    """Go's ``getnum``: two digits, or one where the layout is not fixed."""
    if not value[:1].isdigit() or not value[:1].isascii():
        raise _GoError
    if not value[1:2].isdigit() or not value[1:2].isascii():
        if fixed:
            raise _GoError
        return int(value[0]), value[1:]
    return int(value[:2]), value[2:]


def _go_lookup(names: list[str], value: str) -> tuple[int, str]:
    for i, name in enumerate(names):
        if value[: len(name)].lower() == name:
            return i, value[len(name) :]
    raise _GoError


# Longer than 60 lines on purpose: Go's time.Parse loop (src/time/format.go) for the layouts
# cast uses, kept in one piece so that it can be checked against Go's source.
def _go_parse(layout: str, value: str) -> tuple[datetime, int | None, str | None]:
    """Go's ``time.Parse`` for these layouts: the wall clock, the offset in seconds (0 for
    ``Z`` or the name ``UTC``, which wins over a number, as in Go), and the zone name given."""
    year = month = day = None
    hour = minute = second = micro = 0
    offset: int | None = None
    utc = False
    named: str | None = None
    pos = 0
    for token in _GO_TOKENS.finditer(layout):
        value = _go_skip(value, layout[pos : token.start()])
        pos = token.end()
        std = token.group()
        if std == "2006":
            if len(value) < 4 or not value[:4].isdigit() or not value[:4].isascii():
                raise _GoError
            year, value = int(value[:4]), value[4:]
        elif std == "06":
            two, value = _go_num(value, True)
            year = two + (1900 if two >= 69 else 2000)
        elif std == "01":
            month, value = _go_num(value, True)
        elif std == "Jan":
            index, value = _go_lookup(_GO_MONTHS, value)
            month = index + 1
        elif std in ("02", "_2"):
            if std == "_2" and value.startswith(" "):
                value = value[1:]
            day, value = _go_num(value, std == "02")
        elif std == "15":
            hour, value = _go_num(value, False)
        elif std in ("04", "05"):
            number, value = _go_num(value, True)
            if std == "04":
                minute = number
            else:
                second = number
                nxt = _GO_TOKENS.match(layout, pos)
                if (
                    not (nxt and nxt.group() == ".999999999")
                    and len(value) >= 2
                    and value[0] in ".,"
                    and value[1].isdigit()
                ):
                    digits = re.match(r"[.,](\d+)", value, re.ASCII)
                    if digits is None:
                        raise _GoError
                    micro = int(digits.group(1)[:6].ljust(6, "0"))
                    value = value[digits.end() :]
        elif std == ".999999999":  # (Go takes nine digits at most here)
            digits = re.match(r"[.,](\d{1,9})", value, re.ASCII)
            if digits is not None:
                micro = int(digits.group(1)[:6].ljust(6, "0"))
                value = value[digits.end() :]
        elif std == "Monday":
            _, value = _go_lookup(_GO_LONG_DAYS, value)
        elif std == "Mon":
            _, value = _go_lookup(_GO_DAYS, value)
        elif std == "MST":
            if value.startswith("UTC"):
                named, value, utc = "UTC", value[3:], True
            else:
                length = _go_zone_name(value)
                if not length:
                    raise _GoError
                named, value = value[:length], value[length:]
        else:  # numeric offsets
            if std.startswith("Z") and value.startswith("Z"):
                utc, value = True, value[1:]
                continue
            colon = ":" in std
            pattern = r"([+-])(\d\d):(\d\d)" if colon else r"([+-])(\d\d)(\d\d)"
            m = re.match(pattern, value, re.ASCII)
            if m is None:
                raise _GoError
            hours, minutes = int(m.group(2)), int(m.group(3))
            if hours > 24 or minutes > 60:
                raise _GoError
            offset = (hours * 60 + minutes) * 60 * (-1 if m.group(1) == "-" else 1)
            value = value[m.end() :]
    if _go_skip(value, layout[pos:]):
        raise _GoError  # Go: "extra text"
    if year is None or month is None or day is None:
        raise _GoError
    if not (1 <= month <= 12 and 0 <= hour <= 23 and minute <= 59 and second <= 59):
        raise _GoError
    if not 1 <= day <= calendar.monthrange(max(year, 1), month)[1] or year < 1:
        raise _GoError
    return datetime(year, month, day, hour, minute, second, micro), 0 if utc else offset, named


def _go_local(moment: datetime, zone: tzinfo) -> datetime:
    """A wall clock time in ``zone`` as Go's ``time.Date`` places it: of a time that happens
    twice the first; of one that never happens the instant the clock after the change would
    show it."""
    first, second = moment.replace(tzinfo=zone), moment.replace(tzinfo=zone, fold=1)
    return min(first, second, key=lambda t: t.astimezone(UTC))


def _go_skip(value: str, literal: str) -> str:
    """Go's ``skip``: the layout's literal text; a space in it takes any run of spaces."""
    while literal:
        if literal[0] == " ":
            if value and value[0] != " ":
                raise _GoError
            literal, value = literal.lstrip(" "), value.lstrip(" ")
            continue
        if not value or value[0] != literal[0]:
            raise _GoError
        literal, value = literal[1:], value[1:]
    return value


def _go_zone_name(value: str) -> int:
    """Go's ``parseTimeZone``: the length of the zone name ``value`` starts with, or 0."""
    if len(value) < 3:
        return 0
    if value[:4] in ("ChST", "MeST"):
        return 4
    if value.startswith("GMT"):
        return 3 + _go_signed_offset(value[3:]) if len(value) > 3 else 3
    if value[0] in "+-":
        return _go_signed_offset(value)
    upper = len(re.match(r"[A-Z]{0,6}", value).group())  # type: ignore[union-attr]
    if upper == 3 or (upper == 4 and (value[3] == "T" or value[:4] == "WITA")):
        return upper
    return 5 if upper == 5 and value[4] == "T" else 0


def _go_signed_offset(value: str) -> int:
    """Go's ``parseSignedOffset``: ``+07`` and the like (hours up to 23), its length or 0."""
    m = re.match(r"[+-](\d+)", value, re.ASCII)
    if m is None or int(m.group(1)) > 23:
        return 0
    return m.end()


def hugo_time(text: str, zone: tzinfo) -> Reading | None:
    """``text`` as Hugo 0.111 reads a front matter date (spf13/cast's layouts, Go's
    ``time.Parse``), in ``zone`` (Hugo's ``timeZone``) where it gives no offset; ``None``
    where Hugo cannot read it (and leaves the page undated)."""
    for layout, zone_name_only in _HUGO_LAYOUTS:
        try:
            wall, offset, named = _go_parse(layout, text)
        except _GoError:
            continue
        if zone_name_only or offset is None:
            note = None
            if named is not None:
                note = f"Hugo ignores the zone name {named!r} and reads the site's time zone"
            return Reading(_go_local(wall, zone), note)
        return Reading(wall.replace(tzinfo=timezone(timedelta(seconds=offset))))
    return None


def hugo_value(value: Any, zone: tzinfo) -> Reading | None:
    """A front matter date as Hugo reads it: ``value`` as the front matter loader gave it
    (text; a date or datetime from YAML or TOML, naive when it had no zone: Hugo reads those
    in its ``timeZone``; a number: a Unix time)."""
    if isinstance(value, datetime):
        return Reading(value if value.tzinfo is not None else _go_local(value, zone))
    if isinstance(value, date):
        return Reading(_go_local(datetime(value.year, value.month, value.day), zone))
    if isinstance(value, str):
        return hugo_time(value, zone)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:  # cast: a number is a Unix time
            return Reading(datetime.fromtimestamp(int(value), UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None


#: The date in front of a file name: 2025-05-01-title.md.
_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-", re.ASCII)


def date_from_name(stem: str, zone: tzinfo) -> datetime | None:
    """The date a file named ``YYYY-MM-DD-title`` carries, at midnight in ``zone`` (Jekyll's
    and Zola's rule), or None."""
    found = _NAME_DATE.match(stem)
    if found is None:
        return None
    try:
        year, month, day = (int(part) for part in found.groups())
        return datetime(year, month, day, tzinfo=zone)
    except ValueError:
        return None


def hugo_name_date(name: str, zone: tzinfo) -> tuple[datetime, str] | None:
    """Hugo's ``:filename`` date handler: the first ten characters of ``name`` (a file's name
    without its extension, or a page bundle's folder) read as a Hugo date (2025-05-01), and
    the rest, trimmed of spaces, ``-`` and ``_``, as the page's slug; None without a date."""
    if len(name) < 10:
        return None
    reading = hugo_time(name[:10], zone)
    if reading is None:
        return None
    return reading.when, name[10:].strip(" -_")
