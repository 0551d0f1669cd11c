"""Wagtail's and wagtail-localize's behaviour, wrapped where it crosses the tenant boundary.
Checked against Wagtail 8.0 and wagtail-localize 1.14."""

from wagtail.admin.filters import BaseMediaFilterSet
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.images.views.chooser import ImageChooseViewMixin
from wagtail.models import Page
from wagtail_localize.models import Translation

from sites.freshness.exports import csv_cell
from sites.isolation.tags import popular_visible_tags


def review_translations_of_reviewed_sites():
    """wagtail-localize's submit and update views publish the translations they make
    (`Translation.save_target(publish=True)`) without asking whether the user may publish.
    On a site under review its editors may not: their translations are saved as drafts and
    submitted to the page's workflow instead, like any other change of theirs."""
    original = Translation.save_target
    if getattr(original, "reviewed", False):
        return

    def save_target(self, user=None, publish=True):
        if not (publish and user is not None) or _may_publish(self, user):
            return original(self, user=user, publish=publish)
        result = original(self, user=user, publish=False)
        target = self.get_target_instance()
        if isinstance(target, Page):
            target = target.specific
            workflow = target.get_workflow()
            if workflow is not None and not target.workflow_in_progress:
                workflow.start(target, user)
        return result

    def _may_publish(translation, user):
        source = translation.source.get_source_instance()
        return not isinstance(source, Page) or source.permissions_for_user(user).can_publish()

    save_target.reviewed = True
    Translation.save_target = save_target


def scope_popular_tags():
    """The image and document listings' «tag» filter and the image chooser's popular tags
    offer the ten most used tags of the whole network, other organizations' private ones
    included; Wagtail computes them without the user. Recompute them for the user."""
    init = BaseMediaFilterSet.__init__
    if getattr(init, "scoped", False):
        return

    def __init__(self, *args, request=None, **kwargs):
        init(self, *args, request=request, **kwargs)
        if "tag" in self.filters and request is not None:
            tags = [tag.name for tag in popular_visible_tags(self._meta.model, request.user)]
            if tags:
                self.filters["tag"].extra["choices"] = [(name, name) for name in tags]
            else:
                del self.filters["tag"]

    __init__.scoped = True
    BaseMediaFilterSet.__init__ = __init__

    context = ImageChooseViewMixin.get_context_data

    def get_context_data(self, **kwargs):
        result = context(self, **kwargs)
        result["popular_tags"] = popular_visible_tags(self.model, self.request.user)
        return result

    ImageChooseViewMixin.get_context_data = get_context_data


def neutralise_csv_formulas():
    """Wagtail's CSV exports (its reports and ours) write text as it is, so a page title or
    an organization's name starting with `=` runs as a formula in a spreadsheet. Every cell
    goes through `freshness.csv_cell` (OWASP's quote). The XLSX export is safe already."""
    if getattr(SpreadsheetExportMixin.write_csv_row, "neutralised", False):
        return

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    write_csv_row.neutralised = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row


PATCHES = [review_translations_of_reviewed_sites, scope_popular_tags, neutralise_csv_formulas]

# The names the patches rely on: (module, attribute path), for tests/patches/test_patches.py.
PATCHED_NAMES = [
    ("wagtail_localize.models", "Translation.save_target"),
    ("wagtail.admin.filters", "BaseMediaFilterSet.__init__"),
    ("wagtail.images.views.chooser", "ImageChooseViewMixin.get_context_data"),
    ("wagtail.admin.views.mixins", "SpreadsheetExportMixin.write_csv_row"),
]
