"""Import of the membership registry's CSV export into the registry (`Organization`).

One path for the `import_orgs` command, the admin upload form and the demo seed. The file is
what Excel in Russia writes: comma- or semicolon-separated, UTF-8 (with or without a BOM) or
Windows-1251, CRLF line endings. Rows are upserted by `code` and validated with the model's own
rules (`full_clean()`); an invalid row is reported with its line number and a reason in Russian
and the valid rows are still imported, all of them in one transaction.

Rows are saved parents first, whatever their order in the file, so that each row is validated
against its parent as the import leaves it, and the model's uniqueness constraints (one
regional organization, a hostname for one organization only) against the registry as the rows
before it left it: a second regional organization or a hostname used twice in the file is
refused like one already in the registry. A dry run does the same work and rolls the
transaction back, so it reports exactly what the import would do.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.log_actions import get_active_log_context
from wagtail.models import ModelLogEntry

from directory.registry_file import (
    COLUMN_FOR_FIELD,
    IMPORTED_FIELDS,
    PLAIN_FIELDS,
    THOUSANDS_SEPARATORS,
    SourceRow,
    parse_file,
    rows_from_mappings,
)
from home.search_index import index_in_batches, per_save_indexing_paused

from .models import Organization


class RowError(NamedTuple):
    line: int  # the physical line of the file; the header is line 1
    code: str
    message: str

    def __str__(self):
        where = f"код {self.code}" if self.code else "без кода"
        return f"строка {self.line} ({where}): {self.message}"


@dataclass
class ImportResult:
    dry_run: bool = False
    total: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def summary(self):
        return (
            f"Создано: {len(self.created)}, обновлено: {len(self.updated)}, "
            f"без изменений: {len(self.unchanged)}, ошибок: {len(self.errors)}"
        )


# Importing ----------------------------------------------------------------------------------


def import_file(source, *, dry_run=False, progress=None):
    """Parse and import a registry export (see `parse_file` for `source`)."""
    return import_rows(parse_file(source), dry_run=dry_run, progress=progress)


def import_rows(
    rows: Iterable[SourceRow | Mapping[str, str]],
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create or update organizations by code. Invalid rows are reported and skipped; the valid
    ones are saved in one transaction (rolled back when `dry_run`). `progress(done, total)` is
    called after each row."""
    rows = list(rows)
    if rows and not isinstance(rows[0], SourceRow):
        rows = rows_from_mappings(rows)
    result = ImportResult(dry_run=dry_run, total=len(rows))
    for row in rows:
        row.problem = row.problem or check_row(row)
    by_code, repeated = index_codes(rows)
    ordered = order_parents_first(rows, by_code)
    with transaction.atomic():
        registry = RegistryState({row.code for row in rows} | {row.parent_code for row in rows})
        with per_save_indexing_paused(Organization):
            for done, row in enumerate(ordered, start=1):
                problem = (
                    row.problem
                    or parent_problem(row, by_code, repeated, registry)
                    or save_row(row, registry, result)
                )
                if problem:
                    result.errors.append(RowError(row.line, row.code, problem))
                if progress:
                    progress(done, len(ordered))
        if dry_run:
            transaction.set_rollback(True)
        elif result.created or result.updated:
            created = [registry.saved[code] for code in result.created]
            updated = [registry.saved[code] for code in result.updated]
            write_history(created, updated)
            index_in_batches(created + updated)
    result.errors.sort()
    return result


def write_history(created, updated):
    """Entries in each organization's history, as the admin's create and edit views log them
    (by the user of the request, if any), in one batch: `log()` costs ~8 ms an entry."""
    context = get_active_log_context()
    content_type = ContentType.objects.get_for_model(Organization)
    timestamp = timezone.now()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                object_id=str(organization.pk),
                label=str(organization),
                action=action,
                content_changed=True,
                timestamp=timestamp,
                user=context.user,
                uuid=context.uuid,
            )
            for organizations, action in ((created, "wagtail.create"), (updated, "wagtail.edit"))
            for organization in organizations
        ],
        batch_size=500,
    )


