"""Finding a person's identifiers inside free text, whatever way they were typed.

A person is known by names, phone numbers, e-mail addresses, postcodes, addresses, dates
of birth and other phrases (a new partner's name, a school). Each becomes one or more
patterns that find it however it is written:

- names: the full name, in either order ("Barnaby Thistlewick", "Thistlewick, Barnaby"),
  and the first and last names alone; any spacing and case;
- phone numbers: compared as digits, whatever the spaces, dashes, dots or brackets,
  written with 0, +44, 0044 or +44 (0);
- e-mail addresses: case-insensitively;
- postcodes: with or without the space, in any case;
- addresses: each line, each part between commas, the house or flat number with its
  street ("9 Sanctuary Close" from "Flat 2, 9 Sanctuary Close"), the street alone, with
  the usual abbreviations ("Sanctuary Cl"), and a building's name;
- dates of birth: 2001-04-09, 09/04/2001, 9/4/01, 9.4.2001, 9 April 2001, 9th Apr 2001,
  April 9, 2001;
- phrases: as given, any spacing and case.

``Identifiers`` holds what is known; ``Matcher`` finds every span of a text that any of
them match. Nothing here reads the database: the apps say who the people are.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SEP = r"[\s\-.()/]*"  # what may sit between the digits of a phone number
_MIN_PHONE_DIGITS = 7
_MIN_NAME = 2
_MIN_PHRASE = 3
_MIN_ADDRESS_PART = 6

_STREET_WORDS = {
    "road": "rd",
    "street": "st",
    "avenue": "ave",
    "close": "cl",
    "lane": "ln",
    "drive": "dr",
    "crescent": "cres",
    "court": "ct",
    "place": "pl",
    "gardens": "gdns",
    "terrace": "terr",
    "square": "sq",
    "grove": "gr",
    "park": "pk",
    "mews": "mews",
    "way": "way",
    "walk": "wlk",
    "hill": "hl",
}
_NUMBERED = re.compile(
    r"^(?:(?:flat|apartment|apt|unit|room)\s*\d+[a-z]?\s*,?\s*)?(\d+[a-z]?)\s+(.+)$", re.I
)
_FLAT_ONLY = re.compile(r"^(?:flat|apartment|apt|unit|room)\s*\d+[a-z]?$", re.I)
# Words that on their own say nothing about anyone: never matched alone, though they are
# part of a name or phrase matched whole ("Family Court at Fernhollow" finds "Fernhollow"
# alone, never "Court").
_COMMON = """
    a an and at by for from her his in of on or the to with mr mrs ms miss dr mx sir dame
    mum mother dad father parent grandma grandmother nan nana grandad grandfather grandpa
    aunt auntie uncle sister brother partner son daughter child children baby family
    new old her their friend friends neighbour solicitor solicitors court family's council
    cafcass social worker services service officer team school schools primary secondary
    junior infant infants nursery academy college university church centre center garden
    gardens library hospital surgery clinic practice shop store cafe pub hotel house flat
    road street lane close avenue drive way place park hill green ltd limited plc group
    trust company workplace work job office st saint north south east west upper lower
    great little the's
