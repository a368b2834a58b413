"""Put back the rows data migrations seed, for transactional tests.

A transactional test (TransactionTestCase, django_db(transaction=True), the browser
suite's live server) ends with a flush that empties every table, so a later one finds
no challenge questions and no apps. The seed functions are idempotent."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

SEED_MIGRATIONS = [
    ("accounts.migrations.0002_seed_challenge_questions", "seed"),
    ("accounts.migrations.0004_impersonal_spanish_questions", "reword"),
    ("sso.migrations.0002_demo_apps", "seed"),
    ("support.migrations.0002_categories", "seed"),
    ("support.migrations.0006_equipment_catalog", "seed"),
    ("support.migrations.0008_sign_in_articles", "seed"),
]


def restore_seed_data() -> None:
    for module_name, function_name in SEED_MIGRATIONS:
        getattr(importlib.import_module(module_name), function_name)(django_apps, None)
