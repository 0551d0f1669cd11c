from wagtail import hooks

from sites.accounts import twofactor  # noqa: F401 (its admin URLs and account menu item)
from sites.accounts.users import USER_BULK_ACTIONS

# Regional admins manage editors' accounts only: these replace Wagtail's own, so they come after.
for action in USER_BULK_ACTIONS:
    hooks.register("register_bulk_action", action, order=100)
