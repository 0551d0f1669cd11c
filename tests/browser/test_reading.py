"""A member reading in a real browser: two sites by hostname, a news item, the version for the
visually impaired (switched on, adjusted, switched off), axe-core's WCAG 2.1 AA checks in both
versions, reading a news item again offline from the service worker's cache, and search.

axe-core comes from node_modules (`make install`); without it these tests skip locally and
fail under CI."""

import re

import pytest
from playwright.sync_api import expect

from ..tools import AXE_JS, require_node_file

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
# The ordinary version, then the accessibility mode in each colour scheme (with the other
# settings varied too): the `a11y` cookie's value, "size.scheme.images".
MODES = {
    "standard": None,
    "a11y-bw": "large.bw.on",
    "a11y-wb": "xlarge.wb.off",
    "a11y-blue": "normal.blue.on",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

OVERFLOWING_JS = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} (right edge ${
        Math.round(el.getBoundingClientRect().right)} px)`)"""


def html_classes(page):
    return page.evaluate("document.documentElement.className").split()


def set_mode(page, site_url, hostname, value):
    """Choose the mode the way a visitor's link does (/a11y/), or switch it off."""
    if value is None:
        page.goto(site_url(hostname, "/a11y/?mode=off&next=/"))
        return
    size, scheme, images = value.split(".")
    page.goto(site_url(hostname, f"/a11y/?size={size}&scheme={scheme}&images={images}&next=/"))
    expect(page.locator("html")).to_have_class(re.compile(rf"\ba11y--scheme-{scheme}\b"))


def axe_violations(page, enhanced_contrast):
    """axe-core's serious and critical violations on the page, WCAG 2.1 A/AA and best
    practice; `enhanced_contrast` adds the AAA 7:1 contrast rule (the high-contrast schemes)."""
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async ({ tags, enhanced }) => {
            const options = { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] };
            if (enhanced) {
                // Of the AAA rules, only the 7:1 contrast one.
                options.runOnly.values = [...tags, "wcag2aaa"];
                options.rules = {};
                for (const rule of axe.getRules(["wcag2aaa"])) {
                    if (rule.ruleId !== "color-contrast-enhanced") {
                        options.rules[rule.ruleId] = { enabled: false };
                    }
                }
            }
            return (await axe.run(document, options)).violations;
        }""",
        {"tags": AXE_TAGS, "enhanced": enhanced_contrast},
    )
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"      {' '.join(node['target'])}: {node['failureSummary']}")
            lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


def test_two_sites_a_news_item_and_the_accessibility_mode(page, site_url, region, news):
    rylsk_title = news["rylsk"][0][0]
    page.goto(site_url(RYLSK))
    expect(page.get_by_role("heading", level=1)).to_have_text(region["rylsk"].name)
    expect(page.get_by_role("link", name=rylsk_title)).to_be_visible()

    title = news["zheleznogorsk"][0][0]
    page.goto(site_url(ZHELEZNOGORSK))
    expect(page.get_by_role("heading", level=1)).to_have_text(region["zheleznogorsk"].name)
    expect(page.get_by_role("main")).not_to_contain_text(rylsk_title)
    page.get_by_role("region", name="Новости").get_by_role("link", name=title).click()
    expect(page).to_have_url(site_url(ZHELEZNOGORSK, "/novosti/news-1/"))
    expect(page.get_by_role("article").get_by_role("heading", level=1)).to_have_text(title)
    assert html_classes(page) == []

    # On: the same page comes back, in large black-on-white type.
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Версия для слабовидящих").click()
    expect(page).to_have_url(site_url(ZHELEZNOGORSK, "/novosti/news-1/"))
    assert html_classes(page) == ["a11y", "a11y--size-large", "a11y--scheme-bw"]
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
    expect(page.get_by_role("article").get_by_role("heading", level=1)).to_have_text(title)

    # Colours and size change at once (static/js/a11y.js), and are kept for the next page.
    sizes = header.get_by_role("group", name="Размер шрифта")
    colours = header.get_by_role("group", name="Цвета")
    page.evaluate("window.samePageLoad = true")
    colours.get_by_role("link", name="белым по чёрному").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y--scheme-wb\b"))
    expect(colours.get_by_role("link", name="белым по чёрному")).to_have_attribute(
        "aria-current", "true"
    )
    sizes.get_by_role("link", name="очень крупный").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y--size-xlarge\b"))
    assert page.evaluate("window.samePageLoad") is True, "no page load for size and colours"
    body = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert body == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    page.reload()
    assert html_classes(page) == ["a11y", "a11y--size-xlarge", "a11y--scheme-wb"]

    # Images off: the photo's alt text takes its place.
    header.get_by_role("group", name="Изображения").get_by_role(
        "link", name="не показывать"
    ).click()
    expect(page.locator("html")).to_have_class(re.compile(r"\ba11y--no-images\b"))
    article = page.get_by_role("article")
    expect(article.locator("img")).to_have_count(0)
    expect(article.locator(".img-alt")).to_have_text("Изображение: Фото")

    # Off again: the ordinary page, images back.
    header.get_by_role("link", name="Обычная версия").click()
    expect(page).to_have_url(site_url(ZHELEZNOGORSK, "/novosti/news-1/"))
    assert html_classes(page) == []
    expect(page.get_by_role("article").get_by_role("img")).to_be_visible()
    expect(header.get_by_role("link", name="Версия для слабовидящих")).to_be_visible()


def test_axe_finds_no_serious_violation_in_either_version(page, site_url, region):
    require_node_file(AXE_JS)
    failures = []
    for mode, value in MODES.items():
        set_mode(page, site_url, ZHELEZNOGORSK, value)
        for name, path in PAGES.items():
            page.goto(site_url(ZHELEZNOGORSK, path))
            violations = axe_violations(page, enhanced_contrast=value is not None)
            if violations:
                failures.append(f"{name} ({mode}, {path}):\n{describe(violations)}")
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def test_mode_keeps_every_page_usable_from_320_px(open_page, site_url, region, screenshot_dir):
    """Text at up to 150 % of the root size (and the browser's own zoom on top) must not make
    any page scroll sideways on a 320 px phone. Screenshots of both versions at 360 and
    1280 px go to test-artifacts/screenshots/."""
    for width, height, modes in [
        (320, 640, ("standard", "a11y-wb", "a11y-bw")),
        (360, 740, ("standard", "a11y-wb")),
        (1280, 800, ("standard", "a11y-wb")),
    ]:
        page = open_page(width=width, height=height)
        for mode in modes:
            set_mode(page, site_url, ZHELEZNOGORSK, MODES[mode])
            for name, path in PAGES.items():
                page.goto(site_url(ZHELEZNOGORSK, path))
                scroll_width, inner_width = page.evaluate(
                    "[document.scrollingElement.scrollWidth, window.innerWidth]"
                )
                assert scroll_width <= inner_width, (
                    f"{path} ({mode}) scrolls sideways at {width} px: "
                    f"{page.evaluate(OVERFLOWING_JS)}"
                )
                if width in (360, 1280):
                    page.screenshot(
                        path=screenshot_dir / f"reading-{mode}-{name}-{width}.png",
                        full_page=True,
                    )


def test_news_read_once_stays_readable_offline(page, site_url, region, news):
    title = news["zheleznogorsk"][1][0]
    page.goto(site_url(ZHELEZNOGORSK))
    # The service worker installs (precaching the offline page) and takes the page over.
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)") == (
        site_url(ZHELEZNOGORSK, "/sw.js")
    )
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.goto(site_url(ZHELEZNOGORSK, "/novosti/"))
    page.get_by_role("main").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("banner")).to_contain_text(region["zheleznogorsk"].short_name)
        page.goto(site_url(ZHELEZNOGORSK, "/novosti/"))
        expect(page.get_by_role("main").get_by_role("link", name=title)).to_be_visible()
        # A page never opened: the offline page, in the site's design.
        page.goto(site_url(ZHELEZNOGORSK, "/o-profsoyuze/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Нет соединения")
        expect(page.get_by_role("banner")).to_contain_text(region["zheleznogorsk"].short_name)
    finally:
        page.context.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("О Профсоюзе")


def test_search_from_the_header_finds_news_of_this_site_only(page, site_url, region, news):
    title = news["zheleznogorsk"][0][0]
    page.goto(site_url(ZHELEZNOGORSK, "/novosti/"))
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("конкурса")
    search.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    results = page.get_by_role("main").get_by_role("listitem")
    expect(results.get_by_role("link", name=title)).to_be_visible()

    page.goto(site_url(RYLSK, "/search/?q=конкурса"))
    expect(page.get_by_role("main")).not_to_contain_text(title)
