"""Subscribing to a site's news by e-mail: the form, the confirmation by a link sent to the
address (double opt-in: a GET shows a button, so that a mail scanner opening the link does
not confirm), and unsubscribing in one click (RFC 8058: mail clients POST to the link in
`List-Unsubscribe` without a CSRF token, so that view is exempt; it only ever deletes)."""

from django.core.mail import EmailMessage
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from directory.chrome import chrome_for_request
from news.flow import feeds_organizations
from newsletters.forms import SubscribeForm
from newsletters.models import Subscription
from privacy import consent
from privacy.models import ConsentRecord

SENT = "Мы отправили письмо на {email}. Откройте ссылку в нём, чтобы подтвердить подписку."


def _form(request, data=None):
    chrome = chrome_for_request(request)
    organization = chrome.organization
    return SubscribeForm(
        data,
        operator=organization.name if organization else chrome.title,
        feeds_organizations=feeds_organizations(organization),
        policy_url=chrome.policy_url,
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    chrome = chrome_for_request(request)
    if chrome.site is None:
        return consent.private(
            render(request, "newsletters/message.html", {"missing": True}, status=404)
        )
    status, message = 200, ""
    form = _form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if consent.is_bot(form):
            message = SENT.format(email=request.POST.get("email", ""))
        elif consent.held_back(request, form, "subscribe"):
            status = 429
        elif form.is_valid():
            accept(request, form, chrome.site)
            message = SENT.format(email=form.cleaned_data["email"])
    context = {"form": form, "message": message}
    return consent.private(render(request, "newsletters/subscribe.html", context, status=status))


@transaction.atomic
def accept(request, form, site):
    """A new subscription, or an unconfirmed one renewed, waits for its confirmation; a
    confirmed one is left as it is (and the page says the same: whether an address is
    subscribed is not told to whoever types it)."""
    data = form.cleaned_data
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        site=site,
        email=data["email"],
        defaults={
            "frequency": data["frequency"],
            "with_organizations": data.get("with_organizations", False),
        },
    )
    if subscription.confirmed_at is not None:
        return subscription
    if not created:
        subscription.frequency = data["frequency"]
        subscription.with_organizations = data.get("with_organizations", False)
        subscription.save(update_fields=["frequency", "with_organizations"])
    consent.record_consent(
        request,
        form,
        organization=chrome_for_request(request).organization,
        purpose=ConsentRecord.Purpose.SUBSCRIPTION,
        email=data["email"],
    )
    transaction.on_commit(lambda: send_confirmation(subscription))
    return subscription


def link(subscription, kind):
    return f"{subscription.site.root_url}/rassylka/{kind}/{subscription.token}/"


def send_confirmation(subscription):
    body = "\n".join(
        [
            f"Вы (или кто-то за вас) подписали этот адрес на новости сайта "
            f"{subscription.site.site_name or subscription.site.hostname}.",
            "",
            "Чтобы подтвердить подписку, откройте ссылку:",
            link(subscription, "podtverdit"),
            "",
            "Если вы не подписывались, ничего не делайте: без подтверждения писем не будет.",
        ]
    )
    EmailMessage(
        subject="Подтвердите подписку на новости", body=body, to=[subscription.email]
    ).send(fail_silently=True)


def _subscription(request, token):
    site = chrome_for_request(request).site
    return Subscription.objects.filter(token=token, site=site).select_related("site").first()


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    subscription = _subscription(request, token)
    if subscription is None:
        return consent.private(
            render(request, "newsletters/message.html", {"missing": True}, status=404)
        )
    if request.method == "POST" and subscription.confirmed_at is None:
        now = timezone.now()
        # From now on: the news published before the confirmation are not sent.
        Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=now, sent_until=now)
        subscription.confirmed_at = now
    context = {"subscription": subscription, "action": "confirm"}
    return consent.private(render(request, "newsletters/confirm.html", context))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscription = _subscription(request, token)
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return consent.private(render(request, "newsletters/message.html", {"unsubscribed": True}))
    if subscription is None:
        return consent.private(
            render(request, "newsletters/message.html", {"missing": True}, status=404)
        )
    context = {"subscription": subscription, "action": "unsubscribe"}
    return consent.private(render(request, "newsletters/confirm.html", context))
