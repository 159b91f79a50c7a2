#pragma once

// Internal to http/: runs a WebSocket session on a connection that asked for an upgrade.

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mobilelink/http/server_state.hpp"
#include "mobilelink/http/types.hpp"

namespace mobilelink::http::detail {

/// Completes the upgrade of `stream` with `request`, then serves frames until the session
/// closes. `upgrade` is the same request as handlers see it.
boost::asio::awaitable<void> RunWebSocket(
    std::shared_ptr<ServerState> state, boost::beast::tcp_stream stream,
    boost::beast::http::request<boost::beast::http::string_body> request, HttpRequest upgrade,
    std::shared_ptr<WebSocketHandler> handler);

}  // namespace mobilelink::http::detail
