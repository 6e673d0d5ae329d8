// `mtasts-sim check`: the operator's pre-flight check of what a domain publishes.
//
//   check txt RECORD [RECORD...]  each argument is one TXT record of the `_mta-sts` RRset, so
//                                 the "exactly one v=STSv1; record" rule is exercised too. An
//                                 argument that starts with '"' is read as dig prints a TXT
//                                 record: quoted character-strings (with \" \\ \DDD escapes)
//                                 that are joined without spaces (RFC 8461 §3.1).
//   check policy FILE|-           a policy body from a file or stdin, read up to the 64 KiB cap.
//   check mx PATTERN HOST         whether an mx pattern matches an MX host, and why.
//
// The engine does the judging (engine/mtasts/record.hpp, policy_parser.hpp, mx_pattern.hpp);
// this file only reads arguments and prints. Every refusal names its requirement id.
#include "sim/cli/cli.hpp"

#include "engine/core/finding.hpp"
#include "engine/core/limits.hpp"
#include "engine/mtasts/mx_pattern.hpp"
#include "engine/mtasts/policy_parser.hpp"
#include "engine/mtasts/record.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim::cli {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view usage_text =
    "usage: mtasts-sim check [--json] txt RECORD [RECORD...]\n"
    "       mtasts-sim check [--json] policy FILE|-\n"
    "       mtasts-sim check [--json] mx PATTERN HOST\n";

int usage_error(streams io, std::string_view why) {
    io.err << "mtasts-sim check: " << why << "\n" << usage_text;
    return exit_status::usage;
}

// Peer-derived text in our output is already escaped ASCII, but PATTERN, HOST and file
// names come straight from the command line and may be any bytes; never let them make
// the JSON writer throw.
void print_json(std::ostream& out, const json& j) {
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

// "line 3, column 7: <rule> [<ID>] (in "<detail>")", leaving out what is unknown (0).
// `unit` names what `line` counts ("line" in a policy, "record" in an RRset).
std::string describe(const core::finding& f, std::string_view unit, bool show_line) {
    std::string where;
    if (show_line && f.line != 0) where = fmt::format("{} {}", unit, f.line);
    if (f.column != 0) where += fmt::format("{}column {}", where.empty() ? "" : ", ", f.column);
    std::string text = where.empty() ? std::string() : where + ": ";
    text += fmt::format("{} [{}]", f.rule, f.requirement);
    if (!f.detail.empty()) text += fmt::format(" (in \"{}\")", f.detail);
    return text;
}

json finding_json(const core::finding& f, std::string_view unit) {
    return json{{"requirement", f.requirement}, {"rule", f.rule}, {std::string(unit), f.line},
                {"column", f.column},           {"detail", f.detail}};
}

json findings_json(const core::findings& fs, std::string_view unit) {
    auto out = json::array();
    for (const auto& f : fs) out.push_back(finding_json(f, unit));
    return out;
}

// --- check txt ---------------------------------------------------------------------------

// Reads `"v=STSv1; id=ab" "cd"` (dig's presentation of one TXT RR) into its strings.
// Nothing when the text is not such a list.
std::optional<std::vector<std::string>> read_quoted_strings(std::string_view text) {
    std::vector<std::string> strings;
    std::size_t i = 0;
    const auto skip_space = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    };
    skip_space();
    while (i < text.size()) {
        if (text[i] != '"') return std::nullopt;
        ++i;
        std::string s;
        bool closed = false;
        while (i < text.size()) {
            const char c = text[i++];
            if (c == '"') {
                closed = true;
                break;
            }
            if (c != '\\') {
                s += c;
                continue;
            }
            if (i >= text.size()) return std::nullopt;
            // RFC 1035 §5.1: \DDD is a decimal octet, \X is X itself.
            if (i + 3 <= text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
                std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
                std::isdigit(static_cast<unsigned char>(text[i + 2]))) {
                const int value = (text[i] - '0') * 100 + (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
                if (value > 255) return std::nullopt;
                s += static_cast<char>(value);
                i += 3;
            } else {
                s += text[i++];
            }
        }
        if (!closed) return std::nullopt;
        strings.push_back(std::move(s));
        skip_space();
    }
    if (strings.empty()) return std::nullopt;
    return strings;
}

struct status_text {
    std::string_view summary;
    std::string_view requirement;
};

status_text explain(mtasts::discovery_status s) {
    using mtasts::discovery_status;
    switch (s) {
        case discovery_status::found:
            return {"exactly one MTA-STS record, and it is valid", "STS-DISC-11"};
        case discovery_status::no_record:
            return {"no record begins with \"v=STSv1;\": the domain has no MTA-STS policy", "STS-DISC-13"};
        case discovery_status::multiple_records:
            return {"more than one record begins with \"v=STSv1;\": senders treat the domain as having no "
                    "policy",
                    "STS-DISC-11"};
        case discovery_status::invalid_record:
            return {"the only MTA-STS record is invalid: senders treat the domain as having no policy",
                    "STS-DISC-12"};
        case discovery_status::oversized_rrset:
            return {"the RRset is larger than senders examine: no policy", "STS-DISC-11"};
    }
    return {"unknown", ""};
}

int check_txt(const std::vector<std::string>& records, bool as_json, streams io) {
    std::vector<std::vector<std::string>> rrset;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& arg = records[i];
        if (arg.find_first_not_of(" \t") != std::string::npos && arg[arg.find_first_not_of(" \t")] == '"') {
            auto strings = read_quoted_strings(arg);
            if (!strings) {
                return usage_error(io, fmt::format("record {} starts with '\"' but is not a list of quoted strings "
                                                   "such as \"v=STSv1; id=ab\" \"cd\"",
                                                   i + 1));
            }
            rrset.push_back(std::move(*strings));
        } else {
            rrset.push_back({arg});
        }
    }
    const auto result = mtasts::discover_record(rrset);
    const bool valid = result.status == mtasts::discovery_status::found;
    const auto status = explain(result.status);
    const bool several = rrset.size() > 1;

    if (as_json) {
        json out{{"check", "txt"}, {"valid", valid}, {"status", mtasts::to_string(result.status)},
                 {"summary", status.summary}, {"requirement", status.requirement}};
        if (result.record) {
            out["id"] = result.record->id;
            auto extensions = json::array();
            for (const auto& [name, value] : result.record->extensions) {
                extensions.push_back({{"name", name}, {"value", value}});
            }
            out["extensions"] = std::move(extensions);
            out["notes"] = findings_json(result.record->notes, "record");
        }
        out["findings"] = findings_json(result.findings, "record");
        print_json(io.out, out);
        return valid ? exit_status::ok : exit_status::failed;
    }

    io.out << fmt::format("{}: {} [{}]\n", valid ? "valid" : "invalid", status.summary, status.requirement);
    if (result.record) {
        io.out << "id: " << result.record->id << '\n';
        for (const auto& [name, value] : result.record->extensions) {
            io.out << "extension (ignored): " << name << '=' << value << '\n';
        }
        for (const auto& note : result.record->notes) io.out << "note: " << describe(note, "record", several) << '\n';
    }
    for (const auto& f : result.findings) io.out << describe(f, "record", several) << '\n';
    return valid ? exit_status::ok : exit_status::failed;
}

