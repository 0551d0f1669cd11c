from wagtail.admin.forms import WagtailAdminPageForm


class EventPageForm(WagtailAdminPageForm):
    """Tells a new event its parent before validation, so that the registration form chosen
    (an id from the request) can be checked to be on the event's own site."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if parent_page is not None:
            self.instance._event_parent = parent_page
