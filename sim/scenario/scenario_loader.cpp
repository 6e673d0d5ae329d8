#include "sim/scenario/scenario_loader.hpp"

#include "engine/core/peer_text.hpp"
#include "engine/tlsrpt/policy_type.hpp"
#include "engine/tlsrpt/result_type.hpp"
#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/toml/table_reader.hpp"
#include "sim/world/world_loader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <utility>

namespace sts::sim {

namespace {

std::size_t line_of(const toml::node& n) { return static_cast<std::size_t>(n.source().begin.line); }
std::size_t column_of(const toml::node& n) { return static_cast<std::size_t>(n.source().begin.column); }

// ---- [scenario] -------------------------------------------------------------------------

// Reads [scenario] and moves its start and seed into [world], where read_world() takes
// them: certificate validity ("-1d") counts from the start, so it must be known there.
void read_meta(toml::table& root, const std::string& file, input_errors& errors, scenario_spec& out,
               bool& semantics_given) {
    table_reader top(root, "", file, errors);
    const auto* t = top.table("scenario", true);
    if (t == nullptr) return;
    table_reader r(*t, "scenario", file, errors);
    if (auto v = r.text("name", true)) {
        if (v->empty()) r.error("name", "expected a non-empty name such as \"enforce/expired-mx-cert\"");
        out.name = *v;
    }
    if (auto v = r.text("summary")) out.summary = *v;
    if (auto ids = r.text_list("covers")) {
        for (const auto& id : *ids) {
            if (builtin_catalogue().find(id) == nullptr)
                r.error("covers", fmt::format("expected requirement ids of the catalogue (mtasts-sim requirements), "
                                              "found unknown id \"{}\"",
                                              id));
        }
        out.covers = std::move(*ids);
    }
    const auto start = r.time("start");
    const auto seed = r.integer("seed", 0, std::numeric_limits<std::int64_t>::max());
    if (auto v = r.choice("semantics", {"gateway", "rfc8461"})) {
        out.semantics = *v == "gateway" ? semantics_profile::gateway : semantics_profile::rfc8461;
        semantics_given = true;
        const auto* engine = root.get("engine");
        if (engine != nullptr && engine->is_table() && engine->as_table()->contains("route_mode"))
            r.error("semantics", "expected semantics in [scenario] or route_mode in [engine], not both");
    }
    r.finish();

    const auto* world_node = root.get("world");
    if (world_node != nullptr && !world_node->is_table()) return;  // read_world() reports it
    auto* world = root["world"].as_table();
    for (const auto& [key, given] : {std::pair{std::string_view("start"), start.has_value()},
                                     std::pair{std::string_view("seed"), seed.has_value()}}) {
        if (given && world != nullptr && world->contains(key))
            r.error(key, fmt::format("expected {} in [scenario] or in [world], not in both", key));
    }
    if ((!start && !seed) || (world != nullptr && (world->contains("start") || world->contains("seed")))) return;
    if (world == nullptr) {
        root.insert("world", toml::table{});
        world = root["world"].as_table();
    }
    // Copies of nodes already checked above, so read_world() finds nothing to report.
    if (start) {
        if (const auto* dt = t->get("start")->as_date_time()) world->insert("start", *dt);
        else if (const auto* s = t->get("start")->as_string()) world->insert("start", *s);
    }
    if (seed) world->insert("seed", *seed);
}

// ---- [[step]] ---------------------------------------------------------------------------

constexpr std::array step_kinds{std::string_view("send"),       std::string_view("advance"),
                                std::string_view("restart"),    std::string_view("dns_set"),
                                std::string_view("dns_remove"), std::string_view("dns_fault"),
                                std::string_view("policy"),     std::string_view("smtp"),
                                std::string_view("proxy")};
constexpr std::array expect_kinds{std::string_view("recipient"),     std::string_view("log"),
                                  std::string_view("log_absent"),    std::string_view("log_order"),
                                  std::string_view("log_contains"),  std::string_view("log_contains_absent"),
                                  std::string_view("contacted"),     std::string_view("not_contacted"),
                                  std::string_view("policy_fetches"), std::string_view("dns_queries"),
                                  std::string_view("tlsrpt"),        std::string_view("tlsrpt_report"),
                                  std::string_view("received"),      std::string_view("received_absent"),
                                  std::string_view("cache"),         std::string_view("conserved")};

// A TOML value as JSON text, for comparing with a report: strings, integers, booleans and
// arrays of them; nothing for other types (floats, dates, tables).
std::optional<std::string> json_text_of(const toml::node& node) {
    nlohmann::json out;
    if (const auto* s = node.as_string()) {
        out = s->get();
    } else if (const auto* i = node.as_integer()) {
        out = i->get();
    } else if (const auto* b = node.as_boolean()) {
        out = b->get();
    } else if (const auto* a = node.as_array()) {
        out = nlohmann::json::array();
        for (const auto& item : *a) {
            auto text = json_text_of(item);
            if (!text) return std::nullopt;
            out.push_back(nlohmann::json::parse(*text));
        }
    } else {
        return std::nullopt;
    }
    return out.dump();
}

template <std::size_t N>
std::string list_of(const std::array<std::string_view, N>& names) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) out += fmt::format("{}{}", i == 0 ? "" : (i + 1 == N ? " or " : ", "), names[i]);
    return out;
}

