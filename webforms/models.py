"""Forms and surveys an organization's editors add to their site (Wagtail's form builder).

Every form asks for consent to the processing of personal data as an act of its own and logs
it (privacy/consent.py), stops bots with a honeypot field and a limit per address (no
third-party captcha), and sends each submission to the organization's e-mail address from the
registry: editors choose the fields, never the recipient (an address typed into a page would
send members' data anywhere). Submissions are seen in the admin by the organization's own
editors and the network admins only (sites/isolation/forms.py)."""

from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField

from directory.chrome import chrome_for_request
from home.serving import ViewRestrictionsInOneQuery
from privacy import consent
from privacy.models import ConsentRecord

RICH_TEXT = ["h2", "h3", "bold", "italic", "ol", "ul", "link"]
# Field types whose answers a survey's results count.
CHOICE_TYPES = ("dropdown", "radio", "checkboxes", "multiselect", "checkbox")


class FormField(AbstractFormField):
    page = ParentalKey("webforms.FormPage", related_name="form_fields", on_delete=models.CASCADE)


class FormPage(ViewRestrictionsInOneQuery, AbstractForm):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)
    thank_you_text = RichTextField(
        _("thank-you text"),
        blank=True,
        features=RICH_TEXT,
        help_text=_("Shown after the form is sent."),
    )
    purpose = models.CharField(
        _("purpose of processing"),
        max_length=200,
        default="ответ на обращение",
        help_text=_("Named in the consent: why the organization needs these data."),
    )

    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel([FieldPanel("purpose")], _("Personal data")),
    ]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []
    template = "webforms/form_page.html"
    landing_page_template = "webforms/form_page_landing.html"

    class Meta:
        verbose_name = _("form or survey")
        verbose_name_plural = _("forms and surveys")

    def add_fields(self, fields):
        """Give the page its fields, [(label, field type, choices, required)], in that order
        (the demo and the tests build forms with it; editors do it in the admin)."""
        FormField.objects.bulk_create(
            FormField(
                page=self,
                sort_order=n,
                label=label,
                clean_name=FormField(label=label).get_field_clean_name(),
                field_type=kind,
                choices=choices,
                required=required,
            )
            for n, (label, kind, choices, required) in enumerate(fields)
        )

    # The public form ------------------------------------------------------------------------

    def public_form(self, request, *args):
        """The form a visitor fills: the editors' fields, the consent box and the honeypot."""
        form = self.get_form(*args, page=self, user=request.user)
        chrome = chrome_for_request(request)
        operator = chrome.organization.name if chrome.organization else chrome.title
        consent.protect(form, operator=operator, purpose=self.purpose, policy_url=chrome.policy_url)
        return form

    def serve(self, request, *args, **kwargs):
        status = 200
        if request.method == "POST":
            form = self.public_form(request, request.POST, request.FILES)
            if consent.is_bot(form):
                # Told it went through, so that it does not try another way; nothing is kept.
                return consent.private(self.render_landing_page(request, None, *args, **kwargs))
            if consent.held_back(request, form, f"form:{self.pk}"):
                status = 429
            elif form.is_valid():
                submission = self.accept(request, form)
                return consent.private(
                    self.render_landing_page(request, submission, *args, **kwargs)
                )
        else:
            form = self.public_form(request)
        context = self.get_context(request)
        context["form"] = form
        response = TemplateResponse(request, self.get_template(request), context, status=status)
        return consent.private(response)

    @transaction.atomic
    def accept(self, request, form):
        """Keep the submission and its consent, and e-mail it once both are committed."""
        submission = self.process_form_submission(form)
        email, name = self.contact_of(form)
        organization = chrome_for_request(request).organization
        consent.record_consent(
            request,
            form,
            organization=organization,
            purpose=ConsentRecord.Purpose.FORM,
            page=self,
            email=email,
            name=name,
        )
        if organization is not None and organization.email:
            transaction.on_commit(lambda: self.send_to(organization.email, form, submission))
        return submission

    def process_form_submission(self, form):
        data = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in (consent.CONSENT_FIELD, consent.HONEYPOT_FIELD)
        }
        return self.get_submission_class().objects.create(form_data=data, page=self)

    def contact_of(self, form):
        """(e-mail, name) the visitor gave, for the consent log: the first e-mail field, and
        the first one-line field labelled as a name."""
        email = name = ""
        for field in self.get_form_fields():
            value = form.cleaned_data.get(field.clean_name)
            if not value:
                continue
            label = field.label.lower()
            if field.field_type == "email" and not email:
                email = value
            elif (
                field.field_type == "singleline" and not name and ("имя" in label or "фио" in label)
            ):
                name = value
        return email, name

    def send_to(self, address, form, submission):
        lines = [
            f"Новая отправка формы «{self.title}» ({submission.submit_time:%d.%m.%Y %H:%M}).",
            "",
        ]
        for field in self.get_form_fields():
            value = submission.form_data.get(field.clean_name, "")
            if isinstance(value, list):
                value = ", ".join(value)
            lines.append(f"{field.label}: {value}")
        lines += ["", "Согласие на обработку персональных данных дано и записано."]
        EmailMessage(subject=f"Форма «{self.title}»", body="\n".join(lines), to=[address]).send(
            fail_silently=True
        )

    # Survey results -------------------------------------------------------------------------

    def results(self):
        """[(field, [(answer, count, percent)], answered)] for the choice fields, counted
        over every submission in one query."""
        fields = [f for f in self.get_form_fields() if f.field_type in CHOICE_TYPES]
        counts = {field.clean_name: {} for field in fields}
        answered = dict.fromkeys(counts, 0)
        rows = (
            self.get_submission_class()
            .objects.filter(page=self)
            .values_list("form_data", flat=True)
        )
        for data in rows.iterator():
            for name, tally in counts.items():
                value = data.get(name)
                values = value if isinstance(value, list) else [value]
                values = [v for v in values if v not in (None, "", False)]
                if values:
                    answered[name] += 1
                for v in values:
                    key = "да" if v is True else str(v)
                    tally[key] = tally.get(key, 0) + 1
        found = []
        for field in fields:
            tally, total = counts[field.clean_name], answered[field.clean_name]
            builder = self.form_builder([field])
            choices = [c for c, _label in builder.get_formatted_field_choices(field)] or ["да"]
            answers = [a for a in choices if a in tally] + [a for a in tally if a not in choices]
            answers += [a for a in choices if a not in tally]
            found.append(
                (
                    field,
                    [
                        (a, tally.get(a, 0), round(100 * tally.get(a, 0) / total) if total else 0)
                        for a in answers
                    ],
                    total,
                )
            )
        return found
