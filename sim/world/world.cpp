#include "sim/world/world.hpp"

#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/openssl_access.hpp"
#include "mocks/certs/tlsa.hpp"
#include "mocks/dns/server.hpp"
#include "mocks/mock_context.hpp"
#include "mocks/policy_host/policy_host.hpp"
#include "mocks/proxy/connect_proxy.hpp"
#include "mocks/smtp/smtp_receiver.hpp"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace sts::sim {

namespace {
constexpr int dns_octet = 53;
constexpr int smtp_octet = 25;
constexpr int policy_octet = 44;
constexpr int proxy_octet = 31;
constexpr std::size_t hosts_per_octet = 250;
}  // namespace

struct world::mocks_set {
    std::unique_ptr<mocks::dns_server> dns;
    std::vector<std::unique_ptr<mocks::policy_host>> policy_hosts;
    std::vector<std::unique_ptr<mocks::smtp_receiver>> smtp_hosts;
    std::vector<std::unique_ptr<mocks::connect_proxy>> proxies;
    // The DNS data as it stands (the file's records, the A records assembly added, and
    // every change since), with the TLSA references still unresolved, and the faults; and
    // the certificate each host presents now. Mid-run changes edit these and rebuild.
    std::vector<dns_entry> records;
    std::vector<mocks::dns_fault> faults;
    std::map<std::string, mocks::leaf_credentials> issued;
};

namespace {

bool same_name(const std::string& a, const std::string& b) {
    const auto ka = mocks::canonical_name(a);
    const auto kb = mocks::canonical_name(b);
    return ka && kb && *ka == *kb;
}

}  // namespace

world::world(world_spec spec, world_network network)
    : spec_(std::move(spec)),
      network_(std::move(network)),
      context_(std::make_unique<mocks::mock_context>(mocks::mock_context{
          network_.io, network_.network, network_.timers, network_.clock, transcript_})),
      certs_(std::make_unique<mocks::cert_factory>(spec_.settings.seed)) {}

world::~world() { stop(); }

std::string world::host_address(int kind_octet, std::size_t index) const {
    return fmt::format("{}.{}.{}.{}", network_.address_prefix, kind_octet, index / hosts_per_octet,
                       index % hosts_per_octet + 1);
}

std::uint16_t world::port_for(std::uint16_t well_known) const {
    switch (network_.ports) {
        case port_plan::well_known: return well_known;
        case port_plan::ephemeral: return 0;
        case port_plan::offset: return static_cast<std::uint16_t>(network_.port_base + well_known);
    }
    return well_known;
}

std::string world::address_of(const std::string& host) const {
    for (std::size_t i = 0; i < spec_.smtp_hosts.size(); ++i)
        if (spec_.smtp_hosts[i].host_name == host) return host_address(smtp_octet, i);
    for (std::size_t i = 0; i < spec_.policy_hosts.size(); ++i)
        if (spec_.policy_hosts[i].host_name == host) return host_address(policy_octet, i);
    for (std::size_t i = 0; i < spec_.proxies.size(); ++i)
        if (spec_.proxies[i].host_name == host) return host_address(proxy_octet, i);
    return {};
}

std::optional<std::string> world::issue(const std::string& host, const mocks::leaf_spec& leaf) {
    auto creds = certs_->issue_leaf(leaf);
    if (!creds.has_value()) return fmt::format("{}: certificate: {}", host, creds.error());
    mocks_->issued.insert_or_assign(host, std::move(creds).value());
    return std::nullopt;
}

mocks::tls_identity world::identity(const std::string& host) const {
    const auto& c = mocks_->issued.at(host);
    mocks::tls_identity id{c.chain_pem(), c.key_pem(), {}, {}};
    // The factory's own objects ride along, so the mock's context need not parse the PEM
    // again (mocks/tls/server_tls.hpp says why that matters).
    const auto shared_x509 = [](X509* x) {
        X509_up_ref(x);
        return std::shared_ptr<X509>(x, X509_free);
    };
    id.parsed_chain.push_back(shared_x509(mocks::x509_of(c.leaf)));
    for (const auto& cert : c.chain) id.parsed_chain.push_back(shared_x509(mocks::x509_of(cert)));
    EVP_PKEY* key = mocks::private_key_of(c.leaf);
    EVP_PKEY_up_ref(key);
    id.parsed_key = std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
    return id;
}

