#include "sim/catalogue/requirement_catalogue.hpp"
#include "sim/cli/cli.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ostream>

namespace sts::sim::cli {

int run_requirements(arguments args, streams io) {
    bool json = false;
    std::vector<std::string> wanted;
    for (const auto& a : args) {
        if (a == "--json") {
            json = true;
        } else if (!a.empty() && a.front() == '-') {
            io.err << "usage: mtasts-sim requirements [--json] [ID...]\n";
            return exit_status::usage;
        } else {
            wanted.push_back(a);
        }
    }
    const auto& catalogue = builtin_catalogue();
    std::vector<const requirement*> rows;
    for (const auto& id : wanted) {
        const auto* r = catalogue.find(id);
        if (r == nullptr) {
            io.err << fmt::format("mtasts-sim requirements: no requirement with id '{}'\n", id);
            return exit_status::failed;
        }
        rows.push_back(r);
    }
    if (wanted.empty()) {
        for (const auto& r : catalogue.all()) rows.push_back(&r);
    }
    if (json) {
        auto out = nlohmann::ordered_json::array();
        for (const auto* r : rows) {
            out.push_back({{"id", r->id}, {"level", r->level}, {"strength", to_string(r->strength_)},
                           {"side", r->side}, {"section", r->section}, {"rule", r->rule}});
        }
        io.out << out.dump(2) << '\n';
    } else {
        for (const auto* r : rows) {
            io.out << fmt::format("{:<14} {:<11} {:<9} {:<22} {}\n", r->id, to_string(r->strength_), r->side,
                                  r->section, r->rule);
        }
    }
    return exit_status::ok;
}

}  // namespace sts::sim::cli
