"""What serving a page asks of the database, made smaller where Wagtail asks twice: every
public page type takes these mixins (before `Page` in its bases)."""

from django.db.models.functions import Coalesce
from wagtail.models import Page, PageViewRestriction

from home.listing import below_slots, below_values
from home.prepared import Prepared, Slot


class ViewRestrictionsInOneQuery:
    """Wagtail checks the view restrictions of every page it serves: its ancestors in one
    query, then their restrictions in another. Here both are one query, with the same rule:
    the restrictions on the page and its ancestors, an alias counting as the page it is an
    alias of (Wagtail keeps aliases pointing at the original, never at another alias)."""

    def get_view_restrictions(self):
        if not self.path:  # not in the tree yet (a preview of a new page)
            return super().get_view_restrictions()
        steplen = self.steplen
        paths = [self.path[:end] for end in range(steplen, len(self.path) + 1, steplen)]
        sources = (
            Page.objects.filter(path__in=paths)
            .order_by()
            .values(source=Coalesce("alias_of_id", "id"))
        )
        return PageViewRestriction.objects.filter(page__in=sources)


class ChildrenOfOneType:
    """For a page type whose children are all of `child_model`: Wagtail finds the child page
    a URL names in two queries (the page, then its specific type); this asks for it as
    `child_model` directly, in one, with `child_related` joined. A child of another type, or
    none, is left to Wagtail."""

    child_model = None
    child_related = ()

    def route(self, request, path_components):
        if path_components:
            found = _child_query(self.child_model, tuple(self.child_related))(
                **below_values(self), depth=self.depth + 1, slug=path_components[0]
            )
            child = found[0] if found else None
            if child is not None:
                child._cached_parent_obj = self  # as Wagtail does: get_parent() costs nothing
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


_CHILD_QUERIES = {}


def _child_query(model, related):
    """The prepared query (home/prepared.py) of `ChildrenOfOneType.route()`: the child of
    `model` at a slug, with `related` joined."""
    if (model, related) not in _CHILD_QUERIES:
        _CHILD_QUERIES[model, related] = Prepared(
            lambda: (
                model.objects.filter(below_slots(), depth=Slot("depth"), slug=Slot("slug"))
                .select_related(*related)
                .order_by("pk")[:1]
            )
        )
    return _CHILD_QUERIES[model, related]
