//! The floor for a typed decoder: a hand-written serde struct with the same fields as the
//! generated `ParticipantList`, in plain types (strings stay strings, nothing is validated).
//! Shared by the load generator and, through `#[path]`, by `generated/benches/decode.rs`.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct FloorList {
    pub api_id: String,
    pub meta: FloorMeta,
    pub objects: Vec<FloorParticipant>,
}

#[derive(Debug, Deserialize)]
pub struct FloorMeta {
    pub count: Option<u64>,
    pub limit: u64,
    pub next: Option<String>,
    pub offset: u64,
    pub previous: Option<String>,
    pub total_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct FloorParticipant {
    pub billed_amount: Option<String>,
    pub billed_duration: Option<u64>,
    pub call_uuid: String,
    pub coach_mode: Option<bool>,
    pub duration: Option<u64>,
    pub end_mpc_on_exit: bool,
    pub exit_cause: Option<String>,
    pub exit_time: Option<String>,
    pub hold: Option<bool>,
    pub join_time: String,
    pub member_address: Option<String>,
    pub member_id: String,
    pub mpc_uuid: String,
    pub mute: Option<bool>,
    pub resource_uri: String,
    pub role: String,
    pub start_mpc_on_enter: bool,
}
