"""The import directions of DESIGN.md, enforced by walking every module's imports."""

import ast
from pathlib import Path

import pacesetter

PACKAGE = Path(pacesetter.__file__).parent
DOMAIN_APPS = {"assessment", "surveys", "projects", "supervision", "points", "ledger",
               "cadres"}
READ_ONLY_APPS = {"benchmarking", "reports"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith("pacesetter.")}


def app_of(module_path: Path) -> str:
    return module_path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def violations() -> list[str]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source_app = app_of(path)
        for name in imports_of(path):
            parts = name.split(".")
            target_app, room = parts[1], parts[2] if len(parts) > 2 else ""
            if target_app == source_app:
                continue
            rule = _broken_rule(source_app, target_app, room, name)
            if rule:
                found.append(f"{path.relative_to(PACKAGE)} imports {name}: {rule}")
    return found


def _broken_rule(source: str, target: str, room: str, name: str) -> str:
    if source == "engine" and target != "engine":
        return "engine imports nothing of the project"
    foundation = {"orgs", "audit", "errors", "env", "bulk"}
    if source in foundation and target in DOMAIN_APPS | READ_ONLY_APPS:
        return "the foundation imports no domain app"
    if source in DOMAIN_APPS | READ_ONLY_APPS and target in DOMAIN_APPS | READ_ONLY_APPS:
        if room not in {"selectors", "services"}:
            return "apps use each other through selectors and services only"
        if source in READ_ONLY_APPS and room == "services":
            return "benchmarking and reports only read other apps"
    return ""


def test_no_module_breaks_an_import_direction():
    assert violations() == []


def test_engine_does_not_import_django():
    engine = PACKAGE / "engine"
    for path in engine.rglob("*.py") if engine.exists() else []:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m.split(".")[0] == "django" for m in modules), path


def test_the_checker_sees_a_wrong_arrow(tmp_path):
    """The rule table is live: a domain app reaching into another's models is flagged."""
    assert _broken_rule("surveys", "assessment", "models", "pacesetter.assessment.models")
    assert _broken_rule("orgs", "surveys", "selectors", "pacesetter.surveys.selectors")
    assert _broken_rule("reports", "points", "services", "pacesetter.points.services")
    assert not _broken_rule("reports", "points", "selectors", "pacesetter.points.selectors")