"""
_COMMON_WORDS = frozenset(_COMMON.split())
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def digits(text: str) -> str:
    """A phone number as its national digits: "+44 (0)7700-900 123" -> "07700900123"."""
    raw = re.sub(r"\D", "", text or "")
    if raw.startswith("0044"):
        raw = "0" + raw[4:]
    elif raw.startswith("440") and (text or "").lstrip().startswith("+"):
        raw = "0" + raw[3:]
    elif raw.startswith("44") and (text or "").lstrip().startswith("+"):
        raw = "0" + raw[2:]
    return raw


def _words(text):
    return [word for word in re.split(r"\s+", (text or "").strip()) if word]


def _flexible(text):
    """``text`` as a pattern where any run of spaces matches any run of white space."""
    return r"\s+".join(re.escape(word) for word in _words(text))


def _bounded(pattern):
    return rf"(?<![\w@]){pattern}(?![\w@])"


def name_patterns(first: str = "", last: str = "", full: str = "") -> list[str]:
    patterns = []
    first, last, full = (first or "").strip(), (last or "").strip(), (full or "").strip()
    if first and last:
        patterns += [
            _flexible(f"{first} {last}"),
            rf"{_flexible(last)}\s*,?\s+{_flexible(first)}",
        ]
    if full:
        patterns.append(_flexible(full))
        words = _words(full)
        if len(words) >= 2:
            patterns.append(rf"{_flexible(words[-1])}\s*,?\s+{_flexible(' '.join(words[:-1]))}")
    # A name held as first and last is a person's: each part alone is theirs, whatever
    # it is ("Green"). A name written out whole may be an organisation's or a
    # description ("Solicitor for the mother"): only its telling words count alone.
    for name in (first, last):
        if len(name) >= _MIN_NAME:
            patterns.append(_flexible(name))
    for name in _words(full):
        if len(name) >= _MIN_NAME and _telling(name):
            patterns.append(_flexible(name))
    return [_bounded(pattern) for pattern in patterns]


def _telling(word):
    """A word that points at someone on its own: not a common word, not a title."""
    return word.lower().strip(".,'’()") not in _COMMON_WORDS


def phone_pattern(phone: str) -> str | None:
    number = digits(phone)
    if len(number) < _MIN_PHONE_DIGITS:
        return None
    if number.startswith("0"):
        national = number[1:]
        # The prefix may be left out altogether: "7700 900461" is the same number.
        prefix = rf"(?:(?:\+|00){_SEP}44{_SEP}(?:\(0\))?{_SEP}|\(?0{_SEP})?"
    else:
        national, prefix = number, ""
    body = _SEP.join(national)
    return rf"(?<!\d){prefix}{body}(?!\d)"


def email_patterns(email: str) -> list[str]:
    """The address, and its part before the @ where that is telling on its own
    ("wren.private", not "info")."""
    email = (email or "").strip()
    if "@" not in email:
        return []
    local = email.split("@", 1)[0]
    patterns = [_bounded(re.escape(email))]
    if len(local) >= 6 and re.search(r"[^a-zA-Z]", local):
        patterns.append(_bounded(re.escape(local)))
    return patterns


def postcode_pattern(postcode: str) -> str | None:
    compact = re.sub(r"\s", "", postcode or "")
    if len(compact) < 5:
        return None
    outward, inward = compact[:-3], compact[-3:]
    return rf"(?<![A-Za-z0-9]){re.escape(outward)}[\s\-]*{re.escape(inward)}(?![A-Za-z0-9])"


def _street_variants(street):
    """ "Sanctuary Close" -> patterns for "Sanctuary Close", "Sanctuary Cl", "Sanctuary Cl."."""
    words = _words(street)
    if not words:
        return None
    last = words[-1].lower().rstrip(".")
    short = _STREET_WORDS.get(last)
    head = _flexible(" ".join(words[:-1]))
    if short is None:
        for full_word, abbreviation in _STREET_WORDS.items():
            if last == abbreviation:
                last, short = full_word, abbreviation
                break
    if short is None or not head:
        return _flexible(street)
    return rf"{head}\s+(?:{re.escape(last)}|{re.escape(short)}\.?)"


def address_patterns(address: str, *, with_town: bool = False) -> list[str]:
    """The distinctive parts of an address: each line and comma part (a building's name),
    the number with the street, the street alone. The last line (the town) only with
    ``with_town``: a town is shared by many, but where it is the new home of someone
    hiding it is telling too."""
    patterns = []
    lines = [line.strip().strip(",").strip() for line in (address or "").splitlines()]
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        is_town = index == len(lines) - 1 and len(lines) > 1 and not re.search(r"\d", line)
        if is_town and not with_town:
            continue
        if len(line) >= _MIN_ADDRESS_PART:
            patterns.append(_flexible(line))
        for part in (p.strip() for p in line.split(",")):
            if not part or _FLAT_ONLY.match(part):
                continue
            numbered = _NUMBERED.match(part)
            if numbered:
                number, street = numbered.groups()
                street_pattern = _street_variants(street)
                if street_pattern and len(street) >= 4:
                    patterns.append(rf"{re.escape(number)}\s*,?\s*{street_pattern}")
                    if len(_words(street)) >= 2:
                        patterns.append(street_pattern)
            elif len(part) >= _MIN_ADDRESS_PART and (len(_words(part)) >= 2 or is_town):
                variant = _street_variants(part) if len(_words(part)) >= 2 else _flexible(part)
                patterns.append(variant)
    return patterns


def date_patterns(day: datetime.date) -> list[str]:
    d, m, y = day.day, day.month, day.year
    month = _MONTHS[m - 1]
    month_word = rf"(?:{month}|{month[:3]}\.?{'|sept' if m == 9 else ''})"
    day_word = rf"0?{d}(?:st|nd|rd|th)?"
    year = rf"(?:{y}|'?{y % 100:02d})"
    sep = r"\s*[/.\-]\s*"
    written = r"[\s\-/.,]*"  # "9 April 1990", "09-Apr-1990", "09APR1990"
    return [
        rf"(?<!\d){y}{sep}0?{m}{sep}0?{d}(?!\d)",
        rf"(?<!\d)0?{d}{sep}0?{m}{sep}{year}(?!\d)",
        rf"(?<!\d){d:02d}{m:02d}{y}(?!\d)",
        rf"(?<!\d){y}{m:02d}{d:02d}(?!\d)",
        _bounded(rf"{day_word}{written}(?:of\s+)?{month_word}{written}{year}"),
        _bounded(rf"{month_word}{written}{day_word}{written}{year}"),
    ]


def phrase_pattern(phrase: str) -> str | None:
    phrase = (phrase or "").strip()
    if len(phrase) < _MIN_PHRASE:
        return None
    return _bounded(_flexible(phrase))


def phrase_patterns(phrase: str) -> list[str]:
    """A phrase never to disclose, and its telling parts: "Tobias Quarrington" also as
    "Quarrington, Tobias", "Tobias" and "Quarrington"; "Larkspur Primary School (the
    children's new school)" also as "Larkspur Primary School", "Larkspur Primary" and
    "Larkspur"."""
    phrase = re.sub(r"\([^)]*\)", " ", phrase or "")
    words = _words(phrase)
    if not words:
        return []
    patterns = [phrase_pattern(" ".join(words))]
    telling = [word for word in words if len(word) >= 4 and _telling(word)]
    for word in telling:
        patterns.append(phrase_pattern(word))
    if (
        len(words) in (2, 3)
        and all(word[:1].isupper() for word in words)
        and len(telling) == len(words)
    ):
        patterns += name_patterns(full=" ".join(words))
    while words and not _telling(words[-1]):
        words = words[:-1]
        if len(words) >= 2:
            patterns.append(phrase_pattern(" ".join(words)))
    return [pattern for pattern in dict.fromkeys(patterns) if pattern]


@dataclass
class Identifiers:
    """What is known of one person. ``reason`` says whose it is ("Another adult of the
    case"); ``confidential`` marks a person whose details must never reach the other
    party (their redactions can only be lifted by the manager, with a reason)."""

    reason: str
    confidential: bool = False
    names: list = field(default_factory=list)  # (first, last) pairs or full names
    phones: list = field(default_factory=list)
    emails: list = field(default_factory=list)
    postcodes: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    dates_of_birth: list = field(default_factory=list)
    phrases: list = field(default_factory=list)

    def patterns(self, *, names=True) -> list[str]:
        patterns = []
        if names:
            for name in self.names:
                if isinstance(name, tuple):
                    patterns += name_patterns(*name)
                else:
                    patterns += name_patterns(full=name)
        patterns += [p for p in map(phone_pattern, self.phones) if p]
        for email in self.emails:
            patterns += email_patterns(email)
        patterns += [p for p in map(postcode_pattern, self.postcodes) if p]
        for address in self.addresses:
            patterns += address_patterns(address, with_town=self.confidential)
        for day in self.dates_of_birth:
            if day:
                patterns += date_patterns(day)
        for phrase in self.phrases:
            patterns += phrase_patterns(phrase)
        return patterns


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    reason: str
    confidential: bool


class Matcher:
    """Finds every span of a text that a known person's identifiers match.

    ``spared`` are texts never to match on their own: the requester's own names and
    address parts, so that a surname they share with the other parent, or a town they
    both live in, does not black out their own details. A confidential person's phone,
    e-mail and postcode are never spared."""

    def __init__(self, people: Iterable[Identifiers] = (), *, spared: Iterable[str] = ()):
        self._spared = {" ".join(_words(s)).lower() for s in spared if s and s.strip()}
        self._patterns = []  # (compiled, reason, confidential)
        for person in people:
            self.add(person)

    def add(self, person: Identifiers):
        for pattern in dict.fromkeys(person.patterns()):
            self._patterns.append(
                (re.compile(pattern, re.IGNORECASE), person.reason, person.confidential)
            )

    def add_phrase(self, phrase: str, reason: str, confidential: bool = False):
        pattern = phrase_pattern(phrase)
        if pattern:
            self._patterns.append((re.compile(pattern, re.IGNORECASE), reason, confidential))

    def __bool__(self):
        return bool(self._patterns)

    @property
    def guards_confidential(self) -> bool:
        """Whether anyone it knows is confidential from the other party."""
        return any(confidential for _pattern, _reason, confidential in self._patterns)

    def _is_spared(self, text):
        return " ".join(_words(text)).lower() in self._spared

    def spans(self, text: str) -> list[Span]:
        """The matched spans of ``text``, overlapping ones merged, in order."""
        if not text:
            return []
        found = []
        for pattern, reason, confidential in self._patterns:
            for match in pattern.finditer(text):
                if match.end() == match.start():
                    continue
                if not confidential and self._is_spared(match.group(0)):
                    continue
                found.append(Span(match.start(), match.end(), reason, confidential))
        found.sort(key=lambda span: (span.start, -span.end))
        merged = []
        for span in found:
            if merged and span.start < merged[-1].end:
                last = merged[-1]
                merged[-1] = Span(
                    last.start,
                    max(last.end, span.end),
                    last.reason if last.confidential or not span.confidential else span.reason,
                    last.confidential or span.confidential,
                )
            else:
                merged.append(span)
        return merged

    def split(self, text: str) -> list[tuple[str, Span | None]]:
        """``text`` in pieces, each with the span it is (to redact) or None (to keep)."""
        pieces, at = [], 0
        for span in self.spans(text):
            if span.start > at:
                pieces.append((text[at : span.start], None))
            pieces.append((text[span.start : span.end], span))
            at = span.end
        if at < len(text or ""):
            pieces.append((text[at:], None))
        return pieces or [(text, None)]

    def finds(self, text: str) -> bool:
        return bool(self.spans(text))
