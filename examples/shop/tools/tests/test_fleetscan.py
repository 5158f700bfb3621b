"""Tests of the scan: fleetscan must find what it claims to find, and scan.sh must fail when it does."""
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent
# Secrets are assembled at run time so that this file itself holds none (and scans clean).
AWS_KEY_ID = "AKIA" + "Z7QX3MPL4KVN2RTW"
PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----\n"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


class ScanTestCase(unittest.TestCase):
    def setUp(self):
        self.directory = Path(tempfile.mkdtemp(prefix="fleetscan-"))
        self.addCleanup(shutil.rmtree, self.directory)

    def write(self, name, content):
        path = self.directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    def scan(self, *arguments, tool="fleetscan.py", runner=sys.executable):
        result = subprocess.run([runner, str(TOOLS / tool), *arguments], cwd=self.directory,
                                capture_output=True, text=True, timeout=120)
        return result.returncode, result.stdout.splitlines()


class FleetscanTests(ScanTestCase):
    def test_clean_sources_pass(self):
        self.write("app.py", "import json\n\n\ndef main():\n    return json.dumps({'ok': True})\n")
        self.write("run.sh", "#!/bin/sh\necho ok\n")
        self.write("data.json", '{"a": [1, 2]}\n')
        self.assertEqual(self.scan("."), (0, []))

    def test_finds_each_rule_with_its_position(self):
        self.write("settings.py", f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"\nresult = eval("1 + 1")\n')
        self.write("deploy/id_rsa", PRIVATE_KEY)
        self.write("ci.sh", f"#!/bin/sh\nexport TOKEN={GITHUB_TOKEN}\n\techo indented with a tab\n")
        self.write("run.py", "import subprocess\nsubprocess.run('ls', shell=True)\nexec('x = 1')\n")
        self.write("broken.py", "def f(:\n    pass\n")
        self.write("copy.c", "#include <string.h>\nvoid f(char *d, const char *s) { strcpy(d, s); }\n")
        self.write("bad.json", '{"a": 1,}\n')
        self.write("aws.env", "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" + "\n")
        status, lines = self.scan(".")
        self.assertEqual(status, 1)
        self.assertEqual([line.split(": ", 2)[:2] for line in lines], [
            ["aws.env:1:1", "aws-secret-access-key"],
            ["bad.json:1:9", "json-syntax"],
            ["broken.py:1:7", "python-syntax"],
            ["ci.sh:2:14", "github-token"],
            ["ci.sh:3:1", "tab"],
            ["copy.c:2:34", "c-unsafe-call"],
            ["deploy/id_rsa:1:1", "private-key"],
            ["run.py:2:28", "python-shell-true"],
            ["run.py:3:1", "python-eval"],
            ["settings.py:1:22", "aws-access-key-id"],
            ["settings.py:2:10", "python-eval"],
        ])

    def test_skips_build_outputs_but_scans_artefacts_when_asked(self):
        self.write("dist/app.pyz", b"")
        with zipfile.ZipFile(self.directory / "dist" / "app.pyz", "w") as archive:
            archive.writestr("app/config.py", f'KEY = "{AWS_KEY_ID}"\n')
        self.write("dist/bin/tool", b"\x7fELF\0\0" + GITHUB_TOKEN.encode() + b"\0")
        self.write("__pycache__/x.py", "eval('1')\n")
        self.write("src/ok.py", "x = 1\n")
        self.assertEqual(self.scan("src"), (0, []))
        status, lines = self.scan("src", "--dist", "dist")
        self.assertEqual(status, 1)
        self.assertEqual([line.split(": ", 2)[:2] for line in lines], [
            ["dist/app.pyz!app/config.py:1:8", "aws-access-key-id"],
            ["dist/bin/tool:1:7", "github-token"],
        ])

    def test_suppression_names_the_rule(self):
        self.write("a.py", "x = eval('1')  # fleetscan: ignore[python-eval]\ny = eval('2')  # fleetscan: ignore[tab]\n")
        status, lines = self.scan(".")
        self.assertEqual((status, [line.split(": ")[0] for line in lines]), (1, ["a.py:2:5"]))

    def test_lists_shell_scripts_by_extension_and_shebang(self):
        self.write("build.sh", "echo\n")
        self.write("bin/service", "#!/usr/bin/env bash\necho\n")
        self.write("bin/tool.py", "#!/usr/bin/env python3\n")
        self.write("dist/skip.sh", "echo\n")
        self.assertEqual(self.scan("--list-shell", "."), (0, ["bin/service", "build.sh"]))

    def test_usage_errors(self):
        self.assertEqual(self.scan("missing")[0], 2)
        self.assertEqual(self.scan(".", "--dist", "nowhere")[0], 2)


class ScanScriptTests(ScanTestCase):
    def test_fails_on_a_shellcheck_finding(self):
        self.write("dist/manifest.json", "{}\n")
        self.write("deploy.sh", "#!/bin/sh\nrm -rf $1/\n")  # SC2086: unquoted
        status, lines = self.scan(tool="scan.sh", runner="sh")
        self.assertNotEqual(status, 0)
        self.assertTrue(any("SC2086" in line for line in lines), lines)

    def test_fails_on_a_fleetscan_finding_and_passes_when_clean(self):
        self.write("dist/manifest.json", "{}\n")
        self.write("deploy.sh", '#!/bin/sh\nrm -rf "${1:?}/"\n')
        self.write("src/app.py", "x = 1\n")
        self.assertEqual(self.scan(tool="scan.sh", runner="sh")[0], 0)
        self.write("src/app.py", f'x = "{AWS_KEY_ID}"\n')
        self.assertEqual(self.scan(tool="scan.sh", runner="sh"), (1, [
            "src/app.py:1:6: aws-access-key-id: an AWS access key id: remove it and rotate it; "
            "secrets come from the environment"]))


if __name__ == "__main__":
    unittest.main()
