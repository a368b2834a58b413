"""manifest.csv: the OneRoster version and, per file, bulk, delta or absent."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from directory.sync.oneroster.schema import MODES, USED_FILES, VERSIONS
from directory.sync.reader import Column, CsvFile, FileProblem, Package
from directory.sync.report import Problem

MANIFEST = "manifest.csv"


@dataclass
class Manifest:
    version: str = ""
    # Entity name ("users") -> "bulk", "delta" or "absent", for every file Hallpass reads.
    modes: dict[str, str] = field(default_factory=dict)
    # No manifest.csv (OneRoster 1.0): the version was read from the headers.
    inferred: bool = False

    @property
    def roles_on_users(self) -> bool:
        """1.0 and 1.1 give each user's role and orgs on users.csv; 1.2 in roles.csv."""
        return self.version in ("1.0", "1.1")

    def mode(self, entity: str) -> str:
        return self.modes.get(entity, "absent")

    def present(self, entity: str) -> bool:
        return self.mode(entity) != "absent"

    def bulk(self, entity: str) -> bool:
        return self.mode(entity) == "bulk"


def infer_manifest(package: Package) -> Manifest:
    """A package without manifest.csv, as OneRoster 1.0 wrote them: every file present
    is bulk, and the version is told by users.csv's header (1.1 added enabledUser;
    roles.csv is 1.2's)."""
    present = [entity for entity in (*USED_FILES, "roles") if package.has(f"{entity}.csv")]
    if "users" not in present:
        raise FileProblem(
            Problem(
                MANIFEST,
                None,
                None,
                _(
                    "A OneRoster package needs manifest.csv at its root (or, from "
                    "OneRoster 1.0, at least users.csv); neither was found."
                ),
            )
        )
    with CsvFile(package, "users.csv", [Column("enabledUser")]) as users:
        has_enabled = users.table.has("enabledUser")
    version = "1.2" if "roles" in present else "1.1" if has_enabled else "1.0"
    files = USED_FILES + (("roles",) if version == "1.2" else ())
    modes = {entity: "bulk" if entity in present else "absent" for entity in files}
    return Manifest(version=version, modes=modes, inferred=True)


def read_manifest(package: Package, problems: list[Problem]) -> Manifest:
    """The package's manifest; its problems (all fatal) go to ``problems``."""
    if not package.has(MANIFEST):
        return infer_manifest(package)
    props: dict[str, tuple[str, int]] = {}
    with CsvFile(
        package, MANIFEST, [Column("propertyName", True), Column("value", True)]
    ) as csv_file:
        for row in csv_file.rows(problems, fatal_rows=True):
            props[row.get("propertyName")] = (row.get("value"), row.line)

    def fail(line: int | None, prop: str, reason: str) -> None:
        problems.append(Problem(MANIFEST, line, prop, reason))

    manifest = Manifest()
    manifest_version = props.get("manifest.version")
    if manifest_version is None:
        fail(None, "manifest.version", _("The manifest.version property is missing."))
    elif manifest_version[0] != "1.0":
        fail(
            manifest_version[1],
            "manifest.version",
            _("Unknown manifest.version %(value)r; expected 1.0.") % {"value": manifest_version[0]},
        )
    version = props.get("oneroster.version")
    if version is None:
        fail(None, "oneroster.version", _("The oneroster.version property is missing."))
    elif version[0] not in VERSIONS:
        fail(
            version[1],
            "oneroster.version",
            _("Unknown OneRoster version %(value)r; Hallpass reads 1.0, 1.1 and 1.2.")
            % {"value": version[0]},
        )
    else:
        manifest.version = version[0]
    files = USED_FILES + (("roles",) if manifest.version == "1.2" else ())
    for entity in files:
        key = f"file.{entity}"
        value, line = props.get(key, ("absent", None))
        mode = value.casefold()
        if mode not in MODES:
            fail(
                line,
                key,
                _("Unknown mode %(value)r; expected bulk, delta or absent.") % {"value": value},
            )
            continue
        filename = f"{entity}.csv"
        supplied = package.has(filename)
        if mode != "absent" and not supplied:
            fail(
                line,
                key,
                _("The manifest lists %(file)s as %(mode)s but the package lacks it.")
                % {"file": filename, "mode": mode},
            )
        elif mode == "absent" and supplied:
            fail(
                line,
                key,
                _("%(file)s is in the package but the manifest marks it absent.")
                % {"file": filename},
            )
        manifest.modes[entity] = mode
    return manifest
