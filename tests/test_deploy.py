"""The production configuration in deploy/ is what the servers accept: the VCL compiles with
both backends files, nginx takes its configuration, the compose file validates, the stack
script parses."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def tool(name, *fallbacks):
    for candidate in (name, *fallbacks):
        found = shutil.which(candidate) or (
            candidate if os.path.exists(candidate) and os.access(candidate, os.X_OK) else None
        )
        if found:
            return found
    return None


def varnishd():
    path = tool("varnishd", "/usr/sbin/varnishd")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("varnishd is missing: .ci/run installs Debian's varnish")
        pytest.skip("varnishd is not installed")
    return path


def filled(template, **values):
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    return text


@pytest.mark.parametrize("backends", ["backends.stack.vcl.in", "backends.compose.vcl"])
def test_the_vcl_compiles_with_each_installs_backends(backends):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        text = filled(
            DEPLOY / "varnish" / backends, APP_PORT=8081, FILES_PORT=8082, BASE_DOMAIN="localhost"
        )
        if backends.endswith("compose.vcl"):  # service names resolve only inside compose
            text = text.replace('"app"', '"127.0.0.1"').replace('"files"', '"127.0.0.1"')
        (Path(folder) / "backends.vcl").write_text(text)
        (Path(folder) / "backends.vcl").chmod(0o644)
        result = subprocess.run(  # noqa: S603 (our own command line)
            [
                varnishd(),
                "-C",
                "-n",
                f"{folder}/state",
                "-p",
                f"vcl_path={folder}:{DEPLOY / 'varnish'}",
                "-f",
                str(DEPLOY / "varnish" / "profsites.vcl"),
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr[-2000:]


def test_the_stack_script_parses():
    result = subprocess.run(["bash", "-n", str(DEPLOY / "stack.sh")], capture_output=True)  # noqa: S603, S607
    assert result.returncode == 0, result.stderr


def test_nginx_takes_the_stack_configuration():
    nginx = tool("nginx", "/usr/sbin/nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (make stack installs it)")
    with tempfile.TemporaryDirectory() as folder:
        conf = Path(folder) / "nginx.conf"
        conf.write_text(
            filled(
                DEPLOY / "nginx" / "stack.conf.in",
                FILES_PORT=18082,
                STATIC_ROOT=folder,
                MEDIA_ROOT=folder,
                STACK_DIR=folder,
            )
        )
        os.makedirs(Path(folder) / "nginx")
        result = subprocess.run(  # noqa: S603
            [nginx, "-t", "-c", str(conf), "-p", f"{folder}/nginx"], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


def test_docker_compose_accepts_the_compose_file():
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "PLATFORM_BASE_DOMAIN": "example.org",
        "POSTGRES_PASSWORD": "p",
    }
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        version = subprocess.run([*command, "version"], capture_output=True)  # noqa: S603
        if version.returncode != 0:
            continue  # a Docker client without the compose plugin
        result = subprocess.run(  # noqa: S603
            [*command, "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return
    pytest.skip("no docker compose here")
