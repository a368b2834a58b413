"""HR CSV import for employees.

The HR export is one CSV file, always a full (bulk) list. Columns, found by header name
(case-insensitive; rename them with ``settings.HR_CSV_COLUMNS``, e.g.
``{"employee_id": "Emp No"}``):

=======================  ===  ===========================================================
column                   req  meaning
=======================  ===  ===========================================================
employee_id              *    digits, zero-padded to EMPLOYEE_ID_DIGITS ("77777" -> 077777)
first_name, last_name    *    legal names
middle_name                   middle name
preferred_first_name          the name the person goes by
email                         district email address (username recovery uses it)
job_title                     free text
location                      the person's org: an org sourcedId or an org identifier
                              (orgs come from the OneRoster sync)
supervisor_employee_id        the supervisor's employee ID (in this file or known already;
                              one who left before ever being imported means none)
hire_date                     YYYY-MM-DD or M/D/YYYY
termination_date              same; a date today or earlier means the person has left
status                        active (or empty), leave (still active), inactive or
                              terminated (has left)
role                          teacher, staff or administrator; empty keeps a known
                              person's role, new people get staff
=======================  ===  ===========================================================

Ownership: HR is authoritative for employees. A row matches an existing employee
(teacher, staff, administrator) by employee ID and takes it over (``source_system``
becomes hr; its sourcedId, account and enrollments stay). Otherwise a person
``hr:<employee id>`` is created. A bulk HR run deactivates only HR-owned people missing
from the file or marked as left. A row with an error is held back: the employee it
names stays exactly as the directory holds them, and the rest of the file applies.
"""

from __future__ import annotations

from directory.sync.hr.importer import sync_hr

__all__ = ["sync_hr"]
