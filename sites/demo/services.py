"""The demo region: the regional organization, 18 territorial and 44 primary organizations
from `demo_data/region.csv`, with sites for about two thirds of them and news spread over the
last twelve months, so that the freshness of the sites differs as in the regional committee's
resolution. Everything is generated locally and deterministically; loading twice
changes nothing."""

import csv
import io
import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision

from directory.importing import import_rows
from directory.models import Organization
from events.models import EventIndexPage, EventPage
from news.models import NewsIndexPage, NewsPage
from reports.models import PublicReportPage, ReportIndexPage
from sites.demo.programme import add_demo_programme
from sites.freshness import summary as freshness_summary
from sites.network.building import add_published_child
from sites.onboarding.services import onboard
from webforms.models import FormPage

DEMO_CSV = Path(__file__).resolve().parent / "data" / "region.csv"
ADMIN_USERNAME = "admin"

# Days since the latest news, and how many news items, for each kind of activity.
ACTIVITY = {
    "current": {"last_news": (1, 20), "news": (9, 14), "reports": 3},
    "stale": {"last_news": (35, 85), "news": (5, 8), "reports": 2},
    "abandoned": {"last_news": (100, 300), "news": (2, 5), "reports": 1},
    "empty": {"last_news": None, "news": (0, 0), "reports": 0},
}

NEWS_TITLES = [
    "Подписан коллективный договор на 2026–2028 годы",
    "Семинар для председателей первичных организаций",
    "Молодые педагоги приняли участие в форуме «Педагогический десант»",
    "Итоги конкурса «Учитель года»",
    "Проверка соблюдения требований охраны труда",
    "Профсоюзный уголок обновлён",
    "Юридическая консультация: отпуск педагогических работников",
    "Оздоровление членов Профсоюза летом",
    "Поздравляем ветеранов педагогического труда",
    "Спартакиада работников образования",
    "Заседание президиума: итоги полугодия",
    "Обучение профсоюзного актива",
    "Профсоюз добился перерасчёта стимулирующих выплат",
    "День дошкольного работника",
    "Встреча с главой района по вопросам оплаты труда",
    "Акция «Профсоюз — это мы!»",
    "Новые льготы для членов Профсоюза",
    "Конкурс профсоюзных стенгазет",
]
NEWS_TAGS = [
    "коллективный договор",
    "охрана труда",
    "молодые педагоги",
    "оздоровление",
    "правовая помощь",
    "конкурсы",
    "обучение профактива",
]
PALETTE = [
    (23, 78, 166),
    (196, 54, 42),
    (31, 122, 76),
    (120, 62, 150),
    (210, 130, 20),
    (40, 110, 140),
]


@dataclass
class SeedResult:
    created_organizations: int = 0
    updated_organizations: int = 0
    created_sites: int = 0
    admin_password: str | None = None


def read_rows(path=DEMO_CSV):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def upsert_organizations(rows):
    """Create or update the registry from the demo rows through the registry import; the demo
    data must be valid, so any bad row undoes the whole load."""
    with transaction.atomic():
        result = import_rows(rows)
        if result.errors:
            raise ValidationError([str(error) for error in result.errors])
    return len(result.created), len(result.updated)


def seed(rows=None, *, today=None, log=print):
    """Load the demo region. Idempotent: organizations are upserted by code, and demo content
    is only made for a site created in this run (each organization's in one transaction)."""
    rows = read_rows() if rows is None else rows
    today = today or timezone.localdate()
    result = SeedResult()
    Locale.objects.get_or_create(language_code="en")
    with transaction.atomic():
        result.created_organizations, result.updated_organizations = upsert_organizations(rows)
    for row in rows:
        if row.get("demo_site") != "yes":
            continue
        org = Organization.objects.get(code=row["code"])
        if org.site_id:
            continue
        with transaction.atomic():
            onboard(org)
            org.refresh_from_db()
            fill_demo_content(org, row.get("demo_activity") or "current", today)
            if org.kind == Organization.Kind.REGIONAL:
                translate_demo_site(org)
            freshness_summary.refresh([org.pk])  # the content was backdated in bulk
        result.created_sites += 1
        log(f"  сайт создан: {org.site.root_url}/  ({org.short_name})")
    result.admin_password = ensure_admin()
    return result


ENGLISH_DEMO = {
    "": ("Kursk Regional Organization of the Education Workers' Union", ""),
    "o-profsoyuze": (
        "About the union",
        "The union brings together teachers and staff of "
        "schools, kindergartens and colleges of the Kursk region.",
    ),
}


