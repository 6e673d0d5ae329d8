#include "mocks/transcript.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace sts::mocks {

const char* to_string(transcript_kind kind) {
    switch (kind) {
        case transcript_kind::dns_query: return "dns";
        case transcript_kind::http_request: return "http";
        case transcript_kind::connect: return "connect";
        case transcript_kind::smtp_command: return "smtp>";
        case transcript_kind::smtp_reply: return "smtp<";
        case transcript_kind::tls: return "tls";
        case transcript_kind::delivery: return "delivery";
        case transcript_kind::event: return "event";
    }
    return "event";
}

void transcript::add(core::time_point at, std::string host, transcript_kind kind, std::string text) {
    entries_.push_back({at, std::move(host), kind, std::move(text)});
}

std::string transcript::render() const {
    std::string out;
    for (const auto& e : entries_) {
        out += fmt::format("{:%Y-%m-%dT%H:%M:%S}Z {} {} {}\n", e.at, e.host, to_string(e.kind), e.text);
    }
    return out;
}

}  // namespace sts::mocks
