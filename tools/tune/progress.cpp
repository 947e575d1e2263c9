#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace sepconv::tune {

Progress::Progress(int layers, double seconds_per_layer)
    : terminal_(isatty(STDERR_FILENO) != 0), layers_(layers), seconds_per_layer_(seconds_per_layer) {}

void Progress::start_layer(int index, const std::string &name) {
    index_ = index;
    name_ = name;
    candidates_ = 0;
    best_gflops_ = 0;
    what_.clear();
    layer_start_ = Clock::now();
    if (!terminal_) std::fprintf(stderr, "[%d/%d] %s\n", index + 1, layers_, name.c_str());
    draw();
}

void Progress::update(int candidates, int max_candidates, double best_gflops, const std::string &what) {
    candidates_ = candidates;
    max_candidates_ = std::max(max_candidates, 1);
    best_gflops_ = best_gflops;
    what_ = what;
    draw();
}

void Progress::finish_layer() {
    finished_seconds_ += std::chrono::duration<double>(Clock::now() - layer_start_).count();
    ++finished_;
}

void Progress::print(const std::string &line) {
    if (terminal_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "%s\n", line.c_str());
    draw();
}

double Progress::eta_seconds() const {
    const double per_layer = finished_ ? finished_seconds_ / finished_ : seconds_per_layer_;
    const double in_layer = std::chrono::duration<double>(Clock::now() - layer_start_).count();
    return std::max(0.0, per_layer * (layers_ - finished_) - in_layer);
}

void Progress::draw() {
    if (!terminal_) return;
    constexpr int kWidth = 24;
    const double done = (finished_ + std::min(1.0, static_cast<double>(candidates_) / max_candidates_)) / layers_;
    const int filled = static_cast<int>(done * kWidth);
    const int eta = static_cast<int>(eta_seconds());
    std::fprintf(stderr, "\r\033[K[%s%s] %d/%d %s  candidate %d/%d  best %.1f GFLOP/s  ETA %dm%02ds  %s",
                 std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(), index_ + 1, layers_,
                 name_.c_str(), candidates_, max_candidates_, best_gflops_, eta / 60, eta % 60, what_.c_str());
    std::fflush(stderr);
}

}  // namespace sepconv::tune
