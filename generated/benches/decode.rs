//! Decoding one participants page: the generated types against the floor for a typed decoder
//! (a hand-written serde struct with the same fields, `conformance/bench/src/floor.rs`), with
//! `serde_json::Value` and `IgnoredAny` on the same bytes for context.
//!
//! The bytes come from the spec at run time: its `documented` example (3 participants) and a
//! full page of 20 built from it (`plivo_mpc_bench::page`'s rule, repeated here so that this
//! crate does not depend on the harness crate: the participants cycled, each its own member id).
//!
//! The `diag/*` rows take the floor and swap in one of the generated types' field types at a
//! time, to show where the time above the floor goes.
//!
//! `cargo bench -p plivo-mpc --bench decode`; `cargo xtask bench` runs it with `CRITERION_HOME`
//! set to `<target dir>/bench/criterion` and reads the estimates from there.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use plivo_mpc::types::ParticipantList;
use plivo_mpc_conformance::{default_spec_path, response_examples, SpecDocument};
use serde_json::{json, Value};

#[allow(dead_code)]
#[path = "../../conformance/bench/src/floor.rs"]
mod floor;

/// The floor with one field type swapped for the generated one.
mod diag {
    use super::floor::FloorParticipant;

    /// Timestamps as the crate's `Timestamp`.
    pub type WithTimestamp = FloorParticipant<plivo_mpc::Timestamp>;

    /// `member_id` as the crate's digits-checked `MemberId`, `billed_amount` as the crate's
    /// `Amount` (a string or a number, written back as it came).
    pub type WithPatterns = FloorParticipant<String, plivo_mpc::MemberId, plivo_mpc::Amount>;
}

fn documented() -> Value {
    let doc = SpecDocument::load(default_spec_path()).expect("the spec loads");
    response_examples(&doc)
        .expect("the spec's examples")
        .into_iter()
        .find(|e| e.status == 200 && e.name == "documented")
        .expect("a 200 example named `documented`")
        .value
}

fn full_page(documented: &Value, held: usize) -> Value {
    let templates = documented["objects"].as_array().expect("objects").clone();
    let path = "/v1/Account/MANWVLYTK4ZWU1YTY4QA/MultiPartyCall/name_test_mpc_1/Participant/";
    let objects: Vec<Value> = (0..held)
        .map(|i| {
            let mut p = templates[i % templates.len()].clone();
            let id = (1000 + i).to_string();
            p["resource_uri"] = json!(format!("{path}{id}/"));
            p["member_id"] = json!(id);
            p
        })
        .collect();
    let mut body = documented.clone();
    body["meta"]["count"] = json!(held);
    body["objects"] = Value::Array(objects);
    body
}

fn decode(c: &mut Criterion) {
    let documented = documented();
    let pages = [
        ("documented-3", serde_json::to_vec(&documented).unwrap()),
        (
            "full-20",
            serde_json::to_vec(&full_page(&documented, 20)).unwrap(),
        ),
    ];
    for (page, bytes) in &pages {
        // Every decoder must accept the page before it is timed.
        let n = serde_json::from_slice::<ParticipantList>(bytes)
            .expect("generated types decode the page")
            .objects
            .len();
        assert_eq!(
            n,
            serde_json::from_slice::<floor::FloorList>(bytes)
                .unwrap()
                .objects
                .len()
        );
        let mut group = c.benchmark_group(format!("decode/{page}"));
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        macro_rules! row {
            ($name:literal, $ty:ty) => {
                group.bench_function($name, |b| {
                    b.iter_batched(
                        || (),
                        |()| serde_json::from_slice::<$ty>(black_box(bytes)).unwrap(),
                        BatchSize::SmallInput,
                    )
                });
            };
        }
        row!("generated", ParticipantList);
        row!("floor", floor::FloorList);
        row!("value", Value);
        row!("ignored_any", serde::de::IgnoredAny);
        row!("diag_timestamp", floor::FloorList<diag::WithTimestamp>);
        row!("diag_patterns", floor::FloorList<diag::WithPatterns>);
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
