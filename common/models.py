from __future__ import annotations

from django.db import models


class ThrottleCounter(models.Model):
    """One attempt counter of common.throttle, when counters are kept in the database
    (no Redis). `key` is a hash of the scope and what is counted; `expires` is the
    Unix time the counter's window ends."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
