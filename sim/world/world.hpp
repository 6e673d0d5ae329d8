// sim/world/world.hpp
//
// One running mock world (issue 3): a world_spec brought up on a network, simulated or
// loopback, with one mock_context shared by every mock. Assembly gives each host its
// address, issues every certificate from one cert_factory seeded by the world's seed,
// completes the DNS data (an A record for each mock host the file does not give one, TLSA
// data computed from the certificate a `cert:<host>` record names) and starts the DNS
// server, the policy hosts, the SMTP receivers and the proxies.
//
// Addresses are a function of the host's kind and its position in the file, so they are
// the same on every run: with prefix P, the DNS server is P.53.0.1, SMTP hosts P.25.0.1,
// P.25.0.2, ..., policy hosts P.44.0.N and proxies P.31.0.N (after 250 hosts of one kind
// the third octet counts up). The simulated network uses P = 10; loopback uses P = 127,
// where Linux lets every 127.0.0.0/8 address be bound without configuration.
//
// Ports: the well-known ones (53, 25, 443, the proxy's own), ephemeral ones (the mocks
// ask for port 0 and endpoints() tells what they got), or base + the well-known port.
//
// It does not run the io_context: the owner drives it (the scheduler on the simulated
// network, io_context::run on loopback), and must keep the network, timers, clock and
// io_context alive for as long as the world and any run of it after stop().
#pragma once

#include "engine/core/clock.hpp"
#include "engine/core/result.hpp"
#include "engine/net/endpoint.hpp"
#include "engine/net/network.hpp"
#include "engine/net/timer_service.hpp"
#include "mocks/transcript.hpp"
#include "sim/world/world_spec.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace sts::mocks {
class dns_server;
class smtp_receiver;
class policy_host;
class connect_proxy;
class cert_factory;
struct mock_context;
}  // namespace sts::mocks

namespace sts::sim {

enum class port_plan { well_known, ephemeral, offset };

struct world_network {
    boost::asio::io_context& io;
    net::network& network;
    net::timer_service& timers;
    const core::clock& clock;
    std::string address_prefix = "10";  // the first octet of every host's address
    port_plan ports = port_plan::well_known;
    std::uint16_t port_base = 0;  // for port_plan::offset: port = base + well-known port
};

// One service a host offers: "dns", "smtp", "https" or "proxy".
struct world_endpoint {
    std::string host;
    std::string service;
    net::endpoint at;
};

class world {
public:
    world(world_spec spec, world_network network);
    ~world();
    world(const world&) = delete;
    world& operator=(const world&) = delete;

    // Issues the certificates, builds the DNS data and starts every mock. The error names
    // the host that could not start and why; nothing is left running after an error.
    core::result<std::monostate, std::string> start();
    void stop();

    const world_spec& spec() const { return spec_; }
    // Every service in the order: DNS, policy hosts, SMTP hosts, proxies.
    const std::vector<world_endpoint>& endpoints() const { return endpoints_; }
    std::optional<net::endpoint> endpoint_of(const std::string& host, const std::string& service) const;
    net::endpoint dns_endpoint() const;
    // The address assigned to a mock host (lower-case name), empty when there is none.
    std::string address_of(const std::string& host) const;

    const mocks::transcript& transcript() const { return transcript_; }
    // The root that clients trust, as PEM (curl --cacert, openssl -CAfile, swaks).
    std::string trust_store_pem() const;
    core::result<std::monostate, std::string> write_trust_store(const std::string& path) const;

    // Mid-run changes (scenario steps). Each is checked as assembly checks the file's data
    // and, on an error, leaves the world as it was. spec() stays what the world started
    // from.
    //
    // Replaces, for each name and type among `records`, that RRset by the given records
    // (TLSA `cert:` references resolved against the certificates presented now).
    core::result<std::monostate, std::string> set_dns_records(const std::vector<dns_entry>& records);
    // Removes the records of `name` (of `type` only, when given).
    core::result<std::monostate, std::string> remove_dns_records(const std::string& name,
                                                                 std::optional<dns::rr_type> type);
    // Replaces the faults of the fault's name (and type, when it has one) by this one; a
    // fault of kind none without a delay only clears them. Occurrences count afresh.
    core::result<std::monostate, std::string> set_dns_fault(const mocks::dns_fault& fault);
    // Replaces what a policy host or SMTP host serves (mocks' set_config()). With
    // `new_certificate` the host's certificate is issued anew from `spec.cert` by the
    // world's certificate factory, and every TLSA record computed from it is recomputed,
    // so `cert:` references stay true; without, the host keeps the certificate it has.
    core::result<std::monostate, std::string> set_policy_host(const policy_host_spec& spec, bool new_certificate);
    core::result<std::monostate, std::string> set_smtp_host(const smtp_host_spec& spec, bool new_certificate);
    // The proxy's fault and required Proxy-Authorization (its port stays).
    core::result<std::monostate, std::string> set_proxy_fault(const proxy_spec& spec);
    // Records a line in the transcript as an event of the host "scenario", so timelines
    // show when a change happened.
    void note(std::string text);

    mocks::dns_server& dns_server();
    mocks::smtp_receiver* smtp_host(const std::string& host);
    mocks::policy_host* policy_host(const std::string& domain);
    mocks::connect_proxy* proxy(const std::string& host);

private:
    std::optional<std::string> issue(const std::string& host, const mocks::leaf_spec& leaf);
    mocks::tls_identity identity(const std::string& host) const;
    core::result<mocks::zone_data, std::string> zone_of() const;
    core::result<std::monostate, std::string> rebuild_zone();
    core::result<std::monostate, std::string> reconfigure(
        const std::string& host_name, const mocks::leaf_spec& cert, bool new_certificate,
        mocks::tls_server_config& tls, const std::function<core::result<std::monostate, std::string>()>& apply);
    std::string host_address(int kind_octet, std::size_t index) const;
    std::uint16_t port_for(std::uint16_t well_known) const;

    world_spec spec_;
    world_network network_;
    mocks::transcript transcript_;
    // Outlives every mock, and stays after stop() for handlers that still run.
    std::unique_ptr<mocks::mock_context> context_;
    std::unique_ptr<mocks::cert_factory> certs_;
    struct mocks_set;
    std::unique_ptr<mocks_set> mocks_;
    std::vector<world_endpoint> endpoints_;
};

}  // namespace sts::sim
