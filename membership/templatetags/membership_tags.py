from django import template

from membership.views import application_form

register = template.Library()


@register.inclusion_tag("membership/application_form.html", takes_context=True)
def membership_application_form(context):
    """The application form for the site of the page being served (none in a preview
    without a request)."""
    request = context.get("request")
    return {"form": application_form(request) if request is not None else None}
