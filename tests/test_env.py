"""Environment parsing refuses bad values loudly; production settings pass Django's deploy check."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from pacesetter import env


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("off", False),
                                               ("", False), (" Yes ", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG") is expected


def test_env_bool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env.env_bool("FLAG")


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("N", 1, minimum=0)


def test_env_secret_reads_a_file_and_refuses_both(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("KEY_FILE", str(secret))
    assert env.env_secret("KEY") == "s3cret"
    monkeypatch.setenv("KEY", "other")
    with pytest.raises(ImproperlyConfigured):
        env.env_secret("KEY")


def test_env_url_refuses_an_unknown_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(ImproperlyConfigured):
        env.env_url("DATABASE_URL", schemes=("postgres", "sqlite"))


def _pacesetter(args, tmp_path, **extra):
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "DATABASE_URL",
                                "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    environment.update(PACESETTER_HOME=str(tmp_path), **extra)
    return subprocess.run([sys.executable, "-m", "pacesetter.cli", *args], env=environment,
                          capture_output=True, text=True, timeout=120, check=False)


def test_production_settings_pass_the_deploy_check(tmp_path):
    done = _pacesetter(["check", "--deploy", "--fail-level", "WARNING"], tmp_path,
                       DEBUG="false", HTTPS="true", SECRET_KEY="k" * 20 + "-Zx9!" * 8,
                       ALLOWED_HOSTS="pacesetter.example.cn")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_bad_variable_stops_the_start(tmp_path):
    done = _pacesetter(["check"], tmp_path, DEBUG="maybe")
    assert done.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in done.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re
    from pathlib import Path

    import pacesetter

    settings_source = (Path(pacesetter.__file__).parent / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|secret|url)\(\s*"([A-Z_]+)"', settings_source))
    example = (Path(pacesetter.__file__).parents[2] / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read, "the pattern found no variables"
    assert read - listed == set()
