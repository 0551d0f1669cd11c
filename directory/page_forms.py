from wagtail.admin.forms import WagtailAdminPageForm


class ContactsPageForm(WagtailAdminPageForm):
    """Pre-fills a new contacts page from the registry entry of the site it is created on."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if self.instance.pk or parent_page is None or self.is_bound:
            return
        # The registry entry of the site, by the reverse of Organization.site (a form module
        # the models module imports cannot import the models).
        site = parent_page.get_site()
        organization = getattr(site, "organization", None) if site else None
        if organization is None:
            return
        for name, value in organization.contact_defaults().items():
            if value and name in self.fields:
                self.initial[name] = value
