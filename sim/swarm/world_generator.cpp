#include "sim/swarm/world_generator.hpp"

#include "sim/swarm/seeded_random.hpp"
#include "sim/world/world_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sts::sim {

namespace {

using namespace std::chrono_literals;
using seconds = std::chrono::seconds;

// A TOML basic string: the generator's own text only, but bodies hold line feeds.
std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
    return out + "\"";
}

// Keys of one table, written either as a [table] or as an inline table (a step).
struct key_values {
    std::vector<std::pair<std::string, std::string>> items;

    bool has(std::string_view key) const {
        return std::any_of(items.begin(), items.end(), [&](const auto& kv) { return kv.first == key; });
    }
    // The first value given for a key stays: a second fault of the same kind is dropped.
    void add(std::string key, std::string value) {
        if (!has(key)) items.emplace_back(std::move(key), std::move(value));
    }
    std::string as_table() const {
        std::string out;
        for (const auto& [k, v] : items) out += fmt::format("{} = {}\n", k, v);
        return out;
    }
    std::string as_inline() const {
        std::string out;
        for (const auto& [k, v] : items) out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", k, v);
        return out;
    }
};

constexpr std::array tls_settings{"no", "preferred", "required", "preferred-verify", "required-verify",
                                  "required-verify-hosted"};
constexpr std::array dane_settings{"none", "opportunistic", "mandatory"};
constexpr std::array dns_faults{"nxdomain", "nodata", "servfail", "refused", "drop",
                                "truncate", "wrong-id", "wrong-id-then-answer", "garbage"};
constexpr std::array proxy_faults{"none", "stall", "auth-required", "bad-gateway", "intercept"};
constexpr std::array reply_steps{"ehlo", "mail", "rcpt", "data", "end-of-data"};
constexpr std::array stall_steps{"before-greeting", "ehlo", "starttls", "tls", "mail", "rcpt", "data"};
constexpr std::string_view proxy_host = "proxy.swarm.test";
constexpr std::string_view unknown_domain = "nowhere.swarm.test";

template <typename T, std::size_t N>
const T& pick(seeded_random& rng, const std::array<T, N>& items) {
    return rng.pick(std::span<const T>(items));
}

bool tls_required(std::string_view tls) {
    return tls == "required" || tls == "required-verify" || tls == "required-verify-hosted";
}

struct mx_model {
    std::string host;
    unsigned preference = 10;
    bool mock = false;             // an [smtp] receiver answers for it
    std::string address_dnssec;    // of its explicit A record; empty: none written
    std::string tlsa_data;         // empty: no TLSA record
    std::string tlsa_dnssec = "insecure";
};

struct domain_model {
    std::string name;
    std::string tls = "preferred";
    std::string dane = "none";
    bool mta_sts = false;
    bool explicit_profile = false;
    bool profile_proxy = false;
    bool routed = false;
    std::string mx_dnssec = "insecure";
    std::vector<mx_model> mxs;
    // The TXT record now: valid (one record announcing an id) or not.
    bool txt_valid = false;
    bool has_policy_host = false;
    bool policy_cert_valid = true;
    bool policy_healthy_enforce = false;  // what the host serves now
    std::vector<std::string> policy_patterns;  // of that enforce policy
};

// One thing that happens at a virtual time: a message or a change to the world.
struct event {
    event(seconds when, std::string body = {}) : at(when), step(std::move(body)) {}
    seconds at{};
    std::string step;  // the [[step]] body
    // What the change does to the promises, applied when the facts are written.
    enum class effect { none, txt_valid, txt_invalid, policy, names_faulted, proxy } what = effect::none;
    std::size_t domain = 0;
    bool healthy_enforce = false;
    std::vector<std::string> patterns;
    std::vector<std::string> names;  // names_faulted
    bool proxy_passes = true;
};

class generator {
public:
    explicit generator(std::uint64_t seed) : seed_(seed), rng_(seed) {}

    swarm_case run() {
        make_domains();
        make_proxy();
        initial_ = domains_;
        make_initial_faults();
        make_messages();
        make_changes();
        swarm_case c;
        c.seed = seed_;
        c.name = fmt::format("swarm/seed-{}", seed_);
        c.toml = render(c.name);
        c.facts = facts();
        return c;
    }

private:
    // --- the world -------------------------------------------------------------------

