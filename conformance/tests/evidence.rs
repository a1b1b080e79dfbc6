//! Every example says where it comes from, and a machine checks it: a fixture example is its
//! SDK file verbatim, a doc example the body its saved page shows, a constructed one says what
//! it starts from and what it changed. The evidence files are the manifest's byte-for-byte, and
//! every SDK fixture body kept as evidence decodes with the client and writes back unchanged.

mod support;

use std::path::PathBuf;

use plivo_mpc_conformance::{workspace_root, SpecDocument};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

const EVIDENCE: &str = "openapi/evidence";

struct Entry {
    file: String,
    repository: Option<String>,
    path: Option<String>,
    commit: Option<String>,
    sha256: String,
}

fn manifest() -> Vec<Entry> {
    let path = workspace_root().join(EVIDENCE).join("manifest.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let text_of =
        |entry: &Value, key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
    value["files"]
        .as_array()
        .expect("manifest.yaml has a `files` list")
        .iter()
        .map(|entry| Entry {
            file: text_of(entry, "file").expect("every entry names its file"),
            repository: text_of(entry, "repository"),
            path: text_of(entry, "path"),
            commit: text_of(entry, "commit"),
            sha256: text_of(entry, "sha256").expect("every entry has its sha256"),
        })
        .collect()
}

fn evidence_path(file: &str) -> PathBuf {
    workspace_root().join(EVIDENCE).join(file)
}

fn json_of(file: &str) -> Value {
    let bytes = std::fs::read(evidence_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"))
}

/// The JSON body a saved doc page shows after "HTTP Status Code: <status>".
fn doc_body(file: &str, status: u16) -> Value {
    let page =
        std::fs::read_to_string(evidence_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let start = page
        .find(&format!("HTTP Status Code: {status}"))
        .unwrap_or_else(|| panic!("{file} shows no {status} response"));
    let mut stream =
        serde_json::Deserializer::from_str(&page[start..][page[start..].find('{').unwrap()..])
            .into_iter::<Value>();
    stream
        .next()
        .unwrap()
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One Example Object of the spec.
struct Example {
    pointer: String,
    object: Value,
    /// The status of the response it belongs to (200 where that is not known: request bodies,
    /// responses that only an extension names).
    status: u16,
    /// The component schema of its media type, when that is a `$ref`.
    component: Option<String>,
}

/// Every Example Object of the document: under every `examples` map of a media type, in
/// `paths` and in `components` alike (some responses are only named by `x-plivo-async`).
fn examples(doc: &SpecDocument) -> Vec<Example> {
    fn walk(value: &Value, pointer: &str, status: u16, doc: &SpecDocument, out: &mut Vec<Example>) {
        let Value::Object(map) = value else { return };
        let component = map
            .get("schema")
            .and_then(|s| s.get("$ref"))
            .and_then(Value::as_str)
            .map(|r| r.rsplit('/').next().unwrap().to_owned());
        for (key, child) in map {
            let child_pointer = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
            if key == "examples" && map.contains_key("schema") {
                for (name, example) in child.as_object().into_iter().flatten() {
                    let example_pointer = format!("{child_pointer}/{name}");
                    let (object, _) = doc.resolve(example, &example_pointer).unwrap();
                    out.push(Example {
                        pointer: example_pointer,
                        object: object.clone(),
                        status,
                        component: component.clone(),
                    });
                }
                continue;
            }
            let status = match pointer.ends_with("/responses") {
                true => plivo_mpc_spec_status(key).unwrap_or(status),
                false => status,
            };
            walk(child, &child_pointer, status, doc, out);
        }
    }
    let mut out = Vec::new();
    walk(doc.root(), "", 200, doc, &mut out);
    out
}

fn plivo_mpc_spec_status(key: &str) -> Option<u16> {
    plivo_mpc_conformance::catalogue::status_code(key)
}

#[test]
fn every_example_carries_checkable_provenance() {
    let doc = support::spec();
    let manifest = manifest();
    let mut problems = Vec::new();
    let mut cited = std::collections::BTreeSet::new();
    for Example {
        pointer,
        object,
        status,
        ..
    } in examples(&doc)
    {
        let evidence = &object["x-evidence"];
        let field = |key: &str| evidence.get(key).and_then(Value::as_str);
        match field("source") {
            Some("fixture") => {
                let (Some(repository), Some(path), Some(commit)) =
                    (field("repository"), field("path"), field("commit"))
                else {
                    problems.push(format!(
                        "{pointer}: a fixture needs repository, path and commit"
                    ));
                    continue;
                };
                let folder = repository.rsplit('/').next().unwrap();
                let file = format!("{folder}/{path}");
                let Some(entry) = manifest.iter().find(|e| e.file == file) else {
                    problems.push(format!(
                        "{pointer}: cites {file}, which the manifest does not list"
                    ));
                    continue;
                };
                if entry.repository.as_deref() != Some(repository)
                    || entry.path.as_deref() != Some(path)
                    || entry.commit.as_deref() != Some(commit)
                {
                    problems.push(format!("{pointer}: repository, path or commit differ from the manifest's for {file}"));
                }
                if object["value"] != json_of(&file) {
                    problems.push(format!("{pointer}: the value is not {file} verbatim"));
                }
                cited.insert(file);
            }
            Some("doc") => {
                let Some(file) = field("file") else {
                    problems.push(format!(
                        "{pointer}: a doc example names its saved page in `file`"
                    ));
                    continue;
                };
                if field("url").is_none_or(|u| !u.starts_with("https://")) {
                    problems.push(format!(
                        "{pointer}: a doc example names the page's https URL"
                    ));
                }
                if object["value"] != doc_body(file, status) {
                    problems.push(format!("{pointer}: the value is not the body {file} shows"));
                }
                cited.insert(file.to_owned());
            }
            Some("constructed") => {
                if field("note").is_none_or(|n| n.split_whitespace().count() < 5) {
                    problems.push(format!("{pointer}: a constructed example says what it shows and what changed (`note`)"));
                }
                match field("basis") {
                    Some("none") => {}
                    Some(file) if manifest.iter().any(|e| e.file == file) => {
                        cited.insert(file.to_owned());
                    }
                    Some(file) => {
                        problems.push(format!("{pointer}: basis {file} is not in the manifest"))
                    }
                    None => problems.push(format!(
                        "{pointer}: a constructed example names its `basis` (or `none`)"
                    )),
                }
            }
            other => problems.push(format!(
                "{pointer}: x-evidence source is {other:?}, not fixture, doc or constructed"
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // A copy that is byte-identical to a cited file is named in that example's description.
    let cited_hashes: Vec<&str> = manifest
        .iter()
        .filter(|e| cited.contains(&e.file))
        .map(|e| e.sha256.as_str())
        .collect();
    let uncited: Vec<&str> = manifest
        .iter()
        .filter(|e| !cited.contains(&e.file) && !cited_hashes.contains(&e.sha256.as_str()))
        .map(|e| e.file.as_str())
        .collect();
    assert!(
        uncited.is_empty(),
        "evidence files nothing cites: {uncited:?}"
    );
}

#[test]
fn evidence_files_are_the_manifests_byte_for_byte() {
    let manifest = manifest();
    assert!(!manifest.is_empty());
    for entry in &manifest {
        let bytes = std::fs::read(evidence_path(&entry.file))
            .unwrap_or_else(|e| panic!("{}: {e}", entry.file));
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex, entry.sha256,
            "{} differs from the manifest's sha256",
            entry.file
        );
        // Where the SDK snapshots are at hand (the developers' machines), the copy is compared
        // with its source too.
        if let (Some(repository), Some(path)) = (&entry.repository, &entry.path) {
            let folder = repository.rsplit('/').next().unwrap();
            let source = workspace_root()
                .join("../shared/sdk")
                .join(folder)
                .join(path);
            if let Ok(original) = std::fs::read(&source) {
                assert!(
                    original == bytes,
                    "{} is not a byte-for-byte copy of {}",
                    entry.file,
                    source.display()
                );
            }
        }
    }
}

/// Every SDK fixture an example cites decodes with the client as its response's type and writes
/// back equal, unknown keys aside (a key the schema does not name is accepted and not kept).
#[test]
fn every_sdk_fixture_decodes_and_writes_back_unchanged() {
    let doc = support::spec();
    let mut decoded = std::collections::BTreeSet::new();
    for example in examples(&doc) {
        let evidence = &example.object["x-evidence"];
        if evidence["source"] != "fixture" {
            continue;
        }
        let folder = evidence["repository"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let file = format!("{folder}/{}", evidence["path"].as_str().unwrap());
        let component = example
            .component
            .unwrap_or_else(|| panic!("{}: its media type names no component", example.pointer));
        let body = known_keys(
            json_of(&file),
            &doc.root()["components"]["schemas"][&component],
            &doc,
        );
        let written =
            plivo_mpc::generated::operations::round_trip_component(&component, body.clone())
                .expect("a component of the spec")
                .unwrap_or_else(|e| panic!("{file} does not decode as {component}: {e}"));
        assert_eq!(
            written, body,
            "{file} changed on the way back as {component}"
        );
        decoded.insert(file);
    }
    assert!(
        decoded.len() >= 20,
        "only {} fixtures decoded",
        decoded.len()
    );
}

/// `value` without the keys its schema does not name, at every depth.
fn known_keys(value: Value, schema: &Value, doc: &SpecDocument) -> Value {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.at(&r[1..]).unwrap(),
        None => schema,
    };
    if let Some(branches) = schema
        .get("anyOf")
        .or(schema.get("allOf"))
        .and_then(Value::as_array)
    {
        // The branch that names properties (a nullable reference is `anyOf: [$ref, null]`).
        return match branches.iter().find(|b| {
            !b.get("enum")
                .is_some_and(|e| e == &serde_json::json!([null]))
        }) {
            Some(branch) if !value.is_null() => known_keys(value, branch, doc),
            _ => value,
        };
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            Value::Object(
                map.into_iter()
                    .filter(|(k, _)| properties.is_none_or(|p| p.contains_key(k)))
                    .map(|(k, v)| {
                        let sub = properties
                            .and_then(|p| p.get(&k))
                            .cloned()
                            .unwrap_or(Value::Null);
                        (k, known_keys(v, &sub, doc))
                    })
                    .collect(),
            )
        }
        Value::Array(items) => {
            let sub = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array(
                items
                    .into_iter()
                    .map(|v| known_keys(v, &sub, doc))
                    .collect(),
            )
        }
        other => other,
    }
}
