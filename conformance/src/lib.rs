//! The machinery of the conformance suite: serve the spec on wiremock, for the replay tests
//! (strict mocks, one per expected call) and for `cargo xtask mock` (one router that answers
//! like Plivo). What the spec says comes from `plivo-mpc-spec`, re-exported here for the tests.

pub mod http_server;
pub mod mock_server;
pub mod mount;

pub use plivo_mpc_spec::{
    catalogue, document, documented_example, json_schema, operations, response_examples, Operation,
    ResponseExample,
};
pub use plivo_mpc_spec::{default_spec_path, workspace_root, LoadError, SpecDocument};