// The one kind key an entry has; an error when it has none or several.
template <std::size_t N>
std::optional<std::string_view> kind_of(table_reader& r, const toml::table& t,
                                        const std::array<std::string_view, N>& kinds, bool& several) {
    std::optional<std::string_view> found;
    for (const auto k : kinds) {
        if (!t.contains(k)) continue;
        if (found) {
            r.error(k, fmt::format("expected exactly one of {} in one entry, found {} and {}", list_of(kinds), *found, k));
            several = true;
            return std::nullopt;
        }
        found = k;
    }
    if (!found) r.error("", fmt::format("missing; expected one of {}", list_of(kinds)));
    return found;
}

// The tables of an array of tables ([[step]], [[expect]]), each with its reader's path.
template <class Read>
void read_entries(const toml::table& root, std::string_view key, std::size_t max, const std::string& file,
                  input_errors& errors, Read read) {
    table_reader top(root, "", file, errors);
    const auto* a = top.array(key);
    if (a == nullptr) return;
    if (a->size() > max) {
        top.error(key, fmt::format("expected at most {} entries, found {}", max, a->size()));
        return;
    }
    for (std::size_t i = 0; i < a->size(); ++i) {
        const auto& node = *a->get(i);
        const auto path = fmt::format("{}[{}]", key, i + 1);
        if (const auto* t = node.as_table()) {
            table_reader r(*t, path, file, errors);
            if (read(r, *t, line_of(node))) r.finish();
        } else {
            errors.push_back({file, line_of(node), column_of(node), path,
                              fmt::format("expected a table ([[{}]]), found something else", key)});
        }
    }
}

// One line for the transcript: our own words, but the data may hold any byte (a TXT
// string), so anything unprintable is escaped.
std::string one_line(std::string text) {
    const bool printable = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    return printable ? text : core::quote_peer_text(text, 1000);
}

std::string record_text(const dns_entry& e) {
    const auto& r = e.record->record;
    std::string data;
    if (e.tlsa_from) {
        data = fmt::format("{} {} {} cert:{}", static_cast<unsigned>(e.tlsa_from->usage),
                           static_cast<unsigned>(e.tlsa_from->selector), static_cast<unsigned>(e.tlsa_from->matching),
                           e.tlsa_from->host);
    } else {
        data = dns::rdata_to_text(r.data);
    }
    auto text = fmt::format("{} {} {}", r.name, dns::type_name(r.type()), data);
    if (e.record->status != mocks::dnssec_status::insecure)
        text += fmt::format(" dnssec={}", mocks::to_string(e.record->status));
    return text;
}

