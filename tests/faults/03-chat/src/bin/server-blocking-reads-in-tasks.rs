//! Fault: tokio's accept loop, and each client served by the step-5 code
//! inside a task (`tokio::spawn(async move { serve(…) })`): its reads are
//! blocking, and each holds a worker thread of the runtime for as long as its
//! client is connected. With a worker per core, the next client waits for a
//! worker that never comes back.
//!
//! replaces: chat-server
//! rejected-by: step6_two_thousand_clients_on_a_handful_of_threads

use std::process::ExitCode;
use std::sync::Arc;

use chat::threaded::{serve, Hub};
use chat::ServerArgs;
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let Ok(listener) = tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await else {
        eprintln!("error: cannot bind {}:{}", args.host, args.port);
        return ExitCode::from(1);
    };
    println!("listening on {}", listener.local_addr().unwrap());
    let hub = Arc::new(Hub::new());
    while let Ok((stream, _)) = listener.accept().await {
        let hub = Arc::clone(&hub);
        let stream = stream.into_std().unwrap();
        stream.set_nonblocking(false).unwrap();
        // The mistake: blocking code in a task.
        tokio::spawn(async move { serve(&hub, stream) });
    }
    ExitCode::SUCCESS
}