core::result<mocks::zone_data, std::string> world::zone_of() const {
    mocks::zone_data data;
    for (const auto& e : mocks_->records) {
        if (!e.record) continue;
        auto record = *e.record;
        if (e.tlsa_from) {
            const auto found = mocks_->issued.find(e.tlsa_from->host);
            if (found == mocks_->issued.end())
                return core::failure(fmt::format("{}:{}: no certificate for {}", spec_.file, e.line, e.tlsa_from->host));
            const auto& issued = found->second;
            const auto& cert = e.tlsa_from->usage != mocks::tlsa_usage::dane_ta ? issued.leaf
                               : e.tlsa_from->top_ca && !issued.chain.empty() ? issued.chain.back()
                                                                              : issued.issuer;
            record.record.data =
                mocks::tlsa_record(cert, e.tlsa_from->usage, e.tlsa_from->selector, e.tlsa_from->matching);
        }
        data.records.push_back(std::move(record));
    }
    return data;
}

core::result<std::monostate, std::string> world::start() {
    stop();
    mocks_ = std::make_unique<mocks_set>();
    auto fail = [this](std::string message) -> core::result<std::monostate, std::string> {
        stop();
        return core::failure(std::move(message));
    };

    // Certificates first: TLSA data and every TLS server need them.
    auto& m = *mocks_;
    for (const auto& p : spec_.policy_hosts)
        if (auto e = issue(p.host_name, p.cert)) return fail(*e);
    for (const auto& s : spec_.smtp_hosts)
        if (auto e = issue(s.host_name, s.cert)) return fail(*e);

    // DNS data: the file's records, then A records for mock hosts the file left out.
    // Assembly's records join the file's, so a later change can replace them too.
    std::set<std::string> named;
    for (const auto& e : spec_.dns) {
        if (e.fault) m.faults.push_back(*e.fault);
        if (!e.record) continue;
        const auto type = e.record->record.type();
        if (type == dns::rr_type::a || type == dns::rr_type::aaaa || type == dns::rr_type::cname)
            if (auto key = mocks::canonical_name(e.record->record.name)) named.insert(*key);
        dns_entry record = e;
        record.fault.reset();
        m.records.push_back(std::move(record));
    }
    auto add_address = [&](const std::string& host, const std::string& address) {
        const auto key = mocks::canonical_name(host);
        if (key && named.contains(*key)) return;
        dns_entry e;
        e.record = mocks::zone_record{dns::record{host, dns::rr_class::in, 300, dns::a_rdata{address}}};
        m.records.push_back(std::move(e));
    };
    for (std::size_t i = 0; i < spec_.policy_hosts.size(); ++i)
        add_address(spec_.policy_hosts[i].host_name, host_address(policy_octet, i));
    for (std::size_t i = 0; i < spec_.smtp_hosts.size(); ++i)
        add_address(spec_.smtp_hosts[i].host_name, host_address(smtp_octet, i));
    for (std::size_t i = 0; i < spec_.proxies.size(); ++i)
        add_address(spec_.proxies[i].host_name, host_address(proxy_octet, i));
    mocks::dns_server_config dns;
    dns.listen = {host_address(dns_octet, 0), port_for(53)};
    auto zone = zone_of();
    if (!zone) return fail(std::move(zone).error());
    dns.zone = std::move(zone).value();
    dns.faults = m.faults;

    endpoints_.clear();
    m.dns = std::make_unique<mocks::dns_server>(*context_, std::move(dns));
    if (auto r = m.dns->start(); !r.has_value()) return fail(fmt::format("resolver: {}", r.error()));
    endpoints_.push_back({"resolver", "dns", m.dns->local_endpoint()});

    std::map<std::string, std::string> targets;
    for (std::size_t i = 0; i < spec_.policy_hosts.size(); ++i) {
        const auto& p = spec_.policy_hosts[i];
        auto config = p.config;
        config.listen = {host_address(policy_octet, i), port_for(443)};
        config.tls.identity = identity(p.host_name);
        // strict_sni accepts only the host's own name (STS-FETCH-20).
        config.tls.by_sni.emplace(p.host_name, config.tls.identity);
        targets.emplace(p.host_name, config.listen.address);
        auto host = std::make_unique<mocks::policy_host>(*context_, std::move(config));
        if (auto r = host->start(); !r.has_value()) return fail(fmt::format("{}: {}", p.host_name, r.error()));
        endpoints_.push_back({p.host_name, "https", host->local_endpoint()});
        m.policy_hosts.push_back(std::move(host));
    }
    for (std::size_t i = 0; i < spec_.smtp_hosts.size(); ++i) {
        const auto& s = spec_.smtp_hosts[i];
        auto config = s.config;
        config.listen = {host_address(smtp_octet, i), port_for(25)};
        config.tls.identity = identity(s.host_name);
        config.tls.by_sni.emplace(s.host_name, config.tls.identity);
        targets.emplace(s.host_name, config.listen.address);
        auto host = std::make_unique<mocks::smtp_receiver>(*context_, std::move(config));
        if (auto r = host->start(); !r.has_value()) return fail(fmt::format("{}: {}", s.host_name, r.error()));
        endpoints_.push_back({s.host_name, "smtp", host->local_endpoint()});
        m.smtp_hosts.push_back(std::move(host));
    }
    for (std::size_t i = 0; i < spec_.proxies.size(); ++i) {
        const auto& p = spec_.proxies[i];
        auto config = p.config;
        config.listen = {host_address(proxy_octet, i), port_for(config.listen.port)};
        config.targets = targets;
        const auto ca = certs_->interception_ca();
        config.interception_ca = {ca.pem(), ca.key_pem()};
        auto proxy = std::make_unique<mocks::connect_proxy>(*context_, std::move(config));
        if (auto r = proxy->start(); !r.has_value()) return fail(fmt::format("{}: {}", p.host_name, r.error()));
        endpoints_.push_back({p.host_name, "proxy", proxy->local_endpoint()});
        m.proxies.push_back(std::move(proxy));
    }
    return std::monostate{};
}

