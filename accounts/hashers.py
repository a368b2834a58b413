from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1 by default), from settings.

    A distinct algorithm name would orphan existing hashes; Django's own "argon2"
    name is kept so that changing the cost re-hashes on the next sign-in
    (must_update compares parameters)."""

    time_cost = settings.ARGON2_TIME_COST
    memory_cost = settings.ARGON2_MEMORY_COST_KIB
    parallelism = settings.ARGON2_PARALLELISM