    void make_domains() {
        const auto count = rng_.between(1, 4);
        default_tls_ = std::string(tls_settings[rng_.weighted({1, 4, 1, 1, 1, 0})]);
        default_mta_sts_ = rng_.percent(10) && default_tls_ != "no";
        for (std::uint64_t i = 1; i <= count; ++i) {
            domain_model d;
            d.name = fmt::format("d{}.swarm.test", i);
            d.explicit_profile = rng_.percent(85);
            if (d.explicit_profile) {
                d.tls = tls_settings[rng_.weighted({1, 6, 2, 1, 2, 1})];
                d.dane = d.tls == "no" ? "none" : dane_settings[rng_.weighted({5, 3, 1})];
                d.mta_sts = d.tls != "no" && rng_.percent(75);
            } else {
                d.tls = default_tls_;
                d.mta_sts = default_mta_sts_;
            }
            d.routed = rng_.percent(10);
            d.mx_dnssec = std::string(pick(rng_, std::array{"insecure", "insecure", "secure", "secure", "secure", "bogus"}));
            const auto mx_count = rng_.weighted({1, 4, 3, 1, 1});
            for (std::size_t k = 1; k <= mx_count; ++k) {
                mx_model m;
                m.host = fmt::format("mx{}.{}", k, d.name);
                m.preference = static_cast<unsigned>(10 * rng_.between(1, 3));
                m.mock = rng_.percent(90);
                if (m.mock || rng_.percent(50)) m.address_dnssec = rng_.percent(70) ? "secure" : "insecure";
                const bool tlsa = rng_.percent(d.dane != "none" ? 70 : 15);
                if (tlsa) {
                    const auto kind = rng_.weighted({4, 1, 2, 1});
                    const std::string zeros(64, '0');
                    if (kind == 0 && m.mock) m.tlsa_data = fmt::format("3 1 1 cert:{}", m.host);
                    else if (kind == 1 && m.mock) m.tlsa_data = fmt::format("2 0 1 cert:{}", m.host);
                    else if (kind == 3) m.tlsa_data = "0 0 1 " + zeros;  // PKIX-TA: unusable (DANE-29)
                    else m.tlsa_data = "3 1 1 " + zeros;                 // a wrong hash
                    m.tlsa_dnssec = std::string(pick(rng_, std::array{"secure", "secure", "secure", "insecure", "bogus"}));
                }
                d.mxs.push_back(std::move(m));
            }
            make_txt_and_policy(d);
            domains_.push_back(std::move(d));
        }
    }

    std::string new_id() { return fmt::format("swarm{}x{}", seed_ % 1'000'000, ++ids_); }

    void make_txt_and_policy(domain_model& d) {
        const auto txt = rng_.weighted({7, 1, 1, 1});  // valid, none, invalid, two records
        const auto name = "_mta-sts." + d.name;
        if (txt == 0) {
            dns_ += dns_entry(name, "TXT", quoted(fmt::format("v=STSv1; id={};", new_id())), "");
            d.txt_valid = true;
        } else if (txt == 2) {
            dns_ += dns_entry(name, "TXT", quoted(invalid_txt()), "");
        } else if (txt == 3) {
            dns_ += dns_entry(name, "TXT", quoted(fmt::format("v=STSv1; id={};", new_id())), "");
            dns_ += dns_entry(name, "TXT", quoted(fmt::format("v=STSv1; id={};", new_id())), "");
        }
        d.has_policy_host = rng_.percent(txt == 1 ? 30 : 90);
        if (!d.has_policy_host) return;
        auto config = policy_config(d);
        policy_tables_ += fmt::format("[policy_host.\"{}\"]\n{}\n", d.name, config.first.as_table());
    }

    std::string invalid_txt() {
        switch (rng_.below(4)) {
            case 0: return "v=STSv2; id=1;";
            case 1: return "v=STSv1; id=;";
            case 2: return "v=STSv1; id=0123456789abcdef0123456789abcdef0;";  // 33 characters
            default: return "v=STSv1 id=nosemicolon";
        }
    }

