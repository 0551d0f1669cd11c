from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from membership import views as membership_views
from news.feeds import NewsFeed
from newsletters import views as newsletter_views
from sites.accounts import emails
from sites.isolation import pages, tags
from sites.outage import views as outage
from sites.public import views as public

urlpatterns = [
    path("healthz/", outage.healthz, name="healthz"),
    # Wagtail's own paths, guarded (see sites/isolation/pages.py): before `admin/`, unnamed.
    path("admin/choose-page/<int:parent_page_id>/", pages.choose_page_child),
    path("admin/choose-page/chosen-multiple/", pages.choose_page_chosen_multiple),
    path("admin/reports/page-types-usage/", pages.page_types_usage),
    path("admin/reports/page-types-usage/results/", pages.page_types_usage_results),
    path("admin/tag-autocomplete/", tags.tag_autocomplete),
    path("admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/", tags.tag_autocomplete),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("account/confirm-email/<str:token>/", emails.confirm_email, name="confirm_email"),
    # The accessibility mode, the installable web app and its offline page (sites/public/views.py).
    path("a11y/", public.accessibility_mode, name="accessibility_mode"),
    path("manifest.webmanifest", public.manifest, name="webmanifest"),
    path("sw.js", public.service_worker, name="service_worker"),
    path("offline/", public.offline, name="offline"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("search/", home_views.search, name="search"),
    path("zayavlenie/", membership_views.apply, name="membership_apply"),
    path("rassylka/", newsletter_views.subscribe, name="newsletter_subscribe"),
    path("rassylka/podtverdit/<str:token>/", newsletter_views.confirm, name="newsletter_confirm"),
    path(
        "rassylka/otpiska/<str:token>/", newsletter_views.unsubscribe, name="newsletter_unsubscribe"
    ),
    path("feed/", NewsFeed(), name="news_feed"),
]

# The server error page must not fail itself (see sites/public/views.py); 404 is Django's own view,
# which renders templates/404.html with the site's chrome.
handler500 = "sites.public.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Russian (the default language) is served without a prefix, translations under /en/.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