// The table of a change step's key, or nullptr (with an error) when it is something else.
const toml::table* change_table(table_reader& r, std::string_view key) { return r.table(key); }

void read_dns_set(table_reader& r, const toml::table& t, scenario_step& s) {
    const auto* node = t.get("dns_set");
    auto read_one = [&](const toml::table& entry, const std::string& path) {
        table_reader er(entry, path, r.file(), r.errors());
        auto e = read_dns_entry_table(er, entry);
        if (e.fault) {
            er.error(entry.contains("fault") ? "fault" : "delay",
                     "expected a record only (name, type, data, ttl, dnssec); a fault is a dns_fault step");
        }
        if (e.record) s.records.push_back(std::move(e));
    };
    if (const auto* a = node->as_array()) {
        (void)r.array("dns_set");
        if (a->empty() || a->size() > world_entries_max) {
            r.error("dns_set", fmt::format("expected 1 to {} records", world_entries_max));
            return;
        }
        for (std::size_t i = 0; i < a->size(); ++i) {
            const auto path = fmt::format("{}[{}]", r.key_path("dns_set"), i + 1);
            if (const auto* et = a->get(i)->as_table()) read_one(*et, path);
            else r.error("dns_set", "expected an inline table { name, type, data } or an array of them");
        }
        return;
    }
    const auto* one = change_table(r, "dns_set");
    if (one != nullptr) read_one(*one, r.key_path("dns_set"));
}

