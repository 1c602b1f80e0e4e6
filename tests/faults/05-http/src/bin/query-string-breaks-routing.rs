//! Fault: routes match the whole target, query string included, so
//! `/about?lang=en` is a 404.
//!
//! replaces: http-server
//! rejected-by: step2_query_strings_are_ignored

use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::site;
use http_server_faults::serve_site;

/// The route of the whole target: the mistake.
fn route(request: &Request) -> Response {
    if request.target.contains('?') {
        return Response::error(Status::NOT_FOUND);
    }
    site::route(request)
}

fn main() {
    serve_site(route);
}
