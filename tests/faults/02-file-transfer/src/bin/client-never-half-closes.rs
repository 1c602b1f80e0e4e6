//! Fault: the client sends the whole file, then waits for the reply without
//! half-closing. The server waits for EOF to know nothing follows; the client
//! waits for the server: neither moves.
//!
//! replaces: file-client
//! rejected-by: step2_client_half_closes_and_waits_for_the_reply

#![allow(unused_imports)] // Shutdown: the very call this fault leaves out

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::process::ExitCode;

use clap::Parser;
use file_transfer::{read_line, ClientArgs, Line, MAX_LINE};

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
    // The mistake: no stream.shutdown(Shutdown::Write) here.
    let reply = match read_line(&mut BufReader::new(&stream), MAX_LINE) {
        Ok(Line::Complete(line)) => String::from_utf8_lossy(&line).into_owned(),
        _ => String::new(),
    };
    if reply == format!("OK {size}") {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: the server answered {reply:?}");
        ExitCode::from(1)
    }
}
