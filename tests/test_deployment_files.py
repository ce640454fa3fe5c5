"""Dockerfile and docker-compose.yml, read as the operator who runs `docker compose up` would.

Plain functions, no database: the files are parsed, never run.
"""

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from portal.settings.contract import ENVIRONMENT_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
SERVICES = yaml.safe_load(COMPOSE_TEXT)["services"]
APP_SERVICES = ("web", "worker", "beat")
SERVICE_URLS = {
    "DATABASE_URL": "db",
    "REDIS_URL": "redis",
    "CELERY_BROKER_URL": "redis",
    "ELASTICSEARCH_URL": "elasticsearch",
}
# Worker and beat wait for a healthy web, i.e. for the migrations it runs on start.
HEALTHY_BEFORE = {
    "web": ("db", "redis", "elasticsearch"),
    "worker": ("web", "db", "redis"),
    "beat": ("web", "db", "redis"),
}


def environment(service):
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.split("=", 1) for item in env)
    return {name: str(value) for name, value in env.items()}


def command(service):
    cmd = SERVICES[service].get("command") or ""
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def test_all_six_services_are_defined():
    assert {"db", "redis", "elasticsearch", "web", "worker", "beat"} <= set(SERVICES)


@pytest.mark.parametrize("service", ["db", "redis", "elasticsearch", "web", "worker"])
def test_every_service_has_a_healthcheck(service):
    check = SERVICES[service].get("healthcheck") or {}
    assert check.get("test") and not check.get("disable"), f"{service} has no healthcheck"


def test_beat_does_not_inherit_the_web_healthcheck_it_cannot_pass():
    assert SERVICES["beat"]["healthcheck"] == {"disable": True}


def test_backing_services_use_the_expected_images():
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert SERVICES["elasticsearch"]["image"].startswith(
        "docker.elastic.co/elasticsearch/elasticsearch:"
    )


def test_web_worker_and_beat_run_the_one_image_built_from_this_repository():
    assert all(SERVICES[name].get("build") in (".", {"context": "."}) for name in APP_SERVICES)
    assert len({SERVICES[name]["image"] for name in APP_SERVICES}) == 1


def test_elasticsearch_server_matches_the_python_client_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [
        match.groups()
        for requirement in project["dependencies"]
        if (match := re.match(r"elasticsearch\s*>=\s*(\d+)\.(\d+)\s*,\s*<", requirement))
    ]
    assert len(pins) == 1, "expected one `elasticsearch>=X.Y,<...` requirement"
    server_version = SERVICES["elasticsearch"]["image"].rsplit(":", 1)[1]
    assert tuple(server_version.split(".")[:2]) == pins[0]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_web_worker_and_beat_receive_every_variable_of_the_settings_contract(service):
    missing = set(ENVIRONMENT_VARIABLES) - set(environment(service))
    assert not missing, f"{service} lacks {sorted(missing)}"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_debug_is_off_in_web_worker_and_beat(service):
    assert environment(service)["DEBUG"].lower() == "false"


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_refuses_to_start_without_a_secret_key(service):
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", environment(service)["SECRET_KEY"])


@pytest.mark.parametrize("service", APP_SERVICES)
def test_service_urls_point_at_the_compose_services_not_localhost(service):
    env = environment(service)
    for name, host in SERVICE_URLS.items():
        assert host in SERVICES
        assert urlsplit(env[name]).hostname == host, f"{service}: {name}={env[name]}"


def test_web_migrates_then_serves_the_asgi_app_with_uvicorn():
    cmd = command("web")
    assert "manage.py migrate --noinput" in cmd
    assert "uvicorn portal.asgi:application" in cmd
    assert cmd.index("migrate") < cmd.index("uvicorn")


def test_only_web_publishes_a_port_and_it_is_8000():
    assert [name for name in SERVICES if SERVICES[name].get("ports")] == ["web"]
    assert any(str(port).endswith("8000") for port in SERVICES["web"]["ports"])


def test_worker_and_beat_run_celery_and_do_not_migrate():
    assert re.search(r"\bcelery -A portal worker\b", command("worker"))
    assert re.search(r"\bcelery -A portal beat\b", command("beat"))
    assert "migrate" not in command("worker") + command("beat")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_start_only_after_their_dependencies_are_healthy(service):
    depends_on = SERVICES[service]["depends_on"]
    for dependency in HEALTHY_BEFORE[service]:
        assert depends_on[dependency]["condition"] == "service_healthy", dependency


def test_uploads_live_on_a_named_volume_shared_by_web_and_worker():
    for service in ("web", "worker"):
        assert "media:/app/media" in SERVICES[service]["volumes"]
    assert "media" in yaml.safe_load(COMPOSE_TEXT)["volumes"]


def test_dockerfile_builds_on_python_3_11():
    assert re.search(r"^FROM python:3\.11\b", DOCKERFILE, re.MULTILINE)


def test_dockerfile_runs_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_installs_the_project_with_pip_and_collects_static_files():
    assert re.search(r"^RUN pip install [^\n]*\s\.\s", DOCKERFILE, re.MULTILINE)
    assert "manage.py collectstatic --noinput" in DOCKERFILE
    assert re.search(r"^HEALTHCHECK\b.*/healthz", DOCKERFILE, re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("name", ["Dockerfile", "docker-compose.yml", ".dockerignore"])
def test_deployment_files_reference_no_cdn_and_no_path_of_the_build_machine(name):
    text = (ROOT / name).read_text(encoding="utf-8").lower()
    for needle in ("cdn", "jsdelivr", "unpkg", "googleapis", "/work", "/root"):
        assert needle not in text, f"{name} mentions {needle}"
