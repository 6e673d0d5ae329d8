// sim/replay/trace_inference.cpp
#include "sim/replay/trace_inference.hpp"

#include "engine/core/ascii_case.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace sts::sim {

namespace {

std::string lower(std::string_view s) { return core::ascii_lower(s); }

bool contains(std::string_view text, std::string_view part) { return lower(text).find(lower(part)) != std::string::npos; }

// The certificate problem a verify error names (engine/tls/verdict.cpp log_wording, and
// OpenSSL's verify messages that gateways quote).
cert_fault cert_fault_of(std::string_view detail) {
    if (contains(detail, "does not match") || contains(detail, "no DNS-ID") || contains(detail, "hostname mismatch")) {
        return cert_fault::name_mismatch;
    }
    if (contains(detail, "has expired")) return cert_fault::expired;
    if (contains(detail, "not yet valid")) return cert_fault::not_yet_valid;
    if (contains(detail, "self-signed") || contains(detail, "self signed")) return cert_fault::self_signed;
    if (contains(detail, "local issuer") || contains(detail, "untrusted") || contains(detail, "unable to get")) {
        return cert_fault::untrusted;
    }
    return cert_fault::none;
}

std::string_view describe(cert_fault f) {
    switch (f) {
        case cert_fault::none: return "valid";
        case cert_fault::name_mismatch: return "names another host";
        case cert_fault::expired: return "expired";
        case cert_fault::not_yet_valid: return "not yet valid";
        case cert_fault::untrusted: return "issued by an untrusted CA";
        case cert_fault::self_signed: return "self-signed";
    }
    return "?";
}

// `id=<value>` of a TXT record's text, if it has one.
std::string policy_id_of(std::string_view rdata) {
    const auto at = lower(rdata).find("id=");
    if (at == std::string::npos) return {};
    std::string id;
    for (std::size_t i = at + 3; i < rdata.size() && std::isalnum(static_cast<unsigned char>(rdata[i])); ++i) id += rdata[i];
    return id;
}

// RFC 5321 §4.2.1: a receiver refuses with a 4yz or 5yz reply. Another code in a Delayed
// or Bounced line is a damaged or edited line, and no receiver can be made to send it.
bool is_refusal_code(std::string_view code) {
    return code.size() == 3 && (code[0] == '4' || code[0] == '5') && std::isdigit(static_cast<unsigned char>(code[1])) &&
           std::isdigit(static_cast<unsigned char>(code[2]));
}

std::string version_of(std::string_view protocol) {
    if (protocol == "TLSv1.2") return "1.2";
    if (protocol == "TLSv1.1") return "1.1";
    if (protocol == "TLSv1" || protocol == "TLSv1.0") return "1.0";
    return {};  // TLSv1.3 is every mock's highest anyway
}

class inference {
public:
    inference(const trace& t, const inference_options& o) : t_(t), o_(o) {}

    inferred_world run() {
        w_.source = o_.source;
        find_times();
        w_.log_level = t_.has_debug ? "debug" : "info";
        fact("log level", w_.log_level, 0,
             t_.has_debug ? "the trace has Debug lines" : "the trace has no Debug line, so the replay logs at info level");
        assign_domains();
        for (const std::string& d : domains_) infer_domain(d);
        infer_messages();
        infer_queue();
        return std::move(w_);
    }

private:
    // A conclusion is stated once, at the first line it rests on; a long trace repeats
    // the same evidence many times.
    void fact(std::string subject, std::string value, std::size_t line, std::string why) {
        for (const auto& f : w_.facts) {
            if (f.subject == subject && f.value == value) return;
        }
        if (w_.facts.size() >= inferred_facts_max) return;
        w_.facts.push_back({std::move(subject), std::move(value), line, std::move(why)});
    }
    void open(std::string text) { w_.open_choices.push_back(std::move(text)); }

