// `mtasts-sim cache`: the operator's view of a persisted MTA-STS policy cache (issue 4,
// item 3), the file `send` keeps so that a restart keeps enforce protection (RFC 8461
// §10.2).
//
//   cache list --file F [--json]                  every entry, in domain order
//   cache show DOMAIN --file F [--json]           one entry with its mx patterns and policy
//   cache purge DOMAIN --file F [--json]          forget one domain's policy
//   cache purge-expired --file F --at TIME [--json]
//                                                 forget the policies expired at TIME
//                                                 (2024-05-01T10:00:00Z, UTC)
//
// The file format is engine/mtasts/cache_file.hpp, its I/O sim/persistence/cache_store.hpp.
// Purging goes through the engine's policy_cache, so "expired" means exactly what it
// means to the engine (the half-open lifetime of docs/interpretations.md). A purge
// rewrites the file atomically, and only when something was removed; the damaged entries
// a load reports are left out of a rewritten file. A file that is not a version-1 cache
// file is never rewritten.
//
// Purging an enforce policy removes its protection until the next fetch (STS-SEC-06):
// the command is for recovering from a bad policy faster than max_age, not for routine use.
//
// Exit status: 0 done, 1 the domain is not in the cache, 2 usage error, or a file that
// cannot be read, written, or is not a cache file.
#include "sim/cli/cli.hpp"

#include "engine/core/domain_name.hpp"
#include "engine/core/finding.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/mtasts/cache_file.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "sim/persistence/cache_store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sts::sim::cli {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view usage_text =
    "usage: mtasts-sim cache list --file FILE [--json]\n"
    "       mtasts-sim cache show DOMAIN --file FILE [--json]\n"
    "       mtasts-sim cache purge DOMAIN --file FILE [--json]\n"
    "       mtasts-sim cache purge-expired --file FILE --at TIME [--json]   (TIME: 2024-05-01T10:00:00Z)\n";

int usage_error(streams io, std::string_view why) {
    io.err << "mtasts-sim cache: " << why << "\n" << usage_text;
    return exit_status::usage;
}

// File names and domains come from the command line and may be any bytes.
void print_json(std::ostream& out, const json& j) {
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

struct options {
    std::string action;
    std::vector<std::string> positional;
    std::string file;
    std::optional<std::string> at;
    bool as_json = false;
};

std::optional<options> parse(arguments args, streams io) {
    options o;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const auto value_of = [&](std::string_view name) -> std::optional<std::string> {
            if (a.starts_with(std::string(name) + "=")) return a.substr(name.size() + 1);
            if (i + 1 >= args.size()) {
                usage_error(io, fmt::format("{} needs a value", name));
                return std::nullopt;
            }
            return args[++i];
        };
        if (options_done || a.size() < 2 || a.front() != '-') {
            (o.action.empty() ? o.action : o.positional.emplace_back()) = a;
        } else if (a == "--") {
            options_done = true;
        } else if (a == "--json") {
            o.as_json = true;
        } else if (a == "--file" || a.starts_with("--file=")) {
            auto v = value_of("--file");
            if (!v) return std::nullopt;
            o.file = std::move(*v);
        } else if (a == "--at" || a.starts_with("--at=")) {
            auto v = value_of("--at");
            if (!v) return std::nullopt;
            o.at = std::move(*v);
        } else {
            usage_error(io, fmt::format("unknown option '{}'", a));
            return std::nullopt;
        }
    }
    return o;
}

// "line 3, column 7: <rule> [<ID>] (in "<detail>")", leaving out what is unknown (0).
std::string describe(const core::finding& f) {
    std::string where;
    if (f.line != 0) where = fmt::format("line {}", f.line);
    if (f.column != 0) where += fmt::format("{}column {}", where.empty() ? "" : ", ", f.column);
    std::string text = where.empty() ? std::string() : where + ": ";
    text += fmt::format("{} [{}]", f.rule, f.requirement);
    if (!f.detail.empty()) text += fmt::format(" (in \"{}\")", f.detail);
    return text;
}

json findings_json(const core::findings& fs) {
    auto out = json::array();
    for (const auto& f : fs) {
        out.push_back({{"requirement", f.requirement},
                       {"rule", f.rule},
                       {"line", f.line},
                       {"column", f.column},
                       {"detail", f.detail}});
    }
    return out;
}