bool read_step(table_reader& r, const toml::table& t, std::size_t line, const world_spec& world,
               std::vector<scenario_step>& out) {
    bool several = false;
    const auto kind = kind_of(r, t, step_kinds, several);
    // With no kind key the other keys are reported (a misspelt kind key shows up as
    // unknown); with several, they would only add noise to the one error.
    if (!kind) return !several;
    scenario_step s;
    s.line = line;
    const auto start = world.settings.start;
    if (*kind == "send") {
        s.what = scenario_step::kind::send;
        const auto* st = r.table("send");
        if (st == nullptr) return true;
        table_reader sr(*st, r.key_path("send"), r.file(), r.errors());
        if (auto v = sr.text("from", true)) s.from = *v;
        if (auto v = sr.text_list("to", true)) {
            if (v->empty()) sr.error("to", "expected at least one recipient address");
            s.to = std::move(*v);
        }
        sr.finish();
    } else if (*kind == "advance") {
        s.what = scenario_step::kind::advance;
        if (auto d = r.duration("advance")) s.advance = *d;
    } else if (*kind == "restart") {
        s.what = scenario_step::kind::restart;
        if (auto b = r.boolean("restart"); b && !*b)
            r.error("restart", "expected true (a step that restarts the engine keeping its cache)");
    } else if (*kind == "dns_set") {
        s.what = scenario_step::kind::dns_set;
        const auto errors_before = r.errors().size();
        read_dns_set(r, t, s);
        for (const auto& e : s.records) {
            if (e.tlsa_from && world.certificate_of(e.tlsa_from->host) == nullptr)
                r.error("dns_set", fmt::format("expected cert:<host> to name an [smtp] host or a policy host; no "
                                               "host \"{}\" presents a certificate",
                                               e.tlsa_from->host));
        }
        if (r.errors().size() == errors_before) {
            std::string text;
            for (const auto& e : s.records) text += (text.empty() ? "" : "; ") + record_text(e);
            s.description = one_line("dns_set " + text);
        }
    } else if (*kind == "dns_remove") {
        s.what = scenario_step::kind::dns_remove;
        const auto* dt = change_table(r, "dns_remove");
        if (dt == nullptr) return true;
        table_reader dr(*dt, r.key_path("dns_remove"), r.file(), r.errors());
        if (auto v = dr.text("name", true)) {
            if (!mocks::canonical_name(*v)) dr.error("name", fmt::format("expected a domain name, found \"{}\"", *v));
            s.name = *v;
        }
        s.type = read_rr_type(dr, "type");
        dr.finish();
        s.description = one_line(fmt::format("dns_remove {}{}", s.name, s.type ? " " + dns::type_name(*s.type) : ""));
    } else if (*kind == "dns_fault") {
        s.what = scenario_step::kind::dns_fault;
        const auto* ft = change_table(r, "dns_fault");
        if (ft == nullptr) return true;
        table_reader fr(*ft, r.key_path("dns_fault"), r.file(), r.errors());
        if (!ft->contains("fault") && !ft->contains("delay")) {
            fr.error("fault", "missing; expected the fault (servfail, nxdomain, ..., or none to clear the name's "
                              "faults) or a delay");
            return true;
        }
        auto e = read_dns_entry_table(fr, *ft);
        if (e.record) fr.error("data", "expected a fault only; a record is a dns_set step");
        s.fault = std::move(e.fault);
        if (s.fault) {
            const auto& f = *s.fault;
            auto text = fmt::format("dns_fault {}{} {}", f.name, f.type ? " " + dns::type_name(*f.type) : "",
                                    mocks::to_string(f.kind));
            if (f.kind == mocks::dns_fault_kind::none && f.delay.count() == 0) text += " (clears the faults)";
            if (f.occurrence != 0) text += fmt::format(" occurrence {}", f.occurrence);
            if (f.delay.count() != 0) text += fmt::format(" delay {}ms", f.delay.count());
            s.description = one_line(std::move(text));
        }
    } else if (*kind == "policy") {
        s.what = scenario_step::kind::policy;
        const auto* pt = change_table(r, "policy");
        if (pt == nullptr) return true;
        table_reader pr(*pt, r.key_path("policy"), r.file(), r.errors());
        const auto domain = pr.text("domain", true);
        s.new_certificate = pt->contains("cert");
        auto spec = read_policy_host_table(pr, *pt, domain.value_or(""), start);
        if (domain && std::none_of(world.policy_hosts.begin(), world.policy_hosts.end(),
                                   [&](const policy_host_spec& p) { return p.domain == spec.domain; }))
            pr.error("domain", fmt::format("expected the domain of a [policy_host] of the world, found \"{}\"", *domain));
        const auto& res = spec.config.response;
        s.description = one_line(fmt::format("policy {} status {}, {} body bytes, fault {}{}", spec.host_name,
                                             res.status, res.body.size(), mocks::to_string(spec.config.fault),
                                             s.new_certificate ? ", new certificate" : ""));
        s.policy = std::move(spec);
    } else if (*kind == "smtp") {
        s.what = scenario_step::kind::smtp;
        const auto* st = change_table(r, "smtp");
        if (st == nullptr) return true;
        table_reader sr(*st, r.key_path("smtp"), r.file(), r.errors());
        const auto host = sr.text("host", true);
        s.new_certificate = st->contains("cert");
        auto spec = read_smtp_host_table(sr, *st, host.value_or(""), start);
        if (host && std::none_of(world.smtp_hosts.begin(), world.smtp_hosts.end(),
                                 [&](const smtp_host_spec& h) { return h.host_name == spec.host_name; }))
            sr.error("host", fmt::format("expected the name of an [smtp] host of the world, found \"{}\"", *host));
        const auto& c = spec.config;
        s.description = one_line(fmt::format("smtp {} starttls {}, tls {}-{}, {} reply overrides{}", spec.host_name,
                                             c.starttls_offered ? "offered" : "not offered",
                                             mocks::to_string(c.tls.min_version), mocks::to_string(c.tls.max_version),
                                             c.overrides.size(), s.new_certificate ? ", new certificate" : ""));
        s.smtp = std::move(spec);
    } else {
        s.what = scenario_step::kind::proxy;
        const auto* xt = change_table(r, "proxy");
        if (xt == nullptr) return true;
        table_reader xr(*xt, r.key_path("proxy"), r.file(), r.errors());
        const auto host = xr.text("host", true);
        if (xt->contains("port")) xr.error("port", "expected no port: a running proxy keeps its port");
        auto spec = read_proxy_table(xr, host.value_or(""));
        if (host && std::none_of(world.proxies.begin(), world.proxies.end(),
                                 [&](const proxy_spec& p) { return p.host_name == spec.host_name; }))
            xr.error("host", fmt::format("expected the name of a [proxy] of the world, found \"{}\"", *host));
        s.description = one_line(fmt::format("proxy {} fault {}{}", spec.host_name, mocks::to_string(spec.config.fault),
                                             spec.config.proxy_authorization ? ", authorization required" : ""));
        s.proxy = std::move(spec);
    }
    out.push_back(std::move(s));
    return true;
}

