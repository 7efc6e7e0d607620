"""The layering docs/ARCHITECTURE.md promises: live/ and the live-facing part of models/ stand on
NumPy alone (imports inside functions included), the commands that play load nothing of train/, and
no module imports another that imports it back."""
import ast
import subprocess
import sys
from pathlib import Path

import musigan
import pytest

ROOT = Path(musigan.__file__).resolve().parent
PACKAGES = ("models", "train", "live", "cli")
KERAS_BUILDERS = {"musigan.models.recurrent", "musigan.models.gan"}  # models/ that train/ alone imports
FORBIDDEN = ("musigan.train", "tensorflow", "keras", "jax", "torch")


def module_names(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(("musigan", *parts[:-1])) if parts[-1] == "__init__" else ".".join(("musigan", *parts)))
    return names


def test_live_and_models_import_nothing_from_train_nor_a_deep_learning_framework():
    live_path = [m for m in module_names("live") + module_names("models") if m not in KERAS_BUILDERS]
    code = ("import importlib, sys\n"
            f"for name in {live_path!r}:\n    importlib.import_module(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or m.startswith('musigan.train')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def module_path(name: str) -> Path:
    path = ROOT / Path(*name.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def test_the_live_path_imports_nothing_of_train_nor_a_framework_even_inside_a_function():
    live_path = [m for m in module_names("live") + module_names("models") if m not in KERAS_BUILDERS]
    reached = {name: sorted(m for m in imports_of(module_path(name), name) if m.startswith(FORBIDDEN))
               for name in live_path}
    assert {name: found for name, found in reached.items() if found} == {}


@pytest.mark.parametrize("command", [["ports"], ["presets"], ["play", "--demo", "--mode", "respond", "--record", "DEMO"]])
def test_the_commands_that_play_load_nothing_of_train(tmp_path, command):
    command = [str(tmp_path / "demo.mid") if word == "DEMO" else word for word in command]
    code = ("import sys\nfrom musigan.cli import main\ncode = main(sys.argv[1:])\n"
            f"print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN[1:]!r} "
            "or m.startswith('musigan.train')))\nsys.exit(code)")
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED []", result.stdout[-2000:]


def imports_of(path: Path, module: str) -> set[str]:
    """musigan modules that `module` imports, at import time or inside a function: an import put off
    into a function still ties the two modules in a circle."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycle():
    modules = {}
    for package in PACKAGES:
        for name in module_names(package):
            modules[name] = module_path(name)
    graph = {name: {m for m in imports_of(path, name) if m in modules and m != name} for name, path in modules.items()}

    finished = set()

    def visit(node, trail):
        if node in trail:
            return trail[trail.index(node):] + [node]
        if node in finished:
            return None
        for nxt in sorted(graph[node]):
            cycle = visit(nxt, trail + [node])
            if cycle:
                return cycle
        finished.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        assert cycle is None, "import cycle: " + " -> ".join(cycle)
