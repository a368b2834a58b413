"""OneRoster 1.1 and 1.2 CSV import (bulk and delta); see directory/sync/README.md.

Files used: manifest, orgs, academicSessions, courses (titles only), classes, users,
enrollments and, for 1.2, roles (which carries each user's role and orgs). Other files
in the package are ignored.

The package, in the order a run uses it:

* ``schema``: columns, the role map and one typed record per entity;
* ``manifest``: the version and each file's mode;
* ``snapshot``: what the directory holds, keyed as the files key it;
* ``reading``: the run's state and the rules every file follows;
* ``orgs``, ``classes``, ``roles``, ``users``, ``enrollments``: one group of files each;
* ``apply``: the plan (create / update / deactivate) and the writes;
* ``importer``: the steps in order.

Errors:

* Fatal in every mode (the run applies nothing): no or unreadable manifest.csv, an
  unknown version, a file listed in the manifest but missing (or supplied but marked
  absent), a missing required column, a duplicated header, malformed quoting,
  non-UTF-8 bytes, a bulk file with no data rows while the directory holds active rows.
* Row errors (a bad value, a duplicated sourcedId, a reference to an unknown or
  held-back row, a username collision, an identifier that cannot form a username, more
  fields than the header): that row is held back, in bulk and delta files alike, and
  the rest is applied. The record a held-back row names stays exactly as it was: a
  bulk file does not deactivate it. Rows that depend on it are held back with it.

Ownership: only people whose ``source_system`` is OneRoster are deactivated by a bulk
users file. A teacher/staff row whose identifier matches an HR-owned employee is linked
to that person (enrollments point at it) and writes nothing HR owns.
"""

from __future__ import annotations

from directory.sync.oneroster.importer import sync_oneroster

__all__ = ["sync_oneroster"]
