"""An S3 endpoint for the media storage tests: moto's standalone server, a real HTTP server on
a free local port, so django-storages and boto3 go through their real network path. Without
it the tests skip locally and fail under CI (tests/tools.py)."""

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

from ..tools import unavailable

BUCKET = "profsites-media"
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto's
START_TIMEOUT = 30


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own server)
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """The URL of a moto server started for the session, stopped after it."""
    moto_server = Path(sys.executable).with_name("moto_server")
    if not moto_server.is_file():
        unavailable(f"{moto_server} is missing: install requirements-dev.txt (moto[server])")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own venv's script)
            [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{url}/moto-api/"):
            if process.poll() is not None or time.monotonic() > deadline:
                output = log_path.read_text(errors="replace")[-2000:]
                unavailable(f"moto_server did not start on {url}:\n{output}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    """boto3 on the endpoint, for looking into the bucket as its owner; the bucket made."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def s3_media(settings, s3_endpoint, s3_client):
    """Uploads go to the bucket, as with MEDIA_STORAGE=s3 (sites/settings/base.py), under a
    folder of their own for each test. Returns that folder (the storage's location)."""
    location = f"test-{uuid.uuid4().hex[:12]}"
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_ACCESS_KEY_ID = CREDENTIALS["aws_access_key_id"]
    settings.AWS_S3_SECRET_ACCESS_KEY = CREDENTIALS["aws_secret_access_key"]
    settings.AWS_LOCATION = location
    # Last: changing STORAGES makes Django build default_storage anew, from the settings above.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "sites.storage.MediaStorage"}}
    return location
