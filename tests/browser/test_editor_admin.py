"""A new editor, as they would try it: the invitation e-mail's link, a password of their own,
the admin from the dashboard on — and only their own organization's pages, images, documents
and settings."""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from sites.onboarding.services import onboard

from .. import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Uchitel-2026-parol!"


def test_invited_editor_sets_a_password_and_sees_only_their_own_site(
    page, live_server, region, screenshot_dir
):
    school, rylsk = region["school"], region["rylsk"]
    factories.ImageFactory(title="Фото нашей школы", collection=school.collection)
    factories.ImageFactory(title="Фото из Рыльска", collection=rylsk.collection)
    for title, org in (("Положение школы", school), ("Положение Рыльска", rylsk)):
        get_document_model().objects.create(
            title=title,
            file=ContentFile(b"%PDF-1.4 " + title.encode(), name="polozhenie.pdf"),
            collection=org.collection,
        )
    mail.outbox.clear()
    onboard(school, editors=["teacher@school5.example"])

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/admin/password_reset/confirm/\S+", mail.outbox[0].body)[0]
    page.goto(live_server.url + link[link.index("/admin/") :])
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.locator("form [type=submit]").click()

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "teacher@school5.example")
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.screenshot(path=screenshot_dir / "editor-dashboard.png", full_page=True)
    assert "Рыльск" not in page.content()

    page.goto(f"{live_server.url}/admin/pages/")
    expect(page.get_by_role("link", name=school.short_name).first).to_be_visible()
    # The explorer opens on the editor's own site: its sections are listed, and nothing on the
    # page (listing, filters, menus) names another organization.
    listing = page.locator("main table").inner_text()
    assert "О Профсоюзе" in listing and "Контакты" in listing
    html = page.content()
    for foreign in (rylsk.short_name, region["zheleznogorsk"].short_name, "Шаблон сайта"):
        assert foreign not in html, foreign
    page.screenshot(path=screenshot_dir / "editor-pages.png", full_page=True)

    page.goto(f"{live_server.url}/admin/images/")
    expect(page.get_by_text("Фото нашей школы").first).to_be_visible()
    assert "Фото из Рыльска" not in page.content()
    page.screenshot(path=screenshot_dir / "editor-images.png", full_page=True)

    page.goto(f"{live_server.url}/admin/documents/")
    expect(page.get_by_text("Положение школы").first).to_be_visible()
    assert "Положение Рыльска" not in page.content()
    page.screenshot(path=screenshot_dir / "editor-documents.png", full_page=True)

    # Settings: the site's look, for their own site only (no switcher naming other sites);
    # the review switch belongs to the territorial organization, not to them.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name=re.compile("Настройки")).click()
    # The panel slides open: read it once it shows (at once, its text was still empty).
    panel = page.locator(".sidebar-sub-menu-panel", has_text="Настройки")
    expect(panel.get_by_text("Оформление сайта")).to_be_visible()
    assert "Модерация" not in panel.inner_text()
    page.get_by_role("link", name=re.compile("Оформление сайта")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Оформление сайта")
    assert school.site.hostname in page.content()
    for foreign in (rylsk.site.hostname, region["zheleznogorsk"].site.hostname):
        assert foreign not in page.content(), foreign
    page.screenshot(path=screenshot_dir / "editor-settings.png", full_page=True)

    # The menu has no user, group, registry or settings management for an editor.
    for forbidden in ("/admin/users/", "/admin/groups/", "/admin/organizations/"):
        assert f'href="{forbidden}"' not in page.content(), forbidden
