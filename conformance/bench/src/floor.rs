//! The floor for a typed decoder: hand-written serde structs with the same fields as the
//! generated `ParticipantList` and `AddParticipantResponse`, in plain types (strings stay
//! strings, nothing is validated).
//! Shared by the load generator and, through `#[path]`, by `generated/benches/decode.rs`.

use serde::Deserialize;

/// Generic in its participant type only so that the decode benchmark's diagnostic rows can swap
/// in the generated field types; the floor itself is `FloorList` with the defaults.
#[derive(Debug, Deserialize)]
pub struct FloorList<P = FloorParticipant> {
    pub api_id: String,
    pub meta: FloorMeta,
    pub objects: Vec<P>,
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

/// Plain strings by default; `Time`, `MemberId` and `Amount` exist for the diagnostic rows.
#[derive(Debug, Deserialize)]
pub struct FloorParticipant<Time = String, MemberId = String, Amount = String> {
    pub billed_amount: Option<Amount>,
    pub billed_duration: Option<u64>,
    pub call_uuid: String,
    pub coach_mode: Option<bool>,
    pub duration: Option<u64>,
    pub end_mpc_on_exit: bool,
    pub exit_cause: Option<String>,
    pub exit_time: Option<Time>,
    pub hold: Option<bool>,
    pub join_time: Time,
    pub member_address: Option<String>,
    pub member_id: MemberId,
    pub mpc_uuid: String,
    pub mute: Option<bool>,
    pub resource_uri: String,
    pub role: String,
    pub start_mpc_on_enter: bool,
}

/// The write call's answer (`AddParticipantResponse`).
#[derive(Debug, Deserialize)]
pub struct FloorAdded {
    pub api_id: String,
    pub calls: Vec<FloorAddedCall>,
    pub message: String,
    pub request_uuid: String,
}

#[derive(Debug, Deserialize)]
pub struct FloorAddedCall {
    pub call_uuid: String,
    pub from: String,
    pub to: String,
}
