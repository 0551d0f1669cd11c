from wagtail.admin.forms import WagtailAdminPageForm


class PublicReportPageForm(WagtailAdminPageForm):
    """Tells a new report its parent before validation, so the model's one-report-per-year
    rule can be checked before the page exists in the tree."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if parent_page is not None:
            self.instance._report_parent = parent_page
