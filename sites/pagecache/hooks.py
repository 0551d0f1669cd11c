from wagtail import hooks
from wagtail.models import Site

from . import tags
from .middleware import add_tags


@hooks.register("before_serve_page")
def tag_page_answer(page, request, serve_args, serve_kwargs):
    add_tags(request, tags.for_page(page, Site.find_for_request(request)))
