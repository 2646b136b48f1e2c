"""Dates as Jekyll (Ruby's Time.parse) and Hugo (0.111) read them, checked against the real
tools: one ``ruby`` process reads a batch of strings, one ``hugo`` build dates a page per string.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedpub.dialects._dates import hugo_time, hugo_value, jekyll_time, jekyll_value

from .conftest import required_tool

#: What real front matter holds (the first three from real Jekyll sites that feedpub refused).
JEKYLL_TABLE = [
    "2023-01-29 18:30:22 2023 -0800",
    "2020-12-08 8:34 +0200",
    "2021-03-01 9:00 +020",
    "2020-12-8",
    "2020-1-5",
    "2020-12-08",
    "2020-02-30",
    "2020-02-31 10:00",
    "2020-02-32",
    "2020-13-01",
    "Jan 5 2020",
    "January 5, 2020",
    "5 January 2020",
    "Sunday, January 5th, 2020 at 10:00",
    "Mon, 05 Jan 2020 10:00:00 +0000",
    "Mon, 05 Jan 2020 10:00:00 GMT",
    "Tue, 5 Jan 2021 09:12 PST",
    "2020-01-05T10:00:00Z",
    "2020-01-05T10:00:00.123456+02:00",
    "2020-01-05T10:00:00.1234567-03:30",
    "2020-01-05 10:00:00 UTC",
    "2020-01-05 10:00 EST",
    "2020-01-05 10:00 EDT",
    "2020-01-05 10:00 CET",
    "2020-07-05 10:00 CEST",
    "2020-01-05 10:00 PM",
    "2020-01-05 10pm",
    "2020-01-05 12:30 am",
    "2020-01-05 24:00",
    "2020-01-05 24:01",
    "2020-01-05 25:00",
    "2020-01-05 10:60",
    "2020-01-05 10:00:60",
    "2020/01/05",
    "2020/1/5 10:00",
    "05.01.2020",
    "20200105",
    "20200105T103000",
    "2020-01-05 10:00 +05:30",
    "2020-01-05 10:00 -0000",
    "2020-01-05 10:00:00 +2",
    "2020-01-05 10:00:00 +02",
    "2020-01-05 10:00 +0200 (CEST)",
    "2020-01-05 10:00:00.5",
    "2020-1-5 1:2:3",
    "'20",
    "2020-032",
    "2020-01-05 10:00:00 +0200 extra 12",
    "  2020-01-05  ",
    "2020-01-05 10:00:00 -08:00 America/Los_Angeles",
    "1999-12-31 23:59:59 +1400",
    "2020-03-08 02:30",  # a time that does not exist in New York (clocks go forward)
    "2020-11-01 01:30",  # one that happens twice there
    "2020-01-05 10:00 " + "x" * 130,
]

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]

_RUBY = """
require "time"
STDIN.each_line do |line|
  begin
    puts Time.parse(line.chomp).utc.strftime("%Y-%m-%dT%H:%M:%S.%6N")
  rescue ArgumentError, RangeError
    puts "ERR"
  end
