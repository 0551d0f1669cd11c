"""«Информационная работа за год»: the presidium's yearly tables in one XLSX workbook, made by
`manage.py information_work_report` and downloaded from the admin (sites/infowork/views.py):

1. coverage by territorial organization (the resolution's Appendix 1), with the year's public
   reports published and sent;
2. the freshness of the sites: each territorial organization's own and its primaries' by status;
3. the public reports for the year, organization by organization: published, sent to partners;
4. the shares of the budget spent on information work (recommended 4–6 %) and on training the
   activists (6–10 %), from the reports' key figures;
5. the social partners informed, per territorial organization.

A fixed number of queries, whatever the number of organizations (benchmarks/information_work.py
prints its time for 2,000)."""

from directory.models import Organization
from sites.freshness.coverage import coverage
from sites.freshness.coverage_views import COVERAGE_COLUMNS, CoverageRow
from sites.freshness.exports import save_workbook
from sites.freshness.status import Status
from sites.infowork.figures import organization_years, partners_by_territorial

STATUSES = [Status.CURRENT, Status.AGING, Status.ABANDONED, Status.EMPTY, Status.NO_SITE]


def sheets(year, organizations=None, *, now=None):
    """The five (title, headings, rows) tables for `year` over `organizations` (all)."""
    organizations = Organization.objects.all() if organizations is None else organizations
    cover = coverage(organizations, now=now, year=year)
    lines = [*cover.lines, cover.total]
    years = organization_years(organizations, year)
    return [
        (
            "1. Охват сайтами",
            [column.export_header for column in COVERAGE_COLUMNS],
            [[column.export(CoverageRow(line)) for column in COVERAGE_COLUMNS] for line in lines],
        ),
        (
            "2. Актуальность сайтов",
            [
                "Территориальная организация",
                "Сайт территориальной организации",
                *[f"Первичных: {status.label}" for status in STATUSES],
            ],
            [
                [
                    line.name,
                    str(line.organization.status) if line.organization else "",
                    *[line.statuses[status] for status in STATUSES],
                ]
                for line in lines
            ],
        ),
        (
            "3. Публичные отчёты",
            [
                "Код",
                "Организация",
                "Вид",
                "Территориальная организация",
                f"Отчёт за {year} опубликован",
                "Отчёт на сайте",
                "Партнёров получили отчёт",
                "Последняя отправка",
            ],
            [
                [
                    row.code,
                    row.short_name,
                    row.kind_label,
                    row.territorial,
                    "да" if row.published else "нет",
                    row.report_url,
                    row.partners_informed,
                    row.last_sent.date() if row.last_sent else None,
                ]
                for row in years
            ],
        ),
        (
            "4. Доля бюджета",
            [
                "Код",
                "Организация",
                "Территориальная организация",
                "На информационную работу, %",
                "Оценка (рекомендуется 4–6 %)",
                "На обучение профактива, %",
                "Оценка (рекомендуется 6–10 %)",
            ],
            [
                [
                    row.code,
                    row.short_name,
                    row.territorial,
                    row.info_share,
                    row.info_assessment,
                    row.training_share,
                    row.training_assessment,
                ]
                for row in years
                if row.published
            ],
        ),
        (
            "5. Социальные партнёры",
            [
                "Территориальная организация",
                "Социальных партнёров",
                f"Получили публичный отчёт за {year}",
                "Писем с отчётами",
            ],
            [
                [line.territorial, line.partners, line.informed, line.letters]
                for line in partners_by_territorial(organizations, year)
            ],
        ),
    ]


def write_workbook(output, year, organizations=None, *, now=None):
    save_workbook(output, sheets(year, organizations, now=now))


def filename(year):
    return f"informacionnaya-rabota-{year}.xlsx"