bool read_recipient(table_reader& r, scenario_expectation& e) {
    e.what = scenario_expectation::kind::recipient;
    if (auto v = r.text("recipient")) e.subject = *v;
    if (auto v = r.choice("outcome", {"delivered", "queued", "deferred", "bounced"}, true)) {
        e.outcome = *v == "delivered" ? expected_outcome::delivered
                    : *v == "queued"  ? expected_outcome::queued
                    : *v == "deferred" ? expected_outcome::deferred
                                       : expected_outcome::bounced;
    }
    e.via = r.text("via");
    e.tls = r.text("tls");
    if ((e.via || e.tls) && e.outcome != expected_outcome::delivered)
        r.error(e.via ? "via" : "tls", "expected only with outcome = \"delivered\"");
    if (auto v = r.integer("attempts", 0, 1'000'000)) {
        e.attempts = static_cast<unsigned>(*v);
        if (*v == 0 && (e.outcome == expected_outcome::deferred || e.outcome == expected_outcome::delivered ||
                        e.outcome == expected_outcome::bounced))
            r.error("attempts", fmt::format("expected at least 1 with outcome = \"{}\" (it needs an attempt)",
                                            to_string(e.outcome)));
    }
    e.dsn = r.boolean("dsn");
    if (e.dsn && *e.dsn && e.outcome != expected_outcome::bounced)
        r.error("dsn", "expected dsn = true only with outcome = \"bounced\" (only a bounce makes a DSN)");
    return true;
}

// count = N (exactly) or at_least = N; `required` when one of them must be there.
void read_count(table_reader& r, const toml::table& t, scenario_expectation& e, bool required) {
    if (t.contains("count") && t.contains("at_least")) {
        r.error("at_least", "expected count or at_least, not both");
        (void)r.integer("count", 0, 1'000'000);
        (void)r.integer("at_least", 0, 1'000'000);
        return;
    }
    if (t.contains("at_least")) {
        if (auto v = r.integer("at_least", 1, 1'000'000)) e.count = static_cast<std::uint64_t>(*v);
        e.at_least = true;
    } else if (auto v = r.integer("count", 0, 1'000'000, required)) {
        e.count = static_cast<std::uint64_t>(*v);
    }
}

