"""Review by the parent organization: «Проверка территориальной организацией».

A territorial organization can require that a primary's pages go live only after one of its
own editors approves them, switched per site in Settings → «Модерация» (the ModerationSettings
site setting; only the parent's editors and regional admins may change it, never the site's
own editors). When it is on:

* the primary's home page is assigned the parent's workflow, one per territorial organization,
  whose single Wagtail group-approval task is approved by the parent's editors' group (and by
  regional admins, so a submission is never stuck when the parent has no editor at hand);
* the primary's editors lose the right to publish on their own site (Wagtail's workflows don't
  stop a user who may publish), so they edit and submit; the parent's editors, who keep their
  rights on the primary's tree, approve, which publishes.

Turning it off removes the assignment and gives the publish right back. Wagtail's default
"Moderators approval" workflow is not assigned to the root on this platform (migration
sites 0002): review is opt-in and never goes to a network-wide group.
"""

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from directory.models import Organization
from sites.network.rights import reconcile_rights, review_required
from sites.network.roles import REGIONAL_ADMINS

WORKFLOW_NAME = "Проверка территориальной организацией"


def workflow_name(parent):
    return f"{WORKFLOW_NAME}: {parent.short_name or parent.name}"[:255]


def parent_workflow(parent):
    """The parent organization's review workflow, made (or repaired) on first use."""
    approvers = [parent.editors_group, Group.objects.filter(name=REGIONAL_ADMINS).first()]
    approvers = [group for group in approvers if group is not None]
    workflow = (
        Workflow.objects.filter(
            name__startswith=WORKFLOW_NAME,
            workflow_tasks__task__groupapprovaltask__groups=parent.editors_group,
        )
        .distinct()
        .first()
    )
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name(parent), active=True)
        task = GroupApprovalTask.objects.create(name=f"Одобрение: {parent.short_name}"[:255])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        task = GroupApprovalTask.objects.get(workflow_tasks__workflow=workflow)
        if not workflow.active:
            workflow.active = True
            workflow.save(update_fields=["active"])
    task.groups.set(approvers)
    return workflow


@transaction.atomic
def apply_review(organization):
    """Make the workflow assignment and the publish right match the site's setting."""
    if organization.home_page_id is None:
        return
    # The home page and its translations (the site in other languages, trees of their own).
    homes = list(
        Page.objects.filter(
            depth=2, translation_key=organization.home_page.translation_key
        ).values_list("pk", flat=True)
    )
    ours = WorkflowPage.objects.filter(page_id__in=homes, workflow__name__startswith=WORKFLOW_NAME)
    parent = organization.parent
    if review_required(organization) and parent and parent.editors_group_id:
        workflow = parent_workflow(parent)
        for home in homes:
            WorkflowPage.objects.update_or_create(page_id=home, defaults={"workflow": workflow})
    else:
        ours.delete()
    reconcile_rights(organization)
    move_reviews_in_progress(organization, homes)


def move_reviews_in_progress(organization, homes):
    """Reviews in progress on the site under another workflow than its own (the one of its
    previous parent, before a move) end; if the site is still reviewed, each page is submitted
    again, by the same person, to its current workflow. Until then the previous parent's
    editors would still see the page in their tasks, and open and save it."""
    trees = Q()
    for path in Page.objects.filter(pk__in=homes).values_list("path", flat=True):
        trees |= Q(path__startswith=path)
    if not trees:
        return
    pages = Page.objects.filter(trees).values_list(Cast("id", output_field=CharField()))
    current = WorkflowPage.objects.filter(page_id=organization.home_page_id).first()
    states = (
        WorkflowState.objects.active()
        .filter(base_content_type=ContentType.objects.get_for_model(Page), object_id__in=pages)
        .filter(workflow__name__startswith=WORKFLOW_NAME)
        .exclude(workflow_id=current.workflow_id if current else None)
        .select_related("requested_by")
    )
    for state in states:
        page = state.content_object.specific
        state.cancel(user=None)
        if current is not None and current.workflow.active:
            current.workflow.start(page, state.requested_by)


def on_settings_saved(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    organization = (
        Organization.objects.select_related("parent").filter(site_id=instance.site_id).first()
    )
    if organization is not None:
        apply_review(organization)
