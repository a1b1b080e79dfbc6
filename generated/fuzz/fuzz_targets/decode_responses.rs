//! Any bytes as any response body the client decodes: no panic, and whatever decodes writes
//! back and decodes again to the same value.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    plivo_mpc::fuzzing::decode_every_response_type(data);
});