bool read_expect(table_reader& r, const toml::table& t, std::size_t line, std::vector<scenario_expectation>& out) {
    bool several = false;
    const auto kind = kind_of(r, t, expect_kinds, several);
    // With no kind key the other keys are reported (a misspelt kind key shows up as
    // unknown); with several, they would only add noise to the one error.
    if (!kind) return !several;
    scenario_expectation e;
    e.line = line;
    using k = scenario_expectation::kind;
    if (*kind == "recipient") {
        read_recipient(r, e);
    } else if (*kind == "log" || *kind == "log_absent") {
        e.what = *kind == "log" ? k::log_present : k::log_absent;
        if (auto v = r.text(*kind)) e.subject = *v;
    } else if (*kind == "log_contains" || *kind == "log_contains_absent") {
        e.what = *kind == "log_contains" ? k::log_contains : k::log_contains_absent;
        if (auto v = r.text(*kind)) {
            if (v->empty()) r.error(*kind, "expected a non-empty substring (every line contains the empty one)");
            e.subject = *v;
        }
    } else if (*kind == "log_order") {
        e.what = k::log_order;
        if (t.get("log_order")->is_string()) {
            r.error("log_order", "expected an array of at least two lines; one line is a log expectation");
            (void)r.text("log_order");
        } else if (auto v = r.text_list("log_order")) {
            if (v->size() < 2) r.error("log_order", "expected an array of at least two lines; one line is a log expectation");
            e.lines = std::move(*v);
        }
    } else if (*kind == "contacted" || *kind == "not_contacted") {
        e.what = *kind == "contacted" ? k::contacted : k::not_contacted;
        if (auto v = r.text(*kind)) e.subject = *v;
    } else if (*kind == "policy_fetches") {
        e.what = k::policy_fetches;
        if (auto v = r.integer("policy_fetches", 0, 1'000'000)) e.count = static_cast<std::uint64_t>(*v);
    } else if (*kind == "dns_queries") {
        e.what = k::dns_queries;
        const auto* qt = r.table("dns_queries");
        if (qt == nullptr) return true;
        table_reader qr(*qt, r.key_path("dns_queries"), r.file(), r.errors());
        if (auto v = qr.text("name", true)) {
            if (!mocks::canonical_name(*v)) qr.error("name", fmt::format("expected a domain name, found \"{}\"", *v));
            e.subject = *v;
        }
        if (auto v = read_rr_type(qr, "type", true)) e.type = *v;
        if (!qt->contains("count") && !qt->contains("at_least"))
            qr.error("count", "missing; expected count = N (exactly) or at_least = N");
        read_count(qr, *qt, e, false);
        qr.finish();
    } else if (*kind == "tlsrpt") {
        e.what = k::tlsrpt;
        const auto* tt = r.table("tlsrpt");
        if (tt == nullptr) return true;
        table_reader tr(*tt, r.key_path("tlsrpt"), r.file(), r.errors());
        if (auto v = tr.text("domain")) e.subject = *v;
        if (auto v = tr.text("result")) {
            if (!tlsrpt::parse_result_type(*v)) {
                std::string names;
                for (const auto t2 : tlsrpt::all_result_types)
                    names += fmt::format("{}{}", names.empty() ? "" : ", ", tlsrpt::to_string(t2));
                tr.error("result", fmt::format("expected an RFC 8460 result type ({}), found \"{}\"", names, *v));
            }
            e.result = *v;
        }
        if (auto v = tr.text("policy")) {
            if (!tlsrpt::parse_policy_type(*v))
                tr.error("policy", fmt::format("expected sts, tlsa or no-policy-found, found \"{}\"", *v));
            e.policy = *v;
        }
        e.success = tr.boolean("success");
        if (e.result && e.success && *e.success)
            tr.error("success", "expected no result with success = true (a result type names a failure)");
        e.count = 1;
        e.at_least = true;
        if (tt->contains("count")) e.at_least = false;
        read_count(tr, *tt, e, false);
        tr.finish();
    } else if (*kind == "tlsrpt_report") {
        e.what = k::tlsrpt_report;
        const auto* jt = r.table("tlsrpt_report");
        if (jt == nullptr) return true;
        table_reader jr(*jt, r.key_path("tlsrpt_report"), r.file(), r.errors());
        if (auto v = jr.text("domain", true)) e.subject = *v;
        if (auto v = jr.text("pointer", true)) {
            if (!v->empty() && v->front() != '/')
                jr.error("pointer", fmt::format("expected a JSON pointer such as \"/policies/0/policy/policy-type\", "
                                                "found \"{}\"",
                                                *v));
            e.pointer = *v;
        }
        if (const auto* value = jr.any("equals")) {
            if (auto json = json_text_of(*value))
                e.equals_json = *json;
            else
                jr.error("equals", "expected a string, integer, boolean or array of them");
        }
        e.exists = jr.boolean("exists");
        if (e.equals_json.has_value() == e.exists.has_value())
            jr.error("equals", "expected exactly one of equals = <value> and exists = true|false");
        jr.finish();
    } else if (*kind == "received" || *kind == "received_absent") {
        e.what = *kind == "received" ? k::received : k::received_absent;
        const auto* rt = r.table(*kind);
        if (rt == nullptr) return true;
        table_reader rr(*rt, r.key_path(*kind), r.file(), r.errors());
        if (auto v = rr.text("host", true)) e.subject = *v;
        if (auto v = rr.text("contains", true)) {
            if (v->empty()) rr.error("contains", "expected non-empty text");
            e.text = *v;
        }
        rr.finish();
    } else if (*kind == "cache") {
        e.what = k::cache;
        const auto* ct = r.table("cache");
        if (ct == nullptr) return true;
        table_reader cr(*ct, r.key_path("cache"), r.file(), r.errors());
        if (auto v = cr.text("domain", true)) e.subject = *v;
        if (auto v = cr.choice("state", {"present", "absent"}, true)) e.present = *v == "present";
        e.policy_id = cr.text("id");
        e.mode = cr.choice("mode", {"enforce", "testing", "none"});
        if (!e.present && (e.policy_id || e.mode))
            cr.error(e.policy_id ? "id" : "mode", "expected only with state = \"present\"");
        cr.finish();
    } else {
        // Conservation is checked after every scenario; the key only says so in the file.
        if (auto b = r.boolean("conserved"); b && !*b)
            r.error("conserved", "expected true (conservation is always checked)");
        return true;
    }
    out.push_back(std::move(e));
    return true;
}

}  // namespace

