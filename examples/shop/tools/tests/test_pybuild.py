"""Tests of the Python build: deterministic artefacts, transitive bundling, clear errors."""
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent


class PybuildTests(unittest.TestCase):
    def setUp(self):
        # A miniature fleet root with a copy of the tools: pybuild finds libs relative to its own location.
        self.root = Path(tempfile.mkdtemp(prefix="pybuild-"))
        self.addCleanup(shutil.rmtree, self.root)
        shutil.copytree(TOOLS, self.root / "tools", ignore=shutil.ignore_patterns("tests", "__pycache__"))
        self.target("libs/base", 'name = "base"\nversion = "1.0.0"\n', {"base/__init__.py": "GREETING = 'hello'\n"})
        self.target("libs/words", 'name = "words"\nversion = "2.1.0"\ndependencies = ["base"]\n',
                    {"words/__init__.py": "from base import GREETING\n\ndef shout():\n    return GREETING.upper()\n"})
        self.target("services/hello", 'name = "hello"\nversion = "0.3.0"\ndependencies = ["words"]\n\n'
                    '[project.scripts]\nhello = "hello.main:run"\n',
                    {"hello/__init__.py": "",
                     "hello/main.py": "from words import shout\n\ndef run():\n    print(shout())\n"})

    def target(self, path, project, files):
        directory = self.root / path
        (directory / "pyproject.toml").parent.mkdir(parents=True)
        (directory / "pyproject.toml").write_text("[project]\n" + project)
        for name, content in files.items():
            (directory / "src" / name).parent.mkdir(parents=True, exist_ok=True)
            (directory / "src" / name).write_text(content)

    def build(self, path):
        return subprocess.run([sys.executable, "-B", str(self.root / "tools" / "pybuild.py")], cwd=self.root / path,
                              capture_output=True, text=True, timeout=120)

    def build_all(self):
        for path in ("libs/base", "libs/words", "services/hello"):
            result = self.build(path)
            self.assertEqual(result.returncode, 0, result.stderr)

    def dist_bytes(self):
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.glob("*/*/dist/*"))}

    def test_the_service_bundles_its_libs_transitively_and_runs(self):
        self.build_all()
        pyz = self.root / "services/hello/dist/hello.pyz"
        with zipfile.ZipFile(pyz) as archive:
            self.assertEqual(sorted(archive.namelist()), [
                "__main__.py", "base/__init__.py", "hello/__init__.py", "hello/_build.json", "hello/main.py",
                "words/__init__.py"])
            self.assertEqual({info.date_time for info in archive.infolist()}, {(1980, 1, 1, 0, 0, 0)})
        run = subprocess.run([sys.executable, "-B", str(pyz)], capture_output=True, text=True, timeout=60)
        self.assertEqual((run.returncode, run.stdout), (0, "HELLO\n"))
        manifest = json.loads((pyz.parent / "manifest.json").read_text())
        self.assertEqual([dep["name"] for dep in manifest["deps"]], ["base", "words"])
        self.assertEqual(manifest["files"][0]["sha256"], hashlib.sha256(pyz.read_bytes()).hexdigest())

    def test_a_lib_is_a_wheel_recording_its_direct_deps(self):
        self.build_all()
        wheel = self.root / "libs/words/dist/words-2.1.0-py3-none-any.whl"
        with zipfile.ZipFile(wheel) as archive:
            self.assertIn("Requires-Dist: base", archive.read("words-2.1.0.dist-info/METADATA").decode())
            self.assertIn("words/__init__.py,sha256=", archive.read("words-2.1.0.dist-info/RECORD").decode())

    def test_same_inputs_same_bytes(self):
        self.build_all()
        first = self.dist_bytes()
        shutil.rmtree(self.root / "services/hello/dist")
        self.build_all()
        self.assertEqual(self.dist_bytes(), first)
        (self.root / "libs/base/src/base/__init__.py").write_text("GREETING = 'hi'\n")
        self.build_all()
        changed = {name for name, data in self.dist_bytes().items() if first.get(name) != data}
        self.assertIn("services/hello/dist/hello.pyz", changed)  # a lib change reaches the service's artefact

    def test_a_missing_lib_build_is_a_clear_error(self):
        result = self.build("services/hello")
        self.assertEqual(result.returncode, 1)
        self.assertIn("libs/words/dist/manifest.json: not found; build that target first", result.stderr)
        self.assertFalse((self.root / "services/hello/dist").exists())

    def test_ignored_files_are_never_packaged(self):
        for litter in ("base/.DS_Store", "base/__init__.py~", "base/__pycache__/x.cpython-311.pyc", "base/.x.swp"):
            (self.root / "libs/base/src" / litter).parent.mkdir(parents=True, exist_ok=True)
            (self.root / "libs/base/src" / litter).write_text("litter")
        self.assertEqual(self.build("libs/base").returncode, 0)
        with zipfile.ZipFile(self.root / "libs/base/dist/base-1.0.0-py3-none-any.whl") as archive:
            self.assertEqual([n for n in archive.namelist() if not n.startswith("base-1.0.0.dist-info/")],
                             ["base/__init__.py"])

    def test_a_bad_pyproject_is_a_clear_error(self):
        (self.root / "libs/base/pyproject.toml").write_text('[project]\nname = "Base"\nversion = "1"\n')
        result = self.build("libs/base")
        self.assertEqual(result.returncode, 1)
        self.assertIn("pyproject.toml: project.name must match", result.stderr)
        (self.root / "libs/base/pyproject.toml").write_text(
            '[project]\nname = "base"\nversion = "1.0.0"\n[tool.shop.build]\ninclude = {"../x" = "//y"}\n')
        result = self.build("libs/base")
        self.assertIn("'../x' must be a relative path inside the archive", result.stderr)


if __name__ == "__main__":
    unittest.main()
