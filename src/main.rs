//! The `reliefflow` command line. A thin shell over the library: parse arguments,
//! call the application, print. Errors become a message and exit code 1.

mod cli;

use clap::Parser;

/// Lets a closed standard output end the process quietly, as for any Unix
/// tool (`reliefflow plan | head`), instead of panicking in `println!`. Rust
/// ignores SIGPIPE by default; the server keeps that (a client hanging up must
/// not stop it), so this is called for the printing commands only. Outputs are
/// staged ([`reliefflow::report::staging`]), so an early end never leaves
/// half-written files.
fn quit_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default at start-up, before
    // any thread is spawned, has no memory-safety requirement.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RELIEFFLOW_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = cli::Cli::parse();
    if args.prints() {
        quit_on_closed_pipe();
    }
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
