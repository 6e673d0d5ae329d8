// `mtasts-sim replay TRACE.log [--write-scenario FILE] [--domain D]... [--set KEY=VALUE]...
// [--year N]`: reproduce a customer's mail-log trace (issue 6, item 3). It reads the log
// (sim/replay/log_reader.hpp), separates its messages (trace.hpp), infers the world that
// explains it (trace_inference.hpp), writes that world as a scenario (scenario_writer.hpp),
// runs it on the simulated network, and lays the engine's trace beside the customer's
// (trace_comparison.hpp): agreeing lines, then the first line where they differ. Each
// `--set` then reruns the story with one change (what_if.hpp) and shows the new outcome per
// message. Exit 0 reproduced, 1 diverged, 2 unreadable input or usage.
#include "sim/cli/cli.hpp"

#include "engine/core/peer_text.hpp"
#include "sim/replay/scenario_writer.hpp"
#include "sim/replay/trace.hpp"
#include "sim/replay/trace_comparison.hpp"
#include "sim/replay/trace_inference.hpp"
#include "sim/replay/what_if.hpp"
#include "sim/scenario/scenario_loader.hpp"
#include "sim/scenario/scenario_runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace sts::sim::cli {

namespace {

constexpr std::string_view replay_usage =
    "usage: mtasts-sim replay TRACE.log [--write-scenario FILE] [--domain D]... [--set KEY=VALUE]... [--year N] [--keys]\n"
    "  reads a gateway mail log, infers the world that produced it, runs that world and\n"
    "  compares the engine's trace with the log (timestamps, ids and addresses normalised);\n"
    "  --write-scenario keeps the inferred scenario, --domain replays only that recipient\n"
    "  domain, --keys prints the normalised form of every compared line, --year completes\n"
    "  syslog timestamps without a year, --set reruns with one change of the inferred world\n"
    "  (keys: ";

// Agreeing lines shown in full up to this many; more are elided in the middle.
constexpr std::size_t shown_agreeing_max = 40;

struct replay_options {
    std::string trace_file;
    std::string scenario_file;
    std::vector<std::string> domains;
    std::vector<what_if> changes;
    int year = 2024;
    bool keys = false;  // --keys: print the normalised form of every compared line
};

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The engine's log as a trace, from the scenario's own start on (the warm-up is not part of
// the story).
trace engine_trace(const scenario_result& result, core::time_point from) {
    std::vector<trace_line> lines;
    std::size_t number = 0;
    for (const auto& text : result.log_lines) {
        trace_line l = classify_line(text, ++number);
        if (l.time && *l.time < from) continue;
        lines.push_back(std::move(l));
    }
    return build_trace(std::move(lines));
}

void print_world(const inferred_world& w, std::ostream& out) {
    out << "Inferred world:\n";
    for (const auto& f : w.facts) {
        out << fmt::format("  {:<9} {} = {}  ({})\n", f.line ? fmt::format("line {}", f.line) : std::string("default"), f.subject,
                           f.value, f.why);
    }
    if (!w.open_choices.empty()) {
        out << "Choices the trace leaves open:\n";
        for (const auto& c : w.open_choices) out << "  - " << c << "\n";
    }
}

void print_alignment(const trace_alignment& a, std::ostream& out) {
    out << "Traces side by side (customer line | engine), compared by line family and fields;\n"
           "timestamps, MIDs, DCIDs and addresses renumbered:\n";
    const std::size_t agree = a.first_difference.value_or(a.customer.size());
    for (std::size_t i = 0; i < agree; ++i) {
        if (agree > shown_agreeing_max && i == shown_agreeing_max / 4) {
            const std::size_t skip = agree - shown_agreeing_max;
            out << fmt::format("  = ... {} more agreeing lines ...\n", skip);
            i += skip - 1;
            continue;
        }
        out << fmt::format("  = {:>6} | {}\n", a.customer[i].number, a.customer[i].text);
    }
    if (!a.first_difference) return;
    const std::size_t i = *a.first_difference;
    if (i < a.customer.size()) {
        out << fmt::format("  ! {:>6} | customer: {}\n", a.customer[i].number, a.customer[i].text);
    } else {
        out << "  !        | customer: (the trace ends here)\n";
    }
    if (i < a.engine.size()) {
        out << fmt::format("  !        | engine:   {}\n", a.engine[i].text);
    } else {
        out << "  !        | engine:   (the engine's trace ends here)\n";
    }
    for (std::size_t k = i + 1; k < i + 4 && k < std::max(a.customer.size(), a.engine.size()); ++k) {
        out << fmt::format("    {:>6} | customer: {}\n", k < a.customer.size() ? std::to_string(a.customer[k].number) : "",
                           k < a.customer.size() ? a.customer[k].text : "-");
        out << fmt::format("           | engine:   {}\n", k < a.engine.size() ? a.engine[k].text : "-");
    }
}

struct run_outcome {
    bool ran = false;
    std::string error;
    scenario_result result;
    trace engine;
};

// The engine's messages are the world's, sent in offset order: those no engine line ties
// to a domain take the domain of the message they were sent as.
void name_engine_domains(trace& engine, const inferred_world& w) {
    std::vector<const inferred_message*> sent;
    for (const auto& m : w.messages) sent.push_back(&m);
    std::stable_sort(sent.begin(), sent.end(), [](const auto* a, const auto* b) { return a->offset < b->offset; });
    for (std::size_t k = 0; k < engine.messages.size() && k < sent.size(); ++k) {
        if (engine.messages[k].domain.empty()) engine.messages[k].domain = sent[k]->domain;
    }
}

run_outcome run_world(const inferred_world& w, const std::string& text) {
    run_outcome o;
    auto spec = load_scenario_text(text, "replay:" + w.source);
    if (!spec) {
        std::string all;
        for (const auto& e : spec.error()) all += "\n  " + e.to_string();
        o.error = "the inferred scenario has mistakes (a replay bug, please report it with the trace):" + all;
        return o;
    }
    o.result = run_scenario(spec.value());
    if (!o.result.error.empty()) {
        o.error = o.result.error;
        return o;
    }
    o.engine = engine_trace(o.result, w.start);
    name_engine_domains(o.engine, w);
    o.ran = true;
    return o;
}

int parse_arguments(arguments args, replay_options& o, std::ostream& err) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= args.size()) {
                err << "mtasts-sim replay: " << a << " needs a value\n";
                return false;
            }
            into = args[++i];
            return true;
        };
        if (a == "--write-scenario") {
            if (!value(o.scenario_file)) return exit_status::usage;
        } else if (a == "--domain") {
            std::string d;
            if (!value(d)) return exit_status::usage;
            o.domains.push_back(d);
        } else if (a == "--set") {
            std::string s;
            if (!value(s)) return exit_status::usage;
            auto c = parse_what_if(s);
            if (!c) {
                err << "mtasts-sim replay: " << c.error() << "\n";
                return exit_status::usage;
            }
            o.changes.push_back(c.value());
        } else if (a == "--keys") {
            o.keys = true;
        } else if (a == "--year") {
            std::string y;
            if (!value(y)) return exit_status::usage;
            const auto [p, ec] = std::from_chars(y.data(), y.data() + y.size(), o.year);
            if (ec != std::errc{} || p != y.data() + y.size() || o.year < 1970 || o.year > 9999) {
                err << "mtasts-sim replay: --year " << y << ": expected a year 1970-9999\n";
                return exit_status::usage;
            }
        } else if (a.starts_with("--")) {
            err << "mtasts-sim replay: unknown option " << a << "\n" << replay_usage << what_if_keys << ")\n";
            return exit_status::usage;
        } else if (o.trace_file.empty()) {
            o.trace_file = a;
        } else {
            err << "mtasts-sim replay: one trace at a time (" << a << ")\n";
            return exit_status::usage;
        }
    }
    if (o.trace_file.empty()) {
        err << replay_usage << what_if_keys << ")\n";
        return exit_status::usage;
    }
    return exit_status::ok;
}

}  // namespace

