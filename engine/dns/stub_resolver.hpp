// engine/dns/stub_resolver.hpp
//
// The engine's DNS client: a security-aware stub (RFC 4033 §7) that asks one configured
// validating recursive resolver, over the network port, and trusts its AD bit (RFC 4035
// §3.2.3; RFC 7672 §2.1.1 [DANE-01]: the channel to it is the operator's to trust).
//
// One lookup is one question. A query sets RD and AD (RFC 6840 §5.7: AD in a query asks
// the resolver to report whether the answer is authentic), optionally DO with an EDNS OPT
// record. It goes over UDP from a fresh socket on the configured source address; each
// attempt has the configured timeout on the timer port, then the query is sent again,
// `attempts` times in all. A reply is taken only when it comes from the nameserver's
// address and port and carries the query's ID and question; anything else is ignored and
// the wait goes on (RFC 5452 §9.1). A reply with TC set is asked again over TCP (RFC 1035
// §4.2.1, RFC 7766 §5). RCODEs map to lookup_status (resolver.hpp); CNAME chains are
// followed inside the answer and, when an answer stops at a CNAME, by asking for its
// target (RFC 1034 §5.3.3), up to core::limits::dns_cname_hops_max.
//
// Results are cached by TTL (answer_cache.hpp), denials included. Query IDs come from a
// PRNG seeded by the configuration, so a world replays identically.
//
// Deliberately not here: several nameservers, DNSSEC validation of its own, 0x20 case
// randomisation, and EDNS options. Lookups in flight do not share queries.
#pragma once

#include "engine/core/clock.hpp"
#include "engine/dns/answer_cache.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/net/network.hpp"
#include "engine/net/timer_service.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace sts::dns {

struct stub_resolver_config {
    net::endpoint nameserver{"", 53};
    // The local address queries leave from; the port is always ephemeral.
    std::string source_address;
    // Per attempt, over UDP and over TCP alike.
    std::chrono::milliseconds timeout{std::chrono::seconds{5}};
    // Sends of the question over UDP before giving up (at least one is made).
    unsigned attempts = 2;
    bool cache_enabled = true;
    // Seeds the query IDs.
    std::uint64_t seed = 0;
    // Also set DO with an EDNS OPT record (RFC 3225). AD alone is enough to learn the
    // status; DO makes answers larger and is what resolvers such as Postfix's send.
    bool dnssec_ok = false;
    // Called for every query put on the wire, before it is sent.
    std::function<void(const query_trace&)> on_query;
};

class stub_resolver final : public resolver {
public:
    // The ports must outlive the resolver and every lookup it started; lookups still in
    // flight when the resolver goes complete all the same.
    stub_resolver(boost::asio::io_context& io, net::network& network, net::timer_service& timers,
                  const core::clock& clock, stub_resolver_config config);
    ~stub_resolver() override;
    stub_resolver(const stub_resolver&) = delete;
    stub_resolver& operator=(const stub_resolver&) = delete;

    void lookup(std::string_view name, rr_type type, lookup_handler handler) override;

    const stub_resolver_config& config() const noexcept;
    // Entries in the answer cache now (for tests and statistics).
    std::size_t cached_entries() const noexcept;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::dns
