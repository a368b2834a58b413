"""Settings of the servers in accounts/tests/test_bursts.py: the portal's own, with a
hasher that notes every Argon2 run in a file (accounts/tests/noting_hasher.py), so a
test can count how many attempts reached the password check."""

import os

from hallpass.settings import *  # noqa: F403

PASSWORD_HASHERS = ["accounts.tests.noting_hasher.NotingArgon2Hasher"]
HASH_LOG = os.environ["HALLPASS_TEST_HASH_LOG"]
