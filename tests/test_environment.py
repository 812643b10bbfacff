"""requirements.lock, environment.yml and pyproject.toml must agree."""

import re
import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                if item.startswith("-e"):
                    continue
                name, _, version = item.partition("==")
                pins[canonicalize_name(name)] = version
        else:
            name, _, version = dep.partition("=")
            if name not in ("python", "pip"):
                assert version, f"environment.yml: {dep!r} has no version"
                pins[canonicalize_name(name)] = version
    return pins


def _pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return reqs


def test_environment_yml_pins_the_locked_versions():
    lock, env = _lock(), _environment()
    mismatched = {name: (version, lock.get(name)) for name, version in env.items() if lock.get(name) != version}
    assert not mismatched, f"environment.yml differs from requirements.lock (env, lock): {mismatched}"


def test_every_declared_dependency_is_locked_and_in_environment_yml():
    lock, env = _lock(), _environment()
    for req in _pyproject_requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is declared in pyproject.toml but not locked"
        assert req.specifier.contains(lock[name]), f"locked {req.name}=={lock[name]} violates {req}"
        assert name in env, f"{req.name} is declared in pyproject.toml but missing from environment.yml"


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert Requirement("python" + project["requires-python"]).specifier.contains(python.split("=")[1] + ".0")


def test_make_installs_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install -r requirements\.lock", makefile.replace("$(PIP)", "pip"))
