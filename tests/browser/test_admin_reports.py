"""The admin's reports on a laptop (1280 × 800, Wagtail's sidebar open): every column in view
without scrolling sideways, an organization's name on at most two lines, the status beside it."""

import pytest
from django.contrib.auth import get_user_model

from tests import factories

from .test_admin_roles import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LONG_NAMES = [
    "ППО МБОУ «Средняя общеобразовательная школа № 5 имени Героя Советского Союза "
    "Ивана Ивановича Иванова с углублённым изучением отдельных предметов»",
    "ППО МКДОУ «Детский сад комбинированного вида № 12 «Солнышко» г. Железногорска»",
    "ППО ОБПОУ «Железногорский политехнический колледж»",
]
REPORTS = [
    "/admin/reports/freshness/",
    "/admin/reports/freshness/coverage/",
    "/admin/reports/freshness/reports/",
    "/admin/reports/budget-share/",
    "/admin/reports/contest/",
]

MEASURE = """() => {
    const table = document.querySelector('table.report-table');
    if (!table) return null;
    const rows = [...table.querySelectorAll('tbody tr')].map((row) => {
        const name = row.querySelector('td.title > span, td.title > a');
        const cells = [...row.cells].map((cell) => cell.innerText.trim());
        if (!name) return {cells};
        const style = getComputedStyle(name);
        return {
            cells,
            lines: Math.round(name.getBoundingClientRect().height / parseFloat(style.lineHeight)),
        };
    });
    return {
        scrollWidth: document.documentElement.scrollWidth,
        tableRight: table.getBoundingClientRect().right,
        headers: [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim()),
        rows,
    };
}"""


@pytest.fixture
def editor(region):
    territorial = region["zheleznogorsk"]
    for number, name in enumerate(LONG_NAMES, start=2):
        factories.OrganizationFactory(
            kind="primary",
            code=f"46-01-{number:03d}",
            short_name=name,
            name=name + " Общероссийского Профсоюза образования",
            parent=territorial,
        )
    user = get_user_model().objects.create_user("zh-editor", password=PASSWORD)
    user.groups.add(territorial.editors_group)
    return user


@pytest.mark.parametrize("path", REPORTS)
def test_a_report_fits_a_laptop_screen(page, live_server, editor, path, screenshot_dir):
    sign_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}{path}")
    found = page.evaluate(MEASURE)
    assert found is not None, f"{path}: no report table"
    assert found["rows"], path
    assert found["scrollWidth"] <= 1280, (path, found["scrollWidth"], found["headers"])
    assert found["tableRight"] <= 1280, (path, found["tableRight"])
    for row in found["rows"]:
        if "lines" in row:
            assert row["lines"] <= 2, (path, row)
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=screenshot_dir / f"{name}-1280.png", full_page=True)


def test_the_freshness_status_is_beside_the_name(page, live_server, editor):
    sign_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}/admin/reports/freshness/")
    found = page.evaluate(MEASURE)
    assert found["headers"][:3] == ["Код", "Организация", "Статус"]
    long_row = next(row for row in found["rows"] if row["cells"][1].startswith("ППО МБОУ"))
    assert long_row["cells"][2].casefold() == "нет сайта" and long_row["lines"] == 2