    void find_times() {
        bool first = true;
        core::time_point last{};
        for (const trace_line& l : t_.lines) {
            if (!l.time) continue;
            if (first) w_.start = *l.time;
            first = false;
            last = std::max(last, *l.time);
        }
        if (first) {
            open("the trace has no readable timestamp: the replay starts at 2024-09-26T15:23:39Z");
            w_.start = core::time_point{std::chrono::seconds{1727364219}};
            last = w_.start;
        }
        w_.span = last - w_.start;
    }

    // Which domain each message goes to, and which domains are replayed. A message no line
    // ties to a domain goes to the domain whose messages used the same MX address; failing
    // that, to a domain of its own named unnamed<N>.example (an open choice either way).
    void assign_domains() {
        const std::vector<std::string> seen = trace_domains(t_);
        std::vector<std::string> wanted = o_.domains;
        for (auto& d : wanted) d = lower(d);
        std::map<std::uint64_t, std::string> dcid_address;
        for (const trace_line& l : t_.lines) {
            if ((l.family == line_family::connection_new || l.family == line_family::connection_error) && l.dcid) {
                dcid_address.try_emplace(*l.dcid, l.address);
            }
        }
        std::map<std::string, std::string> address_domain;
        for (const trace_message& m : t_.messages) {
            if (m.domain.empty()) continue;
            for (auto d : m.dcids) {
                if (const auto it = dcid_address.find(d); it != dcid_address.end()) address_domain.try_emplace(it->second, m.domain);
            }
        }
        message_domain_.resize(t_.messages.size());
        std::map<std::string, std::string> invented;  // first address -> invented domain
        for (std::size_t k = 0; k < t_.messages.size(); ++k) {
            const trace_message& m = t_.messages[k];
            if (!m.domain.empty()) {
                message_domain_[k] = m.domain;
                continue;
            }
            std::string first_address;
            for (auto d : m.dcids) {
                const auto it = dcid_address.find(d);
                if (it == dcid_address.end()) continue;
                if (first_address.empty()) first_address = it->second;
                if (const auto a = address_domain.find(it->second); a != address_domain.end()) {
                    message_domain_[k] = a->second;
                    break;
                }
            }
            if (!message_domain_[k].empty()) {
                open(fmt::format("no line names MID {}'s recipient domain; it used an MX address of {}, so it is taken to go there",
                                 m.mid, message_domain_[k]));
                continue;
            }
            // One --domain names the unnamed messages, unless the trace names that domain
            // itself and this message went to an address none of its messages used: then
            // it is another domain's, and --domain leaves it out.
            const bool elsewhere = wanted.size() == 1 && !first_address.empty() &&
                                   std::find(seen.begin(), seen.end(), wanted.front()) != seen.end();
            if ((wanted.size() == 1 && !elsewhere) || (seen.empty() && invented.empty() && !wanted.empty())) {
                message_domain_[k] = wanted.front();
            } else {
                auto [it, fresh] = invented.try_emplace(first_address, fmt::format("unnamed{}.example", invented.size() + 1));
                message_domain_[k] = it->second;
            }
            open(fmt::format("no line names MID {}'s recipient domain: taken to be {} (--domain sets it)", m.mid, message_domain_[k]));
        }
        domains_ = wanted;
        if (domains_.empty()) {
            domains_ = seen;
            for (const auto& d : message_domain_) {
                if (std::find(domains_.begin(), domains_.end(), d) == domains_.end()) domains_.push_back(d);
            }
        }
    }

    std::string domain_of_line(std::size_t i) const {
        if (t_.owner[i]) return message_domain_[*t_.owner[i]];
        return t_.line_domain[i];
    }

    inferred_mx& mx_at(inferred_domain& d, const std::string& address) {
        for (auto& m : d.mx) {
            if (m.trace_address == address) return m;
        }
        // Hosts named by per-host lines but not yet tied to an address take the next one.
        for (auto& m : d.mx) {
            if (m.trace_address.empty() && m.listed_in_policy) {
                m.trace_address = address;
                return m;
            }
        }
        inferred_mx m;
        m.host = fmt::format("{}{}.{}", d.routed ? "relay" : "mx", d.mx.size() + 1, d.name);
        m.trace_address = address;
        d.mx.push_back(std::move(m));
        return d.mx.back();
    }

