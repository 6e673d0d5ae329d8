#include "sim/catalogue/requirement_catalogue.hpp"

#include <toml++/toml.h>
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>

namespace sts::sim {

extern const std::string_view requirements_catalogue_text;

namespace {

constexpr std::array<std::string_view, 5> strength_names{"must", "should", "may", "def", "informative"};

core::finding catalogue_finding(std::string rule, std::size_t line, std::string detail = {}) {
    return core::finding{.requirement = "", .rule = std::move(rule), .line = line, .column = 0,
                         .detail = std::move(detail)};
}

std::size_t line_of(const toml::node& node) {
    return static_cast<std::size_t>(node.source().begin.line);
}

}  // namespace

std::string_view to_string(strength s) { return strength_names[static_cast<std::size_t>(s)]; }

core::result<requirement_catalogue, core::findings> requirement_catalogue::parse(
    std::string_view toml_text, std::string_view source_name) {
    core::findings problems;
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        problems.push_back(catalogue_finding(std::string(e.description()),
                                             static_cast<std::size_t>(e.source().begin.line)));
        return core::failure(std::move(problems));
    }
    const auto* rows = root["requirement"].as_array();
    if (rows == nullptr) {
        problems.push_back(catalogue_finding("expected an array of tables [[requirement]]", 1));
        return core::failure(std::move(problems));
    }
    requirement_catalogue catalogue;
    std::set<std::string, std::less<>> seen;
    for (const auto& node : *rows) {
        const auto* row = node.as_table();
        if (row == nullptr) {
            problems.push_back(catalogue_finding("each [[requirement]] must be a table", line_of(node)));
            continue;
        }
        requirement r;
        auto text = [&](std::string_view key, std::string& out) {
            const auto* value = row->get(key);
            if (value == nullptr || !value->is_string() || value->as_string()->get().empty()) {
                problems.push_back(catalogue_finding(
                    fmt::format("key '{}' must be a non-empty string", key), line_of(node)));
                return false;
            }
            out = value->as_string()->get();
            return true;
        };
        std::string strength_text;
        bool ok = text("id", r.id) & text("level", r.level) & text("strength", strength_text) &
                  text("side", r.side) & text("section", r.section) & text("rule", r.rule);
        for (const auto& [key, value] : *row) {
            static constexpr std::array<std::string_view, 6> known{"id", "level", "strength",
                                                                   "side", "section", "rule"};
            if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
                problems.push_back(catalogue_finding(fmt::format("unknown key '{}'", key.str()),
                                                     line_of(value)));
                ok = false;
            }
        }
        if (!ok) continue;
        const auto* s = std::find(strength_names.begin(), strength_names.end(), strength_text);
        if (s == strength_names.end()) {
            problems.push_back(catalogue_finding(
                "strength must be one of must, should, may, def, informative", line_of(node), strength_text));
            continue;
        }
        r.strength_ = static_cast<strength>(s - strength_names.begin());
        if (r.side != "sender" && r.side != "publisher") {
            problems.push_back(catalogue_finding("side must be sender or publisher", line_of(node), r.side));
            continue;
        }
        if (requirement_ids_named_in(r.id) != std::vector<std::string>{r.id}) {
            problems.push_back(catalogue_finding("id must look like STS-DISC-01, DANE-01 or TLSRPT-01",
                                                 line_of(node), r.id));
            continue;
        }
        if (!seen.insert(r.id).second) {
            problems.push_back(catalogue_finding("duplicate id", line_of(node), r.id));
            continue;
        }
        catalogue.requirements_.push_back(std::move(r));
    }
    if (!problems.empty()) return core::failure(std::move(problems));
    return catalogue;
}

const requirement* requirement_catalogue::find(std::string_view id) const {
    for (const auto& r : requirements_) {
        if (r.id == id) return &r;
    }
    return nullptr;
}

const requirement_catalogue& builtin_catalogue() {
    static const requirement_catalogue catalogue = [] {
        auto parsed = requirement_catalogue::parse(requirements_catalogue_text, "docs/requirements.toml");
        if (!parsed) {
            for (const auto& f : parsed.error()) {
                std::fprintf(stderr, "docs/requirements.toml:%zu: %s %s\n", f.line, f.rule.c_str(),
                             f.detail.c_str());
            }
            std::abort();  // a build defect, caught by the catalogue tests
        }
        return std::move(parsed).value();
    }();
    return catalogue;
}

std::vector<std::string> requirement_ids_named_in(std::string_view text) {
    // The prefixes of requirements.md: STS-<AREA>-NN, DANE-NN, TLSRPT-NN.
    static const std::regex id_pattern(
        R"((?:^|[^A-Za-z0-9_-])((?:STS-(?:DISC|FETCH|PARSE|CACHE|MX|APPLY|DANE|SEC|RPT)|DANE|TLSRPT)-[0-9]+)(?![A-Za-z0-9_]))");
    std::vector<std::string> ids;
    const std::string owned(text);
    for (auto it = std::sregex_iterator(owned.begin(), owned.end(), id_pattern); it != std::sregex_iterator();
         ++it) {
        ids.push_back((*it)[1].str());
    }
    return ids;
}

}  // namespace sts::sim
