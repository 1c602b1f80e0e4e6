//! Fault: the client sends the file, half-closes and exits 0 without reading
//! the reply. It reports success for a file the server refused or lost.
//!
//! replaces: file-client
//! rejected-by: step3_client_fails_when_the_server_refuses

use std::fs::File;
use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;

use clap::Parser;
use file_transfer::ClientArgs;

fn main() -> ExitCode {
    let args = ClientArgs::parse();
    let name = args.name.clone().unwrap_or_else(|| {
        args.file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    });
    let Ok(mut file) = File::open(&args.file) else {
        eprintln!("error: cannot open {}", args.file.display());
        return ExitCode::from(1);
    };
    let size = file.metadata().unwrap().len();
    let mut stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    stream
        .write_all(format!("{name}\n{size}\n").as_bytes())
        .unwrap();
    io::copy(&mut file, &mut stream).unwrap();
    let _ = stream.shutdown(Shutdown::Write);
    // The mistake: no wait for `OK <size>`.
    ExitCode::SUCCESS
}