    inferred_mx& mx_named(inferred_domain& d, const std::string& host) {
        const std::string h = lower(host);
        for (auto& m : d.mx) {
            if (m.host == h) return m;
        }
        inferred_mx m;
        m.host = h;
        d.mx.push_back(std::move(m));
        return d.mx.back();
    }

    void infer_domain(const std::string& name) {
        inferred_domain d;
        d.name = name;
        std::map<std::uint64_t, std::string> dcid_address;
        bool fetched = false, applying = false, evidence_testing = false, evidence_enforce = false;
        bool verify_enforced = false, verify_logged = false, tls_required = false, any_tls_line = false;
        std::size_t verify_enforced_line = 0, verify_logged_line = 0, tls_required_line = 0, first_delivery_line = 0;
        bool mode_known = false;
        std::size_t applying_line = 0, enforce_line = 0, testing_line = 0;
        std::size_t failures_seen = 0;

        for (std::size_t i = 0; i < t_.lines.size(); ++i) {
            const trace_line& l = t_.lines[i];
            if (l.family == line_family::unclassified || domain_of_line(i) != name) continue;
            const std::size_t n = l.number;
            auto mx_of_dcid = [&]() -> inferred_mx* {
                if (!l.dcid) return nullptr;
                const auto it = dcid_address.find(*l.dcid);
                if (it == dcid_address.end()) return nullptr;
                return &mx_at(d, it->second);
            };
            switch (l.family) {
                case line_family::txt_found:
                    d.mta_sts = true;
                    if (d.txt != "present") fact(name + " _mta-sts TXT record", "present", n, "TXT record fetched");
                    d.txt = "present";
                    break;
                case line_family::txt_absent:
                    d.mta_sts = true;
                    d.txt = "absent";
                    fact(name + " _mta-sts TXT record", "absent", n, "no TXT record found");
                    break;
                case line_family::txt_invalid:
                    d.mta_sts = true;
                    d.txt = "invalid";
                    fact(name + " _mta-sts TXT record", "invalid", n, l.detail);
                    break;
                case line_family::txt_multiple:
                    d.mta_sts = true;
                    d.txt = "multiple";
                    fact(name + " _mta-sts TXT record", "two STS records", n, "multiple TXT records");
                    break;
                case line_family::txt_deferring:
                    d.mta_sts = true;
                    d.txt = "servfail";
                    w_.txt_defers = true;
                    fact("engine txt_temp_error", "defer", n, "delivery deferred on a failed TXT lookup");
                    break;
                case line_family::dns_encache:
                    if (lower(l.name) == "_mta-sts." + name) {
                        for (const auto& r : l.rdata) {
                            if (contains(r, "v=STSv1")) {
                                const std::string id = policy_id_of(r);
                                if (!id.empty() && id != d.txt_id) {
                                    if (d.txt_id != "replay1" && fetched) {
                                        open(fmt::format("{}: the TXT id changes during the trace (line {}); the replay keeps the first", name, n));
                                    } else {
                                        d.txt_id = id;
                                        fact(name + " policy id", id, n, "the TXT record as cached");
                                    }
                                }
                            }
                        }
                    }
                    break;
                case line_family::dns_temporary_failure: {
                    const std::string owner = lower(l.name);
                    if (owner == "_mta-sts." + name) {
                        d.mta_sts = true;
                        d.txt = "servfail";
                        fact(name + " _mta-sts TXT lookup", "SERVFAIL", n, l.detail);
                    } else if (owner == name && l.record_type == "MX") {
                        d.mx_lookup = "servfail";
                        fact(name + " MX lookup", "SERVFAIL", n, l.detail);
                    }
                    break;
                }
                case line_family::dns_hard_error:
                    if (lower(l.name) == name && l.record_type == "MX") {
                        d.mx_lookup = "nxdomain";
                        fact(name + " MX lookup", "the domain does not exist", n, l.detail);
                    }
                    break;
                case line_family::null_mx:
                    d.mx_lookup = "null";
                    fact(name + " MX", "null MX (MX 0 .)", n, "null MX line");
                    break;
                case line_family::policy_fetch_start:
                case line_family::policy_refresh_start:
                    fetched = true;
                    break;
                case line_family::policy_fetch_via_proxy:
                    d.proxy = true;
                    fact(name + " policy fetch", "through an HTTP proxy", n, "the proxy line");
                    break;
                case line_family::policy_fetched:
                case line_family::policy_refreshed:
                    fetched = true;
                    d.fetch = "ok";
                    d.mode = l.mode.empty() ? d.mode : l.mode;
                    if (l.max_age) d.max_age = *l.max_age;
                    mode_known = true;
                    fact(name + " policy", fmt::format("mode {} max_age {}", d.mode, d.max_age), n, "the policy as fetched");
                    break;
                case line_family::policy_fetch_timeout:
                    fetched = true;
                    d.fetch = "timeout";
                    fact(name + " policy host", "does not answer (timeout)", n, "fetch timed out");
                    break;
                case line_family::policy_fetch_failed:
                    fetched = true;
                    infer_fetch_failure(d, l);
                    break;
                case line_family::policy_invalid:
                    fetched = true;
                    d.fetch = "invalid";
                    d.invalid_detail = l.detail;
                    fact(name + " policy body", "invalid", n, l.detail);
                    break;
                case line_family::policy_fetch_failure:
                    fetched = true;
                    if (d.fetch == "ok" || d.fetch == "cached") {
                        d.fetch = "timeout";
                        open(fmt::format("{}: line {} says the fetch failed without a reason (info level): taken as a timeout", name, n));
                    }
                    break;
                case line_family::policy_cache_hit:
                    if (!fetched && d.fetch == "ok") {
                        d.fetch = "cached";
                        w_.warm_cache = true;
                        fact(name + " policy", "cached before the trace", n, "a cache hit with no fetch before it");
                    }
                    break;
                case line_family::policy_applying:
                    if (!applying) applying_line = n;
                    applying = true;
                    break;
                case line_family::policy_mode_none:
                    d.mode = "none";
                    mode_known = true;
                    fact(name + " policy mode", "none", n, "mode none line");
                    break;
                case line_family::mx_not_listed_enforce:
                    evidence_enforce = true;
                    enforce_line = n;
                    mx_named(d, l.host).listed_in_policy = false;
                    fact(name + " MX " + lower(l.host), "not in the policy", n, "skipped under enforce");
                    break;
                case line_family::mx_not_listed_testing:
                    evidence_testing = true;
                    testing_line = n;
                    mx_named(d, l.host).listed_in_policy = false;
                    fact(name + " MX " + lower(l.host), "not in the policy", n, "testing mode delivers anyway");
                    break;
                case line_family::dane_usable:
                    if (d.dane == "none") d.dane = "opportunistic";
                    d.dane_usable = true;
                    d.dnssec_mx = true;
                    mx_named(d, l.host);
                    fact(name + " DANE", "usable TLSA records", n, "DANE line");
                    break;
                case line_family::dane_not_secure:
                case line_family::dane_mx_insecure:
                    if (d.dane == "none") d.dane = "opportunistic";
                    if (l.family == line_family::dane_not_secure) d.dnssec_mx = true;
                    fact(name + " DANE", "no secure TLSA records", n, "DANE line");
                    break;
                case line_family::dane_all_unusable:
                case line_family::dane_mx_bogus:
                case line_family::dane_lookup_failed:
                    if (d.dane == "none") d.dane = "opportunistic";
                    open(fmt::format("{}: line {} shows a DANE state the replay does not rebuild ({})", name, n, to_string(l.family)));
                    break;
                case line_family::route_bypass:
                case line_family::route_smart_host:
                    if (!d.routed) fact(name + " SMTP route", "configured", n, "route line");
                    d.routed = true;
                    break;
                case line_family::connection_new:
                    if (l.dcid) {
                        dcid_address[*l.dcid] = l.address;
                        inferred_mx& m = mx_at(d, l.address);
                        (void)m;
                    }
                    break;
                case line_family::connection_error:
                    if (l.dcid) dcid_address[*l.dcid] = l.address;
                    if (!l.address.empty()) {
                        inferred_mx& m = mx_at(d, l.address);
                        if (m.reachable) fact(name + " MX " + m.host, "refuses connections", n, l.detail);
                        if (m.reachable && (contains(l.detail, "timeout") || contains(l.detail, "timed out"))) {
                            open(fmt::format("{}: line {}: a connection timeout is replayed as a refused connection (the trace shows the same Connection Error line; only its details differ)", name, n));
                        }
                        m.reachable = false;
                    }
                    break;
                case line_family::starttls_unsupported:
                    any_tls_line = true;
                    if (auto* m = mx_of_dcid()) {
                        if (m->starttls) fact(name + " MX " + m->host, "does not offer STARTTLS", n, "STARTTLS not supported");
                        m->starttls = false;
                    }
                    break;
                case line_family::tls_failed:
                    any_tls_line = true;
                    if (auto* m = mx_of_dcid()) {
                        if (contains(l.detail, "rejected") || contains(l.detail, "refused")) {
                            m->starttls_reply = "454 4.7.0 TLS not available";
                            fact(name + " MX " + m->host, "refuses STARTTLS", n, l.detail);
                        } else if (contains(l.detail, "below 1.2") || contains(l.detail, "version")) {
                            m->tls_max = "1.1";
                            fact(name + " MX " + m->host, "speaks TLS 1.1 at most", n, l.detail);
                        } else {
                            m->handshake_fails = true;
                            fact(name + " MX " + m->host, "breaks the TLS handshake", n, l.detail);
                        }
                    }
                    break;
                case line_family::tls_success:
                    any_tls_line = true;
                    if (auto* m = mx_of_dcid()) {
                        const std::string v = version_of(l.protocol);
                        if (!v.empty() && m->tls_max != v) {
                            m->tls_max = v;
                            fact(name + " MX " + m->host, "TLS " + v + " at most", n, l.protocol);
                        }
                        if (contains(l.cipher, "RSA") && !contains(l.cipher, "ECDSA") && m->key != "rsa-2048") {
                            m->key = "rsa-2048";
                            fact(name + " MX " + m->host, "an RSA certificate", n, "cipher " + l.cipher);
                        }
                    }
                    break;
                case line_family::tls_verify_deferring:
                case line_family::tls_verify_not_enforced: {
                    any_tls_line = true;
                    const bool enforced = l.family == line_family::tls_verify_deferring;
                    (enforced ? verify_enforced : verify_logged) = true;
                    (enforced ? verify_enforced_line : verify_logged_line) = n;
                    if (enforced) {
                        evidence_enforce = true;
                        if (!enforce_line) enforce_line = n;
                    } else {
                        evidence_testing = true;
                        if (!testing_line) testing_line = n;
                    }
                    if (auto* m = mx_of_dcid()) {
                        const cert_fault f = cert_fault_of(l.detail);
                        if (f == cert_fault::none) {
                            open(fmt::format("{}: line {}: verify error '{}' is not one the replay rebuilds; taken as an untrusted issuer", name, n, l.detail));
                        }
                        const cert_fault chosen = f == cert_fault::none ? cert_fault::untrusted : f;
                        if (m->cert != chosen) fact(name + " MX " + m->host + " certificate", std::string(describe(chosen)), n, l.detail);
                        m->cert = chosen;
                    }
                    break;
                }
                case line_family::tls_required_failed:
                    if (applying) {
                        evidence_enforce = true;
                        if (!enforce_line) enforce_line = n;
                    }
                    any_tls_line = true;
                    tls_required = true;
                    if (!tls_required_line) tls_required_line = n;
                    break;
                case line_family::response:
                    if (auto* m = mx_of_dcid()) m->final_reply = "250 " + l.detail;
                    else if (l.mid) pending_response_[*l.mid] = "250 " + l.detail;
                    break;
                case line_family::message_done:
                    if (!first_delivery_line) first_delivery_line = n;
                    if (l.mid && l.dcid) {
                        if (const auto it = pending_response_.find(*l.mid); it != pending_response_.end()) {
                            if (const auto a = dcid_address.find(*l.dcid); a != dcid_address.end()) {
                                mx_at(d, a->second).final_reply = it->second;
                            }
                        }
                        last_done_dcid_[*l.mid] = *l.dcid;
                    }
                    break;
                case line_family::delayed:
                case line_family::bounced:
                    if (!l.reply_code.empty() && l.reply_code != "000") {
                        if (!is_refusal_code(l.reply_code)) {
                            open(fmt::format("{}: line {}: reply code '{}' is no refusal a receiver sends; the replay does not rebuild it", name, n, l.reply_code));
                        } else if (auto* m = mx_of_dcid()) {
                            const std::string reply = fmt::format("{} {}", l.reply_code, l.reply.empty() ? l.status : l.reply);
                            if (m->failing_replies.size() < failing_replies_max) m->failing_replies.emplace_back("rcpt", reply);
                            ++failures_seen;
                            fact(name + " MX " + m->host, "answers " + reply, n, "the receiver's reply in the " +
                                 std::string(l.family == line_family::delayed ? "Delayed" : "Bounced") + " line");
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        // The Response line comes after Message done in the product's order: tie it to
        // that connection.
        for (const auto& [mid, reply] : pending_response_) {
            if (const auto it = last_done_dcid_.find(mid); it != last_done_dcid_.end()) {
                if (const auto a = dcid_address.find(it->second); a != dcid_address.end()) mx_at(d, a->second).final_reply = reply;
            }
        }
        pending_response_.clear();
        last_done_dcid_.clear();
        (void)failures_seen;

        // The policy's mode where no line states it.
        if (applying && !mode_known) {
            if (evidence_testing && !evidence_enforce) {
                d.mode = "testing";
                fact(name + " policy mode", "testing", testing_line, "a failure was only logged under the applied policy");
            } else if (evidence_enforce) {
                d.mode = "enforce";
                fact(name + " policy mode", "enforce", enforce_line, "a failure under the applied policy stopped delivery");
            } else {
                d.mode = "enforce";
                open(fmt::format("{}: the policy was applied (line {}) and nothing failed, so enforce and testing log the same: enforce picked", name, applying_line));
            }
        }
        if (d.mta_sts && d.txt == "absent" && !fetched) d.fetch = "ok";

        // The destination-control TLS setting the trace implies.
        const bool policy_governs = applying && d.mode != "none";
        if (!any_tls_line && !policy_governs && !d.mx.empty()) {
            // A Message done line is the delivery; the Response line after it may be missing.
            if (first_delivery_line != 0) {
                d.tls = "no";
                fact(name + " profile TLS", "No", first_delivery_line, "deliveries with no TLS line at all: TLS is never tried");
            }
        } else if (policy_governs) {
            d.tls = "preferred";
            open(fmt::format("{}: under an applied MTA-STS policy the profile's TLS setting (2-6) leaves no trace: Preferred picked", name));
        } else if (verify_enforced) {
            d.tls = "required-verify";
            fact(name + " profile TLS", "Required-Verify", verify_enforced_line, "a verify error deferred delivery without an MTA-STS policy");
        } else if (verify_logged) {
            d.tls = "preferred-verify";
            fact(name + " profile TLS", "Preferred-Verify", verify_logged_line, "a verify error was only logged");
        } else if (tls_required) {
            d.tls = "required";
            fact(name + " profile TLS", "Required", tls_required_line, "TLS was required but could not be negotiated");
        } else {
            open(fmt::format("{}: the TLS lines fit Preferred and the Required settings alike: Preferred picked", name));
        }
        // Without a policy, Required-Verify checks the certificate against the recipient
        // domain (seg-behaviour.md): "does not match" is then the hosted-domain case, a
        // certificate valid for the MX host itself, not a wrong certificate.
        if (!policy_governs && !d.dane_usable) {
            for (auto& m : d.mx) {
                if (m.cert != cert_fault::name_mismatch) continue;
                m.cert = cert_fault::none;
                fact(name + " MX " + m.host + " certificate", "valid for the MX host, not for " + name, 0,
                     "a hosted domain: Required-Verify compares the certificate with the recipient domain");
            }
        }
        if (d.mta_sts) fact(name + " profile MTA-STS", "On", 0, "the trace has MTA-STS lines for the domain");
        if (!d.mta_sts) {
            open(fmt::format("{}: no MTA-STS line: MTA-STS taken as Off (a profile with MTA-STS On and no TXT record logs the same at info level)", name));
        }
        if (d.dane != "none") fact(name + " profile DANE", d.dane, 0, "the trace has DANE lines");
        if (d.mx.empty() && d.mx_lookup.empty()) {
            inferred_mx m;
            m.host = fmt::format("mx1.{}", name);
            d.mx.push_back(std::move(m));
        }
        w_.domains.push_back(std::move(d));
    }

    void infer_fetch_failure(inferred_domain& d, const trace_line& l) {
        const std::string& detail = l.detail;
        const std::size_t n = l.number;
        if (detail.starts_with("HTTP status ")) {
            int status = 0;
            for (std::size_t i = 12; i < detail.size() && std::isdigit(static_cast<unsigned char>(detail[i])) && status < 1000; ++i) {
                status = status * 10 + (detail[i] - '0');
            }
            d.fetch = "status";
            d.http_status = status >= 100 && status <= 999 ? status : 500;
            fact(d.name + " policy host", fmt::format("answers HTTP {}", d.http_status), n, detail);
        } else if (contains(detail, "certificate")) {
            d.fetch = "cert";
            d.policy_cert = cert_fault_of(detail);
            if (d.policy_cert == cert_fault::none) d.policy_cert = cert_fault::untrusted;
            fact(d.name + " policy host certificate", std::string(describe(d.policy_cert)), n, detail);
        } else if (contains(detail, "proxy")) {
            d.fetch = "proxy";
            d.proxy = true;
            d.proxy_fault = contains(detail, "407") ? "auth-required" : contains(detail, "502") ? "bad-gateway" : "stall";
            fact(d.name + " proxy", d.proxy_fault, n, detail);
        } else if (contains(detail, "Content-Type")) {
            d.fetch = "content-type";
            const auto at = detail.find("Content-Type ");
            d.content_type = at == std::string::npos ? "-" : detail.substr(at + 13, detail.find(" (", at) - (at + 13));
            if (contains(detail, "no Content-Type")) d.content_type = "-";
            fact(d.name + " policy host", "Content-Type " + d.content_type, n, detail);
        } else if (contains(detail, " A: nxdomain")) {
            d.fetch = "dns";
            fact(d.name + " policy host name", "does not exist", n, detail);
        } else {
            d.fetch = "failed";
            open(fmt::format("{}: fetch failure '{}' (line {}) is not one the replay rebuilds: the policy host resets the connection", d.name, detail, n));
        }
    }

    void infer_messages() {
        for (std::size_t k = 0; k < t_.messages.size(); ++k) {
            const trace_message& tm = t_.messages[k];
            if (std::find(domains_.begin(), domains_.end(), message_domain_[k]) == domains_.end()) continue;
            inferred_message m;
            m.trace_mid = tm.mid;
            m.domain = message_domain_[k];
            std::optional<core::time_point> queued;
            bool delivered = false, bounced = false, delayed = false;
            for (std::size_t i : tm.lines) {
                const trace_line& l = t_.lines[i];
                if (!queued && l.time) queued = *l.time;
                switch (l.family) {
                    case line_family::connection_new:
                    case line_family::connection_error: ++m.attempts; break;
                    case line_family::message_done: delivered = true; break;
                    case line_family::bounced: bounced = true; break;
                    case line_family::delayed: delayed = true; break;
                    default: break;
                }
            }
            m.offset = queued ? *queued - w_.start : core::duration{};
            m.sender = tm.sender.empty() ? "sender@gateway.test" : tm.sender;
            std::size_t count = std::max<std::size_t>(1, std::max(tm.recipients.size(), tm.rids.size()));
            for (std::size_t r = 0; r < count && r < 100; ++r) {
                if (r < tm.recipients.size() && !tm.recipients[r].empty()) {
                    m.recipients.push_back(lower(tm.recipients[r]));
                } else {
                    m.recipients.push_back(fmt::format("rcpt{}-{}@{}", tm.mid, r, message_domain_[k]));
                }
            }
            m.outcome = bounced ? "bounced" : delivered ? "delivered" : delayed ? "deferred" : "queued";
            fact(fmt::format("MID {}", tm.mid), m.outcome, tm.lines.empty() ? 0 : t_.lines[tm.lines.back()].number,
                 fmt::format("{} recipient(s) at {}, {} connection(s)", m.recipients.size(), message_domain_[k], m.attempts));
            w_.messages.push_back(std::move(m));
        }
    }

    // The retry intervals: from a Delayed line to the same message's next connection.
    void infer_queue() {
        std::vector<core::duration> longest;
        for (std::size_t k = 0; k < t_.messages.size(); ++k) {
            const trace_message& tm = t_.messages[k];
            std::vector<core::duration> delays;
            // (Plain time points with flags: GCC 12 warns falsely on optional<time_point> here.)
            core::time_point delayed_at{}, queued_at{};
            bool delayed = false, queued = false;
            for (std::size_t i : tm.lines) {
                const trace_line& l = t_.lines[i];
                if (!l.time) continue;
                if (!queued) queued_at = *l.time;
                queued = true;
                if (l.family == line_family::delayed) {
                    delayed_at = *l.time;
                    delayed = true;
                }
                if ((l.family == line_family::connection_new || l.family == line_family::connection_error) && delayed) {
                    delays.push_back(*l.time - delayed_at);
                    delayed = false;
                }
                if (l.family == line_family::bounced && l.status == "5.4.7" && !w_.queue_lifetime) {
                    // The engine gives up at the first failed attempt at or past the lifetime;
                    // its attempts come at the sums of the retry delays (the trace's own
                    // attempts drift by the seconds each connection took).
                    core::duration attempts_at{};
                    for (auto d : delays) attempts_at += d;
                    w_.queue_lifetime = delays.empty() || delayed ? *l.time - queued_at : attempts_at;
                    fact("engine queue_lifetime", fmt::format("{}s", std::chrono::duration_cast<std::chrono::seconds>(*w_.queue_lifetime).count()),
                         l.number, "the message expired (5.4.7) this long after it was queued");
                }
            }
            if (delays.size() > longest.size()) longest = delays;
        }
        if (!longest.empty()) {
            w_.retry = longest;
            std::string list;
            for (auto d : longest) list += fmt::format("{}{}s", list.empty() ? "" : " ", std::chrono::duration_cast<std::chrono::seconds>(d).count());
            fact("engine retry", list, 0, "the delays between a Delayed line and the message's next connection");
        }
    }

    const trace& t_;
    const inference_options& o_;
    inferred_world w_;
    std::vector<std::string> domains_;
    std::vector<std::string> message_domain_;
    std::map<std::uint64_t, std::string> pending_response_;
    std::map<std::uint64_t, std::uint64_t> last_done_dcid_;
};

}  // namespace

inferred_world infer_world(const trace& t, const inference_options& options) { return inference(t, options).run(); }

}  // namespace sts::sim
