#include <iostream>

int main() {
  std::cout << "mobilelink\n";
  return 0;
}
