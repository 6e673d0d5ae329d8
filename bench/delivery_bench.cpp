// The engine delivering over loopback (issue 4 acceptance, issue 7 goal): a world with one
// SMTP receiver on real 127.0.0.0/8 sockets and the engine sending to it. As with
// `openssl s_time` against `openssl s_server` (two processes), the world runs on its own
// thread and io_context, the engine on the benchmark's thread.
//
//   engine_loopback_new_connection: the whole engine (delivery::engine on socket_network,
//     configured for the world by sim/world/engine_setup): each iteration submits a batch
//     of messages, one recipient each, and runs until every one is delivered. Every
//     message gets its own TCP connection and a full STARTTLS handshake, verified against
//     the MX host name (Required-Verify-Hosted: PKIX chain at the world's time, DNS-ID);
//     the MX and address answers come from the engine's DNS cache after the first message.
//   engine_loopback_new_connection_one_thread: the same through sim::simulation, where the
//     engine and the world share one thread, as the loopback integration tests run them.
//   smtp_loopback_session_reuse: smtp::run_session alone, carrying a batch of messages on
//     one session (one connection, one handshake) to the same receiver, with the same
//     verified requirement.
//
// Items are deliveries; scripts/bench prints deliveries/s beside the s_time handshakes/s
// measured in the same run.
#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/core/clock.hpp"
#include "engine/delivery/engine.hpp"
#include "engine/log/mail_log.hpp"
#include "engine/smtp/client.hpp"
#include "engine/tls/client_tls.hpp"
#include "engine/tls/requirement.hpp"
#include "sim/harness/simulation.hpp"
#include "sim/network/socket_network.hpp"
#include "sim/world/engine_setup.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_loader.hpp"

#include <benchmark/benchmark.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Ports at these bases (+25, +53, +443, +3128) keep clear of the tests' loopback worlds.
constexpr std::uint16_t engine_port_base = 38000;
constexpr std::uint16_t one_thread_port_base = 38100;
constexpr std::uint16_t session_port_base = 38200;
constexpr int batch_messages = 50;

constexpr std::string_view world_text = R"(
[world]
start = 2024-09-26T15:23:39Z
seed = 3

[profile.default]
tls = "required-verify-hosted"

[engine]
concurrency = 10

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
ttl = 86400

[smtp."mx1.example.test"]
starttls = true
)";

std::optional<sts::sim::world_spec> load_world(benchmark::State& state) {
    auto spec = sts::sim::load_world_text(world_text, "delivery_bench");
    if (!spec.has_value()) {
        state.SkipWithError("the bench world does not load");
        return std::nullopt;
    }
    return std::move(spec).value();
}

sts::delivery::message make_message(std::uint64_t n) {
    sts::delivery::message m;
    m.mail_from = "sender@sender.test";
    m.rcpt_to = {fmt::format("user{}@example.test", n)};
    m.data = fmt::format("From: <sender@sender.test>\r\nTo: <user{}@example.test>\r\nSubject: bench\r\n\r\n"
                         "A message of the delivery benchmark.\r\n",
                         n);
    return m;
}

// A world on loopback, run by its own thread on its own io_context. Everything about the
// world is read before the thread starts; afterwards only the thread touches it.
class threaded_world {
public:
    threaded_world(sts::sim::world_spec spec, std::uint16_t port_base)
        : clock_(spec.settings.start),
          timers_(io_, clock_),
          network_(io_),
          world_(std::move(spec), sts::sim::world_network{io_, network_, timers_, clock_, "127",
                                                          sts::sim::port_plan::offset, port_base}),
          guard_(asio::make_work_guard(io_)) {}
    ~threaded_world() {
        if (thread_.joinable()) {
            asio::post(io_, [this] { world_.stop(); });
            guard_.reset();
            thread_.join();
            // Let the handlers the stop aborted run while the world is still alive.
            io_.restart();
            io_.poll();
        }
    }
    threaded_world(const threaded_world&) = delete;
    threaded_world& operator=(const threaded_world&) = delete;

    std::optional<std::string> start() {
        if (auto up = world_.start(); !up.has_value()) return up.error();
        return std::nullopt;
    }
    sts::sim::world& world() { return world_; }  // before run() only
    void run() {
        thread_ = std::thread([this] { io_.run(); });
    }

private:
    asio::io_context io_;
    sts::sim::real_time_clock clock_;
    sts::sim::real_timer_service timers_;
    sts::sim::socket_network network_;
    sts::sim::world world_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
    std::thread thread_;
};

// The gateway's side: its own io_context, clock, timers and sockets.
struct gateway_runtime {
    asio::io_context io;
    sts::sim::real_time_clock clock;
    sts::sim::real_timer_service timers;
    sts::sim::socket_network network;
    explicit gateway_runtime(sts::core::time_point start) : clock(start), timers(io, clock), network(io) {}
};

