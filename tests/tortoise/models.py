"""Tortoise models of the backend's tests: foreign keys, one-to-one, many-to-many, UUID keys."""

from __future__ import annotations

import enum
import uuid
from decimal import Decimal

from tortoise import fields
from tortoise.exceptions import ValidationError
from tortoise.models import Model


class Company(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)

    class Meta:
        table = "afb_company"


class Tag(Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=50)

    class Meta:
        table = "afb_tag"


class User(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=100, unique=True)
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="users"
    )
    tags: fields.ManyToManyRelation[Tag] = fields.ManyToManyField(
        "models.Tag", related_name="users", through="afb_user_tag"
    )

    class Meta:
        table = "afb_user"


class Profile(Model):
    id = fields.IntField(primary_key=True)
    bio = fields.CharField(max_length=200)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="profile"
    )

    class Meta:
        table = "afb_profile"


class Token(Model):
    """A key the application generates (UUID): Tortoise's bulk_create needs no key back."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    value = fields.CharField(max_length=50)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens"
    )

    class Meta:
        table = "afb_token"


class Audited(Model):
    """A model with a save() of its own: a bulk insert would skip it."""

    id = fields.IntField(primary_key=True)
    note = fields.CharField(max_length=50)
    saves = fields.IntField(default=0)

    class Meta:
        table = "afb_audited"

    async def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.saves += 1
        await super().save(*args, **kwargs)


class Status(str, enum.Enum):
    DRAFT = "draft"
    LIVE = "live"


class UpperTextField(fields.TextField):
    """A field that checks in ``validate`` itself, without validators."""

    def validate(self, value: object) -> None:
        if isinstance(value, str) and value != value.upper():
            raise ValidationError(f"{self.model_field_name}: {value!r} is not upper case")
        super().validate(value)


class Article(Model):
    """Every kind of value ``Model.__init__`` treats its own way: constant, mutable (deep-copied)
    and callable defaults, converted values (Decimal, enum, datetimes), ``auto_now`` fields,
    validators, a required and a nullable relation."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    slug = fields.CharField(max_length=60, unique=True)
    words = fields.IntField(default=0)
    price = fields.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1.50"))
    published = fields.BooleanField(default=False)
    data = fields.JSONField(default={"tags": []})
    extra = fields.JSONField(default=dict)
    status = fields.CharEnumField(Status, default=Status.DRAFT)
    created = fields.DatetimeField(auto_now_add=True)
    updated = fields.DatetimeField(auto_now=True)
    note = fields.TextField(null=True)
    motto = UpperTextField(default="HELLO")
    company: fields.ForeignKeyRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="articles"
    )
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviews", null=True
    )

    class Meta:
        table = "afb_article"


class Counter(Model):
    """A value left to the database (``db_default``): the batch saves it object by object."""

    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20)
    value = fields.IntField(db_default=7)

    class Meta:
        table = "afb_counter"


async def _next_code() -> str:
    return "async"


class Coded(Model):
    """An ``async`` default: ``Model.__init__`` leaves it for ``save()``."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, default=_next_code)

    class Meta:
        table = "afb_coded"


class OwnInit(Model):
    """A constructor of its own: always called."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)

    class Meta:
        table = "afb_own_init"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.name = f"{self.name}!"


TABLES = [
    "afb_article",
    "afb_counter",
    "afb_coded",
    "afb_own_init",
    "afb_token",
    "afb_profile",
    "afb_user_tag",
    "afb_user",
    "afb_tag",
    "afb_company",
    "afb_audited",
]