json entry_json(const mtasts::cache_entry& e) {
    const auto& p = e.cached_policy;
    return json{{"domain", e.domain},
                {"policy_id", e.policy_id},
                {"mode", mtasts::to_string(p.policy_mode)},
                {"max_age", p.max_age.count()},
                {"mx", p.mx_patterns},
                {"fetched_at", mtasts::format_cache_time(e.fetched_at)},
                {"expires_at", mtasts::format_cache_time(e.expires_at())},
                {"last_used_at", mtasts::format_cache_time(e.last_used_at)},
                {"refresh_due_at", e.refresh_due_at ? json(mtasts::format_cache_time(*e.refresh_due_at)) : json()},
                {"refresh_failures", e.refresh_failures},
                {"refresh_alert", e.refresh_alert_raised},
                {"policy_strings", p.policy_strings}};
}

std::string due_text(const mtasts::cache_entry& e) {
    return e.refresh_due_at ? mtasts::format_cache_time(*e.refresh_due_at) : "none";
}

// The loaded file, or the exit status when there is nothing to work on.
struct loaded {
    std::optional<mtasts::cache_file_contents> contents;
    int status = exit_status::ok;
};

loaded load(const cache_store& store, const options& o, streams io) {
    auto r = store.load();
    if (!r.has_value()) {
        io.err << "mtasts-sim cache: " << r.error().message() << '\n';
        return {std::nullopt, exit_status::usage};
    }
    auto contents = std::move(r).value();
    // In JSON the findings are part of the output; a damaged file is never silent.
    if (!contents.recognised || !o.as_json) {
        for (const auto& f : contents.findings) {
            io.err << fmt::format("mtasts-sim cache: {}: {}{}\n", o.file, contents.recognised ? "warning: " : "",
                                  describe(f));
        }
    }
    if (!contents.recognised) return {std::nullopt, exit_status::usage};
    return {std::move(contents), exit_status::ok};
}

// The cache the engine would have after a restart from the file.
bool restore(mtasts::policy_cache& cache, const mtasts::cache_file_contents& contents, const options& o, streams io) {
    const auto refused = restore_into(cache, contents);
    for (const auto& f : refused) io.err << fmt::format("mtasts-sim cache: {}: warning: {}\n", o.file, describe(f));
    return refused.empty();
}

int save(const cache_store& store, const mtasts::policy_cache& cache, const mtasts::cache_file_contents& contents,
         streams io) {
    if (auto error = store.save(cache.entries())) {
        io.err << "mtasts-sim cache: " << error->message() << '\n';
        return exit_status::usage;
    }
    if (!contents.findings.empty()) {
        io.err << "mtasts-sim cache: the damaged entries reported above are not in the rewritten file\n";
    }
    return exit_status::ok;
}

// Domains are compared as the cache keys them: lower case, without a root dot.
std::string cache_key(std::string_view domain) { return core::to_ascii_lower(core::strip_root_dot(domain)); }

int list(const options& o, const mtasts::cache_file_contents& contents, streams io) {
    if (o.as_json) {
        auto entries = json::array();
        for (const auto& e : contents.entries) entries.push_back(entry_json(e));
        print_json(io.out, json{{"file", o.file}, {"entries", std::move(entries)},
                                {"findings", findings_json(contents.findings)}});
        return exit_status::ok;
    }
    for (const auto& e : contents.entries) {
        io.out << fmt::format(
            "{} mode={} id={} max_age={} fetched_at={} expires_at={} last_used_at={} refresh_due_at={} "
            "refresh_failures={}{}\n",
            e.domain, mtasts::to_string(e.cached_policy.policy_mode), e.policy_id, e.cached_policy.max_age.count(),
            mtasts::format_cache_time(e.fetched_at), mtasts::format_cache_time(e.expires_at()),
            mtasts::format_cache_time(e.last_used_at), due_text(e), e.refresh_failures,
            e.refresh_alert_raised ? " refresh_alert" : "");
    }
    io.out << fmt::format("{} {} in {}\n", contents.entries.size(),
                          contents.entries.size() == 1 ? "entry" : "entries", o.file);
    return exit_status::ok;
}

