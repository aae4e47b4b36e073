"""URLs of the test project: one async view, tested the way docs/django.md shows."""

from django.urls import path

from tests.django.testapp import views

urlpatterns = [path("companies/<slug:slug>/users/", views.company_users)]
