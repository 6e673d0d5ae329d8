// engine/mtasts/policy_response.hpp
//
// The HTTP response a policy host sends to the GET of /.well-known/mta-sts.txt, judged
// by the rules of RFC 8461 §3.2 and §3.3: only status 200 carries a policy, redirects are
// never followed, the media type is text/plain, and the body is capped. These are the
// decisions https_policy_fetcher.cpp applies to what it reads from the TLS session, kept
// here apart from any I/O so that the whole path from bytes to body can be tested and
// fuzzed without a network:
//
//   check_policy_response_head()  the rules on a response head, as the fetcher applies
//                                 them before it reads any body;
//   read_policy_response()        a complete response from bytes, read with the same
//                                 Beast parser, the same head limit and the same body cap
//                                 as the fetcher, as if the host closed the connection
//                                 after the last byte.
//
// Every refusal is a policy_response_failure in the fetcher's own words, with anything
// the peer sent passed through core::quote_peer_text. Deliberately not here: the policy
// grammar (policy_parser.hpp), TLS, timeouts and connection errors (the fetcher).
#pragma once

#include "engine/core/result.hpp"
#include "engine/mtasts/fetch_outcome.hpp"
#include "engine/tlsrpt/failure_reason.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sts::mtasts {

// The parts of a response head the rules look at.
struct policy_response_head {
    unsigned status = 0;
    std::string reason;                   // the reason phrase as sent
    std::size_t content_type_fields = 0;  // how many Content-Type fields there were
    std::string content_type;             // the first one's value
    std::string location;                 // the first Location field's value, if any
    std::optional<std::uint64_t> content_length;
};

// Why a response carries no policy: the TLS-RPT reason, the cache's kind and our words.
struct policy_response_failure {
    tlsrpt::failure_reason reason = tlsrpt::failure_reason::policy_http_malformed;
    fetch_failure_kind kind = fetch_failure_kind::http_status;
    std::string detail;
};

// RFC 8461 §3.2 [STS-FETCH-11]: a text/plain media type, with or without parameters.
bool is_text_plain(std::string_view content_type);

// The rules on a head from `host` (the Policy Host, for the words): nothing when the body
// may be read, the failure otherwise.
std::optional<policy_response_failure> check_policy_response_head(const policy_response_head& head,
                                                                  std::string_view host,
                                                                  std::size_t body_bytes_max);

// The words for a body over the cap, and for a response that does not parse as HTTP
// (`stage` says which part: "response head" or "body"; `why` is the parser's message).
policy_response_failure policy_body_too_large(std::string_view host, std::size_t body_bytes_max);
policy_response_failure policy_response_malformed(std::string_view host, std::string_view stage,
                                                  std::string_view why);

// A complete response from bytes: the body when the head passes the rules and the body
// fits the cap, the failure otherwise. `chunk_bytes` is how many bytes the parser is
// given at a time (a connection delivers a response in pieces of any size); 0 means all
// at once. The result does not depend on it.
core::result<std::string, policy_response_failure> read_policy_response(std::string_view bytes,
                                                                         std::string_view host,
                                                                         std::size_t body_bytes_max,
                                                                         std::size_t chunk_bytes = 0);

}  // namespace sts::mtasts
