#include "relay7/process/generation.h"

#include <gtest/gtest.h>

namespace relay7 {
namespace {

Generation with_workers(size_t count) {
  Generation generation;
  generation.slots.resize(count);
  for (size_t i = 0; i < count; ++i) {
    generation.slots[i].pid = static_cast<pid_t>(1000 + i);
  }
  return generation;
}

const WorkerReport kReady{WorkerReportKind::ready, {}};
const WorkerReport kDraining{WorkerReportKind::draining, {}};

TEST(Generation, IsReadyOnlyOnceEveryWorkerSaidSo) {
  Generation generation = with_workers(2);
  generation.record(generation.slots[0], kReady);
  EXPECT_FALSE(generation.all_ready());
  EXPECT_EQ(generation.accepting_slots(), std::vector<size_t>{0});
  generation.record(generation.slots[1], kReady);
  EXPECT_TRUE(generation.all_ready());
  EXPECT_EQ(generation.accepting_slots(), (std::vector<size_t>{0, 1}));
}

TEST(Generation, TheFirstFailureIsTheOneReported) {
  Generation generation = with_workers(2);
  generation.record(generation.slots[0], WorkerReport{WorkerReportKind::failed, "no log file"});
  generation.report_pipe_closed(generation.slots[1]);
  EXPECT_EQ(generation.failure, "no log file");
}

TEST(Generation, AFailureReportAfterStartingChangesNothing) {
  Generation generation = with_workers(1);
  generation.state = GenerationState::serving;
  generation.record(generation.slots[0], WorkerReport{WorkerReportKind::failed, "late"});
  generation.report_pipe_closed(generation.slots[0]);
  EXPECT_EQ(generation.failure, "");
}

TEST(Generation, AWorkerGoneBeforeItWasReadyFailsAStartingGeneration) {
  Generation generation = with_workers(1);
  generation.report_pipe_closed(generation.slots[0]);
  EXPECT_EQ(generation.failure, "worker process 1000 exited before it was ready");
}

TEST(Generation, HasStoppedAcceptingWhenEveryRunningWorkerDrains) {
  Generation generation = with_workers(3);
  generation.record(generation.slots[0], kDraining);
  generation.slots[1].pid = -1;  // exited
  EXPECT_FALSE(generation.all_stopped_accepting());
  generation.record(generation.slots[2], kDraining);
  EXPECT_TRUE(generation.all_stopped_accepting());
  EXPECT_TRUE(generation.has_running_workers());
}

TEST(Generation, ARespawnedWorkerStartsWithNothingReported) {
  Generation generation = with_workers(1);
  WorkerSlot& slot = generation.slots[0];
  generation.record(slot, kReady);
  generation.record(slot, WorkerReport{WorkerReportKind::serving, {}});
  slot.respawn_at = ProcessClock::now();
  slot.started_process(2000, UniqueFd(), ProcessClock::now());
  EXPECT_EQ(generation.slot_with_pid(2000), &slot);
  EXPECT_FALSE(slot.ready_reported);
  EXPECT_FALSE(slot.served_reported);
  EXPECT_FALSE(slot.respawn_at);
  EXPECT_EQ(generation.accepting_slots(), std::vector<size_t>{});
}

}  // namespace
}  // namespace relay7
