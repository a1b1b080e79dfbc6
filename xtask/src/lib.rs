//! `cargo xtask`: the repository's automation, as a library so that `cargo test` runs the same
//! checks as the command line (a stale generated client or a broken spec fails the tests).

pub mod bench;
pub mod binaries;
pub mod bundle;
pub mod callgrind;
pub mod detached;
pub mod extensible;
pub mod generate;
pub mod glue;
pub mod lint;
pub mod mock;
pub mod nullable;
pub mod polyglot;
pub mod verify;
