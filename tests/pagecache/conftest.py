# The live server answers from another thread, so these tests commit (transactional) and
# Django empties the tables after each: the browser tests' fixture puts the migrations' rows
# back after the module (see tests/browser/conftest.py).
from tests.browser.conftest import _migrated_rows_back  # noqa: F401
