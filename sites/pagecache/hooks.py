from wagtail import hooks
from wagtail.models import Site

from directory.chrome import chrome_for_request

from . import tags
from .middleware import add_tags


@hooks.register("before_serve_page")
def tag_page_answer(page, request, serve_args, serve_kwargs):
    found = tags.for_page(page, Site.find_for_request(request))
    add_tags(request, found | tags.from_above(page, chrome_for_request(request)))
