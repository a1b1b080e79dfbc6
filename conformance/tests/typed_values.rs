//! The typed views of open string sets (`x-extensible-enum` in the spec, `plivo_mpc::values` in
//! the client): every value the spec lists is a variant of its own and reads back as sent, any
//! other value is `Other` with the text as sent, and the models' `typed_*` methods read the field
//! they are named after.

mod support;

use plivo_mpc::types::ParticipantList;
use plivo_mpc::values::{self, Role};
use serde_json::Value;

/// (schema, property, listed values) of every component property with `x-extensible-enum`.
fn open_sets() -> Vec<(String, String, Vec<String>)> {
    let doc = support::spec();
    let mut sets = Vec::new();
    let schemas = doc.at("/components/schemas").and_then(Value::as_object);
    for (schema, body) in schemas.into_iter().flatten() {
        let properties = body.get("properties").and_then(Value::as_object);
        for (property, definition) in properties.into_iter().flatten() {
            if let Some(list) = definition.get("x-extensible-enum") {
                let values = list
                    .as_array()
                    .expect("x-extensible-enum is a list")
                    .iter()
                    .map(|v| v.as_str().expect("a listed value is a string").to_owned())
                    .collect();
                sets.push((schema.clone(), property.clone(), values));
            }
        }
    }
    sets
}

#[test]
fn every_listed_value_is_known_and_reads_back_as_sent() {
    let sets = open_sets();
    assert!(
        sets.len() >= 5,
        "the spec lists the values of role, exit_cause, status, recording and termination_cause; \
         found {} open sets",
        sets.len()
    );
    for (schema, property, listed) in &sets {
        for value in listed {
            assert_eq!(
                values::view(schema, property, value),
                Some((true, value.clone())),
                "{schema}.{property}: the listed value {value:?}"
            );
        }
    }
}

#[test]
fn any_other_value_is_kept_as_sent() {
    for (schema, property, listed) in open_sets() {
        // Matched exactly: a listed value in another case is not that value (the docs capitalise
        // roles that every body sends in lower case), and neither is anything unlisted.
        let others = [
            listed[0].to_uppercase(),
            format!("{} ", listed[0]),
            String::new(),
            "a value Plivo adds later".to_owned(),
        ];
        for other in others.iter().filter(|o| !listed.contains(o)) {
            assert_eq!(
                values::view(&schema, &property, other),
                Some((false, other.clone())),
                "{schema}.{property}: the unlisted value {other:?}"
            );
        }
    }
    assert_eq!(values::view("Participant", "member_id", "1"), None);
}

#[test]
fn typed_methods_read_the_field_of_their_name() {
    let documented = support::documented();
    let page: ParticipantList =
        serde_json::from_value(documented.value.clone()).expect("the documented page decodes");
    assert!(!page.objects.is_empty());
    for participant in &page.objects {
        assert_eq!(participant.typed_role().as_str(), participant.role);
        assert_eq!(
            participant.typed_exit_cause().map(|c| c.to_string()),
            participant.exit_cause.as_option().cloned()
        );
    }
    let agent = page
        .objects
        .iter()
        .find(|p| p.role == "agent")
        .expect("the documented page has an agent");
    assert_eq!(agent.typed_role(), Role::Agent);
}
