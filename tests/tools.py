"""The test tools that live outside Python: Node packages from package-lock.json (`make install`
runs `npm ci`) and Java for the Nu HTML Checker. Without them a test skips locally, with the
reason, and fails under CI (`CI` set): CI must never pass by skipping."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason):
    if in_ci():
        pytest.fail(f"cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_node_file(path):
    """`path` (in node_modules/), or skip/fail saying how to get it."""
    if not path.is_file():
        unavailable(f"{path.relative_to(ROOT)} is missing: run `make install` (needs npm)")
    return path


def require_java():
    java = shutil.which("java")
    if java is None:
        unavailable("java is missing: install a Java runtime 11+ (apt-get install default-jre)")
    return java
