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
