// engine/dns/resolver.hpp
//
// port: DNS lookups as the sending engine needs them. One question (name, type) in, one
// lookup_result out, through a callback. The engine's implementation is the stub resolver
// (engine/dns/stub_resolver.hpp), which talks to the configured validating recursive
// resolver over the network port; tests of the delivery logic may use a table instead.
//
// The result already carries the decisions every caller would otherwise repeat: whether
// the failure is transient (SERVFAIL, timeout, malformed answer) or an authoritative
// "does not exist" (NXDOMAIN, NODATA), and the DNSSEC status the resolver vouched for
// with the AD bit (RFC 4035 §3.2.3, RFC 6840 §5.7). A bogus RRset reaches us as SERVFAIL
// from a validating resolver (RFC 4035 §5.5), so `bogus` is only reported when the
// resolver says so in a way the client can tell (never with the mock's defaults).
#pragma once

#include "engine/core/unique_function.hpp"
#include "engine/dns/record.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sts::dns {

enum class lookup_status {
    answer,     // NOERROR with records of the asked type (after any CNAMEs)
    nodata,     // NOERROR, the name exists but owns nothing of that type
    nxdomain,   // the name does not exist
    servfail,   // SERVFAIL (bogus data, CNAME loop, upstream failure), or REFUSED
    timeout,    // no usable answer after every retry, over UDP and TCP
    malformed,  // answers that did not decode, or did not answer the question
};
std::string_view to_string(lookup_status s);

// What the resolver vouched for. `secure`: AD was set on the answer (or on the denial).
enum class dnssec_status { insecure, secure, bogus };
std::string_view to_string(dnssec_status s);

struct lookup_result {
    std::string name;  // the question name as asked (lower case)
    rr_type type = rr_type::a;
    lookup_status status = lookup_status::timeout;
    dnssec_status security = dnssec_status::insecure;
    // The RRset asked for (owner = the last name of the CNAME chain), in answer order.
    std::vector<record> records;
    // The names the CNAMEs led to, first link first (RFC 1034 §3.6.2), lower case: empty
    // when the name owns the records itself; else the last one is the canonical name that
    // owns them (or whose denial this is).
    std::vector<std::string> cname_chain;
    // Seconds the result may be kept: the smallest TTL of the RRset and of the CNAMEs that
    // led to it; for a denial, min(SOA TTL, SOA MINIMUM) (RFC 2308 §5), or
    // core::limits::dns_negative_ttl_default when the denial carried no SOA. From the
    // cache it is what remains. Zero for failures, which are never cached.
    std::uint32_t ttl = 0;
    // Whether the answer came from the stub resolver's own cache, and how many queries it
    // sent (for the debug log's QIP lines and the benchmarks).
    bool from_cache = false;
    unsigned queries_sent = 0;
    // Our own words for what went wrong (for the log); empty on success.
    std::string detail;

    bool ok() const { return status == lookup_status::answer; }
    bool does_not_exist() const {
        return status == lookup_status::nxdomain || status == lookup_status::nodata;
    }
    bool transient_failure() const {
        return status == lookup_status::servfail || status == lookup_status::timeout ||
               status == lookup_status::malformed;
    }
};

using lookup_handler = core::unique_function<void(lookup_result)>;

// Observes every query put on the wire, for the gateway's debug lines
// (`DNS query: QIP (<name>,'<TYPE>','<nameserver ip>',<timeout seconds>)`).
struct query_trace {
    std::string name;
    rr_type type = rr_type::a;
    std::string nameserver;  // address only
    unsigned timeout_seconds = 0;
    bool tcp = false;
};

class resolver {
public:
    virtual ~resolver() = default;
    // The handler runs exactly once, never from inside the call.
    virtual void lookup(std::string_view name, rr_type type, lookup_handler handler) = 0;
};

}  // namespace sts::dns
