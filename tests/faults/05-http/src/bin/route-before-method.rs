//! Fault: the path is routed before the method is checked, so `DELETE /nope`
//! gets a 404 instead of a 405.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use http_server::request::Request;
use http_server::response::{Response, Status};
use http_server::site;
use http_server_faults::serve_site;

/// The route first, the method second: the mistake.
fn route(request: &Request) -> Response {
    if !matches!(request.path(), "/" | "/about" | "/contact") {
        return Response::error(Status::NOT_FOUND);
    }
    site::route(request)
}

fn main() {
    serve_site(route);
}
