//! The doctor's progress line on a terminal: `[2/5] BCSS infrastructure access …` on stderr
//! while a step runs, erased when it ends (the report follows on stdout).

use std::io::Write;

use crate::doctor::Progress;
use crate::doctor::report::{StepId, StepReport};

/// Writes the transient line to stderr.
#[derive(Debug, Default)]
pub struct Terminal;

impl Progress for Terminal {
    fn started(&mut self, id: StepId) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{}/5] {} …", id.number(), id.title());
        let _ = err.flush();
    }

    fn finished(&mut self, report: &StepReport) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "\r\x1b[2K[{}/5] {} {}",
            report.step,
            report.title,
            report.verdict.label()
        );
        let _ = err.flush();
    }
}
