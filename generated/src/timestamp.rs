//! Plivo's timestamps: `YYYY-MM-DD HH:MM:SS+hh:mm`, offset kept.
//!
//! Not RFC 3339 (a space instead of `T`), and the offset is not always `+00:00`. chrono's
//! `DateTime` would parse the text but write it back as `2021-04-05T11:57:51Z` and compare two
//! texts with different offsets as equal; this type keeps the offset, compares it, and writes
//! back exactly the text it read.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Utc};

const FORMAT: &str = "%Y-%m-%d %H:%M:%S%:z";

/// A moment as Plivo writes it, with its UTC offset.
///
/// ```
/// use plivo_mpc::Timestamp;
///
/// let t: Timestamp = "2020-07-09 12:55:07+05:30".parse().unwrap();
/// assert_eq!(t.instant().offset().local_minus_utc(), 5 * 3600 + 30 * 60);
/// assert_eq!(t.to_utc().to_rfc3339(), "2020-07-09T07:25:07+00:00");
/// assert_eq!(t.to_string(), "2020-07-09 12:55:07+05:30");
/// ```
#[derive(Clone, Copy)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    /// The moment with the offset it was written in.
    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The same moment in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }
}

/// A text that is not `YYYY-MM-DD HH:MM:SS±hh:mm`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a Plivo timestamp (expected YYYY-MM-DD HH:MM:SS+hh:mm, such as 2021-04-05 11:57:51+00:00)")]
pub struct TimestampError {
    pub text: String,
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Every timestamp Plivo sends has the one fixed-width form: read it field by field.
        // Anything else takes chrono's way below, so what is accepted does not change.
        if let Some(parsed) = parse_fixed_width(text.as_bytes()) {
            return Ok(Self(parsed));
        }
        let error = || TimestampError {
            text: text.to_owned(),
        };
        let parsed = DateTime::parse_from_str(text, FORMAT).map_err(|_| error())?;
        // chrono's parser tolerates variants (a `-00:00` offset, unpadded fields) that would not
        // be written back the same; accepting only what formats back identically makes the
        // round trip exact without keeping a second copy of the text.
        if parsed.format(FORMAT).to_string() != text {
            return Err(error());
        }
        Ok(Self(parsed))
    }
}

/// `YYYY-MM-DD HH:MM:SS±hh:mm`, every field in range: the texts that `FORMAT` parses and writes
/// back unchanged (all fields fixed-width), but a leap second (`:60`), left to chrono, and
/// `-00:00`, which chrono writes back as `+00:00` and so is left to the slow path to refuse.
fn parse_fixed_width(b: &[u8]) -> Option<DateTime<FixedOffset>> {
    use chrono::{NaiveDate, NaiveTime, TimeZone as _};
    if b.len() != 25
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
        || b[22] != b':'
    {
        return None;
    }
    let digit = |i: usize| b[i].is_ascii_digit().then(|| u32::from(b[i] - b'0'));
    let two = |i: usize| Some(digit(i)? * 10 + digit(i + 1)?);
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1, // never 0, so `sign < 0` read as `sign <= 0` cannot matter (cargo-mutants)
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt((two(0)? * 100 + two(2)?) as i32, two(5)?, two(8)?)?;
    let time = NaiveTime::from_hms_opt(two(11)?, two(14)?, two(17)?)?;
    let (hours, minutes) = (two(20)?, two(23)?);
    if minutes >= 60 || (sign < 0 && hours == 0 && minutes == 0) {
        return None;
    }
    let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60) as i32)?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

/// Equal when both the moment and the offset are equal, that is, when the texts are equal.
impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.0.offset() == other.0.offset()
    }
}

impl Eq for Timestamp {}