int show(const options& o, const mtasts::cache_file_contents& contents, streams io) {
    const std::string domain = cache_key(o.positional[0]);
    const mtasts::cache_entry* found = nullptr;
    for (const auto& e : contents.entries) {
        if (e.domain == domain) found = &e;
    }
    if (o.as_json) {
        print_json(io.out, json{{"file", o.file},
                                {"domain", domain},
                                {"entry", found ? entry_json(*found) : json()},
                                {"findings", findings_json(contents.findings)}});
    } else if (found) {
        const auto& p = found->cached_policy;
        io.out << "domain: " << found->domain << '\n'
               << "policy_id: " << found->policy_id << '\n'
               << "mode: " << mtasts::to_string(p.policy_mode) << '\n'
               << "max_age: " << p.max_age.count() << '\n';
        for (const auto& mx : p.mx_patterns) io.out << "mx: " << mx << '\n';
        io.out << "fetched_at: " << mtasts::format_cache_time(found->fetched_at) << '\n'
               << "expires_at: " << mtasts::format_cache_time(found->expires_at()) << '\n'
               << "last_used_at: " << mtasts::format_cache_time(found->last_used_at) << '\n'
               << "refresh_due_at: " << due_text(*found) << '\n'
               << "refresh_failures: " << found->refresh_failures << '\n'
               << "refresh_alert: " << (found->refresh_alert_raised ? "yes" : "no") << '\n';
        if (!p.policy_strings.empty()) {
            io.out << "policy as fetched:\n";
            // Policy lines are peer text, and a file edited by hand may hold any bytes.
            for (const auto& line : p.policy_strings) io.out << "  " << core::quote_peer_text(line, line.size()) << '\n';
        }
    }
    if (!found) {
        io.err << fmt::format("mtasts-sim cache: no cached policy for {} in {}\n", domain, o.file);
        return exit_status::failed;
    }
    return exit_status::ok;
}

int purge(const options& o, const cache_store& store, const mtasts::cache_file_contents& contents, streams io) {
    const std::string domain = cache_key(o.positional[0]);
    mtasts::policy_cache cache;
    restore(cache, contents, o, io);
    const bool purged = cache.purge(domain);
    if (purged) {
        if (const int status = save(store, cache, contents, io); status != exit_status::ok) return status;
    }
    if (o.as_json) {
        print_json(io.out, json{{"file", o.file}, {"domain", domain}, {"purged", purged}});
    } else if (purged) {
        io.out << fmt::format("purged the cached policy for {} from {}\n", domain, o.file);
    }
    if (!purged) {
        io.err << fmt::format("mtasts-sim cache: no cached policy for {} in {}\n", domain, o.file);
        return exit_status::failed;
    }
    return exit_status::ok;
}

int purge_expired(const options& o, core::time_point at, const cache_store& store,
                  const mtasts::cache_file_contents& contents, streams io) {
    mtasts::policy_cache cache;
    restore(cache, contents, o, io);
    const std::size_t removed = cache.purge_expired(at);
    if (removed > 0) {
        if (const int status = save(store, cache, contents, io); status != exit_status::ok) return status;
    }
    if (o.as_json) {
        print_json(io.out, json{{"file", o.file},
                                {"at", mtasts::format_cache_time(at)},
                                {"removed", removed},
                                {"remaining", cache.size()}});
    } else {
        io.out << fmt::format("removed {} expired {} at {}; {} left in {}\n", removed,
                              removed == 1 ? "entry" : "entries", mtasts::format_cache_time(at), cache.size(), o.file);
    }
    return exit_status::ok;
}

}  // namespace

int run_cache(arguments args, streams io) {
    const auto parsed = parse(args, io);
    if (!parsed) return exit_status::usage;
    const options& o = *parsed;
    if (o.action.empty()) return usage_error(io, "say what to do: list, show, purge or purge-expired");
    const bool takes_domain = o.action == "show" || o.action == "purge";
    if (!takes_domain && o.action != "list" && o.action != "purge-expired") {
        return usage_error(io, fmt::format("unknown action '{}'", o.action));
    }
    if (o.positional.size() != (takes_domain ? 1U : 0U)) {
        return usage_error(io, takes_domain ? fmt::format("cache {} needs exactly one DOMAIN", o.action)
                                            : fmt::format("cache {} takes no arguments", o.action));
    }
    if (o.file.empty()) return usage_error(io, "--file FILE names the cache file");
    std::optional<core::time_point> at;
    if (o.action == "purge-expired") {
        if (!o.at) return usage_error(io, "cache purge-expired needs --at TIME");
        at = mtasts::parse_cache_time(*o.at);
        if (!at) return usage_error(io, fmt::format("--at wants a UTC time such as 2024-05-01T10:00:00Z, not '{}'", *o.at));
    } else if (o.at) {
        return usage_error(io, "--at is only for purge-expired");
    }

    const cache_store store(o.file);
    const auto file = load(store, o, io);
    if (!file.contents) return file.status;
    const auto& contents = *file.contents;
    if (o.action == "list") return list(o, contents, io);
    if (o.action == "show") return show(o, contents, io);
    if (o.action == "purge") return purge(o, store, contents, io);
    return purge_expired(o, *at, store, contents, io);
}

}  // namespace sts::sim::cli
