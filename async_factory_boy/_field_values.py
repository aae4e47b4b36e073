"""The one type-to-value table of ``Meta.auto_fields``, shared by every deriver.

Each deriver (SQLAlchemy columns, Django fields, type hints) describes a field as a
:class:`FieldFacts` (its name, its Python type, the schema's own type object, its length,
bounds, precision, whether it is unique or timezone-aware) and asks :func:`value_for` for a
declaration. The table, :data:`FIELD_PROVIDERS`, maps a type to a provider; it is public, so
that a project teaches ``auto_fields`` its own types in one place, for every backend (the
shape of polyfactory's provider map)::

    FIELD_PROVIDERS[Money] = lambda field: factory.LazyFunction(Money.random)
    FIELD_PROVIDERS[MyColumnType] = factory.Faker("color_name")

A key is a Python type (matched along the field's Python type's MRO), or the schema's own
type class: a SQLAlchemy ``TypeEngine`` / ``TypeDecorator`` subclass, a Django ``Field``
subclass (matched along the class of the column type or field, first, so a project's
``TypeDecorator`` wins over the type it decorates). A value is a factory_boy declaration
(used as it is) or a callable taking the :class:`FieldFacts` and returning a declaration, or
``None`` to let the next key of the lookup answer.

Values are readable where the field's name says what it holds (``email``, ``first_name``,
``title``, ``url``, ``slug``, ``phone``, ...; see :data:`READABLE_NAMES`), and drawn from
factory_boy's own Faker and random, so ``factory.random.reseed_random`` replays them.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeAlias

from ._compat import (
    BaseDeclaration,
    Faker,
    LazyFunction,
    List,
    Sequence,
    default_faker_locale,
    randgen,
)
from ._regex_values import UnsupportedPattern, matching_string

if TYPE_CHECKING:
    import faker as faker_package

__all__ = [
    "FIELD_PROVIDERS",
    "READABLE_NAMES",
    "FieldFacts",
    "Readable",
    "provider_keys",
    "value_for",
]

#: A numeric bound of a field (``ge`` / ``le`` of a constraint).
Number: TypeAlias = int | float | decimal.Decimal


@dataclasses.dataclass(frozen=True)
class FieldFacts:
    """One field, as a deriver describes it to the table.

    Attributes:
        name: the attribute (keyword) name; readable values are chosen by it.
        python_type: the type of the value (``str``, ``int``, ``Decimal``, an ``Enum``
            class, ``list``, ``dict``, ...), ``None`` if unknown.
        source: the schema's own description (a SQLAlchemy type instance, a Django field,
            a type hint); its class is looked up in the table before ``python_type``.
        max_length, min_length: for strings, bytes and lists.
        low, high: inclusive bounds of a number.
        precision, scale: of a decimal number.
        aware: a datetime must carry a timezone.
        unique: values must never repeat (Sequence-based values).
        choices: the only values allowed.
        pattern: a regular expression a string must match.
        kind: what a string holds when the schema type says so (``"email"``, ``"url"``,
            ``"slug"``, ``"ipv4"``, ``"uuid"``), whatever the field's name.
        item: the facts of a list's items.
    """

    name: str
    python_type: type | None
    source: object = None
    max_length: int | None = None
    min_length: int | None = None
    low: Number | None = None
    high: Number | None = None
    precision: int | None = None
    scale: int | None = None
    aware: bool = False
    unique: bool = False
    choices: tuple[object, ...] | None = None
    pattern: str | None = None
    kind: str | None = None
    item: FieldFacts | None = None


#: A provider: the declaration making a valid value of the field, ``None`` when it has none.
Provider = Callable[[FieldFacts], BaseDeclaration | None]

#: The latest moment a derived date, time or datetime takes. Faker's default end is "now",
#: so one seed gave other values a second (or a day) later; with a fixed end, reseeding
#: replays the same values (a test that reseeds, the seed command's ``--seed``).
LATEST_DERIVED_MOMENT = datetime.datetime(2025, 1, 1)
_EPOCH = datetime.datetime(2020, 1, 1)


def derived_datetime(aware: bool) -> Faker:
    """The declaration of a datetime field: between 1970 and :data:`LATEST_DERIVED_MOMENT`,
    in UTC when the field is timezone-aware."""
    zone = datetime.timezone.utc if aware else None
    return Faker("date_time", tzinfo=zone, end_datetime=LATEST_DERIVED_MOMENT)


def derived_date() -> Faker:
    """The declaration of a date field (up to :data:`LATEST_DERIVED_MOMENT`)."""
    return Faker("date_object", end_datetime=LATEST_DERIVED_MOMENT)


def derived_time() -> Faker:
    """The declaration of a time-of-day field (drawn like the datetimes)."""
    return Faker("time_object", end_datetime=LATEST_DERIVED_MOMENT)


# -- readable strings -------------------------------------------------------------------------

#: Faker providers by field name (lower case). A name not listed here is also tried by its
#: last words (``contact_email`` as ``email``, ``home_page_url`` as ``url``).
READABLE_NAMES: dict[str, str] = {
    **dict.fromkeys(
        ("name", "full_name", "fullname", "display_name", "author", "contact_name"), "name"
    ),
    **dict.fromkeys(("first_name", "firstname", "given_name", "forename"), "first_name"),
    **dict.fromkeys(("last_name", "lastname", "surname", "family_name"), "last_name"),
    **dict.fromkeys(("username", "user_name", "login", "handle", "nickname"), "user_name"),
    **dict.fromkeys(("email", "email_address", "mail"), "email"),
    **dict.fromkeys(("title", "headline", "subject", "heading", "caption"), "title"),
    **dict.fromkeys(
        (
            "description",
            "body",
            "text",
            "content",
            "bio",
            "summary",
            "about",
            "comment",
            "note",
            "notes",
            "message",
        ),
        "text",
    ),
    **dict.fromkeys(("url", "website", "homepage", "link", "uri", "href"), "url"),
    "slug": "slug",
    **dict.fromkeys(("phone", "phone_number", "telephone", "mobile", "tel", "fax"), "phone"),
    **dict.fromkeys(("city", "town"), "city"),
    "country": "country",
    "country_code": "country_code",
    **dict.fromkeys(("address", "street", "street_address", "address_line"), "street_address"),
    **dict.fromkeys(("zip", "zipcode", "zip_code", "postcode", "postal_code"), "postcode"),
    **dict.fromkeys(
        ("company", "company_name", "organisation", "organization", "employer"), "company"
    ),
    **dict.fromkeys(("job", "job_title", "occupation", "profession"), "job"),
    **dict.fromkeys(("color", "colour"), "color_name"),
    **dict.fromkeys(("ip", "ip_address", "ipv4"), "ipv4"),
    **dict.fromkeys(("domain", "hostname", "host"), "domain_name"),
    **dict.fromkeys(("currency", "currency_code"), "currency_code"),
    **dict.fromkeys(("language", "language_code", "locale"), "language_code"),
    **dict.fromkeys(("timezone", "time_zone", "tz"), "timezone"),
    "password": "password",
    "iban": "iban",
    "isbn": "isbn13",
}

_WORD_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")


def readable_kind(name: str) -> str | None:
    """The readable kind of a string field called ``name`` (``contactEmail`` is an email),
    or ``None``."""
    words = [word.lower() for word in _WORD_SPLIT.split(name) if word]
    for start in range(len(words)):
        found = READABLE_NAMES.get("_".join(words[start:]))
        if found is not None:
            return found
    return None


#: How many readable values of each kind (and locale) are made, once per process.
POOL_SIZE = 512
_pools: dict[tuple[str, str], tuple[str, ...]] = {}


def _make(faker: faker_package.Faker, kind: str) -> str:
    if kind == "title":
        return str(faker.sentence(nb_words=4)).rstrip(".")
    if kind == "text":
        return str(faker.sentence(nb_words=10))
    if kind == "phone":
        return str(faker.phone_number())
    return str(getattr(faker, kind)())


def _pool(kind: str) -> tuple[str, ...]:
    """:data:`POOL_SIZE` readable values of ``kind``, made once by a Faker of the default
    locale with a fixed seed (Faker's ``name()`` takes about a millisecond, too slow for a
    batch of thousands): the same pool in every process and run, so that a draw from it
    with factory_boy's random replays under ``reseed_random``."""
    locale = default_faker_locale()
    pool = _pools.get((kind, locale))
    if pool is None:
        import faker

        maker = faker.Faker(locale)
        maker.seed_instance(20250101)
        pool = _pools[kind, locale] = tuple(_make(maker, kind) for _ in range(POOL_SIZE))
    return pool


