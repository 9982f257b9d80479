//! bcss-codegen: a BCSS contract (OpenAPI 3.0 or 3.1, or Swagger 2.0; a file, folder or zip) and
//! its partner annex become a typed Rust client crate on `bcss-runtime`.
//!
//! Stages, one module each: [`load`] (files and `$ref`s) → [`ir`] (types and operations) →
//! [`check`] (annex rules) → [`emit`] (Rust source). [`Generator`] runs them.
//!
//! ```no_run
//! let generated = bcss_codegen::Generator::new("specs/socialStatus")
//!     .annex("specs/socialStatus/annex.yaml")
//!     .write_to("clients/social-status".as_ref())?;
//! # Ok::<(), bcss_codegen::Diagnostic>(())
//! ```

pub mod annex;
pub mod check;
pub mod diag;
pub mod diff;
pub mod emit;
mod generate;
pub mod ir;
pub mod load;
mod manifest;
pub mod version;

pub use diag::{Diagnostic, Severity};
pub use generate::{Generated, Generator};
pub use load::Contract;
pub use manifest::CrateManifest;