end
"""


def _ruby_times(texts: list[str], zone: str) -> list[str]:
    ruby = required_tool("ruby", "ruby", "the Time.parse comparison of Jekyll dates")
    done = subprocess.run(
        [ruby, "-e", _RUBY],
        input="".join(f"{t}\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": zone},
    )
    return done.stdout.splitlines()


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return "ERR"
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _compare_with_ruby(texts: list[str], zone: str) -> None:
    theirs = _ruby_times(texts, zone)
    assert len(theirs) == len(texts)
    ours = [jekyll_time(text, ZoneInfo(zone)) for text in texts]
    differ = [
        (text, ruby, _utc(mine.when if mine else None))
        for text, ruby, mine in zip(texts, theirs, ours, strict=True)
        if ruby != _utc(mine.when if mine else None)
    ]
    assert not differ, f"TZ={zone}: (text, Ruby, feedpub) {differ}"


@pytest.mark.parametrize("zone", ZONES)
def test_jekyll_time_reads_real_front_matter_as_ruby_does(zone: str) -> None:
    _compare_with_ruby(JEKYLL_TABLE, zone)


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LONG = ["January", "February", "March", "April", "May", "June", "July", "August"]
_LONG += ["September", "October", "November", "December"]
_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "Sunday"]


@st.composite
def _numbers(draw: st.DrawFn) -> tuple[int, int, int, bool]:
    year = draw(st.integers(1970, 2037))
    month = draw(st.integers(1, 12) | st.integers(0, 13))
    day = draw(st.integers(1, 28) | st.integers(0, 32))
    return year, month, day, draw(st.booleans())


@st.composite
def ruby_dates(draw: st.DrawFn) -> str:
    """Front matter dates as people write them: numeric or with month names, 1 or 2 digits,
    times with or without seconds, fractions, am/pm, offsets and zone names, extra text."""
    year, month, day, padded = draw(_numbers())
    m = f"{month:02d}" if padded else str(month)
    d = f"{day:02d}" if padded else str(day)
    name = (_MONTHS + _LONG)[(month - 1) % 12 + draw(st.sampled_from([0, 12]))]
    form = draw(st.sampled_from(["iso", "iso", "iso", "slash", "dot", "us", "eu", "rfc"]))
    text = {
        "iso": f"{year}-{m}-{d}",
        "slash": f"{year}/{m}/{d}",
        "dot": f"{d}.{m}.{year}",
        "us": f"{name} {d}, {year}",
        "eu": f"{d} {name} {year}",
        "rfc": f"{draw(st.sampled_from(_DAYS))}, {d} {name} {year}",
    }[form]
    if draw(st.booleans()):
        hour = draw(st.integers(0, 23) | st.integers(0, 25))
        minute = draw(st.integers(0, 59) | st.integers(0, 60))
        clock = f"{hour:02d}" if draw(st.booleans()) else str(hour)
        clock += f":{minute:02d}"
        if draw(st.booleans()):
            clock += f":{draw(st.integers(0, 60)):02d}"
            if draw(st.booleans()):
                clock += "." + draw(st.text("0123456789", min_size=1, max_size=9))
        if draw(st.integers(0, 5)) == 0:
            clock += draw(st.sampled_from([" am", " pm", "PM", " a.m."]))
        separator = "T" if form == "iso" and draw(st.booleans()) else " "
        text += separator + clock
        zone = draw(
            st.sampled_from(["", "", "", "Z", " Z", " UTC", " GMT", " EST", " PDT", " CET"])
            | st.sampled_from([" CEST", " IST", " +020", " +2", " -8", " foo"])
            | st.builds(
                lambda sign, h, mm, colon, space: f"{space}{sign}{h:02d}{colon}{mm:02d}",
                st.sampled_from("+-"),
                st.integers(0, 14),
                st.sampled_from([0, 30, 45]),
                st.sampled_from(["", ":"]),
                st.sampled_from([" ", ""]),
            )
        )
        text += zone
    text += draw(st.sampled_from(["", "", "", "", " 2023", " (CEST)", " -0800", " at noon"]))
    return text


@pytest.mark.parametrize("zone", ZONES)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ruby_dates(), min_size=60, max_size=60))
def test_jekyll_time_agrees_with_ruby_on_generated_dates(zone: str, texts: list[str]) -> None:
    _compare_with_ruby(texts, zone)


def test_jekyll_time_notes_what_ruby_ignores() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    plain = jekyll_time("2020-12-08 8:34 +0200", berlin)
    assert plain is not None and plain.note is None
    assert plain.when == datetime(2020, 12, 8, 6, 34, tzinfo=UTC)
    trailing = jekyll_time("2023-01-29 18:30:22 2023 -0800", berlin)
    assert trailing is not None and trailing.note == "Jekyll ignores '2023 -0800'"
    assert trailing.when == datetime(2023, 1, 29, 18, 30, 22, tzinfo=berlin)
    offset = jekyll_time("2021-03-01 9:00 +020", berlin)
    assert offset is not None and offset.when == datetime(2021, 3, 1, 9, tzinfo=berlin)
    assert offset.note is not None and "'+020'" in offset.note
    carried = jekyll_time("2021-02-30", berlin)
    assert carried is not None and carried.when == datetime(2021, 3, 2, tzinfo=berlin)
    assert carried.note == "February has no day 30: Jekyll reads 2021-03-02 00:00:00"
    assert jekyll_time("2020-02-32", berlin) is None
    assert jekyll_time("10:00", berlin) is None  # Ruby takes the date from the clock


def test_jekyll_value_reads_yaml_timestamps_as_psych_does() -> None:
    """Psych makes a Time of a plain timestamp: UTC when it has no zone, its own offset rule
    (``+020`` is +02:00) when it has one; Time.parse reads quoted text in the site's zone."""
    berlin = ZoneInfo("Europe/Berlin")
    naive = jekyll_value(datetime(2020, 1, 5, 10), berlin)
    assert naive is not None and naive.when == datetime(2020, 1, 5, 10, tzinfo=UTC)
    odd = jekyll_value("2021-03-01 09:00:00 +020", berlin)
    assert odd is not None and odd.when == datetime(2021, 3, 1, 7, tzinfo=UTC)
    quoted = jekyll_value("2020-01-05 10:00:00", berlin)
    assert quoted is not None and quoted.when == datetime(2020, 1, 5, 10, tzinfo=berlin)
    day = jekyll_value(datetime(2020, 1, 5).date(), berlin)
    assert day is not None and day.when == datetime(2020, 1, 5, tzinfo=berlin)


