//! The Rust client's parse of every 200 example of the spec, printed as canonical JSON (sorted
//! keys, the API's field names): the reference that `cargo xtask polyglot`
//! (`conformance/polyglot/run.py`) holds every other language's client to.
//!
//! ```text
//! cargo run -q -p plivo-mpc-conformance --example reference_parse -- \
//!     --base-url http://127.0.0.1:4010 [--example-url NAME=URL]... [--config FILE]
//! ```
//!
//! Each 200 example is listed by name and by uuid with `plivo_mpc::MpcClient`, the client people
//! use, and the typed page is serialized back with serde (the replay suite proves that this
//! equals the example). The client has no per-request header hook, so an example other than
//! the mock's default (`documented`) is reached through `--example-url NAME=URL`: a base URL
//! that answers with that example, such as the runner's forwarder that adds
//! `Prefer: example=NAME`. An example with no URL is fetched from `--base-url` only when it is
//! the default; the others are reported as skipped.
//!
//! `--config FILE` is the runner's harness config (JSON: `auth_id`, `auth_token`, `mpc_name`,
//! `mpc_uuid`, `examples` {name: url}, `requests_url`, `request_calls`); without it the values
//! come from the spec's parameter examples. The output is
//! `{"client", "parses": {example: {"by_name", "by_uuid"}}, "calls": {id: "ok" | error}}`.
//!
//! With the runner's operations config (`--config FILE` with an `operations` key, see
//! conformance/polyglot/matrix/orchestrate.py) it calls every operation instead, through the
//! client's `call_by_operation_id` (no code per operation): once at `requests_url` (and once more
//! with its query parameters at their examples), then once per response example of the
//! operation at that example's base URL. It prints `{"client", "operations": {id | "id+query":
//! "ok" | "error: ..."}, "examples": {id: {example: parse}}}`, where a parse is the decoded
//! success body written back as JSON, or for an error status `{"$raises", "$status", "$body"}`
//! (the typed error body written back as JSON). The replay suite proves that each of these
//! equals the example, so this is the reading every other client is held to.

use std::collections::BTreeMap;
use std::process::ExitCode;

use plivo_mpc::{Credentials, MpcClient, RetryPolicy};
use plivo_mpc_conformance::catalogue;
use plivo_mpc_conformance::document::{default_spec_path, SpecDocument};
use plivo_mpc_conformance::mock_server::DEFAULT_EXAMPLE;
use serde_json::{json, Map, Value};

const USAGE: &str = "usage: reference_parse --base-url URL [--example-url NAME=URL]... \
                     [--config FILE] [--spec FILE]";

