//! Fault: a 404 comes with an empty body (`Content-Length: 0`): the browser
//! shows a blank page instead of saying what went wrong.
//!
//! replaces: http-server
//! rejected-by: step2_unknown_paths_get_404

use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::site;
use http_server_faults::serve_site;

/// A 404 without a page: the mistake.
fn route(request: &Request) -> Response {
    match site::route(request) {
        response if response.status == Status::NOT_FOUND => Response {
            body: String::new(),
            ..response
        },
        response => response,
    }
}

fn main() {
    serve_site(route);
}