def test_psych_reads_timestamps_as_jekyll_value_says() -> None:
    ruby = required_tool("ruby", "ruby", "the Psych comparison of Jekyll dates")
    script = (
        'require "yaml"; require "time"; '
        "d = YAML.safe_load(STDIN.read, permitted_classes: [Date, Time]); "
        'd.each_value { |v| puts Time.parse(v.to_s).utc.strftime("%Y-%m-%dT%H:%M:%S.%6N") }'
    )
    values = {
        "a": "2020-01-05 10:00:00",
        "b": "2021-03-01 09:00:00 +020",
        "c": "2020-01-05 10:00:00.25 -8",
        "d": "2020-12-8",
        "e": "2020-01-05t10:00:00Z",
    }
    text = "".join(f"{k}: {v}\n" for k, v in values.items())
    import yaml

    loaded = yaml.safe_load(text)
    for zone in ZONES:
        theirs = subprocess.run(
            [ruby, "-e", script],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "TZ": zone},
        ).stdout.splitlines()
        ours = [jekyll_value(loaded[k], ZoneInfo(zone)) for k in values]
        assert [_utc(r.when if r else None) for r in ours] == theirs, zone


# --------------------------------------------------------------------------- Hugo

HUGO_TABLE = [
    "2020-12-8",
    "2020-12-08",
    "2020-1-5 10:00:00",
    "2020-01-05 9:00:00",
    "2020-01-05 10:00:00.123",
    "2020-01-05T10:00:00+02:00",
    "2020-01-05T10:00:00.123456789-03:30",
    "2020-01-05T10:00:00",
    "2020-01-05T10:00:00Z",
    "2020-01-05t10:00:00Z",
    "2020-01-05T10:00:00-0700",
    "2020-01-05 10:00:00 +0200",
    "2020-01-05 10:00:00 +02:00",
    "2020-01-05 10:00:00Z",
    "2020-01-05 10:00:00+0200",
    "2020-01-05 10:00:00+02:00",
    "2020-01-05 10:00 +0200",
    "2020-01-05  10:00:00",
    "2020-02-30",
    "2020-01-05 24:00:00",
    "2020-01-05 10:00:00 CET",
    "2020-01-05 10:00:00 -0700 PST",
    "2020-01-05 10:00:00.5 +0100 CET",
    "2020-01-05 10:00:00 +0200 UTC",
    "Sun, 05 Jan 2020 10:00:00 +0000",
    "Sun, 05 Jan 2020 10:00:00 GMT",
    "Sun, 05 Jan 2020 10:00:00 UTC",
    "Sun, 5 Jan 2020 10:00:00 +0000",
    "05 Jan 20 10:00 +0100",
    "05 Jan 20 10:00 EST",
    "Sunday, 05-Jan-20 10:00:00 UTC",
    "Sun Jan  5 10:00:00 2020",
    "Sun Jan 5 10:00:00 2020",
    "Sun Jan  5 10:00:00 PST 2020",
    "Sun Jan 05 10:00:00 -0800 2020",
    "05 Jan 2020",
    "5 Jan 2020",
    "05 jan 2020",
    "January 5, 2020",
    "2020-01-05 10:00",
    " 2020-01-05",
    "2020-01-05 ",
    "2020-03-08 02:30:00",  # a time that does not exist in New York (clocks go forward)
    "2020-11-01 01:30:00",  # one that happens twice there
]


