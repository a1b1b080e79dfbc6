//! The spec as a release (policy in openapi/CHANGELOG.md): `info.version` is a plain semver
//! version with a section in the changelog, every released spec kept in `openapi/releases/` is a
//! loadable spec whose own version is its file name and whose section says it was released, and
//! the spec's version is not below the last release. `.ci/breaking` compares the spec with that
//! release.

use std::path::PathBuf;

use plivo_mpc_spec::{default_spec_path, workspace_root, SpecDocument};
use semver::Version;

fn info_version(doc: &SpecDocument) -> Version {
    let text = doc
        .at("/info/version")
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("{}: /info/version is not a string", doc.path().display()));
    let version = Version::parse(text)
        .unwrap_or_else(|e| panic!("{}: info.version {text:?}: {e}", doc.path().display()));
    assert!(
        version.pre.is_empty() && version.build.is_empty(),
        "{}: info.version {version} has a suffix; the policy allows MAJOR.MINOR.PATCH only",
        doc.path().display()
    );
    version
}

/// The heading line of `version`'s section in openapi/CHANGELOG.md, if there is one.
fn changelog_heading(version: &Version) -> Option<String> {
    let path = workspace_root().join("openapi/CHANGELOG.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let prefix = format!("## {version} ");
    text.lines()
        .find(|line| line.starts_with(&prefix))
        .map(str::to_owned)
}

/// Each file of openapi/releases/ with the version its name gives.
fn releases() -> Vec<(Version, PathBuf)> {
    let dir = workspace_root().join("openapi/releases");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stem = name
            .strip_suffix(".yaml")
            .unwrap_or_else(|| panic!("{}: a release is a <version>.yaml file", path.display()));
        let version = Version::parse(stem).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((version, path));
    }
    out.sort();
    out
}

#[test]
fn the_spec_version_has_a_changelog_section() {
    let doc = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let version = info_version(&doc);
    let heading = changelog_heading(&version)
        .unwrap_or_else(|| panic!("openapi/CHANGELOG.md has no `## {version} (...)` section"));
    let released = releases().iter().any(|(v, _)| *v == version);
    assert_eq!(
        heading.contains("(released"),
        released,
        "{heading:?}: says released exactly when openapi/releases/{version}.yaml exists"
    );
}

#[test]
fn every_release_is_a_spec_of_its_own_version_with_a_section() {
    let releases = releases();
    assert!(
        !releases.is_empty(),
        "openapi/releases/ holds no released spec"
    );
    for (version, path) in releases {
        let doc = SpecDocument::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info_version(&doc), version, "{}", path.display());
        let heading = changelog_heading(&version)
            .unwrap_or_else(|| panic!("openapi/CHANGELOG.md has no section for {version}"));
        assert!(
            heading.contains("(released"),
            "{heading:?}: {} exists, so the section says released",
            path.display()
        );
    }
}

#[test]
fn the_spec_version_is_not_below_the_last_release() {
    let doc = SpecDocument::load(default_spec_path()).unwrap_or_else(|e| panic!("{e}"));
    let (last, path) = releases().pop().expect("at least one release");
    assert!(
        info_version(&doc) >= last,
        "info.version {} is below the last release, {}",
        info_version(&doc),
        path.display()
    );
}
