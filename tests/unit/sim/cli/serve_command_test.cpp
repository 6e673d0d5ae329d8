// Tests `mtasts-sim serve` (sim/cli/serve_command.cpp) as a separate process: it brings
// examples/worlds/basic.toml up on loopback, writes the ready file with every endpoint and
// the CA file, answers DNS over real UDP, and exits 0 on SIGTERM; a broken world file
// exits 2 with its mistakes. The child is a fork of this process running the command, so
// the test needs no installed binary. Waiting is for events (the ready file appearing,
// the child exiting), in a bounded number of short polls.
#include "sim/cli/cli.hpp"

#include "engine/dns/query.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace cli = sts::sim::cli;
namespace dns = sts::dns;

pid_t spawn_serve(std::vector<std::string> args) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::istringstream in;
        std::ostringstream out;
        std::ostringstream err;
        const int status = cli::run_serve(args, cli::streams{in, out, err});
        ::_exit(status);
    }
    return pid;
}

// The child's exit status once it exits, or -1 if it is still running after the polls.
int wait_exit(pid_t pid, int polls) {
    for (int i = 0; i < polls; ++i) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::filesystem::path scratch(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("serve_test_" + std::to_string(::getpid()) + "_" + name);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_serve_command)

BOOST_AUTO_TEST_CASE(serve_brings_a_world_up_answers_dns_and_stops_cleanly_on_sigterm) {
    const auto ready = scratch("ready.json");
    const auto ca = scratch("ca.pem");
    std::filesystem::remove(ready);
    // A base port of our own keeps concurrent test runs apart.
    const auto base = std::to_string(20000 + ::getpid() % 20000);
    const pid_t pid = spawn_serve({STS_SOURCE_DIR "/examples/worlds/basic.toml", "--ready-file", ready.string(),
                                   "--ca-file", ca.string(), "--port-base", base});
    BOOST_TEST_REQUIRE(pid > 0);
    bool up = false;
    for (int i = 0; i < 500 && !up; ++i) {
        up = std::filesystem::exists(ready);
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!up) {
        ::kill(pid, SIGKILL);
        wait_exit(pid, 50);
        BOOST_FAIL("the ready file never appeared");
    }
    std::ifstream in(ready);
    const auto json = nlohmann::json::parse(in);
    BOOST_TEST(json["ca_file"] == ca.string());
    BOOST_TEST(std::filesystem::exists(ca));
    BOOST_TEST_REQUIRE(json["endpoints"].size() == 3u);
    BOOST_TEST(json["endpoints"][0]["service"] == "dns");
    const std::string address = json["endpoints"][0]["address"];
    const int port = json["endpoints"][0]["port"];
    BOOST_TEST(address == "127.53.0.1");
    BOOST_TEST(port == std::stoi(base) + 53);
    BOOST_TEST(json["endpoints"][2]["port"] == std::stoi(base) + 25);

    // A tiny UDP client: one query, one answer, with a receive timeout as the bound.
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    BOOST_TEST_REQUIRE(fd >= 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, address.c_str(), &to.sin_addr);
    const auto query = dns::encode(dns::make_query(0x0707, "mx1.example.test", dns::rr_type::a)).value();
    ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    std::vector<std::uint8_t> buffer(4096);
    const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
    ::close(fd);
    BOOST_TEST_REQUIRE(n > 0);
    const auto reply = dns::decode(std::span(buffer.data(), static_cast<std::size_t>(n)));
    BOOST_TEST_REQUIRE(reply.has_value());
    BOOST_TEST(reply.value().header.id == 0x0707);
    BOOST_TEST_REQUIRE(reply.value().answers.size() == 1u);
    BOOST_TEST(std::get<dns::a_rdata>(reply.value().answers[0].data).address == "127.25.0.1");

    BOOST_TEST_REQUIRE(::kill(pid, SIGTERM) == 0);
    const int status = wait_exit(pid, 500);
    if (status == -1) ::kill(pid, SIGKILL);
    BOOST_TEST(status == 0);
    BOOST_TEST(!std::filesystem::exists(ca));  // the CA file is removed on shutdown
    std::filesystem::remove(ready);
}

BOOST_AUTO_TEST_CASE(a_broken_world_file_exits_2_with_its_mistakes) {
    const auto file = scratch("broken.toml");
    std::ofstream(file) << "[world]\nseed = \"seven\"\n";
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const int status = cli::run_serve(std::vector<std::string>{file.string()}, cli::streams{in, out, err});
    std::filesystem::remove(file);
    BOOST_TEST(status == 2);
    BOOST_TEST(err.str().find(":2:8: world.seed: expected an integer") != std::string::npos, err.str());
}

BOOST_AUTO_TEST_SUITE_END()