// --- check policy ------------------------------------------------------------------------

// Reads at most `bytes_max + 1` bytes, so that an oversized input is noticed without
// reading all of it. Nothing on a read error.
std::optional<std::string> read_bounded(std::istream& in, std::size_t bytes_max) {
    std::string body(bytes_max + 1, '\0');
    in.read(body.data(), static_cast<std::streamsize>(body.size()));
    if (in.bad()) return std::nullopt;
    body.resize(static_cast<std::size_t>(in.gcount()));
    return body;
}

int check_policy(const std::string& source, bool as_json, streams io) {
    std::optional<std::string> body;
    const std::string name = source == "-" ? "standard input" : "'" + source + "'";
    if (source == "-") {
        body = read_bounded(io.in, core::limits::policy_body_bytes_max);
    } else {
        std::error_code ec;
        if (std::filesystem::is_directory(source, ec)) {
            io.err << fmt::format("mtasts-sim check policy: cannot read {}: it is a directory\n", name);
            return exit_status::usage;
        }
        std::ifstream file(source, std::ios::binary);
        if (!file) {
            io.err << fmt::format("mtasts-sim check policy: cannot open {}: {}\n", name, std::strerror(errno));
            return exit_status::usage;
        }
        body = read_bounded(file, core::limits::policy_body_bytes_max);
    }
    if (!body) {
        io.err << fmt::format("mtasts-sim check policy: cannot read {}\n", name);
        return exit_status::usage;
    }

    mtasts::policy_parse_result parsed;
    if (body->size() > core::limits::policy_body_bytes_max) {
        // RFC 8461 §3.3 [STS-FETCH-14]: a sender may refuse bodies over 64 KB; ours does,
        // so a policy this large would never be used.
        parsed.errors.push_back(core::finding{
            "STS-FETCH-14",
            fmt::format("the policy is larger than {} bytes, the most a sender reads",
                        core::limits::policy_body_bytes_max),
            0, 0, {}});
    } else {
        parsed = mtasts::parse_policy(*body);
    }
    const bool valid = parsed.parsed.has_value();

    if (as_json) {
        json out{{"check", "policy"}, {"valid", valid}};
        if (valid) {
            const auto& p = *parsed.parsed;
            out["mode"] = mtasts::to_string(p.policy_mode);
            out["max_age"] = p.max_age.count();
            out["mx"] = p.mx_patterns;
        }
        out["notes"] = findings_json(parsed.notes, "line");
        out["errors"] = findings_json(parsed.errors, "line");
        print_json(io.out, out);
        return valid ? exit_status::ok : exit_status::failed;
    }

    if (valid) {
        const auto& p = *parsed.parsed;
        io.out << "valid: the policy parses [STS-PARSE-01]\n";
        io.out << "mode: " << mtasts::to_string(p.policy_mode) << '\n';
        io.out << "max_age: " << p.max_age.count() << '\n';
        for (const auto& mx : p.mx_patterns) io.out << "mx: " << mx << '\n';
    } else {
        // RFC 8461 §3.3 [STS-PARSE-18]: an unparseable body is no policy at all.
        io.out << "invalid: the policy does not parse, so senders do not use it [STS-PARSE-18]\n";
    }
    for (const auto& n : parsed.notes) io.out << "note: " << describe(n, "line", true) << '\n';
    for (const auto& e : parsed.errors) io.out << describe(e, "line", true) << '\n';
    return valid ? exit_status::ok : exit_status::failed;
}

