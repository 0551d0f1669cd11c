"""«Направить социальным партнёрам»: a published public report e-mailed to the partners of its
organization, each with the report's link and its PDF (the uploaded one, or the one made from
the page: reports/pdf.py). Once per partner per report: a partner who already received it is
skipped unless the editor asks to send again. Every letter is logged (`ReportSending`) as it
goes, with the mail server's answer, so a run cut short leaves a true log and sends nothing
twice when repeated."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from partners.models import ReportSending
from reports import pdf
from sites.network.roles import is_network_admin_once as is_network_admin
from sites.network.roles import own_organizations


def can_send(user, organization):
    """May `user` send the reports of `organization` (its editors, the network admins)?"""
    if organization is None or not user.is_authenticated:
        return False
    return is_network_admin(user) or own_organizations(user).filter(pk=organization.pk).exists()


def last_sent(report):
    """{partner id: when the report last reached the mail server for them}."""
    rows = ReportSending.objects.filter(report=report, ok=True, partner__isnull=False)
    found = {}
    for partner_id, sent_at in rows.values_list("partner_id", "sent_at").order_by("sent_at"):
        found[partner_id] = sent_at
    return found


@dataclass
class Outcome:
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def send_report(report, organization, partners, user, *, resend=False):
    """E-mail `report` to each of `partners` (of `organization`); returns an Outcome. The PDF
    is read (or made) once, before any letter: if that fails, nothing is sent."""
    content = pdf.report_pdf(report)
    name = pdf.filename(report, organization)
    already = last_sent(report)
    outcome = Outcome()
    for partner in partners:
        if partner.pk in already and not resend:
            outcome.skipped.append(partner)
            continue
        letter = _letter(report, organization, partner)
        letter.attach(name, content, "application/pdf")
        try:
            letter.send(fail_silently=False)
        except Exception as error:  # any failure of the mail server is logged and shown
            _log(report, organization, partner, user, ok=False, error=str(error)[:500])
            outcome.failed.append(partner)
        else:
            _log(report, organization, partner, user, ok=True)
            outcome.sent.append(partner)
    return outcome


def _letter(report, organization, partner):
    context = {
        "report": report,
        "organization": organization,
        "partner": partner,
        "report_url": report.full_url,
    }
    return EmailMessage(
        subject=f"Публичный отчёт: {organization.short_name}, {report.year} год",
        body=render_to_string("sites/partners/report_letter.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[partner.email],
        reply_to=[organization.email] if organization.email else None,
    )


def _log(report, organization, partner, user, *, ok, error=""):
    ReportSending.objects.create(
        report=report,
        organization=organization,
        partner=partner,
        partner_name=partner.name,
        email=partner.email,
        year=report.year,
        sent_by=user,
        ok=ok,
        error=error,
    )
