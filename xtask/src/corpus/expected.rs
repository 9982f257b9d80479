//! The reviewed file of expected corpus outcomes, and the comparison that makes the corpus run a
//! gate: any difference (a regression or an improvement) fails until the file is updated.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What the generator made of one contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Generation {
    /// Generated without a warning.
    Clean,
    /// Generated, with warnings of these kinds (`Diagnostic::code`).
    Warnings(BTreeSet<String>),
    /// Refused with a diagnostic: its code, or its message's first line when it has none.
    Refused(String),
    /// The generator panicked (never acceptable).
    Failed(String),
}

/// What `cargo clippy -- -D warnings` made of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clippy {
    Pass,
    /// Failed with these lints or compiler error codes.
    Fail(BTreeSet<String>),
    /// Nothing was generated.
    NotRun,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub generation: Generation,
    pub clippy: Clippy,
}

/// Outcomes by contract path (relative to the corpus folder, `/`-separated).
pub type Outcomes = BTreeMap<String, Outcome>;

/// One contract whose outcome is not the expected one (`None`: not in that set).
#[derive(Debug, PartialEq, Eq)]
pub struct Difference {
    pub contract: String,
    pub expected: Option<Outcome>,
    pub got: Option<Outcome>,
}

pub fn compare(expected: &Outcomes, got: &Outcomes) -> Vec<Difference> {
    let contracts: BTreeSet<&String> = expected.keys().chain(got.keys()).collect();
    contracts
        .into_iter()
        .filter_map(|c| {
            let (e, g) = (expected.get(c), got.get(c));
            (e != g).then(|| Difference {
                contract: c.clone(),
                expected: e.cloned(),
                got: g.cloned(),
            })
        })
        .collect()
}

/// The file's text: `header` as `#` comments, a column line, then one row per contract.
pub fn render(header: &str, outcomes: &Outcomes) -> String {
    let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
    out.push_str("# contract\toutcome\tdetail\tclippy\n");
    for (contract, o) in outcomes {
        let (outcome, detail) = match &o.generation {
            Generation::Clean => ("clean", "-".to_string()),
            Generation::Warnings(codes) => ("warnings", join(codes)),
            Generation::Refused(reason) => ("refused", cell(reason)),
            Generation::Failed(what) => ("failed", cell(what)),
        };
        let clippy = match &o.clippy {
            Clippy::Pass => "pass".to_string(),
            Clippy::Fail(lints) => format!("fail:{}", join(lints)),
            Clippy::NotRun => "-".to_string(),
        };
        out.push_str(&format!("{contract}\t{outcome}\t{detail}\t{clippy}\n"));
    }
    out
}

pub fn parse(text: &str) -> Result<Outcomes, String> {
    let mut outcomes = Outcomes::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |m: &str| format!("line {}: {m}", i + 1);
        let cells: Vec<&str> = line.split('\t').collect();
        let [contract, outcome, detail, clippy] = cells[..] else {
            return Err(at(
                "4 tab-separated cells expected (contract, outcome, detail, clippy)",
            ));
        };
        let generation = match outcome {
            "clean" => Generation::Clean,
            "warnings" => Generation::Warnings(split(detail)),
            "refused" => Generation::Refused(detail.to_string()),
            "failed" => Generation::Failed(detail.to_string()),
            other => {
                return Err(at(&format!(
                    "outcome `{other}`: clean, warnings, refused or failed expected"
                )));
            }
        };
        let clippy = match clippy {
            "pass" => Clippy::Pass,
            "-" => Clippy::NotRun,
            other => match other.strip_prefix("fail:") {
                Some(lints) => Clippy::Fail(split(lints)),
                None => {
                    return Err(at(&format!(
                        "clippy `{other}`: pass, fail:LINTS or - expected"
                    )));
                }
            },
        };
        let outcome = Outcome { generation, clippy };
        if outcomes.insert(contract.to_string(), outcome).is_some() {
            return Err(at(&format!("`{contract}` is listed twice")));
        }
    }
    Ok(outcomes)
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(",")
}

