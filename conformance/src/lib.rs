//! The machinery of the conformance suite: read the OpenAPI document, list what it documents,
//! and serve it on wiremock. The tests under `tests/` drive the generated client with it.

pub mod catalogue;
pub mod document;
pub mod json_schema;
pub mod mock_server;
pub mod mount;
mod source_lines;

pub use catalogue::{operations, response_examples, Operation, ResponseExample};
pub use document::{default_spec_path, workspace_root, LoadError, SpecDocument};
