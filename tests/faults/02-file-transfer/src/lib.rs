//! What the faulty file servers and clients share: the reference programs'
//! `main`s around a `receive` or an `upload` of the fault's own. Each fault
//! bin holds only the function that makes its mistake, written as the
//! reference's with that one change, and reuses the reference solution's
//! library (`file_transfer::server`, `file_transfer::client`) for the rest.

use std::fs::File;
use std::io;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

use clap::Parser;
use file_transfer::server::{limit_idle, listen, reply, Refusal};
use file_transfer::{ClientArgs, ServerArgs};
use tempfile::{NamedTempFile, TempPath};

/// What receives one upload: the reference's [`file_transfer::server::receive`]
/// or a fault's.
pub type Receive = fn(&TcpStream, &Path) -> Result<(String, u64), Refusal>;

/// The reference server's `main` and `serve`, receiving with `receive`.
pub fn run_server(receive: Receive) -> ExitCode {
    let args = ServerArgs::parse();
    let listener = match listen(&args) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    for stream in listener.incoming().flatten() {
        let dir = args.dir.clone();
        thread::spawn(move || {
            let started = Instant::now();
            limit_idle(&stream);
            let received = receive(&stream, &dir);
            reply(&stream, received, started);
        });
    }
    ExitCode::SUCCESS
}

/// The reference client's `main`, uploading with `upload`.
pub fn run_client(upload: fn(&ClientArgs) -> Result<(String, u64), String>) -> ExitCode {
    let args = ClientArgs::parse();
    match upload(&args) {
        Ok((name, size)) => {
            println!("uploaded {name} ({size} bytes)");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

/// A file at `path`, truncated if it exists, deleted when dropped: the
/// reference's temporary file, but at a name of the fault's choosing.
pub fn temp_file_at(path: PathBuf) -> io::Result<NamedTempFile> {
    let file = File::create(&path)?;
    Ok(NamedTempFile::from_parts(
        file,
        TempPath::try_from_path(path)?,
    ))
}
