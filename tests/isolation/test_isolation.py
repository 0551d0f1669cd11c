"""Editors work only on their own sites: the isolation matrix.

Three organizations are onboarded with the project's own `onboard()`: primary A under
territorial T, and primary B under another territorial organization. Everything of A's carries
the string SECRET (its name, draft news, image, document, redirect, workflow, locked page).
Every admin view of `VIEWS` is requested:

* as B's editor: an object view must refuse (403, 404, or a redirect to the login or to the
  admin home with "permission denied"); a listing may answer, but nothing of A's may be in any
  body, and no request of B's may change anything;
* as the actor who may use it (A's editor, and then T's editor as well, or a regional admin, or
  a superuser for what only superusers do): it works, and a listing shows A's data — which
  proves each URL is real and each leak check meaningful.

Adding a view is one line in `VIEWS`.

A's document is linked from no published page, so /documents/<id>/<name> must refuse B too
(sites/isolation/media.py: hide_unpublished_document; the rest in
tests/isolation/test_document_serving.py).
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.timezone import now
from wagtail.contrib.forms.models import FormSubmission
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images.models import Image
from wagtail.models import GroupApprovalTask, Locale, Page, Revision, Workflow, WorkflowTask
from wagtail_localize.models import Translation, TranslationSource

from directory.models import Organization
from home.models import StandardPage
from membership.models import Application
from news.models import NewsIndexPage, NewsPage
from partners.models import PartnerNewsLetter, ReportSending, SocialPartner
from privacy.models import ConsentRecord
from reports.models import PublicReportPage, ReportIndexPage
from sites.network.building import add_published_child
from sites.network.roles import REGIONAL_ADMINS
from sites.onboarding import services as onboarding
from webforms.models import FormField, FormPage

from .. import factories

SECRET = "secret-a"  # in everything of A's; compared case-insensitively (hostnames are lowercase)
HOME = "/admin/"
LOGIN = "/admin/login/"


@dataclass(frozen=True)
class View:
    name: str
    url: object  # world -> URL
    method: str = "get"
    data: object = None  # world -> POST data
    listing: bool = False  # B may open it, but sees nothing of A's
    who: str = "a"  # who must succeed: "a" (A's and T's editors), "owner" (A's only),
    #                 "admin" (a regional admin), "super" (a superuser)
    ok: int = 200  # what `who` gets for a GET
    shows: str = ""  # what `who` must see in the body (the leak check's positive control)

    def __str__(self):
        return self.name


def pages(path):
    return lambda w: f"/admin/pages/{path.format(w=w)}"


VIEWS = [
    # Pages
    View("explore", pages("{w.home.pk}/")),
    # The root grouped by A's territorial organization: B's editor gets nothing of A's.
    View("explore grouped by organization", pages("?organization={w.t.pk}")),
    View("page edit", pages("{w.news.pk}/edit/")),
    View("page preview", pages("{w.news.pk}/edit/preview/")),
    View("view draft", pages("{w.news.pk}/view_draft/")),
    View("page history", pages("{w.news.pk}/history/"), shows="secret-a-news"),
    View("page history results", pages("{w.news.pk}/history/results/"), shows="secret-a-editor"),
    View("revision view", pages("{w.news.pk}/revisions/{w.rev1.pk}/view/")),
    View("revision revert", pages("{w.news.pk}/revisions/{w.rev1.pk}/revert/")),
    View("revisions compare", pages("{w.news.pk}/revisions/compare/{w.rev1.pk}...{w.rev2.pk}/")),
    View("revisions compare live", pages("{w.about.pk}/revisions/compare/earliest...live/")),
    View("page usage", pages("{w.news.pk}/usage/")),
    View("workflow history", pages("{w.news.pk}/workflow_history/")),
    View("add subpage", pages("{w.news_index.pk}/add_subpage/"), ok=302),  # one type: to add
    View("add page", pages("add/news/newspage/{w.news_index.pk}/")),
    View("copy", pages("{w.news.pk}/copy/")),
    View(
        "copy within A (POST)",
        pages("{w.news.pk}/copy/"),
        method="post",
        data=lambda w: {
            "new_title": "copy",
            "new_slug": "secret-a-copy",
            "new_parent_page": w.news_index.pk,
        },
    ),
    View("move", pages("{w.news.pk}/move/")),
    View("move confirm", pages("{w.news.pk}/move/{w.news_index.pk}/confirm/")),
    View("delete", pages("{w.news.pk}/delete/")),
    View("delete (POST)", pages("{w.news.pk}/delete/"), method="post"),
    View("unpublish", pages("{w.about.pk}/unpublish/")),
    View("unpublish (POST)", pages("{w.about.pk}/unpublish/"), method="post"),
    View("lock (POST)", pages("{w.news.pk}/lock/"), method="post"),
    View("unlock (POST)", pages("{w.locked.pk}/unlock/"), method="post", who="owner"),
    View("privacy", pages("{w.news.pk}/privacy/")),
    View("page search", pages("search/?q=draft"), listing=True, shows="secret-a-news"),
    View(
        "page search results",
        pages("search/results/?q=draft"),
        listing=True,
        shows="secret-a-news",
    ),
    View(
        "page chooser browse",
        lambda w: f"/admin/choose-page/{w.home.pk}/",
        shows="secret-a-about",
    ),
    View(
        "page chooser chosen multiple",
        lambda w: f"/admin/choose-page/chosen-multiple/?id={w.news.pk}",
        listing=True,  # B gets an empty result
        shows="secret-a-news",
    ),
    View(
        "page bulk delete",
        lambda w: f"/admin/bulk/wagtailcore/page/delete/?id={w.news.pk}",
        listing=True,  # B is told how many pages it may not delete, not which
        shows="secret-a-news",
    ),
    View(
        "page chooser search",
        lambda w: "/admin/choose-page/search/?q=draft",
        listing=True,
        shows="secret-a-news",
    ),
    # Workflow views: the page's editors and its reviewers (A's editors hold the task)
    View(
        "workflow preview",
        pages("workflow/preview/{w.in_review.pk}/{w.task.pk}/"),
        who="owner",
        shows="secret-a-review",
    ),
    View(
        "workflow preview, not in review",
        pages("workflow/preview/{w.news.pk}/{w.task.pk}/"),
        who="none",
    ),
    View(
        "workflow action",
        pages("workflow/action/{w.in_review.pk}/approve/{w.task_state.pk}/"),
        who="owner",
    ),
    View(
        "workflow action data",
        pages("workflow/collect_action_data/{w.in_review.pk}/approve/{w.task_state.pk}/"),
        who="owner",
    ),
    View(
        "workflow action on another page's task",
        pages("workflow/action/{w.news.pk}/approve/{w.task_state.pk}/"),
        who="none",
    ),
    View(
        "workflow cancellation notice",
        pages("workflow/confirm_cancellation/{w.in_review.pk}/"),
        shows="secret-a-workflow",
    ),
    View(
        "workflow history detail",
        pages("{w.in_review.pk}/workflow_history/detail/{w.workflow_state.pk}/"),
        shows="secret-a-review",
    ),
    View(
        "task chooser",
        lambda w: "/admin/workflows/task_chooser/",
        who="super",
        shows="secret-a-task",
    ),
    View(
        "task chooser results",
        lambda w: "/admin/workflows/task_chooser/results/",
        who="super",
        shows="secret-a-task",
    ),
    View(
        "task chosen",
        lambda w: f"/admin/workflows/task_chooser/{w.task.pk}/",
        who="super",
        shows="secret-a-task",
    ),
    # Tags of private media and drafts
    View(
        "tag autocomplete",
        lambda w: "/admin/tag-autocomplete/?term=secret",
        listing=True,
        shows="secret-a-newstag",
    ),
    View(
        "tag autocomplete by model",
        lambda w: "/admin/tag-autocomplete/taggit/tag/?term=secret",
        listing=True,
        shows="secret-a-imagetag",
    ),
    View(
        "image listing tag filter",
        lambda w: "/admin/images/",
        listing=True,
        shows="secret-a-imagetag",
    ),
    View(
        "document listing tag filter",
        lambda w: "/admin/documents/",
        listing=True,
        shows="secret-a-doctag",
    ),
    View(
        "image chooser popular tags",
        lambda w: "/admin/images/chooser/",
        listing=True,
        shows="secret-a-imagetag",
    ),
    # Translations (wagtail-localize)
    View("english page edit", pages("{w.about_en.pk}/edit/")),
    View("translate page", lambda w: f"/admin/localize/submit/page/{w.about.pk}/"),
    View("update translations", lambda w: f"/admin/localize/update/{w.about_source.pk}/"),
    View(
        "translation preview",
        lambda w: f"/admin/localize/translate/{w.about_translation.pk}/preview/",
    ),
    View(
        "translation PO download",
        lambda w: f"/admin/localize/translate/{w.about_translation.pk}/pofile/download/",
    ),
    View(
        "translation convert to alias",
        lambda w: f"/admin/localize/page/{w.about_en.pk}/convert_to_alias/",
    ),
    View(
        "translations report",
        lambda w: "/admin/localize/reports/translations/",
        who="admin",
        shows="secret-a-about",
    ),
    # Images
    View("image index", lambda w: "/admin/images/", listing=True, shows="secret-a-image"),
    View("image edit", lambda w: f"/admin/images/{w.image.pk}/"),
    View("image delete", lambda w: f"/admin/images/{w.image.pk}/delete/", who="admin"),
    View(
        "image bulk delete",
        lambda w: f"/admin/bulk/wagtailimages/image/delete/?id={w.image.pk}",
        listing=True,
        who="admin",
        shows="secret-a-image",
    ),
    View(
        "image results",
        lambda w: "/admin/images/results/?q=secret",
        listing=True,
        shows="secret-a-image",
    ),
    View(
        "image chooser results",
        lambda w: "/admin/images/chooser/results/?q=secret",
        listing=True,
        shows="secret-a-image",
    ),
    View("image usage", lambda w: f"/admin/images/usage/{w.image.pk}/"),
    View("image preview", lambda w: f"/admin/images/{w.image.pk}/preview/fill-80x80/"),
    View(
        "image chooser",
        lambda w: "/admin/images/chooser/",
        listing=True,
        shows="secret-a-image",
    ),
    View("image chosen", lambda w: f"/admin/images/chooser/chosen/{w.image.pk}/"),
    View("image select format", lambda w: f"/admin/images/chooser/{w.image.pk}/select_format/"),
    View(
        "image chosen multiple",
        lambda w: f"/admin/images/chooser/chosen-multiple/?id={w.image.pk}",
        listing=True,  # B gets an empty result
        shows="secret-a-image",
    ),
    # Documents
    View("document index", lambda w: "/admin/documents/", listing=True, shows="secret-a-doc"),
    View("document edit", lambda w: f"/admin/documents/edit/{w.document.pk}/"),
    View("document delete", lambda w: f"/admin/documents/delete/{w.document.pk}/", who="admin"),
    View(
        "document bulk delete",
        lambda w: f"/admin/bulk/wagtaildocs/document/delete/?id={w.document.pk}",
        listing=True,
        who="admin",
        shows="secret-a-doc",
    ),
    View("document serve", lambda w: w.document.url),
    View(
        "document results",
        lambda w: "/admin/documents/results/?q=secret",
        listing=True,
        shows="secret-a-doc",
    ),
    View(
        "document chooser results",
        lambda w: "/admin/documents/chooser/results/?q=secret",
        listing=True,
        shows="secret-a-doc",
    ),
    View("document usage", lambda w: f"/admin/documents/usage/{w.document.pk}/"),
    View(
        "document chooser",
        lambda w: "/admin/documents/chooser/",
        listing=True,
        shows="secret-a-doc",
    ),
    View("document chosen", lambda w: f"/admin/documents/chooser/chosen/{w.document.pk}/"),
    View(
        "document chosen multiple",
        lambda w: f"/admin/documents/chooser/chosen-multiple/?id={w.document.pk}",
        listing=True,  # B gets an empty result
        shows="secret-a-doc",
    ),
    # Collections, site settings, registry
    View("collection edit", lambda w: f"/admin/collections/{w.a.collection_id}/", who="admin"),
    View(
        "collection delete",
        lambda w: f"/admin/collections/{w.a.collection_id}/delete/",
        who="super",
    ),
    View(
        "collection privacy",
        lambda w: f"/admin/collections/{w.a.collection_id}/privacy/",
        who="admin",
    ),
    View("collections", lambda w: "/admin/collections/", who="admin", shows="secret-a-org"),
    View("site branding", lambda w: f"/admin/settings/sites/sitebranding/{w.a.site_id}/"),
    View(
        "moderation settings",
        lambda w: f"/admin/settings/sites/moderationsettings/{w.a.site_id}/",
        who="t",  # the parent organization decides (sites/moderation/)
    ),
    View("sites", lambda w: "/admin/sites/", who="super", shows="secret-a-org"),
    View("site edit", lambda w: f"/admin/sites/edit/{w.a.site_id}/", who="super"),
    View("registry", lambda w: "/admin/organizations/", who="admin", shows="secret-a-org"),
    # Users and groups: nobody but regional admins (users) and superusers (groups)
    View("users", lambda w: "/admin/users/", who="admin", shows="secret-a-editor"),
    View("user edit", lambda w: f"/admin/users/edit/{w.editor_a.pk}/", who="admin"),
    View("groups", lambda w: "/admin/groups/", who="super", shows="secret-a-org"),
    View("group edit", lambda w: f"/admin/groups/edit/{w.a.editors_group_id}/", who="super"),
    # Redirects, workflows
    View("redirects", lambda w: "/admin/redirects/", who="super", shows="secret-a-old"),
    View("redirect edit", lambda w: f"/admin/redirects/{w.redirect.pk}/", who="super"),
    View("workflows", lambda w: "/admin/workflows/list/", who="super", shows="secret-a-workflow"),
    View("workflow edit", lambda w: f"/admin/workflows/edit/{w.workflow.pk}/", who="super"),
    View("tasks", lambda w: "/admin/workflows/tasks/index/", who="super", shows="secret-a-task"),
    View("task edit", lambda w: f"/admin/workflows/tasks/edit/{w.task.pk}/", who="super"),
    # Reports and dashboard
    View("dashboard", lambda w: "/admin/", listing=True, who="owner", shows="secret-a-org"),
    View("locked pages", lambda w: "/admin/reports/locked/", who="admin", shows="secret-a-locked"),
    View(
        "aging pages",
        lambda w: "/admin/reports/aging-pages/",
        listing=True,
        shows="secret-a-about",
    ),
    View(
        "workflow report",
        lambda w: "/admin/reports/workflow/",
        listing=True,
        shows="secret-a-review",
    ),
    View(
        "workflow tasks report",
        lambda w: "/admin/reports/workflow_tasks/",
        listing=True,
        shows="secret-a-review",
    ),
    View(
        "site history",
        lambda w: "/admin/reports/site-history/",
        listing=True,
        shows="secret-a-about",
    ),
    View(
        "site history results",
        lambda w: "/admin/reports/site-history/results/",
        listing=True,
        shows="secret-a-about",
    ),
    View("page types usage", lambda w: "/admin/reports/page-types-usage/", who="admin"),
    View(
        "page types usage results",
        lambda w: "/admin/reports/page-types-usage/results/",
        who="admin",
    ),
    # Form submissions (personal data): A's own editors and the network admins only, not even
    # the territorial organization's editors (sites/isolation/forms.py)
    View(
        "forms index", lambda w: "/admin/forms/", listing=True, who="owner", shows="secret-a-form"
    ),
    View(
        "form submissions",
        lambda w: f"/admin/forms/submissions/{w.form.pk}/",
        who="owner",
        shows="secret-a-answer",
    ),
    View(
        "form submissions export",
        lambda w: f"/admin/forms/submissions/{w.form.pk}/?export=csv",
        who="owner",
        shows="secret-a-answer",
    ),
    View(
        "form submissions delete",
        lambda w: (
            f"/admin/forms/submissions/{w.form.pk}/delete/?selected-submissions={w.submission.pk}"
        ),
        who="owner",
    ),
    View(
        "form submissions delete (POST)",
        lambda w: (
            f"/admin/forms/submissions/{w.form.pk}/delete/?selected-submissions={w.submission.pk}"
        ),
        method="post",
        who="owner",
    ),
    View(
        "form results",
        lambda w: f"/admin/forms/results/{w.form.pk}/",
        who="owner",
        shows="secret-a-answer",
    ),
    View(
        "form results by admin",
        lambda w: f"/admin/forms/results/{w.form.pk}/",
        who="admin",
        shows="secret-a-answer",
    ),
    # Applications to join: the organization's own editors (sites/membership/)
    View(
        "applications",
        lambda w: "/admin/applications/",
        listing=True,
        who="owner",
        shows="secret-a-applicant",
    ),
    View(
        "applications export",
        lambda w: "/admin/applications/?export=csv",
        listing=True,
        who="owner",
        shows="secret-a-applicant",
    ),
    View("application", lambda w: f"/admin/applications/{w.application.pk}/", who="owner"),
    View(
        "application status (POST)",
        lambda w: f"/admin/applications/{w.application.pk}/",
        method="post",
        data=lambda w: {"status": "joined", "note": ""},
        who="owner",
    ),
    View(
        "application counts",
        lambda w: "/admin/applications/counts/",
        who="admin",
        shows="территориальная организация тэ",
    ),
    # Social partners and sending reports to them: the organization's own editors
    View(
        "partners",
        lambda w: "/admin/partners/",
        listing=True,
        who="owner",
        shows="secret-a-partner",
    ),
    View(
        "partners export",
        lambda w: "/admin/partners/?export=csv",
        listing=True,
        who="owner",
        shows="secret-a-partner",
    ),
    View("partner edit", lambda w: f"/admin/partners/edit/{w.partner.pk}/", who="owner"),
    View(
        "partner edit (POST)",
        lambda w: f"/admin/partners/edit/{w.partner.pk}/",
        method="post",
        data=lambda w: {
            "organization": w.a.pk,
            "name": "Переименован",
            "kind": "employer",
            "email": "renamed@example.org",
        },
        who="owner",
    ),
    View("partner delete", lambda w: f"/admin/partners/delete/{w.partner.pk}/", who="owner"),
    View(
        "partner delete (POST)",
        lambda w: f"/admin/partners/delete/{w.partner.pk}/",
        method="post",
        who="owner",
    ),
    View("partner history", lambda w: f"/admin/partners/history/{w.partner.pk}/", who="owner"),
    View("partner usage", lambda w: f"/admin/partners/usage/{w.partner.pk}/", who="owner"),
    View(
        "send a report to partners",
        lambda w: f"/admin/partners/send/{w.report.pk}/",
        who="owner",
        shows="secret-a-partner",
    ),
    View(
        "send a report to partners (POST)",
        lambda w: f"/admin/partners/send/{w.report.pk}/",
        method="post",
        data=lambda w: {"partners": [w.partner.pk]},
        who="owner",
    ),
    View(
        "report sendings",
        lambda w: "/admin/partners/sendings/",
        listing=True,
        who="owner",
        shows="secret-a-partner",
    ),
    View(
        "letters of news to partners",
        lambda w: "/admin/partners/news-letters/",
        listing=True,
        who="owner",
        shows="secret-a-partner",
    ),
    View(
        "report sendings export",
        lambda w: "/admin/partners/sendings/?export=csv",
        listing=True,
        who="owner",
        shows="secret-a-partner",
    ),
    # The information-work reports (sites/infowork/)
    View(
        "budget share report",
        lambda w: "/admin/reports/budget-share/?year=2025",
        listing=True,
        shows="secret-a-org",
    ),
    View(
        "budget share export",
        lambda w: "/admin/reports/budget-share/?year=2025&export=csv",
        listing=True,
        shows="secret-a-org",
    ),
    View(
        "information work for the year", lambda w: "/admin/reports/information-work/", who="admin"
    ),
    View(
        "contest rating",
        lambda w: "/admin/reports/contest/?year=2025",
        listing=True,
        shows="secret-a-org",
    ),
    View(
        "contest rating export",
        lambda w: "/admin/reports/contest/?year=2025&export=csv",
        listing=True,
        shows="secret-a-org",
    ),
    # Personal data across the network: the network admins only
    View(
        "consent log",
        lambda w: "/admin/personal-data/consents/",
        who="admin",
        shows="secret-a-person@example.org",
    ),
    View(
        "consent log export",
        lambda w: "/admin/personal-data/consents/?export=csv",
        who="admin",
        shows="secret-a-person@example.org",
    ),
    View("erase personal data", lambda w: "/admin/personal-data/erase/", who="admin"),
    View(
        "erase personal data (POST)",
        lambda w: "/admin/personal-data/erase/",
        method="post",
        data=lambda w: {"email": "secret-a-person@example.org", "confirm": "yes"},
        who="admin",
    ),
    # Admin API
    View(
        "API pages",
        lambda w: "/admin/api/main/pages/?search=draft",
        listing=True,
        shows="secret-a-news",
    ),
    View("API page", lambda w: f"/admin/api/main/pages/{w.news.pk}/"),
    View("API pages in A", lambda w: f"/admin/api/main/pages/?child_of={w.news_index.pk}"),
    View("API images", lambda w: "/admin/api/main/images/", listing=True, shows="secret-a-image"),
    View("API image", lambda w: f"/admin/api/main/images/{w.image.pk}/"),
    View(
        "API documents", lambda w: "/admin/api/main/documents/", listing=True, shows="secret-a-doc"
    ),
    View("API document", lambda w: f"/admin/api/main/documents/{w.document.pk}/"),
]


# The world -----------------------------------------------------------------------------------


def _user(username, *groups, **extra):
    user = get_user_model().objects.create_user(username, password="x", **extra)
    user.groups.add(*groups)
    return user


def _news_draft(index, owner):
    news = index.add_child(
        instance=NewsPage(
            title="secret-a-news draft 1",
            slug="secret-a-news",
            lead="secret-a-news lead",
            live=False,
            owner=owner,
        )
    )
    rev1 = news.save_revision(user=owner)
    news.title = "secret-a-news draft 2"
    rev2 = news.save_revision(user=owner)
    return news, rev1, rev2


def build_world():
    onboarding.site_template()
    t = factories.TerritorialOrganizationFactory(short_name="Территориальная организация Тэ")
    onboarding.onboard(t)
    a = factories.PrimaryOrganizationFactory(parent=t, short_name="ППО secret-a-org")
    onboarding.onboard(a)
    b_parent = factories.TerritorialOrganizationFactory(short_name="Территориальная Бэ")
    b = factories.PrimaryOrganizationFactory(parent=b_parent, short_name="ППО Бета")
    onboarding.onboard(b)
    t, a, b = (Organization.objects.get(pk=org.pk) for org in (t, a, b))

    editor_a = _user("secret-a-editor", a.editors_group)
    editor_b = _user("editor-b", b.editors_group)
    editor_t = _user("editor-t", t.editors_group)
    regional_admin = _user("regional-admin", Group.objects.get(name=REGIONAL_ADMINS))
    superuser = get_user_model().objects.create_superuser("root", password="x")

    home = a.home_page
    news_index = NewsIndexPage.objects.descendant_of(home).get()
    news, rev1, rev2 = _news_draft(news_index, editor_a)
    about = StandardPage.objects.child_of(home).get(slug="o-profsoyuze")
    about.title = "secret-a-about"
    about.save_revision(user=editor_a).publish(user=editor_a)
    locked = home.add_child(
        instance=StandardPage(title="secret-a-locked", slug="secret-a-locked", owner=editor_a)
    )
    locked.save_revision(user=editor_a).publish(user=editor_a)
    Page.objects.filter(pk=locked.pk).update(locked=True, locked_by=editor_a, locked_at=now())

    image = factories.ImageFactory(title="secret-a-image", collection=a.collection)
    document = get_document_model().objects.create(
        title="secret-a-doc",
        file=ContentFile(b"%PDF-1.4 secret-a-doc", name="secret-a-doc.pdf"),
        collection=a.collection,
    )
    redirect = Redirect.objects.create(old_path="/secret-a-old", site=a.site, redirect_page=about)
    workflow = Workflow.objects.create(name="secret-a-workflow")
    task = GroupApprovalTask.objects.create(name="secret-a-task")
    task.groups.add(a.editors_group)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    # An English version of A's site (wagtail-localize): its home, and the about page
    english = Locale.objects.get_or_create(language_code="en")[0]
    for source_page in (home, about):
        source, _ = TranslationSource.get_or_create_from_instance(source_page)
        translation = Translation.objects.create(source=source, target_locale=english)
        translation.save_target(user=editor_a, publish=True)
    about_source = TranslationSource.objects.get(object_id=about.translation_key)
    about_translation = Translation.objects.get(source=about_source)
    about_en = about.get_translation(english)

    in_review = home.add_child(
        instance=StandardPage(title="secret-a-review", slug="secret-a-review", owner=editor_a)
    )
    in_review.save_revision(user=editor_a)
    workflow_state = workflow.start(in_review, editor_a)  # for the workflow reports and views
    image.tags.add("secret-a-imagetag")
    document.tags.add("secret-a-doctag")
    news.tags.add("secret-a-newstag")
    news.save()
    form = home.add_child(instance=FormPage(title="secret-a-form", slug="secret-a-form"))
    question = FormField.objects.create(
        page=form, label="Вопрос", field_type="radio", choices="secret-a-answer\nдругое"
    )
    form.save_revision(user=editor_a).publish(user=editor_a)
    ConsentRecord.objects.create(
        organization=a,
        organization_name=a.name,
        purpose="form",
        page=form,
        page_title=form.title,
        url="/secret-a-form/",
        text_version="1",
        text="Согласие",
        email="secret-a-person@example.org",
    )
    application = Application.objects.create(
        organization=a,
        full_name="secret-a-applicant",
        workplace=a.short_name,
        position="учитель",
        email="secret-a-applicant@example.org",
    )
    submission = FormSubmission.objects.create(
        page=form, form_data={question.clean_name: "secret-a-answer"}
    )
    report = add_published_child(
        ReportIndexPage.objects.descendant_of(home).get(),
        PublicReportPage(
            title="Отчёт secret-a-report", slug="secret-a-report", year=2025, summary="Итоги"
        ),
    )
    partner = SocialPartner.objects.create(
        organization=a, name="secret-a-partner", email="secret-a-partner@example.org"
    )
    ReportSending.objects.create(
        report=report,
        organization=a,
        partner=partner,
        partner_name=partner.name,
        email=partner.email,
        year=2025,
        ok=True,
    )
    PartnerNewsLetter.objects.create(
        organization=a,
        partner=partner,
        partner_name=partner.name,
        email=partner.email,
        items=1,
        ok=True,
    )

    return SimpleNamespace(
        t=t,
        a=a,
        b=b,
        home=home,
        news_index=news_index,
        news=news,
        rev1=rev1,
        rev2=rev2,
        about=about,
        locked=locked,
        image=image,
        document=document,
        redirect=redirect,
        workflow=workflow,
        task=task,
        in_review=in_review,
        workflow_state=workflow_state,
        task_state=workflow_state.current_task_state,
        b_news_index=NewsIndexPage.objects.descendant_of(b.home_page).get(),
        about_en=about_en,
        about_source=about_source,
        about_translation=about_translation,
        form=form,
        submission=submission,
        application=application,
        report=report,
        partner=partner,
        editor_a=editor_a,
        editor_b=editor_b,
        editor_t=editor_t,
        users={"a": editor_a, "t": editor_t, "admin": regional_admin, "super": superuser},
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test runs in a
    savepoint of it (pytest-django's `db`), so what a test's POST changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# Checks --------------------------------------------------------------------------------------


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace").lower()


def without_request_url(text, url):
    """The body without the URL B itself asked for (a public 404 page links "back" to it, e.g.
    the accessibility toggle's `next`): echoing B's own request is not A's data."""
    from urllib.parse import quote

    for form in {url, quote(url, safe=""), quote(url, safe="/")}:
        text = text.replace(form.lower(), "")
    return text


def refused(response, world):
    """403, 404, or a redirect to the login, the admin home (Wagtail's "permission denied"),
    or the explorer of B's own site (Wagtail's answer to exploring a page one may not)."""
    if response.status_code in (400, 403, 404):  # 400: the admin API's "no such parent"
        return True
    location = response.get("Location", "")
    own_tree = f"/admin/pages/{world.b.home_page_id}/"
    return response.status_code == 302 and (
        location in (HOME, own_tree) or location.startswith(LOGIN)
    )


def state():
    """Everything a request of B's could change in A's world."""
    return (
        list(
            Page.objects.order_by("pk").values_list("pk", "path", "live", "locked", "draft_title")
        ),
        Revision.objects.count(),
        list(Image.objects.order_by("pk").values_list("pk", "title", "collection_id")),
        list(
            get_document_model().objects.order_by("pk").values_list("pk", "title", "collection_id")
        ),
        FormSubmission.objects.count(),
        ConsentRecord.objects.count(),
        list(Application.objects.order_by("pk").values_list("pk", "status", "note")),
        list(SocialPartner.objects.order_by("pk").values_list("pk", "name", "email")),
        ReportSending.objects.count(),
    )


def request(client, view, world):
    url = view.url(world)
    if view.method == "post":
        return client.post(url, view.data(world) if view.data else {})
    return client.get(url)


# The matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_other_organizations_editor_sees_nothing(client, db, world, view):
    client.force_login(world.editor_b)
    before = state()
    response = request(client, view, world)
    if not view.listing:
        assert refused(response, world), (response.status_code, response.get("Location"))
    else:
        assert response.status_code == 200
    assert SECRET not in without_request_url(body(response), view.url(world))
    # Nor in a message for the next page (Wagtail's "… is not awaiting moderation").
    assert SECRET not in " ".join(str(m) for m in get_messages(response.wsgi_request)).lower()
    assert state() == before, "B's request changed something"


def _actors(view):
    return {"a": ["a", "t"], "owner": ["a"], "none": []}.get(view.who, [view.who])


@pytest.mark.parametrize(
    ("view", "actor"),
    [(view, actor) for view in VIEWS for actor in _actors(view)],
    ids=lambda value: str(value),
)
def test_who_may_use_it_can(client, db, world, view, actor):
    client.force_login(world.users[actor])
    response = request(client, view, world)
    if view.method == "post":
        location = response.get("Location", "")
        assert response.status_code == 302 and location != HOME, location
        assert not location.startswith(LOGIN)
    else:
        assert response.status_code == view.ok, (response.status_code, response.get("Location"))
        if view.shows:
            assert view.shows in body(response)


# Into another organization's tree --------------------------------------------------------------


def test_a_page_cannot_be_copied_into_another_organizations_tree(client, db, world):
    client.force_login(world.editor_a)
    before = state()
    response = client.post(
        f"/admin/pages/{world.news.pk}/copy/",
        {"new_title": "copy", "new_slug": "copy", "new_parent_page": world.b_news_index.pk},
    )
    assert response.status_code == 200  # the form again, with its error
    assert state() == before


def test_a_page_cannot_be_moved_into_another_organizations_tree(client, db, world):
    client.force_login(world.editor_a)
    before = state()
    url = f"/admin/pages/{world.news.pk}/move/{world.b_news_index.pk}/confirm/"
    assert refused(client.get(url), world)
    assert refused(client.post(url), world)
    assert state() == before


# Guarded Wagtail views (sites/urls.py) -------------------------------------------------------


def test_guarded_views_keep_wagtails_url_names(world):
    from django.urls import resolve, reverse

    from sites.isolation import pages as isolation

    url = reverse("wagtailadmin_choose_page_child", args=[world.home.pk])
    assert url == f"/admin/choose-page/{world.home.pk}/"
    assert resolve(url).func is isolation.choose_page_child
    chosen = reverse("wagtailadmin_choose_page_chosen_multiple")
    assert resolve(chosen).func is isolation.choose_page_chosen_multiple
    report = reverse("wagtailadmin_reports:page_types_usage")
    assert resolve(report).func is isolation.page_types_usage


def test_the_page_types_report_is_in_the_menu_only_for_those_who_may_open_it(client, db, world):
    client.force_login(world.editor_a)
    assert "/admin/reports/page-types-usage/" not in client.get(HOME).content.decode()
    client.force_login(world.users["admin"])
    assert "/admin/reports/page-types-usage/" in client.get(HOME).content.decode()


# Snippets --------------------------------------------------------------------------------------

# Snippet models shared by the whole network, safe for every editor to see ("app_label.model").
# A snippet that holds one organization's content must be scoped (and put in the matrix) first.
NETWORK_WIDE_SNIPPETS = set()


def test_no_snippet_holds_organization_content():
    from wagtail.snippets.models import get_snippet_models

    registered = {model._meta.label_lower for model in get_snippet_models()}
    assert registered <= NETWORK_WIDE_SNIPPETS, f"unclassified snippets: {registered}"
