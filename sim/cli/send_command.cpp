// `mtasts-sim send` (issue 4, item 10): deliver one message with the engine and print the
// mail log it wrote and what became of each recipient.
//
//   mtasts-sim send WORLD.toml --from A --to B [--to C ...] [--data FILE] [--log-level L]
//                   [--run-for DURATION] [--loopback [--port-base N]] [--cache-file FILE]
//       brings the world up (on the simulated network, or on loopback) and sends through
//       it, with the profiles, routes and engine settings of the world file;
//   mtasts-sim send --nameserver ADDR:PORT --trust-store CA.pem --from A --to B
//                   [--config FILE] [--interface ADDR] [--smtp-port N] [--policy-port N]
//                   [--proxy ADDR:PORT] [--start TIME] [--log-level L] [--wait DURATION] [--cache-file FILE]
//       sends over the real loopback network to a world someone else runs (for example
//       `mtasts-sim serve --port-base N`), with the profiles, routes and engine settings of
//       --config (a world file whose hosts are ignored) and virtual time counted from the
//       world's start, so its certificates are judged as the world means them.
//
// --cache-file keeps the engine's policy cache between runs, as a gateway's disk does:
// its entries are restored into the engine before the message is submitted, and the cache
// replaces the file (atomically, sim/persistence/cache_store.hpp) after the run, so a
// later send still enforces a policy whose host has gone (RFC 8461 §10.2). A missing file
// is an empty cache; damaged entries are reported and left out; a file that is not a
// cache file at all is refused and never overwritten.
//
// Exit status: 0 every recipient delivered; 1 a recipient bounced or is still queued;
// 2 usage error or unreadable input.
#include "sim/cli/cli.hpp"

#include "engine/delivery/engine.hpp"
#include "engine/mtasts/cache_file.hpp"
#include "sim/harness/simulation.hpp"
#include "sim/network/socket_network.hpp"
#include "sim/persistence/cache_store.hpp"
#include "sim/toml/table_reader.hpp"
#include "sim/world/engine_setup.hpp"
#include "sim/world/world_loader.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

