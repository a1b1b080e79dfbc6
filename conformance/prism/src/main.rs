//! The Rust side of `.ci/prism` (driven by `conformance/prism/run.py`):
//!
//! * `plan` prints, as JSON, every operation's example request (method, path with the spec's
//!   example path values, example query values, request body example) and its documented
//!   responses, for run.py to send on the wire.
//! * `replay BASE` calls every operation through the generated client's `call_by_operation_id`
//!   once per documented response, with base URL `BASE/__prism/STATUS/NAME` (run.py's shim
//!   turns that prefix into `Prefer: code=STATUS, example=NAME`), and checks the status and that
//!   the decoded value, written back as JSON, is the example. An operation whose success has no
//!   body is called once for that status (`NAME` is `-`). One JSON line per case.

use plivo_mpc::{Credentials, MpcClient, RetryPolicy};
use plivo_mpc_spec::{Operation, SpecDocument};
use serde_json::{json, Value};

/// The client's token: any non-empty string (neither mock checks it).
const TOKEN: &str = "prism-t0ken";

fn example_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn path_example(op: &Operation, name: &str) -> String {
    let param = op
        .path_parameters
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{}: no path parameter {name}", op.operation_id));
    example_text(
        param
            .example
            .as_ref()
            .unwrap_or_else(|| panic!("{}: path parameter {name} has no example", op.operation_id)),
    )
}

/// The example path with every `{name}` replaced by the spec's example value.
fn concrete_path(op: &Operation) -> String {
    let mut path = op.path_template.clone();
    for p in &op.path_parameters {
        path = path.replace(&format!("{{{}}}", p.name), &path_example(op, &p.name));
    }
    path
}

fn example_query(op: &Operation) -> Vec<(String, Value)> {
    op.query_parameters
        .iter()
        .filter_map(|p| p.example.clone().map(|v| (p.name.clone(), v)))
        .collect()
}

fn plan(doc: &SpecDocument) -> Value {
    let examples = plivo_mpc_spec::response_examples(doc).expect("the spec's examples");
    let ops = plivo_mpc_spec::operations(doc).expect("the spec's operations");
    let list: Vec<Value> = ops
        .iter()
        .map(|op| {
            let responses: Vec<Value> = examples
                .iter()
                .filter(|e| e.operation_id == op.operation_id)
                .map(|e| {
                    json!({
                        "status": e.status,
                        "name": e.name,
                        "media_type": e.media_type,
                        "value": e.value,
                    })
                })
                .collect();
            let query: serde_json::Map<String, Value> = example_query(op).into_iter().collect();
            json!({
                "operation_id": op.operation_id,
                "method": op.method,
                "path_template": op.path_template,
                "path": concrete_path(op),
                "auth_id": path_example(op, "auth_id"),
                "query": query,
                "body": op.request_body_example(),
                "success_status": op.success_status,
                "examples": responses,
            })
        })
        .collect();
    json!({ "operations": list })
}

async fn replay(doc: &SpecDocument, base: &str) -> bool {
    let examples = plivo_mpc_spec::response_examples(doc).expect("the spec's examples");
    let ops = plivo_mpc_spec::operations(doc).expect("the spec's operations");
    let mut all_ok = true;
    for op in &ops {
        // (status, example name, example value): the documented responses, or the bare success.
        let mut cases: Vec<(u16, String, Option<Value>)> = examples
            .iter()
            .filter(|e| e.operation_id == op.operation_id)
            .map(|e| (e.status, e.name.clone(), Some(e.value.clone())))
            .collect();
        if !cases.iter().any(|(s, _, _)| (200..300).contains(s)) {
            let status = op.success_status.expect("a declared success status");
            cases.push((status, "-".to_owned(), None));
        }
        for (status, name, want) in cases {
            let (ok, detail) = replay_one(op, base, status, &name, want.as_ref()).await;
            all_ok &= ok;
            println!(
                "{}",
                json!({
                    "operation_id": op.operation_id,
                    "status": status,
                    "name": name,
                    "ok": ok,
                    "detail": detail,
                })
            );
        }
    }
    all_ok
}

async fn replay_one(
    op: &Operation,
    base: &str,
    status: u16,
    name: &str,
    want: Option<&Value>,
) -> (bool, String) {
    let auth_id = path_example(op, "auth_id");
    // One client per call: a fresh connection, so the shim sees exactly this request on it.
    let client = MpcClient::builder(Credentials::new(&auth_id, TOKEN).expect("credentials"))
        .base_url(format!("{base}/__prism/{status}/{name}"))
        .retry(RetryPolicy::disabled())
        .build()
        .expect("a client");
    let path: Vec<(&str, String)> = op
        .path_parameters
        .iter()
        .filter(|p| p.name != "auth_id")
        .map(|p| (p.name.as_str(), path_example(op, &p.name)))
        .collect();
    let query = example_query(op);
    let query: Vec<(&str, Value)> = query.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    let outcome = match plivo_mpc::generated::operations::call_by_operation_id(
        &client,
        &op.operation_id,
        &path,
        &query,
        op.request_body_example().cloned(),
    )
    .await
    {
        Ok(outcome) => outcome,
        Err(e) => return (false, format!("not callable: {e}")),
    };
    let (got_status, got) = match &outcome {
        Ok(answer) => (Some(answer.status.as_u16()), Some(answer.json.clone())),
        Err(error) => (
            error.status().map(|s| s.as_u16()),
            error
                .api_error()
                .map(|body| serde_json::to_value(body).expect("serializes")),
        ),
    };
    if got_status != Some(status) {
        let what = match &outcome {
            Ok(_) => "Ok".to_owned(),
            Err(e) => format!("Err: {e}"),
        };
        return (
            false,
            format!("status {got_status:?}, want {status}; {what}"),
        );
    }
    match want {
        None if outcome.is_ok() => (true, String::new()),
        None => (false, format!("{:?}", outcome.err())),
        Some(want) if got.as_ref() == Some(want) => (true, String::new()),
        // JavaScript writes the number 15.0 as 15, and the client keeps the form it read.
        Some(want) if got.as_ref().is_some_and(|got| same_numbers(got, want)) => (
            true,
            "equal as numbers only (a number written differently)".to_owned(),
        ),
        Some(want) => (
            false,
            format!(
                "decoded and written back: {}; example: {want}",
                got.map_or_else(|| "nothing".to_owned(), |v| v.to_string())
            ),
        ),
    }
}

/// Equal, with numbers compared by value (`15` and `15.0` are the same number).
fn same_numbers(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_numbers(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_numbers(v, w)))
        }
        _ => a == b,
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let doc = SpecDocument::load(plivo_mpc_spec::default_spec_path()).expect("the spec loads");
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["plan"] => println!("{}", plan(&doc)),
        ["replay", base] => {
            if !replay(&doc, base.trim_end_matches('/')).await {
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: plivo-mpc-prism plan | replay BASE_URL");
            std::process::exit(2);
        }
    }
}
