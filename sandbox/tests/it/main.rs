//! Integration tests: the sandbox over real sockets and TLS, driven with reqwest (rustls).
//! One test binary with modules, so the heavy dependency tree is linked once.

mod admin;
mod cli;
mod clock;
mod common;
mod contract;
mod files;
mod gateway;
mod oauth;