#[derive(Debug, Default)]
struct Args {
    base_url: Option<String>,
    example_urls: BTreeMap<String, String>,
    config: Option<String>,
    spec: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--base-url" => args.base_url = Some(value()?),
            "--config" => args.config = Some(value()?),
            "--spec" => args.spec = Some(value()?),
            "--example-url" => {
                let pair = value()?;
                let (name, url) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("--example-url {pair:?}: expected NAME=URL"))?;
                args.example_urls.insert(name.to_owned(), url.to_owned());
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

/// What to call: the config file's values, else the spec's examples.
struct Plan {
    auth_id: String,
    auth_token: String,
    mpc_name: String,
    mpc_uuid: String,
    /// Every 200 example name, in spec order, with the base URL that serves it (if any).
    examples: Vec<(String, Option<String>)>,
    requests_url: Option<String>,
    request_calls: Vec<Value>,
}

fn plan(args: &Args) -> Result<Plan, Box<dyn std::error::Error>> {
    let spec = args
        .spec
        .clone()
        .map(Into::into)
        .unwrap_or_else(default_spec_path);
    let doc = SpecDocument::load(&spec)?;
    let mut names: Vec<String> = Vec::new();
    for example in catalogue::response_examples(&doc)? {
        if example.status == 200 && !names.contains(&example.name) {
            names.push(example.name);
        }
    }
    let path_example = |name: &str| -> Option<String> {
        catalogue::operations(&doc)
            .ok()?
            .iter()
            .flat_map(|op| op.path_parameters.iter())
            .find(|p| p.name == name)
            .and_then(|p| p.example.as_ref())
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let config: Value = match &args.config {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => json!({}),
    };
    let text = |key: &str, fallback: Option<String>| -> Result<String, String> {
        config
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or(fallback)
            .ok_or_else(|| format!("no {key} in the config or the spec"))
    };
    let mut urls = args.example_urls.clone();
    if let Some(map) = config.get("examples").and_then(Value::as_object) {
        for (name, url) in map {
            if let Some(url) = url.as_str() {
                urls.entry(name.clone()).or_insert_with(|| url.to_owned());
            }
        }
    }
    let examples = names
        .into_iter()
        .map(|name| {
            let url = urls.get(&name).cloned().or_else(|| {
                (name == DEFAULT_EXAMPLE)
                    .then(|| args.base_url.clone())
                    .flatten()
            });
            (name, url)
        })
        .collect();
    Ok(Plan {
        auth_id: text("auth_id", path_example("auth_id"))?,
        auth_token: text("auth_token", Some("polyglot-token".to_owned()))?,
        mpc_name: text("mpc_name", path_example("mpc_name"))?,
        mpc_uuid: text("mpc_uuid", path_example("mpc_uuid"))?,
        examples,
        requests_url: config
            .get("requests_url")
            .and_then(Value::as_str)
            .map(str::to_owned),
        request_calls: config
            .get("request_calls")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    })
}

fn client(plan: &Plan, base_url: &str) -> Result<MpcClient, plivo_mpc::BuildError> {
    MpcClient::builder(Credentials::new(&plan.auth_id, &plan.auth_token)?)
        .base_url(base_url)
        .build()
}

/// One list call: by name or by uuid, with or without `call_uuid`.
async fn list(
    client: &MpcClient,
    by: &str,
    id: &str,
    call_uuid: Option<&str>,
) -> Result<Value, String> {
    let page = if by == "name" {
        let mut call = client.list_participants_by_name(id);
        if let Some(c) = call_uuid {
            call = call.call_uuid(c.to_owned());
        }
        call.send().await
    } else {
        let mut call = client.list_participants_by_uuid(id);
        if let Some(c) = call_uuid {
            call = call.call_uuid(c.to_owned());
        }
        call.send().await
    };
    let page = page.map_err(|e| e.to_string())?.into_inner();
    serde_json::to_value(&page).map_err(|e| e.to_string())
}

/// Sorted keys all the way down, whatever serde_json's map feature.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

async fn run(plan: Plan) -> Result<Value, Box<dyn std::error::Error>> {
    let mut parses = Map::new();
    for (name, url) in &plan.examples {
        let entry = match url {
            None => json!({
                "$skipped": format!("no --example-url for {name}: the client cannot send Prefer")
            }),
            Some(url) => {
                let client = client(&plan, url)?;
                let mut both = Map::new();
                for (key, by, id) in [
                    ("by_name", "name", &plan.mpc_name),
                    ("by_uuid", "uuid", &plan.mpc_uuid),
                ] {
                    let parsed = list(&client, by, id, None)
                        .await
                        .unwrap_or_else(|e| json!({ "$error": e }));
                    both.insert(key.to_owned(), parsed);
                }
                Value::Object(both)
            }
        };
        parses.insert(name.clone(), entry);
    }
    let mut calls = Map::new();
    if let Some(url) = &plan.requests_url {
        let client = client(&plan, url)?;
        for call in &plan.request_calls {
            let id = call["id"].as_str().unwrap_or_default();
            let outcome = list(
                &client,
                call["by"].as_str().unwrap_or_default(),
                call["mpc"].as_str().unwrap_or_default(),
                call["call_uuid"].as_str(),
            )
            .await
            .map(|_| "ok".to_owned())
            .unwrap_or_else(|e| format!("error: {e}"));
            calls.insert(id.to_owned(), Value::String(outcome));
        }
    }
    Ok(canonical(json!({
        "client": concat!("plivo-mpc (Rust, progenitor) ", env!("CARGO_PKG_VERSION")),
        "parses": parses,
        "calls": calls,
    })))
}

/// The runner's operations config, when `--config` is one (it has an `operations` key).
fn operations_config(args: &Args) -> Result<Option<Value>, Box<dyn std::error::Error>> {
    let Some(path) = &args.config else {
        return Ok(None);
    };
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    Ok(config.get("operations").is_some().then_some(config))
}

/// Pairs `[[name, value]]` of the operations config.
fn pairs(value: &Value) -> Vec<(String, Value)> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_owned(), pair.get(1)?.clone())))
        .collect()
}

