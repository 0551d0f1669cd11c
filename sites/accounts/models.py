from django.db import models


class ProvenEmail(models.Model):
    """The e-mail address an account has proven (sites/accounts/): only an account whose
    current address equals its proven one is matched by that address."""

    class Source(models.TextChoices):
        REGISTRY = "registry", "из реестра при создании учётной записи"
        LINK = "link", "по ссылке из письма"

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="proven_email")
    email = models.EmailField("адрес")
    source = models.CharField("как подтверждён", max_length=20, choices=Source.choices)
    proven_at = models.DateTimeField("когда")

    class Meta:
        verbose_name = "подтверждённый адрес"
        verbose_name_plural = "подтверждённые адреса"

    def __str__(self):
        return self.email
