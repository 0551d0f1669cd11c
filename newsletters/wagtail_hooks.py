from wagtail import hooks

from newsletters.models import Subscription


@hooks.register("register_personal_data")
def subscriptions():
    """Where subscriptions are kept by e-mail (sites/personal_data/holders.py erases them)."""
    return ("Подписки на новости", lambda email: Subscription.objects.filter(email__iexact=email))
