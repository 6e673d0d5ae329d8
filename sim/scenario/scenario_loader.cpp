#include "sim/scenario/scenario_loader.hpp"

#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/toml/table_reader.hpp"
#include "sim/world/world_loader.hpp"

#include <fmt/format.h>

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
void read_meta(toml::table& root, const std::string& file, input_errors& errors, scenario_spec& out) {
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

constexpr std::array step_kinds{std::string_view("send"), std::string_view("advance"), std::string_view("restart")};
constexpr std::array expect_kinds{std::string_view("recipient"),      std::string_view("log"),
                                  std::string_view("log_absent"),     std::string_view("contacted"),
                                  std::string_view("not_contacted"),  std::string_view("policy_fetches"),
                                  std::string_view("conserved")};

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

bool read_step(table_reader& r, const toml::table& t, std::size_t line, std::vector<scenario_step>& out) {
    bool several = false;
    const auto kind = kind_of(r, t, step_kinds, several);
    // With no kind key the other keys are reported (a misspelt kind key shows up as
    // unknown); with several, they would only add noise to the one error.
    if (!kind) return !several;
    scenario_step s;
    s.line = line;
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
    } else {
        s.what = scenario_step::kind::restart;
        if (auto b = r.boolean("restart"); b && !*b)
            r.error("restart", "expected true (a step that restarts the engine keeping its cache)");
    }
    out.push_back(std::move(s));
    return true;
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
        e.what = k::recipient;
        if (auto v = r.text("recipient")) e.subject = *v;
        if (auto v = r.choice("outcome", {"delivered", "queued", "bounced"}, true)) {
            e.outcome = *v == "delivered" ? expected_outcome::delivered
                        : *v == "queued"  ? expected_outcome::queued
                                          : expected_outcome::bounced;
        }
        e.via = r.text("via");
        e.tls = r.text("tls");
        if ((e.via || e.tls) && e.outcome != expected_outcome::delivered)
            r.error(e.via ? "via" : "tls", "expected only with outcome = \"delivered\"");
    } else if (*kind == "log" || *kind == "log_absent") {
        e.what = *kind == "log" ? k::log_present : k::log_absent;
        if (auto v = r.text(*kind)) e.subject = *v;
    } else if (*kind == "contacted" || *kind == "not_contacted") {
        e.what = *kind == "contacted" ? k::contacted : k::not_contacted;
        if (auto v = r.text(*kind)) e.subject = *v;
    } else if (*kind == "policy_fetches") {
        e.what = k::policy_fetches;
        if (auto v = r.integer("policy_fetches", 0, 1'000'000)) e.count = static_cast<std::uint64_t>(*v);
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
    read_meta(root, file, errors, spec);
    read_entries(root, "step", scenario_steps_max, file, errors,
                 [&](table_reader& r, const toml::table& t, std::size_t line) { return read_step(r, t, line, spec.steps); });
    read_entries(root, "expect", scenario_expectations_max, file, errors,
                 [&](table_reader& r, const toml::table& t, std::size_t line) {
                     return read_expect(r, t, line, spec.expectations);
                 });
    spec.world = read_world(root, file, errors);

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
