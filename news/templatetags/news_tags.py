"""A news listing's cards, written in Python: a listing shows up to ten of them (the home page
eight), and each rendered from an included template cost more than the rest of the page's
markup together. The markup is the one documented in templates/includes/news_card.html."""

from urllib.parse import quote

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.images.shortcuts import get_renditions_or_not_found

from news.models.news_page import LISTING_PICTURE_FILTERS

register = template.Library()


@register.simple_tag
def listing_picture(image):
    """A news item's image as a listing shows it, decorative (the title says it all), loaded
    lazily: a <picture> of its WebP and JPEG renditions (`LISTING_PICTURE_FILTERS`, those
    `for_listing()` loads). The markup Wagtail's `{% picture %}` writes for them, without
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


@register.simple_tag(takes_context=True)
def news_card(context, item, heading="h2", tag_url=None, from_feed=False):
    """One news item in a listing (templates/includes/news_card.html says what it shows).
    `heading`: "h3" under a section heading, "h2" by default; `tag_url`: the news index's URL
    the tag links filter (tags are not shown without it); `from_feed`: an item of «Новости
    организаций» (news/flow.py), with its `source` organization and its `original_url`."""
    if from_feed:
        url = item.original_url
    else:
        url = getattr(item, "listing_url", None) or item.get_url(context.get("request"))
    media = ""
    if item.main_image_id:
        media = format_html('<div class="card__media">{}</div>', listing_picture(item.main_image))
    source = ""
    if from_feed and getattr(item, "source", None):
        source = format_html(
            '<span class="card__source"><span class="visually-hidden">{} </span>{}</span>',
            gettext("Source:"),
            item.source.short_name,
        )
    heading = "h3" if heading == "h3" else "h2"
    lead = ""
    if item.lead:
        lead = format_html('<p class="card__lead">{}</p>', Truncator(item.lead).words(30, " …"))
    tags = ""
    if tag_url is not None and getattr(item, "listed_tags", None):
        tags = format_html(
            '<ul class="tags" aria-label="{}">{}</ul>',
            gettext("Tags"),
            format_html_join(
                "",
                '<li><a class="tag" href="{}?tag={}">{}</a></li>',
                ((tag_url, quote(tag, safe=""), tag) for tag in item.listed_tags),
            ),
        )
    return format_html(
        '<article class="card">{}<div class="card__body"><p class="card__meta">'
        '<time datetime="{}">{}</time>{}</p><{} class="card__title">'
        '<a class="card__link" href="{}">{}</a></{}>{}{}</div></article>',
        media,
        item.date.isoformat(),
        date_format(item.date),
        source,
        mark_safe(heading),  # noqa: S308 (one of two literals)
        url,
        item.title,
        mark_safe(heading),  # noqa: S308
        lead,
        tags,
    )
