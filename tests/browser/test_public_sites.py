"""What a member sees in a real browser: each organization's own site by its hostname, reading
a news item and finding the way back, the keyboard's way in, and phone-sized screens."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ZHELEZNOGORSK = "zheleznogorsk.localhost"
RYLSK = "rylsk.localhost"
PAGES = {
    "home": "/",
    "news-index": "/novosti/",
    "news-item": "/novosti/news-1/",
    "report": "/otchety/otchet-2025/",
    "contacts": "/kontakty/",
}

# The elements sticking out past the right edge of the viewport, for the failure message.
OVERFLOWING_JS = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} (right edge ${
        Math.round(el.getBoundingClientRect().right)} px)`)"""

# Lazy images below the fold would be blank in a full-page screenshot: load them all first.
LOAD_IMAGES_JS = """() => Promise.all([...document.images].map((img) => {
    img.loading = "eager";
    return img.decode().catch(() => null);
}))"""


def titles(items):
    return [title for title, _lead in items]


def test_each_hostname_serves_its_own_organization_and_news(page, site_url, region, news):
    for hostname, key, other in [
        (ZHELEZNOGORSK, "zheleznogorsk", "rylsk"),
        (RYLSK, "rylsk", "zheleznogorsk"),
    ]:
        page.goto(site_url(hostname))
        expect(page.locator("html")).to_have_attribute("lang", "ru")
        header = page.get_by_role("banner")
        brand = header.get_by_role("link", name=region[key].short_name, exact=True)
        expect(brand).to_have_attribute("aria-current", "page")
        expect(header).not_to_contain_text(region[other].short_name)
        expect(page.get_by_role("heading", level=1)).to_have_text(region[key].name)

        cards = page.get_by_role("region", name="Новости").get_by_role("heading", level=3)
        expect(cards).to_have_text(titles(news[key]))
        expect(page.get_by_role("main")).not_to_contain_text(news[other][0][0])


def test_member_reads_a_news_item_and_finds_the_way_back(page, site_url, region, news):
    title, lead = news["zheleznogorsk"][1]
    page.goto(site_url(ZHELEZNOGORSK))
    page.get_by_role("region", name="Новости").get_by_role("link", name=title).click()

    expect(page).to_have_url(site_url(ZHELEZNOGORSK, "/novosti/news-2/"))
    expect(page).to_have_title(f"{title} — {region['zheleznogorsk'].short_name}")
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", level=1)).to_have_text(title)
    expect(article.locator("time")).to_have_text("5 марта 2026 г.")
    expect(article.locator("time")).to_have_attribute("datetime", "2026-03-05")
    expect(article.get_by_text(lead)).to_be_visible()
    photo = article.get_by_role("img")
    expect(photo).to_be_visible()
    # Visible is not loaded yet: wait (up to the timeout) until the picture has decoded.
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )

    article.get_by_role("link", name="Новости", exact=True).click()
    expect(page).to_have_url(site_url(ZHELEZNOGORSK, "/novosti/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Новости")
    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        titles(news["zheleznogorsk"])
    )

    # The header names the parent organization and links its site.
    header = page.get_by_role("banner")
    header.get_by_role("link", name=region["regional"].short_name, exact=True).click()
    expect(page).to_have_url(site_url("localhost"))
    expect(page.get_by_role("heading", level=1)).to_have_text(region["regional"].name)

    page.goto(site_url("school5-zh.localhost"))
    header.get_by_role("link", name=region["zheleznogorsk"].short_name, exact=True).click()
    expect(page).to_have_url(site_url(ZHELEZNOGORSK))


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, site_url, region):
    page.goto(site_url(ZHELEZNOGORSK, PAGES["news-index"]))
    skip = page.get_by_role("link", name="Перейти к содержанию")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport(ratio=1)

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))
    # The next Tab goes on from the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def open_and_check_layout(page, url):
    """Open `url`, its images loaded, and check that nothing sticks out sideways and that the
    header's lines (the parent organization's, the site's name) start at the same left edge."""
    response = page.goto(url)
    assert response.status == 200, url
    page.evaluate(LOAD_IMAGES_JS)
    width = page.viewport_size["width"]
    scroll_width, inner_width = page.evaluate(
        "[document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{url} scrolls sideways at {width} px: {page.evaluate(OVERFLOWING_JS)}"
    )
    lefts = page.evaluate(
        "[...document.querySelectorAll('.site-header .container')]"
        ".map((el) => Math.round(el.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1, f"{url} at {width} px: the header's lines start at {lefts}"


def test_pages_fit_phone_screens_and_are_captured(open_page, site_url, region, screenshot_dir):
    """No page scrolls sideways on the smallest phone in use (320 px), on a common one (390 px)
    or on a desktop (1280 px). At 390 and 1280 px every page is also saved as a full-page
    screenshot in test-artifacts/screenshots/ for a person to look at."""
    for width, height in [(320, 640), (390, 844), (1280, 800)]:
        page = open_page(width=width, height=height)
        for name, path in PAGES.items():
            open_and_check_layout(page, site_url(ZHELEZNOGORSK, path))
            if width == 1280:
                # On a desktop the sections (six on a territorial site) fit one line
                rows = page.evaluate(
                    "new Set([...document.querySelectorAll('.main-nav a')]"
                    ".map((a) => Math.round(a.getBoundingClientRect().top))).size"
                )
                assert page.locator(".main-nav a").count() >= 6
                assert rows == 1, f"{path}: the menu takes {rows} lines at 1280 px"
            if width > 320:
                page.screenshot(
                    path=screenshot_dir / f"zheleznogorsk-{name}-{width}.png", full_page=True
                )
