#include "mocks/dns/zone.hpp"

#include "engine/dns/message.hpp"
#include "engine/dns/name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sts::mocks {

const char* to_string(dnssec_status status) {
    switch (status) {
        case dnssec_status::bogus:
            return "bogus";
        case dnssec_status::insecure:
            return "insecure";
        case dnssec_status::secure:
            return "secure";
    }
    return "?";
}

dnssec_status weakest(dnssec_status a, dnssec_status b) noexcept {
    return std::min(a, b);
}

const char* to_string(resolution_kind kind) {
    switch (kind) {
        case resolution_kind::answer:
            return "answer";
        case resolution_kind::nodata:
            return "nodata";
        case resolution_kind::nxdomain:
            return "nxdomain";
        case resolution_kind::cname_loop:
            return "cname loop";
        case resolution_kind::cname_chain_too_long:
            return "cname chain too long";
    }
    return "?";
}

std::optional<std::string> canonical_name(std::string_view name) {
    auto labels = dns::parse_name(name);
    if (!labels) return std::nullopt;
    for (auto& label : labels.value()) {
        for (auto& c : label) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return dns::format_name(labels.value());
}

namespace {

// The record as the wire would carry it: encoding a one-record message runs every check
// the codec has (addresses, 255-byte TXT strings, name syntax) in one place.
std::string wire_problem(const dns::record& r) {
    dns::message m;
    m.answers.push_back(r);
    auto encoded = dns::encode(m);
    if (encoded) return {};
    const auto& f = encoded.error();
    return f.detail.empty() ? f.rule : fmt::format("{}: {}", f.rule, f.detail);
}

// The parent of a canonical name ("a.b" → "b", "b" → "."), or nullopt at the root.
std::optional<std::string> parent_of(const std::string& canonical) {
    if (canonical == ".") return std::nullopt;
    auto labels = dns::parse_name(canonical);
    if (!labels || labels.value().empty()) return std::nullopt;
    labels.value().erase(labels.value().begin());
    return dns::format_name(labels.value());
}

}  // namespace

core::result<zone, std::string> zone::build(zone_data data) {
    zone z(std::move(data));
    for (std::size_t i = 0; i < z.data_.records.size(); ++i) {
        const auto& r = z.data_.records[i].record;
        const auto where = [&] {
            return fmt::format("record {} ({} {})", i + 1, r.name, dns::type_name(r.type()));
        };
        auto key = canonical_name(r.name);
        if (!key) return core::failure(fmt::format("{}: the owner name does not parse", where()));
        if (r.rclass != dns::rr_class::in)
            return core::failure(fmt::format("{}: only class IN is served", where()));
        if (r.type() == dns::rr_type::opt || r.type() == dns::rr_type::any) {
            return core::failure(
                fmt::format("{}: {} is not a record type a zone holds", where(), dns::type_name(r.type())));
        }
        if (auto problem = wire_problem(r); !problem.empty()) {
            return core::failure(fmt::format("{}: {}", where(), problem));
        }
        z.by_name_[*key].push_back(i);
    }
    // RFC 1034 §3.6.2: "If a CNAME RR is present at a node, no other data should be present";
    // RFC 2181 §10.1 makes the CNAME RRset a single record.
    for (const auto& [name, indices] : z.by_name_) {
        const auto cnames = std::count_if(indices.begin(), indices.end(), [&](std::size_t i) {
            return z.data_.records[i].record.type() == dns::rr_type::cname;
        });
        if (cnames > 1) return core::failure(fmt::format("{} owns more than one CNAME", name));
        if (cnames == 1 && indices.size() > 1) {
            return core::failure(fmt::format("{} owns a CNAME and other records", name));
        }
    }
    for (std::size_t i = 0; i < z.data_.denials.size(); ++i) {
        if (!canonical_name(z.data_.denials[i].name)) {
            return core::failure(
                fmt::format("denial {} ({}): the name does not parse", i + 1, z.data_.denials[i].name));
        }
    }
    return z;
}

const std::vector<std::size_t>* zone::records_of(std::string_view name) const {
    const auto key = canonical_name(name);
    if (!key) return nullptr;
    const auto it = by_name_.find(*key);
    return it == by_name_.end() ? nullptr : &it->second;
}

bool zone::owns_records(std::string_view name) const {
    return records_of(name) != nullptr;
}

dnssec_status zone::denial_status_of(std::string_view name, dns::rr_type qtype) const {
    // A denial for the exact type wins over one for the whole name, which wins over the
    // world's default; among equals the first listed wins.
    const zone_denial* for_name = nullptr;
    for (const auto& d : data_.denials) {
        if (!dns::same_name(d.name, name)) continue;
        if (d.type == qtype) return d.status;
        if (!d.type && for_name == nullptr) for_name = &d;
    }
    return for_name != nullptr ? for_name->status : data_.denial_status;
}

std::optional<dns::record> zone::closest_soa(std::string_view name) const {
    for (auto key = canonical_name(name); key; key = parent_of(*key)) {
        const auto it = by_name_.find(*key);
        if (it == by_name_.end()) continue;
        for (const auto i : it->second) {
            if (data_.records[i].record.type() == dns::rr_type::soa) return data_.records[i].record;
        }
    }
    return std::nullopt;
}

resolution zone::resolve(std::string_view qname, dns::rr_type qtype, std::size_t cname_hops_max) const {
    resolution out;
    std::string current(qname);
    std::set<std::string> seen;
    for (std::size_t hops = 0;; ++hops) {
        const auto key = canonical_name(current);
        if (key) seen.insert(*key);
        const std::vector<std::size_t>* indices = nullptr;
        if (key) {
            const auto it = by_name_.find(*key);
            if (it != by_name_.end()) indices = &it->second;
        }
        if (indices == nullptr) {
            out.kind = resolution_kind::nxdomain;
            out.status = weakest(out.status, denial_status_of(current, qtype));
            out.soa = closest_soa(current);
            return out;
        }
        const zone_record* cname = nullptr;
        bool matched = false;
        for (const auto i : *indices) {
            const auto& zr = data_.records[i];
            if (qtype == dns::rr_type::any || zr.record.type() == qtype) {
                auto r = zr.record;
                r.name = current;
                out.answers.push_back(std::move(r));
                out.status = weakest(out.status, zr.status);
                matched = true;
            } else if (zr.record.type() == dns::rr_type::cname) {
                cname = &zr;
            }
        }
        if (matched) {
            out.kind = resolution_kind::answer;
            return out;
        }
        if (cname == nullptr) {
            out.kind = resolution_kind::nodata;
            out.status = weakest(out.status, denial_status_of(current, qtype));
            out.soa = closest_soa(current);
            return out;
        }
        // RFC 1034 §4.3.2 step 3.a: add the CNAME to the answer and restart at its target.
        // RFC 7672 §2.1.3 [DANE-09]: every link counts towards the status of the result.
        auto r = cname->record;
        r.name = current;
        out.answers.push_back(r);
        out.status = weakest(out.status, cname->status);
        const auto& target = std::get<dns::cname_rdata>(cname->record.data).target;
        const auto target_key = canonical_name(target);
        if (target_key && seen.contains(*target_key)) {
            out.kind = resolution_kind::cname_loop;
            return out;
        }
        if (hops + 1 > cname_hops_max) {
            out.kind = resolution_kind::cname_chain_too_long;
            return out;
        }
        current = target;
    }
}

}  // namespace sts::mocks
