"""Wagtail's and treebeard's private names, used only through these functions.

Checked against Wagtail 8.0 and django-treebeard 5.3; tests/patches/test_patches.py fails when
one is gone, so an upgrade shows at once what to review.
"""

from django.http.request import split_domain_port
from wagtail.models import ReferenceIndex, Site
from wagtail.models.copying import _copy


def copy_unsaved(instance, *, exclude_fields, update_attrs):
    """An unsaved copy of a page and its child objects: `Page.copy()` saves and publishes one
    page at a time, which makes onboarding a whole site template slow."""
    return _copy(instance, exclude_fields=exclude_fields, update_attrs=update_attrs)


def extract_references(instance):
    """(content type id, object id, model path, content path) of each object `instance` refers
    to, as the reference index would record them; works on unsaved instances too, which is
    what the form checks need."""
    return ReferenceIndex._extract_references_from_object(instance)


def base_content_type(model_or_instance):
    """The content type the reference index files a model under (a page's: Page's)."""
    return ReferenceIndex._get_base_content_type(model_or_instance)


def next_child_path(model, parent, last_child):
    """The tree path of a new last child of `parent` (treebeard's own rule), without the
    sibling scan and re-sort of `add_child()`: hundreds of UPDATEs at national size."""
    if last_child is not None:
        return last_child._inc_path()
    return model._get_path(parent.path, parent.depth + 1, 1)


def find_site(request):
    """The site Wagtail finds for `request` (`Site.find_for_request` without keeping it on the
    request), by the raw Host header as Wagtail reads it (no ALLOWED_HOSTS check here)."""
    return Site._find_for_request(request)


def raw_hostname(request):
    """The request's hostname as `find_site()` reads it."""
    return split_domain_port(request._get_raw_host())[0]


PRIVATE_NAMES = [
    ("wagtail.models.sites", "Site._find_for_request"),
    ("django.http.request", "HttpRequest._get_raw_host"),
    ("wagtail.models.copying", "_copy"),
    ("wagtail.models.reference_index", "ReferenceIndex._extract_references_from_object"),
    ("wagtail.models.reference_index", "ReferenceIndex._get_base_content_type"),
    ("treebeard.mp_tree", "MP_Node._inc_path"),
    ("treebeard.mp_tree", "MP_Node._get_path"),
    # Disconnected while onboarding saves many pages (home/search_index.py).
    ("wagtail.search.signal_handlers", "post_save_signal_handler"),
    # Overridden to restrict a search to some sites' entries (home/search_tops.py).
    (
        "modelsearch.backends.database.postgres.postgres",
        "PostgresSearchQueryCompiler._apply_ordering_and_scoring",
    ),
]
