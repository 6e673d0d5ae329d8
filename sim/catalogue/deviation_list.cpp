#include "sim/catalogue/deviation_list.hpp"

#include <toml++/toml.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <set>

namespace sts::sim {

extern const std::string_view deviations_text;

namespace {

core::finding deviation_finding(std::string rule, std::size_t line, std::string detail = {}) {
    return core::finding{.requirement = "", .rule = std::move(rule), .line = line, .column = 0,
                         .detail = std::move(detail)};
}

std::size_t line_of(const toml::node& node) { return static_cast<std::size_t>(node.source().begin.line); }

}  // namespace

core::result<std::vector<declared_deviation>, core::findings> parse_deviations(
    std::string_view toml_text, std::string_view source_name, const requirement_catalogue& catalogue) {
    core::findings problems;
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        problems.push_back(deviation_finding(std::string(e.description()),
                                             static_cast<std::size_t>(e.source().begin.line)));
        return core::failure(std::move(problems));
    }
    for (const auto& [key, value] : root) {
        if (key.str() != "deviation") {
            problems.push_back(deviation_finding(fmt::format("unknown key '{}'", key.str()), line_of(value)));
        }
    }
    std::vector<declared_deviation> out;
    const auto* rows = root["deviation"].as_array();
    if (rows == nullptr) {
        // No [[deviation]] at all is a valid, empty list; a non-array is a mistake.
        if (root.contains("deviation")) {
            problems.push_back(deviation_finding("expected an array of tables [[deviation]]", 1));
        }
        if (!problems.empty()) return core::failure(std::move(problems));
        return out;
    }
    std::set<std::string, std::less<>> seen;
    for (const auto& node : *rows) {
        const auto* row = node.as_table();
        if (row == nullptr) {
            problems.push_back(deviation_finding("each [[deviation]] must be a table", line_of(node)));
            continue;
        }
        declared_deviation d{.id = {}, .reason = {}, .line = line_of(node)};
        bool ok = true;
        for (const auto& [key, value] : *row) {
            const auto k = key.str();
            if (k != "id" && k != "reason") {
                problems.push_back(deviation_finding(fmt::format("unknown key '{}'", k), line_of(value)));
                ok = false;
                continue;
            }
            const auto* text = value.as_string();
            if (text == nullptr || text->get().empty()) {
                problems.push_back(
                    deviation_finding(fmt::format("key '{}' must be a non-empty string", k), line_of(value)));
                ok = false;
                continue;
            }
            (k == "id" ? d.id : d.reason) = text->get();
        }
        if (!ok) continue;
        if (d.id.empty() || d.reason.empty()) {
            problems.push_back(deviation_finding("a [[deviation]] needs both 'id' and 'reason'", d.line));
            continue;
        }
        if (d.reason.size() > deviation_reason_bytes_max || d.reason.find('\n') != std::string::npos) {
            problems.push_back(deviation_finding(
                fmt::format("reason must be one line of at most {} bytes", deviation_reason_bytes_max), d.line));
            continue;
        }
        const auto* r = catalogue.find(d.id);
        if (r == nullptr) {
            problems.push_back(deviation_finding("id is not in the requirement catalogue", d.line, d.id));
            continue;
        }
        if (r->strength_ != strength::should) {
            problems.push_back(deviation_finding(
                fmt::format("only SHOULD requirements can be declared deviations; {} is {}", d.id,
                            to_string(r->strength_)),
                d.line, d.id));
            continue;
        }
        if (!seen.insert(d.id).second) {
            problems.push_back(deviation_finding("duplicate id", d.line, d.id));
            continue;
        }
        out.push_back(std::move(d));
    }
    if (!problems.empty()) return core::failure(std::move(problems));
    return out;
}

const std::vector<declared_deviation>& builtin_deviations() {
    static const std::vector<declared_deviation> deviations = [] {
        auto parsed = parse_deviations(deviations_text, "docs/deviations.toml", builtin_catalogue());
        if (!parsed) {
            for (const auto& f : parsed.error()) {
                std::fprintf(stderr, "docs/deviations.toml:%zu: %s %s\n", f.line, f.rule.c_str(), f.detail.c_str());
            }
            std::abort();  // a build defect, caught by the deviation tests
        }
        return std::move(parsed).value();
    }();
    return deviations;
}

}  // namespace sts::sim
