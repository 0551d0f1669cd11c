# The live server answers from another thread: these tests are transactional
# (tests/transactional.py).
from tests.transactional import _migrated_rows_back  # noqa: F401
