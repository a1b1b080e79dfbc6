//! Path values as one percent-encoded segment each, for every operation.
//!
//! progenitor 0.15.1 encodes path values with its `encode_path`, which leaves `\` as it is; the
//! URL parser then reads `\` as `/` and splits the segment. Such a value is handed to progenitor
//! as a placeholder (letters and digits, which nothing changes), and the `pre` hook puts the
//! value in its place, encoded by [`encode_path_segment`]. Any other value goes progenitor's way.

/// Characters escaped in one path segment (RFC 3986 `segment`, and `\`, which URL parsers
/// read as a separator).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `value` percent-encoded as one path segment: every character that could end the segment,
/// start a query or fragment, or be read as a separator is escaped.
pub(crate) fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// The values of one call that stand behind placeholders, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PathValues(Vec<String>);

/// A path value that no URL can carry: `.` or `..` as a whole segment is a dot-segment, which
/// URL parsers resolve away (percent-encoded too: `%2e%2e` counts as `..`), so the request would
/// go to another resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DotSegment(pub String);

impl PathValues {
    /// What to give progenitor for `value`: the value, or a placeholder for it. `whole_segment`
    /// says whether the value is a segment on its own (`{member_id}`) rather than part of one
    /// (`name_{mpc_name}`).
    pub(crate) fn hand_over(
        &mut self,
        value: String,
        whole_segment: bool,
    ) -> Result<String, DotSegment> {
        // Compared without case and without a lowered copy (this runs on every call).
        let dot_segment = [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|dots| value.eq_ignore_ascii_case(dots));
        if whole_segment && dot_segment {
            return Err(DotSegment(value));
        }
        if !value.contains('\\') {
            return Ok(value);
        }
        let placeholder = placeholder(self.0.len());
        self.0.push(value);
        Ok(placeholder)
    }

    /// `path` with every placeholder replaced by its value, encoded; an error names a
    /// placeholder that is missing (the URL was not built as expected).
    pub(crate) fn fill(&self, path: &str) -> Result<String, String> {
        let mut path = path.to_owned();
        for (index, value) in self.0.iter().enumerate() {
            let placeholder = placeholder(index);
            if !path.contains(&placeholder) {
                return Err(format!(
                    "internal: path value {index} is missing from the URL path"
                ));
            }
            path = path.replacen(&placeholder, &encode_path_segment(value), 1);
        }
        Ok(path)
    }

    /// No values behind placeholders: the `pre` hook then leaves the URL alone. (cargo-mutants:
    /// `false` here cannot matter: `fill` with no values returns the path unchanged, and setting
    /// a parsed URL's own path again changes nothing, as it holds no dot-segment left to
    /// resolve. The check only spares every call without a `\` that copy.)
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn placeholder(index: usize) -> String {
    format!("plivompcpathvalue{index}placeholder")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_backslashes_take_the_long_way() {
        let mut values = PathValues::default();
        assert_eq!(
            values.hand_over("my conf/1".to_owned(), false).unwrap(),
            "my conf/1"
        );
        let first = values.hand_over(r"a\b".to_owned(), false).unwrap();
        let second = values.hand_over(r"c\d".to_owned(), true).unwrap();
        assert_ne!(first, second);
        let path = format!("/x/name_{first}/P/{second}/");
        assert_eq!(values.fill(&path).unwrap(), "/x/name_a%5Cb/P/c%5Cd/");
        assert!(values.fill("/x/").unwrap_err().contains("missing"));
    }

    #[test]
    fn a_whole_segment_cannot_be_a_dot_segment() {
        let mut values = PathValues::default();
        for dots in [".", "..", "%2e%2E", ".%2e"] {
            assert!(values.hand_over(dots.to_owned(), true).is_err(), "{dots}");
            assert!(
                values.hand_over(dots.to_owned(), false).is_ok(),
                "name_{dots} is fine"
            );
        }
        assert!(values.hand_over("...".to_owned(), true).is_ok());
    }

    #[test]
    fn a_segment_never_splits_or_ends_the_path() {
        for c in ['/', '?', '#', '\\', ' '] {
            let encoded = encode_path_segment(&format!("a{c}b"));
            assert!(!encoded.contains(c), "{c:?} -> {encoded}");
        }
        assert_eq!(encode_path_segment("100%"), "100%25");
        assert_eq!(encode_path_segment("café"), "caf%C3%A9");
    }
}