    // A policy host as a table of keys, and whether it serves a valid enforce policy with
    // a valid certificate and no fault (updating the domain's current state).
    std::pair<key_values, bool> policy_config(domain_model& d) {
        key_values kv;
        const auto kind = rng_.weighted({20, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1});
        bool body_valid = true;
        std::string mode = std::string(pick(rng_, std::array{"enforce", "enforce", "enforce", "enforce", "enforce",
                                                             "enforce", "testing", "testing", "none"}));
        const auto patterns = mx_patterns(d);
        std::string body = fmt::format("version: STSv1\nmode: {}\n", mode);
        for (const auto& p : patterns) body += fmt::format("mx: {}\n", p);
        body += fmt::format("max_age: {}\n", pick(rng_, std::array{86400, 604800, 3600, 31557600}));
        if (kind == 5) {
            body_valid = false;
            switch (rng_.below(4)) {
                case 0: body = "version: STSv2\nmode: enforce\nmx: *.swarm.test\nmax_age: 86400\n"; break;
                case 1: body = "version: STSv1\nmode: enforcing\nmx: *.swarm.test\nmax_age: 86400\n"; break;
                case 2: body = "version: STSv1\nmode: enforce\nmx: *.swarm.test\n"; break;
                default: body = "<html>It works!</html>\n"; break;
            }
        }
        kv.add("body", quoted(body));
        bool healthy = true;
        switch (kind) {
            case 0: break;
            case 1: kv.add("status", "404"); healthy = false; break;
            case 2: kv.add("fault", "\"stall-after-headers\""); healthy = false; break;
            case 3: kv.add("fault", "\"stall-before-tls\""); healthy = false; break;
            case 4: kv.add("fault", "\"reset\""); healthy = false; break;
            case 5: break;
            case 6: kv.add("cert", "{ not_after = \"-1d\" }"); d.policy_cert_valid = false; break;
            case 7: kv.add("cert", "{ names = [\"mta-sts.elsewhere.test\"] }"); d.policy_cert_valid = false; break;
            case 8: kv.add("tls_max", "\"1.1\""); healthy = false; break;
            case 9: kv.add("content_type", "\"text/html\""); healthy = false; break;
            case 10:
                kv.add("status", "301");
                kv.add("location", quoted(fmt::format("https://mta-sts.{}/.well-known/mta-sts.txt", d.name)));
                healthy = false;
                break;
            case 11: kv.add("framing", "\"chunked\""); healthy = false; break;
            default: kv.add("drip", "{ bytes = 8, interval = \"10s\" }"); healthy = false; break;
        }
        // A new, valid certificate now and then, so a change can also mend one.
        if (kind == 0 && rng_.percent(20)) {
            kv.add("cert", "{}");
            d.policy_cert_valid = true;
        }
        d.policy_healthy_enforce = healthy && body_valid && mode == "enforce" && d.policy_cert_valid;
        d.policy_patterns = d.policy_healthy_enforce ? patterns : std::vector<std::string>{};
        return {kv, d.policy_healthy_enforce};
    }

    std::vector<std::string> mx_patterns(const domain_model& d) {
        std::vector<std::string> all;
        for (const auto& m : d.mxs) all.push_back(m.host);
        if (all.empty()) all.push_back("mx1." + d.name);
        switch (rng_.weighted({4, 2, 1, 2, 1})) {
            case 0: return all;
            case 1: return {"*." + d.name};
            case 2: return {"mx9." + d.name};
            case 3: return {all.front()};
            default: return {all.front(), "*.elsewhere.test"};
        }
    }

