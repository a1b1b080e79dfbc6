//! The one package that owns the spec's facts (`openapi/plivo-mpc.yaml`): it loads the document,
//! lists its operations, parameters and examples, and maps its schemas to JSON Schema. The
//! generator (`xtask`), the mock and the conformance suite ask it; none of them reads the YAML
//! themselves.

pub mod catalogue;
pub mod document;
pub mod json_schema;
mod source_lines;
mod strict_yaml;

pub use catalogue::{
    documented_example, operations, response_examples, Operation, ResponseExample,
};
pub use document::{default_spec_path, workspace_root, LoadError, SpecDocument};
