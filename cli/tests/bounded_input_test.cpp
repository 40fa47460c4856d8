#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "bounded_input.hpp"

using namespace notifyctl;

namespace {

class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& contents) {
    char name[] = "/tmp/notifyctl-test-XXXXXX";
    const int descriptor = ::mkstemp(name);
    REQUIRE(descriptor >= 0);
    ::close(descriptor);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << contents;
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

TEST_CASE("read_all returns everything up to the limit", "[bounded_input]") {
  std::istringstream input(std::string(100, 'x'));
  const auto data = read_all(input, 100, "stdin");
  REQUIRE(std::holds_alternative<std::string>(data));
  CHECK(std::get<std::string>(data).size() == 100);
}

TEST_CASE("read_all refuses input above the limit", "[bounded_input]") {
  std::istringstream input(std::string(stdin_limit + 1, 'x'));
  const auto data = read_all(input, stdin_limit, "stdin");
  REQUIRE(std::holds_alternative<InputError>(data));
  CHECK(std::get<InputError>(data).message == "stdin is larger than the 1 MiB limit");
}

TEST_CASE("read_file returns a file's bytes", "[bounded_input]") {
  const TemporaryFile file(std::string("\x89PNG\0\1", 6));
  const auto data = read_file(file.path(), image_limit);
  REQUIRE(std::holds_alternative<std::string>(data));
  CHECK(std::get<std::string>(data) == std::string("\x89PNG\0\1", 6));
}

TEST_CASE("read_file names the file and the problem", "[bounded_input]") {
  const TemporaryFile file(std::string(1025, 'x'));
  const auto too_large = read_file(file.path(), 1024);
  REQUIRE(std::holds_alternative<InputError>(too_large));
  CHECK(std::get<InputError>(too_large).message == file.path() + " is larger than the 1 KiB limit");

  const auto missing = read_file("/nonexistent/chart.png", image_limit);
  REQUIRE(std::holds_alternative<InputError>(missing));
  CHECK(std::get<InputError>(missing).message == "cannot read /nonexistent/chart.png: No such file or directory");

  const auto directory = read_file("/tmp", image_limit);
  REQUIRE(std::holds_alternative<InputError>(directory));
  CHECK(std::get<InputError>(directory).message == "cannot read /tmp: is a directory");
}

TEST_CASE("sizes are described in the largest whole unit", "[bounded_input]") {
  CHECK(describe_size(10 * 1024 * 1024) == "10 MiB");
  CHECK(describe_size(512 * 1024) == "512 KiB");
  CHECK(describe_size(1000) == "1000 bytes");
}