def _draw(kind: str) -> str:
    """A readable value of ``kind``, drawn with factory_boy's random (replayed by reseeding)."""
    return randgen.choice(_pool(kind))


@dataclasses.dataclass(frozen=True)
class Readable:
    """A readable string of ``kind``, at most ``max_length`` long (and at least
    ``min_length``: padded with letters); with ``unique``, the sequence number ``n`` is
    added so that no two values of a run are equal.

    A callable (for a ``LazyFunction`` or ``Sequence``), not a declaration subclass, so the
    fast resolution path evaluates it inline.
    """

    kind: str
    max_length: int | None = None
    min_length: int = 1
    unique: bool = False

    def __call__(self, n: int | None = None) -> str:
        value = _draw(self.kind)
        if self.unique:
            value = _numbered(value, self.kind, n or 0, self.max_length)
        elif self.max_length is not None:
            value = value[: self.max_length]
        if len(value) < self.min_length:
            value += "x" * (self.min_length - len(value))
        return value


def _numbered(value: str, kind: str, n: int, max_length: int | None) -> str:
    """``value`` with the sequence number in it, within ``max_length``."""
    if kind == "email":
        local, _, domain = value.partition("@")
        suffix = f"{n}@{domain}"
        if max_length is not None and len(local) + len(suffix) > max_length:
            suffix = f"{n}@x.io"
        room = None if max_length is None else max(max_length - len(suffix), 0)
        return f"{local[:room]}{suffix}"[: max_length or None]
    separator = "-" if kind in ("slug", "url", "user_name", "domain_name") else " "
    suffix = f"{separator}{n}"
    room = None if max_length is None else max(max_length - len(suffix), 0)
    return f"{value[:room]}{suffix}"[-max_length if max_length else 0 :]