class RegistryState:
    """The registry as the import goes: organizations by code (read once, then as saved), and
    who holds each hostname and the base domain (the regional organization without a
    hostname). The model's uniqueness constraints are checked against this rather than with
    three queries per row: the same rules and messages, and a 2,000-row file is checked in
    seconds instead of minutes."""

    def __init__(self, codes):
        self.existing = Organization.objects.in_bulk(list(codes - {""}), field_name="code")
        self.saved = {}  # code -> organization saved (or found unchanged) by this import
        self.hostnames = dict(
            Organization.objects.exclude(hostname="").values_list("hostname", "code")
        )
        # The regional organization on the platform's base domain (one at most).
        self.regional = (
            Organization.objects.filter(kind=Organization.Kind.REGIONAL, hostname="")
            .values_list("code", flat=True)
            .first()
        )

    def get(self, code):
        return self.saved.get(code) or self.existing.get(code)

    def violates(self, constraint, organization):
        """Whether a uniqueness constraint this class keeps track of is violated; None for a
        constraint it does not know."""
        if constraint.name == "directory_one_regional_on_base_domain":
            return _on_base_domain(organization) and self.regional not in (
                None,
                organization.code,
            )
        if constraint.name == "directory_unique_hostname":
            holder = self.hostnames.get(organization.hostname, organization.code)
            return bool(organization.hostname) and holder != organization.code
        return None

    def remember(self, organization, previous_hostname):
        code = organization.code
        self.saved[code] = organization
        if previous_hostname != organization.hostname:
            if self.hostnames.get(previous_hostname) == code:
                del self.hostnames[previous_hostname]
            if organization.hostname:
                self.hostnames[organization.hostname] = code
        if _on_base_domain(organization):
            self.regional = code
        elif self.regional == code:
            self.regional = None


def _on_base_domain(organization):
    return organization.kind == Organization.Kind.REGIONAL and not organization.hostname


def check_row(row):
    """What is wrong with a row on its own, before the model's rules, or None."""
    if not row.code:
        return f"{label('code')}: Не указан — строку не с чем сопоставить в реестре."
    kind = row.values["kind"]
    if kind.lower() not in Organization.Kind.values:
        shown = f"Неизвестный вид «{kind}»" if kind else "Не указан"
        return f"{label('kind')}: {shown}; допустимы regional, territorial, primary."
    members = row.values["members"]
    if not re.fullmatch(r"(-?\d+)?", THOUSANDS_SEPARATORS.sub("", members)):
        return f"{label('members_count')}: «{members}» — не целое число."
    return None


def index_codes(rows):
    """Rows by code, and the lines of codes found on more than one line: all those rows are
    refused, since the file does not say which of them is right."""
    lines = defaultdict(list)
    for row in rows:
        if row.code:
            lines[row.code].append(row.line)
    repeated = {code: found for code, found in lines.items() if len(found) > 1}
    for row in rows:
        if row.code in repeated and not row.problem:
            others = ", ".join(str(line) for line in repeated[row.code] if line != row.line)
            row.problem = (
                f"Код {row.code} повторяется в файле (также в строке {others}); "
                "ни одна из этих строк не загружена."
            )
    by_code = {row.code: row for row in rows if row.code and row.code not in repeated}
    return by_code, repeated


def order_parents_first(rows, by_code):
    """The rows with every parent defined in the file before its children, in file order
    otherwise. Rows whose parent codes run in a loop are refused."""
    depth = {}  # code -> number of ancestors defined in the file
    for row in rows:
        path, on_path = [], set()
        current = row
        while current is not None and current.code not in depth:
            if current.code in on_path:
                loop = path[path.index(current) :]
                chain = " → ".join(member.code for member in [*loop, current])
                for member in loop:
                    member.problem = member.problem or (
                        f"Вышестоящие организации ссылаются друг на друга по кругу: {chain}."
                    )
                    depth[member.code] = 0
                path = path[: path.index(current)]
                break
            path.append(current)
            on_path.add(current.code)
            parent = by_code.get(current.parent_code)
            current = parent if parent is not current else None
        level = depth[current.code] if current is not None else -1
        for member in reversed(path):
            level += 1
            depth[member.code] = level
    return sorted(rows, key=lambda row: depth.get(row.code, 0))