/// Ordered by the instant; two texts of the same instant (another offset) by their offset, so
/// that the order agrees with `Eq`.
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0).then_with(|| {
            self.0
                .offset()
                .local_minus_utc()
                .cmp(&other.0.offset().local_minus_utc())
        })
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    /// The instant with its offset; written back as Plivo writes it (whole seconds: a fraction
    /// of a second is dropped).
    fn from(value: DateTime<FixedOffset>) -> Self {
        use chrono::Timelike as _;
        Self(value.with_nanosecond(0).unwrap_or(value))
    }
}

impl From<Timestamp> for DateTime<FixedOffset> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.timestamp().hash(state);
        self.0.offset().local_minus_utc().hash(state);
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor parses the text where the deserializer holds it (serde's `Cow<str>` always
        // allocates a `String` first: one allocation per timestamp in the benchmark's profile).
        deserializer.deserialize_str(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl serde::de::Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        // What serde's own string visitor says, so a wrong type reads as it did before.
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
        text.parse().map_err(E::custom)
    }
}

/// The schema of the spec's `Timestamp` component, so that the conformance suite can compare it.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_order_by_instant_and_convert_to_and_from_chrono() {
        let utc: Timestamp = "2021-04-05 11:57:51+00:00".parse().unwrap();
        let india: Timestamp = "2021-04-05 17:27:51+05:30".parse().unwrap();
        let later: Timestamp = "2021-04-05 11:57:52+00:00".parse().unwrap();
        assert!(utc < later && india < later);
        assert_ne!(utc, india, "same instant, other text");
        assert_eq!(
            utc.cmp(&india),
            std::cmp::Ordering::Less,
            "ties broken by offset"
        );
        let chrono_value: DateTime<FixedOffset> = india.into();
        assert_eq!(Timestamp::from(chrono_value), india);
        assert_eq!(
            Timestamp::from(chrono_value).to_string(),
            "2021-04-05 17:27:51+05:30"
        );
    }

    #[test]
    fn round_trips_the_exact_text() {
        for text in [
            "2021-04-05 11:57:51+00:00",
            "2020-05-18 22:02:52+05:30",
            "1999-12-31 23:59:59-08:00",
        ] {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_value(t).unwrap(), text);
        }
    }

    #[test]
    fn keeps_the_offset_and_the_instant() {
        let t: Timestamp = "2020-05-18 22:02:52+05:30".parse().unwrap();
        assert_eq!(t.instant().offset().local_minus_utc(), 19_800);
        assert_eq!(t.to_utc().to_rfc3339(), "2020-05-18T16:32:52+00:00");
    }

    #[test]
    fn the_same_moment_in_another_offset_is_a_different_value() {
        let a: Timestamp = "2020-07-09 07:25:07+00:00".parse().unwrap();
        let b: Timestamp = "2020-07-09 12:55:07+05:30".parse().unwrap();
        assert_eq!(a.to_utc(), b.to_utc());
        assert_ne!(a, b);
    }

    #[test]
    fn refuses_other_shapes_and_names_the_text() {
        for text in [
            "2021-04-05T11:57:51+00:00",
            "2021-04-05 11:57:51",
            "2021-04-05 11:57:51Z",
            "2021-04-05 11:57:51+0000",
            "2021-04-05 11:57:51.5+00:00",
            "2021-4-5 11:57:51+00:00",
            "2021-04-05 11:57:51-00:00",
            "",
        ] {
            let err = text.parse::<Timestamp>().unwrap_err();
            assert!(err.to_string().contains(&format!("{text:?}")), "{err}");
        }
    }

    #[test]
    fn the_fixed_width_path_agrees_with_chrono() {
        let slow = |text: &str| {
            DateTime::parse_from_str(text, FORMAT)
                .ok()
                .filter(|p| p.format(FORMAT).to_string() == text)
        };
        let mut checked = 0;
        for date in [
            "2021-04-05",
            "0000-01-01",
            "9999-12-31",
            "2020-02-29",
            "2021-02-29",
            "2021-00-10",
            "2021-13-10",
            "2021-04-00",
            "2021-04-31",
            "2021-12-32",
        ] {
            for time in [
                "00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "1a:00:00",
            ] {
                for offset in [
                    "+00:00", "-00:00", "+05:30", "-08:00", "+23:59", "-23:59", "+24:00", "+00:60",
                    "+99:99", "*00:00",
                ] {
                    let text = format!("{date} {time}{offset}");
                    let fast = parse_fixed_width(text.as_bytes());
                    // The same texts, not only the same values: a fast path that turned some
                    // away would go unnoticed otherwise, as the slow path takes them
                    // (cargo-mutants: `parse_fixed_width` always `None` survived). Only a leap
                    // second, which chrono reads, is left to the slow path.
                    if time.ends_with(":60") {
                        assert_eq!(fast, None, "{text}");
                    } else {
                        assert_eq!(fast, slow(&text), "{text}");
                    }
                    if let Some(fast) = fast {
                        assert_eq!(fast.offset(), slow(&text).unwrap().offset(), "{text}");
                    }
                    assert_eq!(
                        text.parse::<Timestamp>().ok().map(|t| t.0),
                        slow(&text),
                        "{text}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 600);
    }

    /// Each separator in its place and nothing else there, on the fast path too (cargo-mutants:
    /// with an `||` of its separator check read as `&&`, a text with one wrong separator went
    /// through it).
    #[test]
    fn the_fixed_width_path_checks_every_separator() {
        let valid = "2021-04-05 11:57:51+05:30";
        assert!(parse_fixed_width(valid.as_bytes()).is_some());
        for at in [4, 7, 10, 13, 16, 19, 22] {
            let mut bytes = valid.as_bytes().to_vec();
            bytes[at] = b'x';
            let text = String::from_utf8(bytes).unwrap();
            assert_eq!(parse_fixed_width(text.as_bytes()), None, "{text}");
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }

    /// What `Eq` tells apart, the hash tells apart too: the instant and the offset (cargo-mutants:
    /// a hash of nothing, equal for every timestamp, went unnoticed; maps keep working with it,
    /// only slowly). `DefaultHasher`'s default keys are fixed, so this is the same every run.
    #[test]
    fn the_hash_covers_the_instant_and_the_offset() {
        use std::hash::{BuildHasher as _, BuildHasherDefault};
        let hash = |text: &str| {
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .hash_one(text.parse::<Timestamp>().unwrap())
        };
        let utc = hash("2021-04-05 11:57:51+00:00");
        assert_eq!(utc, hash("2021-04-05 11:57:51+00:00"));
        assert_ne!(utc, hash("2021-04-05 11:57:52+00:00"), "another instant");
        assert_ne!(utc, hash("2021-04-05 17:27:51+05:30"), "another offset");
    }

    /// The JSON Schema is the spec's component of the same name (cargo-mutants: an empty schema,
    /// or another name, went unnoticed by the tests that decode timestamps).
    #[cfg(feature = "schemars")]
    #[test]
    fn the_json_schema_is_the_specs_component_of_that_name() {
        use schemars::JsonSchema as _;
        let doc =
            plivo_mpc_conformance::SpecDocument::load(plivo_mpc_conformance::default_spec_path())
                .unwrap();
        let name = Timestamp::schema_name();
        let spec = doc
            .at(&format!("/components/schemas/{name}"))
            .unwrap_or_else(|| panic!("the spec has no component {name:?}"));
        let ours = serde_json::to_value(schemars::schema_for!(Timestamp)).unwrap();
        assert_eq!(ours["type"], spec["type"]);
        assert_eq!(ours["pattern"], spec["pattern"]);
    }

    #[test]
    fn deserialization_errors_say_what_was_expected() {
        let err = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
        assert!(
            err.to_string().contains("YYYY-MM-DD HH:MM:SS+hh:mm"),
            "{err}"
        );
        // Another type: what the visitor expects (cargo-mutants: `expecting` writing nothing
        // went unnoticed).
        let err = serde_json::from_str::<Timestamp>("20210405").unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}