namespace sts::sim::cli {

namespace {

constexpr std::string_view send_usage =
    "usage: mtasts-sim send WORLD.toml --from ADDR --to ADDR [--to ADDR ...] [--data FILE]\n"
    "                       [--log-level info|debug] [--run-for DURATION] [--loopback [--port-base N]]\n"
    "                       [--cache-file FILE]\n"
    "       mtasts-sim send --nameserver ADDR:PORT --trust-store CA.pem --from ADDR --to ADDR\n"
    "                       [--config WORLD.toml] [--interface ADDR] [--smtp-port N] [--policy-port N]\n"
    "                       [--proxy ADDR:PORT] [--start TIME] [--log-level info|debug] [--wait DURATION]\n"
    "                       [--cache-file FILE]\n";

struct send_options {
    std::string world_file;
    std::string config_file;
    std::string from;
    std::vector<std::string> to;
    std::string data_file;
    std::string cache_file;  // empty: the cache lives only for this run
    std::optional<log::level> log_level;
    core::duration run_for = std::chrono::hours(24 * 5);
    bool loopback = false;
    std::uint16_t port_base = 32000;
    // External network.
    std::optional<net::endpoint> nameserver;
    std::string trust_store;
    std::string interface_address = "127.0.0.1";
    std::optional<std::uint16_t> smtp_port;
    std::optional<std::uint16_t> policy_port;
    std::optional<net::endpoint> proxy;
    std::optional<core::time_point> start;
    core::duration wait = std::chrono::seconds(120);
};

std::optional<net::endpoint> parse_endpoint(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    unsigned port = 0;
    const auto* b = text.data() + colon + 1;
    const auto* e = text.data() + text.size();
    const auto [p, ec] = std::from_chars(b, e, port);
    if (ec != std::errc() || p != e || port == 0 || port > 65535) return std::nullopt;
    return net::endpoint{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

std::optional<send_options> parse(arguments args, std::ostream& err) {
    send_options o;
    auto fail = [&](const std::string& why) {
        err << "mtasts-sim send: " << why << '\n' << send_usage;
        return std::nullopt;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--loopback") {
            o.loopback = true;
            continue;
        }
        if (!a.empty() && a[0] == '-') {
            if (i + 1 >= args.size()) return fail(a + " needs a value");
            const auto& v = args[++i];
            if (a == "--from") {
                o.from = v;
            } else if (a == "--to") {
                o.to.push_back(v);
            } else if (a == "--data") {
                o.data_file = v;
            } else if (a == "--cache-file") {
                if (v.empty()) return fail("--cache-file expects a file name");
                o.cache_file = v;
            } else if (a == "--config") {
                o.config_file = v;
            } else if (a == "--log-level") {
                if (v == "info") o.log_level = log::level::info;
                else if (v == "debug") o.log_level = log::level::debug;
                else return fail("--log-level expects info or debug");
            } else if (a == "--run-for" || a == "--wait") {
                const auto d = parse_duration(v, false);
                if (!d || d->count() <= 0) return fail(a + " expects a duration such as 90s or 5d");
                (a == "--run-for" ? o.run_for : o.wait) = *d;
            } else if (a == "--port-base" || a == "--smtp-port" || a == "--policy-port") {
                unsigned n = 0;
                const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                // A port base leaves room for the highest well-known port (the proxy's 3128).
                const unsigned highest = a == "--port-base" ? 65535 - 3128 : 65535;
                if (ec != std::errc() || p != v.data() + v.size() || n == 0 || n > highest)
                    return fail(a + " expects a port number");
                const auto port = static_cast<std::uint16_t>(n);
                if (a == "--port-base") o.port_base = port;
                else if (a == "--smtp-port") o.smtp_port = port;
                else o.policy_port = port;
            } else if (a == "--nameserver" || a == "--proxy") {
                auto at = parse_endpoint(v);
                if (!at) return fail(a + " expects ADDRESS:PORT");
                (a == "--nameserver" ? o.nameserver : o.proxy) = *at;
            } else if (a == "--trust-store") {
                o.trust_store = v;
            } else if (a == "--interface") {
                o.interface_address = v;
            } else if (a == "--start") {
                const auto t = mtasts::parse_cache_time(v);
                if (!t) return fail("--start expects a time such as 2024-09-26T15:23:39Z");
                o.start = *t;
            } else {
                return fail("unknown option " + a);
            }
        } else if (o.world_file.empty()) {
            o.world_file = a;
        } else {
            return fail("one world file only");
        }
    }
    if (o.from.empty() && o.to.empty()) return fail("--from and --to are required");
    if (o.to.empty()) return fail("at least one --to is required");
    if (o.world_file.empty() && !o.nameserver) return fail("give a WORLD.toml, or --nameserver and --trust-store");
    if (!o.world_file.empty() && o.nameserver) return fail("a WORLD.toml and --nameserver exclude each other");
    if (o.nameserver && o.trust_store.empty()) return fail("--nameserver needs --trust-store");
    return o;
}

std::optional<std::string> read_file(const std::string& path, std::size_t bytes_max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(bytes_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > bytes_max) return std::nullopt;
    return text;
}

delivery::message make_message(const send_options& o, std::string data) {
    delivery::message m;
    m.mail_from = o.from;
    m.rcpt_to = o.to;
    if (data.empty())
        data = fmt::format("From: <{}>\r\nTo: <{}>\r\nSubject: mtasts-sim send\r\n\r\nSent by mtasts-sim send.\r\n", o.from,
                           o.to.front());
    m.data = std::move(data);
    return m;
}

int report(const delivery::engine& engine, const std::vector<std::string>& lines, std::ostream& out) {
    for (const auto& line : lines) out << line << '\n';
    int status = exit_status::ok;
    out << '\n';
    for (const auto& r : engine.outcomes()) {
        const char* state = r.state == delivery::recipient_state::delivered ? "delivered"
                            : r.state == delivery::recipient_state::bounced ? "bounced"
                                                                            : "queued";
        if (r.state != delivery::recipient_state::delivered) status = exit_status::failed;
        out << fmt::format("MID {} RID {} <{}>: {}", r.mid, r.rid, r.recipient, state);
        if (!r.delivered_via.empty())
            out << fmt::format(" via {} ({}) {}", r.delivered_via, r.delivered_address,
                               r.tls_protocol.empty() ? "in clear text" : r.tls_protocol);
        if (!r.last_reply.empty()) out << fmt::format(" - {}", r.last_reply);
        out << '\n';
    }
    return status;
}

// "line 3, column 7: <rule> [<ID>]", leaving out what is unknown (0).
std::string describe(const core::finding& f) {
    std::string where;
    if (f.line != 0) where = fmt::format("line {}", f.line);
    if (f.column != 0) where += fmt::format("{}column {}", where.empty() ? "" : ", ", f.column);
    std::string text = where.empty() ? std::string() : where + ": ";
    text += fmt::format("{} [{}]", f.rule, f.requirement);
    if (!f.detail.empty()) text += fmt::format(" (in \"{}\")", f.detail);
    return text;
}

// Restores --cache-file into the engine's cache before anything is submitted. Returns
// false (after saying why) when the file cannot be read or is not a cache file; damaged
// entries are only warned about, as a restarting gateway would carry on without them.
bool restore_cache(const send_options& o, delivery::engine& engine, std::ostream& err) {
    if (o.cache_file.empty()) return true;
    const cache_store store(o.cache_file);
    auto loaded = store.load();
    if (!loaded.has_value()) {
        err << "mtasts-sim send: " << loaded.error().message() << '\n';
        return false;
    }
    const auto& contents = loaded.value();
    for (const auto& f : contents.findings)
        err << fmt::format("mtasts-sim send: {}: {}{}\n", o.cache_file, contents.recognised ? "warning: " : "",
                           describe(f));
    // Not a cache file at all: it may be another program's data, so it is neither used
    // nor, later, overwritten.
    if (!contents.recognised) return false;
    for (const auto& f : restore_into(engine.cache(), contents))
        err << fmt::format("mtasts-sim send: {}: warning: {}\n", o.cache_file, describe(f));
    return true;
}

// Saves the engine's cache to --cache-file after the run; a failure turns a success
// into exit status 1, since the next run would not find what this one learnt.
int save_cache(const send_options& o, delivery::engine& engine, int status, std::ostream& err) {
    if (o.cache_file.empty()) return status;
    const cache_store store(o.cache_file);
    if (auto error = store.save(engine.cache().entries())) {
        err << "mtasts-sim send: " << error->message() << '\n';
        return status == exit_status::ok ? exit_status::failed : status;
    }
    return status;
}

int send_in_world(const send_options& o, std::string data, streams io) {
    auto spec = load_world_file(o.world_file);
    if (!spec.has_value()) {
        for (const auto& e : spec.error()) io.err << e.to_string() << '\n';
        return exit_status::usage;
    }
    if (o.log_level) spec.value().engine.log_level = *o.log_level;
    simulation_options options;
    options.network = o.loopback ? network_kind::loopback : network_kind::simulated;
    options.port_base = o.port_base;
    auto sim = simulation::start(std::move(spec).value(), options);
    if (!sim.has_value()) {
        io.err << "mtasts-sim send: " << sim.error() << '\n';
        return exit_status::failed;
    }
    auto& s = *sim.value();
    if (!restore_cache(o, s.engine(), io.err)) return exit_status::usage;
    s.submit(make_message(o, std::move(data)));
    s.run_for(o.loopback ? std::min<core::duration>(o.run_for, o.wait) : o.run_for);
    const int status = report(s.engine(), s.log_lines(), io.out);
    return save_cache(o, s.engine(), status, io.err);
}

int send_external(const send_options& o, std::string data, streams io) {
    world_spec config;
    if (!o.config_file.empty()) {
        auto spec = load_world_file(o.config_file);
        if (!spec.has_value()) {
            for (const auto& e : spec.error()) io.err << e.to_string() << '\n';
            return exit_status::usage;
        }
        config = std::move(spec).value();
    }
    auto pem = read_file(o.trust_store, 4 * 1024 * 1024);
    if (!pem) {
        io.err << "mtasts-sim send: cannot read the trust store " << o.trust_store << '\n';
        return exit_status::usage;
    }
    auto settings = engine_settings_of(config);
    if (!settings.has_value()) {
        io.err << "mtasts-sim send: " << settings.error() << '\n';
        return exit_status::usage;
    }
    delivery::engine_config c = std::move(settings).value();
    c.nameserver = *o.nameserver;
    c.trust_store_pem = *pem;
    c.policy_proxy = o.proxy;
    c.interface_address = o.interface_address;
    if (o.smtp_port) c.smtp_port = *o.smtp_port;
    if (o.policy_port) c.policy_port = *o.policy_port;
    if (o.log_level) c.log_level = *o.log_level;

    boost::asio::io_context context;
    real_time_clock clock(o.start.value_or(config.settings.start));
    real_timer_service timers(context, clock);
    socket_network network(context);
    log::memory_sink sink;
    auto made = delivery::engine::create(std::move(c), delivery::engine_ports{context, network, timers, clock, sink});
    if (!made.has_value()) {
        io.err << "mtasts-sim send: " << made.error() << '\n';
        return exit_status::usage;
    }
    auto& engine = *made.value();
    if (!restore_cache(o, engine, io.err)) return exit_status::usage;
    engine.submit(make_message(o, std::move(data)));
    const auto deadline = std::chrono::steady_clock::now() + o.wait;
    while (std::chrono::steady_clock::now() < deadline) {
        context.run_one_for(std::chrono::milliseconds(20));
        if (engine.counts().in_flight == 0) break;
    }
    engine.stop();
    context.poll();
    const int status = report(engine, sink.lines(), io.out);
    return save_cache(o, engine, status, io.err);
}

}  // namespace

int run_send(arguments args, streams io) {
    const auto options = parse(args, io.err);
    if (!options) return exit_status::usage;
    std::string data;
    if (!options->data_file.empty()) {
        auto text = read_file(options->data_file, 10 * 1024 * 1024);
        if (!text) {
            io.err << "mtasts-sim send: cannot read " << options->data_file << " (at most 10 MiB)\n";
            return exit_status::usage;
        }
        data = std::move(*text);
    }
    return options->nameserver ? send_external(*options, std::move(data), io)
                               : send_in_world(*options, std::move(data), io);
}

}  // namespace sts::sim::cli
