// Times LEMON's NetworkSimplex (default block-search pivot) on a DIMACS min-cost-flow
// file. Prints: cost, status, read_s, solve_s (same keys as `reliefflow solve-mcf`).
#include <lemon/smart_graph.h>
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <chrono>
#include <fstream>
#include <iostream>

using namespace lemon;
typedef SmartDigraph G;

int main(int argc, char** argv) {
  if (argc < 2) { std::cerr << "usage: lemon_ns FILE\n"; return 2; }
  auto t0 = std::chrono::steady_clock::now();
  G g;
  G::ArcMap<long long> lower(g), cap(g), cost(g);
  G::NodeMap<long long> sup(g);
  std::ifstream in(argv[1]);
  readDimacsMin(in, g, lower, cap, cost, sup, 0);
  auto t1 = std::chrono::steady_clock::now();
  NetworkSimplex<G, long long, long long> ns(g);
  ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(sup);
  auto res = ns.run();
  auto t2 = std::chrono::steady_clock::now();
  const char* st = res == NetworkSimplex<G, long long, long long>::OPTIMAL ? "optimal"
                 : res == NetworkSimplex<G, long long, long long>::INFEASIBLE ? "infeasible" : "unbounded";
  if (res == NetworkSimplex<G, long long, long long>::OPTIMAL) std::cout << ns.totalCost<long long>() << "\n";
  else std::cout << st << "\n";
  std::cout << "status " << st << "\n";
  std::cout << "read_s " << std::chrono::duration<double>(t1 - t0).count() << "\n";
  std::cout << "solve_s " << std::chrono::duration<double>(t2 - t1).count() << "\n";
}
