//! `cargo xtask verify`: calls a live Plivo account (or anything that claims to be one) with
//! every read-only operation of the spec and checks each answer against the spec.
//!
//! - Read-only means `GET` in the spec; every other operation writes and is called only when
//!   named with `--write OPERATION_ID`, with the spec's request body example.
//! - Path values: `auth_id` is the AUTH_ID; `mpc_name`, `mpc_uuid` and `member_id` come from
//!   flags, else from the first item of the first list that answers one ([`DISCOVERED`]), which
//!   is why operations run in order of how many path values they need (the MPC list before an
//!   MPC, an MPC's participants before a participant). An operation with no value is skipped
//!   with the reason.
//! - Each answer: its status must be one the operation documents, and its body must fit the
//!   schema of that response ([`check`]). Differences fail the run; fields the spec does not
//!   declare are notes only.
//! - The credentials come from `PLIVO_AUTH_ID` / `PLIVO_AUTH_TOKEN` and appear in no output.

pub mod call;
pub mod check;
pub mod credentials;
pub mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use plivo_mpc_spec::catalogue::{self, Operation};
use plivo_mpc_spec::document::{default_spec_path, workspace_root, SpecDocument};
use serde_json::Value;

use call::{fill_path, Caller};
use credentials::Credentials;
use report::{OperationResult, Outcome, PathValue, Report};

/// Path parameters found in answers: the parameter, and the field of a list item (`objects/0`)
/// that holds its value. Tied to the spec by a test (each parameter is a path parameter of some
/// operation, and each field is in the first item of a success example of a read-only list that
/// does not need that parameter).
pub const DISCOVERED: [(&str, &str); 3] = [
    ("mpc_name", "friendly_name"),
    ("mpc_uuid", "mpc_uuid"),
    ("member_id", "member_id"),
];

/// The path parameter every operation has, filled with the AUTH_ID.
pub const AUTH_ID_PARAMETER: &str = "auth_id";

/// The method of the operations that only read.
pub const READ_METHOD: &str = "GET";

/// Arguments of `cargo xtask verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the service is; default: the spec's `servers[0]`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Also call this operation that writes (repeatable; called after the reads, in the order
    /// given, with the spec's request body example).
    #[arg(long = "write", value_name = "OPERATION_ID")]
    pub writes: Vec<String>,
    /// The MPC name to address (default: the first MPC the account lists).
    #[arg(long, value_name = "NAME")]
    pub mpc_name: Option<String>,
    /// The MPC uuid to address (default: the first MPC the account lists).
    #[arg(long, value_name = "UUID")]
    pub mpc_uuid: Option<String>,
    /// The participant member id to address (default: the first participant listed).
    #[arg(long, value_name = "ID")]
    pub member_id: Option<String>,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Seconds to wait for each answer (1 to 3600).
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// The OpenAPI document to check against.
    #[arg(long, value_name = "PATH", default_value_os_t = default_spec_path())]
    pub spec: PathBuf,
}

/// What to call and where, once the arguments are read.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: String,
    pub writes: Vec<String>,
    /// Path values given by flag, by parameter name.
    pub path_values: BTreeMap<String, String>,
    pub timeout: Duration,
}

impl Settings {
    pub fn from_args(args: &Args, doc: &SpecDocument) -> anyhow::Result<Self> {
        let base_url = match &args.base_url {
            Some(url) => url.clone(),
            None => doc
                .at("/servers/0/url")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .context("the spec has no servers[0].url; give --base-url")?,
        };
        let path_values = [
            ("mpc_name", &args.mpc_name),
            ("mpc_uuid", &args.mpc_uuid),
            ("member_id", &args.member_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_owned(), value.clone()?)))
        .collect();
        Ok(Self {
            base_url,
            writes: args.writes.clone(),
            path_values,
            timeout: Duration::from_secs(args.timeout),
        })
    }
}

/// `cargo xtask verify`: prints the report (and writes it as JSON when asked); fails when any
/// answer differs from the spec or could not be had.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let credentials = Credentials::from_lookup(|name| std::env::var(name).ok())?;
    let doc = SpecDocument::load(&args.spec)?;
    let settings = Settings::from_args(args, &doc)?;
    let report = verify(&doc, &settings, &credentials)?;
    print!("{report}");
    if let Some(path) = &args.json {
        write_json(&report, path)?;
    }
    anyhow::ensure!(
        report.passed(),
        "the service differs from the spec: {} difference(s), {} call(s) without an answer",
        report.differences.len(),
        report.failures()
    );
    Ok(())
}

