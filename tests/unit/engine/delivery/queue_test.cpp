// Tests engine/delivery/queue.hpp: acceptance, jobs per (message, domain), the concurrency
// limit, the deterministic order of due jobs, every state transition, and the conservation
// count after each of them.
#include "engine/delivery/queue.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace sts::delivery {
inline std::ostream& boost_test_print_type(std::ostream& os, queue_state s) { return os << to_string(s); }
}  // namespace sts::delivery

namespace {

using namespace std::chrono_literals;
using sts::core::time_point;
using namespace sts::delivery;

const time_point t0 = time_point{} + std::chrono::days(19992);

message msg(std::vector<std::string> rcpts) { return message{"alice@sender.test", std::move(rcpts), "Subject: x\r\n\r\nhi\r\n"}; }

failure_note transient(std::string status = "4.4.1") {
    failure_note f;
    f.status = std::move(status);
    f.text = "No answer from host";
    f.reply_code = "000";
    return f;
}

void check_conserved(const queue& q) {
    BOOST_TEST(q.counts().conserved());
    BOOST_TEST((q.counts() == q.recount()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_queue)

BOOST_AUTO_TEST_CASE(recipient_domain_is_the_lower_case_part_after_the_last_at_sign)
{
    BOOST_TEST(recipient_domain("Bob@Example.TEST") == "example.test");
    BOOST_TEST(recipient_domain("\"a@b\"@example.test.") == "example.test");
    BOOST_TEST(recipient_domain("postmaster") == "");
    BOOST_TEST(recipient_domain("bob@") == "");
}

BOOST_AUTO_TEST_CASE(mids_and_dcids_count_up_from_their_seeds)
{
    queue q({.mid_first = 100, .dcid_first = 7, .concurrency_max = 4});
    BOOST_TEST(q.accept(msg({"a@x.test"}), t0) == 100u);
    BOOST_TEST(q.accept(msg({"b@x.test"}), t0) == 101u);
    BOOST_TEST(q.next_dcid() == 7u);
    BOOST_TEST(q.next_dcid() == 8u);
}

BOOST_AUTO_TEST_CASE(one_job_per_domain_of_a_message_with_its_recipients_in_rid_order)
{
    queue q;
    const auto mid = q.accept(msg({"a@y.test", "b@x.test", "c@Y.test", "d@x.test"}), t0);
    const auto jobs = q.take_due(t0);
    BOOST_TEST_REQUIRE(jobs.size() == 2u);
    BOOST_TEST((jobs[0] == delivery_job{mid, "y.test", {0, 2}}));
    BOOST_TEST((jobs[1] == delivery_job{mid, "x.test", {1, 3}}));
    BOOST_TEST(q.counts().in_flight == 4u);
    BOOST_TEST(q.counts().jobs_in_flight == 2u);
    BOOST_TEST(q.find(mid, 0)->attempts == 1u);
    check_conserved(q);
}

BOOST_AUTO_TEST_CASE(nothing_is_due_before_its_time_and_the_next_due_time_is_reported)
{
    queue q;
    const auto mid = q.accept(msg({"a@x.test"}), t0);
    auto jobs = q.take_due(t0);
    BOOST_TEST_REQUIRE(jobs.size() == 1u);
    BOOST_TEST(q.mark_deferred(mid, 0, t0 + 5min, transient()));
    q.finish_job(jobs[0], t0);
    BOOST_TEST(q.take_due(t0 + 5min - 1ms).empty());
    BOOST_TEST((q.next_due() == t0 + 5min));
    jobs = q.take_due(t0 + 5min);
    BOOST_TEST(jobs.size() == 1u);
    BOOST_TEST(q.find(mid, 0)->attempts == 2u);
    BOOST_TEST(q.find(mid, 0)->last_failure->status == "4.4.1");
    check_conserved(q);
}

BOOST_AUTO_TEST_CASE(the_concurrency_limit_caps_the_jobs_in_flight)
{
    queue q({.concurrency_max = 2});
    for (int i = 0; i < 5; ++i) q.accept(msg({"a@x.test"}), t0);
    auto jobs = q.take_due(t0);
    BOOST_TEST(jobs.size() == 2u);
    BOOST_TEST(!q.has_free_slot());
    BOOST_TEST(q.take_due(t0).empty());
    BOOST_TEST(q.mark_delivered(jobs[0].mid, 0, {}));
    q.finish_job(jobs[0], t0);
    const auto more = q.take_due(t0);
    BOOST_TEST_REQUIRE(more.size() == 1u);
    BOOST_TEST(more[0].mid == 3u);
    check_conserved(q);
}

BOOST_AUTO_TEST_CASE(due_jobs_come_out_by_due_time_then_mid)
{
    queue q;
    const auto m1 = q.accept(msg({"a@x.test"}), t0);
    const auto m2 = q.accept(msg({"a@x.test"}), t0);
    const auto m3 = q.accept(msg({"a@x.test"}), t0);
    auto jobs = q.take_due(t0);
    BOOST_TEST_REQUIRE(jobs.size() == 3u);
    q.mark_deferred(m1, 0, t0 + 3min, transient());
    q.mark_deferred(m2, 0, t0 + 1min, transient());
    q.mark_deferred(m3, 0, t0 + 1min, transient());
    for (const auto& j : jobs) q.finish_job(j, t0);
    jobs = q.take_due(t0 + 10min);
    BOOST_TEST_REQUIRE(jobs.size() == 3u);
    BOOST_TEST(jobs[0].mid == m2);
    BOOST_TEST(jobs[1].mid == m3);
    BOOST_TEST(jobs[2].mid == m1);
}

BOOST_AUTO_TEST_CASE(a_message_and_domain_has_at_most_one_job_in_flight)
{
    queue q;
    const auto mid = q.accept(msg({"a@x.test", "b@x.test"}), t0);
    auto jobs = q.take_due(t0);
    BOOST_TEST_REQUIRE(jobs.size() == 1u);
    // RID 0 is deferred while the job still works on RID 1: its retry is not started
    // beside the running job.
    q.mark_deferred(mid, 0, t0 + 1min, transient());
    BOOST_TEST(q.take_due(t0 + 2min).empty());
    BOOST_TEST(!q.next_due().has_value());
    q.mark_delivered(mid, 1, {});
    q.finish_job(jobs[0], t0 + 2min);
    BOOST_TEST((q.next_due() == t0 + 1min));
    BOOST_TEST(q.take_due(t0 + 2min).size() == 1u);
}

BOOST_AUTO_TEST_CASE(transitions_apply_only_to_recipients_in_flight)
{
    queue q;
    const auto mid = q.accept(msg({"a@x.test"}), t0);
    BOOST_TEST(!q.mark_delivered(mid, 0, {}));  // still waiting
    BOOST_TEST(!q.mark_bounced(mid, 7, "no such rid"));
    BOOST_TEST(!q.mark_deferred(mid + 1, 0, t0, transient()));
    const auto jobs = q.take_due(t0);
    BOOST_TEST(q.mark_bounced(mid, 0, "null MX"));
    BOOST_TEST(!q.mark_delivered(mid, 0, {}));  // already final
    BOOST_TEST(q.counts().bounced == 1u);
    BOOST_TEST(q.finished(mid));
    check_conserved(q);
}

BOOST_AUTO_TEST_CASE(a_message_is_finished_only_when_every_recipient_is_delivered_or_bounced)
{
    queue q;
    const auto mid = q.accept(msg({"a@x.test", "b@y.test"}), t0);
    const auto jobs = q.take_due(t0);
    q.mark_delivered(mid, 0, {"mx.x.test", "192.0.2.1:25", "TLSv1.3", "250 ok"});
    BOOST_TEST(!q.finished(mid));
    q.mark_bounced(mid, 1, "5.1.1");
    BOOST_TEST(q.finished(mid));
    BOOST_TEST(q.find(mid, 0)->delivered->tls_protocol == "TLSv1.3");
}

BOOST_AUTO_TEST_CASE(finishing_a_job_puts_stranded_recipients_back_so_none_is_lost)
{
    queue q;
    const auto mid = q.accept(msg({"a@x.test", "b@x.test"}), t0);
    const auto jobs = q.take_due(t0);
    q.mark_delivered(mid, 0, {});
    BOOST_TEST(q.finish_job(jobs[0], t0 + 1s) == 1u);
    BOOST_TEST(q.find(mid, 1)->state == queue_state::waiting);
    BOOST_TEST(q.counts().jobs_in_flight == 0u);
    check_conserved(q);
}

BOOST_AUTO_TEST_CASE(counts_stay_conserved_through_a_long_random_walk_of_transitions)
{
    queue q({.concurrency_max = 3});
    std::uint64_t rng = 12345;
    const auto next = [&rng] {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<unsigned>(rng >> 33);
    };
    time_point now = t0;
    for (int step = 0; step < 400; ++step) {
        if (next() % 3 == 0) q.accept(msg({"a@x.test", "b@y.test", "c@x.test"}), now);
        for (const auto& job : q.take_due(now)) {
            for (const unsigned rid : job.rids) {
                switch (next() % 3) {
                    case 0:
                        q.mark_delivered(job.mid, rid, {});
                        break;
                    case 1:
                        q.mark_bounced(job.mid, rid, "x");
                        break;
                    default:
                        q.mark_deferred(job.mid, rid, now + std::chrono::seconds(next() % 600), transient());
                }
                check_conserved(q);
            }
            q.finish_job(job, now);
        }
        now += 1min;
        check_conserved(q);
    }
    BOOST_TEST(q.counts().accepted > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
