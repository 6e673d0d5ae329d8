// engine/dns/answer_cache.hpp
//
// The stub resolver's cache of lookup results, keyed by (name, type) and kept for the TTL
// the result carries (RFC 1035 §3.2.1; RFC 2181 §8), on the world's clock. It is pure:
// every call takes `now`, nothing here reads a clock or starts a timer.
//
// Answers (NOERROR with records) and denials (NXDOMAIN, NODATA) are cached; a denial's
// TTL already comes from the SOA of the answer or the default (resolver.hpp, `ttl`), as
// negative caching wants (RFC 2308 §5). Failures (SERVFAIL, timeout, malformed) are never
// cached: RFC 2308 §7 allows it for at most five minutes, but the delivery engine has its
// own retry schedule and a cached failure would only hide a recovery. TTLs are capped
// (core::limits::dns_cache_ttl_max, dns_negative_ttl_max) and a zero TTL is not kept.
//
// The cache is bounded (core::limits::dns_cache_entries_max): when full, expired entries
// go first, then the one closest to expiry. A hit comes back with from_cache set, no
// queries sent, and the TTL that remains.
//
// Deliberately not here: serving stale data (RFC 8767), prefetching, and caching the
// links of a CNAME chain under their own names (only the question asked is a key).
#pragma once

#include "engine/core/limits.hpp"
#include "engine/core/time.hpp"
#include "engine/dns/resolver.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace sts::dns {

// How long `result` may be cached, or nullopt when it must not be.
std::optional<core::duration> cache_lifetime(const lookup_result& result);

class answer_cache {
public:
    explicit answer_cache(std::size_t entries_max = core::limits::dns_cache_entries_max) noexcept
        : entries_max_(entries_max) {}

    // The live entry for the question, or nullopt; an expired one is dropped on the way.
    std::optional<lookup_result> find(std::string_view name, rr_type type, core::time_point now);

    // Keeps `result` under its own name and type when cache_lifetime() allows; returns
    // whether it was kept.
    bool store(const lookup_result& result, core::time_point now);

    void purge_expired(core::time_point now);
    std::size_t size() const noexcept { return entries_.size(); }

private:
    using key = std::pair<std::string, rr_type>;
    struct entry {
        lookup_result result;
        core::time_point expires;
    };

    void erase(std::map<key, entry>::iterator it);

    std::size_t entries_max_;
    std::map<key, entry> entries_;
    // Expiry order, for eviction and purging.
    std::set<std::pair<core::time_point, key>> by_expiry_;
};

}  // namespace sts::dns
