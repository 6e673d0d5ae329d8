// mocks/dns/zone.hpp
//
// The DNS data of a mock world (issue 3, item 3) and the answer logic of the validating
// recursive resolver the engine points at, as pure code: no sockets, no clock. A record is
// an engine dns::record (owner, TTL, typed RDATA) plus the DNSSEC status a validator would
// have given its RRset (RFC 4035 §4.3: secure, insecure or bogus). A denial of existence
// (NXDOMAIN, NODATA) has a status too, per name and type or for the whole world.
//
// resolve() answers one question the way a recursive resolver does: names match without
// regard to ASCII case (RFC 4343 §3); CNAMEs are followed inside the data and the whole
// chain is returned (RFC 1034 §3.6.2, §4.3.2), up to a bound, and a chain that loops or is
// too long fails; NXDOMAIN and NODATA are told apart by whether the name owns any record
// (RFC 2308 §2.1, §2.2). The status of the result is the weakest along the chain
// (RFC 7672 §2.1.3 [DANE-09]). Turning that into RCODE and the AD bit is responder.hpp's
// job.
//
// Deliberately not here: zone cuts, delegation, wildcards, RRSIG/NSEC records (the status
// stands in for the validation a real resolver would do), and faults (fault.hpp).
#pragma once

#include "engine/dns/record.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sts::mocks {

// RFC 4035 §4.3 security status, ordered from the weakest: weakest() of two is the lower.
// The fourth status, indeterminate, is what a validator without a trust anchor reports; a
// world expresses it as bogus, which RFC 7672 §2.1.1 [DANE-02] treats the same way.
enum class dnssec_status : std::uint8_t {
    bogus,
    insecure,
    secure,
};

const char* to_string(dnssec_status status);
dnssec_status weakest(dnssec_status a, dnssec_status b) noexcept;

struct zone_record {
    dns::record record;
    // Most real domains are unsigned, so an unmarked record is insecure.
    dnssec_status status = dnssec_status::insecure;
};

// The status of the proof that `name` (for `type`, or for any type) does not exist.
struct zone_denial {
    std::string name;
    std::optional<dns::rr_type> type;
    dnssec_status status = dnssec_status::insecure;
};

// Plain data, as the world loader fills it.
struct zone_data {
    std::vector<zone_record> records;
    std::vector<zone_denial> denials;
    // The status of a denial no zone_denial names.
    dnssec_status denial_status = dnssec_status::insecure;
};

enum class resolution_kind : std::uint8_t {
    answer,               // records of the asked type (after any CNAMEs)
    nodata,               // the last name exists but owns nothing of that type
    nxdomain,             // the last name owns nothing at all
    cname_loop,           // a CNAME leads back to a name already in the chain
    cname_chain_too_long  // more CNAMEs than the resolver follows
};

const char* to_string(resolution_kind kind);

struct resolution {
    resolution_kind kind = resolution_kind::nxdomain;
    // The CNAME chain in order, then the RRset asked for. Each owner is spelled as the
    // question or the CNAME that led to it spelled it, so a client using 0x20 case
    // randomisation sees its own spelling back.
    std::vector<dns::record> answers;
    // For a denial, the SOA of the closest enclosing name that has one (RFC 2308 §3).
    std::optional<dns::record> soa;
    // The weakest status of every RRset and denial the result rests on. A loop or an
    // overlong chain is a failure whatever this says.
    dnssec_status status = dnssec_status::secure;
};

class zone {
public:
    // Checks the data: names and RDATA the wire can carry, class IN only, and RFC 1034
    // §3.6.2: a name with a CNAME owns nothing else, and only one CNAME. The error names
    // the first offending record.
    static core::result<zone, std::string> build(zone_data data);

    // qtype ANY returns every record of the name and follows no CNAME. `cname_hops_max`
    // bounds how many CNAMEs are followed.
    resolution resolve(std::string_view qname, dns::rr_type qtype, std::size_t cname_hops_max) const;

    const zone_data& data() const noexcept { return data_; }
    // Whether the name owns any record (case-insensitive).
    bool owns_records(std::string_view name) const;

private:
    explicit zone(zone_data data) : data_(std::move(data)) {}
    const std::vector<std::size_t>* records_of(std::string_view name) const;
    dnssec_status denial_status_of(std::string_view name, dns::rr_type qtype) const;
    std::optional<dns::record> closest_soa(std::string_view name) const;

    zone_data data_;
    // Canonical (lower-case, escaped) name → indices into data_.records, in data order.
    std::map<std::string, std::vector<std::size_t>, std::less<>> by_name_;
};

// The canonical key of a presentation name: labels lower-cased (RFC 4343 §3), no trailing
// dot; nullopt when the name does not parse.
std::optional<std::string> canonical_name(std::string_view name);

}  // namespace sts::mocks
