// `mtasts-sim serve WORLD.toml [--ready-file FILE] [--port-base N] [--ca-file FILE]`
// (issue 3, item 9): brings a world up on the loopback network so dig, curl, openssl
// s_client, swaks or another MTA can talk to it, and runs until SIGINT or SIGTERM.
//
// Each host binds its own 127.0.0.0/8 address (world.hpp). Ports: with --port-base N every
// service listens on N + its well-known port (10053, 10025, 10443 for N = 10000); without
// it the well-known ports when the process may bind them (root, CAP_NET_BIND_SERVICE, or
// a private network namespace such as `unshare -rn`), otherwise ephemeral ports. Either
// way the map is printed, and written as JSON to the ready file once every mock listens,
// so a script waits for that file instead of guessing when the world is up. The file is
// written under a temporary name and renamed, so a reader never sees half of it.
//
// Exit status: 0 after a clean shutdown on a signal; 2 for a usage error or a world file
// with mistakes (every mistake printed as file:line:column: key: message); 1 when the
// world cannot start (an address or port already taken).
#include "sim/cli/cli.hpp"

#include "sim/network/socket_network.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_loader.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <unistd.h>

namespace sts::sim::cli {

namespace {

constexpr std::string_view serve_usage =
    "usage: mtasts-sim serve WORLD.toml [--ready-file FILE] [--port-base N] [--ca-file FILE]\n";

struct serve_options {
    std::string world_file;
    std::string ready_file;
    std::string ca_file;
    std::optional<std::uint16_t> port_base;
};

std::optional<serve_options> parse(arguments args, std::ostream& err) {
    serve_options o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        const bool has_value = i + 1 < args.size();
        if ((a == "--ready-file" || a == "--port-base" || a == "--ca-file") && !has_value) {
            err << "mtasts-sim serve: " << a << " needs a value\n" << serve_usage;
            return std::nullopt;
        }
        if (a == "--ready-file") {
            o.ready_file = args[++i];
        } else if (a == "--ca-file") {
            o.ca_file = args[++i];
        } else if (a == "--port-base") {
            const auto& v = args[++i];
            unsigned n = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            // The highest well-known port used is the proxy's 3128.
            if (ec != std::errc() || p != v.data() + v.size() || n > 65535 - 3128) {
                err << "mtasts-sim serve: --port-base expects a number from 0 to " << 65535 - 3128 << '\n';
                return std::nullopt;
            }
            o.port_base = static_cast<std::uint16_t>(n);
        } else if (!a.empty() && a[0] == '-') {
            err << "mtasts-sim serve: unknown option " << a << '\n' << serve_usage;
            return std::nullopt;
        } else if (o.world_file.empty()) {
            o.world_file = a;
        } else {
            err << "mtasts-sim serve: one world file only\n" << serve_usage;
            return std::nullopt;
        }
    }
    if (o.world_file.empty()) {
        err << serve_usage;
        return std::nullopt;
    }
    if (o.ca_file.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        o.ca_file = fmt::format("{}/mtasts-sim-{}-ca.pem", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", ::getpid());
    }
    return o;
}

// Whether this process may bind the well-known ports: tried on the DNS server's own
// address, the one every world has.
bool may_bind_well_known(net::network& network) {
    return network.bind_datagram({"127.53.0.1", 53}).has_value();
}

}  // namespace

int run_serve(arguments args, streams io) {
    const auto options = parse(args, io.err);
    if (!options) return exit_status::usage;
    auto spec = load_world_file(options->world_file);
    if (!spec.has_value()) {
        for (const auto& e : spec.error()) io.err << e.to_string() << '\n';
        return exit_status::usage;
    }

    boost::asio::io_context context;
    real_time_clock clock(spec.value().settings.start);
    real_timer_service timers(context, clock);
    socket_network network(context);
    world_network where{context, network, timers, clock, "127"};
    if (options->port_base) {
        where.ports = port_plan::offset;
        where.port_base = *options->port_base;
    } else {
        where.ports = may_bind_well_known(network) ? port_plan::well_known : port_plan::ephemeral;
    }
    world w(std::move(spec).value(), where);
    if (auto started = w.start(); !started.has_value()) {
        io.err << "mtasts-sim serve: " << started.error() << '\n';
        return exit_status::failed;
    }
    if (auto written = w.write_trust_store(options->ca_file); !written.has_value()) {
        io.err << "mtasts-sim serve: " << written.error() << '\n';
        return exit_status::failed;
    }

    nlohmann::ordered_json ready;
    ready["world"] = options->world_file;
    ready["ca_file"] = options->ca_file;
    ready["pid"] = ::getpid();
    auto list = nlohmann::ordered_json::array();
    io.out << fmt::format("world {} is up (CA file {})\n", options->world_file, options->ca_file);
    for (const auto& e : w.endpoints()) {
        io.out << fmt::format("  {:<6} {:<40} {}:{}\n", e.service, e.host, e.at.address, e.at.port);
        list.push_back({{"host", e.host}, {"service", e.service}, {"address", e.at.address}, {"port", e.at.port}});
    }
    ready["endpoints"] = std::move(list);
    io.out << "SIGINT or SIGTERM stops it.\n" << std::flush;
    if (!options->ready_file.empty()) {
        const auto temporary = options->ready_file + ".tmp";
        std::ofstream out(temporary, std::ios::trunc);
        out << ready.dump(2) << '\n';
        out.close();
        std::error_code ec;
        if (out) std::filesystem::rename(temporary, options->ready_file, ec);
        if (!out || ec) {
            io.err << "mtasts-sim serve: cannot write " << options->ready_file << '\n';
            return exit_status::failed;
        }
    }

    boost::asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        w.stop();
        context.stop();
    });
    context.run();
    io.out << "stopped\n";
    std::error_code ignored;
    std::filesystem::remove(options->ca_file, ignored);
    return exit_status::ok;
}

}  // namespace sts::sim::cli