core::result<scenario_spec, input_errors> load_scenario_text(std::string_view text, const std::string& file) {
    input_errors errors;
    if (text.size() > world_file_bytes_max) {
        errors.push_back({file, 0, 0, "", fmt::format("expected at most {} bytes", world_file_bytes_max)});
        return core::failure(std::move(errors));
    }
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        errors.push_back({file, static_cast<std::size_t>(e.source().begin.line),
                          static_cast<std::size_t>(e.source().begin.column), "",
                          fmt::format("expected valid TOML: {}", e.description())});
        return core::failure(std::move(errors));
    }

    scenario_spec spec;
    spec.file = file;
    bool semantics_given = false;
    read_meta(root, file, errors, spec, semantics_given);
    // The world first: steps name its hosts, and certificates count from its start.
    spec.world = read_world(root, file, errors);
    if (semantics_given) {
        spec.world.engine.route_mode = spec.semantics == semantics_profile::gateway
                                           ? tls::route_semantics::gateway_bypass
                                           : tls::route_semantics::rfc8461_smart_host;
    } else {
        spec.semantics = spec.world.engine.route_mode == tls::route_semantics::rfc8461_smart_host
                             ? semantics_profile::rfc8461
                             : semantics_profile::gateway;
    }
    read_entries(root, "step", scenario_steps_max, file, errors,
                 [&](table_reader& r, const toml::table& t, std::size_t line) {
                     return read_step(r, t, line, spec.world, spec.steps);
                 });
    read_entries(root, "expect", scenario_expectations_max, file, errors,
                 [&](table_reader& r, const toml::table& t, std::size_t line) {
                     return read_expect(r, t, line, spec.expectations);
                 });

    const auto& known = world_top_level_keys();
    for (const auto& [k, v] : root) {
        const auto key = k.str();
        if (key == "scenario" || key == "step" || key == "expect") continue;
        if (std::find(known.begin(), known.end(), key) == known.end())
            errors.push_back({file, line_of(v), column_of(v), std::string(key),
                              "unknown key; expected scenario, step, expect, world, profile, dns, policy_host, smtp, "
                              "proxy, engine or route"});
    }
    if (!errors.empty()) {
        std::stable_sort(errors.begin(), errors.end(), [](const input_error& a, const input_error& b) {
            return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        });
        return core::failure(std::move(errors));
    }
    return spec;
}

core::result<scenario_spec, input_errors> load_scenario_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::failure(input_errors{{path, 0, 0, "", "expected a readable file"}});
    std::string text(world_file_bytes_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return load_scenario_text(text, path);
}

}  // namespace sts::sim
