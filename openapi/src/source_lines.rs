//! Finding the YAML line behind a JSON pointer, so that messages can say `file:line`.
//!
//! The spec is written in block style, so the key of each pointer token can be found as the
//! first line after its parent, indented deeper than the parent, that starts with `key:`
//! (or `- ` for an array index). A flow-style value (the verbatim `documented` example is JSON
//! inside the YAML) is searched the same way for `"key":`. When a token cannot be found, the
//! line of the deepest token found is returned: it is still the right neighbourhood.

pub(crate) fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let tokens = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"));
    let mut at: Option<usize> = None; // index of the line holding the current parent
    for token in tokens {
        let start = at.map_or(0, |i| i + 1);
        let parent_indent = at.map_or(-1, |i| indent(lines[i]) as isize);
        let found = match token.parse::<usize>() {
            Ok(index) => nth_item(&lines, start, parent_indent, index),
            Err(_) => find_key(&lines, start, parent_indent, &token),
        };
        match found {
            Some(i) => at = Some(i),
            None => break,
        }
    }
    at.map(|i| i + 1)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_key_line(trimmed: &str, key: &str) -> bool {
    let trimmed = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    [
        format!("{key}:"),
        format!("'{key}':"),
        format!("\"{key}\":"),
    ]
    .iter()
    .any(|k| trimmed.starts_with(k.as_str()))
}

fn find_key(lines: &[&str], start: usize, parent_indent: isize, key: &str) -> Option<usize> {
    for (i, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if (indent(line) as isize) <= parent_indent {
            return None;
        }
        if is_key_line(trimmed, key) {
            return Some(i);
        }
    }
    None
}

fn nth_item(lines: &[&str], start: usize, parent_indent: isize, index: usize) -> Option<usize> {
    let mut item_indent = None;
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if (indent(line) as isize) <= parent_indent {
            return None;
        }
        // Block items start with "- "; flow items (inside `[ ... ]`) with "{".
        if trimmed.starts_with("- ") || trimmed == "-" || trimmed.starts_with('{') {
            let this_indent = indent(line);
            if *item_indent.get_or_insert(this_indent) == this_indent {
                if seen == index {
                    return Some(i);
                }
                seen += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const TEXT: &str = "\
a:
  b:
    c: 1
  list:
    - x: 1
    - x: 2
      y: 3
  'quoted/key': {
    \"k\": [
      {
        \"z\": 1
      },
      {
        \"z\": 2
      }
    ]
  }
";

    #[test]
    fn follows_block_keys_and_items() {
        assert_eq!(line_of(TEXT, "/a/b/c"), Some(3));
        assert_eq!(line_of(TEXT, "/a/list/1/y"), Some(7));
        assert_eq!(line_of(TEXT, "/a/list/0"), Some(5));
    }

    #[test]
    fn follows_escaped_and_flow_keys() {
        assert_eq!(line_of(TEXT, "/a/quoted~1key/k/1/z"), Some(14));
    }

    #[test]
    fn stops_at_the_deepest_known_key() {
        assert_eq!(line_of(TEXT, "/a/b/missing"), Some(2));
        assert_eq!(line_of(TEXT, "/nothing"), None);
    }
}
