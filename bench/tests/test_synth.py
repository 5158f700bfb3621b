"""Tests of bench/synth.py. Run with `python3 -m unittest discover bench/tests` (a few seconds, tiny sizes).

Git (the CLI) is the oracle for what was generated; fleet.yaml is read with PyYAML when it is installed, else with
the subset reader in support.py; build.ninja is checked with ninja itself when it is installed.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib
from pathlib import Path

from support import (
    SYNTH,
    TempDirTestCase,
    check_manifest,
    find_cycle,
    generate,
    git,
    load_manifest,
    read_subset,
    run_synth,
    topological,
    yaml,
)

sys.path.insert(0, str(SYNTH.parent))
import synth  # noqa: E402  (the module under test, for its pure helpers)

TINY = ["--services", "6", "--libs", "4", "--files-per-target", "8", "--commits", "12"]
HAVE_NINJA = shutil.which("ninja") is not None


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["/bin/sh", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=120)


def tracked_sizes(repo: Path) -> dict[str, int]:
    return {p: (repo / p).stat().st_size for p in git(repo, "ls-files").split("\n") if p}


class DeterminismTests(TempDirTestCase):
    def test_same_seed_gives_the_same_history_and_another_seed_does_not(self) -> None:
        first = generate(self.tmp / "a", *TINY, "--seed", "7")
        again = generate(self.tmp / "b", *TINY, "--seed", "7", "--ninja", "--files-list", str(self.tmp / "list"))
        other = generate(self.tmp / "c", *TINY, "--seed", "8")
        self.assertEqual(first["head"], again["head"])
        self.assertEqual(git(self.tmp / "a", "rev-list", "HEAD"), git(self.tmp / "b", "rev-list", "HEAD"))
        self.assertEqual({k: v for k, v in first.items() if k != "seconds"},
                         {k: v for k, v in again.items() if k != "seconds"})
        self.assertNotEqual(first["head"], other["head"])
        self.assertNotEqual(git(self.tmp / "a", "rev-parse", "HEAD~12^{tree}"),
                            git(self.tmp / "c", "rev-parse", "HEAD~12^{tree}"))

    def test_every_profile_is_deterministic(self) -> None:
        for args in (["--profile", "chain5000", "--targets", "40", "--width", "10", "--commits", "3"],
                     ["--profile", "big-outputs", "--output-bytes", "256K", "--output-files", "4"]):
            with self.subTest(args=args):
                name = args[1]
                a = generate(self.tmp / f"{name}-1", *args)
                b = generate(self.tmp / f"{name}-2", *args)
                self.assertEqual(a["head"], b["head"])


class DefaultProfileTests(unittest.TestCase):
    """One small fleet with history (shared, read-only), checked against git and the schema."""

    @classmethod
    def setUpClass(cls) -> None:
        cls._tmp = tempfile.TemporaryDirectory(prefix="synth-test-")
        cls.repo = Path(cls._tmp.name) / "fleet"
        cls.files_list = Path(cls._tmp.name) / "files.txt"
        cls.summary = generate(cls.repo, *TINY, "--seed", "3", "--files-list", str(cls.files_list))
        cls.manifest = load_manifest((cls.repo / "fleet.yaml").read_text())

    @classmethod
    def tearDownClass(cls) -> None:
        cls._tmp.cleanup()

    def test_summary_matches_what_git_has(self) -> None:
        sizes = tracked_sizes(self.repo)
        self.assertEqual(self.summary["head"], git(self.repo, "rev-parse", "HEAD").strip())
        self.assertEqual(self.summary["files"], len(sizes))
        self.assertEqual(self.summary["bytes"], sum(sizes.values()))
        self.assertEqual(self.summary["commits"], 12)
        self.assertEqual(int(git(self.repo, "rev-list", "--count", "HEAD")), 13)
        self.assertEqual(self.summary["services"], len(self.manifest["services"]))
        self.assertEqual(self.summary["libs"], len(self.manifest["libs"]))
        self.assertEqual(self.summary["seed"], 3)
        self.assertEqual(git(self.repo, "status", "--porcelain"), "")
        self.assertEqual(git(self.repo, "symbolic-ref", "HEAD").strip(), "refs/heads/main")
        self.assertEqual(self.files_list.read_text(), git(self.repo, "ls-files"))

    def test_manifest_follows_the_schema(self) -> None:
        self.assertEqual(check_manifest(self.manifest, self.repo), [])
        self.assertEqual(self.manifest["root"], ".")
        self.assertEqual(self.manifest["globals"], ["//.tool-versions"])
        self.assertIn("!tests/**", self.manifest["inputs"]["prod"])
        actions = self.manifest["defaults"]["actions"]
        self.assertEqual(set(actions), {"build", "test", "scan"})
        self.assertEqual(actions["build"]["needs"], ["^build"])
        self.assertEqual(actions["build"]["inputs"], ["prod"])
        self.assertEqual(actions["build"]["outputs"], ["dist/**"])
        self.assertEqual(actions["test"]["needs"], ["build"])
        self.assertEqual(actions["scan"]["needs"], ["build"])
        for name, target in self.manifest["services"].items():
            self.assertEqual(target["path"], f"services/{name}")
            self.assertRegex(name, r"^svc-\d{4}$")
        for name, target in self.manifest["libs"].items():
            self.assertEqual(target["path"], f"libs/{name}")
            self.assertRegex(name, r"^lib-\d{3}$")
        self.assertIn("dist/", (self.repo / ".gitignore").read_text().split())

    @unittest.skipIf(yaml is None, "PyYAML is not installed")
    def test_subset_reader_agrees_with_pyyaml(self) -> None:
        text = (self.repo / "fleet.yaml").read_text()
        self.assertEqual(read_subset(text), yaml.safe_load(text))

    def test_history_has_a_fixed_identity_and_increasing_dates(self) -> None:
        rows = [line.split("|") for line in git(self.repo, "log", "--reverse", "--format=%an|%ae|%cn|%ce|%at|%ct")
                .splitlines()]
        self.assertEqual({tuple(r[:4]) for r in rows}, {("Fleet Synth", "synth@fleet.invalid") * 2})
        times = [int(r[4]) for r in rows]
        self.assertEqual(times[0], 1_704_067_200)
        self.assertEqual(times, sorted(set(times)))
        self.assertEqual([int(r[5]) for r in rows], times)


class ActionTests(TempDirTestCase):
    def test_default_actions_do_real_work_and_only_write_ignored_outputs(self) -> None:
        repo = self.tmp / "fleet"
        generate(repo, *TINY, "--seed", "4")
        manifest = load_manifest((repo / "fleet.yaml").read_text())
        targets = {**manifest["libs"], **manifest["services"]}
        defaults = manifest["defaults"]["actions"]
        for name in topological({n: t.get("deps", []) for n, t in targets.items()}):
            directory = repo / targets[name]["path"]
            overrides = targets[name].get("actions") or {}
            for action in ("build", "test", "scan"):
                run = {**defaults[action], **(overrides.get(action) or {})}["run"]
                result = sh(run, directory)
                self.assertEqual(result.returncode, 0, f"{name}.{action}: {run}\n{result.stderr}")
            self.assertGreater((directory / "dist" / "build.out").stat().st_size, 0)
            listed = (directory / "dist" / "files.txt").read_text().split()
            self.assertEqual(listed, sorted(p.relative_to(directory).as_posix()
                                            for p in (directory / "src").rglob("*") if p.is_file()))
        self.assertEqual(git(repo, "status", "--porcelain"), "")
        # The build really reads its inputs: a changed source changes the build output.
        name = next(iter(manifest["services"]))
        directory = repo / targets[name]["path"]
        before = (directory / "dist" / "build.out").read_text()
        with open(next((directory / "src").glob("main.*")), "a") as handle:
            handle.write("// changed\n")
        self.assertEqual(sh(defaults["build"]["run"], directory).returncode, 0)
        self.assertNotEqual((directory / "dist" / "build.out").read_text(), before)
        # scan fails on what it looks for.
        (directory / "src" / "key.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
        self.assertNotEqual(sh(defaults["scan"]["run"], directory).returncode, 0)


class ShapeTests(TempDirTestCase):
    """The dependency shape on a fleet large enough for the shares to mean something (few files: fast)."""

    def test_dependency_shape(self) -> None:
        repo = self.tmp / "shape"
        generate(repo, "--services", "400", "--libs", "40", "--files-per-target", "1", "--commits", "0")
        manifest = load_manifest((repo / "fleet.yaml").read_text())
        self.assertEqual(check_manifest(manifest, repo), [])
        libs, services = manifest["libs"], manifest["services"]
        n = len(services)
        used = collections.Counter(d for s in services.values() for d in s.get("deps", []))
        core = [lib for lib in libs if used[lib] >= 0.6 * n]
        self.assertTrue(3 <= len(core) <= 5, core)
        for lib in core:
            self.assertTrue(0.70 <= used[lib] / n <= 0.90, (lib, used[lib] / n))
        lib_counts = [sum(d in libs for d in s.get("deps", [])) for s in services.values()]
        self.assertLessEqual(max(lib_counts), 6)
        self.assertTrue(0.02 <= lib_counts.count(0) / n <= 0.09, lib_counts.count(0) / n)
        self.assertGreaterEqual(len(set(lib_counts)), 5, "lib counts are skewed, not constant")
        service_edges = [(s, d) for s, t in services.items() for d in t.get("deps", []) if d in services]
        self.assertTrue(1 <= len(service_edges) <= 0.08 * n, len(service_edges))
        self.assertTrue(all(int(d[4:]) < int(s[4:]) for s, d in service_edges))
        depth: dict[str, int] = {}
        for name in sorted(libs):
            deps = libs[name].get("deps", [])
            self.assertTrue(all(d in libs and d < name for d in deps), (name, deps))
            depth[name] = 1 + max((depth[d] for d in deps), default=-1)
        self.assertLessEqual(max(depth.values()), 4)
        self.assertGreaterEqual(max(depth.values()), 3)

    def test_file_layout_and_sizes(self) -> None:
        repo = self.tmp / "files"
        summary = generate(repo, "--services", "4", "--libs", "1", "--files-per-target", "300", "--commits", "0",
                           "--seed", "2")
        sizes = tracked_sizes(repo)
        target_files = {p: s for p, s in sizes.items() if p.startswith(("services/", "libs/"))}
        self.assertTrue(1200 <= len(target_files) <= 1800, len(target_files))
        small = [s for s in target_files.values() if s <= 8 * 1024 + 512]
        large = [s for s in target_files.values() if s >= 100 * 1024]
        self.assertGreaterEqual(len(small) / len(target_files), 0.97)
        self.assertGreaterEqual(min(target_files.values()), 200)
        self.assertTrue(2 <= len(large) <= 30, len(large))
        self.assertLessEqual(max(large), 2 * 1024 * 1024 + 4096)
        self.assertEqual(summary["bytes"], sum(sizes.values()))
        relative = [p.split("/", 2)[2] for p in target_files]
        for prefix in ("src/internal/", "tests/", "docs/", "config/"):
            self.assertTrue(any(r.startswith(prefix) for r in relative), prefix)
        self.assertTrue(any(r.count("/") >= 3 for r in relative), "nested directories")
        for name in ("README.md", "Dockerfile"):
            self.assertIn(f"services/svc-0000/{name}", sizes)
        self.assertTrue(any(p.endswith(".json") for p in relative) and any(p.endswith(".yaml") for p in relative))
        for path in (p for p in target_files if p.endswith(".json") and sizes[p] < 100 * 1024):
            json.loads((repo / path).read_text())  # generated JSON is valid JSON


    def test_about_one_file_in_200_is_large(self) -> None:
        args = synth.parse_args(["unused", "--services", "100", "--libs", "0", "--files-per-target", "200"])
        generator = synth.Generator(args)
        for _ in range(args.services):
            generator.populate(generator.new_service(), args.files_per_target)  # the model only: nothing rendered
        sizes = [entry.recipe.size for entry in generator.files.values()]
        self.assertTrue(18_000 <= len(sizes) <= 22_000, len(sizes))
        large = [size for size in sizes if size >= 100 * 1024]
        self.assertTrue(1 / 300 <= len(large) / len(sizes) <= 1 / 130, len(large))
        self.assertTrue(all(size <= 2 * 1024 * 1024 for size in large))
        self.assertTrue(all(200 <= size <= 8 * 1024 for size in sizes if size < 100 * 1024))


class HistoryTests(TempDirTestCase):
    """The commit mix over a medium history, with git's view of every commit as the oracle."""

    def test_commit_kinds_match_their_changes_and_the_mix(self) -> None:
        repo = self.tmp / "history"
        summary = generate(repo, "--services", "10", "--libs", "5", "--files-per-target", "6", "--commits", "400",
                           "--seed", "11")
        log = git(repo, "log", "--reverse", "-M", "--name-status", "--format=@@%s", "HEAD~400..HEAD")
        commits = []
        for chunk in log.split("@@")[1:]:
            subject, *rows = [line for line in chunk.splitlines() if line]
            commits.append((subject, [row.split("\t") for row in rows]))
        self.assertEqual(len(commits), 400)
        kinds: collections.Counter[str] = collections.Counter()
        statuses: collections.Counter[str] = collections.Counter()
        for subject, rows in commits:
            self.assertTrue(rows, f"commit without changes: {subject}")
            paths = [p for row in rows for p in row[1:]]
            statuses.update(row[0][0] for row in rows)
            target = re.match(r"(svc-\d{4}|lib-\d{3}): edit ([1-5]) files?(, delete 1)?(, rename 1)?(, add [12])?$",
                              subject)
            if target:
                kind = "service" if target.group(1).startswith("svc") else "lib"
                directory = f"{'services' if kind == 'service' else 'libs'}/{target.group(1)}/"
                self.assertTrue(all(p.startswith(directory) for p in paths), (subject, paths))
                self.assertEqual(sum(row[0] == "M" for row in rows), int(target.group(2)), subject)
            elif subject.startswith(("docs: ", "ci: ")):
                kind = "docs"
                self.assertTrue(all(p.endswith(".md") or p.startswith(".github/workflows/") for p in paths), paths)
            elif subject.startswith("fleet.yaml: "):
                kind = "manifest"
                self.assertIn("fleet.yaml", paths)
            else:
                self.fail(f"unexpected commit subject {subject!r}")
            kinds[kind] += 1
        self.assertEqual(dict(kinds), {"service": 240, "lib": 40, "docs": 100, "manifest": 20})
        self.assertEqual(summary["commit_kinds"], dict(kinds))
        for status in "AMDR":
            self.assertGreater(statuses[status], 0, f"no {status} changes in the history")

    def test_every_manifest_in_history_is_valid(self) -> None:
        repo = self.tmp / "manifests"
        generate(repo, "--services", "6", "--libs", "12", "--files-per-target", "3", "--commits", "400", "--seed", "5")
        revisions = git(repo, "log", "--format=%H %s", "--", "fleet.yaml").splitlines()
        self.assertGreaterEqual(len(revisions), 8)
        seen = set()
        for line in revisions:
            revision, subject = line.split(" ", 1)
            seen.add(re.sub(r"(svc|lib)-\d+", "X", subject).split(" (")[0])
            manifest = load_manifest(git(repo, "show", f"{revision}:fleet.yaml"))
            graph = {n: t.get("deps", []) for n, t in {**manifest["libs"], **manifest["services"]}.items()}
            self.assertIsNone(find_cycle(graph), subject)
            tree = set(git(repo, "ls-tree", "-d", "-r", "--name-only", revision).split())
            for name, target in {**manifest["libs"], **manifest["services"]}.items():
                self.assertIn(target["path"], tree, f"{subject}: {name}")
                self.assertTrue(all(d in graph for d in target.get("deps", [])), subject)
        self.assertTrue({"fleet.yaml: X: add dep X", "fleet.yaml: X: remove dep X", "fleet.yaml: add service X",
                         "fleet.yaml: X: change build command"} <= seen, seen)