    // Receiver faults: none most of the time, else one or two of them.
    key_values receiver_config() {
        key_values kv;
        if (rng_.percent(45)) return kv;
        const auto faults = rng_.between(1, 2);
        for (std::uint64_t f = 0; f < faults; ++f) {
            // Downgrades (no STARTTLS, a refusal) weigh most: they are what enforce and DANE
            // exist to stop.
            switch (rng_.weighted({4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})) {
                case 0: kv.add("starttls", "false"); break;
                case 1: kv.add("starttls_reply", "\"454 4.7.0 TLS not available\""); break;
                case 2: kv.add("cert", "{ not_after = \"-1d\" }"); break;
                case 3: kv.add("cert", "{ names = [\"other.elsewhere.test\"] }"); break;
                case 4: kv.add("cert", "{ issuer = \"self-signed\" }"); break;
                case 5: kv.add("cert", "{ issuer = \"untrusted\" }"); break;
                // tls_min and tls_max are one fault: a host never has both.
                case 6:
                    if (!kv.has("tls_min")) kv.add("tls_max", "\"1.1\"");
                    break;
                case 7:
                    if (!kv.has("tls_min")) kv.add("tls_max", "\"1.0\"");
                    break;
                case 8:
                case 9: {
                    const bool permanent = rng_.percent(30);
                    const auto then = pick(rng_, std::array{"carry-on", "carry-on", "close", "stall"});
                    kv.add("replies", fmt::format("[{{ step = \"{}\", reply = \"{}\", occurrence = {}, then = \"{}\" }}]",
                                                  pick(rng_, reply_steps),
                                                  permanent ? "550 5.7.1 refused" : "451 4.3.0 try later",
                                                  rng_.below(3), then));
                    break;
                }
                case 10: kv.add("stall", quoted(pick(rng_, stall_steps))); break;
                case 11: kv.add("handshake", "\"close-after-reply\""); break;
                case 12: kv.add("handshake", "\"garbage-reply\""); break;
                case 13: kv.add("injection", "\"250-INJECTED\""); break;
                default:
                    if (!kv.has("tls_max")) kv.add("tls_min", "\"1.3\"");
                    break;
            }
        }
        return kv;
    }

    static std::string dns_entry(std::string_view name, std::string_view type, const std::string& data,
                                 std::string_view dnssec) {
        auto out = fmt::format("[[dns]]\nname = \"{}\"\ntype = \"{}\"\ndata = {}\n", name, type, data);
        if (!dnssec.empty()) out += fmt::format("dnssec = \"{}\"\n", dnssec);
        return out + "\n";
    }

    void make_proxy() {
        has_proxy_ = rng_.percent(25);
        if (!has_proxy_) return;
        proxy_fault_ = std::string(pick(rng_, std::array{"none", "none", "none", "stall", "auth-required",
                                                         "bad-gateway", "intercept"}));
        engine_proxy_ = rng_.percent(40);
        for (auto& d : domains_)
            if (d.explicit_profile && !engine_proxy_) d.profile_proxy = rng_.percent(50);
    }

    bool uses_proxy(const domain_model& d) const { return has_proxy_ && (engine_proxy_ || d.profile_proxy); }

    // A name of the world a DNS fault may hit, with its type.
    std::pair<std::string, std::string> fault_target() {
        const auto& d = domains_[static_cast<std::size_t>(rng_.below(domains_.size()))];
        const auto kind = rng_.below(d.mxs.empty() ? 3 : 5);
        const auto& m = d.mxs.empty() ? mx_model{} : d.mxs[static_cast<std::size_t>(rng_.below(d.mxs.size()))];
        switch (kind) {
            case 0: return {d.name, "MX"};
            case 1: return {"_mta-sts." + d.name, "TXT"};
            case 2: return {"mta-sts." + d.name, "A"};
            case 3: return {m.host, "A"};
            default: return {"_25._tcp." + m.host, "TLSA"};
        }
    }

    std::string fault_keys(std::string_view name, std::string_view type) {
        auto keys = fmt::format("name = \"{}\", type = \"{}\", fault = \"{}\"", name, type, pick(rng_, dns_faults));
        const auto occurrence = rng_.weighted({2, 2, 1});
        if (occurrence != 0) keys += fmt::format(", occurrence = {}", occurrence);
        if (rng_.percent(10)) keys += ", delay = \"3s\"";
        if (rng_.percent(10)) keys += ", transport = \"udp\"";
        return keys;
    }

    void make_initial_faults() {
        const auto count = rng_.weighted({5, 3, 1});
        for (std::size_t i = 0; i < count; ++i) {
            const auto [name, type] = fault_target();
            faulted_.insert(name);
            auto keys = fault_keys(name, type);
            // The inline keys, one per line, as a [[dns]] table.
            std::string table = "[[dns]]\n";
            std::size_t from = 0;
            while (from < keys.size()) {
                const auto comma = keys.find(", ", from);
                table += keys.substr(from, comma == std::string::npos ? std::string::npos : comma - from) + "\n";
                if (comma == std::string::npos) break;
                from = comma + 2;
            }
            dns_faults_ += table + "\n";
        }
    }

    // --- what happens ------------------------------------------------------------------

