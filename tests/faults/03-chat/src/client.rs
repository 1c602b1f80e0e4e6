//! The faulty chat clients: one copy of the reference client with a switch
//! at each classic mistake.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use chat::render::render;
use chat::ClientArgs;
use clap::Parser;

/// The mistake a faulty client makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientMistake {
    /// One thread: it forwards stdin to its end, and only then reads the
    /// server. Nothing shows while the user types.
    ReadsStdinFirst,
    /// Server lines are printed as they came, not rendered.
    RendersRawLines,
    /// At the end of stdin it sends `/quit` and exits at once, without
    /// waiting for what the server still sends.
    ExitsAtEndOfInput,
    /// It prints `* disconnected` whenever the connection ends, also after
    /// its own `/quit`.
    SaysDisconnectedAfterQuit,
    /// `connect(…).unwrap()`: with no server, it panics (exit 101).
    PanicsWithoutServer,
    /// `--name` and `--room` are parsed, and never sent.
    IgnoresNameAndRoom,
}

pub fn run_client(mistake: ClientMistake) -> ExitCode {
    let args = ClientArgs::parse();
    let stream = match TcpStream::connect(&args.server) {
        Ok(stream) => stream,
        Err(err) if mistake == ClientMistake::PanicsWithoutServer => panic!("connect: {err}"),
        Err(err) => {
            eprintln!("error: cannot connect to {}: {err}", args.server);
            return ExitCode::from(1);
        }
    };
    let incoming = stream.try_clone().unwrap();
    let quitting = Arc::new(AtomicBool::new(false));
    if mistake == ClientMistake::ReadsStdinFirst {
        let _ = send_everything(&stream, &args, mistake);
        let _ = (&stream).write_all(b"/quit\n");
        show_incoming(incoming, &AtomicBool::new(true), mistake);
        return ExitCode::SUCCESS;
    }
    let reader = {
        let quitting = Arc::clone(&quitting);
        thread::spawn(move || show_incoming(incoming, &quitting, mistake))
    };
    if send_everything(&stream, &args, mistake).is_ok() {
        quitting.store(true, Ordering::SeqCst);
        let _ = (&stream).write_all(b"/quit\n");
        if mistake == ClientMistake::ExitsAtEndOfInput {
            return ExitCode::SUCCESS;
        }
    }
    let _ = reader.join();
    ExitCode::SUCCESS
}

fn send_everything(
    mut server: &TcpStream,
    args: &ClientArgs,
    mistake: ClientMistake,
) -> io::Result<()> {
    if mistake != ClientMistake::IgnoresNameAndRoom {
        if let Some(name) = &args.name {
            writeln!(server, "/nick {name}")?;
        }
        if let Some(room) = &args.room {
            writeln!(server, "/join {room}")?;
        }
    }
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        if stdin.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        server.write_all(&line)?;
    }
}

fn show_incoming(server: TcpStream, quitting: &AtomicBool, mistake: ClientMistake) {
    for line in BufReader::new(server).split(b'\n') {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if mistake == ClientMistake::RendersRawLines {
            println!("{line}");
        } else {
            println!("{}", render(line));
        }
    }
    if mistake == ClientMistake::SaysDisconnectedAfterQuit || !quitting.load(Ordering::SeqCst) {
        println!("* disconnected");
        std::process::exit(0);
    }
}
