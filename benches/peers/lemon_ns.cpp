// Times LEMON's min-cost-flow solvers on a DIMACS min-cost-flow file:
// NetworkSimplex (default block-search pivot; the default) or CostScaling
// (`cs`, default AUGMENT method). Prints: cost, status, read_s, solve_s (same
// keys as `reliefflow solve-mcf`). Usage: lemon_ns FILE [ns|cs]
#include <lemon/smart_graph.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/cost_scaling.h>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

using namespace lemon;
typedef SmartDigraph G;

template <typename Alg>
int report(Alg& alg, std::chrono::steady_clock::time_point t0,
           std::chrono::steady_clock::time_point t1) {
  auto res = alg.run();
  auto t2 = std::chrono::steady_clock::now();
  const char* st = res == Alg::OPTIMAL ? "optimal" : res == Alg::INFEASIBLE ? "infeasible" : "unbounded";
  if (res == Alg::OPTIMAL) std::cout << alg.template totalCost<long long>() << "\n";
  else std::cout << st << "\n";
  std::cout << "status " << st << "\n";
  std::cout << "read_s " << std::chrono::duration<double>(t1 - t0).count() << "\n";
  std::cout << "solve_s " << std::chrono::duration<double>(t2 - t1).count() << "\n";
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) { std::cerr << "usage: lemon_ns FILE [ns|cs]\n"; return 2; }
  std::string alg = argc > 2 ? argv[2] : "ns";
  auto t0 = std::chrono::steady_clock::now();
  G g;
  G::ArcMap<long long> lower(g), cap(g), cost(g);
  G::NodeMap<long long> sup(g);
  std::ifstream in(argv[1]);
  readDimacsMin(in, g, lower, cap, cost, sup, 0);
  auto t1 = std::chrono::steady_clock::now();
  if (alg == "cs") {
    CostScaling<G, long long, long long> cs(g);
    cs.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
    return report(cs, t0, t1);
  }
  NetworkSimplex<G, long long, long long> ns(g);
  ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
  return report(ns, t0, t1);
}
