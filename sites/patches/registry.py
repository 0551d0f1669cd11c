from sites.patches import behaviour, internals, scoping

PATCHES = [*behaviour.PATCHES, *scoping.PATCHES]
PATCHED_NAMES = [*behaviour.PATCHED_NAMES, *scoping.PATCHED_NAMES, *internals.PRIVATE_NAMES]


def apply():
    for patch in PATCHES:
        patch()
