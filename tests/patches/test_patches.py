"""What rests on names that are not ours (sites/patches/): fail loudly if one disappears."""

import importlib

import pytest

from sites.patches import registry


@pytest.mark.parametrize(("module", "path"), registry.PATCHED_NAMES)
def test_patched_names_exist(module, path):
    target = importlib.import_module(module)
    for name in path.split("."):
        assert hasattr(target, name), f"{module}.{path} is gone: review sites/patches/"
        target = getattr(target, name)


def test_the_patches_are_applied():
    from wagtail_localize.models import Translation

    assert getattr(Translation.save_target, "reviewed", False)
