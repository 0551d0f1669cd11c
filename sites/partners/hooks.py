from wagtail import hooks
from wagtail.permissions import register_permission_policy

from partners.models import PartnerNewsLetter, ReportSending, SocialPartner
from sites.partners import send_views
from sites.partners.views import PartnerPolicy, PartnerViewSet

# «Социальные партнёры» (sites/partners/views.py) and sending reports to them (send_views.py).
register_permission_policy(SocialPartner, PartnerPolicy(SocialPartner), exact_class=True)
hooks.register("register_admin_viewset", lambda: PartnerViewSet())
hooks.register("register_admin_urls", send_views.urlpatterns)
hooks.register("register_admin_menu_item", send_views.sendings_menu_item)
hooks.register("register_admin_menu_item", send_views.news_letters_menu_item)
hooks.register("register_page_header_buttons", send_views.send_button)


@hooks.register("register_personal_data")
def partners():
    """A partner's contact person and address, and the log's copy of it (erased by e-mail:
    sites/personal_data/)."""
    return (
        "Социальные партнёры",
        lambda email: SocialPartner.objects.filter(email__iexact=email),
    )


@hooks.register("register_personal_data")
def sendings():
    return (
        "Отправки отчётов партнёрам",
        lambda email: ReportSending.objects.filter(email__iexact=email),
    )


@hooks.register("register_personal_data")
def news_letters():
    return (
        "Письма партнёрам с новостями",
        lambda email: PartnerNewsLetter.objects.filter(email__iexact=email),
    )