fn split(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// One line without tabs, so that it fits a cell.
fn cell(text: &str) -> String {
    text.lines().next().unwrap_or_default().replace('\t', " ")
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.generation {
            Generation::Clean => write!(f, "clean")?,
            Generation::Warnings(codes) => write!(f, "warnings [{}]", join(codes))?,
            Generation::Refused(reason) => write!(f, "refused ({reason})")?,
            Generation::Failed(what) => write!(f, "failed ({what})")?,
        }
        match &self.clippy {
            Clippy::Pass => write!(f, ", clippy passes"),
            Clippy::Fail(lints) => write!(f, ", clippy fails [{}]", join(lints)),
            Clippy::NotRun => Ok(()),
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |o: &Option<Outcome>| match o {
            Some(o) => o.to_string(),
            None => "(not in the corpus)".to_string(),
        };
        let expected = match &self.expected {
            None => "(not in the expected file)".to_string(),
            e => show(e),
        };
        write!(
            f,
            "  {}\n    expected: {expected}\n    got:      {}",
            self.contract,
            show(&self.got)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn sample() -> Outcomes {
        let mut o = Outcomes::new();
        o.insert(
            "be/a/openapi.yaml".into(),
            Outcome {
                generation: Generation::Clean,
                clippy: Clippy::Pass,
            },
        );
        o.insert(
            "be/b/openapi.yaml".into(),
            Outcome {
                generation: Generation::Warnings(set(&["cookie-parameter", "webhooks"])),
                clippy: Clippy::Fail(set(&["clippy::large_enum_variant"])),
            },
        );
        o.insert(
            "bcss/ebox.yaml".into(),
            Outcome {
                generation: Generation::Refused("Swagger 2.0 is not supported".into()),
                clippy: Clippy::NotRun,
            },
        );
        o
    }

    #[test]
    fn the_file_reads_back_what_it_was_written_from() {
        let text = render("Expected outcomes.\nUpdate: --bless", &sample());
        assert!(text.starts_with("# Expected outcomes.\n# Update: --bless\n"));
        assert!(text.contains(
            "be/b/openapi.yaml\twarnings\tcookie-parameter,webhooks\tfail:clippy::large_enum_variant\n"
        ));
        assert_eq!(parse(&text).unwrap(), sample());
    }

    #[test]
    fn identical_outcomes_match() {
        assert_eq!(compare(&sample(), &sample()), []);
    }

    #[test]
    fn a_newly_refused_contract_is_a_difference() {
        let mut got = sample();
        got.get_mut("be/a/openapi.yaml").unwrap().generation =
            Generation::Refused("OpenAPI 3.1.0 is not supported yet".into());
        got.get_mut("be/a/openapi.yaml").unwrap().clippy = Clippy::NotRun;
        let diff = compare(&sample(), &got);
        assert_eq!(diff.len(), 1);
        assert_eq!(diff[0].contract, "be/a/openapi.yaml");
        assert_eq!(
            diff[0].to_string(),
            "  be/a/openapi.yaml\n    expected: clean, clippy passes\n    \
             got:      refused (OpenAPI 3.1.0 is not supported yet)"
        );
    }

    #[test]
    fn a_new_warning_kind_or_a_new_clippy_failure_is_a_difference() {
        let mut got = sample();
        got.get_mut("be/b/openapi.yaml").unwrap().generation =
            Generation::Warnings(set(&["cookie-parameter", "webhooks", "trace-operation"]));
        got.get_mut("be/a/openapi.yaml").unwrap().clippy =
            Clippy::Fail(set(&["clippy::too_many_arguments"]));
        let diff = compare(&sample(), &got);
        let contracts: Vec<_> = diff.iter().map(|d| d.contract.as_str()).collect();
        assert_eq!(contracts, ["be/a/openapi.yaml", "be/b/openapi.yaml"]);
    }

    #[test]
    fn an_improvement_is_a_difference_too() {
        let mut got = sample();
        got.insert(
            "bcss/ebox.yaml".into(),
            Outcome {
                generation: Generation::Clean,
                clippy: Clippy::Pass,
            },
        );
        assert_eq!(compare(&sample(), &got).len(), 1);
    }

    #[test]
    fn a_contract_added_to_or_gone_from_the_corpus_is_a_difference() {
        let mut got = sample();
        let gone = got.remove("bcss/ebox.yaml").unwrap();
        got.insert("be/new.yaml".into(), gone);
        let diff = compare(&sample(), &got);
        // Sorted by contract: `bcss/ebox.yaml` (gone), then `be/new.yaml` (added).
        assert_eq!(diff.len(), 2);
        assert_eq!(diff[0].got, None);
        assert!(diff[0].to_string().contains("(not in the corpus)"));
        assert_eq!(diff[1].expected, None);
        assert!(diff[1].to_string().contains("(not in the expected file)"));
    }

    #[test]
    fn a_malformed_row_is_rejected_with_its_line() {
        assert_eq!(
            parse("# c\na.yaml\tclean\t-\n").unwrap_err(),
            "line 2: 4 tab-separated cells expected (contract, outcome, detail, clippy)"
        );
        assert!(
            parse("a.yaml\tok\t-\tpass\n")
                .unwrap_err()
                .contains("outcome `ok`")
        );
        assert!(
            parse("a.yaml\tclean\t-\tyes\n")
                .unwrap_err()
                .contains("clippy `yes`")
        );
        assert!(
            parse("a.yaml\tclean\t-\tpass\na.yaml\tclean\t-\tpass\n")
                .unwrap_err()
                .contains("listed twice")
        );
    }
}
