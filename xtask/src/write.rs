//! All-or-nothing writes into the repository.
//!
//! A refresh changes several files (the spec and the provenance file today;
//! later perhaps the `[features]` table of Cargo.toml). They are collected in
//! a [`Plan`] and only written once everything has been validated. Each file
//! is first written in full to a temporary file in its own directory, then
//! renamed over the target: a reader never sees half a spec, and `rename(2)`
//! replaces a symlink itself rather than writing through it to its target.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Error;

/// Files to replace, in order.
#[derive(Debug, Default)]
pub struct Plan {
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Plan {
    /// Adds `path` with its new contents.
    pub fn stage(&mut self, path: PathBuf, contents: Vec<u8>) {
        self.files.push((path, contents));
    }

    /// The staged paths, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(p, _)| p.as_path())
    }

    /// Writes every staged file to a temporary sibling, then renames them all
    /// into place. If any temporary file cannot be written nothing is
    /// replaced and the temporary files are removed.
    pub fn commit(self) -> Result<(), Error> {
        let mut staged: Vec<(PathBuf, TempFile)> = Vec::new();
        for (path, contents) in &self.files {
            staged.push((path.clone(), TempFile::write_beside(path, contents)?));
        }
        for (path, temp) in staged {
            temp.rename_to(&path)?;
        }
        Ok(())
    }
}

/// A fully written temporary file, removed on drop unless renamed.
struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    fn write_beside(target: &Path, contents: &[u8]) -> Result<TempFile, Error> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
        let write_err = |source| Error::Write {
            path: target.to_path_buf(),
            source,
        };
        let (path, mut file) = create_unique(dir, &name).map_err(write_err)?;
        // From here on, dropping `temp` (an early return) removes the file.
        let temp = TempFile { path: Some(path) };
        file.write_all(contents)
            .and_then(|()| file.sync_all())
            .map_err(write_err)?;
        Ok(temp)
    }

    fn rename_to(mut self, target: &Path) -> Result<(), Error> {
        let Some(path) = self.path.take() else {
            return Ok(());
        };
        fs::rename(&path, target).map_err(|source| {
            let _ = fs::remove_file(&path);
            Error::Write {
                path: target.to_path_buf(),
                source,
            }
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Creates `.<name>.tmp<pid>-<n>` in `dir`, never reusing an existing file.
fn create_unique(dir: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut n = 0u32;
    loop {
        let path = dir.join(format!(".{name}.tmp{pid}-{n}"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_a_symlink_not_its_target() {
        let dir = scratch("symlink");
        fs::write(dir.join("target.json"), "old").unwrap();
        std::os::unix::fs::symlink("target.json", dir.join("link.json")).unwrap();
        let mut plan = Plan::default();
        plan.stage(dir.join("link.json"), b"new".to_vec());
        plan.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("target.json")).unwrap(), "old");
        assert!(
            !fs::symlink_metadata(dir.join("link.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(dir.join("link.json")).unwrap(), "new");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            2,
            "no temporary file left"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn nothing_is_replaced_when_one_file_cannot_be_staged() {
        let dir = scratch("partial");
        fs::write(dir.join("a"), "old").unwrap();
        let mut plan = Plan::default();
        plan.stage(dir.join("a"), b"new".to_vec());
        plan.stage(dir.join("missing-dir").join("b"), b"new".to_vec());
        let err = plan.commit().unwrap_err();
        assert!(err.to_string().contains("missing-dir"), "{err}");
        assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no temporary file left"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
