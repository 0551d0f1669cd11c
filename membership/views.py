"""Sending an application from a site. The form is shown on the «Как вступить» page by its
block (home/blocks.py), which the page cache keeps like any page: the form therefore carries
no CSRF token and this view is exempt. What stands in for it against abuse is what every
public form has here: the consent box, the honeypot and the limit per address
(privacy/consent.py). The answers (errors, thanks) are never cached."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from directory.chrome import chrome_for_request
from membership.forms import ApplicationForm, workplace_choices
from membership.models import Application
from privacy import consent
from privacy.models import ConsentRecord


def application_form(request, data=None):
    """The form for the site serving `request` (its choices kept with the site chrome)."""
    chrome = chrome_for_request(request)
    organization = chrome.organization
    # Kept even when empty (a dict: what is kept is never None): a site with no primary
    # organizations below asks no query on each view.
    choices = chrome.kept(
        "membership-workplaces", lambda: {"choices": workplace_choices(organization)}
    )["choices"]
    return ApplicationForm(
        data, organization=organization, choices=choices, policy_url=chrome.policy_url
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def apply(request):
    status, sent = 200, None
    if request.method == "POST":
        form = application_form(request, request.POST)
        if consent.is_bot(form):
            return consent.private(
                render(request, "membership/application_page.html", {"sent": True})
            )
        if consent.held_back(request, form, "membership"):
            status = 429
        elif form.is_valid():
            sent = accept(request, form)
    else:
        form = application_form(request)
    context = {"form": form, "sent": sent}
    return consent.private(
        render(request, "membership/application_page.html", context, status=status)
    )


@transaction.atomic
def accept(request, form):
    data = form.cleaned_data
    organization = form.chosen_organization()
    workplace = (
        data["workplace_other"].strip() if data["workplace"] == "other" else organization.short_name
    )
    application = Application.objects.create(
        organization=organization,
        full_name=data["full_name"],
        workplace=workplace,
        position=data["position"],
        phone=data["phone"],
        email=data["email"],
    )
    consent.record_consent(
        request,
        form,
        organization=organization,
        purpose=ConsentRecord.Purpose.APPLICATION,
        email=data["email"],
        name=data["full_name"],
    )
    address = organization.email or (organization.parent.email if organization.parent else "")
    if address:
        transaction.on_commit(lambda: notify(address, application))
    return application


def notify(address, application):
    body = "\n".join(
        [
            f"Новое заявление о вступлении в Профсоюз ({application.organization.short_name}).",
            "",
            f"ФИО: {application.full_name}",
            f"Место работы: {application.workplace}",
            f"Должность: {application.position}",
            f"Телефон: {application.phone or '—'}",
            f"E-mail: {application.email or '—'}",
            "",
            "Заявление и его статус — в разделе «Заявления о вступлении» панели управления.",
        ]
    )
    EmailMessage(subject="Заявление о вступлении в Профсоюз", body=body, to=[address]).send(
        fail_silently=True
    )