def translate_demo_site(org):
    """The regional site's home and «О Профсоюзе» in English (wagtail-localize), so the demo
    shows the language switcher; other pages stay Russian-only."""
    from wagtail_localize.models import Translation, TranslationSource

    english = Locale.objects.get(language_code="en")
    home = org.site.root_page
    for slug, (title, intro) in ENGLISH_DEMO.items():
        page = home if not slug else home.get_children().filter(slug=slug).first()
        if page is None:
            continue
        source, _ = TranslationSource.get_or_create_from_instance(page.specific)
        translation, _ = Translation.objects.get_or_create(source=source, target_locale=english)
        translation.save_target(publish=True)
        translated = page.get_translation(english).specific
        translated.title = title
        if intro and hasattr(translated, "intro"):
            translated.intro = intro
        translated.save_revision().publish()


def fill_demo_content(org, activity, today):
    rng = random.Random(org.code)  # noqa: S311 - deterministic demo data, not security
    spec = ACTIVITY[activity]
    home = org.site.root_page
    launched = aware(today - timedelta(days=rng.randint(370, 420)))
    backdate(Page.objects.descendant_of(home, inclusive=True), launched)
    if spec["last_news"] is None:
        return
    collection = org.collection
    images = [make_image(org, collection, n, rng) for n in range(3)]
    news_index = NewsIndexPage.objects.child_of(home).get()
    last = today - timedelta(days=rng.randint(*spec["last_news"]))
    count = rng.randint(*spec["news"])
    span = max((last - launched.date()).days - 5, count)
    offsets = sorted(rng.sample(range(span), count - 1)) if count > 1 else []
    dates = [last] + [last - timedelta(days=offset + 1) for offset in offsets]
    titles = rng.sample(NEWS_TITLES, count)
    for n, (date, title) in enumerate(zip(dates, titles, strict=True)):
        page = NewsPage(
            title=title,
            slug=f"{slugify(anyascii(title))[:60]}-{n + 1}",
            date=date,
            lead=f"{title}. Рассказываем, как это было и что это значит для членов Профсоюза.",
            body=[
                (
                    "paragraph",
                    f"<p>{org.short_name} сообщает: {title.lower()}. В мероприятии приняли "
                    "участие председатели первичных профсоюзных организаций и "
                    "представители администрации.</p>",
                ),
                ("quote", {"text": "Вместе мы сильнее.", "attribution": org.chair}),
            ],
            main_image=images[n % len(images)],
            # Every third item of the organizations below the regional one goes up the
            # regional news flow, so «Новости организаций» has something to show.
            show_in_parent_feed=org.kind != Organization.Kind.REGIONAL and n % 3 == 0,
            # The latest item of the regional and territorial committees goes down the tree,
            # and every fourth to the social partners' monthly letter.
            show_on_sites_below=org.kind != Organization.Kind.PRIMARY and n == 0,
            for_social_partners=n % 4 == 1,
        )
        page.tags.add(*rng.sample(NEWS_TAGS, 2))
        add_published_child(news_index, page, at=aware(date, hour=10))

    add_demo_events(org, home, today, rng, images[0], published=last)
    if org.kind == Organization.Kind.REGIONAL:
        add_demo_survey(home)

    report_index = ReportIndexPage.objects.child_of(home).get()
    for year in range(today.year - 1, today.year - 1 - spec["reports"], -1):
        report = PublicReportPage(
            title=f"Публичный отчёт за {year} год",
            slug=f"otchet-{year}",
            year=year,
            summary=f"Итоги работы организации в {year} году: защита трудовых прав, "
            "социальное партнёрство, оздоровление, информационная работа.",
            # The latest year's PDF is made from the page (reports/pdf.py), the older uploaded.
            document=None if year == today.year - 1 else make_report_pdf(org, collection, year),
            members_count=org.members_count,
            membership_share=Decimal(rng.randint(700, 990)) / 10,
            collective_agreements_count=rng.randint(1, 40),
            info_budget_share=Decimal(rng.randint(20, 70)) / 10,
            training_budget_share=Decimal(rng.randint(40, 110)) / 10,
            body=[
                (
                    "paragraph",
                    "<p>Организация защищала трудовые права работников образования, вела "
                    "переговоры с работодателями и органами управления образованием, "
                    "оздоравливала членов Профсоюза и их детей.</p>",
                )
            ],
        )
        report_date = aware(datetime(year + 1, 2, 20).date())
        add_published_child(report_index, report, at=min(report_date, aware(last)))
    add_demo_programme(org, today, draw_text)


EVENT_TITLES = [
    "Семинар для уполномоченных по охране труда",
    "Совещание председателей первичных организаций",
    "Конкурс «Педагогический дебют»",
    "Школа молодого педагога",
    "Правовой приём: консультации юриста",
]


