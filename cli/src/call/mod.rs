//! `bcss call`: any operation of any contract from the command line, on the partner's
//! `bcss.toml`. The contract is read by the generator's own loader and IR (one reading of
//! contracts in the project): `catalog` lists the operations, `send` checks the parameters
//! against the contract and the annex, then sends (or, `--dry-run`, shows) the request.

pub mod body;
pub mod catalog;
pub mod send;

pub use catalog::{Catalog, catalog, render};
