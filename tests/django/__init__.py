"""Tests of the Django backend, run with their own settings (``--ds=tests.django.settings``)."""
