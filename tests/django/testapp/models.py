"""Models the Django backend is tested on.

They cover what the factories must handle: a custom user model (``Password``), a foreign key
(``SubFactory``), a reverse relation (``RelatedFactory``), two unique fields (the
get-or-create ``IntegrityError`` fallback), file and image fields, a model with its own
``save()`` and a multi-table child (both of which a bulk insert would bypass).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    city = models.CharField(max_length=100, default="Paris")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE)
    bio = models.TextField(blank=True, default="")


class Post(models.Model):
    author = models.ForeignKey(User, related_name="posts", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    attachment = models.FileField(upload_to="attachments", blank=True)
    cover = models.ImageField(upload_to="covers", blank=True)


class Tag(models.Model):
    """A model whose ``save()`` does work a bulk insert would skip."""

    name = models.CharField(max_length=50)
    normalized = models.CharField(max_length=50, blank=True, default="")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalized = self.name.strip().lower()
        super().save(*args, **kwargs)


class Announcement(Post):
    """A multi-table child of ``Post``: Django cannot bulk-insert it."""

    pinned = models.BooleanField(default=False)


# -- models whose factories derive their fields (``Meta.auto_fields``) ------------------------


class Country(models.Model):
    code = models.CharField(max_length=8, unique=True)


class City(models.Model):
    name = models.CharField(max_length=60)
    country = models.ForeignKey(Country, on_delete=models.CASCADE)


class Profile(models.Model):
    """Many field kinds at once; every required one must be derived."""

    KIND_CHOICES = [("a", "Alpha"), ("b", "Beta")]

    handle = models.SlugField(max_length=40, unique=True)
    email = models.EmailField(unique=True)
    kind = models.CharField(max_length=1, choices=KIND_CHOICES)
    about = models.TextField()
    website = models.URLField()
    address = models.GenericIPAddressField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    ratio = models.FloatField()
    level = models.PositiveSmallIntegerField()
    active = models.BooleanField()
    born = models.DateField()
    seen = models.DateTimeField()
    wakes = models.TimeField()
    session = models.DurationField()
    token = models.UUIDField(unique=True)
    data = models.JSONField()
    blob = models.BinaryField()
    home = models.OneToOneField(City, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)
    nickname = models.CharField(max_length=20, null=True)
    rank = models.IntegerField(default=3)


# -- many-to-many filled by ``ManyToMany`` ------------------------------------------------------


class Label(models.Model):
    name = models.CharField(max_length=50)


class Article(models.Model):
    """A model whose many-to-many field ``ManyToMany`` fills (Django's own through model)."""

    title = models.CharField(max_length=100)
    labels = models.ManyToManyField(Label, blank=True)
    readers = models.ManyToManyField(User, through="Reading", blank=True)


class Reading(models.Model):
    """A through model of the project's own, which ``ManyToMany`` refuses to fill."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    minutes = models.IntegerField()