/// Calls every read-only operation, then the named writes, and checks each answer. The report
/// comes back with the credentials scrubbed. An error is a problem before any call (a bad
/// `--write` name, a bad URL, a broken spec), not a difference.
pub fn verify(
    doc: &SpecDocument,
    settings: &Settings,
    credentials: &Credentials,
) -> anyhow::Result<Report> {
    let operations = catalogue::operations(doc)?;
    let writes = named_writes(&operations, &settings.writes)?;
    let caller = Caller::new(&settings.base_url, credentials.clone(), settings.timeout)?;
    let mut reads: Vec<&Operation> = operations
        .iter()
        .filter(|op| op.method == READ_METHOD)
        .collect();
    reads.sort_by_key(|op| op.path_parameters.len());

    let mut values: BTreeMap<String, PathValue> = settings
        .path_values
        .iter()
        .map(|(parameter, value)| {
            let flag = format!("--{}", parameter.replace('_', "-"));
            let value = PathValue {
                parameter: parameter.clone(),
                value: value.clone(),
                source: flag,
            };
            (parameter.clone(), value)
        })
        .collect();
    let mut report = Report {
        base_url: settings.base_url.clone(),
        spec: shown_path(doc.path()),
        path_values: Vec::new(),
        operations: Vec::new(),
        differences: Vec::new(),
        notes: Vec::new(),
        writes_not_run: operations
            .iter()
            .filter(|op| op.method != READ_METHOD && !writes.contains(op))
            .map(|op| op.operation_id.clone())
            .collect(),
    };
    for op in reads.into_iter().chain(writes) {
        let outcome = call_and_check(doc, &caller, credentials, op, &mut values, &mut report)?;
        report.operations.push(OperationResult {
            operation_id: op.operation_id.clone(),
            method: op.method.clone(),
            path: op.path_template.clone(),
            outcome,
        });
    }
    report.path_values = values.into_values().collect();
    Ok(report.redacted(credentials))
}

fn call_and_check(
    doc: &SpecDocument,
    caller: &Caller,
    credentials: &Credentials,
    op: &Operation,
    values: &mut BTreeMap<String, PathValue>,
    report: &mut Report,
) -> anyhow::Result<Outcome> {
    let path = fill_path(&op.path_template, |name| {
        if name == AUTH_ID_PARAMETER {
            Some(credentials.auth_id())
        } else {
            values.get(name).map(|v| v.value.as_str())
        }
    });
    let path = match path {
        Ok(path) => path,
        Err(missing) => {
            return Ok(Outcome::Skipped {
                reason: format!(
                    "no {missing} to address: give --{}, or have one in the account's lists",
                    missing.replace('_', "-")
                ),
            })
        }
    };
    let body = match (&op.request_body, op.request_body_example()) {
        (Some(body), None) if body.required => {
            return Ok(Outcome::Skipped {
                reason: "the spec has no request body example to send".to_owned(),
            })
        }
        (_, example) => example,
    };
    let answer = match caller.call(&op.method, &path, body) {
        Ok(answer) => answer,
        Err(error) => {
            return Ok(Outcome::Failed {
                error: format!("{error:#}"),
            })
        }
    };
    let found = check::check(doc, op, &answer)?;
    if (200..300).contains(&answer.status) {
        if let Some(body) = &found.body {
            learn_path_values(op, body, values);
        }
    }
    let differences = found.differences.len();
    report.differences.extend(found.differences);
    report.notes.extend(found.notes);
    Ok(Outcome::Checked {
        status: answer.status,
        differences,
    })
}

/// Takes each still unknown [`DISCOVERED`] value from the first item of a list answer.
fn learn_path_values(op: &Operation, body: &Value, values: &mut BTreeMap<String, PathValue>) {
    let Some(first) = body.pointer("/objects/0") else {
        return;
    };
    for (parameter, field) in DISCOVERED {
        if values.contains_key(parameter) {
            continue;
        }
        let value = match first.get(field) {
            Some(Value::String(text)) if !text.is_empty() => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            _ => continue,
        };
        values.insert(
            parameter.to_owned(),
            PathValue {
                parameter: parameter.to_owned(),
                value,
                source: format!("{} /objects/0/{field}", op.operation_id),
            },
        );
    }
}

