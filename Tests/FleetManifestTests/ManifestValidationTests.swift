import FleetBasics
import FleetManifest
import Testing

/// One test per validation rule of SCHEMA.md: the message and its line:col.
@Suite struct ManifestValidationTests {
    @Test func malformedYAML() throws {
        let lines = try errors("version: 1\nlibs:\n  a: {path: a\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("fleet.yaml:4:1: error: did not find expected ',' or '}'") == true)
        let full = try fullDiagnostics("version: 1\nname: a: b\n")
        #expect(full.first?.hasPrefix("fleet.yaml:2:8: error: mapping values are not allowed in this context") == true)
    }

    @Test func tabs() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n\ta: {path: a}\n")
        #expect(full.count == 1)
        #expect(full.first?.hasPrefix("fleet.yaml:3:1: error: ") == true)
        #expect(full.first?.contains("hint: YAML does not allow tabs for indentation; use spaces") == true)
    }

    @Test func multipleDocuments() throws {
        #expect(try errors("version: 1\n---\nversion: 1\n") == [
            "fleet.yaml:2:1: error: the manifest must be a single YAML document, found 2",
        ])
    }

    @Test func nonMappingTopLevel() throws {
        #expect(try errors("- version: 1\n") == [
            "fleet.yaml:1:1: error: the top level of the manifest must be a mapping, found a list",
        ])
        #expect(try errors("just text\n") == [
            "fleet.yaml:1:1: error: the top level of the manifest must be a mapping, found a string",
        ])
    }

    @Test(arguments: ["", "# nothing but a comment\n", "---\n", "\n\n"])
    func emptyFile(text: String) throws {
        let lines = try errors(text)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("fleet.yaml:1:1: error: the manifest is empty") == true)
    }

    @Test func unknownKeys() throws {
        let yaml = """
            version: 1
            servies: {}
            defaults: {src: []}
            libs:
              a:
                path: a
                dep: []
                image: {}
                actions:
                  build: {rn: x}
            services:
              s: {path: a, image: {nam: s}}

            """
        let full = try fullDiagnostics(yaml, directories: ["a"])
        let lines = full.map { String($0.split(separator: "\n").first ?? "") }
        #expect(lines == [
            "fleet.yaml:2:1: error: unknown key 'servies' in the top level",
            "fleet.yaml:3:12: error: unknown key 'src' in defaults",
            "fleet.yaml:7:5: error: unknown key 'dep' in lib 'a'",
            "fleet.yaml:8:5: error: 'image' is only allowed on services",
            "fleet.yaml:10:15: error: unknown key 'rn' in action 'build'",
            "fleet.yaml:12:24: error: unknown key 'nam' in image",
        ])
        #expect(full[0].contains("hint: did you mean 'services'?"))
        #expect(full[0].contains("hint: allowed keys: version, name, root, registry, globals, inputs, defaults, libs, "
                                 + "services"))
        #expect(full[2].contains("did you mean 'deps'?"))
        #expect(full[4].contains("did you mean 'run'?"))
        #expect(full[5].contains("did you mean 'name'?"))
    }

    @Test func duplicateKeysReportBothLocations() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  a: {path: a}\n  a: {path: a}\nversion: 1\n",
                                       directories: ["a"])
        #expect(full == [
            "fleet.yaml:4:3: error: duplicate key 'a'\n  fleet.yaml:3:3: note: 'a' is first set here",
            "fleet.yaml:5:1: error: duplicate key 'version'\n  fleet.yaml:1:1: note: 'version' is first set here",
        ])
    }

    @Test func wrongTypes() throws {
        let yaml = """
            version: 1
            globals: "**"
            libs:
              a:
                path: [a]
                srcs: {x: 1}
                deps: [[b]]
                actions:
                  build: {run: x, cache: "yes", needs: build}
                  test: echo hi

            """
        let full = try fullDiagnostics(yaml, directories: ["a"])
        let lines = full.map { String($0.split(separator: "\n").first ?? "") }
        #expect(lines == [
            "fleet.yaml:2:10: error: 'globals': expected a list of strings, found a string",
            "fleet.yaml:5:11: error: 'path': expected a string, found a list",
            "fleet.yaml:6:11: error: 'srcs': expected a list of strings, found a mapping",
            "fleet.yaml:7:12: error: 'deps': expected a string in the list, found a list",
            "fleet.yaml:9:30: error: 'cache': expected true or false, found a string",
            "fleet.yaml:9:44: error: 'needs': expected a list of strings, found a string",
            "fleet.yaml:10:13: error: 'test': expected a mapping (or null to remove an inherited action), found a "
                + "string",
        ])
        #expect(full[0].contains("hint: write a list: globals: [\"**\"]"))
        #expect(full[5].contains("hint: write a list: needs: [build]"))
        #expect(full[6].contains("hint: write 'test: {run: echo hi}'"))
    }

    @Test func yaml11BooleansGetAHint() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  a: {path: a, actions: {b: {run: x, cache: no}}}\n",
                                       directories: ["a"])
        #expect(full == [
            "fleet.yaml:3:45: error: 'cache': expected true or false, found 'no'\n"
                + "  hint: YAML 1.2 reads 'no' as a string; write true or false",
        ])
    }

    @Test func versions() throws {
        #expect(try errors("version: 2\nlibs: {a: {}}\n") == ["fleet.yaml:1:10: error: unsupported manifest version 2"])
        #expect(try errors("version: 1.1\n") == ["fleet.yaml:1:10: error: unsupported manifest version 1.1"])
        #expect(try errors("version: \"1\"\n") == [
            "fleet.yaml:1:10: error: 'version': expected the integer 1, found a string",
        ])
        #expect(try errors("name: x\n") == [
            "fleet.yaml:1:1: error: the manifest is missing the required key 'version'",
        ])
    }

    @Test func badTargetNames() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  Common: {path: a}\n  -x: {path: a}\n  "
                                       + String(repeating: "a", count: 64) + ": {path: a}\n", directories: ["a"])
        #expect(full.count == 3)
        #expect(full[0].hasPrefix(
            "fleet.yaml:3:3: error: invalid target name 'Common'\n  hint: did you mean 'common'?"))
        #expect(full[1].hasPrefix("fleet.yaml:4:3: error: invalid target name '-x'"))
        #expect(full[2].hasPrefix("fleet.yaml:5:3: error: invalid target name 'aaaa"))
        #expect(full[2].contains("at most 63 characters"))
    }

    @Test func libAndServiceNameClash() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  api: {path: a}\nservices:\n  api: {path: a}\n",
                                       directories: ["a"])
        #expect(full.count == 1)
        #expect(full[0].hasPrefix("fleet.yaml:5:3: error: 'api' is both a lib and a service\n"
                                  + "  fleet.yaml:3:3: note: the lib 'api' is defined here"))
    }

    @Test func unknownDependency() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  common: {path: a}\n  b: {path: a, deps: [comon, zzz]}\n",
                                       directories: ["a"])
        #expect(full == [
            "fleet.yaml:4:23: error: target 'b' depends on unknown target 'comon'\n  hint: did you mean 'common'?",
            "fleet.yaml:4:30: error: target 'b' depends on unknown target 'zzz'",
        ])
    }

    @Test func selfAndDuplicateDependencies() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  c: {path: a}\n  b: {path: a, deps: [b, c, c]}\n",
                                       directories: ["a"])
        let lines = full.map { String($0.split(separator: "\n").first ?? "") }
        #expect(lines == [
            "fleet.yaml:4:23: error: target 'b' depends on itself",
            "fleet.yaml:4:29: error: duplicate dependency 'c'",
        ])
        #expect(full[1].contains("fleet.yaml:4:26: note: 'c' is first listed here"))
    }

    @Test func dependencyCycle() throws {
        let yaml = """
            version: 1
            libs:
              a: {path: x, deps: [b]}
              b: {path: x, deps: [c]}
              c: {path: x, deps: [a]}
              d: {path: x, deps: [d2]}
              d2: {path: x, deps: [d]}

            """
        let full = try fullDiagnostics(yaml, directories: ["x"])
        #expect(full.count == 2)
        #expect(full[0] == """
            fleet.yaml:3:23: error: dependency cycle: a → b → c → a
              fleet.yaml:3:23: note: 'a' depends on 'b'
              fleet.yaml:4:23: note: 'b' depends on 'c'
              fleet.yaml:5:23: note: 'c' depends on 'a'
              hint: a target cannot depend on itself, directly or through other targets; remove one of these deps
            """)
        #expect(full[1].hasPrefix("fleet.yaml:6:23: error: dependency cycle: d → d2 → d\n"))
    }

    @Test func unknownNamedInputSet() throws {
        let yaml = """
            version: 1
            inputs:
              prod: ["**"]
            libs:
              a: {path: a, srcs: [prdo, Makefile]}

            """
        let full = try fullDiagnostics(yaml, directories: ["a"])
        #expect(full == [
            "fleet.yaml:5:23: error: unknown named input set 'prdo'\n"
                + "  hint: did you mean 'prod'? (to match a file called 'prdo', write './prdo')",
        ])
    }

    @Test func inputSetProblems() throws {
        let yaml = """
            version: 1
            inputs:
              a: [b]
              b: [a, "!srcs"]
              srcs: ["x"]
            globals: [srcs, "!a"]

            """
        let lines = try errors(yaml)
        #expect(lines == [
            "fleet.yaml:4:7: error: named input sets include each other: a → b → a",
            "fleet.yaml:5:3: error: invalid input set name 'srcs'",
            "fleet.yaml:6:11: error: 'srcs' can only be used in an action's inputs",
            "fleet.yaml:6:17: error: the named input set 'a' cannot be negated with '!'",
        ])
    }

    @Test func needsNamingAMissingOwnAction() throws {
        let yaml = """
            version: 1
            defaults:
              actions:
                build: {run: b}
                test: {run: t, needs: [build]}
            libs:
              a: {path: x, actions: {build: null}}
              b: {path: x, actions: {lint: {run: l, needs: [tset]}}}

            """
        let full = try fullDiagnostics(yaml, directories: ["x"])
        #expect(full == [
            "fleet.yaml:5:28: error: action 'test' needs 'build', which target 'a' does not define\n"
                + "  fleet.yaml:7:26: note: 'build' is removed here\n"
                + "  hint: write '^build' to need 'build' of the target's dependencies",
            "fleet.yaml:8:49: error: action 'lint' needs 'tset', which target 'b' does not define\n"
                + "  hint: did you mean 'test'?",
        ])
    }

    @Test func inheritedNeedFailingForManyTargetsIsReportedOnce() throws {
        let yaml = """
            version: 1
            defaults:
              actions:
                test: {run: t, needs: [biuld]}
            libs:
              a: {path: x}
              b: {path: x}
              c: {path: x}
              d: {path: x}

            """
        #expect(try errors(yaml, directories: ["x"]) == [
            "fleet.yaml:4:28: error: action 'test' needs 'biuld', which targets 'a', 'b', 'c' and 1 more do not define",
        ])
    }

    @Test func caretNeedWithNoDefiningTarget() throws {
        let yaml = """
            version: 1
            libs:
              a: {path: x, actions: {build: {run: b, needs: ["^biuld", "^", "^test"]}}}

            """
        let full = try fullDiagnostics(yaml, directories: ["x"])
        let lines = full.map { String($0.split(separator: "\n").first ?? "") }
        #expect(lines == [
            "fleet.yaml:3:50: error: '^biuld' needs action 'biuld' of the dependencies, but no target defines 'biuld'",
            "fleet.yaml:3:60: error: invalid need '^'",
            "fleet.yaml:3:65: error: '^test' needs action 'test' of the dependencies, but no target defines 'test'",
        ])
        #expect(full[0].contains("hint: did you mean '^build'?"))
    }

    @Test func actionCycles() throws {
        let yaml = """
            version: 1
            libs:
              a:
                path: x
                actions:
                  build: {run: b, needs: [test]}
                  test: {run: t, needs: [build]}
                  self: {needs: [self]}

            """
        let full = try fullDiagnostics(yaml, directories: ["x"])
        #expect(full.count == 2)
        #expect(full[0] == """
            fleet.yaml:6:31: error: action cycle in target 'a': build → test → build
              fleet.yaml:6:31: note: 'build' needs 'test'
              fleet.yaml:7:30: note: 'test' needs 'build'
              hint: remove one of these needs
            """)
        #expect(full[1].hasPrefix("fleet.yaml:8:22: error: action cycle in target 'a': self → self"))
    }

    @Test func pathsOutsideRoot() throws {
        let yaml = """
            version: 1
            libs:
              a: {path: ../up}
              b: {path: /abs}
              c: {path: "x/../../y"}

            """
        let lines = try errors(yaml)
        #expect(lines == [
            "fleet.yaml:3:13: error: path '../up' is outside the root",
            "fleet.yaml:4:13: error: 'path' must be a relative path, found '/abs'",
            "fleet.yaml:5:13: error: path 'x/../../y' is outside the root",
        ])
        #expect(try errors("version: 1\nroot: ..\n") == [
            "fleet.yaml:2:7: error: root '..' is outside the directory of the manifest",
        ])
    }

    @Test func missingPathsOnDisk() throws {
        let yaml = """
            version: 1
            root: shop
            libs:
              a: {path: services/paymnets}
              c: {path: "."}

            """
        let full = try fullDiagnostics(yaml, directories: ["shop/services/payments"])
        #expect(full.count == 1)
        #expect(full[0] == "fleet.yaml:4:13: error: path 'services/paymnets' does not exist in root 'shop'\n"
                    + "  hint: did you mean 'services/payments'?")
        #expect(try errors("version: 1\nroot: nowhere\n") == [
            "fleet.yaml:2:7: error: root directory 'nowhere' does not exist",
        ])
    }

    @Test func pathThatIsAFile() throws {
        let fixture = try ManifestFixture("version: 1\nlibs:\n  a: {path: file.txt}\n")
        defer { fixture.remove() }
        try fixture.directory.write("file.txt", "x")
        #expect(fixture.errorLines() == ["fleet.yaml:3:13: error: path 'file.txt' is not a directory"])
    }

    @Test func badGlobs() throws {
        let yaml = """
            version: 1
            libs:
              a: {path: x, srcs: ["src/[abc", "a**", "", "/etc/x", "**/../y", "."]}

            """
        let lines = try errors(yaml, directories: ["x"])
        #expect(lines == [
            "fleet.yaml:3:23: error: invalid pattern 'src/[abc': unclosed '[' character class; escape it as '\\[' to "
                + "match it",
            "fleet.yaml:3:35: error: invalid pattern 'a**': '**' must be a whole path segment, as in 'src/**/*.py'; "
                + "use '*' inside a segment",
            "fleet.yaml:3:42: error: invalid pattern '': empty pattern",
            "fleet.yaml:3:46: error: invalid pattern '/etc/x': absolute paths are not allowed; start with '//' for "
                + "the root",
            "fleet.yaml:3:56: error: invalid pattern '**/../y': '..' may only come before any wildcard",
            "fleet.yaml:3:67: error: pattern '.' names a directory, not files",
        ])
        #expect(try errors("version: 1\nlibs:\n  a: {path: x, srcs: [\"../../y/**\"]}\n", directories: ["x"]) == [
            "fleet.yaml:3:23: error: pattern '../../y/**' reaches outside the root",
        ])
    }

    @Test func badEnvNames() throws {
        let yaml = """
            version: 1
            defaults: {env: [OK_1, 1BAD]}
            libs:
              a: {path: x, actions: {b: {run: x, env: [with-dash, _fine]}}}

            """
        #expect(try errors(yaml, directories: ["x"]) == [
            "fleet.yaml:2:24: error: invalid environment variable name '1BAD'",
            "fleet.yaml:4:44: error: invalid environment variable name 'with-dash'",
        ])
    }

    @Test func badTimeouts() throws {
        let yaml = """
            version: 1
            libs:
              a:
                path: x
                actions:
                  a: {run: x, timeout: 0}
                  b: {run: x, timeout: 10 minutes}
                  c: {run: x, timeout: 1.5}
                  d: {run: x, timeout: -3}
                  e: {run: x, timeout: [1]}
                  ok1: {run: x, timeout: 1h30m}
                  ok2: {run: x, timeout: "45"}

            """
        let lines = try errors(yaml, directories: ["x"])
        #expect(lines == [
            "fleet.yaml:6:28: error: invalid timeout '0'",
            "fleet.yaml:7:28: error: invalid timeout '10 minutes'",
            "fleet.yaml:8:28: error: invalid timeout '1.5'",
            "fleet.yaml:9:28: error: invalid timeout '-3'",
            "fleet.yaml:10:28: error: 'timeout': expected a number of seconds or a duration such as 10m, found a list",
        ])
    }

    @Test func imageOnALib() throws {
        let full = try fullDiagnostics("version: 1\nlibs:\n  common:\n    path: x\n    image: {name: c}\n",
                                       directories: ["x"])
        #expect(full.count == 1)
        #expect(full[0].hasPrefix("fleet.yaml:5:5: error: 'image' is only allowed on services\n"))
    }

    @Test func missingPath() throws {
        #expect(try errors("version: 1\nservices:\n  api: {description: x}\n  web:\n") == [
            "fleet.yaml:3:3: error: service 'api' is missing the required key 'path'",
            "fleet.yaml:4:3: error: service 'web' is missing the required key 'path'",
        ])
    }

    @Test func emptyRunAndNames() throws {
        let lines = try errors("version: 1\nname: ''\nlibs:\n  a: {path: x, actions: {Build: {run: '  '}}}\n",
                               directories: ["x"])
        #expect(lines == [
            "fleet.yaml:2:7: error: 'name' must not be empty",
            "fleet.yaml:4:26: error: invalid action name 'Build'",
            "fleet.yaml:4:39: error: 'run' must not be empty",
        ])
    }

    @Test func aliasBombIsAManifestError() throws {
        var text = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        let lines = try errors(text)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("error: expanding aliases would create more than 1000000 nodes") == true)
    }

    @Test func everyProblemIsReportedInOnePassSortedByLocation() throws {
        let yaml = """
            version: 1
            registry: ghcr.io/acme
            libz: {}
            libs:
              common: {path: libs/common, env: [bad-name]}
              core: {path: libs/missing, deps: [comon]}
            services:
              api:
                path: services/api
                deps: [core, api]
                image: {name: api, tag: x}
                actions:
                  build: {run: make, timeout: soon, needs: [lint]}
            gitops: {}

            """
        let lines = try errors(yaml, directories: ["libs/common", "services/api"])
        #expect(lines == [
            "fleet.yaml:3:1: error: unknown key 'libz' in the top level",
            "fleet.yaml:5:37: error: invalid environment variable name 'bad-name'",
            "fleet.yaml:6:16: error: path 'libs/missing' does not exist",
            "fleet.yaml:6:37: error: target 'core' depends on unknown target 'comon'",
            "fleet.yaml:10:18: error: target 'api' depends on itself",
            "fleet.yaml:11:24: error: unknown key 'tag' in image",
            "fleet.yaml:13:35: error: invalid timeout 'soon'",
            "fleet.yaml:13:49: error: action 'build' needs 'lint', which target 'api' does not define",
            "fleet.yaml:14:1: error: gitops is missing the required key 'dir'",
            "fleet.yaml:14:1: error: gitops is missing the required key 'environments'",
            "fleet.yaml:14:1: error: 'gitops.files' must list at least one file",
        ])
    }
}
