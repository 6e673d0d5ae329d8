#include "mocks/dns/responder.hpp"

#include "engine/dns/query.hpp"
#include "engine/dns/wire.hpp"

#include <algorithm>

namespace sts::mocks {

namespace {

// RFC 1035 §4.1.1 header bits in the third byte.
constexpr std::uint8_t qr_bit = 0x80;
constexpr std::uint8_t rd_bit = 0x01;
constexpr unsigned opcode_shift = 3;
constexpr std::uint8_t opcode_mask = 0x0F;

// The garbage fault: the query's ID so the client takes it for its answer, then a header
// claiming 65535 answers, which no message of this size can hold, so it never decodes,
// then pseudo-random bytes.
constexpr std::size_t garbage_tail_bytes = 24;

std::uint16_t id_of(std::span<const std::uint8_t> wire) {
    return static_cast<std::uint16_t>((wire[0] << 8) | wire[1]);
}

// FNV-1a over the bytes, then splitmix64 steps: deterministic bytes that look random.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::vector<std::uint8_t> garbage_for(const dns::message& query, const std::string& key, std::uint64_t seed) {
    const auto id = query.header.id;
    std::vector<std::uint8_t> out = {static_cast<std::uint8_t>(id >> 8),
                                     static_cast<std::uint8_t>(id & 0xFF),
                                     0x81,
                                     0x80,
                                     0x00,
                                     0x00,
                                     0xFF,
                                     0xFF,
                                     0x00,
                                     0x00,
                                     0x00,
                                     0x00};
    std::uint64_t state = fnv1a(key, 0xcbf29ce484222325ULL ^ seed) ^
                          (static_cast<std::uint64_t>(query.questions.front().qtype) << 16) ^ id;
    while (out.size() < dns::header_bytes + garbage_tail_bytes) {
        const auto word = splitmix64(state);
        for (unsigned i = 0; i < 8 && out.size() < dns::header_bytes + garbage_tail_bytes; ++i) {
            out.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
        }
    }
    return out;
}

dns_query_entry entry_for(const dns::message& query) {
    dns_query_entry e;
    e.id = query.header.id;
    if (!query.questions.empty()) {
        e.qname = query.questions.front().qname;
        e.qtype = query.questions.front().qtype;
    }
    e.rd = query.header.rd;
    e.ad = query.header.ad;
    e.cd = query.header.cd;
    e.dnssec_ok = dns::dnssec_ok(query);
    return e;
}

bool asked_for_ad(const dns::message& query, const dns_responder_options& options) {
    return !options.ad_only_when_asked || query.header.ad || dns::dnssec_ok(query);
}

// The reply skeleton: RFC 1035 §4.1.1 ID, question and RD echoed (make_response), RA
// set since we are a recursive resolver, AA clear since we are not the authority.
dns::message skeleton(const dns::message& query, dns::rcode code) {
    auto m = dns::make_response(query, code);
    m.header.ra = true;
    return m;
}

// The compression-loop fault: the question echoed, one answer whose owner name is a
// compression pointer (RFC 1035 §4.1.4) to its own offset, then a well-formed rest of the
// record. A decoder that follows pointers without a bound never finishes the name.
std::vector<std::uint8_t> compression_loop_for(const dns::message& query) {
    auto m = skeleton(query, dns::rcode::noerror);
    m.additionals.clear();
    auto encoded = dns::encode(m);
    // The skeleton holds only what came from a decoded query, so it always encodes.
    std::vector<std::uint8_t> out = encoded ? std::move(encoded).value() : std::vector<std::uint8_t>{};
    if (out.size() < dns::header_bytes) return out;
    out[7] = 1;  // ANCOUNT
    const auto self = out.size();
    out.push_back(static_cast<std::uint8_t>(0xC0 | ((self >> 8) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(self & 0xFF));
    const auto qtype = static_cast<std::uint16_t>(query.questions.front().qtype);
    // TYPE, CLASS IN, TTL 300, RDLENGTH 4, four bytes of RDATA.
    const std::uint8_t rest[] = {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype & 0xFF),
                                 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1};
    out.insert(out.end(), std::begin(rest), std::end(rest));
    return out;
}

// The normal answer, before transport limits; `note` says why when it is not obvious.
dns::message normal_answer(const zone& data, const dns::message& query, const dns_responder_options& options,
                           std::string& note) {
    const auto& q = query.questions.front();
    const auto r = data.resolve(q.qname, q.qtype, options.cname_hops_max);
    if (r.kind == resolution_kind::cname_loop || r.kind == resolution_kind::cname_chain_too_long) {
        note = to_string(r.kind);
        return skeleton(query, dns::rcode::servfail);
    }
    // RFC 4035 §5.5: a validating resolver answers bogus data with SERVFAIL, except to a
    // client that disabled checking (§3.2.2), which gets the data and does its own.
    if (r.status == dnssec_status::bogus && !query.header.cd) {
        note = "bogus, withheld";
        return skeleton(query, dns::rcode::servfail);
    }
    if (r.status == dnssec_status::bogus) note = "bogus, returned for cd";
    auto m =
        skeleton(query, r.kind == resolution_kind::nxdomain ? dns::rcode::nxdomain : dns::rcode::noerror);
    m.answers = r.answers;
    if (r.soa) m.authorities.push_back(*r.soa);
    // RFC 4035 §3.2.3 [DANE-01]: AD only for data the resolver found secure, every link of
    // a CNAME chain included (RFC 7672 §2.1.3 [DANE-09]); a secure denial counts too
    // (RFC 7672 §2.1.1 [DANE-04]).
    m.header.ad = r.status == dnssec_status::secure && asked_for_ad(query, options);
    return m;
}

dns::message fault_answer(const dns::message& query, const dns_fault& fault,
                          const dns_responder_options& options) {
    switch (fault.kind) {
        case dns_fault_kind::nxdomain:
        case dns_fault_kind::nodata: {
            auto m = skeleton(
                query, fault.kind == dns_fault_kind::nxdomain ? dns::rcode::nxdomain : dns::rcode::noerror);
            m.header.ad = fault.denial_status == dnssec_status::secure && asked_for_ad(query, options);
            if (fault.denial_status == dnssec_status::bogus && !query.header.cd) {
                m.header.rcode = dns::rcode::servfail;
            }
            return m;
        }
        case dns_fault_kind::servfail:
            return skeleton(query, dns::rcode::servfail);
        case dns_fault_kind::refused:
            return skeleton(query, dns::rcode::refused);
        default:
            return skeleton(query, dns::rcode::servfail);  // not reached: the others distort a normal answer
    }
}

// Sets TC and empties the sections when the answer does not fit the transport. RFC 2181
// §9 allows keeping whole RRsets; sending none is what most resolvers do and it makes the
// retry over TCP certain. The OPT record stays (RFC 6891 §7).
std::vector<std::uint8_t> encode_for(dns::message m, const dns::message& query, dns_transport transport,
                                     const dns_responder_options& options, bool force_truncation,
                                     std::string& note) {
    auto wire = dns::encode(m);
    // Over TCP the two-byte length prefix is the only limit (RFC 1035 §4.2.2).
    const std::size_t limit = transport == dns_transport::udp ? udp_reply_bytes_max(query, options) : 65535;
    if (wire && !force_truncation && wire.value().size() <= limit) return std::move(wire).value();
    if (transport == dns_transport::udp) {
        m.header.tc = true;
        m.answers.clear();
        m.authorities.clear();
        std::erase_if(m.additionals, [](const dns::record& r) { return r.type() != dns::rr_type::opt; });
        m.header.ad = false;
    } else {
        // Over 65535 bytes: TCP cannot frame it either (RFC 1035 §4.2.2).
        note = "answer too large for a message";
        m = skeleton(query, dns::rcode::servfail);
    }
    auto retry = dns::encode(m);
    // The skeleton holds only what came from a decoded query, so it always encodes.
    return retry ? std::move(retry).value() : std::vector<std::uint8_t>{};
}

void describe_reply(dns_query_entry& e, const std::vector<std::uint8_t>& wire) {
    const auto m = dns::decode(wire);
    if (!m) return;
    e.rcode = m.value().header.rcode;
    e.ad_set = m.value().header.ad;
    e.tc_set = m.value().header.tc;
    e.answer_count = m.value().answers.size();
}

dns_reply_plan refusal(std::span<const std::uint8_t> wire, dns::rcode code, std::string note,
                       const dns::message* decoded) {
    dns_reply_plan plan;
    dns::message m;
    if (decoded != nullptr) {
        plan.entry = entry_for(*decoded);
        m = skeleton(*decoded, code);
        // A FORMERR names no question: the one we saw is what was wrong (RFC 1035 §4.1.1).
        if (code == dns::rcode::formerr) m.questions.clear();
    } else {
        m.header.id = id_of(wire);
        m.header.qr = true;
        m.header.opcode = static_cast<dns::opcode>((wire[2] >> opcode_shift) & opcode_mask);
        m.header.rd = (wire[2] & rd_bit) != 0;
        m.header.ra = true;
        m.header.rcode = code;
        plan.entry.id = m.header.id;
        plan.entry.rd = m.header.rd;
    }
    plan.entry.note = std::move(note);
    auto encoded = dns::encode(m);
    if (encoded) {
        plan.replies.push_back(std::move(encoded).value());
        plan.entry.answered = true;
        plan.entry.rcode = code;
    }
    return plan;
}

}  // namespace

std::size_t udp_reply_bytes_max(const dns::message& query, const dns_responder_options& options) {
    for (const auto& r : query.additionals) {
        if (r.type() != dns::rr_type::opt) continue;
        // RFC 6891 §6.2.5: a requested size below 512 is treated as 512; §6.2.3 lets the
        // responder cap it at its own limit.
        const std::size_t requested = static_cast<std::uint16_t>(r.rclass);
        return std::max(dns_udp_bytes_classic,
                        std::min<std::size_t>(requested, options.udp_payload_bytes_max));
    }
    return dns_udp_bytes_classic;
}

core::result<dns::message, dns_reply_plan> read_query(std::span<const std::uint8_t> wire) {
    if (wire.size() < dns::header_bytes) {
        dns_reply_plan plan;
        plan.entry.note = "ignored: shorter than a DNS header";
        return core::failure(std::move(plan));
    }
    if ((wire[2] & qr_bit) != 0) {
        // Answering a response could start a loop between two servers.
        dns_reply_plan plan;
        plan.entry.id = id_of(wire);
        plan.entry.note = "ignored: a response, not a query";
        return core::failure(std::move(plan));
    }
    auto decoded = dns::decode(wire);
    if (!decoded) {
        return core::failure(
            refusal(wire, dns::rcode::formerr, "malformed: " + decoded.error().rule, nullptr));
    }
    const auto& m = decoded.value();
    if (m.header.opcode != dns::opcode::query) {
        return core::failure(refusal(wire, dns::rcode::notimp, "opcode not implemented", &m));
    }
    if (m.questions.size() != 1) {
        return core::failure(refusal(wire, dns::rcode::formerr, "not exactly one question", &m));
    }
    if (m.questions.front().qclass != dns::rr_class::in) {
        return core::failure(refusal(wire, dns::rcode::refused, "class not served", &m));
    }
    return std::move(decoded).value();
}

dns_reply_plan answer_query(const zone& data, const dns::message& query, const dns_fault* fault,
                            dns_transport transport, const dns_responder_options& options) {
    dns_reply_plan plan;
    plan.entry = entry_for(query);
    const auto kind = fault != nullptr ? fault->kind : dns_fault_kind::none;
    if (fault != nullptr) {
        plan.entry.fault = kind;
        plan.delay = fault->delay;
        plan.entry.delay = fault->delay;
    }
    std::string note;
    switch (kind) {
        case dns_fault_kind::drop:
            break;
        case dns_fault_kind::garbage: {
            const auto key = canonical_name(query.questions.front().qname).value_or(std::string());
            plan.replies.push_back(garbage_for(query, key, options.seed));
            plan.entry.answered = true;
            plan.entry.note = "garbage";
            return plan;
        }
        case dns_fault_kind::compression_loop:
            plan.replies.push_back(compression_loop_for(query));
            plan.entry.answered = true;
            plan.entry.note = "compression loop";
            return plan;
        case dns_fault_kind::truncate_always: {
            // RFC 7766 §5 has TCP carry what UDP could not; a server that truncates over TCP
            // too sends the client round in a loop only its own query bound ends.
            auto m = skeleton(query, dns::rcode::noerror);
            m.header.tc = true;
            m.additionals.clear();
            auto wire = dns::encode(m);
            if (wire) plan.replies.push_back(std::move(wire).value());
            note = "truncated on every transport";
            break;
        }
        case dns_fault_kind::nxdomain:
        case dns_fault_kind::nodata:
        case dns_fault_kind::servfail:
        case dns_fault_kind::refused:
            plan.replies.push_back(
                encode_for(fault_answer(query, *fault, options), query, transport, options, false, note));
            break;
        case dns_fault_kind::none:
        case dns_fault_kind::truncate:
        case dns_fault_kind::wrong_id:
        case dns_fault_kind::wrong_id_then_answer: {
            auto m = normal_answer(data, query, options, note);
            // Truncation is a UDP matter: over TCP the full answer goes out (RFC 7766 §5).
            const bool truncate = kind == dns_fault_kind::truncate && transport == dns_transport::udp;
            auto wire = encode_for(std::move(m), query, transport, options, truncate, note);
            if (kind == dns_fault_kind::wrong_id || kind == dns_fault_kind::wrong_id_then_answer) {
                // Any other ID will do; the next one is visibly close to the right one.
                auto spoofed = wire;
                const auto wrong = static_cast<std::uint16_t>(query.header.id + 1);
                spoofed[0] = static_cast<std::uint8_t>(wrong >> 8);
                spoofed[1] = static_cast<std::uint8_t>(wrong & 0xFF);
                plan.replies.push_back(std::move(spoofed));
                if (kind == dns_fault_kind::wrong_id) {
                    note =
                        note.empty() ? "id " + std::to_string(wrong) : note + ", id " + std::to_string(wrong);
                }
            }
            if (kind != dns_fault_kind::wrong_id) plan.replies.push_back(std::move(wire));
            break;
        }
    }
    if (!plan.replies.empty()) {
        plan.entry.answered = true;
        describe_reply(plan.entry, plan.replies.back());
    }
    plan.entry.note = std::move(note);
    return plan;
}

dns_reply_plan respond(const zone& data, dns_fault_table& faults, std::span<const std::uint8_t> wire,
                       dns_transport transport, const dns_responder_options& options) {
    auto query = read_query(wire);
    if (!query) return std::move(query).error();
    const auto& q = query.value().questions.front();
    const auto* fault = faults.select(q.qname, q.qtype, transport);
    return answer_query(data, query.value(), fault, transport, options);
}

}  // namespace sts::mocks