void world::stop() {
    if (!mocks_) return;
    for (auto& p : mocks_->proxies) p->stop();
    for (auto& s : mocks_->smtp_hosts) s->stop();
    for (auto& p : mocks_->policy_hosts) p->stop();
    if (mocks_->dns) mocks_->dns->stop();
    mocks_.reset();
    endpoints_.clear();
}

std::optional<net::endpoint> world::endpoint_of(const std::string& host, const std::string& service) const {
    for (const auto& e : endpoints_)
        if (e.host == host && e.service == service) return e.at;
    return std::nullopt;
}

net::endpoint world::dns_endpoint() const { return endpoint_of("resolver", "dns").value_or(net::endpoint{}); }

std::string world::trust_store_pem() const { return certs_->trust_store_pem(); }

core::result<std::monostate, std::string> world::write_trust_store(const std::string& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << trust_store_pem();
    out.close();
    if (!out) return core::failure(fmt::format("{}: cannot write the trust store", path));
    return std::monostate{};
}

mocks::dns_server& world::dns_server() { return *mocks_->dns; }

mocks::smtp_receiver* world::smtp_host(const std::string& host) {
    if (!mocks_) return nullptr;
    for (std::size_t i = 0; i < mocks_->smtp_hosts.size(); ++i)
        if (spec_.smtp_hosts[i].host_name == host) return mocks_->smtp_hosts[i].get();
    return nullptr;
}

mocks::policy_host* world::policy_host(const std::string& domain) {
    if (!mocks_) return nullptr;
    for (std::size_t i = 0; i < mocks_->policy_hosts.size(); ++i)
        if (spec_.policy_hosts[i].domain == domain) return mocks_->policy_hosts[i].get();
    return nullptr;
}

mocks::connect_proxy* world::proxy(const std::string& host) {
    if (!mocks_) return nullptr;
    for (std::size_t i = 0; i < mocks_->proxies.size(); ++i)
        if (spec_.proxies[i].host_name == host) return mocks_->proxies[i].get();
    return nullptr;
}

// ---- mid-run changes ---------------------------------------------------------------------

void world::note(std::string text) {
    transcript_.add(network_.clock.now(), "scenario", mocks::transcript_kind::event, std::move(text));
}

core::result<std::monostate, std::string> world::rebuild_zone() {
    auto zone = zone_of();
    if (!zone) return core::failure(std::move(zone).error());
    return mocks_->dns->set_zone(std::move(zone).value());
}

