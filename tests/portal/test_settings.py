"""The settings contract: embedded defaults for a laptop, a loud refusal in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings.contract import ENVIRONMENT_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "portal.example.cn",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.cn:587",
}


def manage(*args, **env):
    # Start from nothing the contract reads (the test settings set some of it in os.environ).
    dropped = {*ENVIRONMENT_VARIABLES, "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL"])
def test_production_refuses_to_start_without_its_required_variables(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr and "ImproperlyConfigured" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_embedded_default_runs_with_a_loud_warning():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "WARNING: development values in use" in result.stderr


def test_celery_takes_json_only_and_bounds_every_task():
    from portal.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


@pytest.mark.parametrize(
    ("name", "typo"), [("DEBUG", "ture"), ("DEBUG", "of"), ("SECURE_SSL_REDIRECT", "flase")]
)
def test_a_mistyped_on_off_variable_stops_the_start_instead_of_reading_as_off(name, typo):
    result = manage("check", **{**PRODUCTION, name: typo})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}={typo!r}" in result.stderr


@pytest.mark.parametrize(("value", "on"), [("1", True), ("Yes", True), ("off", False), ("", False)])
def test_on_off_variables_take_the_usual_words_and_empty_means_the_default(monkeypatch, value, on):
    from portal.settings.base import env_flag

    monkeypatch.setenv("PORTAL_TEST_FLAG", value)
    assert env_flag("PORTAL_TEST_FLAG", default=False) is on
