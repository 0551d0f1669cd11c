from django import template
from wagtail.rich_text import get_text_for_indexing

register = template.Library()


@register.filter
def plaintext(html):
    """Rich text as plain text for meta descriptions: tags stripped, a space kept between
    paragraphs and list items, entities decoded (the template escapes the result once)."""
    return get_text_for_indexing(str(html)) if html else ""