    void make_messages() {
        const auto count = rng_.between(1, 20);
        for (std::uint64_t i = 0; i < count; ++i) {
            const auto at = seconds{60 * rng_.below(121) + rng_.below(60)};
            const auto n = rng_.weighted({0, 6, 3, 1});
            std::vector<std::string> to;
            for (std::size_t r = 0; r < n; ++r) {
                const auto domain = rng_.percent(5) ? std::string(unknown_domain)
                                                    : domains_[static_cast<std::size_t>(rng_.below(domains_.size()))].name;
                auto address = fmt::format("u{}@{}", rng_.between(1, 3), domain);
                // A message names each recipient once.
                if (std::find(to.begin(), to.end(), address) == to.end()) to.push_back(std::move(address));
            }
            std::string list;
            for (const auto& t : to) {
                list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", t);
                recipients_.push_back(t);
            }
            events_.push_back({at, fmt::format("send = {{ from = \"s@sender.test\", to = [{}] }}", list)});
        }
    }

    // Changes are drawn in random time order, and a policy change is judged healthy from
    // the certificate state the changes drawn before it left. That can only be wrong
    // after a change that breaks the certificate, and such a change ends the enforce
    // promise (facts()) before anything later is judged.
    void make_changes() {
        const auto count = rng_.weighted({3, 3, 2, 1});
        for (std::size_t i = 0; i < count; ++i) {
            const auto at = seconds{60 * rng_.below(181)};
            const auto di = static_cast<std::size_t>(rng_.below(domains_.size()));
            auto& d = domains_[di];
            const auto kind = rng_.weighted({3, 3, 2, 2, 1, has_proxy_ ? 1u : 0u});
            const auto txt_name = "_mta-sts." + d.name;
            if (kind == 0 || (kind == 1 && !d.has_policy_host)) {  // a new policy id (or a broken record)
                const auto variant = rng_.weighted({8, 1, 1});
                event e{at};
                e.domain = di;
                if (variant == 0) {
                    e.step = fmt::format("dns_set = {{ name = \"{}\", type = \"TXT\", data = {} }}", txt_name,
                                         quoted(fmt::format("v=STSv1; id={};", new_id())));
                    e.what = event::effect::txt_valid;
                } else if (variant == 1) {
                    e.step = fmt::format("dns_set = {{ name = \"{}\", type = \"TXT\", data = {} }}", txt_name,
                                         quoted(invalid_txt()));
                    e.what = event::effect::txt_invalid;
                } else {
                    e.step = fmt::format("dns_remove = {{ name = \"{}\", type = \"TXT\" }}", txt_name);
                    e.what = event::effect::txt_invalid;
                }
                events_.push_back(std::move(e));
            } else if (kind == 1) {  // the policy host answers anew, now and then with a new id
                auto [kv, healthy] = policy_config(d);
                event e{at, fmt::format("policy = {{ domain = \"{}\", {} }}", d.name, kv.as_inline())};
                e.what = event::effect::policy;
                e.domain = di;
                e.healthy_enforce = healthy;
                e.patterns = d.policy_patterns;
                events_.push_back(std::move(e));
                if (rng_.percent(50)) {
                    event id{at, fmt::format("dns_set = {{ name = \"{}\", type = \"TXT\", data = {} }}", txt_name,
                                             quoted(fmt::format("v=STSv1; id={};", new_id())))};
                    id.what = event::effect::txt_valid;
                    id.domain = di;
                    events_.push_back(std::move(id));
                }
            } else if (kind == 2) {  // an SMTP host changes its faults
                std::vector<std::string> hosts;
                for (const auto& dm : domains_) {
                    for (const auto& m : dm.mxs)
                        if (m.mock) hosts.push_back(m.host);
                    if (dm.routed) hosts.push_back("relay." + dm.name);
                }
                if (hosts.empty()) continue;
                const auto& host = rng_.pick(std::span<const std::string>(hosts));
                const auto kv = receiver_config();
                events_.push_back({at, fmt::format("smtp = {{ host = \"{}\"{}{} }}", host, kv.items.empty() ? "" : ", ",
                                                   kv.as_inline())});
            } else if (kind == 3) {  // a DNS fault starts
                const auto [name, type] = fault_target();
                event e{at, fmt::format("dns_fault = {{ {} }}", fault_keys(name, type))};
                e.what = event::effect::names_faulted;
                e.names = {name};
                events_.push_back(std::move(e));
            } else if (kind == 4) {  // every fault of a name ends
                const auto [name, type] = fault_target();
                events_.push_back({at, fmt::format("dns_fault = {{ name = \"{}\", fault = \"none\" }}", name)});
            } else {
                const std::string fault(pick(rng_, proxy_faults));
                event e{at, fmt::format("proxy = {{ host = \"{}\", fault = \"{}\" }}", proxy_host, fault)};
                e.what = event::effect::proxy;
                e.proxy_passes = fault == "none";
                events_.push_back(std::move(e));
            }
        }
        // Messages and changes in time order; at one time, in the order they were made.
        std::stable_sort(events_.begin(), events_.end(), [](const event& a, const event& b) { return a.at < b.at; });
    }

