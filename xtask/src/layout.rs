//! Where things are in the repository. Every path xtask reads or writes is
//! derived from one root so that tests can point the commands at a temporary
//! copy of the layout (`--root DIR` or `XTASK_ROOT`) and never touch the
//! real `openapi/`.

use std::path::{Path, PathBuf};

use crate::codegen;

/// Environment variable naming the repository root (`--root` wins over it).
pub const ROOT_ENV_VAR: &str = "XTASK_ROOT";

/// The files of one repository checkout that xtask cares about.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    /// A layout rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout { root: root.into() }
    }

    /// `--root` if given, else `XTASK_ROOT`, else the parent of xtask's own
    /// manifest directory (the repository this binary was built from).
    pub fn resolve(root_arg: Option<PathBuf>) -> Self {
        let root = root_arg
            .or_else(|| {
                std::env::var_os(ROOT_ENV_VAR)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(default_root);
        Layout::new(root)
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The spec the crate is built from (`openapi/incident-io.json`).
    pub fn spec(&self) -> PathBuf {
        self.root.join(codegen::DEFAULT_SPEC_PATH)
    }

    /// The provenance file beside the spec (`openapi/incident-io.lock.json`).
    pub fn lock(&self) -> PathBuf {
        self.spec().with_extension("lock.json")
    }

    /// The crate's manifest, read for its version (the semver advice).
    pub fn manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }

    /// The changelog a refresh adds its change report to (`CHANGELOG.md`).
    pub fn changelog(&self) -> PathBuf {
        self.root.join("CHANGELOG.md")
    }

    /// The `version` of the `[package]` in the root manifest, if there is one.
    /// A line scan is enough for the one key we need and spares a TOML parser.
    pub fn crate_version(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.manifest()).ok()?;
        package_version(&text)
    }
}

fn default_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// The `version = "…"` line of the `[package]` table of a manifest.
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        if !in_package {
            continue;
        }
        let Some(rest) = line.strip_prefix("version") else {
            continue;
        };
        let value = rest.trim_start().strip_prefix('=')?.trim();
        return value
            .strip_prefix('"')
            .and_then(|v| v.split('"').next())
            .map(str::to_owned);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_version_only() {
        let manifest = "[workspace]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"0.1.0\"\n[dependencies]\nversion = \"1\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.1.0"));
        assert_eq!(
            package_version("[package]\nversion.workspace = true\n"),
            None
        );
    }

    #[test]
    fn lock_sits_beside_the_spec() {
        let layout = Layout::new("/r");
        assert_eq!(layout.spec(), Path::new("/r/openapi/incident-io.json"));
        assert_eq!(layout.lock(), Path::new("/r/openapi/incident-io.lock.json"));
    }
}
