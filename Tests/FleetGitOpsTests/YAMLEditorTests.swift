import FleetGitOps
import FleetManifest
import Foundation
import Testing

/// Applies `PATH=VALUE` edits to `text` and returns the new text.
func edited(_ text: String, _ assignments: [String], document: DocumentSelector? = nil, create: Bool = true)
    throws -> String
{
    let edits = try assignments.map { assignment -> YAMLEdit in
        let (path, value) = try #require(YAMLPath.splitAssignment(assignment))
        return YAMLEdit(try YAMLPath(parsing: path), value)
    }
    let result = try YAMLEditor.apply(edits, to: Array(text.utf8), name: "test.yaml", document: document,
                                      allowCreate: create)
    return String(decoding: result.bytes, as: UTF8.self)
}

/// The error that refuses the edits.
func refusal(_ text: String, _ assignments: [String], document: DocumentSelector? = nil, create: Bool = true)
    throws -> YAMLEditError
{
    try #require(throws: YAMLEditError.self) { _ = try edited(text, assignments, document: document, create: create) }
}

@Suite struct YAMLEditorTests {
    @Test func keepsQuotingCommentsAndEverythingElse() throws {
        let text = """
            # header
            image:
              repository: ghcr.io/acme/api  # repo
              tag: "sha-old"  # bumped by CI
              digest: 'sha256:aaa'

            other: [1, 2]

            """
        let result = try edited(text, ["image.tag=sha-new", "image.digest=sha256:bbb"])
        #expect(result == text.replacingOccurrences(of: "\"sha-old\"", with: "\"sha-new\"")
            .replacingOccurrences(of: "'sha256:aaa'", with: "'sha256:bbb'"))
    }

    @Test func plainBecomesQuotedOnlyWhenTheValueNeedsIt() throws {
        #expect(try edited("tag: v1\n", ["tag=1.20"]) == "tag: \"1.20\"\n")
        #expect(try edited("tag: v1\n", ["tag=v2"]) == "tag: v2\n")
        #expect(try edited("tag: v1\n", ["tag=on"]) == "tag: \"on\"\n")
        #expect(try edited("tag: v1\n", ["tag=0755"]) == "tag: \"0755\"\n")
        #expect(try edited("tag: 1.19\n", ["tag=1.20"]) == "tag: \"1.20\"\n")
        #expect(try edited("tag: '1.0'\n", ["tag=it's"]) == "tag: 'it''s'\n")
        #expect(try edited("tag: \"x\"\n", ["tag=a\"b\\c\n"]) == "tag: \"a\\\"b\\\\c\\n\"\n")
        #expect(try edited("tag: !!str 1.19\n", ["tag=1.20"]) == "tag: !!str \"1.20\"\n")
    }

    @Test func unchangedValuesAreNotTouched() throws {
        let text = "tag: 'v1'\n"
        let result = try YAMLEditor.apply([YAMLEdit(try YAMLPath(parsing: "tag"), "v1")], to: Array(text.utf8),
                                          name: "t.yaml")
        #expect(result.changes.isEmpty)
        #expect(result.bytes == Array(text.utf8))
    }

    @Test func emptyValues() throws {
        #expect(try edited("tag:\nx: 1\n", ["tag=v2"]) == "tag: v2\nx: 1\n")
        #expect(try edited("tag: \"\"\n", ["tag=v2"]) == "tag: \"v2\"\n")
        #expect(try edited("tag:   # set by CI\n", ["tag=v2"]) == "tag: v2   # set by CI\n")
        #expect(try edited("a: {tag: , b: 1}\n", ["a.tag=v2"]) == "a: {tag: v2, b: 1}\n")
        #expect(try edited("tag: ~\n", ["tag=v2"]) == "tag: v2\n")
    }

    @Test func crlfAndInsertion() throws {
        let text = "image:\r\n  repository: x\r\n  tag: old\r\nother: 1\r\n"
        #expect(try edited(text, ["image.tag=new"]) == "image:\r\n  repository: x\r\n  tag: new\r\nother: 1\r\n")
        #expect(try edited(text, ["image.digest=sha256:1"])
            == "image:\r\n  repository: x\r\n  tag: old\r\n  digest: sha256:1\r\nother: 1\r\n")
    }

    @Test func createsNestedKeysWithSiblingIndentation() throws {
        let text = "a:\n    b: 1\nc: 2\n"
        #expect(try edited(text, ["image.tag=v1"]) == "a:\n    b: 1\nc: 2\nimage:\n    tag: v1\n")
        #expect(try edited("a: 1", ["b=2"]) == "a: 1\nb: \"2\"")
        #expect(try edited("m: {a: 1}\n", ["m.b.c=x"]) == "m: {a: 1, b: {c: x}}\n")
        #expect(try edited("m: {}\n", ["m.b=x"]) == "m: {b: x}\n")
        #expect(try edited("image:\nx: 1\n", ["image.tag=v"]) == "image:\n  tag: v\nx: 1\n")
        #expect(try edited("image: # later\nx: 1\n", ["image.tag=v", "image.digest=d"])
            == "image: # later\n  tag: v\n  digest: d\nx: 1\n")
        let error = try refusal("a: 1\n", ["b=2"], create: false)
        #expect("\(error)".contains("--no-create"))
    }

    @Test func listsAndSelectors() throws {
        let text = """
            images:
              - name: api
                newTag: v1
              - name: web
                newTag: v1 # web

            """
        #expect(try edited(text, ["images[name=web].newTag=v2"]).contains("newTag: v2 # web"))
        #expect(try edited(text, ["images[0].newTag=v3"]).hasPrefix("images:\n  - name: api\n    newTag: v3\n"))
        #expect(try edited(text, ["images[1].newName=ghcr.io/x"])
            .contains("    newTag: v1 # web\n    newName: ghcr.io/x\n"))
        #expect("\(try refusal(text, ["images[name=nope].newTag=v2"]))".contains("name=api"))
        #expect("\(try refusal(text, ["images[5].newTag=v2"]))".contains("out of range"))
        #expect("\(try refusal(text, ["images=v2"]))".contains("a list"))
        #expect("\(try refusal(text, ["images[2].x=v2"]))".contains("out of range"))
    }

    @Test func refusesAnchorsAliasesAndBlockScalars() throws {
        let text = "base: &b {tag: v1}\nsvc: *b\nlit: |\n  x\nanch: &a v\nm:\n  <<: *b\n  own: 1\n"
        #expect("\(try refusal(text, ["svc.tag=v2"]))".contains("alias"))
        #expect("\(try refusal(text, ["base.tag=v2"]))".contains("anchor"))
        #expect("\(try refusal(text, ["lit=v2"]))".contains("block scalar"))
        #expect("\(try refusal(text, ["anch=v2"]))".contains("anchor"))
        #expect("\(try refusal(text, ["m.tag=v2"]))".contains("merge"))
        #expect(try edited(text, ["m.own=2"]).contains("  own: \"2\"\n"))
    }

    @Test func multiDocument() throws {
        let text = "---\nkind: Service\nmetadata: {name: web}\n---\nkind: Deployment\nmetadata:\n  name: web\n"
            + "spec:\n  image: a\n"
        #expect(try edited(text, ["spec.image=b"]).hasSuffix("  image: b\n"))
        #expect("\(try refusal(text, ["metadata.name=x"]))".contains("2 documents"))
        let conditions = try DocumentCondition.parseList("kind=Deployment")
        #expect(try edited(text, ["metadata.name=x"], document: .matching(conditions)).contains("  name: x\n"))
        #expect(try edited(text, ["metadata.name=x"], document: .index(0)).contains("{name: x}"))
    }

    @Test func atomicAcrossEdits() throws {
        let error = try refusal("a: 1\nb: &x 2\n", ["a=3", "b=4"])
        #expect("\(error)".contains("anchor"))
    }
}
