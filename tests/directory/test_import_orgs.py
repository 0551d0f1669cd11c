"""Registry import: the membership registry's CSV export, as Excel in Russia saves it, through
the service, the `import_orgs` command and the admin's upload form."""

import codecs
import csv
import io
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils import WagtailTestUtils

from directory.importing import import_file
from directory.management.commands import import_orgs
from directory.models import REGIONAL_ON_BASE_DOMAIN, Organization
from directory.registry_file import COLUMNS, ImportFileError

from .. import factories

HEADER = list(COLUMNS)
INDEX_URL = reverse("organizations:index")
IMPORT_URL = reverse("organizations:import")


def org(code, kind, parent="", **values):
    """A row of the export, in the order of HEADER."""
    values = {
        "name": f"Организация {code} Профсоюза",
        "short_name": f"Организация {code}",
        **values,
    }
    return [
        code,
        values["name"],
        values["short_name"],
        kind,
        parent,
        values.get("district", ""),
        values.get("address", ""),
        values.get("phone", ""),
        values.get("email", ""),
        values.get("chair", ""),
        values.get("members", ""),
        values.get("hostname", ""),
    ]


def csv_bytes(rows, *, header=HEADER, delimiter=",", encoding="utf-8", bom=False):
    """The file as Excel writes it: CRLF line ends, quotes only where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    data = buffer.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def write(tmp_path, rows, name="registry.csv", **options):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, **options))
    return path


def codes():
    return set(Organization.objects.values_list("code", flat=True))


REGION = [
    org(
        "46",
        "regional",
        name="Курская областная организация Профессионального союза работников народного "
        "образования и науки Российской Федерации",
        short_name="Курская областная организация Профсоюза",
        members="46831",
    ),
    org(
        "46-01",
        "territorial",
        "46",
        name="Железногорская городская организация Профсоюза",
        short_name="Железногорская",
        hostname="zheleznogorsk",
    ),
    org(
        "46-01-001",
        "primary",
        "46-01",
        name="Первичная профсоюзная организация МБОУ «Лицей № 3» г. Железногорска",
        short_name="ППО Лицей № 3",
        hostname="rylsk-profobr.ru",
    ),
]

# Lines 2–4 are REGION; every later line is wrong in its own way.
BAD_ROWS = [
    *REGION,
    org("46-01-002", "school", "46-01"),  # 5
    org("46-01-003", "primary", "46-99"),  # 6
    org("46-01-004", "primary", "46-01-001"),  # 7
    org("46-01-005", "primary", "46-01", email="ds5@"),  # 8
    org("46-01-006", "primary", "46-01", hostname="lyceum_6"),  # 9
    org("46-02", "territorial", "46"),  # 10
    org("46-02", "territorial", "46", short_name="Рыльская"),  # 11
    org("46-02-001", "primary", "46-02"),  # 12
    org("47", "regional"),  # 13
    org("46-01-007", "primary", "46-01-002"),  # 14
]
BAD_ROW_ERRORS = {
    5: (
        "46-01-002",
        "Вид (kind): Неизвестный вид «school»; допустимы regional, territorial, primary.",
    ),
    6: (
        "46-01-003",
        "Вышестоящая организация (parent_code): Организация с кодом 46-99 не найдена "
        "ни в файле, ни в реестре.",
    ),
    7: (
        "46-01-004",
        "Вышестоящая организация (parent_code): Вышестоящей для организации вида «первичная» "
        "должна быть территориальная организация.",
    ),
    8: ("46-01-005", "E-mail (email): Введите правильный адрес электронной почты."),
    9: (
        "46-01-006",
        "Адрес сайта (hostname): Недопустимое имя сайта «lyceum_6»: только латинские строчные "
        "буквы, цифры и дефис, части через точку, без дефиса в начале и в конце части.",
    ),
    10: (
        "46-02",
        "Код 46-02 повторяется в файле (также в строке 11); ни одна из этих строк не загружена.",
    ),
    11: (
        "46-02",
        "Код 46-02 повторяется в файле (также в строке 10); ни одна из этих строк не загружена.",
    ),
    12: (
        "46-02-001",
        "Вышестоящая организация 46-02 не загружена: её код повторяется (строки 10, 11).",
    ),
    13: ("47", REGIONAL_ON_BASE_DOMAIN),
    14: (
        "46-01-007",
        "Вышестоящая организация 46-01-002 не загружена из-за ошибки в строке 5.",
    ),
}


def errors_by_line(result):
    return {error.line: (error.code, error.message) for error in result.errors}


# Files as Excel saves them -------------------------------------------------------------------


@pytest.mark.django_db
def test_windows_1251_semicolon_file_is_imported_with_russian_text_intact(tmp_path):
    rows = [
        org(
            "46",
            "regional",
            name="Курская областная организация Профсоюза",
            short_name="Курская областная",
            address="305000, г. Курск, ул. Ленина, д. 2",
            members="46 831",
        ),
        org(
            "46-01",
            "territorial",
            "46",
            name="  Железногорская городская организация Профсоюза  ",
            short_name="Железногорская",
            district="г. Железногорск",
            chair=" Иванова Татьяна Николаевна ",
            phone="+7 (47148) 2-61-15",
            email="zheleznogorsk@profobr46.example",
            members="2\u00a0172",
            hostname="zheleznogorsk",
        ),
        org(
            "46-01-001",
            "primary",
            "46-01",
            name="Первичная профсоюзная организация МБОУ «Лицей № 3» г. Железногорска",
            short_name="ППО Лицей № 3",
        ),
    ]
    path = write(tmp_path, rows, delimiter=";", encoding="cp1251")

    result = import_file(path)

    assert result.summary() == "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0"
    territorial = Organization.objects.get(code="46-01")
    assert (territorial.name, territorial.chair) == (
        "Железногорская городская организация Профсоюза",
        "Иванова Татьяна Николаевна",
    )
    assert (territorial.members_count, territorial.full_hostname()) == (
        2172,
        "zheleznogorsk.localhost",
    )
    assert territorial.parent.address == "305000, г. Курск, ул. Ленина, д. 2"
    assert Organization.objects.get(code="46").members_count == 46831
    primary = Organization.objects.get(code="46-01-001")
    assert primary.name == "Первичная профсоюзная организация МБОУ «Лицей № 3» г. Железногорска"
    assert primary.parent == territorial


@pytest.mark.django_db
def test_utf8_file_with_bom_and_extra_columns_is_imported(tmp_path):
    header = [*HEADER, "demo_site", "demo_activity"]
    rows = [[*row, "yes", "current"] for row in REGION]
    rows[0][6] = "305000, г. Курск, ул. Ленина, д. 2"  # commas inside a quoted value
    path = write(tmp_path, rows, header=header, bom=True)

    result = import_file(path)

    assert result.summary() == "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0"
    regional = Organization.objects.get(code="46")
    assert regional.name.startswith("Курская областная организация Профессионального союза")
    assert regional.address == "305000, г. Курск, ул. Ленина, д. 2"
    assert Organization.objects.get(code="46-01-001").short_name == "ППО Лицей № 3"


@pytest.mark.django_db
def test_children_may_come_before_their_parents(tmp_path):
    """Parents are found later in the file or already in the registry."""
    rylsk = factories.TerritorialOrganizationFactory(code="46-02", short_name="Рыльская")
    rows = [
        org("46-01-001", "primary", "46-01"),
        org("46-02-001", "primary", "46-02"),
        org("46-01", "territorial", rylsk.parent.code),
    ]

    result = import_file(write(tmp_path, rows))

    assert result.summary() == "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0"
    assert Organization.objects.get(code="46-01-001").parent.code == "46-01"
    assert Organization.objects.get(code="46-02-001").parent == rylsk
    assert Organization.objects.get(code="46-01").parent == rylsk.parent


# Bad rows ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_are_imported(tmp_path):
    result = import_file(write(tmp_path, BAD_ROWS))

    assert errors_by_line(result) == BAD_ROW_ERRORS
    assert result.summary() == "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 10"
    assert codes() == {"46", "46-01", "46-01-001"}


@pytest.mark.django_db
def test_reported_lines_are_the_lines_of_the_file(tmp_path):
    """A quoted value over two lines and a blank line count, as in a text editor; a value
    with an unquoted separator is caught rather than shifting the columns."""
    text = (
        ";".join(HEADER) + "\r\n"
        '46;Курская областная;Областная;regional;;;"г. Курск,\r\nул. Ленина, д. 2";;;;;\r\n'
        "\r\n"
        "46-01;Железногорская;Железногорская;territorial;46;;;;bad@;;;\r\n"
        "46-02;Рыльская;Рыльская;territorial;46;;г. Рыльск; ул. Советская;;;;;\r\n"
    )
    path = tmp_path / "registry.csv"
    path.write_bytes(text.encode("cp1251"))

    result = import_file(path)

    assert errors_by_line(result) == {
        5: ("46-01", "E-mail (email): Введите правильный адрес электронной почты."),
        6: (
            "46-02",
            "В строке 13 значений, а в заголовке 12 столбцов: вероятно, значение с "
            "разделителем (запятой или точкой с запятой) не заключено в кавычки.",
        ),
    }
    assert Organization.objects.get(code="46").address == "г. Курск,\r\nул. Ленина, д. 2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пуст."),
        (
            "код;наименование\r\n46;Курская\r\n".encode("cp1251"),
            "В первой строке файла нет обязательных столбцов: code, name, short_name, kind, "
            "parent_code, district, address, phone, email, chair, members, hostname.",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00", "Это книга Excel, а не CSV."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Файл не похож на таблицу CSV"),
    ],
    ids=["empty", "no-columns", "xlsx", "png"],
)
def test_a_file_that_is_not_a_registry_export_is_refused_whole(tmp_path, data, message):
    factories.regional_organization()
    path = tmp_path / "registry.csv"
    path.write_bytes(data)
    before = codes()

    with pytest.raises(ImportFileError) as refused:
        import_file(path)

    assert str(refused.value).startswith(message)
    assert codes() == before


# Re-import, updates, dry run ----------------------------------------------------------------


def write_queries(queries):
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, REGION)
    import_file(path)
    history = ModelLogEntry.objects.count()

    with CaptureQueriesContext(connection) as queries:
        result = import_file(path)

    assert result.summary() == "Создано: 0, обновлено: 0, без изменений: 3, ошибок: 0"
    assert write_queries(queries) == []
    assert ModelLogEntry.objects.count() == history


@pytest.mark.django_db
def test_a_changed_row_counts_as_updated_and_shows_in_its_history(tmp_path):
    import_file(write(tmp_path, REGION))
    changed = [row.copy() for row in REGION]
    changed[1][10] = "2 200"  # members of 46-01
    changed[2][2] = "ППО Лицей № 3 г. Железногорска"  # short name of 46-01-001

    result = import_file(write(tmp_path, changed, name="changed.csv"))

    assert result.summary() == "Создано: 0, обновлено: 2, без изменений: 1, ошибок: 0"
    assert result.updated == ["46-01", "46-01-001"]
    territorial = Organization.objects.get(code="46-01")
    assert territorial.members_count == 2200
    assert list(
        ModelLogEntry.objects.for_instance(territorial).values_list("action", flat=True)
    ) == ["wagtail.edit", "wagtail.create"]


@pytest.mark.django_db
def test_imported_names_are_found_by_the_admin_search(tmp_path, registry_admin_client):
    import_file(write(tmp_path, REGION))
    renamed = [row.copy() for row in REGION]
    renamed[2][1] = "Первичная профсоюзная организация МБОУ «Гимназия № 1» г. Железногорска"
    renamed[2][2] = "ППО Гимназии № 1"
    import_file(write(tmp_path, renamed, name="renamed.csv"))

    def found(query):
        soup = WagtailTestUtils.get_soup(registry_admin_client.get(INDEX_URL, {"q": query}).content)
        table = soup.find("table", class_="listing")
        if table is None:  # "no results" replaces the table
            return []
        return [tr.find("td").find("a").get_text(strip=True) for tr in table.tbody.find_all("tr")]

    assert "ППО Гимназии № 1" in found("гимназ")
    assert found("лицей") == []


@pytest.mark.django_db
def test_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    path = write(tmp_path, BAD_ROWS)
    history = ModelLogEntry.objects.count()

    checked = import_file(path, dry_run=True)

    assert codes() == set()
    assert ModelLogEntry.objects.count() == history
    imported = import_file(path)
    assert checked.summary() == imported.summary()
    assert checked.errors == imported.errors
    assert codes() == {"46", "46-01", "46-01-001"}

    changed = [row.copy() for row in REGION]
    changed[1][2] = "Новое имя"
    result = import_file(write(tmp_path, changed, name="changed.csv"), dry_run=True)
    assert result.summary() == "Создано: 0, обновлено: 1, без изменений: 2, ошибок: 0"
    assert Organization.objects.get(code="46-01").short_name == "Железногорская"


# The command ------------------------------------------------------------------------------


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_orgs", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_prints_each_bad_row_and_exits_non_zero(tmp_path):
    status, out, err = run(write(tmp_path, BAD_ROWS))

    assert status == 1
    assert "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 10" in out
    assert (
        "строка 5 (код 46-01-002): Вид (kind): Неизвестный вид «school»; "
        "допустимы regional, territorial, primary." in err.splitlines()
    )
    assert f"строка 13 (код 47): {REGIONAL_ON_BASE_DOMAIN}" in (err.splitlines())
    assert "Строк с ошибками: 10; остальные строки загружены." in err
    assert codes() == {"46", "46-01", "46-01-001"}


@pytest.mark.django_db
def test_command_exits_with_zero_when_every_row_is_imported(tmp_path):
    status, out, err = run(write(tmp_path, REGION))

    assert (status, err) == (0, "")
    assert out == "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0\n"


@pytest.mark.django_db
def test_command_dry_run_says_nothing_was_written(tmp_path):
    status, out, _ = run(write(tmp_path, REGION), "--dry-run")

    assert status == 0
    assert out.splitlines() == [
        "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0",
        "Только проверка (--dry-run): в реестр ничего не записано.",
    ]
    assert codes() == set()


@pytest.mark.django_db
def test_command_shows_progress_on_large_files(tmp_path, monkeypatch):
    monkeypatch.setattr(import_orgs, "PROGRESS_EVERY", 2)
    rows = [*REGION, org("46-01-002", "primary", "46-01"), org("46-01-003", "primary", "46-01")]

    _, _, err = run(write(tmp_path, rows))

    assert err.splitlines() == [
        "Обработано строк: 2 из 5",
        "Обработано строк: 4 из 5",
        "Обработано строк: 5 из 5",
    ]


@pytest.mark.django_db
def test_command_refuses_a_file_without_a_required_column(tmp_path):
    header = [name for name in HEADER if name != "hostname"]
    path = write(tmp_path, [row[:-1] for row in REGION], header=header)

    status, _, err = run(path)

    assert status == 1
    assert "нет обязательных столбцов: hostname." in err
    assert "Ничего не записано." in err
    assert codes() == set()


# The admin upload -------------------------------------------------------------------------


def upload(client, data, name="registry.csv", **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"file": file, **fields})


def page_text(response):
    return WagtailTestUtils.get_soup(response.content).get_text(" ", strip=True)


def error_table(response):
    table = WagtailTestUtils.get_soup(response.content).find(
        "table", attrs={"data-import-errors": True}
    )
    return [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")
    ]


@pytest.mark.django_db
def test_listing_offers_the_import_to_the_regional_admin(registry_admin_client):
    soup = WagtailTestUtils.get_soup(registry_admin_client.get(INDEX_URL).content)
    buttons = [a for a in soup.select("header a") if "Импорт из файла" in a.get_text()]
    assert [a["href"] for a in buttons] == [IMPORT_URL]

    soup = WagtailTestUtils.get_soup(registry_admin_client.get(IMPORT_URL).content)
    form = soup.find("form", id="w-editor-form")
    assert form["enctype"] == "multipart/form-data"
    assert form.find("input", {"name": "csrfmiddlewaretoken"})
    assert form.find("input", {"type": "file", "name": "file"})
    checkbox = form.find("input", {"type": "checkbox", "name": "dry_run"})
    assert soup.find("label", attrs={"for": checkbox["id"]}).get_text(strip=True) == (
        "Только проверить"
    )


@pytest.mark.django_db
def test_regional_admin_imports_a_file_and_sees_the_summary_and_errors(registry_admin_client):
    rows = [*REGION, org("46-01-002", "school", "46-01"), org("47", "regional")]

    response = upload(registry_admin_client, csv_bytes(rows, delimiter=";", encoding="cp1251"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Результат импорта" in text
    assert "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 2" in text
    assert error_table(response) == [
        [
            "5",
            "46-01-002",
            "Вид (kind): Неизвестный вид «school»; допустимы regional, territorial, primary.",
        ],
        ["6", "47", REGIONAL_ON_BASE_DOMAIN],
    ]
    assert codes() == {"46", "46-01", "46-01-001"}
    assert Organization.objects.get(code="46-01-001").name == (
        "Первичная профсоюзная организация МБОУ «Лицей № 3» г. Железногорска"
    )


@pytest.mark.django_db
def test_admin_check_only_shows_the_result_and_writes_nothing(registry_admin_client):
    response = upload(registry_admin_client, csv_bytes(REGION, bom=True), dry_run="on")

    text = page_text(response)
    assert "Результат проверки" in text
    assert "Только проверка: в реестр ничего не записано." in text
    assert "Создано: 3, обновлено: 0, без изменений: 0, ошибок: 0" in text
    assert codes() == set()


@pytest.mark.django_db
def test_a_database_failure_midway_leaves_the_registry_as_it_was(
    registry_admin_client, monkeypatch
):
    save = Organization.save

    def failing_save(organization, *args, **kwargs):
        if organization.code == "46-01-001":
            raise OperationalError("server closed the connection unexpectedly")
        return save(organization, *args, **kwargs)

    monkeypatch.setattr(Organization, "save", failing_save)

    response = upload(registry_admin_client, csv_bytes(REGION))

    assert "Импорт не выполнен из-за ошибки базы данных; в реестр ничего не записано." in (
        page_text(response)
    )
    assert codes() == set()


@pytest.mark.django_db
def test_editor_cannot_import(editor_client):
    factories.regional_organization()
    before = codes()

    assert editor_client.get(IMPORT_URL)["Location"] == reverse("wagtailadmin_home")
    response = upload(editor_client, csv_bytes(REGION))

    assert response["Location"] == reverse("wagtailadmin_home")
    assert codes() == before


@pytest.mark.django_db
def test_who_may_change_but_not_add_organizations_gets_no_import(client, django_user_model):
    group = Group.objects.create(name="Правка реестра")
    group.permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_organization", "change_organization"]
        )
    )
    user = django_user_model.objects.create_user(username="changer", password="password")
    user.groups.add(group)
    client.force_login(user)

    assert "Импорт из файла" not in page_text(client.get(INDEX_URL))
    response = upload(client, csv_bytes(REGION))
    assert response["Location"] == reverse("wagtailadmin_home")
    assert codes() == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"code,name\r\n" + b"x" * (5 * 1024 * 1024),
            "Файл слишком большой (5,0 МБ): можно загрузить не больше 5 МБ.",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "Это книга Excel, а не CSV."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Файл не похож на таблицу CSV"),
    ],
    ids=["over-5-MB", "xlsx", "png"],
)
def test_admin_refuses_an_oversized_or_binary_file(registry_admin_client, data, message):
    factories.regional_organization()
    before = codes()

    response = upload(registry_admin_client, data)

    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Результат импорта" not in text
    assert codes() == before


@pytest.mark.django_db
def test_upload_without_the_csrf_token_is_refused(registry_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(registry_admin)

    response = upload(client, csv_bytes(REGION))

    assert response.status_code == 403
    assert codes() == set()
