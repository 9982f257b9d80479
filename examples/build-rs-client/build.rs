//! Generates the socialStatus client into OUT_DIR at build time.

fn main() {
    let spec = std::path::Path::new("../../specs/socialStatus");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let result = bcss_codegen::Generator::new(spec)
        .annex(spec.join("annex.yaml"))
        .write_module(&out.join("social_status.rs"));
    match result {
        Ok(warnings) => {
            for w in warnings {
                println!("cargo:warning={w}");
            }
        }
        Err(diagnostic) => {
            // A clear diagnostic, not a panic backtrace.
            eprintln!("{diagnostic}");
            std::process::exit(1);
        }
    }
}
