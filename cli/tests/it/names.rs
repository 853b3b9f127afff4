//! Names people use: service names without the version, positional ids.
//! The expectations come from the spec's tags and `describe`, not from a
//! list in the test.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use crate::common::{code, described, run, run_with, spec, stderr, stdout};
use crate::every_operation::{minimal, param_args};

/// `short name → (the service it must run, the other current versions)`,
/// read from the spec: a tag `Name Vn` belongs to the family `Name`; the
/// newest version with an operation not deprecated wins.
fn expected_aliases(ops: &[Value]) -> BTreeMap<String, (String, Vec<String>)> {
    let spec = spec();
    // tag → (any operation not deprecated)
    let mut current: BTreeMap<String, bool> = BTreeMap::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            let Some(tag) = op["tags"][0].as_str() else {
                continue;
            };
            *current.entry(tag.to_owned()).or_default() |= op["deprecated"] != true;
        }
    }
    // tag → the CLI's versioned service command
    let command: BTreeMap<String, String> = ops
        .iter()
        .map(|op| {
            let id = op["operation_id"].as_str().expect("operation_id");
            let tag = id.split_once('#').expect("Tag#Action").0.to_owned();
            (tag, op["service"].as_str().expect("service").to_owned())
        })
        .collect();
    let mut families: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for (tag, is_current) in &current {
        let Some((base, version)) = tag.rsplit_once(" V") else {
            continue;
        };
        let Ok(version) = version.parse::<u32>() else {
            continue;
        };
        if *is_current {
            families
                .entry(base.to_owned())
                .or_default()
                .push((version, command[tag].clone()));
        }
    }
    families
        .into_values()
        .map(|mut family| {
            family.sort();
            let (version, newest) = family.pop().expect("a version");
            let short = newest
                .strip_suffix(&format!("-v{version}"))
                .expect("versioned command")
                .to_owned();
            (
                short,
                (newest, family.into_iter().map(|(_, c)| c).collect()),
            )
        })
        .collect()
}

/// An argv and its stdin.
type Invocation = (Vec<String>, Option<String>);

/// The `--dry-run` argv of `op` under `service`, with its path parameter
/// given positionally when `positional`, the body on stdin and a fixed
/// replay key (so two runs print the same thing).
fn dry_run(op: &Value, service: &str, positional: bool) -> Invocation {
    let mut args = vec![
        "--dry-run".to_owned(),
        service.to_owned(),
        op["action"].as_str().expect("action").to_owned(),
    ];
    let params = param_args(op);
    let flag = positional.then(|| single_path_flag(op).expect("one path parameter"));
    let mut pairs = params.chunks(2);
    for pair in &mut pairs {
        if Some(&pair[0]) == flag.as_ref() {
            args.push(pair[1].clone());
        } else {
            args.extend(pair.iter().cloned());
        }
    }
    let body = &op["body"];
    let stdin = (!body.is_null()).then(|| {
        args.extend(["--input".to_owned(), "-".to_owned()]);
        if let Some(key) = body["replay_key"].as_str() {
            args.extend(["--field".to_owned(), format!("{key}=fixed-key")]);
        }
        minimal(&body["schema"]).to_string()
    });
    (args, stdin)
}

/// The flag of the operation's single required path parameter, if it has
/// exactly one.
fn single_path_flag(op: &Value) -> Option<String> {
    let path: Vec<&Value> = op["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter(|p| p["in"] == "path" && p["required"] == true)
        .collect();
    match path[..] {
        [only] => Some(only["flag"].as_str().expect("flag").to_owned()),
        _ => None,
    }
}

/// Runs every `(label, argv, stdin)` on a few threads; the outputs by label.
fn run_all(runs: Vec<(String, Vec<String>, Option<String>)>) -> BTreeMap<String, (i32, String)> {
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for chunk in runs.chunks(runs.len().div_ceil(6).max(1)) {
            let results = &results;
            scope.spawn(move || {
                for (label, args, stdin) in chunk {
                    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                    let out = run_with(&argv, None, stdin.as_deref());
                    let text = format!("{}{}", stdout(&out), stderr(&out));
                    results
                        .lock()
                        .unwrap()
                        .insert(label.clone(), (code(&out), text));
                }
            });
        }
    });
    results.into_inner().unwrap()
}

