"""The domains of a journey never import each other's use cases, nor the pathways: the journeys do that.

Read from the source (every import statement, at any depth, lazy ones included), so a new cross-domain call made
inside a function fails here as surely as one at the top of a module. `people` is the register every domain
builds on (identity, registration, the masked exports): the domains may use it, and it uses none of them, not
even their models."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOURNEY_DOMAINS = ("cases", "quarantine", "testing", "screening", "checkpoints")
BASE = "people"
DOMAINS = (*JOURNEY_DOMAINS, BASE)
# The rooms that hold a domain's rules; its pages and API (views.py, api.py) may call the pathway.
RULE_ROOMS = ("models.py", "services.py", "transitions.py", "disease.py")


def imports_of(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.update({node.module, *(f"{node.module}.{alias.name}" for alias in node.names)})
    return modules


def forbidden_for(domain: str, module: str) -> bool:
    parts = module.split(".")
    if parts[:2] == ["fangkong", "pathways"]:
        return True
    if len(parts) < 3 or parts[0] != "fangkong" or parts[1] == domain or parts[1] not in JOURNEY_DOMAINS:
        return False
    return domain == BASE or parts[2] == "services"  # the base knows no domain; a domain no other's use cases


@pytest.mark.parametrize("domain", [d for d in DOMAINS if (ROOT / d).is_dir()])
def test_a_domain_calls_no_other_domains_use_cases(domain):
    offending = {f"{room}: {module}" for room in RULE_ROOMS if (ROOT / domain / room).exists()
                 for module in imports_of(ROOT / domain / room) if forbidden_for(domain, module)}
    assert not offending, f"{domain} reaches into another domain's use cases; move the journey to pathways/"


def test_no_domain_imports_the_pathways_from_its_rules():
    hits = [str(path.relative_to(ROOT)) for domain in DOMAINS if (ROOT / domain).is_dir()
            for path in (ROOT / domain).rglob("*.py") if path.name in RULE_ROOMS
            and any(m.startswith("fangkong.pathways") for m in imports_of(path))]
    assert hits == []


def test_the_check_sees_a_lazy_import(tmp_path):
    sample = tmp_path / "services.py"
    sample.write_text("def f():\n    from fangkong.quarantine import services as q\n    return q\n")
    assert any(forbidden_for("cases", m) for m in imports_of(sample))
    sample.write_text("def f():\n    from fangkong.screening.models import AssistRequest\n")
    assert any(forbidden_for("people", m) for m in imports_of(sample))
    assert not any(forbidden_for("checkpoints", m) for m in imports_of(sample))
