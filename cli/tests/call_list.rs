//! `bcss call --list`: the operations of a contract with their parameters and scopes, read by
//! the generator's loader and IR — on the samples, and on every public contract of
//! `../shared/corpus` the generator accepts.

use std::path::{Path, PathBuf};

use bcss_cli::args::OutputFormat;
use bcss_cli::call::{Catalog, catalog, render};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn social_status(annex: bool) -> Catalog {
    let spec = repo().join("specs/socialStatus");
    let annex = annex.then(|| spec.join("annex.yaml"));
    catalog(&spec, annex.as_deref()).expect("the sample contract lists")
}

#[test]
fn the_list_names_each_operation_with_its_parameters_and_the_annex_scopes() {
    let list = social_status(true);
    assert_eq!(list.operations.len(), 7);
    let history = list
        .operations
        .iter()
        .find(|o| o.operation_id == "getStatusHistory")
        .unwrap();
    assert_eq!(history.method_name, "get_status_history");
    assert_eq!(
        (history.method.as_str(), history.path.as_str()),
        ("GET", "/socialStatus/v1/persons/{ssinRef}/statusHistory")
    );
    let params: Vec<(&str, &str, bool, &str)> = history
        .parameters
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.location,
                p.required,
                p.type_name.as_str(),
            )
        })
        .collect();
    assert_eq!(params[0], ("ssinRef", "path", true, "SsinReference"));
    assert!(params.contains(&("from", "query", false, "date")));
    assert!(history.parameters.iter().any(|p| p.legal_context));
    assert_eq!(
        history.scopes[0].scope,
        "scope:cbss:api:socialStatus:consult"
    );
    assert_eq!(history.scopes[0].granted, Some(true));

    let health = &list.operations[0];
    assert!(health.public && health.scopes.is_empty());
    let text = render(&list, OutputFormat::Text);
    assert!(
        text.contains("getStatusHistory GET /socialStatus/v1/persons/{ssinRef}/statusHistory\n")
            && text.contains("  from? (query, date)\n")
            && text.contains("(granted by the annex)"),
        "{text}"
    );
}

#[test]
fn without_an_annex_grants_are_unknown_and_the_json_says_null() {
    let list = social_status(false);
    let json: serde_json::Value = serde_json::from_str(&render(&list, OutputFormat::Json)).unwrap();
    let search = json["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == "searchPersons")
        .unwrap();
    assert_eq!(search["scopes"][0]["granted"], serde_json::Value::Null);
    assert_eq!(search["body"][0], "application/json");
    assert_eq!(search["parameters"][0]["in"], "query");
}

#[test]
fn an_unreadable_contract_is_an_error_naming_it() {
    let missing = repo().join("specs/no-such-contract.yaml");
    let error = catalog(&missing, None).unwrap_err().to_string();
    assert!(error.contains("no-such-contract.yaml"), "{error}");
}

/// Belgif's example contracts `$ref: belgif/…` as if they sat beside the `belgif/` folder of a
/// release zip: where that is what fails, they are staged that way, as `cargo xtask corpus` does.
fn listed_as_released(corpus: &Path, path: &str) -> Result<Catalog, bcss_cli::CliError> {
    let contract = corpus.join(path);
    let first = catalog(&contract, None);
    let belgif_ref = |e: &bcss_cli::CliError| e.to_string().contains(": belgif/");
    if !first.as_ref().is_err_and(belgif_ref) {
        return first;
    }
    let stage = tempfile::tempdir().unwrap();
    let staged = stage.path().join(contract.file_name().unwrap());
    std::fs::copy(&contract, &staged).unwrap();
    std::os::unix::fs::symlink(corpus.join("belgif"), stage.path().join("belgif")).unwrap();
    catalog(&staged, None)
}

#[test]
fn every_contract_of_the_public_corpus_that_generates_also_lists() {
    let corpus = repo().join("../shared/corpus");
    let expected = std::fs::read_to_string(repo().join("xtask/corpus/expected-shared.tsv"))
        .expect("the corpus gate's expected outcomes");
    assert!(
        corpus.is_dir(),
        "{} not found: CI has ../shared beside the clone",
        corpus.display()
    );
    let mut listed = 0;
    for row in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut columns = row.split('\t');
        let (Some(path), Some(outcome)) = (columns.next(), columns.next()) else {
            panic!("a malformed row: {row}");
        };
        let result = listed_as_released(&corpus, path);
        if outcome == "refused" {
            assert!(result.is_err(), "{path} lists but the generator refuses it");
            continue;
        }
        let list = result.unwrap_or_else(|e| panic!("{path}: {e}"));
        for op in &list.operations {
            assert!(op.path.starts_with('/'), "{path}: {}", op.path);
        }
        let json: serde_json::Value =
            serde_json::from_str(&render(&list, OutputFormat::Json)).unwrap();
        assert_eq!(
            json["operations"].as_array().map(Vec::len),
            Some(list.operations.len())
        );
        render(&list, OutputFormat::Text);
        listed += 1;
    }
    assert!(listed >= 48, "only {listed} contracts listed");
}

#[test]
fn help_on_an_operation_describes_it_from_the_contract() {
    use bcss_cli::args::{Cli, Command};
    use clap::Parser as _;
    let spec = repo().join("specs/socialStatus");
    let cli = Cli::try_parse_from([
        "bcss",
        "call",
        "--spec",
        spec.to_str().unwrap(),
        "getStatusHistory",
        "--help",
    ])
    .expect("--help with an operation is ours, not clap's");
    let Command::Call(args) = cli.command else {
        panic!("call expected")
    };
    assert!(args.help);
    let text = bcss_cli::call::catalog::describe(&spec, None, "get_status_history").unwrap();
    assert!(
        text.starts_with("getStatusHistory GET /socialStatus/v1/persons/{ssinRef}/statusHistory\n")
            && text.contains("send it back in `If-None-Match`")
            && text.contains("getStatusHistory ssinRef=…\n"),
        "{text}"
    );
    let error = bcss_cli::call::catalog::describe(&spec, None, "nope").unwrap_err();
    assert!(error.to_string().contains("--list"), "{error}");
}