core::result<std::monostate, std::string> world::set_dns_records(const std::vector<dns_entry>& records) {
    if (!mocks_) return core::failure(std::string("the world is not running"));
    auto& current = mocks_->records;
    const auto before = current;
    for (const auto& r : records) {
        if (!r.record) continue;
        const auto type = r.record->record.type();
        std::erase_if(current, [&](const dns_entry& e) {
            return e.record && e.record->record.type() == type && same_name(e.record->record.name, r.record->record.name);
        });
    }
    for (const auto& r : records)
        if (r.record) current.push_back(r);
    auto rebuilt = rebuild_zone();
    if (!rebuilt) current = before;
    return rebuilt;
}

core::result<std::monostate, std::string> world::remove_dns_records(const std::string& name,
                                                                   std::optional<dns::rr_type> type) {
    if (!mocks_) return core::failure(std::string("the world is not running"));
    auto& current = mocks_->records;
    const auto before = current;
    std::erase_if(current, [&](const dns_entry& e) {
        return e.record && (!type || e.record->record.type() == *type) && same_name(e.record->record.name, name);
    });
    auto rebuilt = rebuild_zone();
    if (!rebuilt) current = before;
    return rebuilt;
}

core::result<std::monostate, std::string> world::set_dns_fault(const mocks::dns_fault& fault) {
    if (!mocks_) return core::failure(std::string("the world is not running"));
    auto faults = mocks_->faults;
    // A fault for a name and type replaces the faults of that name and type; one without
    // a type replaces every fault of the name.
    std::erase_if(faults, [&](const mocks::dns_fault& f) {
        return same_name(f.name, fault.name) && (!fault.type || f.type == fault.type);
    });
    // The new fault is listed first so it wins over a type-less fault of the same name.
    const bool clears = fault.kind == mocks::dns_fault_kind::none && fault.delay.count() == 0;
    if (!clears) faults.insert(faults.begin(), fault);
    auto set = mocks_->dns->set_faults(faults);
    if (set) mocks_->faults = std::move(faults);
    return set;
}

core::result<std::monostate, std::string> world::set_policy_host(const policy_host_spec& spec, bool new_certificate) {
    auto* host = policy_host(spec.domain);
    if (host == nullptr) return core::failure(fmt::format("no policy host for {}", spec.domain));
    auto config = spec.config;
    return reconfigure(spec.host_name, spec.cert, new_certificate, config.tls,
                       [&] { return host->set_config(config); });
}

core::result<std::monostate, std::string> world::set_smtp_host(const smtp_host_spec& spec, bool new_certificate) {
    auto* host = smtp_host(spec.host_name);
    if (host == nullptr) return core::failure(fmt::format("no SMTP host {}", spec.host_name));
    auto config = spec.config;
    return reconfigure(spec.host_name, spec.cert, new_certificate, config.tls,
                       [&] { return host->set_config(config); });
}

core::result<std::monostate, std::string> world::reconfigure(
    const std::string& host_name, const mocks::leaf_spec& cert, bool new_certificate, mocks::tls_server_config& tls,
    const std::function<core::result<std::monostate, std::string>()>& apply) {
    std::optional<mocks::leaf_credentials> previous;
    if (new_certificate) {
        previous = mocks_->issued.at(host_name);
        if (auto e = issue(host_name, cert)) return core::failure(std::move(*e));
    }
    auto undo = [&] {
        if (previous) mocks_->issued.insert_or_assign(host_name, std::move(*previous));
    };
    tls.identity = identity(host_name);
    tls.by_sni.insert_or_assign(host_name, tls.identity);
    if (auto r = apply(); !r) {
        undo();
        return r;
    }
    // TLSA records computed from this host's certificate follow the new one.
    if (new_certificate) {
        if (auto r = rebuild_zone(); !r) return r;
    }
    return std::monostate{};
}

core::result<std::monostate, std::string> world::set_proxy_fault(const proxy_spec& spec) {
    auto* p = proxy(spec.host_name);
    if (p == nullptr) return core::failure(fmt::format("no proxy {}", spec.host_name));
    return p->set_fault(spec.config.fault, spec.config.proxy_authorization);
}

}  // namespace sts::sim
