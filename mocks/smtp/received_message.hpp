// mocks/smtp/received_message.hpp
//
// A message a mock SMTP receiver accepted (250 to the end of data): the envelope as the
// client sent it, the first bytes of its content, and how the connection was protected at
// that moment. Scenarios assert on these ("delivered over TLSv1.2 with SNI mx1", "never
// received a message"); the transcript says the same in text.
#pragma once

#include "engine/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sts::mocks {

struct received_message {
    std::uint64_t connection = 0;  // 1 for the receiver's first accepted connection
    std::string mail_from;         // the reverse-path without its angle brackets, as sent
    std::vector<std::string> rcpt_to;
    // The content after dot-unstuffing (RFC 5321 §4.5.2), lines ending in CRLF, at most
    // receiver_config::stored_message_bytes_max bytes of it; data_bytes is the full size.
    std::string data;
    std::size_t data_bytes = 0;
    bool over_tls = false;
    std::string tls_version;  // "TLSv1.3", empty without TLS
    std::string cipher;       // OpenSSL's name, e.g. "TLS_AES_256_GCM_SHA384"
    std::string sni;          // the server name the client sent, empty if none
    core::time_point at{};    // when the end of data was accepted (virtual time on the simulated network)
};

}  // namespace sts::mocks
