// bench/resolve_cost.cpp
//
// Our engine's MTA-STS policy resolution over real loopback sockets against a world that
// `mtasts-sim serve` runs (issue 7, item 1: beside postfix-mta-sts-resolver on the same
// world). One resolution is what a sending MTA does before it picks MX hosts:
//
//   cold: the `_mta-sts` TXT lookup (a DNS query, the resolver's answer cache off), RFC 8461
//         §3.1 discovery, then the HTTPS fetch of the policy (A lookup, TCP, a full verified
//         TLS handshake, GET, parse: engine/mtasts/https_policy_fetcher) and the policy
//         cache storing it;
//   warm: the TXT lookup again and the policy cache's begin() finding the same id: the
//         cached policy applies, nothing is fetched (what the engine does per delivery).
//
// Resolutions run one after another (latency), then `--parallel N` at a time (throughput).
// The engine's pieces are the real ones (stub_resolver, https_policy_fetcher, client_tls,
// policy_cache) on the loopback socket network; only the order of calls is this file's.
//
//   resolve_cost --nameserver ADDR:PORT --trust-store CA.pem [--policy-port N]
//                [--start TIME] [--rounds N] [--parallel N] DOMAIN...
//
// Prints key=value lines for scripts/bench: mode, resolutions, errors, median_ms, p90_ms, per_s.
#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/dns/stub_resolver.hpp"
#include "engine/mtasts/https_policy_fetcher.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "engine/mtasts/record.hpp"
#include "engine/mtasts/txt_outcome.hpp"
#include "engine/tls/client_tls.hpp"
#include "sim/network/socket_network.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

struct options {
    sts::net::endpoint nameserver{"127.53.0.1", 53};
    std::string trust_store_file;
    std::uint16_t policy_port = 443;
    std::vector<std::string> domains;
    int rounds = 20;
    int parallel = 8;
};

struct runtime {
    asio::io_context io;
    sts::sim::real_time_clock clock;
    sts::sim::real_timer_service timers;
    sts::sim::socket_network network;
    std::unique_ptr<sts::tls::client_tls> tls;
    std::unique_ptr<sts::dns::stub_resolver> resolver;
    std::unique_ptr<sts::mtasts::https_policy_fetcher> fetcher;
    sts::mtasts::policy_cache cache;

    runtime(const options& o, const std::string& trust_pem)
        : clock(std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now())),
          timers(io, clock),
          network(io) {
        auto made = sts::tls::client_tls::create(trust_pem, clock);
        if (!made.has_value()) throw std::runtime_error("trust store: " + made.error());
        tls = std::move(made).value();
        sts::dns::stub_resolver_config rc;
        rc.nameserver = o.nameserver;
        rc.source_address = "127.0.0.1";
        rc.cache_enabled = false;  // every resolution asks the DNS server, as a cold TXT check must
        resolver = std::make_unique<sts::dns::stub_resolver>(io, network, timers, clock, rc);
        sts::mtasts::https_policy_fetcher_config fc;
        fc.source_address = "127.0.0.1";
        fc.port = o.policy_port;
        fetcher = std::make_unique<sts::mtasts::https_policy_fetcher>(io, network, timers, clock, *resolver, *tls, fc);
    }
};

// One resolution of `domain`; `done(ok)` runs once it is over.
void resolve(runtime& rt, const std::string& domain, std::function<void(bool)> done) {
    rt.resolver->lookup("_mta-sts." + domain, sts::dns::rr_type::txt,
                        [&rt, domain, done = std::move(done)](sts::dns::lookup_result r) mutable {
                            if (!r.ok()) {
                                done(false);
                                return;
                            }
                            std::vector<std::vector<std::string>> rrset;
                            for (const auto& rec : r.records)
                                if (const auto* t = std::get_if<sts::dns::txt_rdata>(&rec.data)) rrset.push_back(t->strings);
                            const auto txt = sts::mtasts::from_discovery(sts::mtasts::discover_record(rrset));
                            const auto decision = rt.cache.begin(domain, txt, rt.clock.now());
                            if (decision.action() == sts::mtasts::cache_action::apply) {
                                done(decision.effective.has_policy());
                                return;
                            }
                            if (decision.action() != sts::mtasts::cache_action::fetch) {
                                done(false);
                                return;
                            }
                            const std::string id = decision.fetch_policy_id;
                            rt.fetcher->fetch({domain, std::nullopt},
                                              [&rt, domain, id, done = std::move(done)](sts::mtasts::fetch_report report) mutable {
                                                  const bool ok = report.outcome.has_value();
                                                  rt.cache.complete_fetch(domain, id, std::move(report.outcome),
                                                                          rt.clock.now());
                                                  done(ok);
                                              });
                        });
}

