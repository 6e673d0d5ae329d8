// engine/tls/borrowed_context.hpp
//
// asio::ssl::stream wants an asio::ssl::context, which owns its SSL_CTX; client_tls owns
// ours (one per trust store, shared by every connection). The wrapper made here takes a
// reference of its own, so its destruction only drops that reference. Asio's destructor
// also frees a password callback or verify callback it finds attached to the context;
// client_tls attaches neither, and a context that carries either is refused rather than
// freed by mistake. Include only from protocol .cpp files.
#pragma once

#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include <stdexcept>

namespace sts::tls {

inline boost::asio::ssl::context borrow_context(SSL_CTX* ctx) {
    if (SSL_CTX_get_app_data(ctx) != nullptr || SSL_CTX_get_default_passwd_cb_userdata(ctx) != nullptr) {
        throw std::logic_error("client_tls context carries data Asio would free");
    }
    SSL_CTX_up_ref(ctx);
    return boost::asio::ssl::context(ctx);
}

}  // namespace sts::tls
