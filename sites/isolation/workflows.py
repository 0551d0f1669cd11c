"""Workflows: their views and reports answer only for the user's own pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.models import Page, TaskState, Workflow, WorkflowState
from wagtail.permissions import policy_registry

# Workflow views ------------------------------------------------------------------------------

WORKFLOW_VIEWS = {
    "workflow_action",
    "collect_workflow_action_data",
    "confirm_workflow_cancellation",
    "workflow_preview",
    "workflow_history_detail",
}


class WorkflowViewsGuard:
    """Wagtail's workflow views (action, its data form, the cancellation notice, the task
    preview, a history entry) name the page, its draft title included, before they check who
    asks, and act on any task state id given with any page id. Here they answer only for pages
    the user may edit or review, and for task and workflow states of that very page (404
    otherwise, as for a page that does not exist)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = request.user
        if match is None or not user.is_authenticated or user.is_superuser:
            return None  # Wagtail's own login check applies
        if "wagtailadmin_workflows" in match.namespaces and _is_task_chooser(match.url_name):
            # It lists every organization's tasks (and may create one): for workflow managers.
            policy = policy_registry.get_by_type(Workflow)
            if not policy.user_has_any_permission(user, ["add", "change"]):
                raise PermissionDenied
            return None
        if match.url_name not in WORKFLOW_VIEWS or "wagtailadmin_pages" not in match.namespaces:
            return None
        page = Page.objects.filter(pk=view_kwargs.get("page_id")).first()
        if page is None or not _may_work_on(page.specific, user):
            raise Http404
        states = _workflow_states(page)
        task_state = view_kwargs.get("task_state_id")
        if task_state is not None and not (
            TaskState.objects.filter(workflow_state__in=states, pk=task_state).exists()
        ):
            raise Http404
        workflow_state = view_kwargs.get("workflow_state_id")
        if workflow_state is not None and not states.filter(pk=workflow_state).exists():
            raise Http404
        return None


def _is_task_chooser(url_name):
    return (url_name or "").startswith("task_chooser") or url_name == "task_chosen"


def _workflow_states(page):
    return WorkflowState.objects.for_instance(page)


def _may_work_on(page, user):
    """May edit the page, or review it in the task it waits in."""
    if page.permissions_for_user(user).can_edit():
        return True
    state = page.current_workflow_task_state
    return state is not None and bool(state.task.specific.get_actions(page, user))
