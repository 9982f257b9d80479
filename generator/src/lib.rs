//! bcss-codegen: a BCSS contract (OpenAPI 3.0, as a file, folder or zip) and its partner annex
//! become a typed Rust client crate on `bcss-runtime`.
//!
//! Stages, one module each: [`load`] (files and `$ref`s) → [`ir`] (types and operations) →
//! [`check`] (annex rules) → [`emit`] (Rust source).

pub mod diag;
pub mod ir;
pub mod load;

pub use diag::{Diagnostic, Severity};
pub use load::Contract;