def _hugo_dates(texts: list[str], zone: str, where: Path) -> list[str]:
    hugo = required_tool("hugo", "hugo", "the comparison of Hugo dates")
    site = where / "site"
    (site / "content" / "posts").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "config.toml").write_text(
        f'baseURL = "https://example.org/"\ntitle = "t"\ntimeZone = "{zone}"\n'
        '[outputs]\nhome = ["JSON"]\n',
        encoding="utf-8",
    )
    (site / "layouts" / "_default" / "list.json").write_text(
        "{{ range .Site.RegularPages }}{{ .File.BaseFileName }}|"
        '{{ .Date.UTC.Format "2006-01-02T15:04:05.000000" }}\n{{ end }}',
        encoding="utf-8",
    )
    for i, text in enumerate(texts):
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        page = f'---\ntitle: "p{i}"\ndate: "{quoted}"\n---\nx\n'
        (site / "content" / "posts" / f"p{i}.md").write_text(page, encoding="utf-8")
    subprocess.run(
        [hugo, "--quiet", "--buildFuture", "--buildExpired", "-s", str(site), "-d", "out"],
        check=True,
        capture_output=True,
    )
    found = dict(
        line.split("|")
        for line in (site / "out" / "index.json").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    return [found[f"p{i}"] for i in range(len(texts))]


def _compare_with_hugo(texts: list[str], zone: str, where: Path) -> None:
    theirs = ["ERR" if d.startswith("0001-") else d for d in _hugo_dates(texts, zone, where)]
    ours = [hugo_time(text, ZoneInfo(zone)) for text in texts]
    differ = [
        (text, hugo, _utc(mine.when if mine else None))
        for text, hugo, mine in zip(texts, theirs, ours, strict=True)
        if hugo != _utc(mine.when if mine else None)
    ]
    assert not differ, f"timeZone={zone}: (text, Hugo, feedpub) {differ}"


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_hugo_time_reads_dates_as_hugo_does(zone: str, tmp_path: Path) -> None:
    _compare_with_hugo(HUGO_TABLE, zone, tmp_path)


@st.composite
def hugo_dates(draw: st.DrawFn) -> str:
    """Dates close to Hugo's layouts: numbers of 1 or 2 digits, separators, zones, names."""
    year, month, day, padded = draw(_numbers())
    m = f"{month:02d}" if padded or draw(st.booleans()) else str(month)
    d = f"{day:02d}" if padded or draw(st.booleans()) else str(day)
    hour, minute, second = (
        draw(st.integers(0, 24)),
        draw(st.integers(0, 60)),
        draw(st.integers(0, 59)),
    )
    h = f"{hour:02d}" if draw(st.booleans()) else str(hour)
    name = _MONTHS[(month - 1) % 12]
    clock = f"{h}:{minute:02d}" + (f":{second:02d}" if draw(st.booleans()) else "")
    if draw(st.integers(0, 3)) == 0:
        clock += "." + draw(st.text("0123456789", min_size=1, max_size=10))
    zone = draw(
        st.sampled_from(["", "", "Z", " +0200", " -07:00", "+02:00", "-0530", " UTC", " CET"])
        | st.sampled_from([" +0100 CET", " -0800 PST", " MST", " +02"])
    )
    form = draw(st.sampled_from(["date", "t", "space", "space", "rfc", "822", "ansic"]))
    return {
        "date": f"{year}-{m}-{d}",
        "t": f"{year}-{m}-{d}{draw(st.sampled_from('Tt'))}{clock}{zone}",
        "space": f"{year}-{m}-{d} {clock}{zone}",
        "rfc": f"{draw(st.sampled_from(_DAYS))}, {d} {name} {year} {clock}{zone}",
        "822": f"{d} {name} {year % 100:02d} {clock}{zone}",
        "ansic": f"{draw(st.sampled_from(_DAYS))} {name} {d} {clock}{zone} {year}",
    }[form]


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(hugo_dates(), min_size=80, max_size=80))
def test_hugo_time_agrees_with_hugo_on_generated_dates(texts: list[str], tmp_path: Path) -> None:
    where = Path(tempfile.mkdtemp(dir=tmp_path))  # (hypothesis runs this more than once)
    _compare_with_hugo(texts, "Europe/Berlin", where)


