"""Everything that rests on Wagtail's (or wagtail-localize's, or treebeard's) own names:
private functions used (`internals`), behaviour wrapped (`behaviour`) and class attributes
replaced at start-up (`scoping`). `registry.apply()` runs from `SitesConfig.ready()`;
tests/patches/test_patches.py fails loudly when a name they rest on is gone after an upgrade."""
