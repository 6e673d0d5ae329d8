// engine/core/peer_text.hpp
//
// Text that came from a peer (a TXT string, a policy line, an SMTP reply, an HTTP header)
// is never mixed raw into our own messages: quote_peer_text() turns it into printable
// ASCII, escaping everything else as \xNN (and \\, \"), and caps its length so that a
// hostile 10 MB line cannot blow up a log line or a report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sts::core {

inline constexpr std::size_t peer_text_bytes_max = 200;

// Printable ASCII copy of `text`, at most `max_bytes` input bytes, with a marker saying
// how many bytes were left out.
std::string quote_peer_text(std::string_view text, std::size_t max_bytes = peer_text_bytes_max);

}  // namespace sts::core
