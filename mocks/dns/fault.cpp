#include "mocks/dns/fault.hpp"

namespace sts::mocks {

const char* to_string(dns_fault_kind kind) {
    switch (kind) {
        case dns_fault_kind::none:
            return "none";
        case dns_fault_kind::nxdomain:
            return "nxdomain";
        case dns_fault_kind::nodata:
            return "nodata";
        case dns_fault_kind::servfail:
            return "servfail";
        case dns_fault_kind::refused:
            return "refused";
        case dns_fault_kind::drop:
            return "drop";
        case dns_fault_kind::truncate:
            return "truncate";
        case dns_fault_kind::wrong_id:
            return "wrong-id";
        case dns_fault_kind::wrong_id_then_answer:
            return "wrong-id-then-answer";
        case dns_fault_kind::garbage:
            return "garbage";
        case dns_fault_kind::truncate_always:
            return "truncate-always";
        case dns_fault_kind::compression_loop:
            return "compression-loop";
    }
    return "?";
}

dns_fault dns_fault_for(std::string name, std::optional<dns::rr_type> type, dns_fault_kind kind,
                        unsigned occurrence) {
    dns_fault f;
    f.name = std::move(name);
    f.type = type;
    f.kind = kind;
    f.occurrence = occurrence;
    return f;
}

dns_fault dns_delay(std::string name, std::optional<dns::rr_type> type, core::duration delay) {
    dns_fault f = dns_fault_for(std::move(name), type, dns_fault_kind::none);
    f.delay = delay;
    return f;
}

dns_fault_table::dns_fault_table(std::vector<dns_fault> faults)
    : faults_(std::move(faults)), hits_(faults_.size(), 0) {
    keys_.reserve(faults_.size());
    // A name that does not parse matches nothing: the server config's validate() reports it.
    for (const auto& f : faults_) keys_.push_back(canonical_name(f.name).value_or(std::string()));
}

const dns_fault* dns_fault_table::select(std::string_view qname, dns::rr_type qtype,
                                         dns_transport transport) {
    const auto key = canonical_name(qname);
    if (!key) return nullptr;
    const dns_fault* chosen = nullptr;
    for (std::size_t i = 0; i < faults_.size(); ++i) {
        const auto& f = faults_[i];
        if (keys_[i] != *key) continue;
        if (f.type && *f.type != qtype) continue;
        if (f.transport && *f.transport != transport) continue;
        ++hits_[i];
        if (chosen == nullptr && (f.occurrence == 0 || f.occurrence == hits_[i])) chosen = &f;
    }
    return chosen;
}

}  // namespace sts::mocks