@unittest.skipUnless(HAVE_NINJA, "ninja is not installed")
class NinjaTests(TempDirTestCase):
    def ninja(self, repo: Path, *args: str) -> str:
        result = subprocess.run(["ninja", "-C", str(repo / "bench"), *args], capture_output=True, text=True,
                                timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def query_inputs(self, repo: Path, outputs: list[str]) -> dict[str, set[str]]:
        """`ninja -t query` for many outputs at once: output → its explicit and implicit inputs."""
        inputs: dict[str, set[str]] = {}
        current, in_inputs = "", False
        for line in self.ninja(repo, "-t", "query", *outputs).splitlines():
            if line.startswith("ninja:"):
                continue
            if not line.startswith(" "):
                current, in_inputs = line.rstrip(":"), False
                inputs[current] = set()
            elif line.strip().startswith(("input:", "outputs:", "validations:")):
                in_inputs = line.strip().startswith("input:")
            elif in_inputs:
                inputs[current].add(line.strip().removeprefix("| "))
        self.assertEqual(set(inputs), set(outputs))
        return inputs

    def test_default_build_ninja_matches_the_fleet_and_is_a_no_op_the_second_time(self) -> None:
        repo = self.tmp / "fleet"
        generate(repo, *TINY, "--ninja")
        manifest = load_manifest((repo / "fleet.yaml").read_text())
        targets = {**manifest["libs"], **manifest["services"]}
        self.assertIn(f"[{len(targets)}/{len(targets)}]", self.ninja(repo, "-n", "all"))
        queried = self.query_inputs(repo, [f"../{t['path']}/dist/build.out" for t in targets.values()])
        for name, target in targets.items():
            inputs = queried[f"../{target['path']}/dist/build.out"]
            prod = git(repo, "ls-files", "--", f":(glob){target['path']}/**",
                       f":(exclude,glob){target['path']}/tests/**", f":(exclude,glob){target['path']}/docs/**",
                       f":(exclude,glob){target['path']}/**/*.md").split()
            expected = {f"../{p}" for p in prod} | {"../.tool-versions"}
            expected |= {f"../{targets[d]['path']}/dist/build.out" for d in target.get("deps", [])}
            self.assertEqual(inputs, expected, name)
        self.ninja(repo, "-j2", "all")
        self.assertIn("no work to do", self.ninja(repo, "-n", "all"))
        self.assertEqual(git(repo, "status", "--porcelain"), "")
        # A lib change rebuilds exactly the lib and everything that depends on it, directly or not.
        lib = next(n for n in manifest["libs"] if any(n in t.get("deps", []) for t in targets.values()))
        main = next((repo / targets[lib]["path"] / "src").glob("main.*"))
        main.write_text(main.read_text() + "\n")
        dirty = set(re.findall(r"build (\S+)$", self.ninja(repo, "-n", "all"), re.M))
        expected = {lib}
        for name in topological({n: t.get("deps", []) for n, t in targets.items()}):
            if set(targets[name].get("deps", [])) & expected:
                expected.add(name)
        self.assertEqual(dirty, expected)

    def test_chain_profile_has_the_same_dag_in_fleet_yaml_and_build_ninja(self) -> None:
        repo = self.tmp / "chain"
        summary = generate(repo, "--profile", "chain5000", "--targets", "300", "--width", "30")
        manifest = load_manifest((repo / "fleet.yaml").read_text())
        self.assertEqual(check_manifest(manifest, repo), [])
        libs = manifest["libs"]
        self.assertEqual(len(libs), 300)
        self.assertEqual(summary["libs"], 300)
        self.assertEqual(manifest["defaults"]["actions"], {"build": {"run": "true", "needs": ["^build"],
                                                                     "cache": False}})
        layer = {name: int(name[2:]) // 30 for name in libs}
        queried = self.query_inputs(repo, [f"stamps/{name}.stamp" for name in libs])
        for name, target in libs.items():
            self.assertNotIn("actions", target)
            self.assertTrue(all(layer[d] < layer[name] for d in target.get("deps", [])), name)
            if layer[name] > 0:
                self.assertTrue(any(layer[d] == layer[name] - 1 for d in target["deps"]), name)
            expected = {f"stamps/{d}.stamp" for d in target.get("deps", [])}
            expected |= {f"../{target['path']}/node.txt", "../.tool-versions"}
            self.assertEqual(queried[f"stamps/{name}.stamp"], expected, name)
        output = self.ninja(repo, "-j2")
        self.assertIn("[300/300]", output)
        self.assertEqual(len(list((repo / "bench" / "stamps").glob("*.stamp"))), 300)
        self.assertIn("no work to do", self.ninja(repo, "-n"))


class BigOutputsTests(TempDirTestCase):
    def test_builds_write_exactly_the_requested_bytes_deterministically(self) -> None:
        repo = self.tmp / "big"
        summary = generate(repo, "--profile", "big-outputs", "--services", "2", "--output-bytes", "2M",
                           "--output-files", "6")
        manifest = load_manifest((repo / "fleet.yaml").read_text())
        self.assertEqual(check_manifest(manifest, repo), [])
        self.assertEqual(summary["output_bytes"], 2 * 2**20)
        build = manifest["defaults"]["actions"]["build"]
        self.assertEqual(build["outputs"], ["dist/**"])
        self.assertIn("//tools/gen_outputs.py", build["inputs"])
        self.assertEqual(git(repo, "ls-files", "-s", "tools/gen_outputs.py").split()[0], "100755")

        def build_all() -> dict[str, str]:
            digests = {}
            for target in manifest["services"].values():
                directory = repo / target["path"]
                shutil.rmtree(directory / "dist", ignore_errors=True)
                result = sh(build["run"], directory)
                self.assertEqual(result.returncode, 0, result.stderr)
                for path in sorted((directory / "dist").iterdir()):
                    digests[str(path.relative_to(repo))] = hashlib.sha256(path.read_bytes()).hexdigest()
            return digests

        first = build_all()
        self.assertEqual(len(first), 6)
        blobs = b"".join((repo / p).read_bytes() for p in sorted(first))
        self.assertEqual(len(blobs), 2 * 2**20)
        self.assertGreater(len(zlib.compress(blobs, 1)) / len(blobs), 0.6, "outputs are mostly incompressible")
        self.assertEqual(build_all(), first)
        self.assertEqual(git(repo, "status", "--porcelain"), "")


class CommandLineTests(TempDirTestCase):
    def test_refuses_a_non_empty_directory_unless_forced(self) -> None:
        out = self.tmp / "out"
        out.mkdir()
        (out / "keep.txt").write_text("precious\n")
        result = run_synth(out, *TINY, expect=1)
        self.assertIn("not empty", result.stderr)
        self.assertEqual((out / "keep.txt").read_text(), "precious\n")
        self.assertFalse((out / ".git").exists())
        summary = generate(out, *TINY, "--force")
        self.assertFalse((out / "keep.txt").exists())
        self.assertEqual(summary["head"], git(out, "rev-parse", "HEAD").strip())

    def test_rejects_options_that_do_not_apply_and_bad_values(self) -> None:
        result = run_synth(self.tmp / "never", "--profile", "chain5000", "--libs", "3", expect=2)
        self.assertIn("--libs does not apply to --profile chain5000", result.stderr)
        self.assertFalse((self.tmp / "never").exists())
        for args in (["--output-bytes", "1G"], ["--profile", "big-outputs", "--output-bytes", "lots"],
                     ["--services", "-1"], ["--profile", "big-outputs", "--ninja"], ["--files-per-target", "0"],
                     ["--profile", "big-outputs", "--services", "5", "--output-files", "4"]):
            with self.subTest(args=args), contextlib.redirect_stderr(io.StringIO()) as stderr:
                with self.assertRaises(SystemExit) as exit:
                    synth.parse_args([str(self.tmp / "never"), *args])
                self.assertEqual(exit.exception.code, 2)
                self.assertIn("error:", stderr.getvalue())


class HelperTests(unittest.TestCase):
    def test_parse_bytes(self) -> None:
        self.assertEqual(synth.parse_bytes("1G"), 2**30)
        self.assertEqual(synth.parse_bytes("512M"), 512 * 2**20)
        self.assertEqual(synth.parse_bytes("1.5KiB"), 1536)
        self.assertEqual(synth.parse_bytes("4096"), 4096)
        for bad in ("", "G", "-1", "1X", "0"):
            with self.assertRaises(Exception, msg=bad):
                synth.parse_bytes(bad)

    def test_quota_is_exact_and_proportional(self) -> None:
        for total in (0, 1, 7, 20, 100, 1001):
            labels = synth.quota(synth.COMMIT_MIX, total)
            self.assertEqual(len(labels), total)
            for name, share in synth.COMMIT_MIX:
                self.assertLessEqual(abs(labels.count(name) - share * total), 1)

    def test_scalars_read_back_as_written(self) -> None:
        values = ["svc-0001", "yes", "No", "null", "5m", "**", "!tests/**", "^build", "a: b", "x # y", "it's",
                  'say "hi"', "1.5", "~", "libs/lib-000", "", "tab\there", "ünï"]
        for value in values:
            with self.subTest(value=value):
                text = f"k: {synth.scalar(value)}\nl: {synth.flow([value, value])}\n"
                self.assertEqual(read_subset(text), {"k": value, "l": [value, value]})
                if yaml is not None:
                    self.assertEqual(yaml.safe_load(text), {"k": value, "l": [value, value]})

    def test_prod_matcher_agrees_with_the_prod_set(self) -> None:
        self.assertEqual(synth.PROD_SET, ["**", "!tests/**", "!docs/**", "!**/*.md"])
        for path, expected in (("src/a.go", True), ("README.md", False), ("src/x/notes.md", False),
                               ("tests/a_test.go", False), ("docs/a.txt", False), ("Dockerfile", True),
                               ("testsuite/a.go", True), ("config/app.yaml", True)):
            self.assertEqual(synth.in_prod(path), expected, path)


if __name__ == "__main__":
    unittest.main()
