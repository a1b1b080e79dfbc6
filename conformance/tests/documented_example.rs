//! The `documented` example is Plivo's published response, verbatim: it is compared with the
//! doc page this project started from, kept in `openapi/evidence/`.

mod support;

use serde_json::Value;

const DOC_PAGE: &str = "openapi/evidence/retrieve-all-participant-details.txt";

/// The JSON body between "HTTP Status Code: 200" and "Example Request" on the saved page.
fn published_response() -> Value {
    let path = plivo_mpc_conformance::workspace_root().join(DOC_PAGE);
    let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start = page
        .find("HTTP Status Code: 200")
        .expect("the page shows a 200 response");
    let body = &page[start..];
    let body = &body[body.find('{').unwrap()..body.find("Example Request").unwrap()];
    serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{DOC_PAGE}: {e}"))
}

#[test]
fn the_documented_example_is_the_published_response_verbatim() {
    let doc = support::spec();
    let documented: Vec<_> = plivo_mpc_conformance::response_examples(&doc)
        .unwrap()
        .into_iter()
        .filter(|e| e.status == 200 && e.name == "documented")
        .collect();
    assert!(!documented.is_empty(), "no 200 example named `documented`");
    let published = published_response();
    for example in documented {
        assert_eq!(
            example.value, published,
            "{} differs from {DOC_PAGE}",
            example.pointer
        );
    }
}
