from django import template
from django.utils.html import format_html
from wagtail.images.shortcuts import get_renditions_or_not_found

from news.models.news_page import LISTING_PICTURE_FILTERS

register = template.Library()


@register.simple_tag
def listing_picture(image):
    """A news item's image as a listing shows it, decorative (the title says it all), loaded
    lazily: a <picture> of its WebP and JPEG renditions (`LISTING_PICTURE_FILTERS`, those
    `for_listing()` prefetches). The markup Wagtail's `{% picture %}` writes for them, without
    parsing the filter specs and building the attributes again on every card."""
    if not image:
        return ""
    renditions = get_renditions_or_not_found(image, LISTING_PICTURE_FILTERS)
    webp, jpeg = (renditions[image_filter.spec] for image_filter in LISTING_PICTURE_FILTERS)
    return format_html(
        '<picture><source srcset="{}" type="image/webp"><img alt="" decoding="async"'
        ' height="{}" loading="lazy" src="{}" width="{}"></picture>',
        webp.url,
        jpeg.height,
        jpeg.url,
        jpeg.width,
    )
