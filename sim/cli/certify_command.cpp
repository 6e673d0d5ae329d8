// `mtasts-sim certify [--out DIR] [PATH...]`: certifies this engine build against a suite
// (issue 5, item 4). Loads every scenario file under PATH (default scenarios/; a file, or a
// folder searched recursively for *.toml), runs them one after another on the simulated
// network in sorted path order, and writes into DIR (default certification/) the reports
// of reports/report_writer.hpp and certificate.json (reports/certificate.hpp): tool
// version, engine build id, suite digest, semantics profiles, every requirement's verdict,
// the conformance.json digest and the verdict.
//
// Exit 0 when the build is certified (no MUST or definition requirement failed or went
// uncovered), 1 when not, 2 on a usage error, a broken scenario file (nothing runs; every
// mistake is printed) or a file that cannot be written.
//
// Two certifications of one build with one suite write byte-identical files: nothing in
// them depends on the date, the machine, the output folder or the order of PATH
// arguments. Scenarios run sequentially: a certificate is about correctness, not speed,
// and one thread keeps the run as simple as possible to audit.
#include "sim/cli/cli.hpp"

#include "reports/certificate.hpp"
#include "reports/report_writer.hpp"
#include "sim/report/build_id.hpp"
#include "sim/report/suite_digest.hpp"
#include "sim/report/suite_record_builder.hpp"
#include "sim/scenario/scenario_files.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"
#include "sim/world/world_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

namespace sts::sim::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view certify_usage =
    "usage: mtasts-sim certify [--out DIR] [PATH...]\n"
    "  PATH       a scenario file or a folder of them (default: scenarios/)\n"
    "  --out DIR  where the reports and certificate.json go (default: certification/)\n"
    "exit status: 0 certified, 1 not certified (a MUST failed or is not covered),\n"
    "             2 usage error, broken scenario file or unwritable output\n";

struct certify_options {
    std::vector<std::string> paths;
    std::string out = "certification";
};

std::optional<certify_options> parse(arguments args, streams io, bool& help) {
    certify_options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--out") {
            if (i + 1 == args.size() || args[i + 1].empty()) {
                io.err << "mtasts-sim certify: --out needs a DIR\n" << certify_usage;
                return std::nullopt;
            }
            o.out = args[++i];
        } else if (a == "--help" || a == "-h") {
            io.out << certify_usage;
            help = true;
            return std::nullopt;
        } else if (a.starts_with("-")) {
            io.err << "mtasts-sim certify: unknown option '" << a << "'\n" << certify_usage;
            return std::nullopt;
        } else {
            o.paths.push_back(a);
        }
    }
    if (o.paths.empty()) o.paths.emplace_back("scenarios");
    return o;
}

// The file's bytes, at most one byte more than a scenario may have (the loader rejects it).
std::optional<std::string> read_bounded(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(world_file_bytes_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

}  // namespace

int run_certify(arguments args, streams io) {
    bool help = false;
    const auto options = parse(args, io, help);
    if (!options) return help ? exit_status::ok : exit_status::usage;
    const auto files = find_scenario_files(options->paths);
    if (!files) {
        io.err << "mtasts-sim certify: " << files.error() << '\n';
        return exit_status::usage;
    }
    if (files->empty()) {
        io.err << "mtasts-sim certify: no scenario files found; nothing to certify\n";
        return exit_status::usage;
    }

    // Every file is read once: the bytes that are loaded are the bytes the digest names.
    std::vector<suite_file> suite_files;
    std::vector<scenario_spec> specs;
    bool broken = false;
    for (const auto& f : *files) {
        auto text = read_bounded(f.path);
        if (!text) {
            io.err << f.path << ": cannot read\n";
            broken = true;
            continue;
        }
        auto loaded = load_scenario_text(*text, f.path);
        if (!loaded) {
            for (const auto& e : loaded.error()) io.err << e.to_string() << '\n';
            broken = true;
            continue;
        }
        specs.push_back(std::move(*loaded));
        suite_files.push_back({f.relative_name, std::move(*text)});
    }
    if (broken) {
        io.err << "mtasts-sim certify: scenario files have mistakes; nothing was run\n";
        return exit_status::usage;
    }

    std::vector<scenario_result> results;
    results.reserve(specs.size());
    for (const auto& spec : specs) {
        results.push_back(run_scenario(spec));
        const auto& r = results.back();
        io.out << (r.passed ? "PASS " : "FAIL ") << r.name << " (" << r.file << ")\n";
    }

    const auto build_id = engine_build_id();
    if (!build_id) {
        io.err << "mtasts-sim certify: cannot read the running executable to compute the build id\n";
        return exit_status::usage;
    }
    const auto suite = make_suite_record(specs, results, {.tool_version = {}, .build_id = *build_id,
                                                          .network = "simulated", .seed = std::nullopt});
    auto rendered = reports::render_reports(suite);
    const reports::certificate_input certificate{.suite_digest = suite_digest(suite_files),
                                                 .scenario_files = suite_files.size(),
                                                 .semantics = semantics_profiles(specs),
                                                 .results_digest = rendered.digest};
    rendered.files.push_back({"certificate.json", reports::render_certificate(suite, rendered.verdicts, certificate)});
    if (auto written = reports::write_files(options->out, rendered.files); !written) {
        io.err << "mtasts-sim certify: " << written.error() << '\n';
        return exit_status::usage;
    }

    const auto& sum = rendered.verdicts.summary;
    io.out << fmt::format("{} scenario(s): {} passed, {} failed; {} of {} requirements covered\n", sum.scenarios,
                          sum.passed, sum.failed, sum.covered, sum.requirements);
    if (reports::certifiable(sum)) {
        io.out << "certified: every MUST and definition requirement is covered and passes (" << options->out
               << "/certificate.json)\n";
        return exit_status::ok;
    }
    io.out << fmt::format("not certified: {} MUST/definition requirement(s) failed, {} not covered ({}/conformance.md)\n",
                          sum.must_failed, sum.must_uncovered, options->out);
    return exit_status::failed;
}

}  // namespace sts::sim::cli