    // --- the text ------------------------------------------------------------------------

    std::string render(const std::string& name) {
        std::string out = fmt::format(
            "# Generated by `mtasts-sim run --swarm 1 --seed {0}` (sim/swarm/world_generator.cpp).\n\n"
            "[scenario]\nname = \"{1}\"\nsummary = \"a random world and message mix from swarm seed {0}\"\n"
            "seed = {2}\n\n",
            seed_, name, seed_ & static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
        out += fmt::format("[profile.default]\ntls = \"{}\"\n{}\n", default_tls_, default_mta_sts_ ? "mta_sts = true\n" : "");
        for (const auto& d : domains_) {
            if (!d.explicit_profile) continue;
            out += fmt::format("[profile.\"{}\"]\ntls = \"{}\"\n", d.name, d.tls);
            if (d.dane != "none") out += fmt::format("dane = \"{}\"\n", d.dane);
            if (d.mta_sts) out += "mta_sts = true\n";
            if (d.profile_proxy) out += fmt::format("proxy = \"{}\"\n", proxy_host);
            out += "\n";
        }
        out += "[engine]\n";
        if (engine_proxy_) out += fmt::format("proxy = \"{}\"\n", proxy_host);
        const auto lifetime = rng_.weighted({3, 1, 1});
        if (lifetime == 1) out += "queue_lifetime = \"1h\"\n";
        if (lifetime == 2) out += "queue_lifetime = \"3h\"\n";
        out += "\n";

        // SMTP hosts are numbered in file order (world.hpp): the n-th is 10.25.0.n.
        std::string smtp;
        std::size_t smtp_index = 0;
        for (const auto& d : domains_) {
            for (const auto& m : d.mxs) {
                out += dns_entry(d.name, "MX", quoted(fmt::format("{} {}", m.preference, m.host)), d.mx_dnssec);
                if (m.mock) {
                    smtp += fmt::format("[smtp.\"{}\"]\n{}\n", m.host, receiver_config().as_table());
                    ++smtp_index;
                }
                if (!m.address_dnssec.empty()) {
                    const auto address = m.mock ? fmt::format("10.25.0.{}", smtp_index) : std::string("10.99.0.1");
                    out += dns_entry(m.host, "A", quoted(address), m.address_dnssec);
                }
                if (!m.tlsa_data.empty())
                    out += dns_entry("_25._tcp." + m.host, "TLSA", quoted(m.tlsa_data), m.tlsa_dnssec);
            }
            if (d.routed) {
                smtp += fmt::format("[smtp.\"relay.{}\"]\n{}\n", d.name, receiver_config().as_table());
                ++smtp_index;
                routes_ += fmt::format("[route.\"{}\"]\nhosts = [\"relay.{}\"]\n\n", d.name, d.name);
            }
        }
        out += dns_ + dns_faults_ + policy_tables_ + smtp + routes_;
        if (has_proxy_) out += fmt::format("[proxy.\"{}\"]\nfault = \"{}\"\n\n", proxy_host, proxy_fault_);

        seconds now{0};
        for (const auto& e : events_) {
            if (e.at > now) {
                out += fmt::format("[[step]]\nadvance = \"{}s\"\n\n", (e.at - now).count());
                now = e.at;
            }
            out += fmt::format("[[step]]\n{}\n\n", e.step);
        }
        // Long enough for retries, and for a short queue lifetime to end.
        out += "[[step]]\nadvance = \"4h\"\n";
        return out;
    }

    // --- the promises ----------------------------------------------------------------------

    swarm_facts facts() const {
        swarm_facts f;
        f.seed = seed_;
        f.recipients = recipients_;
        const auto start = default_world_start;
        const auto never = core::time_point::max();
        for (std::size_t di = 0; di < domains_.size(); ++di) {
            const auto& d = initial_[di];
            swarm_domain_facts df;
            df.name = d.name;
            df.routed = d.routed;
            df.tls_required = tls_required(d.tls) || (d.dane == "mandatory" && !d.routed);
            df.dane_enabled = d.dane != "none";
            if (d.has_policy_host) df.policy_host = "mta-sts." + d.name;
            for (const auto& m : d.mxs) {
                df.mx_hosts.push_back(m.host);
                if (!m.tlsa_data.empty()) df.tlsa_hosts.push_back(m.host);
            }
            const auto txt_name = "_mta-sts." + d.name;
            const auto policy_name = "mta-sts." + d.name;
            bool governed = d.mta_sts && d.tls != "no" && !d.routed && d.txt_valid && d.has_policy_host &&
                            d.policy_healthy_enforce && faulted_.count(txt_name) == 0 &&
                            faulted_.count(policy_name) == 0 && (!uses_proxy(d) || proxy_fault_ == "none");
            std::vector<std::string> patterns = governed ? d.policy_patterns : std::vector<std::string>{};
            // DANE: secure MX, address and TLSA records, and no fault on any of them.
            std::map<std::string, core::time_point> dane;
            for (const auto& m : d.mxs) {
                const bool secure = d.dane != "none" && !d.routed && d.mx_dnssec == "secure" &&
                                    m.address_dnssec == "secure" && !m.tlsa_data.empty() && m.tlsa_dnssec == "secure";
                if (secure && faulted_.count(d.name) == 0 && faulted_.count(m.host) == 0 &&
                    faulted_.count("_25._tcp." + m.host) == 0)
                    dane[m.host] = never;
            }
            std::optional<core::time_point> until;
            for (const auto& e : events_) {
                const auto at = start + e.at;
                switch (e.what) {
                    case event::effect::txt_valid:
                    case event::effect::txt_invalid:
                        if (e.domain != di) break;
                        df.txt_changes.push_back(at);
                        if (e.what == event::effect::txt_invalid && governed && !until) until = at;
                        break;
                    case event::effect::policy:
                        if (e.domain != di || !governed || until) break;
                        if (!e.healthy_enforce) until = at;
                        else patterns.insert(patterns.end(), e.patterns.begin(), e.patterns.end());
                        break;
                    case event::effect::names_faulted:
                        for (const auto& n : e.names) {
                            if (governed && !until && (n == txt_name || n == policy_name)) until = at;
                            for (auto& [host, dane_until] : dane)
                                if (dane_until == never && (n == d.name || n == host || n == "_25._tcp." + host))
                                    dane_until = at;
                        }
                        break;
                    case event::effect::proxy:
                        if (governed && !until && uses_proxy(d) && !e.proxy_passes) until = at;
                        break;
                    case event::effect::none: break;
                }
            }
            if (governed) {
                df.enforce_until = until.value_or(never);
                std::sort(patterns.begin(), patterns.end());
                patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
                df.enforce_mx_patterns = std::move(patterns);
            }
            df.dane_hosts = std::move(dane);
            f.domains.push_back(std::move(df));
        }
        return f;
    }

    std::uint64_t seed_;
    seeded_random rng_;
    std::uint64_t ids_ = 0;
    std::string default_tls_ = "preferred";
    bool default_mta_sts_ = false;
    std::vector<domain_model> domains_;
    std::vector<domain_model> initial_;  // the domains as the world starts, for the facts
    bool has_proxy_ = false;
    bool engine_proxy_ = false;
    std::string proxy_fault_ = "none";
    std::set<std::string> faulted_;  // names with a DNS fault from the start
    std::string dns_, dns_faults_, policy_tables_, routes_;
    std::vector<event> events_;
    std::vector<std::string> recipients_;
};

}  // namespace

swarm_case generate_swarm_case(std::uint64_t seed) { return generator(seed).run(); }

}  // namespace sts::sim
