#include "mocks/dns/query_log.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/dns/name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace sts::mocks {

std::string describe(const dns_query_entry& e) {
    std::string flags;
    const auto flag = [&](bool on, const char* name) {
        if (!on) return;
        if (!flags.empty()) flags += ',';
        flags += name;
    };
    flag(e.rd, "rd");
    flag(e.ad, "ad");
    flag(e.cd, "cd");
    flag(e.dnssec_ok, "do");
    std::string line =
        fmt::format("{} {}:{} id {} ", to_string(e.transport), e.client.address, e.client.port, e.id);
    if (e.qname.empty()) {
        line += "(no question)";
    } else {
        line += fmt::format("{} {} {}", core::quote_peer_text(e.qname), dns::type_name(e.qtype),
                            flags.empty() ? "-" : flags);
    }
    line += " -> ";
    if (e.answered) {
        line += dns::rcode_name(e.rcode);
        if (e.ad_set) line += " ad";
        if (e.tc_set) line += " tc";
        line += fmt::format(" answers {}", e.answer_count);
    } else {
        line += "no reply";
    }
    if (e.fault) line += fmt::format(" fault {}", to_string(*e.fault));
    if (e.delay.count() != 0) line += fmt::format(" after {} ms", e.delay.count());
    if (!e.note.empty()) line += fmt::format(" ({})", e.note);
    return line;
}

void dns_query_log::add(dns_query_entry entry) {
    if (entries_.size() >= entries_max_) {
        ++dropped_;
        return;
    }
    entries_.push_back(std::move(entry));
}

std::size_t dns_query_log::count(std::string_view qname, dns::rr_type qtype) const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [&](const dns_query_entry& e) {
            return e.qtype == qtype && !e.qname.empty() && dns::same_name(e.qname, qname);
        }));
}

std::size_t dns_query_log::count(dns::rr_type qtype) const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(),
                      [&](const dns_query_entry& e) { return !e.qname.empty() && e.qtype == qtype; }));
}

std::size_t dns_query_log::count(dns_transport transport) const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(),
                      [&](const dns_query_entry& e) { return e.transport == transport; }));
}

}  // namespace sts::mocks
