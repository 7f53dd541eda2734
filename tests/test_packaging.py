"""The three dependency declarations agree: pyproject.toml, environment.yml, requirements.lock.

environment.yml uses conda-forge's names; where they differ from PyPI's, pyproject.toml's
``[tool.snanalys.conda-forge]`` (and the README's table) says so, citing the feedstock. The
conda file is checked by name only: conda cannot be reached from the machines the tests run on.
The pre-commit hooks run without an activated environment.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())
CONDA_FORGE = PYPROJECT["tool"]["snanalys"]["conda-forge"]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)) :]


def _pyproject() -> dict[str, str]:
    project = PYPROJECT["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(r): r.strip() for r in reqs}


def _conda_packages() -> dict[str, str]:
    deps = [d for d in ENV["dependencies"] if isinstance(d, str)]
    return {_name(d): d.strip() for d in deps if _name(d) not in ("python", "pip")}


def _pip_section() -> dict[str, str]:
    (pip,) = [d["pip"] for d in ENV["dependencies"] if isinstance(d, dict)]
    return {_name(r): r.strip() for r in pip if not r.startswith("-e")}


def _conda_as_pypi() -> dict[str, str]:
    """environment.yml's requirements under PyPI's names."""
    back = {entry["conda"]: pypi for pypi, entry in CONDA_FORGE.items() if entry["conda"]}
    conda = {back.get(name, name): back.get(name, name) + _spec(req) for name, req in _conda_packages().items()}
    return {**conda, **_pip_section()}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    return pins


def test_environment_yml_declares_what_pyproject_declares_under_conda_forges_names():
    assert _conda_as_pypi() == _pyproject()


def test_environment_yml_uses_no_pypi_name_that_conda_forge_spells_otherwise():
    conda = _conda_packages()
    for pypi, entry in CONDA_FORGE.items():
        assert pypi not in conda, f"{pypi} is called {entry['conda'] or '(not on conda-forge)'} there"
        if entry["conda"]:
            assert entry["conda"] in conda
        else:  # not on conda-forge: from PyPI, in the pip section
            assert pypi in _pip_section()
    # only what conda-forge lacks comes from PyPI
    assert set(_pip_section()) == {p for p, e in CONDA_FORGE.items() if not e["conda"]}


def test_every_name_difference_cites_its_conda_forge_feedstock_and_the_readme_lists_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for pypi, entry in CONDA_FORGE.items():
        assert re.fullmatch(r"https://github\.com/conda-forge/[a-z0-9-]+-feedstock", entry["feedstock"]), pypi
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{pypi}` |")), None)
        assert row, f"README's table of conda-forge names lacks {pypi}"
        assert entry["feedstock"] in row and (f"`{entry['conda']}`" in row if entry["conda"] else "pip" in row)


def test_environment_yml_python_matches_requires_python():
    requires = PYPROJECT["project"]["requires-python"]
    assert f"python{requires}" in ENV["dependencies"]


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


def test_the_pre_commit_hooks_are_local_and_run_without_an_activated_environment(tmp_path):
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [r["repo"] for r in config["repos"]] == ["local"]
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    # a shell as a commit starts it: no virtualenv or conda environment, nothing of .venv on PATH
    path = os.pathsep.join(
        d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d).resolve() != ROOT / ".venv" / "bin"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    env.update(PATH=path, PRE_COMMIT_HOME=str(tmp_path))
    files = ["notebooks/01_ekonomiskt_bistand.ipynb", "notebooks/utforska/utforska.ipynb", "tools/in_env"]
    pre_commit = Path(sys.executable).parent / "pre-commit"
    proc = subprocess.run(
        [str(pre_commit), "run", "--files", *files], cwd=ROOT, env=env, capture_output=True, text=True
    )  # every hook on a few files; `.ci/run` runs them on all files
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not found" not in proc.stdout
    assert proc.stdout.count("Passed") == 3, proc.stdout
