//! Loading the OpenAPI document into JSON, with errors that name the file and the place.
//!
//! Everything that reads the spec (code generation, the lint, the replay suite) goes through
//! [`SpecDocument::load`], so a bad document is reported the same way everywhere.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The spec this repository is about, relative to the workspace root.
pub const SPEC_RELATIVE_PATH: &str = "openapi/plivo-mpc.yaml";

/// The workspace root, found from this crate's manifest directory (`openapi/`) at compile time.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("openapi/ sits inside the workspace root")
        .to_path_buf()
}

/// `openapi/plivo-mpc.yaml` in this workspace.
pub fn default_spec_path() -> PathBuf {
    workspace_root().join(SPEC_RELATIVE_PATH)
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the OpenAPI document: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: invalid YAML: {message}")]
    Yaml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: the document is not a YAML mapping at the top level")]
    NotAMapping { path: PathBuf },
    #[error("{path}: /openapi is missing; this project needs an OpenAPI 3.0.x document")]
    MissingVersion { path: PathBuf },
    #[error(
        "{path}: /openapi is {found:?}, but progenitor (and so this project) reads only OpenAPI 3.0.x"
    )]
    UnsupportedVersion { path: PathBuf, found: String },
}

/// A parsed OpenAPI 3.0 document, kept as JSON so that any part of it can be named by a JSON
/// pointer in messages.
#[derive(Debug, Clone)]
pub struct SpecDocument {
    path: PathBuf,
    text: String,
    root: Value,
}

impl SpecDocument {
    /// Reads and parses the document at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path, text)
    }

    /// Parses `text`; `path` is only used in messages.
    pub fn parse(path: impl AsRef<Path>, text: impl Into<String>) -> Result<Self, LoadError> {
        let path = path.as_ref().to_path_buf();
        // Line endings must not change the hash or the parse: a Windows checkout is the same spec.
        let text = text.into().replace("\r\n", "\n");
        let root: Value = serde_yaml_ng::from_str::<crate::strict_yaml::StrictValue>(&text)
            .map(|strict| strict.0)
            .map_err(|error| {
                let (line, column) = error
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((0, 0));
                LoadError::Yaml {
                    path: path.clone(),
                    line,
                    column,
                    message: without_location(&error.to_string()),
                }
            })?;
        if !root.is_object() {
            return Err(LoadError::NotAMapping { path });
        }
        match root.get("openapi") {
            None => return Err(LoadError::MissingVersion { path }),
            Some(Value::String(v)) if v.starts_with("3.0.") => {}
            Some(other) => {
                let found = other
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| other.to_string());
                return Err(LoadError::UnsupportedVersion { path, found });
            }
        }
        Ok(Self { path, text, root })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The document text with LF line endings: what the generated header's hash covers.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The value at a JSON pointer (RFC 6901), such as `/components/schemas/Participant`.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer)
    }

    /// Follows `$ref`s from `value` (found at `pointer`) until a value without one, returning it
    /// with its own pointer. Only local references (`#/...`) exist in this project.
    pub fn resolve<'a>(
        &'a self,
        mut value: &'a Value,
        pointer: &str,
    ) -> Result<(&'a Value, String), RefError> {
        let mut pointer = pointer.to_owned();
        for _ in 0..32 {
            let Some(reference) = value.get("$ref") else {
                return Ok((value, pointer));
            };
            let reference = reference.as_str().ok_or_else(|| RefError {
                at: format!("{pointer}/$ref"),
                reference: reference.to_string(),
                reason: "a $ref must be a string",
            })?;
            let target = reference.strip_prefix('#').ok_or_else(|| RefError {
                at: format!("{pointer}/$ref"),
                reference: reference.to_owned(),
                reason: "only local references (#/...) are supported",
            })?;
            value = self.root.pointer(target).ok_or_else(|| RefError {
                at: format!("{pointer}/$ref"),
                reference: reference.to_owned(),
                reason: "nothing in the document at that pointer",
            })?;
            pointer = target.to_owned();
        }
        Err(RefError {
            at: pointer,
            reference: String::new(),
            reason: "more than 32 $refs in a chain (a cycle?)",
        })
    }

    /// The 1-based line of the YAML source where the value at `pointer` starts, when it can be
    /// found by following the keys through the block structure. Used to point people at a line.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        crate::source_lines::line_of(&self.text, pointer)
    }
}

/// A `$ref` that cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: $ref {reference} does not resolve: {reason}")]
pub struct RefError {
    /// JSON pointer of the `$ref` key.
    pub at: String,
    pub reference: String,
    pub reason: &'static str,
}

/// Escapes one key for a JSON pointer (RFC 6901: `~` -> `~0`, `/` -> `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

// serde_yaml_ng appends "at line L column C" to its message; the error already says where.
fn without_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}
