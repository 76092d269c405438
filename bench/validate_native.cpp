// Native baseline for bench/validate.mjs: validates one enable body in a loop
// and prints the median nanoseconds per request of several rounds.
//   identity_mfa_bench_validate <body> [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "identity_mfa/request.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <body> [iterations]\n", argv[0]);
    return 2;
  }
  std::string body = argv[1];
  long iterations = argc > 2 ? std::atol(argv[2]) : 1000000;
  identity_mfa::RequestValidator validator;
  size_t sink = 0;
  std::vector<double> rounds;
  for (int round = 0; round < 7; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) {
      sink += validator.validate(identity_mfa::Route::kEnable, body).entries.size();
    }
    std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
    rounds.push_back(elapsed.count() / static_cast<double>(iterations));
  }
  std::sort(rounds.begin(), rounds.end());
  std::printf("%.1f %zu\n", rounds[rounds.size() / 2], sink);
  return 0;
}
