from django.db import models


class OutboxMessage(models.Model):
    """An email the demo "sent": stored instead of delivered, readable by staff."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField(max_length=255)
    to = models.TextField(help_text="Comma-separated recipients")
    subject = models.CharField(max_length=998)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
