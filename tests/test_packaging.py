"""The three dependency declarations agree: pyproject.toml, environment.yml, requirements.lock."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(r): r.strip() for r in reqs}


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    return {_name(d): d.strip() for d in deps if _name(d) not in ("python", "pip")}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    return pins


def test_environment_yml_declares_what_pyproject_declares():
    assert _conda() == _pyproject()


def test_environment_yml_python_matches_requires_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f"python{requires}" in env["dependencies"]


def test_lock_pins_every_declared_dependency_exactly():
    lock = _lock()
    missing = sorted(set(_pyproject()) - set(lock))
    assert not missing, f"requirements.lock lacks {missing}: run make lock"
    assert all(re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", v) for v in lock.values())


def test_locked_versions_satisfy_the_declared_ranges():
    from packaging.requirements import Requirement

    lock = _lock()
    for name, requirement in _pyproject().items():
        assert Requirement(requirement).specifier.contains(lock[name]), (name, lock[name])
