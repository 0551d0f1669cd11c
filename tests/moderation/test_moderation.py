"""Review by the territorial organization, driven through the Wagtail admin:
the territorial editor switches it on for one primary's site, the primary's editor can then only
submit, the territorial editor approves and the page goes live; an unrelated editor sees none of
it; switching it off gives the publish right back."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import Locale, Page, TaskState, WorkflowPage, WorkflowState
from wagtail_localize.models import TranslationSource

from directory.models import Organization
from home.models import StandardPage
from news.models import NewsIndexPage, NewsPage
from sites.moderation.models import ModerationSettings
from sites.moderation.services import WORKFLOW_NAME
from sites.network.roles import REGIONAL_ADMINS
from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db


def _user(username, *groups):
    user = get_user_model().objects.create_user(username, password="x")
    user.groups.add(*groups)
    return user


@pytest.fixture
def world(client):
    onboarding.site_template()
    t = factories.TerritorialOrganizationFactory(short_name="Тимская территориальная")
    onboarding.onboard(t)
    a = factories.PrimaryOrganizationFactory(parent=t, short_name="ППО школы Альфа")
    onboarding.onboard(a)
    other_t = factories.TerritorialOrganizationFactory(short_name="Другая территориальная")
    onboarding.onboard(other_t)
    b = factories.PrimaryOrganizationFactory(parent=other_t, short_name="ППО школы Бета")
    onboarding.onboard(b)
    t, a, b, other_t = (Organization.objects.get(pk=o.pk) for o in (t, a, b, other_t))

    class World:
        pass

    w = World()
    w.t, w.a, w.b, w.other_t = t, a, b, other_t
    w.editor_a = _user("editor-a", a.editors_group)
    w.editor_t = _user("editor-t", t.editors_group)
    w.editor_b = _user("editor-b", b.editors_group)
    w.editor_other_t = _user("editor-other-t", other_t.editors_group)
    w.admin = _user("regional", Group.objects.get(name=REGIONAL_ADMINS))
    w.news_index = NewsIndexPage.objects.descendant_of(a.home_page).get()
    return w


def as_user(user):
    """A browser of its own per person (messages of one user's session never reach another)."""
    client = Client()
    client.force_login(user)
    return client


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def settings_url(org):
    return f"/admin/settings/sites/moderationsettings/{org.site_id}/"


def switch(client, user, org, on):
    client.force_login(user)
    data = {"require_parent_review": "on"} if on else {}
    return client.post(settings_url(org), data)


def add_draft(client, w, title, slug="na-proverku"):
    """A's editor writes a news item through the admin's create view and saves a draft."""
    client.force_login(w.editor_a)
    response = client.post(
        f"/admin/pages/add/news/newspage/{w.news_index.pk}/",
        {
            "title": title,
            "slug": slug,
            "date": "2026-11-20",
            "lead": "Коротко",
            "body-count": "0",
            "tags": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return NewsPage.objects.get(title=title)


def edit_post(client, page, action, title=None):
    return client.post(
        f"/admin/pages/{page.pk}/edit/",
        {
            "title": title or page.title,
            "slug": page.slug,
            "date": "2026-11-20",
            "lead": "Коротко",
            "body-count": "0",
            "tags": "",
            action: "1",
        },
    )


def test_territorial_editor_switches_review_on_and_approves(client, world):
    w = world
    response = switch(client, w.editor_t, w.a, on=True)
    assert response.status_code == 302
    assert ModerationSettings.for_site(w.a.site).require_parent_review

    assignment = WorkflowPage.objects.get(page=w.a.home_page)
    assert assignment.workflow.name.startswith(WORKFLOW_NAME)
    assert "Тимская" in assignment.workflow.name

    # A's editor may no longer publish: the edit view offers submitting, and a publish
    # request leaves the page unpublished.
    news = add_draft(client, w, "Новость на проверку")
    page_html = client.get(f"/admin/pages/{news.pk}/edit/").content.decode()
    assert 'name="action-submit"' in page_html
    assert 'name="action-publish"' not in page_html
    edit_post(client, news, "action-publish")
    news.refresh_from_db()
    assert not news.live

    response = edit_post(client, news, "action-submit")
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(news.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # The unrelated territorial editor sees nothing of it on the dashboard
    assert "Новость на проверку" not in as_user(w.editor_other_t).get("/admin/").content.decode()

    # T's editor has it awaiting review on the dashboard, and approves: it goes live
    client = as_user(w.editor_t)
    assert "Новость на проверку" in client.get("/admin/").content.decode()
    task_state = TaskState.objects.get(workflow_state=state)
    response = client.post(
        f"/admin/pages/workflow/action/{news.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    assert response.status_code in (200, 302)
    news.refresh_from_db()
    assert news.live


def test_switching_off_gives_publishing_back(client, world):
    w = world
    switch(client, w.editor_t, w.a, on=True)
    assert not w.a.home_page.permissions_for_user(w.editor_a).can_publish()
    response = switch(client, w.editor_t, w.a, on=False)
    assert response.status_code == 302
    assert not WorkflowPage.objects.filter(page=w.a.home_page).exists()
    home = Page.objects.get(pk=w.a.home_page_id)
    assert home.permissions_for_user(fresh(w.editor_a)).can_publish()  # rights are cached per user
    news = add_draft(client, w, "Новость без проверки", slug="bez-proverki")
    edit_post(client, news, "action-publish")
    news.refresh_from_db()
    assert news.live


def test_only_the_parent_and_regional_admins_may_switch_it(client, world):
    w = world
    for user in (w.editor_a, w.editor_b, w.editor_other_t):
        response = switch(client, user, w.a, on=True)
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response.url.rstrip("/") == "/admin"  # the permission-denied redirect
    assert not ModerationSettings.objects.filter(require_parent_review=True).exists()
    assert not WorkflowPage.objects.filter(page=w.a.home_page).exists()

    response = switch(client, w.admin, w.a, on=True)
    assert response.status_code == 302
    assert WorkflowPage.objects.filter(page=w.a.home_page).exists()


def test_the_settings_menu_offers_it_to_the_parent_only(client, world):
    w = world
    client.force_login(w.editor_t)
    assert "moderationsettings" in client.get("/admin/").content.decode()
    client.force_login(w.editor_a)
    assert "moderationsettings" not in client.get("/admin/").content.decode()
    # T's editor's site switcher lists its primary, not its own site nor another territory's
    client.force_login(w.editor_t)
    body = client.get(settings_url(w.a)).content.decode()
    assert w.a.site.hostname in body
    assert w.b.site.hostname not in body


@pytest.mark.parametrize("which", ["t", "regional"])
def test_refused_for_sites_that_are_not_primaries(client, world, which):
    w = world
    regional = factories.regional_organization()
    if which == "regional":
        onboarding.onboard(regional)
        regional.refresh_from_db()
    org = w.t if which == "t" else regional
    response = switch(client, w.admin, org, on=True)
    assert response.status_code == 200
    assert "только у первичных" in response.content.decode()
    assert not ModerationSettings.objects.filter(require_parent_review=True).exists()
    assert not WorkflowPage.objects.exists()


def test_refused_when_the_parent_has_no_site(client, world):
    w = world
    lonely_t = factories.TerritorialOrganizationFactory(short_name="Без сайта")
    c = factories.PrimaryOrganizationFactory(parent=lonely_t, short_name="ППО Гамма")
    onboarding.onboard(c)
    c.refresh_from_db()
    response = switch(client, w.admin, c, on=True)
    assert response.status_code == 200
    assert "проверять страницы некому" in response.content.decode()
    assert not WorkflowPage.objects.filter(page=c.home_page).exists()
    assert Page.objects.get(pk=c.home_page_id).permissions_for_user(w.admin).can_publish()


def test_onboarding_again_keeps_the_review(client, world):
    w = world
    switch(client, w.editor_t, w.a, on=True)
    onboarding.onboard(w.a)
    home = Page.objects.get(pk=w.a.home_page_id)
    assert not home.permissions_for_user(w.editor_a).can_publish()
    assert home.permissions_for_user(w.editor_a).can_edit()
    assert home.permissions_for_user(w.editor_t).can_publish()


def test_moving_the_primary_moves_its_review_to_the_new_parent(client, world):
    w = world
    switch(client, w.editor_t, w.a, on=True)
    a = Organization.objects.get(pk=w.a.pk)
    a.parent = w.other_t
    a.save()
    assignment = WorkflowPage.objects.get(page=w.a.home_page)
    assert "Другая" in assignment.workflow.name
    task = assignment.workflow.tasks.get().specific
    assert set(task.groups.all()) == {
        w.other_t.editors_group,
        Group.objects.get(name=REGIONAL_ADMINS),
    }
    home = Page.objects.get(pk=w.a.home_page_id)
    assert home.permissions_for_user(w.editor_other_t).can_publish()
    assert not home.permissions_for_user(w.editor_t).can_edit()
    assert not home.permissions_for_user(w.editor_a).can_publish()


# Translations (wagtail-localize) of a reviewed site ----------------------------------------------


def english():
    return Locale.objects.get_or_create(language_code="en")[0]


def translate(client, user, page):
    client.force_login(user)
    response = client.post(
        f"/admin/localize/submit/page/{page.pk}/",
        {"locales": [english().pk], "include_subtree": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Page.objects.get(pk=page.pk).get_translation(english())


def test_translating_a_reviewed_site_submits_it_for_review(client, world):
    w = world
    switch(client, w.editor_t, w.a, on=True)
    home = Page.objects.get(pk=w.a.home_page_id)
    english_home = translate(client, w.editor_a, home)
    translated = Page.objects.descendant_of(english_home, inclusive=True)
    assert translated.count() > 1
    assert not translated.filter(live=True).exists(), "published without review"
    # The English home waits for T's editors, like any other change of A's.
    state = english_home.specific.current_workflow_state
    assert state is not None and state.status == "in_progress"
    task = state.current_task_state.task.specific
    assert w.t.editors_group in task.groups.all()
    assert WorkflowPage.objects.get(page=english_home).workflow == state.workflow


def test_updating_translations_of_a_reviewed_site_publishes_nothing(client, world):
    w = world
    about = StandardPage.objects.child_of(w.a.home_page).get(slug="o-profsoyuze")
    english_home = translate(client, w.editor_a, Page.objects.get(pk=w.a.home_page_id))
    english_about = StandardPage.objects.descendant_of(english_home).get(slug="o-profsoyuze")
    english_about.title = "About the union"
    english_about.save_revision(user=w.editor_a).publish(user=w.editor_a)  # before the review
    english_about.refresh_from_db()
    live_revision = english_about.live_revision_id
    assert english_about.live and live_revision

    switch(client, w.editor_t, w.a, on=True)
    assert WorkflowPage.objects.filter(page=english_home).exists()
    source = TranslationSource.objects.get(object_id=about.translation_key)
    client.force_login(w.editor_a)
    response = client.post(f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"})
    assert response.status_code == 302
    english_about.refresh_from_db()
    assert english_about.live_revision_id == live_revision
    assert english_about.workflow_in_progress


def test_moving_the_primary_moves_its_reviews_in_progress(client, world):
    w = world
    switch(client, w.editor_t, w.a, on=True)
    news = add_draft(client, w, "Новость в пути")
    assert edit_post(client, news, "action-submit").status_code == 302
    old_state = WorkflowState.objects.get(object_id=str(news.pk))
    edit_url = f"/admin/pages/{news.pk}/edit/"
    assert as_user(w.editor_t).get(edit_url).status_code == 200

    a = Organization.objects.get(pk=w.a.pk)
    a.parent = w.other_t
    a.save()

    old_state.refresh_from_db()
    assert old_state.status == WorkflowState.STATUS_CANCELLED
    new_state = WorkflowState.objects.get(
        object_id=str(news.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    assert "Другая" in new_state.workflow.name
    assert new_state.requested_by == w.editor_a
    # The previous parent's editors can no longer open, save or approve it...
    old_parent = as_user(w.editor_t)
    response = old_parent.get(edit_url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert "Новость в пути" not in old_parent.get("/admin/").content.decode()
    # ...the new parent's editors approve it.
    new_parent = as_user(w.editor_other_t)
    assert "Новость в пути" in new_parent.get("/admin/").content.decode()
    task_state = new_state.current_task_state
    new_parent.post(
        f"/admin/pages/workflow/action/{news.pk}/approve/{task_state.pk}/", {"comment": ""}
    )
    news.refresh_from_db()
    assert news.live
