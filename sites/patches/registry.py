from sites.patches import behaviour, internals, scoping, speed

PATCHES = [*behaviour.PATCHES, *scoping.PATCHES, *speed.PATCHES]
PATCHED_NAMES = [
    *behaviour.PATCHED_NAMES,
    *scoping.PATCHED_NAMES,
    *speed.PATCHED_NAMES,
    *internals.PRIVATE_NAMES,
]


def apply():
    for patch in PATCHES:
        patch()
