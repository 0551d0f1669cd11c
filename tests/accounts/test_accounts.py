"""Accounts: regional admins manage editors' accounts only, and an e-mail address matches an
account only once it is proven (sites/accounts/). Driven through the admin's own views."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail, signing

from directory.models import Organization
from sites.accounts import emails as accounts
from sites.network.roles import REGIONAL_ADMINS
from sites.onboarding import services as onboarding

from .. import factories

User = get_user_model()


@pytest.fixture
def orgs(db):
    onboarding.site_template()
    territorial = factories.TerritorialOrganizationFactory(short_name="Территориальная Тэ")
    onboarding.onboard(territorial)
    school = factories.PrimaryOrganizationFactory(parent=territorial, short_name="ППО Школа")
    onboarding.onboard(school)
    return Organization.objects.get(pk=territorial.pk), Organization.objects.get(pk=school.pk)


@pytest.fixture
def regional_admin(db):
    user = User.objects.create_user("ra", email="ra@example.org", password="x")
    user.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    return user


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", email="root@example.org", password="rootpass")


def new_user_form(**extra):
    return {
        "username": "newbie",
        "email": "newbie@example.org",
        "first_name": "Новый",
        "last_name": "Редактор",
        "password1": "a-long-pass-phrase-1",
        "password2": "a-long-pass-phrase-1",
        **extra,
    }


def edit_form(user, **extra):
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@example.org",
        "first_name": user.first_name or "Имя",
        "last_name": user.last_name or "Фамилия",
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    data.update(extra)
    return data


def refused(response):
    """Wagtail's answer to PermissionDenied in the admin: back to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


# Role escalation --------------------------------------------------------------------------------


def test_a_regional_admin_cannot_create_a_superuser(client, regional_admin, orgs):
    client.force_login(regional_admin)
    response = client.get("/admin/users/new/")
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()
    group = orgs[1].editors_group
    response = client.post("/admin/users/new/", new_user_form(is_superuser="on", groups=[group.pk]))
    assert response.status_code == 302
    created = User.objects.get(username="newbie")
    assert not created.is_superuser
    assert list(created.groups.all()) == [group]


@pytest.mark.parametrize("group_name", [REGIONAL_ADMINS, "Editors", "Moderators"])
def test_a_regional_admin_cannot_grant_a_network_wide_group(client, regional_admin, group_name):
    group = Group.objects.get_or_create(name=group_name)[0]
    client.force_login(regional_admin)
    response = client.post("/admin/users/new/", new_user_form(groups=[group.pk]))
    assert response.status_code == 200  # the form again: not a valid choice
    assert not User.objects.filter(username="newbie").exists()


def test_a_regional_admin_cannot_make_an_editor_superuser(client, regional_admin, orgs):
    editor = User.objects.create_user("editor", email="e@example.org", password="x")
    editor.groups.add(orgs[1].editors_group)
    client.force_login(regional_admin)
    response = client.post(f"/admin/users/edit/{editor.pk}/", edit_form(editor, is_superuser="on"))
    assert response.status_code == 302
    editor.refresh_from_db()
    assert not editor.is_superuser
    assert list(editor.groups.all()) == [orgs[1].editors_group]


def test_groups_not_offered_are_kept_when_a_regional_admin_edits(client, regional_admin, orgs):
    """An account in a group the regional admin may not assign keeps it after the edit."""
    other = Group.objects.create(name="Особая группа")
    editor = User.objects.create_user("editor", email="e@example.org", password="x")
    editor.groups.add(orgs[1].editors_group, other)
    client.force_login(regional_admin)
    data = edit_form(editor, groups=[str(orgs[0].editors_group_id)])
    assert client.post(f"/admin/users/edit/{editor.pk}/", data).status_code == 302
    assert set(editor.groups.all()) == {orgs[0].editors_group, other}


@pytest.mark.parametrize("target", ["superuser", "other_admin", "self"])
def test_a_regional_admin_cannot_edit_or_delete_an_admin(client, regional_admin, superuser, target):
    other_admin = User.objects.create_user("ra2", email="ra2@example.org", password="x")
    other_admin.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    account = {"superuser": superuser, "other_admin": other_admin, "self": regional_admin}[target]
    password = account.password
    client.force_login(regional_admin)
    edit = f"/admin/users/edit/{account.pk}/"
    assert refused(client.get(edit))
    data = edit_form(account, password1="taken-over-123", password2="taken-over-123")
    data["groups"] = []
    assert refused(client.post(edit, data))
    assert refused(client.post(f"/admin/users/delete/{account.pk}/"))
    account.refresh_from_db()
    assert account.password == password
    assert account.groups.count() == (0 if target == "superuser" else 1)


def test_bulk_actions_skip_admins_and_offer_only_editors_groups(
    client, regional_admin, superuser, orgs
):
    editor = User.objects.create_user("editor", email="e@example.org", password="x")
    client.force_login(regional_admin)
    admins = Group.objects.get(name=REGIONAL_ADMINS)
    url = "/admin/bulk/auth/user/assign_role/?next=/admin/users/&id={}"
    response = client.post(url.format(editor.pk), {"role": admins.pk})
    assert response.status_code == 200  # the form again: not a valid choice
    assert not editor.groups.exists()
    response = client.post(url.format(editor.pk), {"role": orgs[1].editors_group_id})
    assert response.status_code == 302
    assert list(editor.groups.all()) == [orgs[1].editors_group]

    active = "/admin/bulk/auth/user/set_active_state/?next=/admin/users/&id={}"
    client.post(active.format(superuser.pk), {"mark_as_active": "False"})
    client.post(f"/admin/bulk/auth/user/delete/?next=/admin/users/&id={superuser.pk}")
    superuser.refresh_from_db()
    assert superuser.is_active


