//! `cargo xtask`: see `cargo xtask help` and the library docs.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let result = xtask::cli::parse(std::env::args().skip(1))
        .and_then(|command| xtask::cli::run(command, &mut stdout, &mut stderr));
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) => {
            // One line, whatever the underlying error printed.
            let message = error.to_string();
            let message: Vec<&str> = message.split_whitespace().collect();
            xtask::cli::emit(&mut stderr, &format!("error: {}\n", message.join(" ")));
            ExitCode::from(2)
        }
    }
}
