"""Onboarding many organizations at once in parallel worker processes (PostgreSQL).

Each organization is still onboarded by `onboard()`, in one transaction of its own. What
workers would race for is reserved before they start:

- **Tree paths.** A site's home page is a new last child of Wagtail's root, and its
  collection one of the root collection; treebeard finds the next path from the last child
  committed, so two transactions would pick the same one (and the root's `numchild`, which
  each would update, would hold every other worker until the first one commits). Each
  organization gets its paths here (`Slot`), the roots' `numchild` is counted once at the end.
- **Hostnames.** A derived hostname is checked free, then taken: two organizations with the
  same short name («ППО СОШ № 1» is in many districts) would pick the same one at once. Those
  without a hostname get theirs in the registry first, one after the other, as onboarding
  would derive it. Should a race still be lost (someone making a site in the admin meanwhile),
  the loser's transaction fails on the unique hostname, changes nothing, and is tried again.

A run is restartable: an organization that failed has no site and is taken by the next run
(`without_site()`); paths reserved for it and left unused are a gap in the tree, which
treebeard allows. SQLite has one writer at a time: there a run is serial.
"""

import multiprocessing
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, connections
from django.db.models import F, Q
from wagtail.models import Collection, Page

from directory.models import Organization
from sites.network.building import count_children, reserved_paths
from sites.network.rights import reconcile_rights
from sites.onboarding.services import TemplateSnapshot, derive_hostname_label, onboard

# A lost race (a hostname taken meanwhile, a right granted by the parent's run at once) or a
# deadlock is retried: the transaction changed nothing, the next attempt sees the winner's.
ATTEMPTS = 3


@dataclass(frozen=True)
class Slot:
    home_path: str
    collection_path: str


@dataclass(frozen=True)
class Outcome:
    """What became of one organization: `url` of its site, or the Russian `error`."""

    organization_id: int
    label: str  # «code name»
    url: str = ""
    created: tuple = ()
    invited: tuple = ()
    error: str = ""


def reserve_slots(count):
    """`count` Slots after the last site's home page and the last collection. The roots'
    `numchild` is raised by `count` at once (counted again when the run ends): a root that
    looked childless would make treebeard give its next child the first path, taken."""
    slots = []
    for model in (Page, Collection):
        root = model.get_first_root_node()
        slots.append(reserved_paths(model, root, count))
        model.objects.filter(pk=root.pk).update(numchild=F("numchild") + count)
    return [Slot(home, collection) for home, collection in zip(*slots, strict=True)]


def reserve_hostnames(organizations):
    """Give those of `organizations` without a hostname the one onboarding would derive, in
    the registry (as onboarding writes it: no registry signals), one at a time; the ids of
    those given one (taken back if their onboarding fails: `release_hostname()`). Only those
    onboarding can take: a primary or territorial organization needs its parent."""
    reserved = set()
    for organization in organizations:
        if organization.full_hostname():
            continue
        if organization.kind != Organization.Kind.REGIONAL and not organization.parent_id:
            continue
        organization.hostname = derive_hostname_label(organization)
        Organization.objects.filter(pk=organization.pk).update(hostname=organization.hostname)
        reserved.add(organization.pk)
    return reserved


def release_hostname(organization_id):
    """Onboarding failed: the registry entry goes back to having no hostname."""
    Organization.objects.filter(pk=organization_id, site__isnull=True).update(hostname="")


def onboard_one(organization_id, *, template, slot=None, then=None):
    """Onboard one organization, retrying a lost race; its Outcome (never raises for it).
    `then(organization)`, if given, runs after a success (a benchmark adds news with it)."""
    organization = Organization.objects.get(pk=organization_id)
    label = f"{organization.code} {organization}"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = onboard(organization, template=template, slot=slot)
            break
        except ValidationError as error:
            return Outcome(organization_id, label, error=" ".join(error.messages))
        except (IntegrityError, OperationalError) as error:  # a lost race, a deadlock
            if attempt == ATTEMPTS:
                return Outcome(organization_id, label, error=f"не удалось: {error}")
            organization = Organization.objects.get(pk=organization_id)
            slot = None  # in case the race was for its reserved path: found afresh
    organization.refresh_from_db()
    if then is not None:
        then(organization)
    return Outcome(
        organization_id,
        label,
        url=f"{organization.site.root_url}/" if organization.site_id else "",
        created=tuple(result.created),
        invited=tuple(user.email for user in result.invited),
    )


def onboard_all(organizations, *, workers=1, then=None):
    """Onboard `organizations` (a list), yielding an Outcome for each as it is done, by
    `workers` processes at once on PostgreSQL (one on SQLite); `then` as `onboard_one()`."""
    template = TemplateSnapshot.take()
    if workers <= 1 or len(organizations) <= 1 or connection.vendor != "postgresql":
        for organization in organizations:
            yield onboard_one(organization.pk, template=template, then=then)
        return
    reserved = reserve_hostnames(organizations)
    jobs = list(
        zip([org.pk for org in organizations], reserve_slots(len(organizations)), strict=True)
    )
    global _job  # noqa: PLW0603 - inherited by the forked workers, not pickled
    _job = {"template": template, "then": then}
    connections.close_all()  # each worker opens its own connection
    done = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for outcome in pool.imap_unordered(_work, jobs):
                if outcome.error and outcome.organization_id in reserved:
                    release_hostname(outcome.organization_id)
                done.append(outcome.organization_id)
                yield outcome
    finally:
        _job = None
        count_children(Page, Page.get_first_root_node())
        count_children(Collection, Collection.get_first_root_node())
        reconcile_territorial_rights(done)


def reconcile_territorial_rights(organization_ids):
    """A territorial organization and a primary of it onboarded at once each read the other
    as without a site, and its group would miss its rights on that primary's site: the
    territorial organizations of the run, and the parents of its primaries, are reconciled
    once every worker is done."""
    territorials = Organization.objects.filter(kind=Organization.Kind.TERRITORIAL).filter(
        Q(pk__in=organization_ids) | Q(children__pk__in=organization_ids)
    )
    for territorial in territorials.distinct().select_related("editors_group", "site"):
        reconcile_rights(territorial)


_job = None


def _work(job):
    organization_id, slot = job
    try:
        return onboard_one(organization_id, slot=slot, **_job)
    finally:
        connections.close_all()