struct figures {
    std::vector<double> ms;
    int errors = 0;
    double seconds = 0;
};

// `count` resolutions, `parallel` in flight at a time; `fresh_cache` empties the policy
// cache before each one (cold).
figures run(runtime& rt, const options& o, int count, int parallel, bool fresh_cache) {
    figures f;
    int started = 0, finished = 0;
    std::function<void()> start_one = [&] {
        if (started == count) return;
        const auto& domain = o.domains[static_cast<std::size_t>(started) % o.domains.size()];
        ++started;
        if (fresh_cache) rt.cache = sts::mtasts::policy_cache{};
        const auto t0 = steady::now();
        resolve(rt, domain, [&, t0](bool ok) {
            f.ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - t0).count());
            if (!ok) ++f.errors;
            ++finished;
            start_one();
        });
    };
    const auto t0 = steady::now();
    for (int i = 0; i < parallel; ++i) start_one();
    while (finished < count) rt.io.run_one_for(std::chrono::milliseconds(50));
    f.seconds = std::chrono::duration<double>(steady::now() - t0).count();
    return f;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

void print(const char* mode, const figures& f) {
    fmt::print("mode={} resolutions={} errors={} median_ms={:.3f} p90_ms={:.3f} per_s={:.1f}\n", mode, f.ms.size(),
               f.errors, percentile(f.ms, 0.5), percentile(f.ms, 0.9),
               f.seconds > 0 ? static_cast<double>(f.ms.size()) / f.seconds : 0);
}

}  // namespace

int main(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--nameserver" && has_value) {
            const std::string v = argv[++i];
            const auto colon = v.rfind(':');
            o.nameserver = {v.substr(0, colon), static_cast<std::uint16_t>(std::stoi(v.substr(colon + 1)))};
        } else if (a == "--trust-store" && has_value) {
            o.trust_store_file = argv[++i];
        } else if (a == "--policy-port" && has_value) {
            o.policy_port = static_cast<std::uint16_t>(std::stoi(argv[++i]));
        } else if (a == "--rounds" && has_value) {
            o.rounds = std::stoi(argv[++i]);
        } else if (a == "--parallel" && has_value) {
            o.parallel = std::stoi(argv[++i]);
        } else if (!a.empty() && a[0] != '-') {
            o.domains.push_back(a);
        } else {
            std::fprintf(stderr,
                         "usage: resolve_cost --nameserver ADDR:PORT --trust-store CA.pem [--policy-port N] "
                         "[--rounds N] [--parallel N] DOMAIN...\n");
            return 2;
        }
    }
    std::ifstream in(o.trust_store_file);
    std::stringstream pem;
    pem << in.rdbuf();
    if (o.domains.empty() || pem.str().empty()) {
        std::fprintf(stderr, "resolve_cost: domains and a trust store are needed\n");
        return 2;
    }
    runtime rt(o, pem.str());
    const int count = o.rounds * static_cast<int>(o.domains.size());
    print("cold", run(rt, o, count, 1, true));
    // The cache now holds every domain's policy (filled by one cold pass).
    run(rt, o, static_cast<int>(o.domains.size()), 1, false);
    print("warm", run(rt, o, count, 1, false));
    print("cold_parallel", run(rt, o, count, o.parallel, true));
    run(rt, o, static_cast<int>(o.domains.size()), 1, false);
    print("warm_parallel", run(rt, o, count, o.parallel, false));
    return 0;
}
