from wagtail import hooks

from privacy.models import ConsentRecord


@hooks.register("register_personal_data")
def consents():
    """Where consents are kept by e-mail (sites/personal_data/holders.py erases them)."""
    return (
        "Согласия на обработку персональных данных",
        lambda email: ConsentRecord.objects.filter(email__iexact=email),
    )
