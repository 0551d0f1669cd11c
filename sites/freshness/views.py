"""The menu items and URLs of the admin's freshness reports, which sites/wagtail_hooks.py
registers: «Актуальность сайтов» (sites/freshness/report_views.py), «Охват сайтами»
(coverage_views.py) and «Публичные отчёты организаций» (report_views.py)."""

from django.urls import path, reverse

from sites.freshness.coverage_views import CoverageView
from sites.freshness.report_base import can_view_coverage, can_view_freshness
from sites.freshness.report_views import FreshnessReportView, PublicReportsView
from sites.network.access import AllowedMenuItem


def freshness_menu_item():
    return AllowedMenuItem(
        "Актуальность сайтов",
        reverse("sites_freshness"),
        name="freshness",
        icon_name="time",
        order=1300,
        allowed=can_view_freshness,
    )


def coverage_menu_item():
    return AllowedMenuItem(
        "Охват сайтами",
        reverse("sites_freshness_coverage"),
        name="freshness-coverage",
        icon_name="site",
        order=1310,
        allowed=can_view_coverage,
    )


def public_reports_menu_item():
    return AllowedMenuItem(
        "Публичные отчёты организаций",
        reverse("sites_freshness_public_reports"),
        name="freshness-public-reports",
        icon_name="doc-full",
        order=1320,
        allowed=can_view_freshness,
    )


def urlpatterns():
    views = [
        ("", FreshnessReportView, "sites_freshness"),
        ("coverage/", CoverageView, "sites_freshness_coverage"),
        ("reports/", PublicReportsView, "sites_freshness_public_reports"),
    ]
    patterns = []
    for prefix, view, name in views:
        patterns += [
            path(f"reports/freshness/{prefix}", view.as_view(), name=name),
            path(
                f"reports/freshness/{prefix}results/",
                view.as_view(results_only=True),
                name=f"{name}_results",
            ),
        ]
    return patterns