def parent_problem(row, by_code, repeated, registry):
    """Why the row's parent cannot be used, or None."""
    code = row.parent_code
    if not code or code in registry.saved:
        return None
    if code == row.code:
        return f"{label('parent')}: Организация не может быть вышестоящей для себя."
    if code in repeated:
        lines = ", ".join(map(str, repeated[code]))
        return f"Вышестоящая организация {code} не загружена: её код повторяется (строки {lines})."
    if code in by_code:
        return (
            f"Вышестоящая организация {code} не загружена из-за ошибки в строке "
            f"{by_code[code].line}."
        )
    if registry.get(code) is None:
        return f"{label('parent')}: Организация с кодом {code} не найдена ни в файле, ни в реестре."
    return None


def save_row(row, registry, result):
    """Validate one row with the model's rules and save it if it changes anything. Returns the
    problem, or None."""
    values = row.values
    members = THOUSANDS_SEPARATORS.sub("", values["members"])
    wanted = {name: values[name] for name in PLAIN_FIELDS}
    wanted["kind"] = values["kind"].lower()
    wanted["members_count"] = int(members) if members else None
    parent = registry.get(row.parent_code) if row.parent_code else None

    organization = registry.existing.get(row.code)
    is_new = organization is None
    if is_new:
        organization = Organization(code=row.code)
    previous_hostname = organization.hostname
    changed = [name for name, value in wanted.items() if getattr(organization, name) != value]
    for name in changed:
        setattr(organization, name, wanted[name])
    if organization.parent_id != (parent.pk if parent else None):
        changed.append("parent")
    # The parent as this import left it (its kind may have just changed), without a query.
    organization.parent = parent

    try:
        validate(organization, registry)
    except ValidationError as error:
        if not is_new:
            organization.refresh_from_db()  # keep the registry's values, in memory too
        return describe(error)

    if is_new:
        organization.save()
        result.created.append(row.code)
    elif changed:
        organization.save(update_fields=changed)
        result.updated.append(row.code)
    else:
        result.unchanged.append(row.code)
    registry.remember(organization, previous_hostname)
    return None


# Left out of the field checks: fields the import does not set (site, collection…), and the
# parent, which the import has just found (checking it would cost a query per row).
NOT_CHECKED = [f.name for f in Organization._meta.fields if f.name not in IMPORTED_FIELDS]
NOT_CHECKED.append("parent")


def validate(organization, registry):
    """`full_clean()` as the admin's form runs it, except that uniqueness is checked against
    the RegistryState: codes are unique by construction (looked up, repeats refused), and the
    conditional unique constraints are checked in memory."""
    errors = {}
    try:
        organization.full_clean(
            exclude=NOT_CHECKED, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for constraint in Organization._meta.constraints:
        if constraint.name == "directory_parent_matches_kind":
            continue  # the same rule as Organization.clean(), whose message is clearer
        violated = registry.violates(constraint, organization)
        if violated is None:  # a constraint added later: checked by Django, with a query
            try:
                constraint.validate(Organization, organization, exclude=NOT_CHECKED)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        elif violated:
            errors.setdefault(NON_FIELD_ERRORS, []).append(constraint.get_violation_error_message())
    if errors:
        raise ValidationError(errors)


def describe(error):
    """A ValidationError as one line: «Field (column): message. Field (column): message.»"""
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{label(name)}: {text}")
    return " ".join(parts)


def label(name):
    """How a message names a field: its Russian name and the file's column, e.g.
    «Членов профсоюза (members)»."""
    verbose_name = Organization._meta.get_field(name).verbose_name
    return f"{capfirst(verbose_name)} ({COLUMN_FOR_FIELD.get(name, name)})"
