"""What every public listing of pages shares: leaving out what a visitor may not open, and
paginating in the database."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

PER_PAGE = 10


def unrestricted(pages, shown_on=None):
    """`pages` without those an anonymous visitor could not open: the ones under a view
    restriction (Wagtail's PageViewRestriction: a password, a login or groups) on the page
    itself or on an ancestor. For every listing of pages: news, feeds, the news flow, the
    home page's blocks, the site's menu.

    Wagtail's `public()` means the same, but lists the restrictions in a query of its own;
    here they are a subquery of the listing's own query, so a listing costs the same number
    of queries with or without restrictions, however many there are. (The search keeps
    `public()`: a search backend takes plain field filters only.)

    `shown_on`: the page the listing is part of, if it is one. Whoever sees that page has
    passed the restrictions on it and its ancestors (Wagtail checks them before serving it),
    so those do not hide what it lists: a members-only news index shows its news to the
    members. Any other restriction still does. Leave it out for what is not a page view
    (the feed, the cached site chrome, which error pages and the search show too)."""
    # A restriction on the page or an ancestor: its page's path is a prefix of the page's.
    restrictions = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    if shown_on is not None:
        steplen = Page.steplen
        passed = [shown_on.path[:end] for end in range(steplen, len(shown_on.path) + 1, steplen)]
        restrictions = restrictions.exclude(page__path__in=passed)
    return pages.exclude(Exists(restrictions))


def paginate(items, request, per_page=PER_PAGE):
    """The requested page of `items` (the last one past the end, the first on nonsense)."""
    paginator = Paginator(items, per_page)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    return {
        "page_obj": page_obj,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=2),
    }
