from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from directory.models import Organization
from home.tree_top import top_of


class NewsPageForm(WagtailAdminPageForm):
    """«На сайты организаций» only on the sites of the organizations that have some below
    (the regional and territorial ones). Elsewhere the flag would show nowhere (the news from
    above are read from a site's parent and grandparent in the registry only), so an editor
    is told rather than left wondering."""

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("show_on_sites_below"):
            parent = self.parent_page or self.instance.get_parent()
            kind = (
                Organization.objects.filter(site__root_page__path=top_of(parent.path))
                .values_list("kind", flat=True)
                .first()
            )
            if kind not in (Organization.Kind.REGIONAL, Organization.Kind.TERRITORIAL):
                self.add_error(
                    "show_on_sites_below",
                    _(
                        "Only the regional and territorial organizations send news to the "
                        "sites of the organizations below."
                    ),
                )
        return cleaned_data
