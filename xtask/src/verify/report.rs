//! What `cargo xtask verify` found: per operation what happened, every difference from the spec
//! (operation, field, expected, got) and every undocumented field, as text for people and JSON
//! for machines (`--json PATH`).

use std::fmt;

use serde::Serialize;

use super::credentials::Credentials;

/// One way an answer departs from the spec. `field` is a JSON pointer into the body, or
/// `status` for the status code, `Content-Type` for the header, or `body` for a body that cannot
/// be read as the spec says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub operation_id: String,
    pub field: String,
    pub expected: String,
    pub got: String,
}

/// A field the answer has and the spec does not declare. Not a failure: the spec accepts unknown
/// fields (no `additionalProperties: false`) because Plivo adds fields (`member_address` came
/// that way); the note says where the spec could grow. Array indices are `*`, so a field on
/// every item of a page is one note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub operation_id: String,
    pub field: String,
    /// The first value seen there.
    pub got: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Called; `differences` of the report's differences are this operation's.
    Checked { status: u16, differences: usize },
    /// Not called, and why (no value for a path parameter, no request body example).
    Skipped { reason: String },
    /// Called, but no answer to check (connection refused, timeout, body too long).
    Failed { error: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationResult {
    pub operation_id: String,
    pub method: String,
    /// The spec's path template (the AUTH_ID is never shown; see `path_values` for the rest).
    pub path: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A path value used, and where it came from (a flag, or a field of an earlier answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathValue {
    pub parameter: String,
    pub value: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub base_url: String,
    pub spec: String,
    pub path_values: Vec<PathValue>,
    pub operations: Vec<OperationResult>,
    pub differences: Vec<Difference>,
    pub notes: Vec<Note>,
    /// Operations that write and were not named with `--write`, so not called.
    pub writes_not_run: Vec<String>,
}

impl Report {
    /// True when every operation called answered as the spec says (notes do not count).
    pub fn passed(&self) -> bool {
        self.differences.is_empty() && self.failures() == 0
    }

    /// Operations called without an answer to check.
    pub fn failures(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.operations
            .iter()
            .filter(|o| wanted(&o.outcome))
            .count()
    }

    /// The same report with the credentials scrubbed from every text in it: answers echo the
    /// AUTH_ID (`resource_uri`), and an error may quote a URL.
    pub fn redacted(self, credentials: &Credentials) -> Self {
        let r = |text: String| credentials.redact(&text);
        Self {
            base_url: r(self.base_url),
            spec: r(self.spec),
            path_values: self
                .path_values
                .into_iter()
                .map(|v| PathValue {
                    parameter: v.parameter,
                    value: r(v.value),
                    source: r(v.source),
                })
                .collect(),
            operations: self
                .operations
                .into_iter()
                .map(|o| OperationResult {
                    outcome: match o.outcome {
                        Outcome::Skipped { reason } => Outcome::Skipped { reason: r(reason) },
                        Outcome::Failed { error } => Outcome::Failed { error: r(error) },
                        checked => checked,
                    },
                    ..o
                })
                .collect(),
            differences: self
                .differences
                .into_iter()
                .map(|d| Difference {
                    field: r(d.field),
                    expected: r(d.expected),
                    got: r(d.got),
                    ..d
                })
                .collect(),
            notes: self
                .notes
                .into_iter()
                .map(|n| Note {
                    field: r(n.field),
                    got: r(n.got),
                    ..n
                })
                .collect(),
            writes_not_run: self.writes_not_run,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "verify {} against {}", self.base_url, self.spec)?;
        for v in &self.path_values {
            writeln!(f, "  {} = {:?} ({})", v.parameter, v.value, v.source)?;
        }
        writeln!(f, "\noperations:")?;
        let width = self
            .operations
            .iter()
            .map(|o| o.operation_id.len())
            .max()
            .unwrap_or(0);
        for o in &self.operations {
            let (word, detail) = match &o.outcome {
                Outcome::Checked {
                    status,
                    differences: 0,
                } => ("ok", format!("-> {status}")),
                Outcome::Checked {
                    status,
                    differences,
                } => (
                    "DIFFERS",
                    format!("-> {status}, {differences} difference(s)"),
                ),
                Outcome::Skipped { reason } => ("skipped", reason.clone()),
                Outcome::Failed { error } => ("FAILED", error.clone()),
            };
            writeln!(
                f,
                "  {word:<8} {:<width$} {} {} {detail}",
                o.operation_id, o.method, o.path
            )?;
        }
        if !self.writes_not_run.is_empty() {
            writeln!(
                f,
                "  {} operation(s) that write were not called (name one with --write OPERATION_ID)",
                self.writes_not_run.len()
            )?;
        }
        if !self.differences.is_empty() {
            writeln!(f, "\ndifferences from the spec:")?;
            for d in &self.differences {
                writeln!(f, "  {} {}", d.operation_id, d.field)?;
                writeln!(f, "    expected: {}", d.expected)?;
                writeln!(f, "    got:      {}", d.got)?;
            }
        }
        if !self.notes.is_empty() {
            writeln!(
                f,
                "\nnotes: fields the spec does not declare (not failures: the spec accepts unknown fields):"
            )?;
            for n in &self.notes {
                writeln!(f, "  {} {}: got {}", n.operation_id, n.field, n.got)?;
            }
        }
        writeln!(
            f,
            "\n{} operation(s): {} ok, {} differ, {} skipped, {} failed; {} difference(s), {} note(s)",
            self.operations.len(),
            self.count(|o| matches!(o, Outcome::Checked { differences: 0, .. })),
            self.count(|o| matches!(o, Outcome::Checked { differences, .. } if *differences > 0)),
            self.count(|o| matches!(o, Outcome::Skipped { .. })),
            self.failures(),
            self.differences.len(),
            self.notes.len()
        )
    }
}
