from sites.patches import behaviour, internals, scoping, speed, translation_buttons

PATCHES = [
    *behaviour.PATCHES,
    *scoping.PATCHES,
    *speed.PATCHES,
    *translation_buttons.PATCHES,
]
PATCHED_NAMES = [
    *behaviour.PATCHED_NAMES,
    *scoping.PATCHED_NAMES,
    *speed.PATCHED_NAMES,
    *translation_buttons.PATCHED_NAMES,
    *internals.PRIVATE_NAMES,
]


def apply():
    for patch in PATCHES:
        patch()
