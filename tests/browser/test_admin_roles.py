"""The regional admin and a territorial editor at work in a real browser: the admin signs in
with the second factor set up on the way and manages an editor's account (never more than
that); the territorial editor switches review on for a primary's site and approves its page."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import totp
from playwright.sync_api import expect
from wagtail.models import Page

from news.models import NewsIndexPage, NewsPage
from sites.network.roles import REGIONAL_ADMINS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Oblast-2026-parol!"


def sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").click()


def test_regional_admin_sets_up_the_second_factor_and_manages_an_editor(
    page, live_server, region, screenshot_dir
):
    base = live_server.url
    admin = get_user_model().objects.create_user("oblast", password=PASSWORD)
    admin.groups.add(Group.objects.get(name=REGIONAL_ADMINS))
    editor = get_user_model().objects.create_user(
        "teacher", email="teacher@school5.example", first_name="Анна", last_name="Учителева"
    )
    editor.groups.add(region["school"].editors_group)

    sign_in(page, base, "oblast")
    expect(page).to_have_url(re.compile(r"/admin/2fa/setup/"))
    page.goto(f"{base}/admin/pages/")  # nothing else opens before the second factor
    expect(page).to_have_url(re.compile(r"/admin/2fa/setup/"))
    secret = page.locator(".twofactor-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{totp(key):06d}")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Подтвердить").click()
    codes = page.locator(".twofactor-recovery-codes li")
    expect(codes).to_have_count(10)
    page.screenshot(path=screenshot_dir / "admin-recovery-codes.png", full_page=True)
    page.get_by_role("link", name=re.compile("продолжить")).click()
    expect(page).to_have_url(f"{base}/admin/pages/")  # where they were going

    # An editor's account: the groups offered are the organizations' editors' only, and there
    # is no «Administrator» box.
    page.goto(f"{base}/admin/users/edit/{editor.pk}/")
    form = page.locator("main form").first
    assert page.locator("[name=is_superuser]").count() == 0
    assert REGIONAL_ADMINS not in form.inner_text()
    expect(form).to_contain_text(region["rylsk"].editors_group.name)
    page.get_by_role("tab", name=re.compile("Роли")).click()
    page.get_by_label(region["rylsk"].editors_group.name).check()
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/users/"))
    assert editor.groups.filter(pk=region["rylsk"].editors_group_id).exists()

    # Not another admin's account, not their own.
    page.goto(f"{base}/admin/users/edit/{admin.pk}/")
    expect(page).to_have_url(f"{base}/admin/")
    page.screenshot(path=screenshot_dir / "admin-refused.png", full_page=True)


def test_territorial_editor_switches_review_on_and_approves(page, live_server, region):
    base = live_server.url
    zheleznogorsk, school = region["zheleznogorsk"], region["school"]
    territorial = get_user_model().objects.create_user("zh-editor", password=PASSWORD)
    territorial.groups.add(zheleznogorsk.editors_group)
    primary = get_user_model().objects.create_user("school-editor", password=PASSWORD)
    primary.groups.add(school.editors_group)

    sign_in(page, base, "zh-editor")
    expect(page).to_have_url(f"{base}/admin/")
    page.goto(f"{base}/admin/settings/sites/moderationsettings/{school.site_id}/")
    page.get_by_role("checkbox", name=re.compile("проверка территориальной", re.I)).check()
    page.locator("main form [type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text("обновлено", ignore_case=True)

    # The school's editor writes and submits; T's editor approves from the dashboard.
    index = NewsIndexPage.objects.descendant_of(school.home_page).get()
    news = index.add_child(
        instance=NewsPage(
            title="Новость школы на проверку", slug="na-proverku", lead="x", live=False
        )
    )
    news.save_revision(user=primary)
    page.context.clear_cookies()
    sign_in(page, base, "school-editor")
    page.goto(f"{base}/admin/pages/{news.pk}/edit/")
    assert page.locator("[name=action-publish]").count() == 0
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.locator("[name=action-submit]").click()
    expect(page.locator(".messages")).to_contain_text("отправлена", ignore_case=True)

    page.context.clear_cookies()
    sign_in(page, base, "zh-editor")
    expect(page.get_by_text("Новость школы на проверку").first).to_be_visible()
    page.goto(f"{base}/admin/pages/{news.pk}/edit/")
    page.locator("[data-w-dropdown-target=toggle]").last.click()
    page.get_by_role("button", name=re.compile("Одобрить и опубликовать", re.I)).click()
    dialog = page.locator("[role=dialog]")
    if dialog.count() and dialog.first.is_visible():
        dialog.get_by_role("button", name=re.compile("Одобрить")).first.click()
    expect(page.locator(".messages")).to_contain_text("обновлена", ignore_case=True)
    assert Page.objects.get(pk=news.pk).live
