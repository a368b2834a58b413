"""The portal keeps no rows of its own: the launchpad shows the app registry
(sso.models.App)."""

from __future__ import annotations

from sso.models import validate_launch_url


def validate_tile_url(value: str) -> None:
    """Named by the migration that created the earlier app tiles."""
    validate_launch_url(value)
