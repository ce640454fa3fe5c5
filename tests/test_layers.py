"""The layers of README.md ("Layers"), checked from the code's own imports.

The contracts live in pyproject.toml ([tool.importlinter]); import-linter builds the import graph
of every app on disk (grimp: every import statement, also those inside functions) and each
contract lists the chains that run uphill. Tests, benchmarks and migrations are not apps.
"""

import ast
import copy
from pathlib import Path

import grimp
import pytest
from importlinter import api  # importing it configures import-linter
from importlinter.application import output, use_cases
from importlinter.application.user_options import UserOptions
from importlinter.domain.contract import registry

ROOT = Path(__file__).resolve().parent.parent
NOT_APPS = {"tests", "bench"}


def project_apps(root: Path = ROOT) -> list[str]:
    """Every top-level package of the project: an app added later is checked without anyone
    remembering to list it."""
    return sorted(
        path.parent.name
        for path in root.glob("*/__init__.py")
        if path.parent.name not in NOT_APPS and not path.parent.name.startswith(".")
    )


def layered_apps(contract: dict) -> set[str]:
    names = set()
    for layer in contract["layers"]:
        for tail in layer.replace("|", ":").split(":"):
            names.add(tail.strip().strip("()"))
    return names


def contracts() -> tuple[dict, list[dict]]:
    config = api.read_configuration(str(ROOT / "pyproject.toml"))
    return config["session_options"], config["contracts_options"]


def contract_objects(session: dict, contract_options: list[dict]) -> list:
    # What lint-imports does before it reads contracts (create_report leaves it out).
    use_cases._register_built_in_contract_types()
    return [
        registry.get_contract_class(options["type"])(
            name=options["name"], session_options=session, contract_options=options
        )
        for options in contract_options
    ]


def broken_contracts() -> list[str]:
    """The text import-linter prints for each broken contract (names, then every chain)."""
    session, contract_options = contracts()
    session = {**session, "root_packages": project_apps()}
    use_cases._register_built_in_contract_types()
    report = use_cases.create_report(UserOptions(session, contract_options), cache_dir=None)
    broken = [
        f"{name}: invalid options {error}"
        for name, error in report.invalid_contract_options.items()
    ]
    width = output.console.width
    output.console.width = 120
    try:
        for contract, check in report.get_contracts_and_checks():
            if check.kept:
                continue
            with output.console.capture() as captured:
                contract.render_broken_contract(check)
            broken.append(f"{contract.name}\n{captured.get().rstrip()}")
    finally:
        output.console.width = width
    return broken


def test_every_app_has_a_layer():
    _, contract_options = contracts()
    (layers,) = [c for c in contract_options if c["id"] == "layers"]
    missing = set(project_apps()) - layered_apps(layers)
    assert not missing, f"add {sorted(missing)} to a layer in pyproject.toml [tool.importlinter]"


def test_imports_run_downhill_only():
    broken = broken_contracts()
    if broken:
        pytest.fail(
            "imports that run uphill (README.md, Layers):\n\n" + "\n\n".join(broken),
            pytrace=False,
        )


# README.md, Layers, in words: bottom to top, and the one-way imports accepted between siblings.
LAYERS = (
    {"portal"},
    {"groups"},
    {"volunteers", "partners", "messaging"},
    {"matching", "search", "curriculum", "alerts"},
    {"dashboards", "api"},
)
SIBLING_IMPORTS = {
    ("volunteers", "messaging"),  # in-app notifications
    ("partners", "messaging"),
    ("partners", "volunteers"),  # the skill taxonomy
    ("search", "curriculum"),  # search indexes lessons
    ("dashboards", "api"),
    ("api", "dashboards"),
}


def may_import(importer: str, imported: str) -> bool:
    level = {app: n for n, layer in enumerate(LAYERS) for app in layer}
    if level[importer] == level[imported]:
        return (importer, imported) in SIBLING_IMPORTS
    return level[importer] > level[imported]


APPS = sorted(set().union(*LAYERS))


@pytest.mark.parametrize(("importer", "imported"), [(a, b) for a in APPS for b in APPS if a != b])
def test_contracts_say_what_the_readme_says(importer, imported):
    """Every ordered pair of apps, present and planned, on a graph of one import: the contracts
    keep it exactly when the README allows it."""
    graph = grimp.ImportGraph()
    for app in APPS:
        graph.add_module(app)
        graph.add_module(f"{app}.services")
    graph.add_import(
        importer=f"{importer}.services",
        imported=f"{imported}.services",
        line_number=1,
        line_contents=f"from {imported} import services",
    )
    session, contract_options = contracts()
    broken = [
        contract.name
        for contract in contract_objects({**session, "root_packages": APPS}, contract_options)
        if not contract.check(copy.deepcopy(graph), verbose=False).kept
    ]
    assert (not broken) == may_import(importer, imported), broken


def cross_app_imports_in_functions(root: Path = ROOT) -> list[str]:
    """Imports of another app written inside a function ("path:line app"): the lazy imports
    that hid uphill dependencies. import-linter counts them like any other; this only counts.

    Any tree can be measured, e.g. a checkout of an older commit:
    `python -c "from tests.test_layers import cross_app_imports_in_functions as f;
    print(len(f(Path('/other/tree'))))"`.
    """
    apps = set(project_apps(root))
    found = []
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    for target in _absolute_imports(node):
                        other = target.split(".")[0]
                        if other in apps and other != app:
                            found.append(f"{path.relative_to(root)}:{node.lineno} {other}")
    # A function nested in another is walked twice; each import counts once.
    return sorted(set(found))


def _absolute_imports(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level and node.module:
        return [node.module]
    return []


def test_cross_app_imports_in_functions_are_found(tmp_path):
    (tmp_path / "low").mkdir()
    (tmp_path / "low" / "__init__.py").write_text("")
    (tmp_path / "high").mkdir()
    (tmp_path / "high" / "__init__.py").write_text("import low\n")
    (tmp_path / "high" / "views.py").write_text(
        "def view():\n    from low.models import Thing\n    from . import forms\n"
        "    import json\n\n    def inner():\n        import low\n"
    )
    assert cross_app_imports_in_functions(tmp_path) == [
        "high/views.py:2 low",
        "high/views.py:7 low",
    ]