// --- check mx ----------------------------------------------------------------------------

int check_mx(const std::string& pattern, const std::string& host, bool as_json, streams io) {
    using mtasts::mx_match;
    const auto m = mtasts::match_mx_pattern(pattern, host);
    const bool wildcard = pattern.starts_with("*.");
    std::string_view reason;
    std::string_view requirement;
    switch (m) {
        case mx_match::exact:
            reason = "the names are identical (ignoring case and the host's root dot)";
            requirement = "STS-MX-03";
            break;
        case mx_match::wildcard:
            reason = "\"*.\" stands for the host's left-most label and the rest is identical";
            requirement = "STS-MX-04";
            break;
        case mx_match::no_match:
            reason = wildcard ? "\"*.\" stands for exactly one whole left-most label, and the rest must be identical"
                              : "a pattern without \"*.\" matches only the identical name";
            requirement = wildcard ? "STS-MX-04" : "STS-MX-03";
            break;
        case mx_match::invalid_pattern:
            reason = "the pattern is not [\"*.\"] followed by a domain of letters, digits and hyphens (no "
                     "trailing dot, A-labels for IDNs), so it matches nothing";
            requirement = "STS-PARSE-05";
            break;
        case mx_match::invalid_host:
            reason = "the MX host is not a domain of letters, digits and hyphens (IDNs must be given as A-labels), "
                     "so no pattern matches it";
            requirement = "STS-MX-07";
            break;
    }
    const bool matches = m == mx_match::exact || m == mx_match::wildcard;
    if (as_json) {
        print_json(io.out, json{{"check", "mx"},
                                {"pattern", pattern},
                                {"host", host},
                                {"matches", matches},
                                {"result", mtasts::to_string(m)},
                                {"reason", reason},
                                {"requirement", requirement}});
    } else {
        io.out << fmt::format("{}: {} [{}]\n", matches ? "match" : "no match", reason, requirement);
    }
    return matches ? exit_status::ok : exit_status::failed;
}

}  // namespace

int run_check(arguments args, streams io) {
    bool as_json = false;
    bool options_done = false;
    std::vector<std::string> positional;
    for (const auto& a : args) {
        if (!options_done && a == "--json") {
            as_json = true;
        } else if (!options_done && a == "--") {
            options_done = true;
        } else if (!options_done && a.size() > 1 && a.front() == '-') {
            return usage_error(io, fmt::format("unknown option '{}'", a));
        } else {
            positional.push_back(a);
        }
    }
    if (positional.empty()) return usage_error(io, "say what to check: txt, policy or mx");
    const std::string what = positional.front();
    const std::vector<std::string> rest(positional.begin() + 1, positional.end());
    if (what == "txt") {
        if (rest.empty()) return usage_error(io, "check txt needs at least one record");
        return check_txt(rest, as_json, io);
    }
    if (what == "policy") {
        if (rest.size() != 1) return usage_error(io, "check policy needs exactly one FILE, or - for standard input");
        return check_policy(rest[0], as_json, io);
    }
    if (what == "mx") {
        if (rest.size() != 2) return usage_error(io, "check mx needs a PATTERN and a HOST");
        return check_mx(rest[0], rest[1], as_json, io);
    }
    return usage_error(io, fmt::format("unknown check '{}'", what));
}

}  // namespace sts::sim::cli
