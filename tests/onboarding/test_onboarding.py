"""Onboarding gives an organization a working, pre-filled site in one step, derived from the
registry; it is idempotent and all-or-nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from directory.models import ContactsPage, Organization, validate_hostname
from home.models import HomePage, StandardPage
from sites.onboarding import services as onboarding

from .. import factories

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "collections": Collection.objects.count(),
        "groups": Group.objects.count(),
        "users": get_user_model().objects.count(),
        "page_perms": GroupPagePermission.objects.count(),
        "collection_perms": GroupCollectionPermission.objects.count(),
        "site_perms": GroupSitePermission.objects.count(),
        "hostnames": sorted(Organization.objects.values_list("hostname", flat=True)),
    }


@pytest.fixture
def template():
    return onboarding.site_template()


@pytest.fixture
def territorial(template):
    return factories.TerritorialOrganizationFactory(
        code="46-01", short_name="Железногорская городская организация", hostname="zheleznogorsk"
    )


def primary(parent, code, short_name="ППО СОШ № 1 г. Железногорска", **extra):
    return factories.PrimaryOrganizationFactory(
        code=code,
        short_name=short_name,
        parent=parent,
        address="г. Железногорск, ул. Мира, д. 3",
        phone="+7 (47148) 2-11-22",
        email="school1@example.org",
        chair="Петрова Ольга Викторовна",
        **extra,
    )


def editor_of(organization, email):
    user = get_user_model().objects.create_user(email, email=email, password="x")
    user.groups.add(organization.editors_group)
    return user


class TestOnboardOne:
    def test_creates_exactly_the_expected_objects(
        self, territorial, django_capture_on_commit_callbacks
    ):
        school = primary(territorial, "46-01-001")
        before = snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            result = onboarding.onboard(school, editors=["Editor@School1.example"])
        school.refresh_from_db()
        after = snapshot()

        # home + the template's five sections + the personal data policy, «События», «Документы»
        assert after["pages"] - before["pages"] == 9
        assert after["sites"] - before["sites"] == 1
        assert after["collections"] - before["collections"] == 1
        assert after["groups"] - before["groups"] == 1
        assert after["users"] - before["users"] == 1
        assert after["page_perms"] - before["page_perms"] == 4  # add, change, publish, lock
        assert after["collection_perms"] - before["collection_perms"] == 6
        assert after["site_perms"] - before["site_perms"] == 1

        site = school.site
        assert site.hostname == "sosh-1-g-zheleznogorska.localhost"
        home = site.root_page.specific
        assert home.title == school.short_name and home.get_parent().is_root()
        tree = home.get_descendants(inclusive=True)
        assert all(page.live and not page.has_unpublished_changes for page in tree)
        assert school.home_page_id == home.pk
        assert (
            school.collection.name
            == school.editors_group.name
            == f"{school.short_name} (46-01-001)"
        )
        assert {
            p.permission.codename
            for p in GroupPagePermission.objects.filter(group=school.editors_group, page=home)
        } == {"add_page", "change_page", "publish_page", "lock_page"}

        contacts = ContactsPage.objects.child_of(home).get()
        assert (contacts.address, contacts.phone, contacts.email, contacts.chair) == (
            "г. Железногорск, ул. Мира, д. 3",
            "+7 (47148) 2-11-22",
            "school1@example.org",
            "Петрова Ольга Викторовна",
        )
        assert "{организация}" not in home.intro and school.short_name in home.intro

        editor = get_user_model().objects.get(email="editor@school1.example")
        assert not editor.has_usable_password()
        assert result.invited == [editor]
        assert len(mail.outbox) == 1
        assert "/admin/password_reset/confirm/" in mail.outbox[0].body
        assert school.short_name in mail.outbox[0].subject

    def test_the_site_is_served_at_once(self, client, territorial):
        school = primary(territorial, "46-01-001")
        onboarding.onboard(school)
        response = client.get("/", HTTP_HOST="sosh-1-g-zheleznogorska.localhost")
        assert response.status_code == 200
        assert school.short_name in response.text
        contacts = client.get("/kontakty/", HTTP_HOST="sosh-1-g-zheleznogorska.localhost")
        assert "Петрова Ольга Викторовна" in contacts.text

    def test_second_run_changes_nothing(self, territorial, django_capture_on_commit_callbacks):
        school = primary(territorial, "46-01-001")
        with django_capture_on_commit_callbacks(execute=True):
            onboarding.onboard(school, editors=["editor@school1.example"])
        assert len(mail.outbox) == 1
        before = snapshot()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = onboarding.onboard(school, editors=["editor@school1.example"])
        assert not result.changed
        assert snapshot() == before
        assert mail.outbox == []

    def test_failure_half_way_leaves_nothing_and_a_rerun_completes(
        self, territorial, monkeypatch, django_capture_on_commit_callbacks
    ):
        school = primary(territorial, "46-01-001")
        before = snapshot()

        def broken(organization):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(onboarding, "reconcile_rights", broken)
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            onboarding.onboard(school, editors=["editor@school1.example"])
        assert snapshot() == before
        assert mail.outbox == []
        school.refresh_from_db()
        assert (school.site, school.home_page, school.collection, school.editors_group) == (
            None,
            None,
            None,
            None,
        )

        monkeypatch.undo()
        assert onboarding.onboard(school).changed
        school.refresh_from_db()
        assert school.site and school.editors_group.page_permissions.count() == 4

    def test_invalid_editor_email_changes_nothing(self, territorial):
        school = primary(territorial, "46-01-001")
        before = snapshot()
        with pytest.raises(ValidationError, match="Неверный адрес электронной почты"):
            onboarding.onboard(school, editors=["ok@example.org", "not-an-email"])
        assert snapshot() == before

    def test_existing_user_is_reused_once_the_address_is_proven(self, territorial):
        from sites.accounts.emails import prove_email
        from sites.accounts.models import ProvenEmail

        existing = get_user_model().objects.create_user("olga", email="Olga@Example.org")
        prove_email(existing, ProvenEmail.Source.LINK)  # see tests/accounts/test_accounts.py
        school = primary(territorial, "46-01-001")
        onboarding.onboard(school, editors=["olga@example.org"])
        assert get_user_model().objects.filter(email__iexact="olga@example.org").count() == 1
        school.refresh_from_db()
        assert existing.groups.filter(pk=school.editors_group_id).exists()

    def test_template_edits_reach_new_sites(self, territorial, template):
        about = StandardPage.objects.child_of(template).get(slug="o-profsoyuze")
        about.body = [("paragraph", "<p>Мы — {организация}: защищаем права педагогов.</p>")]
        about.save_revision()  # a draft in the unpublished template, as the admin saves it
        school = primary(territorial, "46-01-001")
        onboarding.onboard(school)
        school.refresh_from_db()
        copied = StandardPage.objects.child_of(school.home_page).get(slug="o-profsoyuze")
        assert f"Мы — {school.short_name}: защищаем права педагогов." in str(copied.body)

    def test_an_edit_after_a_site_was_made_reaches_the_next_one(self, territorial, template):
        # The first onboarding keeps the template's drafts in the process: a new revision of a
        # template page must not be missed by the next one.
        first = primary(territorial, "46-01-001")
        onboarding.onboard(first)
        about = StandardPage.objects.child_of(template).get(slug="o-profsoyuze")
        about.body = [("paragraph", "<p>Новый текст о Профсоюзе.</p>")]
        about.save_revision()
        second = primary(territorial, "46-01-002")
        onboarding.onboard(second)
        first.refresh_from_db()
        second.refresh_from_db()
        body_of = lambda home: str(  # noqa: E731
            StandardPage.objects.child_of(home).get(slug="o-profsoyuze").body
        )
        assert "Новый текст о Профсоюзе." not in body_of(first.home_page)
        assert "Новый текст о Профсоюзе." in body_of(second.home_page)

    def test_the_templates_drafts_are_read_once_for_many_sites(self, territorial, template):
        onboarding.onboard(primary(territorial, "46-01-001"))
        with CaptureQueriesContext(connection) as first:
            onboarding.TemplateSnapshot.take()
        onboarding._kept_snapshots.clear()  # noqa: SLF001
        with CaptureQueriesContext(connection) as afresh:
            onboarding.TemplateSnapshot.take()
        assert len(first) < len(afresh)
        assert len(first) <= 3  # the network settings, the template's root, its fingerprint


class TestHostnames:
    def test_registry_label_and_own_domain(self, territorial):
        onboarding.onboard(territorial)
        assert territorial.__class__.objects.get(pk=territorial.pk).site.hostname == (
            "zheleznogorsk.localhost"
        )
        school = primary(territorial, "46-01-001", hostname="rylsk-profobr.ru")
        onboarding.onboard(school)
        school.refresh_from_db()
        assert school.site.hostname == "rylsk-profobr.ru"

    def test_repeated_short_names_get_unique_valid_names(self, territorial):
        other = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
        a = primary(territorial, "46-01-001", short_name="ППО СОШ № 1")
        b = primary(other, "46-02-001", short_name="ППО СОШ № 1")
        c = primary(
            other,
            "46-02-002",
            short_name="ППО «Детский сад № 7 “Солнышко”» — очень длинное наименование организации"
            * 2,
        )
        for organization in (a, b, c):
            onboarding.onboard(organization)
            organization.refresh_from_db()
        labels = [org.hostname for org in (a, b, c)]
        assert labels[:2] == ["sosh-1", "sosh-1-2"]
        for label in labels:
            validate_hostname(label)
            assert len(label) <= 63

    def test_explicit_hostname_is_validated_and_taken_ones_refused(self, territorial):
        school = primary(territorial, "46-01-001")
        before = snapshot()
        with pytest.raises(ValidationError, match="Недопустимое имя сайта"):
            onboarding.onboard(school, hostname="Школа_1")
        with pytest.raises(ValidationError, match="уже указан у другой организации"):
            onboarding.onboard(school, hostname="zheleznogorsk")
        assert snapshot() == before
        onboarding.onboard(school, hostname="school1-zh")
        school.refresh_from_db()
        assert school.site.hostname == "school1-zh.localhost"


class TestTerritorialRights:
    def test_territorial_editors_can_edit_their_primaries_sites_not_others(self, territorial):
        other = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
        school = primary(territorial, "46-01-001")
        foreign = primary(other, "46-02-001", short_name="ППО СОШ № 9")
        for organization in (territorial, other, school, foreign):
            onboarding.onboard(organization)
            organization.refresh_from_db()
        boss = editor_of(territorial, "boss@zh.example")
        teacher = editor_of(school, "teacher@zh.example")

        def can_edit(user, organization):
            return organization.home_page.permissions_for_user(user).can_edit()

        assert can_edit(boss, territorial) and can_edit(boss, school)
        assert not can_edit(boss, foreign) and not can_edit(boss, other)
        assert can_edit(teacher, school) and not can_edit(teacher, territorial)

    def test_rights_follow_a_move_and_an_offboarding(self, territorial):
        other = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
        school = primary(territorial, "46-01-001")
        for organization in (territorial, other, school):
            onboarding.onboard(organization)
            organization.refresh_from_db()
        old_boss = editor_of(territorial, "old@zh.example")
        new_boss = editor_of(other, "new@ry.example")

        school.parent = other
        school.full_clean()
        school.save()  # the regional admin moves the school in the registry
        perms = school.home_page.permissions_for_user
        assert not perms(old_boss).can_edit()
        assert perms(new_boss).can_edit()

        onboarding.offboard(school)
        school.refresh_from_db()
        new_boss = get_user_model().objects.get(pk=new_boss.pk)  # Wagtail caches rights per user
        assert not perms(new_boss).can_edit()
        assert not GroupPagePermission.objects.filter(group=school.editors_group).exists()

    def test_territorial_onboarded_after_its_primaries_gets_rights_on_them(self, territorial):
        school = primary(territorial, "46-01-001")
        onboarding.onboard(school)
        onboarding.onboard(territorial)
        territorial.refresh_from_db()
        school.refresh_from_db()
        boss = editor_of(territorial, "boss@zh.example")
        assert school.home_page.permissions_for_user(boss).can_edit()


class TestOffboarding:
    def test_offboard_keeps_content_and_onboarding_brings_it_back(self, client, territorial):
        school = primary(territorial, "46-01-001")
        onboarding.onboard(school)
        school.refresh_from_db()
        home, pages = school.home_page, Page.objects.count()
        host = school.site.hostname

        call_command("offboard_org", "46-01-001", stdout=StringIO())
        school.refresh_from_db()
        assert school.site is None and Page.objects.count() == pages
        assert not Page.objects.descendant_of(home, inclusive=True).filter(live=True).exists()
        assert school.short_name not in client.get("/", HTTP_HOST=host).text

        onboarding.onboard(school)
        school.refresh_from_db()
        assert school.home_page == home and school.site.hostname == host
        assert Page.objects.count() == pages
        assert client.get("/kontakty/", HTTP_HOST=host).status_code == 200

    def test_offboarding_an_organization_without_a_site_is_refused(self, territorial):
        with pytest.raises(CommandError, match="нет сайта"):
            call_command("offboard_org", "46-01")


class TestCommand:
    def test_onboard_one_prints_the_site(self, territorial, django_capture_on_commit_callbacks):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("onboard_org", "46-01", "--editor", "boss@zh.example", stdout=out)
        assert mail.outbox[0].to == ["boss@zh.example"]
        assert "http://zheleznogorsk.localhost/" in out.getvalue()
        assert "приглашение отправлено: boss@zh.example" in out.getvalue()

    @pytest.mark.parametrize(
        ("args", "error"),
        [
            (["99-99"], "не найдена в реестре"),
            (["46-01", "--hostname", "bad host"], "Недопустимое имя сайта"),
            (["46-01", "--editor", "nobody"], "Неверный адрес"),
            ([], "Укажите код организации"),
        ],
    )
    def test_errors_are_one_clear_line_and_change_nothing(self, territorial, args, error):
        before = snapshot()
        with pytest.raises(CommandError, match=error):
            call_command("onboard_org", *args)
        assert snapshot() == before

    def test_workers_are_a_number_for_a_bulk_run_on_postgresql(self, territorial):
        before = snapshot()
        with pytest.raises(CommandError, match="только вместе с --all-without-site"):
            call_command("onboard_org", "46-01", "--workers", "2")
        with pytest.raises(CommandError, match="от 1"):
            call_command("onboard_org", "--all-without-site", "--workers", "0")
        if connection.vendor == "sqlite":
            with pytest.raises(CommandError, match="только на PostgreSQL"):
                call_command("onboard_org", "--all-without-site", "--workers", "2")
        assert snapshot() == before

    def test_an_organization_with_a_site_is_refused(self, territorial):
        call_command("onboard_org", "46-01", stdout=StringIO())
        before = snapshot()
        with pytest.raises(CommandError, match="уже есть сайт"):
            call_command("onboard_org", "46-01")
        assert snapshot() == before

    def test_all_without_site_with_filters(self, territorial):
        other = factories.TerritorialOrganizationFactory(code="46-02", hostname="rylsk")
        mine = [primary(territorial, f"46-01-00{n}", short_name=f"ППО СОШ № {n}") for n in (1, 2)]
        theirs = primary(other, "46-02-001", short_name="ППО СОШ № 7")
        out = StringIO()
        call_command(
            "onboard_org",
            "--all-without-site",
            "--kind",
            "primary",
            "--parent",
            "46-01",
            stdout=out,
        )
        assert "Создано сайтов: 2, ошибок: 0." in out.getvalue()
        assert all(Organization.objects.get(pk=org.pk).site_id for org in mine)
        assert Organization.objects.get(pk=theirs.pk).site_id is None
        assert Organization.objects.get(pk=territorial.pk).site_id is None

        call_command("onboard_org", "--all-without-site", stdout=StringIO())
        assert not Organization.objects.filter(site__isnull=True).exists()


def test_onboarded_pages_are_in_the_search_index(territorial):
    """Onboarding indexes its pages in one batch rather than page by page: still findable."""
    school = primary(territorial, "46-01-001", short_name="ППО Лицей № 21")
    onboarding.onboard(school)
    school.refresh_from_db()
    found = StandardPage.objects.live().descendant_of(school.home_page).search("вступить")
    assert [page.slug for page in found] == ["kak-vstupit"]
    homes = Page.objects.live().search("Лицей")
    assert school.home_page_id in [page.pk for page in homes]


def test_collections_can_still_be_added_in_the_admin_after_onboarding(territorial):
    onboarding.onboard(territorial)
    root = Collection.get_first_root_node()
    root.refresh_from_db()
    added = root.add_child(name="Фотоархив")  # what the admin's "Add collection" does
    assert added.get_parent() == root
    assert root.get_children().count() == Collection.objects.filter(depth=2).count()


def test_references_in_the_template_are_indexed_for_each_copy(territorial, template):
    """The admin's "usage" of an image counts the sites whose pages show it."""
    from wagtail.models import ReferenceIndex

    image = factories.ImageFactory(title="Эмблема")
    template.image = image
    template.save_revision()
    school = primary(territorial, "46-01-001")
    onboarding.onboard(school)
    school.refresh_from_db()
    usage = ReferenceIndex.get_references_to(image).group_by_source_object()
    assert school.home_page.pk in [source.pk for source, _ in usage]


def test_a_template_that_refers_to_an_image_is_read_afresh_for_each_site(territorial, template):
    """A deleted image changes the template page, not its revision: a kept draft would copy
    the lost reference (a foreign key error on the next site)."""
    image = factories.ImageFactory(title="Эмблема")
    template.image = image
    template.save_revision()
    onboarding.onboard(primary(territorial, "46-01-001"))
    image.delete()
    school = primary(territorial, "46-01-002")
    onboarding.onboard(school)
    school.refresh_from_db()
    assert HomePage.objects.get(pk=school.home_page_id).image_id is None