/// The operations named with `--write`, in the order given; a name that is not an operation
/// of the spec, or one that only reads, is an error naming it.
fn named_writes<'a>(
    operations: &'a [Operation],
    names: &[String],
) -> anyhow::Result<Vec<&'a Operation>> {
    names
        .iter()
        .map(|name| {
            let op = operations
                .iter()
                .find(|op| op.operation_id == *name)
                .with_context(|| {
                    let writes: Vec<&str> = operations
                        .iter()
                        .filter(|op| op.method != READ_METHOD)
                        .map(|op| op.operation_id.as_str())
                        .collect();
                    format!(
                        "--write {name}: the spec has no such operation (those that write: {})",
                        writes.join(", ")
                    )
                })?;
            anyhow::ensure!(
                op.method != READ_METHOD,
                "--write {name}: that operation only reads, and every read runs without --write"
            );
            Ok(op)
        })
        .collect()
}

/// Writes the report as JSON next to `path` first, then moves it there, so that a failed write
/// never leaves half a file.
fn write_json(report: &Report, path: &Path) -> anyhow::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(directory)
        .with_context(|| format!("--json {}: cannot write there", path.display()))?;
    serde_json::to_writer_pretty(&mut file, report)
        .with_context(|| format!("--json {}: cannot write the report", path.display()))?;
    file.persist(path)
        .with_context(|| format!("--json {}: cannot write the report", path.display()))?;
    Ok(())
}

/// A path inside the workspace as a person would type it.
fn shown_path(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> SpecDocument {
        SpecDocument::load(default_spec_path()).unwrap()
    }

    /// The discovery table names real things: each parameter is a path parameter of an
    /// operation, and each field is declared by the items of a read-only list answer that does
    /// not need that parameter.
    #[test]
    fn discovered_values_exist_in_the_spec() {
        let doc = spec();
        let operations = catalogue::operations(&doc).unwrap();
        for (parameter, field) in DISCOVERED {
            assert!(
                operations
                    .iter()
                    .any(|op| op.path_parameters.iter().any(|p| p.name == parameter)),
                "no operation has the path parameter {parameter}"
            );
            let listed_by = operations.iter().find(|op| {
                op.method == READ_METHOD
                    && !op.path_parameters.iter().any(|p| p.name == parameter)
                    && catalogue::response_examples(&doc).unwrap().iter().any(|e| {
                        e.operation_id == op.operation_id
                            && e.is_success()
                            && e.value.pointer(&format!("/objects/0/{field}")).is_some()
                    })
            });
            assert!(
                listed_by.is_some(),
                "no read-only list without {parameter} answers objects[0].{field} in an example"
            );
        }
    }

    /// Every path value flag fills a parameter that discovery knows, so the two name the same
    /// things; the base URL defaults to the spec's first server.
    #[test]
    fn flags_fill_the_discovered_parameters() {
        let doc = spec();
        let args = Args {
            base_url: None,
            writes: Vec::new(),
            mpc_name: Some("n".into()),
            mpc_uuid: Some("u".into()),
            member_id: Some("m".into()),
            json: None,
            timeout: 30,
            spec: default_spec_path(),
        };
        let settings = Settings::from_args(&args, &doc).unwrap();
        let filled: Vec<&str> = settings.path_values.keys().map(String::as_str).collect();
        let mut discovered: Vec<&str> = DISCOVERED.iter().map(|(p, _)| *p).collect();
        discovered.sort_unstable();
        assert_eq!(filled, discovered);
        assert_eq!(
            Some(settings.base_url.as_str()),
            doc.at("/servers/0/url").and_then(Value::as_str)
        );
    }

    #[test]
    fn a_write_name_must_be_a_write_of_the_spec() {
        let operations = catalogue::operations(&spec()).unwrap();
        let unknown = named_writes(&operations, &["dropEverything".into()]).unwrap_err();
        assert!(unknown.to_string().contains("dropEverything"), "{unknown}");
        assert!(unknown.to_string().contains("startMpcByName"), "{unknown}");
        let read = named_writes(&operations, &["listMpcs".into()]).unwrap_err();
        assert!(read.to_string().contains("only reads"), "{read}");
        let named = named_writes(&operations, &["stopSpeakByUuid".into()]).unwrap();
        assert_eq!(named.len(), 1);
        assert_eq!(named[0].operation_id, "stopSpeakByUuid");
    }
}
