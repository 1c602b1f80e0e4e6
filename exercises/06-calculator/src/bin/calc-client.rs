//! calc-client: a REPL for calc-server. Your task is in README.md, step 7.

use clap::Parser;

/// A REPL for the calculator server: reads expressions on stdin, prints answers.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The server, as host:port.
    #[arg(long)]
    server: String,
}

fn main() {
    let args = Args::parse();
    todo!(
        "README step 7: connect to {}, send each line of stdin, print each answer",
        args.server
    );
}
