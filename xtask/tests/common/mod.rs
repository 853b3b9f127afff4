//! Helpers shared by the integration tests: the real specs in
//! `../shared/openapi`, throw-away repository roots, running the binary, and
//! fingerprints of `openapi/` to prove a failed command changed nothing.

#![allow(dead_code, reason = "each test file uses a different subset")]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use sha2::{Digest, Sha256};

/// `SOURCE_DATE_EPOCH` for 2026-08-21, so provenance dates are predictable.
pub const EPOCH_2026_08_21: &str = "1787270400";

/// `shared/openapi/<rel>` beside the repository.
pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/openapi")
        .join(rel)
}

/// A small valid spec: one operation, two schemas, one tag. Generates in
/// milliseconds, so tests that write a spec need not pay for the real one.
pub const MINI_SPEC: &str = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
 "paths":{"/v1/things/{id}":{"get":{"operationId":"Things V1#Show","tags":["Things V1"],
   "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],
   "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ThingsShowResultV1"}}}}}}}},
 "components":{"schemas":{"ThingsShowResultV1":{"type":"object","properties":{"thing":{"$ref":"#/components/schemas/ThingV1"}},"required":["thing"]},
   "ThingV1":{"type":"object","properties":{"id":{"type":"string"},"color":{"type":"string","enum":["red","blue"]}},"required":["id"]}}}}"##;

/// A provenance file as committed (its values do not matter to the tests,
/// only that it must stay byte-for-byte the same on failure).
pub const LOCK: &str = "{\n  \"source\": \"https://api.incident.io/v1/openapiV3.json\",\n  \"sha256\": \"322cf815dc69c4c3e0593db8259a64a9c2f334f011601b4ac4a1e1444ad79ed4\",\n  \"date\": \"2026-08-21\",\n  \"operations\": 218,\n  \"schemas\": 902,\n  \"tags\": 48\n}\n";

/// A temporary repository root, removed on drop.
pub struct Root {
    pub dir: PathBuf,
}

impl Root {
    /// An empty root with an `openapi/` and an `in/` directory.
    pub fn empty(name: &str) -> Root {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-it-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("openapi")).unwrap();
        fs::create_dir_all(dir.join("in")).unwrap();
        Root { dir }
    }

    /// A root whose `openapi/incident-io.json` is a symlink to the shared
    /// spec `rel` (as in the repository) beside the committed-style lock.
    pub fn pinned(name: &str, rel: &str) -> Root {
        let root = Root::empty(name);
        root.pin(&shared(rel));
        root
    }

    /// Makes `openapi/incident-io.json` a symlink to `target` (a file
    /// outside `openapi/`) and writes the committed-style lock beside it.
    pub fn pin(&self, target: &Path) {
        std::os::unix::fs::symlink(target, self.spec()).unwrap();
        fs::write(self.lock(), LOCK).unwrap();
    }

    pub fn spec(&self) -> PathBuf {
        self.dir.join("openapi/incident-io.json")
    }

    pub fn lock(&self) -> PathBuf {
        self.dir.join("openapi/incident-io.lock.json")
    }

    /// Writes an input file under `in/` and returns its path.
    pub fn input(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join("in").join(name);
        fs::write(&path, contents).unwrap();
        path
    }

    /// Every entry of `openapi/`: a symlink's target or a file's sha256.
    pub fn fingerprint(&self) -> BTreeMap<String, String> {
        fs::read_dir(self.dir.join("openapi"))
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let meta = fs::symlink_metadata(entry.path()).unwrap();
                let what = if meta.file_type().is_symlink() {
                    format!("-> {}", fs::read_link(entry.path()).unwrap().display())
                } else {
                    sha256(&fs::read(entry.path()).unwrap())
                };
                (entry.file_name().to_string_lossy().into_owned(), what)
            })
            .collect()
    }

    /// Runs `cargo xtask <args> --root <this root>`.
    pub fn xtask(&self, args: &[&str]) -> Run {
        let mut full: Vec<&str> = args.to_vec();
        let root = self.dir.to_str().unwrap().to_owned();
        full.extend(["--root", &root]);
        xtask(&full)
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// `spec` cut down to the operations tagged with one of `tags` and the
/// component schemas they reach through `$ref`s (webhooks dropped): a real
/// spec's shapes at a fraction of its generation time.
pub fn subset(spec: &Value, tags: &[&str]) -> Value {
    let mut out = spec.clone();
    let object = out.as_object_mut().unwrap();
    object.remove("x-webhooks");
    let paths = object["paths"].as_object_mut().unwrap();
    for item in paths.values_mut() {
        item.as_object_mut().unwrap().retain(|_, operation| {
            operation["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| tags.contains(&t.as_str().unwrap_or(""))))
        });
    }
    paths.retain(|_, item| !item.as_object().unwrap().is_empty());

    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut reached = BTreeSet::new();
    let mut pending = refs(&out["paths"]);
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            pending.extend(refs(&schemas[&name]));
        }
    }
    out["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .retain(|name, _| reached.contains(name));
    out
}

/// The schema names `value` refers to.
fn refs(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, value)| match (key.as_str(), value) {
                ("$ref", Value::String(target)) => target
                    .strip_prefix("#/components/schemas/")
                    .map(str::to_owned)
                    .into_iter()
                    .collect(),
                _ => refs(value),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(refs).collect(),
        _ => Vec::new(),
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The outcome of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the xtask binary with a fixed date and no root from the environment.
pub fn xtask(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", EPOCH_2026_08_21)
        .env_remove("XTASK_ROOT")
        .output()
        .unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

impl Run {
    /// Asserts exit code 2 with exactly one `error: ` line containing `what`.
    pub fn assert_error(&self, what: &str) {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(self.stdout.is_empty(), "nothing on stdout: {}", self.stdout);
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {}", self.stderr);
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        assert!(lines[0].contains(what), "{:?} in {}", what, lines[0]);
    }
}