def add_demo_events(org, home, today, rng, image, published):
    """Two events to come and one past, published with the latest news (so the site's
    freshness stays as the demo region's row says); the first of those below the regional
    one flagged for the flow."""
    index = EventIndexPage.objects.child_of(home).get()
    for n, days in enumerate((rng.randint(3, 20), rng.randint(21, 60), -rng.randint(10, 40))):
        start = aware(today + timedelta(days=days), hour=rng.choice((10, 14, 15)))
        add_published_child(
            index,
            EventPage(
                title=EVENT_TITLES[(n + rng.randint(0, 4)) % len(EVENT_TITLES)],
                slug=f"sobytie-{n + 1}",
                start=start,
                end=start + timedelta(hours=2),
                place=org.address or "Дом учителя",
                summary=f"{org.short_name} приглашает членов Профсоюза.",
                image=image,
                show_in_parent_feed=org.kind != Organization.Kind.REGIONAL and n == 0,
            ),
            at=aware(published),
        )


def add_demo_survey(home):
    page = add_published_child(
        home,
        FormPage(
            title="Опрос о нагрузке педагогов",
            slug="opros",
            intro="<p>Три вопроса о рабочей нагрузке: ответы помогут на переговорах.</p>",
            purpose="изучение мнения членов профсоюза",
            thank_you_text="<p>Спасибо! Итоги опроса опубликуем в новостях.</p>",
        ),
    )
    fields = [
        ("Ваше имя", "singleline", "", False),
        ("E-mail", "email", "", False),
        ("Как вы оцениваете свою нагрузку?", "radio", "Нормальная\nВысокая\nЧрезмерная", True),
        ("Что мешает больше всего?", "multiline", "", False),
    ]
    page.add_fields(fields)


def aware(date, hour=9):
    return timezone.make_aware(datetime.combine(date, time(hour)))


def backdate(pages, when):
    """Make generated pages look as if they had been published on `when`."""
    ids = list(pages.values_list("pk", flat=True))
    pages.update(first_published_at=when, last_published_at=when, latest_revision_created_at=when)
    Revision.page_revisions.filter(object_id__in=[str(pk) for pk in ids]).update(created_at=when)


FONT_FILES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
]


def draw_text(draw, xy, text, size, fill):
    """Cyrillic where the machine has a font for it; Pillow's built-in font only has Latin."""
    for path in FONT_FILES:
        if Path(path).exists():
            draw.text(xy, text, fill=fill, font=ImageFont.truetype(path, size))
            return
    draw.text(xy, anyascii(text), fill=fill, font=ImageFont.load_default(size=size))


def make_image(org, collection, n, rng):
    color = PALETTE[(rng.randrange(len(PALETTE)) + n) % len(PALETTE)]
    picture = PILImage.new("RGB", (960, 540), color)
    draw = ImageDraw.Draw(picture)
    for _ in range(6):
        x, y, r = rng.randrange(960), rng.randrange(540), rng.randrange(40, 180)
        shade = tuple(min(255, c + rng.randrange(30, 90)) for c in color)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    draw_text(draw, (40, 460), org.short_name[:40], 36, (255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    image_model = get_image_model()
    return image_model.objects.create(
        title=f"{org.short_name}: фото {n + 1}",
        description=f"Иллюстрация к новостям: {org.short_name}",
        file=ContentFile(buffer.getvalue(), name=f"demo-{org.code}-{n + 1}.jpg"),
        collection=collection,
    )


def make_report_pdf(org, collection, year):
    page = PILImage.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    lines = [f"Публичный отчёт за {year} год", org.short_name, org.name[:60], org.chair]
    for n, line in enumerate(lines):
        draw_text(draw, (100, 150 + n * 70), line, 36, "black")
    buffer = io.BytesIO()
    page.save(buffer, "PDF")
    document = get_document_model()(
        title=f"Публичный отчёт за {year} год — {org.short_name}",
        file=ContentFile(buffer.getvalue(), name=f"otchet-{org.code}-{year}.pdf"),
        collection=collection,
    )
    document._set_document_file_metadata()  # size and hash, as an upload in the admin sets them
    document.save()
    return document


def ensure_admin():
    """A superuser for the demo. Its password is made once, kept in var/, and shown each run."""
    password_file = Path(settings.VAR_DIR) / "demo-admin-password.txt"
    user_model = get_user_model()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is not None and password_file.exists():
        return password_file.read_text().strip()
    password = secrets.token_urlsafe(9)
    if user is None:
        user = user_model.objects.create_superuser(
            ADMIN_USERNAME, f"admin@{settings.PLATFORM_BASE_DOMAIN}", password
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return password
