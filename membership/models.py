"""Applications to join the union, sent from a site's «Как вступить» page (the block in
home/blocks.py, the form in membership/forms.py): each goes to the primary organization where
the person works, chosen from the registry, whose editors (and chair, by e-mail) take it up
and mark how it went."""

from django.db import models

from directory.models import Organization


class Application(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "новое"
        CONTACTED = "contacted", "связались"
        JOINED = "joined", "вступил(а)"
        DECLINED = "declined", "отказ"

    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="applications",
        help_text="Первичная организация по месту работы или, если её нет в списке, "
        "организация сайта, с которого отправлено заявление.",
    )
    full_name = models.CharField("фамилия, имя, отчество", max_length=255)
    workplace = models.CharField("место работы", max_length=500)
    position = models.CharField("должность", max_length=255)
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("e-mail", blank=True, db_index=True)
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    note = models.TextField("заметка", blank=True, help_text="Видна только редакторам.")
    created_at = models.DateTimeField("получено", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "заявление о вступлении"
        verbose_name_plural = "заявления о вступлении"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.full_name} — {self.workplace}"