/// One operation called through `call_by_operation_id` at `base_url`: the decoded body written
/// back as JSON (null without one), or for an error `{"$raises", "$status", "$body"}`.
async fn call_operation(
    config: &Value,
    op: &Value,
    base_url: &str,
    with_query: bool,
) -> Result<Value, String> {
    let text = |key: &str| config[key].as_str().unwrap_or_default().to_owned();
    let client = MpcClient::builder(
        Credentials::new(text("auth_id"), text("auth_token")).map_err(|e| e.to_string())?,
    )
    .base_url(base_url)
    // Each example is answered once, as it is: a retried 429 or 5XX would only ask again.
    .retry(RetryPolicy::disabled())
    .build()
    .map_err(|e| e.to_string())?;
    // auth_id comes from the credentials, the other path values by name.
    let path: Vec<(String, String)> = pairs(&op["path_params"])
        .into_iter()
        .filter(|(name, _)| name != "auth_id")
        .map(|(name, value)| (name, value.as_str().unwrap_or_default().to_owned()))
        .collect();
    let path: Vec<(&str, String)> = path.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    let query = if with_query {
        pairs(&op["query"])
    } else {
        Vec::new()
    };
    let query: Vec<(&str, Value)> = query.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    let body = Some(op["body"].clone()).filter(|b| !b.is_null());
    let id = op["id"].as_str().unwrap_or_default();
    let outcome =
        plivo_mpc::generated::operations::call_by_operation_id(&client, id, &path, &query, body)
            .await?;
    Ok(match outcome {
        Ok(answer) => answer.json,
        Err(error) => {
            let mut raised = Map::new();
            raised.insert("$raises".to_owned(), json!("MpcError"));
            raised.insert(
                "$status".to_owned(),
                json!(error.status().map(|s| s.as_u16())),
            );
            if let Some(body) = error.api_error() {
                raised.insert(
                    "$body".to_owned(),
                    serde_json::to_value(body).map_err(|e| e.to_string())?,
                );
            }
            raised.insert("$error".to_owned(), json!(error.to_string()));
            Value::Object(raised)
        }
    })
}

/// Every operation of the operations config: its calls at `requests_url`, then its examples.
async fn run_operations(config: &Value) -> Result<Value, Box<dyn std::error::Error>> {
    let requests_url = config["requests_url"]
        .as_str()
        .ok_or("the operations config has no requests_url")?;
    let ops = config["operations"].as_array().cloned().unwrap_or_default();
    let mut outcome = Map::new();
    for op in &ops {
        let id = op["id"].as_str().unwrap_or_default();
        let with_query = op["query"].as_array().is_some_and(|q| !q.is_empty());
        for (key, query) in [(id.to_owned(), false), (format!("{id}+query"), true)] {
            if query && !with_query {
                continue;
            }
            let said = match call_operation(config, op, requests_url, query).await {
                Ok(value) if value.get("$raises").is_some() => {
                    format!("error: {}", value["$error"].as_str().unwrap_or_default())
                }
                Ok(_) => "ok".to_owned(),
                Err(e) => format!("error: {e}"),
            };
            outcome.insert(key, Value::String(said));
        }
    }
    let mut examples = Map::new();
    for op in &ops {
        let mut parses = Map::new();
        for example in op["examples"].as_array().into_iter().flatten() {
            let name = example["name"].as_str().unwrap_or_default();
            let url = example["url"].as_str().unwrap_or_default();
            let parse = call_operation(config, op, url, false)
                .await
                .unwrap_or_else(|e| json!({ "$error": e }));
            parses.insert(name.to_owned(), parse);
        }
        examples.insert(
            op["id"].as_str().unwrap_or_default().to_owned(),
            Value::Object(parses),
        );
    }
    Ok(canonical(json!({
        "client": concat!("plivo-mpc (Rust, progenitor) ", env!("CARGO_PKG_VERSION")),
        "operations": outcome,
        "examples": examples,
    })))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if args.base_url.is_none() && args.config.is_none() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let result = match operations_config(&args) {
        Ok(Some(config)) => tokio::runtime::Runtime::new()
            .map_err(Into::into)
            .and_then(|rt| rt.block_on(run_operations(&config))),
        Ok(None) => {
            plan(&args).and_then(|plan| tokio::runtime::Runtime::new()?.block_on(run(plan)))
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("reference_parse: {e}");
            ExitCode::FAILURE
        }
    }
}