def test_a_superuser_still_manages_everyone(client, superuser, regional_admin):
    client.force_login(superuser)
    data = edit_form(regional_admin, is_superuser="on")
    data["groups"] = [str(Group.objects.get(name=REGIONAL_ADMINS).pk)]
    assert client.post(f"/admin/users/edit/{regional_admin.pk}/", data).status_code == 302
    regional_admin.refresh_from_db()
    assert regional_admin.is_superuser


# Proven addresses -------------------------------------------------------------------------------


def change_own_email(client, user, email):
    response = client.post(
        "/admin/account/",
        {
            "name_email-first_name": "Иван",
            "name_email-last_name": "Петров",
            "name_email-email": email,
            "locale-preferred_language": "ru",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-density": "default",
            "theme-contrast": "system",
            "theme-keyboard_shortcuts": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.email == email


def link_in(message):
    return re.search(r"http://\S+", message.body).group(0)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (mails), which tests never reach."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_editor_cannot_take_another_organizations_seat_by_email(client, orgs, committed):
    territorial, school = orgs
    intruder = User.objects.create_user("intruder", email="intruder@example.org", password="x")
    intruder.groups.add(school.editors_group)
    client.force_login(intruder)
    mail.outbox.clear()
    with committed():
        change_own_email(client, intruder, "chair@other.example.org")
    # The confirmation goes to the address claimed, not to the intruder.
    assert [m.to for m in mail.outbox] == [["chair@other.example.org"]]

    other = factories.PrimaryOrganizationFactory(parent=territorial, short_name="ППО Другая")
    mail.outbox.clear()
    with committed():
        onboarding.onboard(other, editors=["chair@other.example.org"])
    other.refresh_from_db()
    intruder.refresh_from_db()
    assert not intruder.groups.filter(pk=other.editors_group_id).exists()
    owner = User.objects.get(groups=other.editors_group)
    assert owner != intruder
    invitation = next(m for m in mail.outbox if "Приглашение" in m.subject)
    assert invitation.to == ["chair@other.example.org"]
    assert f"Ваше имя для входа: {owner.username}" in invitation.body
    assert "intruder" not in invitation.body


def test_a_confirmed_address_is_matched(client, orgs, committed):
    territorial, school = orgs
    editor = User.objects.create_user("editor", email="old@example.org", password="x")
    editor.groups.add(school.editors_group)
    client.force_login(editor)
    mail.outbox.clear()
    with committed():
        change_own_email(client, editor, "new@example.org")
    client.logout()
    response = client.get(link_in(mail.outbox[0]).replace("http://localhost", ""))
    assert response.status_code == 200
    assert "Адрес new@example.org подтверждён." in response.content.decode()

    other = factories.PrimaryOrganizationFactory(parent=territorial, short_name="ППО Вторая")
    onboarding.onboard(other, editors=["NEW@example.org"])
    other.refresh_from_db()
    assert editor.groups.filter(pk=other.editors_group_id).exists()
    assert User.objects.filter(email__iexact="new@example.org").count() == 1


def test_a_link_proves_only_the_address_it_was_sent_to(client, db, committed):
    editor = User.objects.create_user("editor", email="first@example.org", password="x")
    mail.outbox.clear()
    editor.email = "second@example.org"
    with committed():
        editor.save()
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    link = link_in(mail.outbox[0]).replace("http://localhost", "")
    editor.email = "third@example.org"
    editor.save()
    response = client.get(link)
    assert response.status_code == 400
    assert "больше не указан" in response.content.decode()
    assert not accounts.email_is_proven(editor)


def test_bad_and_expired_links_prove_nothing(client, db):
    editor = User.objects.create_user("editor", email="e@example.org", password="x")
    response = client.get("/account/confirm-email/nonsense/")
    assert response.status_code == 400
    assert "Ссылка неверна." in response.content.decode()
    token = signing.dumps(
        {"user": editor.pk, "email": editor.email}, salt=accounts.CONFIRMATION_SALT
    )
    accounts.CONFIRMATION_MAX_AGE, saved = -1, accounts.CONFIRMATION_MAX_AGE
    try:
        response = client.get(f"/account/confirm-email/{token}/")
    finally:
        accounts.CONFIRMATION_MAX_AGE = saved
    assert response.status_code == 400
    assert "Срок действия ссылки истёк." in response.content.decode()
    assert not accounts.email_is_proven(editor)


def test_onboarding_reuses_the_accounts_it_made(orgs):
    territorial, school = orgs
    onboarding.onboard(school, editors=["chair@school.example.org"])
    other = factories.PrimaryOrganizationFactory(parent=territorial, short_name="ППО Третья")
    onboarding.onboard(other, editors=["chair@school.example.org"])
    other.refresh_from_db()
    school.refresh_from_db()
    account = User.objects.get(email="chair@school.example.org")
    assert set(account.groups.all()) == {school.editors_group, other.editors_group}
