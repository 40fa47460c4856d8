// The coordination contract's local world: one LocalCoordination over a
// temp data directory stands for every replica.

#include <fstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "coordination_world.hpp"
#include "local_coordination.hpp"
#include "test_support.hpp"

namespace notifyd::test {
namespace {

class LocalWorld final : public CoordinationWorld {
 public:
  explicit LocalWorld(std::chrono::milliseconds lease_ttl) : coordination_(dir_.path(), {}, "", lease_ttl) {}
  // The loop's threads return once nothing is queued; then the coordination
  // goes (its watch thread joined), then the loop.
  ~LocalWorld() override {
    work_.reset();
    for (auto& thread : threads_) thread.join();
  }

  sdk::Coordination& replica(std::size_t) override { return coordination_; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  void change_behind_the_back(const std::string& name, const std::string& content) override {
    const auto path = dir_.path() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  }

 private:
  TempDir dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  core::LocalCoordination coordination_;
  std::thread threads_[2] = {std::thread([this] { io_.run(); }), std::thread([this] { io_.run(); })};
};

}  // namespace

std::unique_ptr<CoordinationWorld> make_coordination_world(std::chrono::milliseconds lease_ttl) {
  return std::make_unique<LocalWorld>(lease_ttl);
}

}  // namespace notifyd::test
