"""Wagtail finds the hooks here: each room registers its own."""

from sites.accounts import hooks as accounts_hooks  # noqa: F401
from sites.freshness import hooks as freshness_hooks  # noqa: F401
from sites.infowork import hooks as infowork_hooks  # noqa: F401
from sites.isolation import hooks as isolation_hooks  # noqa: F401
from sites.membership import hooks as membership_hooks  # noqa: F401
from sites.onboarding import hooks as onboarding_hooks  # noqa: F401
from sites.pagecache import hooks as pagecache_hooks  # noqa: F401
from sites.partners import hooks as partners_hooks  # noqa: F401
from sites.personal_data import hooks as personal_data_hooks  # noqa: F401