def _kind_value(facts: FieldFacts, kind: str) -> BaseDeclaration | None:
    maximum = facts.max_length
    minimum = facts.min_length or 1
    if kind == "uuid":
        return Faker("uuid4", cast_to=str)
    if maximum is not None and maximum < 3 and not facts.unique:
        return None  # too short for anything readable: random letters
    readable = Readable(kind, maximum, minimum, facts.unique)
    return Sequence(readable) if facts.unique else LazyFunction(readable)


# -- the built-in providers, one per Python type --------------------------------------------


def _text(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.choices:
        return Faker("random_element", elements=list(facts.choices))
    if facts.pattern is not None:
        try:
            matching_string(facts.pattern)  # refuse a pattern it cannot satisfy, now
        except (UnsupportedPattern, re.error):
            return None
        return LazyFunction(functools.partial(matching_string, facts.pattern))
    kind = facts.kind or readable_kind(facts.name)
    if kind is not None:
        value = _kind_value(facts, kind)
        if value is not None:
            return value
    maximum = facts.max_length
    if facts.unique:
        key = facts.name
        prefix = key if maximum is None else key[: max(maximum - 7, 0)]
        return Sequence(lambda n: f"{prefix}{n}"[: maximum or None])
    low = max(facts.min_length or 1, 1)
    high = max(min(maximum or max(low, 20), max(low, 20)), low)
    return Faker("pystr", min_chars=low, max_chars=high)


def _boolean(facts: FieldFacts) -> BaseDeclaration | None:
    return Faker("pybool")


def _bounds(facts: FieldFacts, low: Number, high: Number) -> tuple[Number, Number]:
    if facts.low is not None:
        low = facts.low
    if facts.high is not None:
        high = facts.high
    return low, max(high, low)


def _integer(facts: FieldFacts) -> BaseDeclaration | None:
    low, high = _bounds(facts, 0, 9999)
    if facts.unique:
        return Sequence(lambda n: low + n + 1)
    return Faker("pyint", min_value=low, max_value=high)


def _float(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.unique:
        return Sequence(lambda n: float(n + 1))
    low, high = _bounds(facts, 0.0, 9999.0)
    return Faker("pyfloat", min_value=low, max_value=high, right_digits=3)


def _decimal(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.unique:
        return Sequence(lambda n: decimal.Decimal(n + 1))
    scale = 2 if facts.scale is None else facts.scale
    if facts.low is not None or facts.high is not None:
        low, high = _bounds(facts, 0, 9999)
        return Faker("pydecimal", right_digits=scale, min_value=low, max_value=high)
    precision = facts.precision or 10
    left = max(min(precision - scale, 6), 1)
    return Faker("pydecimal", left_digits=left, right_digits=scale, positive=True)


def _datetime(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.unique:
        zone = datetime.timezone.utc if facts.aware else None
        return Sequence(lambda n: (_EPOCH + datetime.timedelta(seconds=n)).replace(tzinfo=zone))
    return derived_datetime(facts.aware)


def _date(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.unique:
        return Sequence(lambda n: _EPOCH.date() + datetime.timedelta(days=n))
    return derived_date()


def _time(facts: FieldFacts) -> BaseDeclaration | None:
    return derived_time()


def _random_timedelta() -> datetime.timedelta:
    # factory_boy's own random, so ``reseed_random`` / ``--factory-seed`` replay it.
    return datetime.timedelta(seconds=randgen.randint(0, 30 * 86400))


def _timedelta(facts: FieldFacts) -> BaseDeclaration | None:
    return LazyFunction(_random_timedelta)


def _uuid(facts: FieldFacts) -> BaseDeclaration | None:
    return Faker("uuid4", cast_to=None)


def _bytes(facts: FieldFacts) -> BaseDeclaration | None:
    if facts.unique:
        key = facts.name
        return Sequence(lambda n: f"{key}-{n}".encode())
    return Faker("binary", length=min(facts.max_length or 16, 16))


def _mapping(facts: FieldFacts) -> BaseDeclaration | None:
    return Faker("pydict", nb_elements=3, value_types=[str, int])


def _sequence(facts: FieldFacts) -> BaseDeclaration | None:
    item = None if facts.item is None else value_for(facts.item)
    if item is None:
        return None
    return List([item] * max(facts.min_length or 2, 1))


def _enumeration(facts: FieldFacts) -> BaseDeclaration | None:
    kind = facts.python_type
    assert kind is not None  # looked up by it
    return Faker("random_element", elements=list(kind))  # type: ignore[call-overload]  # an Enum class


#: The table: a type to a provider (see the module docstring). Projects add their own keys.
FIELD_PROVIDERS: dict[type, Provider | BaseDeclaration] = {
    enum.Enum: _enumeration,
    bool: _boolean,
    int: _integer,
    float: _float,
    decimal.Decimal: _decimal,
    str: _text,
    bytes: _bytes,
    datetime.datetime: _datetime,
    datetime.date: _date,
    datetime.time: _time,
    datetime.timedelta: _timedelta,
    uuid.UUID: _uuid,
    dict: _mapping,
    list: _sequence,
}


def provider_keys(facts: FieldFacts) -> Iterator[type]:
    """The keys :func:`value_for` tries, in order: the class of the schema's type (along
    its MRO), then the Python type (an enum first as an ``Enum``, whatever it mixes in)."""
    source = facts.source
    if source is not None and not isinstance(source, type):
        yield from type(source).__mro__[:-1]
    kind = facts.python_type
    if kind is None:
        return
    mro = kind.__mro__
    if issubclass(kind, enum.Enum):
        yield kind
        yield enum.Enum
    yield from mro


def value_for(facts: FieldFacts) -> BaseDeclaration | None:
    """A declaration for a valid value of the field, or ``None`` if the table has none."""
    for key in provider_keys(facts):
        entry = FIELD_PROVIDERS.get(key)
        if entry is None:
            continue
        if isinstance(entry, BaseDeclaration):
            return entry
        value = entry(facts)
        if value is not None:
            return value
    return None
