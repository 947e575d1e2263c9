// The tuner's progress: a one-line bar with an ETA on a terminal, one line per layer otherwise
// (CI logs, pipes).
#pragma once

#include <chrono>
#include <string>

namespace sepconv::tune {

class Progress {
public:
    // `layers` to tune, each expected to take about `seconds_per_layer` until one has finished.
    Progress(int layers, double seconds_per_layer);

    void start_layer(int index, const std::string &name);
    void update(int candidates, int max_candidates, double best_gflops, const std::string &what);
    void finish_layer();
    void print(const std::string &line);  // a log line, above the bar

private:
    double eta_seconds() const;
    void draw();

    using Clock = std::chrono::steady_clock;
    bool terminal_;
    int layers_, index_ = 0, finished_ = 0, candidates_ = 0, max_candidates_ = 1;
    double seconds_per_layer_, best_gflops_ = 0, finished_seconds_ = 0;
    std::string name_, what_;
    Clock::time_point layer_start_;
};

}  // namespace sepconv::tune
