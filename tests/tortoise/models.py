"""Tortoise models of the backend's tests: foreign keys, one-to-one, many-to-many, UUID keys."""

from __future__ import annotations

import uuid

from tortoise import fields
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


TABLES = [
    "afb_token",
    "afb_profile",
    "afb_user_tag",
    "afb_user",
    "afb_tag",
    "afb_company",
    "afb_audited",
]