int run_replay(arguments args, streams io) {
    replay_options o;
    if (const int status = parse_arguments(args, o, io.err); status != exit_status::ok) return status;

    std::ifstream file(o.trace_file, std::ios::binary);
    if (!file) {
        io.err << "mtasts-sim replay: " << o.trace_file << ": cannot open\n";
        return exit_status::usage;
    }
    auto read = read_trace(file, o.year);
    if (!read) {
        io.err << "mtasts-sim replay: " << o.trace_file << ": " << read.error().message << "\n";
        return exit_status::usage;
    }
    trace& customer = read.value();
    const log_read_stats& s = customer.stats;
    io.out << fmt::format("replay: {} ({} lines: {} classified, {} not understood, {} joined, {} truncated)\n",
                          o.trace_file, s.logical_lines, s.classified, s.unclassified, s.joined, s.truncated);
    if (s.classified == 0) {
        io.err << "mtasts-sim replay: " << o.trace_file << ": no line reads as a gateway mail-log line (docs/mail-log.md)\n";
        return exit_status::usage;
    }
    if (customer.cut) {
        io.out << fmt::format("note: the log has more than {} lines; only the first {} are replayed (--domain narrows it)\n",
                              trace_lines_max, trace_lines_max);
    }

    inference_options io_options;
    io_options.domains = o.domains;
    io_options.source = base_name(o.trace_file);
    const inferred_world world = infer_world(customer, io_options);
    print_world(world, io.out);
    // Messages whose domain was inferred are compared as that domain's.
    for (auto& m : customer.messages) {
        for (const auto& im : world.messages) {
            if (im.trace_mid == m.mid && m.domain.empty()) m.domain = im.domain;
        }
    }

    std::size_t not_understood = 0;
    for (const auto& l : customer.lines) {
        if (l.family != line_family::unclassified) continue;
        if (++not_understood <= 20) {
            io.out << (not_understood == 1 ? "Lines not understood (kept, not compared):\n" : "");
            // The line is the customer's bytes (control characters included): escaped, as peer text.
            io.out << fmt::format("  line {}: {} ({})\n", l.number, core::quote_peer_text(l.raw, 160), l.problem);
        }
    }
    if (not_understood > 20) io.out << fmt::format("  ... and {} more\n", not_understood - 20);

    const std::string text = write_scenario(world);
    if (!o.scenario_file.empty()) {
        std::ofstream out(o.scenario_file, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) {
            io.err << "mtasts-sim replay: " << o.scenario_file << ": cannot write\n";
            return exit_status::usage;
        }
        io.out << "Scenario written to " << o.scenario_file << "\n";
    }

    run_outcome run = run_world(world, text);
    if (!run.ran) {
        io.err << "mtasts-sim replay: " << run.error << "\n";
        return exit_status::usage;
    }
    comparison_scope scope;
    for (const auto& d : world.domains) scope.domains.push_back(d.name);
    comparison_scope customer_scope = scope;
    customer_scope.mids.emplace();
    for (const auto& m : world.messages) customer_scope.mids->push_back(m.trace_mid);
    const trace_alignment a = align_traces(customer, run.engine, customer_scope, scope);
    print_alignment(a, io.out);
    if (o.keys) {
        for (const auto* side : {&a.customer, &a.engine}) {
            io.out << (side == &a.customer ? "Compared forms, customer:\n" : "Compared forms, engine:\n");
            for (const auto& c : *side) io.out << fmt::format("  {:>6} {}\n", c.number, c.key);
        }
    }

    const bool expectations_hold = run.result.passed;
    if (!expectations_hold && run.result.first_failure) {
        const auto& f = run.result.expectations[*run.result.first_failure];
        io.out << fmt::format("The scenario's expectation '{}' does not hold: {}\n", f.description, f.detail);
    }
    const bool reproduced = !a.first_difference && expectations_hold;
    if (reproduced) {
        io.out << fmt::format("Result: reproduced: {} lines agree ({} customer and {} engine lines of other kinds not compared)\n",
                              a.customer.size(), a.left_out_customer, a.left_out_engine);
    } else if (a.first_difference) {
        const std::size_t i = *a.first_difference;
        io.out << fmt::format("Result: diverged at {} after {} agreeing lines\n",
                              i < a.customer.size() ? fmt::format("trace line {}", a.customer[i].number) : std::string("the trace's end"), i);
    } else {
        io.out << "Result: diverged: the traces agree but the outcomes do not\n";
    }

    for (const auto& change : o.changes) {
        const inferred_world changed = apply_what_if(world, change);
        run_outcome what = run_world(changed, write_scenario(changed));
        io.out << fmt::format("What if {}={}:\n", change.key, change.value);
        if (!what.ran) {
            io.out << "  the changed world did not run: " << what.error << "\n";
            continue;
        }
        inference_options again;
        again.domains = scope.domains;
        const inferred_world after = infer_world(what.engine, again);
        for (std::size_t k = 0; k < world.messages.size(); ++k) {
            const auto& before = world.messages[k];
            const std::string now = k < after.messages.size() ? after.messages[k].outcome : std::string("?");
            io.out << fmt::format("  MID {} (to {}): {} -> {}{}\n", before.trace_mid,
                                  before.recipients.empty() ? std::string("?") : before.recipients.front(), before.outcome, now,
                                  now == before.outcome ? " (no change)" : "");
        }
        for (const auto& l : what.engine.lines) {
            if (l.family == line_family::tls_success || l.family == line_family::tls_verify_deferring ||
                l.family == line_family::tls_verify_not_enforced || l.family == line_family::bounced) {
                io.out << "  engine: " << l.text << "\n";
                break;
            }
        }
    }
    return reproduced ? exit_status::ok : exit_status::failed;
}

}  // namespace sts::sim::cli
