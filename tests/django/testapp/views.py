"""An async view, to show a Django async view test built with the factories."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from .models import User


async def company_users(request: HttpRequest, slug: str) -> JsonResponse:
    """List the usernames of a company's users, read with the async ORM."""
    names = [
        user.username async for user in User.objects.filter(company__slug=slug).order_by("username")
    ]
    return JsonResponse({"company": slug, "users": names})
