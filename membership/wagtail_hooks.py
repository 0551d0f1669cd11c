from wagtail import hooks

from membership.models import Application


@hooks.register("register_personal_data")
def applications():
    """Where applications are kept by e-mail (sites/personal_data/holders.py erases them)."""
    return (
        "Заявления о вступлении",
        lambda email: Application.objects.filter(email__iexact=email),
    )