def test_hugo_value_reads_loader_values_as_hugo_does() -> None:
    """Checked with Hugo 0.111: a number is a Unix time; TOML's local dates and times (and
    YAML's zoneless timestamps) are in timeZone."""
    berlin = ZoneInfo("Europe/Berlin")
    unix = hugo_value(1577836800, berlin)
    assert unix is not None and unix.when == datetime(2020, 1, 1, tzinfo=UTC)
    local = hugo_value(datetime(2020, 1, 5, 10), berlin)
    assert local is not None and local.when == datetime(2020, 1, 5, 9, tzinfo=UTC)
    day = hugo_value(datetime(2020, 1, 5).date(), berlin)
    assert day is not None and day.when == datetime(2020, 1, 4, 23, tzinfo=UTC)
    assert hugo_value(True, berlin) is None


def test_hugo_time_notes_an_ignored_zone_name() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    named = hugo_time("Sun, 05 Jan 2020 10:00:00 EST", berlin)
    assert named is not None and named.when == datetime(2020, 1, 5, 10, tzinfo=berlin)
    assert named.note is not None and "'EST'" in named.note
    assert hugo_time("2020-12-8", berlin) is None
    exact = hugo_time("2020-01-05T10:00:00+02:00", berlin)
    assert exact is not None and exact.note is None


# --------------------------------------------------------------------------- whole sites

_JEKYLL_POSTS = {
    # file name: the date line (None: no date, the file name's)
    "2023-01-29-release.md": "2023-01-29 18:30:22 2023 -0800",  # jekyll/jekyll's docs
    "2020-12-08-one-digit-hour.md": "2020-12-08 8:34 +0200",  # emacsredux
    "2021-03-01-odd-offset.md": "2021-03-01 9:00 +020",  # emacsredux: offset Ruby ignores
    "2020-12-08-short-day.md": "2020-12-8",
    "2022-05-01-zoneless-timestamp.md": "2022-05-01 10:00:00",  # Psych: UTC
    "2022-05-02-quoted-timestamp.md": '"2022-05-02 10:00:00"',  # Time.parse: the site's zone
    "2022-06-03-month-name.md": "Jun 3 2022 7:15 PM",
    "2022-07-04-from-the-name.md": None,
}


def _site_items(feed: Path) -> dict[str, datetime]:
    """Each Atom entry's link and published instant."""
    from lxml import etree

    atom = "{http://www.w3.org/2005/Atom}"
    root = etree.parse(str(feed)).getroot()
    return {
        e.find(f"{atom}link").get("href"): datetime.fromisoformat(e.findtext(f"{atom}published"))
        for e in root.iter(f"{atom}entry")
    }


