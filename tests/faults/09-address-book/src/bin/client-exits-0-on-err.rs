//! Fault: the client prints the server's answer and always exits 0, so a
//! script cannot tell `ERR no entry zed` from `FOUND`.
//!
//! replaces: address-book
//! rejected-by: step1_client_exits_1_on_err

use std::process::ExitCode;

use address_book::client::{request_line, Connection};
use address_book::ClientArgs;
use clap::Parser;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let Some(command) = args.command else {
        return ExitCode::SUCCESS;
    };
    let answer = request_line(&command).and_then(|line| Connection::open(&args.server)?.ask(&line));
    match answer {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(1)
        }
    }
}