void engine_loopback_new_connection(benchmark::State& state) {
    auto spec = load_world(state);
    if (!spec) return;
    const auto start = spec->settings.start;
    threaded_world w(std::move(*spec), engine_port_base);
    if (auto error = w.start()) {
        state.SkipWithError(("the world does not start: " + *error).c_str());
        return;
    }
    auto config = sts::sim::engine_config_for(w.world(), "127");
    if (!config.has_value()) {
        state.SkipWithError(("no engine configuration: " + config.error()).c_str());
        return;
    }
    w.run();
    gateway_runtime gw(start);
    sts::log::memory_sink log;
    auto made = sts::delivery::engine::create(std::move(config).value(),
                                              {gw.io, gw.network, gw.timers, gw.clock, log});
    if (!made.has_value()) {
        state.SkipWithError(("the engine does not start: " + made.error()).c_str());
        return;
    }
    auto& engine = *made.value();
    // Runs the gateway's io_context until nothing is in flight (or a minute passed).
    auto drain = [&] {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (engine.counts().in_flight != 0 && std::chrono::steady_clock::now() < deadline)
            gw.io.run_one_for(20ms);
    };
    // One delivery before timing: the DNS answers are then cached.
    std::uint64_t n = 0;
    engine.submit(make_message(n++));
    drain();
    if (engine.counts().delivered != 1) {
        state.SkipWithError("the warm-up message was not delivered");
    }
    std::int64_t delivered = 0;
    for (auto _ : state) {
        const auto before = engine.counts().delivered;
        for (int i = 0; i < batch_messages; ++i) engine.submit(make_message(n++));
        drain();
        const auto after = engine.counts();
        if (after.delivered - before != batch_messages || !after.conserved()) {
            state.SkipWithError("a message of the batch was not delivered");
            break;
        }
        delivered += batch_messages;
    }
    state.SetItemsProcessed(delivered);
    engine.stop();
    gw.io.poll();
}

void engine_loopback_new_connection_one_thread(benchmark::State& state) {
    auto spec = load_world(state);
    if (!spec) return;
    auto started =
        sts::sim::simulation::start(std::move(*spec), {sts::sim::network_kind::loopback, one_thread_port_base});
    if (!started.has_value()) {
        state.SkipWithError(("the world does not start: " + started.error()).c_str());
        return;
    }
    auto& sim = *started.value();
    std::uint64_t n = 0;
    sim.submit(make_message(n++));
    sim.run_for(60s);
    if (sim.engine().counts().delivered != 1) {
        state.SkipWithError("the warm-up message was not delivered");
    }
    std::int64_t delivered = 0;
    for (auto _ : state) {
        const auto before = sim.engine().counts().delivered;
        for (int i = 0; i < batch_messages; ++i) sim.submit(make_message(n++));
        sim.run_for(60s);
        const auto after = sim.engine().counts();
        if (after.delivered - before != batch_messages || !after.conserved()) {
            state.SkipWithError("a message of the batch was not delivered");
            break;
        }
        delivered += batch_messages;
    }
    state.SetItemsProcessed(delivered);
}

class quiet_observer final : public sts::smtp::session_observer {
public:
    void on_connected(const sts::net::endpoint&, const sts::net::endpoint&) override {}
    void on_starttls_missing() override {}
    void on_tls(const sts::smtp::tls_report&) override {}
    void on_message_start(const sts::smtp::outgoing_message&) override {}
    void on_message_done(const sts::smtp::outgoing_message&,
                         const std::vector<sts::smtp::recipient_result>&) override {}
};

void smtp_loopback_session_reuse(benchmark::State& state) {
    auto spec = load_world(state);
    if (!spec) return;
    const auto start = spec->settings.start;
    threaded_world w(std::move(*spec), session_port_base);
    if (auto error = w.start()) {
        state.SkipWithError(("the world does not start: " + *error).c_str());
        return;
    }
    const auto mx = w.world().endpoint_of("mx1.example.test", "smtp");
    const auto trust = w.world().trust_store_pem();
    w.run();
    gateway_runtime gw(start);
    auto tls = sts::tls::client_tls::create(trust, gw.clock);
    if (!mx || !tls.has_value()) {
        state.SkipWithError("no receiver or no trust store");
        return;
    }
    // The requirement the engine has for this host under the world's profile.
    sts::tls::decision_input input;
    input.settings.tls = sts::tls::tls_setting::required_verify_hosted;
    input.mx_host = "mx1.example.test";
    input.next_hop_domain = "example.test";
    const auto requirement = sts::tls::decide(input);

    quiet_observer observer;
    std::int64_t delivered = 0;
    std::uint64_t mid = 1;
    for (auto _ : state) {
        sts::smtp::session_request request;
        request.source_address = "127.0.0.1";
        request.server = *mx;
        request.server_name = "mx1.example.test";
        request.ehlo_name = "gateway.sim.test";
        request.requirement = requirement;
        for (int i = 0; i < batch_messages; ++i, ++mid) {
            auto m = make_message(mid);
            request.messages.push_back({mid, m.mail_from, m.rcpt_to, {0}, std::move(m.data)});
        }
        std::optional<sts::smtp::session_result> result;
        sts::smtp::run_session({gw.io, gw.network, gw.timers, gw.clock, *tls.value()}, std::move(request), observer,
                               [&result](sts::smtp::session_result r) { result = std::move(r); });
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (!result && std::chrono::steady_clock::now() < deadline) gw.io.run_one_for(20ms);
        if (!result || result->end != sts::smtp::session_end::completed || result->tls.protocol.empty() ||
            result->tls.verdict.what != sts::tls::next_step::deliver) {
            state.SkipWithError("the session did not complete over verified TLS");
            break;
        }
        for (const auto& r : result->recipients)
            if (r.status == sts::smtp::recipient_status::delivered) ++delivered;
        if (delivered != static_cast<std::int64_t>(mid - 1)) {
            state.SkipWithError("a message of the session was not delivered");
            break;
        }
    }
    state.SetItemsProcessed(delivered);
    gw.io.poll();
}

}  // namespace

BENCHMARK(engine_loopback_new_connection)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(engine_loopback_new_connection_one_thread)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(smtp_loopback_session_reuse)->UseRealTime()->Unit(benchmark::kMillisecond);