def _feedpub(folder: Path, tool: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    from click.testing import CliRunner

    from feedpub.cli import main

    monkeypatch.chdir(folder)
    done = CliRunner().invoke(main, ["init", "--from", tool, "."], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    done = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return folder, done.output


def _jekyll_site(root: Path) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(
        'title: Dates\nurl: "https://dates.example.org"\ntimezone: America/New_York\n'
        "permalink: /:year/:month/:day/:title/\nplugins:\n  - jekyll-feed\n",
        encoding="utf-8",
    )
    for name, line in _JEKYLL_POSTS.items():
        date = "" if line is None else f"date: {line}\n"
        text = f"---\ntitle: {name[11:-3]}\n{date}---\nText.\n"
        (root / "_posts" / name).write_text(text, encoding="utf-8")
    return root


def test_jekyll_dates_reach_the_feed_as_jekyll_feed_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jekyll = required_tool("jekyll", "jekyll ruby-jekyll-feed", "the Jekyll date comparison")
    source = _jekyll_site(tmp_path / "jekyll")
    subprocess.run(
        [jekyll, "build", "--quiet", "-s", str(source), "-d", str(tmp_path / "built")],
        check=True,
        capture_output=True,
        env={**os.environ, "JEKYLL_ENV": "production"},
    )
    theirs = _site_items(tmp_path / "built" / "feed.xml")
    folder, output = _feedpub(_jekyll_site(tmp_path / "feedpub"), "jekyll", monkeypatch)
    ours = _site_items(folder / "_feeds" / "feed.xml")  # Atom, at jekyll-feed's address
    assert ours == theirs
    assert len(ours) == len(_JEKYLL_POSTS)
    assert (
        "_posts/2023-01-29-release.md:3: warning FP214: date '2023-01-29 18:30:22 2023 -0800': "
        "Jekyll ignores '2023 -0800'"
    ) in output
    assert "_posts/2021-03-01-odd-offset.md:3: warning FP214: date '2021-03-01 9:00 +020'" in (
        output
    )
    assert output.count("FP214") == 2


def test_a_date_jekyll_refuses_is_still_an_error(site: object) -> None:
    from .conftest import SiteDir

    assert isinstance(site, SiteDir)
    site.config(
        'title = "T"\nbase_url = "https://example.org/"\ndialect = "jekyll"\nentries = "."\n'
        'output = "_feeds"\n'
    )
    (site.root / "_posts").mkdir()
    (site.root / "_posts" / "2020-01-01-a.md").write_text(
        "---\ntitle: A\ndate: 2020-13-01 10:00\n---\nText.\n", encoding="utf-8"
    )
    done = site.run("build")
    assert done.exit_code == 1
    assert "_posts/2020-01-01-a.md:3: date '2020-13-01 10:00' is not a date; write" in (done.output)


_HUGO_PAGES = {
    # path below content/: front matter lines
    "posts/2020-01-05-new-year.md": "title: New year",
    "posts/2020-02-01-the-trip/index.md": "title: The trip",
    "posts/2020-03-07_underscored.md": "title: Underscored",
    "posts/2020-04-01-with-slug.md": "title: Slugged\nslug: own-slug",
    "posts/2020-05-01-dated.md": "title: Dated\ndate: 2021-05-01T10:00:00+02:00",
    "posts/no-date-in-name.md": "title: Plain\ndate: 2020-06-01",
    "posts/named-zone.md": "title: Named zone\ndate: Mon, 06 Jul 2020 10:00:00 EST",
}


def _hugo_site(root: Path) -> Path:
    for name, lines in _HUGO_PAGES.items():
        page = root / "content" / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"---\n{lines}\n---\nText.\n", encoding="utf-8")
    (root / "hugo.toml").write_text(
        'baseURL = "https://hugo.example.org/"\ntitle = "Dates"\ntimeZone = "Europe/Berlin"\n'
        '[frontmatter]\ndate = [":filename", ":default"]\n'
        '[permalinks]\nposts = "/:year/:month/:slug/"\n',
        encoding="utf-8",
    )
    return root


def test_hugo_dates_and_slugs_from_file_names_as_hugo_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mblayman/mattlayman.com's setting: ``[frontmatter] date = [":filename", ":default"]``:
    the date and the slug from the file (or bundle folder) name."""
    from email.utils import parsedate_to_datetime

    from lxml import etree

    hugo = required_tool("hugo", "hugo", "the Hugo date comparison")
    source = _hugo_site(tmp_path / "hugo")
    subprocess.run(
        [hugo, "--quiet", "-s", str(source), "-d", str(tmp_path / "built")],
        check=True,
        capture_output=True,
    )
    rss = etree.parse(str(tmp_path / "built" / "index.xml")).getroot()
    theirs = {
        item.findtext("link"): parsedate_to_datetime(item.findtext("pubDate"))
        for item in rss.iter("item")
    }
    folder, output = _feedpub(_hugo_site(tmp_path / "feedpub"), "hugo", monkeypatch)
    assert 'frontmatter_date = [":filename", ":default"]' in (folder / "feedpub.toml").read_text(
        encoding="utf-8"
    )
    ours = _site_items(folder / "feeds" / "atom.xml")
    assert ours == theirs
    assert "https://hugo.example.org/2020/01/new-year/" in ours
    assert "https://hugo.example.org/2020/02/the-trip/" in ours
    assert "https://hugo.example.org/2020/03/underscored/" in ours
    assert "content/posts/named-zone.md:3: warning FP214: date 'Mon, 06 Jul 2020 10:00:00 EST'" in (
        output
    )


def test_a_date_hugo_cannot_read_is_read_leniently_with_a_warning(
    site: object, make_entry: object
) -> None:
    from .conftest import SiteDir

    assert isinstance(site, SiteDir)
    site.config(
        'title = "T"\nbase_url = "https://example.org/"\ndialect = "hugo"\n'
        'timezone = "Europe/Berlin"\n'
    )
    site.entry("posts/a.md", "---\ntitle: A\ndate: 2020-12-8\n---\nText.\n")
    site.entry("posts/b.md", "---\ntitle: B\ndate: someday\n---\nText.\n")
    done = site.run("build")
    assert done.exit_code == 0, done.output
    assert (
        "entries/posts/a.md:3: warning FP214: Hugo cannot read date '2020-12-8' (it dates the "
        "page 0001-01-01); read as 2020-12-08 00:00:00+01:00"
    ) in done.output
    assert "entries/posts/b.md:1: warning FP221: Hugo cannot read date 'someday'" in done.output
    import json

    feed = json.loads((site.public / "feed.json").read_text(encoding="utf-8"))
    assert [i["date_published"] for i in feed["items"]] == ["2020-12-08T00:00:00+01:00"]


def test_a_dated_file_name_dates_an_entry_in_every_dialect(site: object) -> None:
    """An entry named YYYY-MM-DD-title.md without ``date`` takes its date from the name,
    at midnight in the site's time zone (Jekyll's and Zola's rule); a ``date`` wins."""
    import json

    from .conftest import SiteDir

    assert isinstance(site, SiteDir)
    site.config('title = "T"\nbase_url = "https://example.org/"\ntimezone = "Asia/Tokyo"\n')
    site.entry("2025-05-01-from-the-name.md", "---\ntitle: Named\n---\nText.\n")
    site.entry("2025-05-02-dated.md", "---\ntitle: Dated\ndate: 2025-06-01\n---\nText.\n")
    site.entry("2025-02-30-no-such-day.md", "---\ntitle: Bad\n---\nText.\n")
    done = site.run("build")
    assert done.exit_code == 1
    assert "2025-02-30-no-such-day.md:1: no date" in done.output
    (site.entries / "2025-02-30-no-such-day.md").unlink()
    done = site.run("build")
    assert done.exit_code == 0, done.output
    feed = json.loads((site.public / "feed.json").read_text(encoding="utf-8"))
    assert {i["url"]: i["date_published"] for i in feed["items"]} == {
        "https://example.org/2025/05/from-the-name/": "2025-05-01T00:00:00+09:00",
        "https://example.org/2025/06/dated/": "2025-06-01T00:00:00+09:00",
    }


def test_frontmatter_date_setting_is_checked(site: object) -> None:
    from .conftest import SiteDir

    assert isinstance(site, SiteDir)
    site.config(
        'title = "T"\nbase_url = "https://example.org/"\ndialect = "hugo"\n'
        'frontmatter_date = [":filename", ":nope"]\n'
    )
    done = site.run("build")
    assert done.exit_code == 1
    assert (
        "feedpub.toml:4: frontmatter_date: ':nope' is not one of :default, :filename, "
        ":filemodtime, :git or a front matter key"
    ) in done.output
