from django.conf import settings
from django.db import models


class Erasure(models.Model):
    """That a person's data were erased, on whose request and what was removed: the record
    152-ФЗ asks the operator to keep. The e-mail address itself is not kept, only its digest
    (`holders.digest()`), by which a later request about the same address can be answered."""

    email_digest = models.CharField("отпечаток e-mail", max_length=64, db_index=True)
    erased_at = models.DateTimeField("удалено", auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_by_name = models.CharField("кто удалил", max_length=150)
    basis = models.CharField("основание", max_length=500, blank=True)
    removed = models.JSONField("удалено записей", default=dict)

    class Meta:
        verbose_name = "удаление персональных данных"
        verbose_name_plural = "удаления персональных данных"
        ordering = ["-erased_at", "-pk"]

    def __str__(self):
        return f"{self.erased_at:%d.%m.%Y %H:%M} — {self.erased_by_name}"

    @property
    def total(self):
        return sum(self.removed.values())
