"""The app's models, each defined in its room; Django looks for them here."""

from sites.accounts.models import ProvenEmail
from sites.freshness.models import FreshnessReminder, SiteFreshness, SiteNewsDay
from sites.moderation.models import ModerationSettings
from sites.network.models import NetworkSettings, SiteBranding
from sites.pagecache.models import PendingPurge
from sites.personal_data.models import Erasure

__all__ = [
    "Erasure",
    "FreshnessReminder",
    "ModerationSettings",
    "NetworkSettings",
    "PendingPurge",
    "ProvenEmail",
    "SiteBranding",
    "SiteFreshness",
    "SiteNewsDay",
]
