"""The registry's rules, with the Russian messages the regional admin sees."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directory.models import REGIONAL_ON_BASE_DOMAIN, Organization, validate_hostname

from .. import factories

pytestmark = pytest.mark.django_db

Kind = Organization.Kind


def errors_of(organization):
    """The validation messages `full_clean()` gives, by field ({} when valid)."""
    try:
        organization.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def new(kind, parent=None, code="46-9999", **fields):
    return Organization(
        code=code, kind=kind, parent=parent, name="Организация", short_name="Организация", **fields
    )


# Parents follow the hierarchy: regional → territorial → primary --------------------------


def test_valid_hierarchy_passes():
    assert errors_of(new(Kind.REGIONAL)) == {}
    regional = factories.regional_organization()
    assert errors_of(new(Kind.TERRITORIAL, regional)) == {}
    territorial = factories.TerritorialOrganizationFactory()
    assert errors_of(new(Kind.PRIMARY, territorial)) == {}


def test_regional_has_no_parent():
    regional = factories.regional_organization()
    regional.parent = factories.TerritorialOrganizationFactory()
    assert errors_of(regional) == {
        "parent": ["У региональной организации не может быть вышестоящей."]
    }


def test_only_one_regional_on_the_base_domain():
    factories.regional_organization()
    assert errors_of(new(Kind.REGIONAL)) == {"__all__": [REGIONAL_ON_BASE_DOMAIN]}
    # The database holds the line too, for code that skips validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        new(Kind.REGIONAL).save()


def test_several_regions_each_on_its_own_hostname():
    """The national union is 85 regions in one install: any number of regional organizations,
    each with its hostname, beside the one on the base domain."""
    factories.regional_organization()
    orel = new(Kind.REGIONAL)
    orel.hostname = "orel-profobr.ru"
    assert errors_of(orel) == {}
    orel.save()
    assert Organization.objects.filter(kind=Kind.REGIONAL).count() == 2


def test_territorials_parent_must_be_regional():
    other_territorial = factories.TerritorialOrganizationFactory()
    assert errors_of(new(Kind.TERRITORIAL, other_territorial)) == {
        "parent": [
            "Вышестоящей для организации вида «территориальная (районная, городская)» "
            "должна быть региональная организация."
        ]
    }


def test_primarys_parent_must_be_territorial():
    regional = factories.regional_organization()
    primary = factories.PrimaryOrganizationFactory()
    expected = {
        "parent": [
            "Вышестоящей для организации вида «первичная» должна быть территориальная организация."
        ]
    }
    assert errors_of(new(Kind.PRIMARY, regional)) == expected
    assert errors_of(new(Kind.PRIMARY, primary)) == expected


@pytest.mark.parametrize("kind", [Kind.TERRITORIAL, Kind.PRIMARY])
def test_parent_is_required_below_regional(kind):
    assert errors_of(new(kind)) == {"parent": ["Укажите вышестоящую организацию."]}
    # The database holds the line too, for code that skips validation.
    with pytest.raises(IntegrityError), transaction.atomic():
        new(kind).save()


def test_organization_cannot_be_its_own_parent():
    territorial = factories.TerritorialOrganizationFactory()
    territorial.parent = territorial
    assert errors_of(territorial) == {"parent": ["Организация не может быть вышестоящей для себя."]}


def test_missing_kind_is_a_field_error_not_a_crash():
    territorial = factories.TerritorialOrganizationFactory()
    errors = errors_of(new("", territorial))
    assert list(errors) == ["kind"]


def test_code_is_unique():
    existing = factories.PrimaryOrganizationFactory(code="46-0101")
    errors = errors_of(new(Kind.PRIMARY, existing.parent, code="46-0101"))
    assert list(errors) == ["code"]
    assert "уже существует" in errors["code"][0]
    assert errors_of(new(Kind.PRIMARY, existing.parent, code="46-0102")) == {}


def test_code_characters():
    territorial = factories.TerritorialOrganizationFactory()
    assert errors_of(new(Kind.PRIMARY, territorial, code="46 01/2")) == {
        "code": ["Код: буквы, цифры, точка, дефис, подчёркивание."]
    }


# Hostnames ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostname",
    ["zheleznogorsk", "school-5", "rylsk-profobr.ru", "www.kursk-profobr46.ru", "a" * 63],
)
def test_valid_hostnames(hostname):
    validate_hostname(hostname)


@pytest.mark.parametrize(
    "hostname",
    [
        "Zheleznogorsk",  # uppercase
        "school_5",  # underscore
        "-rylsk",  # leading hyphen
        "rylsk-",  # trailing hyphen
        "rylsk..ru",  # empty label
        "железногорск",  # not Latin
        "a" * 64,  # label too long
        ".".join(["a" * 63] * 4) + ".ru",  # name too long (over 253)
    ],
)
def test_invalid_hostnames(hostname):
    with pytest.raises(ValidationError) as refused:
        validate_hostname(hostname)
    assert refused.value.messages == [
        f"Недопустимое имя сайта «{hostname}»: только латинские строчные буквы, цифры и дефис, "
        "части через точку, без дефиса в начале и в конце части."
    ]


def test_numeric_top_level_domain_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_hostname("192.168.0.1")
    assert refused.value.messages == [
        "Недопустимое имя сайта «192.168.0.1»: доменная зона не может быть числом."
    ]


def test_bad_hostname_is_reported_on_the_field():
    territorial = factories.TerritorialOrganizationFactory()
    errors = errors_of(new(Kind.PRIMARY, territorial, hostname="School_5"))
    assert list(errors) == ["hostname"]
    assert errors["hostname"][0].startswith("Недопустимое имя сайта «School_5»")


def test_full_hostname(settings):
    settings.PLATFORM_BASE_DOMAIN = "profobr46.ru"
    regional = new(Kind.REGIONAL)
    assert regional.full_hostname() == "profobr46.ru"
    assert new(Kind.TERRITORIAL, hostname="zheleznogorsk").full_hostname() == (
        "zheleznogorsk.profobr46.ru"
    )
    assert new(Kind.TERRITORIAL, hostname="rylsk-profobr.ru").full_hostname() == (
        "rylsk-profobr.ru"
    )
    # No hostname chosen yet: only the regional site has a default.
    assert new(Kind.PRIMARY, hostname="").full_hostname() == ""
    regional.hostname = "kursk-profobr.ru"
    assert regional.full_hostname() == "kursk-profobr.ru"


def test_the_folded_name_follows_every_rename():
    """The directory searches `search_name` in SQL: a rename, whichever way it is saved (the
    importer saves only the fields that changed), renews it."""
    organization = factories.regional_organization()
    assert organization.search_name.startswith("курская")
    organization.short_name = "Ёлочка"
    organization.save(update_fields=["short_name"])
    organization.refresh_from_db()
    assert organization.search_name.startswith("елочка ")