/// Runs `a` and `b` for each label and checks they print the same.
fn assert_same(pairs: Vec<(String, Invocation, Invocation)>) {
    let mut runs = Vec::new();
    for (label, (a, a_in), (b, b_in)) in pairs {
        runs.push((format!("{label} a"), a, a_in));
        runs.push((format!("{label} b"), b, b_in));
    }
    let results = run_all(runs);
    let mut compared = 0;
    for (label, (code_a, out_a)) in &results {
        let Some(label) = label.strip_suffix(" a") else {
            continue;
        };
        let (code_b, out_b) = &results[&format!("{label} b")];
        assert_eq!(*code_a, 0, "{label}: {out_a}");
        assert_eq!((code_a, out_a), (code_b, out_b), "{label}");
        compared += 1;
    }
    assert!(compared > 0);
}

#[test]
fn every_short_name_runs_what_its_versioned_name_runs() {
    let ops = described();
    let aliases = expected_aliases(&ops);
    assert!(aliases.len() > 40, "{aliases:?}");
    let mut pairs = Vec::new();
    for (short, (service, _)) in &aliases {
        for op in ops.iter().filter(|o| o["service"] == service.as_str()) {
            let label = format!("{short} {}", op["action"]);
            pairs.push((
                label,
                dry_run(op, short, false),
                dry_run(op, service, false),
            ));
        }
    }
    // Every operation of every aliased service, through both names.
    let expected: usize = aliases
        .values()
        .map(|(service, _)| {
            ops.iter()
                .filter(|o| o["service"] == service.as_str())
                .count()
        })
        .sum();
    assert_eq!(pairs.len(), expected);
    assert_same(pairs);

    // `describe` takes the short name too, and the root help lists each.
    let root = stdout(&run(&["--help"]));
    for (short, (service, also)) in &aliases {
        let line = root
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{service} ")))
            .unwrap_or_else(|| panic!("{service} in --help"));
        assert!(line.contains(&format!("[alias: {short}]")), "{line}");
        // Where two versions are current, the help says which one runs.
        for other in also {
            assert!(line.contains(other.as_str()), "{line}");
        }
        let a = stdout(&run(&["describe", short]));
        assert_eq!(a, stdout(&run(&["describe", service])), "{short}");
    }
}

#[test]
fn no_short_name_for_a_family_that_is_all_deprecated() {
    let ops = described();
    let aliases = expected_aliases(&ops);
    let root = stdout(&run(&["--help"]));
    // Each service's line names an alias only if the spec's reading gives it one.
    let mut services: Vec<&str> = ops.iter().filter_map(|o| o["service"].as_str()).collect();
    services.dedup();
    for service in services {
        let line = root
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{service} ")))
            .expect("listed");
        let has = aliases.values().any(|(s, _)| s == service);
        assert_eq!(line.contains("[alias: "), has, "{line}");
    }
    // `incidents` passes over the deprecated incidents-v1.
    let dep: Vec<&Value> = ops.iter().filter(|o| o["deprecated"] == true).collect();
    assert!(!dep.is_empty());
    for op in dep {
        let service = op["service"].as_str().expect("service");
        let all_deprecated = ops
            .iter()
            .filter(|o| o["service"] == service)
            .all(|o| o["deprecated"] == true);
        if all_deprecated {
            assert!(aliases.values().all(|(s, _)| s != service), "{service}");
        }
    }
}

#[test]
fn the_single_required_path_parameter_is_also_positional() {
    let ops = described();
    let mut pairs = Vec::new();
    for op in ops.iter().filter(|o| single_path_flag(o).is_some()) {
        let service = op["service"].as_str().expect("service");
        let label = format!("{service} {}", op["action"]);
        pairs.push((
            label,
            dry_run(op, service, true),
            dry_run(op, service, false),
        ));
    }
    assert!(pairs.len() > 50, "{}", pairs.len());
    assert_same(pairs);
}

#[test]
fn positional_ids_against_the_mock_and_their_errors() {
    let flag = run(&[
        "--mock",
        "incidents",
        "show",
        "--id",
        "01FCNDV6P870EA6S7TK1DSYD5H",
    ]);
    assert_eq!(code(&flag), 0, "{}", stderr(&flag));
    let positional = run(&["--mock", "incidents", "show", "01FCNDV6P870EA6S7TK1DSYD5H"]);
    assert_eq!(code(&positional), 0, "{}", stderr(&positional));
    assert_eq!(stdout(&flag), stdout(&positional));
    serde_json::from_slice::<Value>(&positional.stdout).expect("JSON");
    // Both at once is a usage error; neither names the flag.
    let both = run(&["--mock", "incidents", "show", "A", "--id", "B"]);
    assert_eq!(code(&both), 2);
    let neither = run(&["--mock", "incidents", "show"]);
    assert_eq!(code(&neither), 2);
    assert!(stderr(&neither).contains("--id"), "{}", stderr(&neither));
}
