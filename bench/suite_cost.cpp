// bench/suite_cost.cpp
//
// What each scenario of the suite costs in real time against its floor (issue 7, item 1):
// the floor of a scenario is its TLS handshakes times the cost of one full handshake as
// `openssl s_time -new` measures it over loopback in the same run (scripts/bench passes it
// in with --handshake-ms). A scenario's handshakes are counted from its world's transcript:
// every TLS line of a mock that says a handshake was established or failed (the client
// gave up after the server had done its share); injected handshake faults, which do no
// cryptography, are not counted.
//
//   suite_cost [PATH...] [--handshake-ms MS] [--csv FILE]
//
// Scenarios run one after the other on this thread (the figure is the cost of one
// scenario, not the suite's parallel throughput, which `mtasts-sim run --jobs 2` shows).
// Prints one summary line of key=value pairs for scripts/bench; --csv writes one row per
// scenario (name, handshakes, milliseconds). This is a measuring tool, not a test: it
// reads the real clock and never judges the scenarios (`mtasts-sim run` does).
#include "sim/scenario/scenario_files.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct scenario_cost {
    std::string name;
    std::size_t handshakes = 0;
    double milliseconds = 0;
};

std::size_t handshakes_of(const sts::sim::scenario_result& result) {
    std::size_t n = 0;
    for (const auto& e : result.timeline) {
        if (e.kind != sts::mocks::transcript_kind::tls) continue;
        const std::string_view text = e.text;
        if (text.find("established") != std::string_view::npos ||
            text.find("handshake failed") != std::string_view::npos)
            ++n;
    }
    return n;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(at, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> paths;
    double handshake_ms = 0;
    std::string csv_file;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--handshake-ms" || a == "--csv") && i + 1 < argc) {
            if (a == "--handshake-ms")
                handshake_ms = std::stod(argv[++i]);
            else
                csv_file = argv[++i];
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "usage: suite_cost [PATH...] [--handshake-ms MS] [--csv FILE]\n");
            return 2;
        } else {
            paths.emplace_back(a);
        }
    }
    if (paths.empty()) paths.emplace_back("scenarios");

    auto files = sts::sim::find_scenario_files(paths);
    if (!files.has_value()) {
        std::fprintf(stderr, "suite_cost: %s\n", files.error().c_str());
        return 2;
    }
    std::vector<sts::sim::scenario_spec> specs;
    for (const auto& f : files.value()) {
        auto spec = sts::sim::load_scenario_file(f.path);
        if (!spec.has_value()) {
            std::fprintf(stderr, "suite_cost: %s does not load\n", f.path.c_str());
            return 2;
        }
        specs.push_back(std::move(spec).value());
    }

    using clock = std::chrono::steady_clock;
    std::vector<scenario_cost> costs;
    std::size_t failed = 0;
    const auto suite_start = clock::now();
    for (const auto& spec : specs) {
        const auto t0 = clock::now();
        const auto result = sts::sim::run_scenario(spec);
        const auto t1 = clock::now();
        if (!result.passed) ++failed;
        costs.push_back({result.name, handshakes_of(result),
                         std::chrono::duration<double, std::milli>(t1 - t0).count()});
    }
    const double suite_seconds = std::chrono::duration<double>(clock::now() - suite_start).count();

    std::size_t handshakes = 0, without_handshake = 0, within_3x = 0;
    double total_ms = 0, ms_without_handshake = 0;
    std::vector<double> ratios, all_ms;
    for (const auto& c : costs) {
        handshakes += c.handshakes;
        total_ms += c.milliseconds;
        all_ms.push_back(c.milliseconds);
        if (c.handshakes == 0) {
            ++without_handshake;
            ms_without_handshake += c.milliseconds;
            continue;
        }
        if (handshake_ms > 0) {
            const double ratio = c.milliseconds / (static_cast<double>(c.handshakes) * handshake_ms);
            ratios.push_back(ratio);
            if (ratio <= 3.0) ++within_3x;
        }
    }
    const double floor_ms = static_cast<double>(handshakes) * handshake_ms;
    fmt::print("scenarios={} failed={} seconds={:.3f} scenarios_per_s={:.1f} handshakes={} "
               "mean_ms={:.2f} median_ms={:.2f} p90_ms={:.2f} max_ms={:.2f} handshake_ms={:.3f} floor_ms={:.1f} "
               "ratio_total={:.2f} ratio_median={:.2f} ratio_p90={:.2f} ratio_max={:.2f} within_3x={} "
               "with_handshakes={} without_handshakes={} mean_ms_without_handshakes={:.2f}\n",
               costs.size(), failed, suite_seconds, suite_seconds > 0 ? static_cast<double>(costs.size()) / suite_seconds : 0,
               handshakes, costs.empty() ? 0 : total_ms / static_cast<double>(costs.size()), percentile(all_ms, 0.5),
               percentile(all_ms, 0.9), percentile(all_ms, 1.0), handshake_ms, floor_ms,
               floor_ms > 0 ? total_ms / floor_ms : 0, percentile(ratios, 0.5), percentile(ratios, 0.9),
               percentile(ratios, 1.0), within_3x, ratios.size(), without_handshake,
               without_handshake ? ms_without_handshake / static_cast<double>(without_handshake) : 0);
    if (!csv_file.empty()) {
        std::ofstream out(csv_file);
        out << "scenario,handshakes,ms\n";
        for (const auto& c : costs) out << fmt::format("{},{},{:.3f}\n", c.name, c.handshakes, c.milliseconds);
    }
    return failed == 0 ? 0 : 1;
}
