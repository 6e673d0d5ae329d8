#include "engine/dns/query.hpp"

#include <utility>

namespace sts::dns {

namespace {

// RFC 3225 §3: DO is the top bit of the 16-bit flags that sit in the low half of the OPT
// record's TTL (RFC 6891 §6.1.3: extended RCODE, version, then flags).
constexpr std::uint32_t do_bit = 0x00008000;

record make_opt(bool dnssec_ok_bit) {
    record opt;
    opt.name = ".";  // RFC 6891 §6.1.2: the owner is the root
    opt.rclass = static_cast<rr_class>(edns_udp_payload_bytes);
    opt.ttl = dnssec_ok_bit ? do_bit : 0;
    opt.data = raw_rdata{rr_type::opt, {}};
    return opt;
}

const record* find_opt(const message& m) noexcept {
    for (const auto& r : m.additionals) {
        if (r.type() == rr_type::opt) return &r;
    }
    return nullptr;
}

}  // namespace

message make_query(std::uint16_t id, std::string qname, rr_type qtype, query_flags flags) {
    message m;
    m.header.id = id;
    m.header.rd = flags.rd;
    m.header.ad = flags.ad;
    m.header.cd = flags.cd;
    m.questions.push_back(question{std::move(qname), qtype, rr_class::in});
    if (flags.dnssec_ok) m.additionals.push_back(make_opt(true));
    return m;
}

message make_response(const message& query, rcode code) {
    message m;
    m.header.id = query.header.id;
    m.header.qr = true;
    m.header.opcode = query.header.opcode;
    m.header.rd = query.header.rd;
    m.header.cd = query.header.cd;
    m.header.rcode = code;
    m.questions = query.questions;
    if (find_opt(query) != nullptr) m.additionals.push_back(make_opt(dnssec_ok(query)));
    return m;
}

bool dnssec_ok(const message& m) noexcept {
    const record* opt = find_opt(m);
    return opt != nullptr && (opt->ttl & do_bit) != 0;
}

}  // namespace sts::dns
